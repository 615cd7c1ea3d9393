/*
 * common.c -- per-thread error messages, checksum and key hash.
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char err_buf[ERR_MSG_MAX];

void
err_set(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
}

void
err_clear(void)
{
	err_buf[0] = '\0';
}

const char *
err_get(void)
{
	return err_buf;
}

/*
 * cksum64 -- two running sums over 32-bit little-endian words; the second
 * sum makes the result depend on word order. Trailing bytes (len % 4) are
 * folded in as a zero-padded word.
 */
uint64_t
cksum64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t lo = 0x2545F491u, hi = 0x4F6CDD1Du;
	size_t i = 0;
	for (; i + 4 <= len; i += 4) {
		uint32_t w;
		memcpy(&w, p + i, 4);
		lo += w;
		hi += lo;
	}
	if (i < len) {
		uint32_t w = 0;
		memcpy(&w, p + i, len - i);
		lo += w;
		hi += lo;
	}
	return (hi << 32) ^ (lo & 0xffffffffu) ^ ((uint64_t)len << 56);
}

static inline uint64_t
mix64(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/*
 * hash64 -- multiply-fold hash: each 16-byte block is folded through a
 * 64x64->128 multiplication; the tail is read as up to two partial words.
 * Costs about 1 ns per 16 bytes.
 */
uint64_t
hash64(const void *data, size_t len, uint64_t seed)
{
	const uint64_t K0 = 0xa0761d6478bd642full, K1 = 0xe7037ed1a0b428dbull,
		       K2 = 0x8ebc6af09c88c6e3ull;
	const unsigned char *p = data;
	uint64_t h = seed ^ mix64(seed ^ K0, K1) ^ len;
	size_t n = len;
	while (n > 16) {
		h = mix64(load64(p) ^ K1, load64(p + 8) ^ h);
		p += 16;
		n -= 16;
	}
	uint64_t a = 0, b = 0;
	if (n >= 8) {
		a = load64(p);
		b = load64(p + n - 8);
	} else if (n > 0) {
		unsigned char t[8] = {0};
		memcpy(t, p, n);
		a = load64(t);
		b = n;
	}
	h = mix64(a ^ K1 ^ h, b ^ K2);
	return mix64(h ^ K0, (uint64_t)len ^ K1);
}
