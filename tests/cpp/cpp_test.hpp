/*
 * cpp_test.hpp -- tiny assertion helpers for the C++ tests. A failing check
 * prints both sides (through operator<<), the location and the last
 * pmemkv_errormsg() of the thread, then aborts the test process.
 */
#ifndef PMEMKV_CPP_TEST_HPP
#define PMEMKV_CPP_TEST_HPP

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <unistd.h>

#include "libpmemkv.h"

#define C_FAIL_HEAD() std::cerr << __FILE__ << ":" << __LINE__ << ": FAIL: "
#define C_FAIL_TAIL()                                                                  \
	do {                                                                           \
		std::cerr << "\n  (pmemkv_errormsg: \"" << pmemkv_errormsg() << "\")"     \
			  << std::endl;                                                \
		std::abort();                                                          \
	} while (0)

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			C_FAIL_HEAD() << "`" #cond "` is false";                       \
			C_FAIL_TAIL();                                                 \
		}                                                                      \
	} while (0)

#define CHECK_OP(a, op, b)                                                             \
	do {                                                                           \
		const auto &c_a_ = (a);                                                \
		const auto &c_b_ = (b);                                                \
		if (!(c_a_ op c_b_)) {                                                 \
			C_FAIL_HEAD() << #a " " #op " " #b ": [" << c_a_ << "] vs ["   \
				      << c_b_ << "]";                                  \
			C_FAIL_TAIL();                                                 \
		}                                                                      \
	} while (0)

#define CHECK_EQ(a, b) CHECK_OP(a, ==, b)
#define CHECK_NE(a, b) CHECK_OP(a, !=, b)

/* statement must throw an exception of type E */
#define CHECK_THROWS(E, statement)                                                     \
	do {                                                                           \
		bool c_thrown_ = false;                                                \
		try {                                                                  \
			statement;                                                     \
		} catch (const E &) {                                                  \
			c_thrown_ = true;                                              \
		}                                                                      \
		if (!c_thrown_) {                                                      \
			C_FAIL_HEAD() << "`" #statement "` did not throw " #E;         \
			C_FAIL_TAIL();                                                 \
		}                                                                      \
	} while (0)

#define RUN(fn)                                                                        \
	do {                                                                           \
		std::cerr << "== " #fn << std::endl;                                   \
		fn();                                                                  \
	} while (0)

/* A unique pool path in /dev/shm (or $TMPDIR if /dev/shm is missing). */
static inline std::string test_pool_path(const char *tag)
{
	static int seq;
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::getenv("TMPDIR");
	if (!dir)
		dir = "/tmp";
	return std::string(dir) + "/pmemkv-cpp-" + tag + "-" + std::to_string(getpid()) + "-" +
		std::to_string(seq++) + ".pool";
}

#endif
