/*
 * test.h -- tiny assertion helpers shared by all C tests. Every failing
 * assertion prints both sides and the location, then aborts the test process.
 * Each test file is its own process (ctest runs it with a timeout).
 */
#ifndef PMEMKV_TEST_H
#define PMEMKV_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_FAIL(...)                                                                    \
	do {                                                                           \
		fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);                  \
		fprintf(stderr, __VA_ARGS__);                                          \
		fprintf(stderr, "\n");                                                 \
		abort();                                                               \
	} while (0)

#define T_ASSERT(cond)                                                                 \
	do {                                                                           \
		if (!(cond))                                                           \
			T_FAIL("assertion `%s` is false", #cond);                      \
	} while (0)

/* integers (signed) */
#define T_EQ(a, b)                                                                     \
	do {                                                                           \
		long long _a = (long long)(a), _b = (long long)(b);                    \
		if (_a != _b)                                                          \
			T_FAIL("%s == %s: %lld != %lld", #a, #b, _a, _b);              \
	} while (0)

#define T_NE(a, b)                                                                     \
	do {                                                                           \
		long long _a = (long long)(a), _b = (long long)(b);                    \
		if (_a == _b)                                                          \
			T_FAIL("%s != %s: both %lld", #a, #b, _a);                     \
	} while (0)

/* unsigned 64-bit */
#define T_EQU(a, b)                                                                    \
	do {                                                                           \
		unsigned long long _a = (unsigned long long)(a),                       \
				   _b = (unsigned long long)(b);                       \
		if (_a != _b)                                                          \
			T_FAIL("%s == %s: %llu != %llu", #a, #b, _a, _b);              \
	} while (0)

#define T_STREQ(a, b)                                                                  \
	do {                                                                           \
		const char *_a = (a), *_b = (b);                                       \
		if (strcmp(_a, _b) != 0)                                               \
			T_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b, _a, _b);          \
	} while (0)

#define T_MEMEQ(a, b, n)                                                               \
	do {                                                                           \
		if (memcmp((a), (b), (n)) != 0)                                        \
			T_FAIL("memcmp(%s, %s, %zu) != 0", #a, #b, (size_t)(n));       \
	} while (0)

/* run one named test case, announcing it */
#define T_RUN(fn)                                                                      \
	do {                                                                           \
		fprintf(stderr, "== %s\n", #fn);                                       \
		fn();                                                                  \
	} while (0)

#endif
