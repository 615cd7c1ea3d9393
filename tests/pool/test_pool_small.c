/*
 * test_pool_small.c -- small pools stay usable with varied object sizes.
 * For 8 MiB and 16 MiB pools and two size patterns (8..4096 bytes and
 * 8..64 KiB, uniform): allocate random sizes until the first -ENOMEM and
 * require that at least 80% of the heap's bytes are then allocated (usable
 * sizes, pool_stats); free half of the blocks at random, refill, require it
 * again; pool_check; reopen cleanly and compare the statistics; open a copy
 * taken while the pool was open (a crash image) and rebuild the allocator
 * from the live blocks: the statistics agree too.
 * The ratio of requested bytes to heap bytes is printed for information.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "pool/pool_internal.h"
#include "pool_test_util.h"

#define LAYOUT "pooltest"
#define MiB (1ull << 20)
#define MIN_RATIO 0.80

struct blk {
	uint64_t off, req;
};

struct live {
	struct blk *b;
	size_t n, cap;
};

static void
check_ok(struct pool *p)
{
	if (pool_check(p) != 0)
		T_FAIL("pool_check: %s", err_get());
}

/* fill until the first -ENOMEM; returns the allocated/heap ratio */
static double
fill(struct pool *p, struct live *l, uint64_t *rng, size_t maxsz, const char *what)
{
	uint64_t req_bytes = 0;
	for (size_t i = 0; i < l->n; i++)
		req_bytes += l->b[i].req;
	for (;;) {
		size_t sz = 8 + (size_t)(tu_rand(rng) % (maxsz - 8 + 1));
		uint64_t off;
		int r = pool_alloc(p, sz, &off);
		if (r == -ENOMEM)
			break;
		T_EQ(r, 0);
		T_ASSERT(pool_usable_size(p, off) >= sz);
		/* touch the first and last word: overlaps show up in pool_check
		 * only as bitmap damage, so write something cheap */
		*(uint64_t *)pool_ptr(p, off) = off;
		*(uint64_t *)pool_ptr(p, off + ALIGN_DOWN(sz - 1, 8)) = off;
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 1024;
			l->b = realloc(l->b, l->cap * sizeof(*l->b));
			T_ASSERT(l->b != NULL);
		}
		l->b[l->n].off = off;
		l->b[l->n].req = sz;
		l->n++;
		req_bytes += sz;
	}
	struct pool_stats st;
	pool_stats(p, &st);
	double ratio = (double)st.allocated_bytes / (double)st.heap_bytes;
	fprintf(stderr,
		"  %-28s %6zu objects: allocated %.1f%% of heap (%llu / %llu), "
		"requested %.1f%%, free %.1f%%\n",
		what, l->n, ratio * 100, (unsigned long long)st.allocated_bytes,
		(unsigned long long)st.heap_bytes, (double)req_bytes / st.heap_bytes * 100,
		(double)st.free_bytes / st.heap_bytes * 100);
	for (size_t i = 0; i < l->n; i++)
		T_EQU(*(uint64_t *)pool_ptr(p, l->b[i].off), l->b[i].off);
	return ratio;
}

static void
free_half(struct pool *p, struct live *l, uint64_t *rng)
{
	/* Fisher-Yates on a prefix: the first half (random) is freed */
	size_t h = l->n / 2;
	for (size_t i = 0; i < h; i++) {
		size_t j = i + (size_t)(tu_rand(rng) % (l->n - i));
		struct blk t = l->b[i];
		l->b[i] = l->b[j];
		l->b[j] = t;
		pool_free(p, l->b[i].off);
	}
	memmove(l->b, l->b + h, (l->n - h) * sizeof(*l->b));
	l->n -= h;
}

static void
stats_eq(const struct pool_stats *a, const struct pool_stats *b)
{
	T_EQU(a->heap_bytes, b->heap_bytes);
	T_EQU(a->allocated_bytes, b->allocated_bytes);
	T_EQU(a->allocated_objs, b->allocated_objs);
	T_EQU(a->free_bytes, b->free_bytes);
}

static void
run_case(uint64_t size, size_t maxsz, uint64_t seed)
{
	char what[64];
	const char *path = tu_path("small");
	char crash[600];
	snprintf(crash, sizeof(crash), "%s.crash", path);
	struct pool *p = NULL;
	int r = pool_create(path, LAYOUT, size, NULL, &p);
	if (r != 0)
		T_FAIL("pool_create: %d %s", r, err_get());
	uint64_t rng = seed;
	if (getenv("POOL_SMALL_SEED") != NULL) /* for measurements */
		rng += strtoull(getenv("POOL_SMALL_SEED"), NULL, 0) * 1000;
	struct live l = {0};
	snprintf(what, sizeof(what), "%llu MiB, 8..%zu, fill:",
		 (unsigned long long)(size / MiB), maxsz);
	double r1 = fill(p, &l, &rng, maxsz, what);
	check_ok(p);
	free_half(p, &l, &rng);
	check_ok(p);
	snprintf(what, sizeof(what), "%llu MiB, 8..%zu, refill:",
		 (unsigned long long)(size / MiB), maxsz);
	double r2 = fill(p, &l, &rng, maxsz, what);
	check_ok(p);
	if ((r1 < MIN_RATIO || r2 < MIN_RATIO) && getenv("POOL_SMALL_MEASURE") == NULL)
		T_FAIL("allocated ratio %.3f / %.3f below %.2f", r1, r2, MIN_RATIO);

	struct pool_stats before, after;
	pool_stats(p, &before);
	/* a crash image: the file as it is while the pool is open */
	size_t len;
	unsigned char *img = tu_read(path, &len);
	T_ASSERT(img != NULL);
	tu_write(crash, img, len);
	free(img);
	pool_close(p);

	/* clean reopen: same statistics, every block still allocated */
	T_EQ(pool_open(path, LAYOUT, NULL, &p), 0);
	T_EQ(pool_recovery_needed(p), 0);
	pool_stats(p, &after);
	stats_eq(&before, &after);
	check_ok(p);
	for (size_t i = 0; i < l.n; i++)
		T_ASSERT(pool_usable_size(p, l.b[i].off) >= l.b[i].req);
	pool_close(p);

	/* dirty open of the crash image: rebuilt from the live blocks */
	T_EQ(pool_open(crash, LAYOUT, NULL, &p), 0);
	T_EQ(pool_recovery_needed(p), 1);
	for (size_t i = 0; i < l.n; i++)
		if (pool_recovery_mark(p, l.b[i].off) != 0)
			T_FAIL("recovery_mark(%llu): %s", (unsigned long long)l.b[i].off,
			       err_get());
	T_EQ(pool_recovery_finish(p), 0);
	pool_stats(p, &after);
	stats_eq(&before, &after);
	check_ok(p);
	pool_close(p);

	T_EQ(unlink(path), 0);
	T_EQ(unlink(crash), 0);
	free(l.b);
}

static void
test_small_8m_4k(void)
{
	run_case(8 * MiB, 4096, 1);
}

static void
test_small_16m_4k(void)
{
	run_case(16 * MiB, 4096, 2);
}

static void
test_small_8m_64k(void)
{
	run_case(8 * MiB, 65536, 3);
}

static void
test_small_16m_64k(void)
{
	run_case(16 * MiB, 65536, 4);
}

/*
 * every valid chunk size (test knob PMEMKV_POOL_CHUNK_SIZE) gives a pool
 * that works, validates and reopens with the same statistics; the choice
 * for a given pool size grows from 16 KiB to 256 KiB
 */
static void
test_every_chunk_size(void)
{
	for (uint64_t cs = POOL_CHUNK_MIN; cs <= POOL_CHUNK_MAX; cs *= 2) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)cs);
		setenv("PMEMKV_POOL_CHUNK_SIZE", buf, 1);
		const char *path = tu_path("cs");
		struct pool *p = NULL;
		T_EQ(pool_create(path, LAYOUT, 6 * MiB, NULL, &p), 0);
		unsetenv("PMEMKV_POOL_CHUNK_SIZE");
		T_EQU(p->chunk_size, cs);
		uint64_t rng = cs;
		struct live l = {0};
		fill(p, &l, &rng, 3 * cs / 2, buf);
		check_ok(p);
		free_half(p, &l, &rng);
		for (size_t i = 0; i < l.n; i++)
			T_ASSERT(pool_usable_size(p, l.b[i].off) >= l.b[i].req);
		struct pool_stats a, b;
		pool_stats(p, &a);
		pool_close(p);
		T_EQ(pool_open(path, LAYOUT, NULL, &p), 0);
		T_EQU(p->chunk_size, cs);
		pool_stats(p, &b);
		stats_eq(&a, &b);
		check_ok(p);
		for (size_t i = 0; i < l.n; i++)
			pool_free(p, l.b[i].off);
		pool_stats(p, &b);
		T_EQU(b.allocated_objs, 0);
		check_ok(p);
		pool_close(p);
		free(l.b);
		T_EQ(unlink(path), 0);
	}
	T_EQU(pool_chunk_size_for(2 * MiB), 16 << 10);
	T_EQU(pool_chunk_size_for(64 * MiB), 16 << 10);
	T_EQU(pool_chunk_size_for(128 * MiB), 32 << 10);
	T_EQU(pool_chunk_size_for(512 * MiB), 128 << 10);
	T_EQU(pool_chunk_size_for(1024 * MiB), 256 << 10);
	T_EQU(pool_chunk_size_for(1ull << 40), 256 << 10);
}

int
main(void)
{
	T_RUN(test_every_chunk_size);
	T_RUN(test_small_8m_4k);
	T_RUN(test_small_16m_4k);
	T_RUN(test_small_8m_64k);
	T_RUN(test_small_16m_64k);
	return 0;
}
