/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_hist.h -- latency histogram for pmemkv-bench.
 *
 * Log-linear buckets: values below 32 ns get one bucket each; above, every
 * power of two is split into 32 sub-buckets, so a bucket is at most ~3% wide
 * and a percentile is reported as its bucket's midpoint (error <= ~1.6%).
 * 2048 buckets of uint64_t = 16 KiB per thread; recording is two shifts and an
 * increment. Per-thread histograms are merged with bench_hist_merge().
 */
#ifndef PMEMKV_BENCH_HIST_H
#define PMEMKV_BENCH_HIST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BENCH_HIST_SUB_BITS 5
#define BENCH_HIST_SUB (1u << BENCH_HIST_SUB_BITS)
#define BENCH_HIST_BUCKETS (64u * BENCH_HIST_SUB)

struct bench_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t b[BENCH_HIST_BUCKETS];
};

static inline void
bench_hist_init(struct bench_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static inline unsigned
bench_hist_index(uint64_t v)
{
	if (v < BENCH_HIST_SUB)
		return (unsigned)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = msb - BENCH_HIST_SUB_BITS;
	unsigned sub = (unsigned)(v >> shift) & (BENCH_HIST_SUB - 1);
	return (msb - BENCH_HIST_SUB_BITS + 1) * BENCH_HIST_SUB + sub;
}

/* bench_hist_lower -- smallest value falling into bucket i; *width its width. */
static inline uint64_t
bench_hist_lower(unsigned i, uint64_t *width)
{
	if (i < BENCH_HIST_SUB) {
		*width = 1;
		return i;
	}
	unsigned msb = i / BENCH_HIST_SUB + BENCH_HIST_SUB_BITS - 1;
	unsigned sub = i % BENCH_HIST_SUB;
	unsigned shift = msb - BENCH_HIST_SUB_BITS;
	*width = 1ull << shift;
	return ((uint64_t)(BENCH_HIST_SUB + sub)) << shift;
}

static inline void
bench_hist_add(struct bench_hist *h, uint64_t v)
{
	h->b[bench_hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

static inline void
bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src)
{
	for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* bench_hist_pct -- the p-th percentile (0 < p <= 100), in ns; 0 if empty. */
static inline double
bench_hist_pct(const struct bench_hist *h, double p)
{
	if (h->count == 0)
		return 0;
	uint64_t want = (uint64_t)((double)h->count * p / 100.0 + 0.5);
	if (want < 1)
		want = 1;
	uint64_t seen = 0;
	for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			uint64_t w;
			uint64_t lo = bench_hist_lower(i, &w);
			double mid = (double)lo + (double)(w - 1) / 2.0;
			if (mid > (double)h->max)
				mid = (double)h->max;
			if (mid < (double)h->min)
				mid = (double)h->min;
			return mid;
		}
	}
	return (double)h->max;
}

/* bench_hist_print -- non-empty buckets with counts and cumulative percent. */
static inline void
bench_hist_print(FILE *f, const struct bench_hist *h)
{
	uint64_t seen = 0;
	fprintf(f, "    %14s %14s %10s %8s\n", "from ns", "to ns", "count", "cum %");
	for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		uint64_t w;
		uint64_t lo = bench_hist_lower(i, &w);
		seen += h->b[i];
		fprintf(f, "    %14llu %14llu %10llu %8.3f\n", (unsigned long long)lo,
			(unsigned long long)(lo + w), (unsigned long long)h->b[i],
			100.0 * (double)seen / (double)h->count);
	}
}

#endif
