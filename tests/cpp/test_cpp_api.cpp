/*
 * test_cpp_api.cpp -- every class and method of libpmemkv.hpp, against the
 * cmap engine (pools in /dev/shm) and the blackhole engine.
 */
#include <cstdio>
#include <functional>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "libpmemkv.hpp"

#include "cpp_test.hpp"

using namespace pmem::kv;

static const std::uint64_t POOL_SIZE = 16ull << 20;

/* ---- status ---- */

static void test_status_values_match_c()
{
	CHECK_EQ(static_cast<int>(status::OK), PMEMKV_STATUS_OK);
	CHECK_EQ(static_cast<int>(status::UNKNOWN_ERROR), PMEMKV_STATUS_UNKNOWN_ERROR);
	CHECK_EQ(static_cast<int>(status::NOT_FOUND), PMEMKV_STATUS_NOT_FOUND);
	CHECK_EQ(static_cast<int>(status::NOT_SUPPORTED), PMEMKV_STATUS_NOT_SUPPORTED);
	CHECK_EQ(static_cast<int>(status::INVALID_ARGUMENT), PMEMKV_STATUS_INVALID_ARGUMENT);
	CHECK_EQ(static_cast<int>(status::CONFIG_PARSING_ERROR),
		 PMEMKV_STATUS_CONFIG_PARSING_ERROR);
	CHECK_EQ(static_cast<int>(status::CONFIG_TYPE_ERROR), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	CHECK_EQ(static_cast<int>(status::STOPPED_BY_CB), PMEMKV_STATUS_STOPPED_BY_CB);
	CHECK_EQ(static_cast<int>(status::OUT_OF_MEMORY), PMEMKV_STATUS_OUT_OF_MEMORY);
	CHECK_EQ(static_cast<int>(status::WRONG_ENGINE_NAME), PMEMKV_STATUS_WRONG_ENGINE_NAME);
	CHECK_EQ(static_cast<int>(status::TRANSACTION_SCOPE_ERROR),
		 PMEMKV_STATUS_TRANSACTION_SCOPE_ERROR);
	CHECK_EQ(static_cast<int>(status::DEFRAG_ERROR), PMEMKV_STATUS_DEFRAG_ERROR);
	CHECK_EQ(static_cast<int>(status::COMPARATOR_MISMATCH),
		 PMEMKV_STATUS_COMPARATOR_MISMATCH);
}

static std::string str(status s)
{
	std::ostringstream os;
	os << s;
	return os.str();
}

static void test_status_prints_name_and_number()
{
	CHECK_EQ(str(status::OK), "OK (0)");
	CHECK_EQ(str(status::NOT_FOUND), "NOT_FOUND (2)");
	CHECK_EQ(str(status::STOPPED_BY_CB), "STOPPED_BY_CB (7)");
	CHECK_EQ(str(status::COMPARATOR_MISMATCH), "COMPARATOR_MISMATCH (12)");
	CHECK_EQ(str(static_cast<status>(99)), "UNKNOWN_STATUS (99)");
	CHECK_EQ(str(static_cast<status>(-1)), "UNKNOWN_STATUS (-1)");
}

/* ---- string_view ---- */

static void test_string_view_constructors()
{
	string_view e;
	CHECK_EQ(e.size(), 0u);
	CHECK(e.data() != nullptr);
	CHECK(e.empty());

	string_view c("abc");
	CHECK_EQ(c.size(), 3u);
	CHECK_EQ(std::string(c.data(), c.size()), "abc");

	const char *nul = nullptr;
	string_view n(nul);
	CHECK_EQ(n.size(), 0u);
	CHECK(n.data() != nullptr);

	std::string s("a\0b", 3);
	string_view fs(s);
	CHECK_EQ(fs.size(), 3u);
	CHECK(fs.data() == s.data());

	string_view p("xyz", 2);
	CHECK_EQ(p.size(), 2u);
	CHECK_EQ(p.length(), 2u);
	CHECK_EQ(p[1], 'y');

	std::string_view ssv("hello");
	string_view fsv(ssv);
	CHECK_EQ(fsv.size(), 5u);
	std::string_view back = fsv;
	CHECK(back == ssv);

	/* the std::string_view-like members */
	string_view w("hello world");
	CHECK_EQ(w.front(), 'h');
	CHECK_EQ(w.back(), 'd');
	CHECK_EQ(w.at(4), 'o');
	CHECK_THROWS(std::out_of_range, w.at(11));
	CHECK_EQ(w.substr(6), "world");
	CHECK_EQ(w.substr(0, 5), "hello");
	CHECK_EQ(w.substr(6, 100), "world");
	CHECK_EQ(w.substr(11), "");
	CHECK_THROWS(std::out_of_range, w.substr(12));
	string_view t = w;
	t.remove_prefix(6);
	t.remove_suffix(2);
	CHECK_EQ(t, "wor");
	t.swap(w);
	CHECK_EQ(t, "hello world");
	CHECK_EQ(w, "wor");
	CHECK_EQ(std::string(w.cbegin(), w.cend()), "wor");
	CHECK(string_view::npos == std::string::npos);

	std::string copy(fsv);
	CHECK_EQ(copy, "hello");
	std::string from_range(fsv.begin(), fsv.end());
	CHECK_EQ(from_range, "hello");
}

static void test_string_view_compare_and_operators()
{
	string_view a("abc"), b("abd"), ab("ab");
	CHECK(a.compare(b) < 0);
	CHECK(b.compare(a) > 0);
	CHECK_EQ(a.compare(string_view("abc")), 0);
	CHECK(ab.compare(a) < 0); /* prefix sorts first */
	CHECK(a.compare(ab) > 0);
	/* bytes compare unsigned: 0xff sorts after 'a' */
	CHECK(string_view("\xff").compare(string_view("a")) > 0);
	/* embedded NULs count */
	std::string n1("a\0b", 3), n2("a\0c", 3);
	CHECK(string_view(n1).compare(string_view(n2)) < 0);
	CHECK(string_view(n1) != string_view("a"));

	std::string s("abc");
	std::string_view ssv("abc");
	CHECK(a == "abc");
	CHECK("abc" == a);
	CHECK(a == s);
	CHECK(s == a);
	CHECK(a == ssv);
	CHECK(ssv == a);
	CHECK(a != b);
	CHECK(a < b);
	CHECK(b > a);
	CHECK(a <= s);
	CHECK(a >= ab);

	std::ostringstream os;
	os << string_view(n1);
	CHECK_EQ(os.str().size(), 3u);
	CHECK(os.str() == n1);
}

/* ---- config ---- */

static int deleted_objects;
static void count_delete(void *p)
{
	delete static_cast<int *>(p);
	deleted_objects++;
}

struct counted {
	int v;
	~counted()
	{
		deleted_objects++;
	}
};

static void test_config_put_get_every_type()
{
	config cfg;
	CHECK_EQ(cfg.put_uint64("u", 42), status::OK);
	CHECK_EQ(cfg.put_int64("i", -7), status::OK);
	CHECK_EQ(cfg.put_string("s", "text"), status::OK);
	int arr[3] = {1, 2, 3};
	CHECK_EQ(cfg.put_data("d", arr, 3), status::OK);
	CHECK_EQ(cfg.put_object("o", new int(5), count_delete), status::OK);
	CHECK_EQ(cfg.put_object("up", std::unique_ptr<counted>(new counted{9})), status::OK);

	std::uint64_t u = 0;
	CHECK_EQ(cfg.get_uint64("u", u), status::OK);
	CHECK_EQ(u, 42u);
	std::int64_t i = 0;
	CHECK_EQ(cfg.get_int64("i", i), status::OK);
	CHECK_EQ(i, -7);
	std::string s;
	CHECK_EQ(cfg.get_string("s", s), status::OK);
	CHECK_EQ(s, "text");
	int *d = nullptr;
	std::size_t n = 0;
	CHECK_EQ(cfg.get_data("d", d, n), status::OK);
	CHECK_EQ(n, 3u);
	CHECK_EQ(d[0], 1);
	CHECK_EQ(d[2], 3);
	CHECK(d != arr); /* a copy */
	int *o = nullptr;
	CHECK_EQ(cfg.get_object("o", o), status::OK);
	CHECK_EQ(*o, 5);
	counted *up = nullptr;
	CHECK_EQ(cfg.get_object("up", up), status::OK);
	CHECK_EQ(up->v, 9);

	/* integers read across types when in range */
	CHECK_EQ(cfg.get_int64("u", i), status::OK);
	CHECK_EQ(i, 42);
	CHECK_EQ(cfg.get_uint64("i", u), status::CONFIG_TYPE_ERROR);
	CHECK_NE(errormsg(), "");

	/* type errors and absent keys */
	CHECK_EQ(cfg.get_uint64("s", u), status::CONFIG_TYPE_ERROR);
	CHECK_NE(errormsg(), "");
	CHECK_EQ(cfg.get_string("u", s), status::CONFIG_TYPE_ERROR);
	CHECK_EQ(cfg.get_object("u", o), status::CONFIG_TYPE_ERROR);
	CHECK_EQ(cfg.get_data("s", d, n), status::CONFIG_TYPE_ERROR);
	CHECK_EQ(cfg.get_uint64("nope", u), status::NOT_FOUND);
	CHECK_EQ(cfg.get_string("nope", s), status::NOT_FOUND);

	/* replacement runs the old object's deleter */
	deleted_objects = 0;
	CHECK_EQ(cfg.put_uint64("o", 1), status::OK);
	CHECK_EQ(deleted_objects, 1);
	/* destruction runs the rest */
	{
		config gone = std::move(cfg);
	}
	CHECK_EQ(deleted_objects, 2);
}

static void test_config_well_known_items()
{
	config cfg;
	CHECK_EQ(cfg.put_path("/some/path"), status::OK);
	CHECK_EQ(cfg.put_size(1234), status::OK);
	CHECK_EQ(cfg.put_create_if_missing(true), status::OK);
	CHECK_EQ(cfg.put_create_or_error_if_exists(false), status::OK);
	std::string s;
	std::uint64_t u = 99;
	CHECK_EQ(cfg.get_string("path", s), status::OK);
	CHECK_EQ(s, "/some/path");
	CHECK_EQ(cfg.get_uint64("size", u), status::OK);
	CHECK_EQ(u, 1234u);
	CHECK_EQ(cfg.get_uint64("create_if_missing", u), status::OK);
	CHECK_EQ(u, 1u);
	CHECK_EQ(cfg.get_uint64("create_or_error_if_exists", u), status::OK);
	CHECK_EQ(u, 0u);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	CHECK_EQ(cfg.put_force_create(true), status::OK);
#pragma GCC diagnostic pop
	CHECK_EQ(cfg.get_uint64("create_or_error_if_exists", u), status::OK);
	CHECK_EQ(u, 1u);

	PMEMoid oid = {1, 2};
	CHECK_EQ(cfg.put_oid(&oid), status::NOT_SUPPORTED);
	CHECK_NE(errormsg(), "");
}

static void test_config_empty_and_release()
{
	config empty;
	std::uint64_t u;
	std::string s;
	CHECK_EQ(empty.get_uint64("x", u), status::NOT_FOUND);
	CHECK_EQ(empty.get_string("x", s), status::NOT_FOUND);
	CHECK(empty.release() == nullptr); /* lazily created: nothing yet */

	config cfg;
	CHECK_EQ(cfg.put_uint64("x", 3), status::OK);
	pmemkv_config *raw = cfg.release();
	CHECK(raw != nullptr);
	CHECK(cfg.release() == nullptr);
	CHECK_EQ(cfg.get_uint64("x", u), status::NOT_FOUND);

	/* a config built on a raw pmemkv_config owns it */
	config wrapped(raw);
	CHECK_EQ(wrapped.get_uint64("x", u), status::OK);
	CHECK_EQ(u, 3u);

	/* move construction / assignment transfer the items */
	config moved(std::move(wrapped));
	CHECK_EQ(moved.get_uint64("x", u), status::OK);
	config assigned;
	assigned = std::move(moved);
	CHECK_EQ(assigned.get_uint64("x", u), status::OK);
	CHECK_EQ(moved.get_uint64("x", u), status::NOT_FOUND);
}

struct reverse_cmp {
	int *calls;
	int compare(string_view a, string_view b)
	{
		++*calls;
		return b.compare(a);
	}
	std::string name()
	{
		return "reverse";
	}
};

/*
 * White box: the pmemkv_db behind a pmem::kv::db (its first member, a
 * unique_ptr with an empty deleter, is laid out as a bare pointer).
 */
#include "kv/kv.h"
static pmemkv_db *c_handle(db &kv)
{
	static_assert(sizeof(std::unique_ptr<pmemkv_db, pmem::kv::detail::db_deleter>) ==
			      sizeof(pmemkv_db *),
		      "unique_ptr layout");
	pmemkv_db *d;
	std::memcpy(&d, static_cast<void *>(&kv), sizeof(d));
	return d;
}

static void test_config_put_comparator()
{
	int calls = 0;
	config cfg;
	CHECK_EQ(cfg.put_comparator(reverse_cmp{&calls}), status::OK);
	/* the item is the pmemkv_comparator the C layer expects */
	pmemkv_comparator *c = nullptr;
	CHECK_EQ(cfg.get_object("comparator", c), status::OK);
	CHECK(c != nullptr);
	CHECK_EQ(std::string(c->name), "reverse");
	CHECK(c->fn("a", 1, "b", 1, c->arg) > 0);
	CHECK_EQ(calls, 1);
	/* replacing it frees the first one (checked by ASan) */
	reverse_cmp again{&calls};
	CHECK_EQ(cfg.put_comparator(again), status::OK);

	/*
	 * pmemkv_open deletes the config once the engine is open, but the
	 * engine keeps calling the comparator: the C++ object must outlive
	 * the config, as long as the db (and follow it when the db moves).
	 */
	db kv;
	CHECK_EQ(kv.open("blackhole", std::move(cfg)), status::OK);
	pmemkv_db *d = c_handle(kv);
	CHECK(d != nullptr);
	CHECK_EQ(std::string(d->cmp.name), "reverse");
	CHECK(d->cmp.fn("a", 1, "b", 1, d->cmp.arg) > 0);
	CHECK(d->cmp.fn("b", 1, "a", 1, d->cmp.arg) < 0);
	CHECK_EQ(calls, 3);
	db moved(std::move(kv));
	CHECK(d->cmp.fn("x", 1, "x", 1, d->cmp.arg) == 0);
	CHECK_EQ(calls, 4);
	moved.close();

	/* a failed open drops the comparator with the config */
	config bad;
	CHECK_EQ(bad.put_comparator(reverse_cmp{&calls}), status::OK);
	CHECK_EQ(kv.open("no-such-engine", std::move(bad)), status::WRONG_ENGINE_NAME);
}

/* ---- db on cmap ---- */

struct pool {
	std::string path;
	explicit pool(const char *tag) : path(test_pool_path(tag))
	{
	}
	~pool()
	{
		std::remove(path.c_str());
	}
	config cfg(bool create = true) const
	{
		config c;
		CHECK_EQ(c.put_path(path), status::OK);
		CHECK_EQ(c.put_size(POOL_SIZE), status::OK);
		CHECK_EQ(c.put_create_if_missing(create), status::OK);
		return c;
	}
};

static std::map<std::string, std::string> dump(db &kv)
{
	std::map<std::string, std::string> m;
	status s = kv.get_all([&](string_view k, string_view v) {
		m.emplace(std::string(k), std::string(v));
		return 0;
	});
	CHECK_EQ(s, status::OK);
	return m;
}

static void test_db_open_close_reopen()
{
	pool p("reopen");
	db kv;
	CHECK(!kv.is_open());
	CHECK_EQ(kv.open("cmap", p.cfg()), status::OK);
	CHECK(kv.is_open());
	CHECK_EQ(kv.put("k", "v"), status::OK);
	kv.close();
	CHECK(!kv.is_open());
	kv.close(); /* twice is fine */

	CHECK_EQ(kv.open("cmap", p.cfg(false)), status::OK);
	std::string v;
	CHECK_EQ(kv.get("k", &v), status::OK);
	CHECK_EQ(v, "v");

	/* reopening an open db: the new store replaces the old one */
	pool p2("reopen2");
	CHECK_EQ(kv.open("cmap", p2.cfg()), status::OK);
	CHECK_EQ(kv.exists("k"), status::NOT_FOUND);
}

static void test_db_open_errors()
{
	db kv;
	pool p("openerr");
	CHECK_EQ(kv.open("no-such-engine", p.cfg()), status::WRONG_ENGINE_NAME);
	CHECK_NE(errormsg(), "");
	CHECK_NE(kv.errormsg(), "");
	CHECK(!kv.is_open());

	/* cmap without a path */
	CHECK_EQ(kv.open("cmap"), status::INVALID_ARGUMENT);
	CHECK(kv.errormsg().find("path") != std::string::npos);

	/* missing pool without create_if_missing */
	CHECK_EQ(kv.open("cmap", p.cfg(false)), status::INVALID_ARGUMENT);
	CHECK_NE(errormsg(), "");

	/* a config item of the wrong type */
	config c = p.cfg();
	CHECK_EQ(c.put_string("size", "big"), status::OK);
	CHECK_NE(kv.open("cmap", std::move(c)), status::OK);
	CHECK(!kv.is_open());
}

static void test_db_closed_handle_is_invalid_argument()
{
	db kv;
	std::size_t cnt = 7;
	std::string v;
	CHECK_EQ(kv.put("a", "b"), status::INVALID_ARGUMENT);
	CHECK_NE(errormsg(), "");
	CHECK_EQ(kv.get("a", &v), status::INVALID_ARGUMENT);
	CHECK_EQ(kv.exists("a"), status::INVALID_ARGUMENT);
	CHECK_EQ(kv.remove("a"), status::INVALID_ARGUMENT);
	CHECK_EQ(kv.count_all(cnt), status::INVALID_ARGUMENT);
	CHECK_EQ(kv.get_all([](string_view, string_view) { return 0; }),
		 status::INVALID_ARGUMENT);
	CHECK_EQ(kv.defrag(), status::INVALID_ARGUMENT);
	CHECK_EQ(kv.tx_begin().get_status(), status::INVALID_ARGUMENT);
}

static void test_db_put_get_exists_remove_count()
{
	pool p("crud");
	db kv;
	CHECK_EQ(kv.open("cmap", p.cfg()), status::OK);
	std::size_t cnt = 99;
	CHECK_EQ(kv.count_all(cnt), status::OK);
	CHECK_EQ(cnt, 0u);

	CHECK_EQ(kv.put("key1", "value1"), status::OK);
	CHECK_EQ(kv.put(std::string("key2"), std::string("value2")), status::OK);
	CHECK_EQ(kv.put(std::string_view("key3"), std::string_view("value3")), status::OK);
	CHECK_EQ(kv.count_all(cnt), status::OK);
	CHECK_EQ(cnt, 3u);

	CHECK_EQ(kv.exists("key1"), status::OK);
	CHECK_EQ(kv.exists("nope"), status::NOT_FOUND);
	CHECK_EQ(errormsg(), ""); /* NOT_FOUND sets no message */

	std::string v = "old";
	CHECK_EQ(kv.get("key2", &v), status::OK);
	CHECK_EQ(v, "value2");
	v = "untouched";
	CHECK_EQ(kv.get("nope", &v), status::NOT_FOUND);
	CHECK_EQ(v, "untouched");
	CHECK_EQ(kv.get("key1", static_cast<std::string *>(nullptr)), status::INVALID_ARGUMENT);

	/* overwrite */
	CHECK_EQ(kv.put("key1", "a much longer value than before"), status::OK);
	CHECK_EQ(kv.get("key1", &v), status::OK);
	CHECK_EQ(v, "a much longer value than before");
	CHECK_EQ(kv.count_all(cnt), status::OK);
	CHECK_EQ(cnt, 3u);

	CHECK_EQ(kv.remove("key1"), status::OK);
	CHECK_EQ(kv.remove("key1"), status::NOT_FOUND);
	CHECK_EQ(kv.exists("key1"), status::NOT_FOUND);
	CHECK_EQ(kv.count_all(cnt), status::OK);
	CHECK_EQ(cnt, 2u);
}

static void test_db_binary_and_empty_keys()
{
	pool p("binary");
	db kv;
	CHECK_EQ(kv.open("cmap", p.cfg()), status::OK);
	std::string k1("a\0b", 3), k2("a\0c", 3), val("\0\xff\0", 3);
	CHECK_EQ(kv.put(k1, val), status::OK);
	CHECK_EQ(kv.put(k2, ""), status::OK);
	CHECK_EQ(kv.put("", "empty key"), status::OK);
	CHECK_EQ(kv.put("a", "prefix"), status::OK);
	std::string v;
	CHECK_EQ(kv.get(k1, &v), status::OK);
	CHECK_EQ(v.size(), 3u);
	CHECK(v == val);
	CHECK_EQ(kv.get(k2, &v), status::OK);
	CHECK_EQ(v, "");
	CHECK_EQ(kv.get("", &v), status::OK);
	CHECK_EQ(v, "empty key");
	CHECK_EQ(kv.get("a", &v), status::OK);
	CHECK_EQ(v, "prefix");
	auto m = dump(kv);
	CHECK_EQ(m.size(), 4u);
	CHECK(m[k1] == val);
	CHECK_EQ(kv.remove(""), status::OK);
	CHECK_EQ(kv.exists(""), status::NOT_FOUND);
}

static int kv_count_cb_calls;
static int kv_count_cb(string_view, string_view)
{
	kv_count_cb_calls++;
	return 0;
}
static int c_style_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	auto *m = static_cast<std::map<std::string, std::string> *>(arg);
	(*m)[std::string(k, kb)] = std::string(v, vb);
	return 0;
}
static void c_style_v_cb(const char *v, size_t vb, void *arg)
{
	static_cast<std::string *>(arg)->assign(v, vb);
}
static std::string got_value;
static void v_fn(string_view v)
{
	got_value = std::string(v);
}

static void test_db_get_all_every_callback_form()
{
	pool p("getall");
	db kv;
	CHECK_EQ(kv.open("cmap", p.cfg()), status::OK);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(kv.put("k" + std::to_string(i), "v" + std::to_string(i)), status::OK);

	/* lambda */
	auto m = dump(kv);
	CHECK_EQ(m.size(), 10u);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(m["k" + std::to_string(i)], "v" + std::to_string(i));

	/* plain function, by name and by pointer */
	kv_count_cb_calls = 0;
	CHECK_EQ(kv.get_all(kv_count_cb), status::OK);
	CHECK_EQ(kv_count_cb_calls, 10);
	int (*fp)(string_view, string_view) = kv_count_cb;
	CHECK_EQ(kv.get_all(fp), status::OK);
	CHECK_EQ(kv_count_cb_calls, 20);

	/* std::function */
	int n = 0;
	std::function<get_kv_function> f = [&](string_view, string_view) {
		n++;
		return 0;
	};
	CHECK_EQ(kv.get_all(f), status::OK);
	CHECK_EQ(n, 10);

	/* a functor returning bool */
	struct stop_at_three {
		int *seen;
		bool operator()(string_view, string_view) const
		{
			return ++*seen == 3;
		}
	};
	int seen = 0;
	CHECK_EQ(kv.get_all(stop_at_three{&seen}), status::STOPPED_BY_CB);
	CHECK_EQ(seen, 3);
	CHECK_EQ(errormsg(), "");

	/* the C form */
	std::map<std::string, std::string> cm;
	CHECK_EQ(kv.get_all(c_style_cb, &cm), status::OK);
	CHECK(cm == m);

	/* get: every form */
	std::string v;
	CHECK_EQ(kv.get("k3", c_style_v_cb, &v), status::OK);
	CHECK_EQ(v, "v3");
	CHECK_EQ(kv.get("k4", v_fn), status::OK);
	CHECK_EQ(got_value, "v4");
	CHECK_EQ(kv.get("k5", [&](string_view x) { v = std::string(x); }), status::OK);
	CHECK_EQ(v, "v5");
	std::function<get_v_function> vf = [&](string_view x) { v = std::string(x); };
	CHECK_EQ(kv.get("k6", vf), status::OK);
	CHECK_EQ(v, "v6");
	int calls = 0;
	CHECK_EQ(kv.get("nope", [&](string_view) { calls++; }), status::NOT_FOUND);
	CHECK_EQ(calls, 0);

	/* an empty std::function throws bad_function_call, through the C layer */
	std::function<get_kv_function> none;
	CHECK_THROWS(std::bad_function_call, kv.get_all(none));
}

static void test_db_callback_exception_is_rethrown_after_c_returns()
{
	pool p("exc");
	db kv;
	CHECK_EQ(kv.open("cmap", p.cfg()), status::OK);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(kv.put("k" + std::to_string(i), "v"), status::OK);

	int calls = 0;
	CHECK_THROWS(std::runtime_error, kv.get_all([&](string_view, string_view) -> int {
		calls++;
		throw std::runtime_error("boom");
	}));
	CHECK_EQ(calls, 1); /* the iteration stopped at the throw */

	bool caught = false;
	try {
		kv.get("k1", [](string_view v) {
			if (v == "v")
				throw 42;
		});
	} catch (int e) {
		caught = (e == 42);
	}
	CHECK(caught);

	/* the store is fine afterwards (no lock left held, etc.) */
	CHECK_EQ(kv.put("k9", "after"), status::OK);
	std::string v;
	CHECK_EQ(kv.get("k9", &v), status::OK);
	CHECK_EQ(v, "after");
	std::size_t cnt = 0;
	CHECK_EQ(kv.count_all(cnt), status::OK);
	CHECK_EQ(cnt, 6u);
	CHECK_EQ(dump(kv).size(), 6u);
}

static void test_db_range_ops_not_supported_on_cmap()
{
	pool p("range");
	db kv;
	CHECK_EQ(kv.open("cmap", p.cfg()), status::OK);
	CHECK_EQ(kv.put("b", "1"), status::OK);
	std::size_t cnt = 0;
	auto cb = [](string_view, string_view) { return 0; };
	CHECK_EQ(kv.count_above("a", cnt), status::NOT_SUPPORTED);
	CHECK(kv.errormsg().find("cmap") != std::string::npos);
	CHECK_EQ(kv.count_equal_above("a", cnt), status::NOT_SUPPORTED);
	CHECK_EQ(kv.count_equal_below("a", cnt), status::NOT_SUPPORTED);
	CHECK_EQ(kv.count_below("a", cnt), status::NOT_SUPPORTED);
	CHECK_EQ(kv.count_between("a", "c", cnt), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_above("a", cb), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_equal_above("a", cb), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_equal_below("a", cb), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_below("a", cb), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_between("a", "c", cb), status::NOT_SUPPORTED);
	std::function<get_kv_function> f = cb;
	CHECK_EQ(kv.get_above("a", f), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_equal_above("a", f), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_equal_below("a", f), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_below("a", f), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_between("a", "c", f), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_above("a", c_style_cb, nullptr), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_equal_above("a", c_style_cb, nullptr), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_equal_below("a", c_style_cb, nullptr), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_below("a", c_style_cb, nullptr), status::NOT_SUPPORTED);
	CHECK_EQ(kv.get_between("a", "c", c_style_cb, nullptr), status::NOT_SUPPORTED);
}

static void test_db_defrag_tx_stats()
{
	pool p("misc");
	db kv;
	CHECK_EQ(kv.open("cmap", p.cfg()), status::OK);
	CHECK_EQ(kv.put("k", "v"), status::OK);
	status d = kv.defrag();
	CHECK(d == status::OK || d == status::NOT_SUPPORTED);
	CHECK_EQ(kv.defrag(0, 50), d);
	CHECK_EQ(kv.defrag(-1, 50), status::INVALID_ARGUMENT);
	CHECK_EQ(kv.defrag(0, 101), status::INVALID_ARGUMENT);

	auto r = kv.tx_begin();
	if (r.is_ok()) {
		/* an engine with transactions: put + commit is visible */
		tx &t = r.get_value();
		CHECK_EQ(t.put("tk", "tv"), status::OK);
		CHECK_EQ(t.remove("k"), status::OK);
		CHECK_EQ(t.commit(), status::OK);
		CHECK_EQ(kv.exists("tk"), status::OK);
		CHECK_EQ(kv.exists("k"), status::NOT_FOUND);
	} else {
		CHECK_EQ(r.get_status(), status::NOT_SUPPORTED);
		CHECK(r == status::NOT_SUPPORTED);
		CHECK(status::NOT_SUPPORTED == r);
		CHECK(r != status::OK);
		CHECK_THROWS(bad_result_access, r.get_value());
	}

	pmemkv_stats st;
	CHECK_EQ(kv.get_stats(st), status::OK);
	CHECK_EQ(st.pool_size, POOL_SIZE);
	CHECK(st.records >= 1);
	CHECK(st.durability != nullptr);
}

static void test_db_iterators()
{
	pool p("iter");
	db kv;
	CHECK_EQ(kv.open("cmap", p.cfg()), status::OK);
	CHECK_EQ(kv.put("k", "value"), status::OK);

	auto r = kv.new_read_iterator();
	if (!r.is_ok()) {
		/* no engine offers iterators yet: the status comes through */
		CHECK_EQ(r.get_status(), status::NOT_SUPPORTED);
		CHECK_NE(errormsg(), "");
		CHECK_THROWS(bad_result_access, r.get_value());
		auto w = kv.new_write_iterator();
		CHECK_EQ(w.get_status(), status::NOT_SUPPORTED);
		return;
	}
	/* an engine with iterators: walk it, then change the value in place */
	auto &it = r.get_value();
	CHECK_EQ(it.seek("k"), status::OK);
	CHECK_EQ(it.key().get_value(), "k");
	CHECK_EQ(it.read_range().get_value(), "value");
	CHECK_EQ(it.read_range(1, 2).get_value(), "al");
	auto w = kv.new_write_iterator();
	CHECK(w.is_ok());
	auto &wit = w.get_value();
	CHECK_EQ(wit.seek("k"), status::OK);
	auto range = wit.write_range(0, 1);
	CHECK(range.is_ok());
	for (char &c : range.get_value())
		c = 'V';
	CHECK_EQ(wit.commit(), status::OK);
	std::string v;
	CHECK_EQ(kv.get("k", &v), status::OK);
	CHECK_EQ(v, "Value");
}

static void test_db_closed_iterators()
{
	db kv;
	CHECK_EQ(kv.new_read_iterator().get_status(), status::INVALID_ARGUMENT);
	CHECK_EQ(kv.new_write_iterator().get_status(), status::INVALID_ARGUMENT);
}

static void test_db_move()
{
	pool p("move");
	db a;
	CHECK_EQ(a.open("cmap", p.cfg()), status::OK);
	CHECK_EQ(a.put("k", "v"), status::OK);
	db b(std::move(a));
	CHECK(!a.is_open());
	CHECK(b.is_open());
	CHECK_EQ(b.exists("k"), status::OK);
	CHECK_EQ(a.exists("k"), status::INVALID_ARGUMENT);
	db c;
	c = std::move(b);
	CHECK_EQ(c.exists("k"), status::OK);
	/* the pool is still locked by c: a second open of it fails ... */
	db d;
	CHECK_NE(d.open("cmap", p.cfg(false)), status::OK);
	/* ... and succeeds once c is destroyed by assignment */
	c = db();
	CHECK_EQ(d.open("cmap", p.cfg(false)), status::OK);
	CHECK_EQ(d.exists("k"), status::OK);
}

static void test_db_heap_allocated_like_the_classic_example()
{
	pool p("heap");
	db *kv = new db();
	config cfg;
	CHECK_EQ(cfg.put_string("path", p.path), status::OK);
	CHECK_EQ(cfg.put_uint64("force_create", 1), status::OK); /* ignored item */
	CHECK_EQ(cfg.put_uint64("create_or_error_if_exists", 1), status::OK);
	CHECK_EQ(cfg.put_uint64("size", POOL_SIZE), status::OK);
	CHECK_EQ(kv->open("cmap", std::move(cfg)), status::OK);
	CHECK_EQ(kv->put("key1", "value1"), status::OK);
	delete kv; /* closes */
	kv = new db();
	CHECK_EQ(kv->open("cmap", p.cfg(false)), status::OK);
	CHECK_EQ(kv->exists("key1"), status::OK);
	delete kv;
}

/* ---- blackhole ---- */

static void test_blackhole_without_config()
{
	db kv;
	CHECK_EQ(kv.open("blackhole"), status::OK);
	CHECK_EQ(kv.put("k", "v"), status::OK);
	CHECK_EQ(kv.exists("k"), status::NOT_FOUND);
	std::string v;
	CHECK_EQ(kv.get("k", &v), status::NOT_FOUND);
	std::size_t cnt = 5;
	CHECK_EQ(kv.count_all(cnt), status::OK);
	CHECK_EQ(cnt, 0u);
	int calls = 0;
	status s = kv.get_all([&](string_view, string_view) {
		calls++;
		return 0;
	});
	CHECK(s == status::OK || s == status::NOT_FOUND);
	CHECK_EQ(calls, 0);
	CHECK(kv.remove("k") == status::OK || kv.remove("k") == status::NOT_FOUND);
	kv.close();
}

int main()
{
	RUN(test_status_values_match_c);
	RUN(test_status_prints_name_and_number);
	RUN(test_string_view_constructors);
	RUN(test_string_view_compare_and_operators);
	RUN(test_config_put_get_every_type);
	RUN(test_config_well_known_items);
	RUN(test_config_empty_and_release);
	RUN(test_config_put_comparator);
	RUN(test_db_open_close_reopen);
	RUN(test_db_open_errors);
	RUN(test_db_closed_handle_is_invalid_argument);
	RUN(test_db_put_get_exists_remove_count);
	RUN(test_db_binary_and_empty_keys);
	RUN(test_db_get_all_every_callback_form);
	RUN(test_db_callback_exception_is_rethrown_after_c_returns);
	RUN(test_db_range_ops_not_supported_on_cmap);
	RUN(test_db_defrag_tx_stats);
	RUN(test_db_iterators);
	RUN(test_db_closed_iterators);
	RUN(test_db_move);
	RUN(test_db_heap_allocated_like_the_classic_example);
	RUN(test_blackhole_without_config);
	std::cerr << "all C++ API tests passed" << std::endl;
	return 0;
}
