/*
 * test_cpp_mt.cpp -- one pmem::kv::db shared by several threads: puts, gets
 * through lambdas, get_all whose callback throws (the exception must come
 * back to the thread that called, and only to it), per-thread errormsg().
 * Label mt: run under TSan too.
 */
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "libpmemkv.hpp"

#include "cpp_test.hpp"

using namespace pmem::kv;

static const int THREADS = 4;
static const int KEYS = 300;

struct thread_error : std::runtime_error {
	int id;
	explicit thread_error(int i) : std::runtime_error("thread"), id(i)
	{
	}
};

static void worker(db &kv, int id, std::atomic<int> &failures)
{
	std::string prefix = "t" + std::to_string(id) + "-";
	for (int i = 0; i < KEYS; i++) {
		std::string k = prefix + std::to_string(i);
		if (kv.put(k, k + "-value") != status::OK)
			failures++;
	}
	for (int i = 0; i < KEYS; i++) {
		std::string k = prefix + std::to_string(i), got;
		status s = kv.get(k, [&](string_view v) { got.assign(v.data(), v.size()); });
		if (s != status::OK || got != k + "-value")
			failures++;
	}
	/* each thread's callback throws its own exception */
	for (int round = 0; round < 20; round++) {
		try {
			kv.get_all([&](string_view, string_view) -> int { throw thread_error(id); });
			failures++; /* a non-empty store: must have thrown */
		} catch (const thread_error &e) {
			if (e.id != id)
				failures++;
		}
	}
	/* error messages are per thread */
	std::size_t cnt;
	db closed;
	if (closed.count_all(cnt) != status::INVALID_ARGUMENT || errormsg().empty())
		failures++;
	if (kv.exists(prefix + "missing") != status::NOT_FOUND || !errormsg().empty())
		failures++;
}

int main()
{
	std::string path = test_pool_path("mt");
	{
		db kv;
		config cfg;
		CHECK_EQ(cfg.put_path(path), status::OK);
		CHECK_EQ(cfg.put_size(32ull << 20), status::OK);
		CHECK_EQ(cfg.put_create_if_missing(true), status::OK);
		CHECK_EQ(kv.open("cmap", std::move(cfg)), status::OK);

		std::atomic<int> failures{0};
		std::vector<std::thread> threads;
		for (int t = 0; t < THREADS; t++)
			threads.emplace_back(worker, std::ref(kv), t, std::ref(failures));
		for (auto &t : threads)
			t.join();
		CHECK_EQ(failures.load(), 0);

		std::size_t cnt = 0;
		CHECK_EQ(kv.count_all(cnt), status::OK);
		CHECK_EQ(cnt, static_cast<std::size_t>(THREADS * KEYS));
	}
	std::remove(path.c_str());
	std::cerr << "C++ multi-threaded test passed" << std::endl;
	return 0;
}
