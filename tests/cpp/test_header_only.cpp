/*
 * test_header_only.cpp -- libpmemkv.hpp compiles on its own (no other
 * include before it) under strict warnings, and its templates instantiate
 * with every kind of callback. Built with -Wpedantic -Wshadow -Wconversion
 * -Wold-style-cast ... (see CMakeLists.txt), once as C++17 and once as C++20.
 */
#include <libpmemkv.hpp>

using namespace pmem::kv;

static int kv_fn(string_view, string_view)
{
	return 0;
}
static void v_fn(string_view)
{
}
struct cmp {
	int compare(string_view a, string_view b) const
	{
		return a.compare(b);
	}
	std::string name() const
	{
		return "bytewise";
	}
};

/* Never called: makes the compiler instantiate everything. */
int instantiate_all(db &d, config &c);
int instantiate_all(db &d, config &c)
{
	std::string s;
	std::string_view ssv = "a";
	string_view v = "abc";
	bool b = v == "abc" && v == s && v == ssv && "x" != v && s < v && ssv >= v && v == v;
	std::function<get_kv_function> fn = kv_fn;
	std::function<get_v_function> vf = v_fn;
	std::size_t n = 0;
	d.get_all(kv_fn);
	d.get_all(&kv_fn);
	d.get_all(fn);
	d.get_all([](string_view, string_view) { return 0; });
	d.get_above(v, kv_fn);
	d.get_equal_above(s, fn);
	d.get_equal_below("k", [](string_view, string_view) { return 0; });
	d.get_below(ssv, kv_fn);
	d.get_between("a", "b", kv_fn);
	d.count_between("a", "b", n);
	d.get("k", v_fn);
	d.get("k", vf);
	d.get("k", &s);
	d.get("k", [&](string_view x) { s = std::string(x); });
	c.put_comparator(cmp{});
	int *ip = nullptr;
	c.get_data("d", ip, n);
	c.get_object("o", ip);
	c.put_data("d", ip, n);
	c.put_object("o", std::unique_ptr<int>(new int(1)));
	auto r = d.tx_begin();
	if (r == status::OK)
		r.get_value().commit();
	auto ri = d.new_read_iterator();
	if (ri.is_ok()) {
		auto &it = ri.get_value();
		it.seek_to_first();
		it.seek_lower("a");
		it.seek_lower_eq("a");
		it.seek_higher("a");
		it.seek_higher_eq("a");
		it.seek_to_last();
		if (it.is_next() == status::OK)
			it.next();
		it.prev();
		std::cout << it.key().get_value() << it.read_range(0, 1).get_value();
	}
	auto wi = d.new_write_iterator();
	if (wi.is_ok()) {
		auto &it = wi.get_value();
		it.seek("k");
		for (char &ch : it.write_range().get_value())
			ch = 'x';
		if (it.commit() != status::OK)
			it.abort();
	}
	std::cout << v << status::OK << errormsg() << d.errormsg();
	return b;
}

int main()
{
	/* no library call: this test is about compiling */
	static_assert(static_cast<int>(status::COMPARATOR_MISMATCH) == 12, "status values");
	static_assert(!std::is_copy_constructible_v<db> && std::is_move_constructible_v<db>,
		      "db is move-only");
	static_assert(!std::is_copy_constructible_v<config> &&
			      std::is_move_constructible_v<config>,
		      "config is move-only");
	return 0;
}
