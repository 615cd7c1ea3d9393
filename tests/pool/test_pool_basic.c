/*
 * test_pool_basic.c -- pool layer unit tests: create/open/close, root area,
 * allocator classes, usable sizes, alignment, stats, out of space, reopen,
 * transactions, recovery API.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "common/common.h"
#include "pool/pool_internal.h"
#include "pool_test_util.h"

#define LAYOUT "pooltest"
#define MiB (1ull << 20)

/* the durability mode every pool of a pass is created/opened with */
static struct pool_opts g_opts = {PMEM_MODE_AUTO};

static struct pool *
mk(const char *path, uint64_t size)
{
	struct pool *p = NULL;
	int r = pool_create(path, LAYOUT, size, &g_opts, &p);
	if (r != 0)
		T_FAIL("pool_create(%s): %d %s", path, r, err_get());
	return p;
}

static struct pool *
reopen(const char *path)
{
	struct pool *p = NULL;
	int r = pool_open(path, LAYOUT, &g_opts, &p);
	if (r != 0)
		T_FAIL("pool_open(%s): %d %s", path, r, err_get());
	return p;
}

static void
check_ok(struct pool *p)
{
	if (pool_check(p) != 0)
		T_FAIL("pool_check: %s", err_get());
}

static void
test_create_open_close_round_trip(void)
{
	const char *path = tu_path("rt");
	struct pool *p = mk(path, 4 * MiB);
	T_EQU(pool_size(p), 4 * MiB);
	T_ASSERT(pool_base(p) != NULL);
	T_STREQ(pool_path(p), path);
	T_EQ(pool_recovery_needed(p), 0);
	uint8_t u1[16], u2[16], zero[16] = {0};
	pool_uuid(p, u1);
	T_ASSERT(memcmp(u1, zero, 16) != 0);
	unsigned char *root = pool_root(p);
	for (int i = 0; i < POOL_ROOT_SIZE; i++)
		T_EQ(root[i], 0);
	check_ok(p);
	pool_close(p);
	p = reopen(path);
	pool_uuid(p, u2);
	T_MEMEQ(u1, u2, 16);
	T_EQ(pool_recovery_needed(p), 0);
	T_EQ(pool_recovery_finish(p), 0);
	check_ok(p);
	pool_close(p);
	/* other layout */
	struct pool *q = NULL;
	T_EQ(pool_open(path, "other", NULL, &q), -EPROTO);
	T_ASSERT(strstr(err_get(), path) != NULL);
	/* NULL layout accepts any */
	T_EQ(pool_open(path, NULL, &g_opts, &q), 0);
	pool_close(q);
	T_EQ(pool_create(path, LAYOUT, 4 * MiB, NULL, &q), -EEXIST);
	T_EQ(pool_create(tu_path("small"), LAYOUT, POOL_MIN_SIZE - 1, NULL, &q), -EINVAL);
	T_EQ(pool_create(tu_path("lay"), "0123456789012345678901234567890123", 4 * MiB, NULL,
			 &q),
	     -EINVAL);
	unlink(path);
}

static void
test_root_persists(void)
{
	const char *path = tu_path("root");
	struct pool *p = mk(path, 2 * MiB);
	unsigned char *root = pool_root(p);
	for (int i = 0; i < POOL_ROOT_SIZE; i++)
		root[i] = (unsigned char)(i * 7 + 1);
	pool_persist(p, root, POOL_ROOT_SIZE);
	pool_close(p);
	p = reopen(path);
	root = pool_root(p);
	for (int i = 0; i < POOL_ROOT_SIZE; i++)
		T_EQ(root[i], (unsigned char)(i * 7 + 1));
	pool_close(p);
	unlink(path);
}

static void
test_alloc_all_classes_and_large(void)
{
	const char *path = tu_path("cls");
	struct pool *p = mk(path, 16 * MiB);
	struct pool_stats st0, st;
	pool_stats(p, &st0);
	T_EQU(st0.allocated_bytes, 0);
	T_EQU(st0.allocated_objs, 0);
	T_EQU(st0.free_bytes, st0.heap_bytes);
	size_t sizes[] = {1,     8,     15,    16,     17,     100,	1000,	1024,
			  1025,  1152,  1153,  2047,   2048,   2049,	4000,	8192,
			  10000, 32768, 40000, 65535,  65536,  65537,	100000, 262144,
			  262145, 1 << 20, 3 << 20};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t off = 0;
		int r = pool_alloc(p, sizes[i], &off);
		if (r != 0)
			T_FAIL("alloc %zu: %d %s", sizes[i], r, err_get());
		T_ASSERT(off != 0);
		T_EQU(off % 16, 0);
		size_t us = pool_usable_size(p, off);
		T_ASSERT(us >= sizes[i]);
		if (sizes[i] <= 1024)
			T_ASSERT(us < sizes[i] + 16);
		else if (sizes[i] <= p->classes[p->nrun_classes - 1].size)
			T_ASSERT(us <= sizes[i] + sizes[i] / 7);
		else /* large path: whole chunks */
			T_EQU(us, ALIGN_UP(sizes[i], p->chunk_size));
		memset(pool_ptr(p, off), 0xab, us);
		pool_stats(p, &st);
		T_EQU(st.allocated_bytes, us);
		T_EQU(st.allocated_objs, 1);
		check_ok(p);
		pool_free(p, off);
		pool_stats(p, &st);
		T_EQU(st.allocated_bytes, 0);
		T_EQU(st.allocated_objs, 0);
	}
	/* every size 1..70000 in steps maps to a class >= size */
	for (size_t s = 1; s <= 70000; s += (s < 2048 ? 1 : 37)) {
		uint64_t off;
		T_EQ(pool_alloc(p, s, &off), 0);
		T_ASSERT(pool_usable_size(p, off) >= s);
		pool_free(p, off);
	}
	uint64_t off;
	T_EQ(pool_alloc(p, 0, &off), -EINVAL);
	T_EQ(pool_alloc(p, POOL_ALLOC_MAX + 1, &off), -EINVAL);
	T_EQ(pool_alloc(p, 64 * MiB, &off), -ENOMEM);
	pool_free(p, 0);
	pool_free(p, 12345); /* not a block: ignored with a message */
	check_ok(p);
	pool_close(p);
	unlink(path);
}

static void
test_stats_exact_and_many_objects(void)
{
	const char *path = tu_path("many");
	struct pool *p = mk(path, 64 * MiB);
	enum { N = 60000 };
	uint64_t *offs = malloc(N * sizeof(uint64_t));
	size_t *sizes = malloc(N * sizeof(size_t));
	uint64_t seed = 42, sum = 0;
	for (int i = 0; i < N; i++) {
		size_t s = 1 + tu_rand(&seed) % (i % 100 == 0 ? 5000 : 200);
		sizes[i] = s;
		T_EQ(pool_alloc(p, s, &offs[i]), 0);
		size_t us = pool_usable_size(p, offs[i]);
		sum += us;
		/* tag the object to detect overlap */
		memset(pool_ptr(p, offs[i]), 0, us);
		*(uint64_t *)pool_ptr(p, offs[i]) = (uint64_t)i;
		pool_flush(p, pool_ptr(p, offs[i]), 8);
	}
	pool_fence(p);
	struct pool_stats st;
	pool_stats(p, &st);
	T_EQU(st.allocated_bytes, sum);
	T_EQU(st.allocated_objs, N);
	T_ASSERT(st.free_bytes + st.allocated_bytes <= st.heap_bytes);
	for (int i = 0; i < N; i++)
		T_EQU(*(uint64_t *)pool_ptr(p, offs[i]), (uint64_t)i);
	check_ok(p);
	/* free every other object, reopen, the rest is still allocated */
	for (int i = 0; i < N; i += 2) {
		sum -= pool_usable_size(p, offs[i]);
		pool_free(p, offs[i]);
	}
	pool_stats(p, &st);
	T_EQU(st.allocated_bytes, sum);
	pool_close(p);
	p = reopen(path);
	struct pool_stats st2;
	pool_stats(p, &st2);
	T_EQU(st2.allocated_bytes, sum);
	T_EQU(st2.allocated_objs, N / 2);
	T_EQU(st2.free_bytes, st.free_bytes);
	check_ok(p);
	for (int i = 1; i < N; i += 2)
		T_EQU(*(uint64_t *)pool_ptr(p, offs[i]), (uint64_t)i);
	/* freed space is reused: the same sizes again fit in the holes, no
	 * new run is needed */
	uint64_t before = st2.free_bytes;
	for (int i = 0; i < N; i += 2) {
		if (i % 100 == 0) /* their runs were emptied and released */
			offs[i] = 0;
		else
			T_EQ(pool_alloc(p, sizes[i], &offs[i]), 0);
	}
	pool_stats(p, &st);
	T_ASSERT(before - st.free_bytes == st.allocated_bytes - st2.allocated_bytes);
	for (int i = 0; i < N; i++)
		pool_free(p, offs[i]);
	pool_stats(p, &st);
	T_EQU(st.allocated_bytes, 0);
	T_EQU(st.allocated_objs, 0);
	check_ok(p);
	pool_close(p);
	p = reopen(path);
	pool_stats(p, &st);
	T_EQU(st.allocated_bytes, 0);
	T_EQU(st.free_bytes, st.heap_bytes);
	pool_close(p);
	free(offs);
	free(sizes);
	unlink(path);
}

static void
test_oom_then_free_then_alloc(void)
{
	const char *path = tu_path("oom");
	struct pool *p = mk(path, 4 * MiB);
	struct pool_stats st;
	pool_stats(p, &st);
	/* fill with small objects */
	uint64_t *offs = malloc(200000 * sizeof(uint64_t));
	int n = 0, r;
	while ((r = pool_alloc(p, 100, &offs[n])) == 0)
		n++;
	T_EQ(r, -ENOMEM);
	T_ASSERT(strstr(err_get(), path) != NULL);
	T_ASSERT(n > 1000);
	uint64_t off;
	T_EQ(pool_alloc(p, 300000, &off), -ENOMEM);
	T_EQ(pool_alloc(p, 5000, &off), -ENOMEM);
	pool_free(p, offs[n / 2]);
	T_EQ(pool_alloc(p, 100, &off), 0);
	T_EQU(off, offs[n / 2]);
	check_ok(p);
	for (int i = 0; i < n; i++)
		pool_free(p, offs[i]);
	/* the runs went back to the free chunk pool: a large block fits */
	T_EQ(pool_alloc(p, 2 * p->chunk_size, &off), 0);
	pool_free(p, off);
	/* fill with large blocks */
	n = 0;
	while ((r = pool_alloc(p, 200000, &offs[n])) == 0)
		n++;
	T_EQ(r, -ENOMEM);
	/* whole chunks each: no room left for one more */
	uint64_t per = ALIGN_UP(200000, p->chunk_size);
	T_ASSERT((uint64_t)n * per <= st.heap_bytes);
	T_ASSERT(st.heap_bytes - (uint64_t)n * per < per);
	pool_free(p, offs[0]);
	T_EQ(pool_alloc(p, 16, &off), 0);
	pool_free(p, off);
	for (int i = 1; i < n; i++)
		pool_free(p, offs[i]);
	pool_stats(p, &st);
	T_EQU(st.allocated_bytes, 0);
	T_EQU(st.free_bytes, st.heap_bytes);
	check_ok(p);
	pool_close(p);
	free(offs);
	unlink(path);
}

static void
test_tx_set_fill_free_abort(void)
{
	const char *path = tu_path("tx");
	struct pool *p = mk(path, 4 * MiB);
	uint64_t *root = pool_root(p);
	uint64_t blk;
	T_EQ(pool_alloc(p, 64 * 8, &blk), 0);
	uint64_t *arr = pool_ptr(p, blk);
	struct pool_tx *tx;
	T_EQ(pool_tx_begin(p, &tx), 0);
	T_EQ(pool_tx_set(tx, &root[0], 11), 0);
	T_EQ(pool_tx_set(tx, &root[1], 22), 0);
	T_EQ(pool_tx_fill(tx, arr, 7, 64), 0);
	T_EQU(root[0], 0); /* not applied before commit */
	T_EQ(pool_tx_commit(tx), 0);
	T_EQU(root[0], 11);
	T_EQU(root[1], 22);
	for (int i = 0; i < 64; i++)
		T_EQU(arr[i], 7);
	/* abort drops everything */
	T_EQ(pool_tx_begin(p, &tx), 0);
	T_EQ(pool_tx_set(tx, &root[0], 99), 0);
	T_EQ(pool_tx_free(tx, blk), 0);
	pool_tx_abort(tx);
	T_EQU(root[0], 11);
	T_EQU(pool_usable_size(p, blk), 512);
	/* bad destinations */
	T_EQ(pool_tx_begin(p, &tx), 0);
	T_EQ(pool_tx_set(tx, (uint64_t *)pool_base(p), 1), -EINVAL);
	T_EQ(pool_tx_set(tx, &root[2], 1), -EINVAL); /* tx failed: sticky */
	T_EQ(pool_tx_commit(tx), -EINVAL);
	T_EQU(root[2], 0);
	uint64_t local;
	T_EQ(pool_tx_begin(p, &tx), 0);
	T_EQ(pool_tx_set(tx, &local, 1), -EINVAL);
	pool_tx_abort(tx);
	T_EQ(pool_tx_begin(p, &tx), 0);
	T_EQ(pool_tx_set(tx, (uint64_t *)((char *)&root[3] + 4), 1), -EINVAL);
	pool_tx_abort(tx);
	/* max entries */
	T_EQ(pool_tx_begin(p, &tx), 0);
	for (int i = 0; i < POOL_TX_MAX_ENTRIES; i++)
		T_EQ(pool_tx_fill(tx, &arr[i % 64], (uint64_t)i, 1), 0);
	T_EQ(pool_tx_set(tx, &root[0], 5), -EINVAL);
	pool_tx_abort(tx);
	T_EQ(pool_tx_begin(p, &tx), 0);
	for (int i = 0; i < POOL_TX_MAX_ENTRIES; i++)
		T_EQ(pool_tx_fill(tx, &arr[i % 64], (uint64_t)i, 1 + (i % 3 == 0)), 0);
	T_EQ(pool_tx_commit(tx), 0);
	/* tx_free frees after commit */
	struct pool_stats st;
	T_EQ(pool_tx_begin(p, &tx), 0);
	T_EQ(pool_tx_set(tx, &root[0], 0), 0);
	T_EQ(pool_tx_free(tx, blk), 0);
	T_EQ(pool_tx_commit(tx), 0);
	pool_stats(p, &st);
	T_EQU(st.allocated_objs, 0);
	/* many txs in a row reuse lanes */
	for (int i = 0; i < 1000; i++) {
		T_EQ(pool_tx_begin(p, &tx), 0);
		T_EQ(pool_tx_set(tx, &root[5], (uint64_t)i), 0);
		T_EQ(pool_tx_commit(tx), 0);
	}
	T_EQU(root[5], 999);
	check_ok(p);
	pool_close(p);
	p = reopen(path);
	root = pool_root(p);
	T_EQU(root[0], 0);
	T_EQU(root[1], 22);
	T_EQU(root[5], 999);
	pool_close(p);
	unlink(path);
}

/* a child creates a pool, allocates, publishes some blocks, dies */
static void
test_recovery_after_crash(void)
{
	const char *path = tu_path("rec");
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		struct pool *p = mk(path, 64 * MiB);
		uint64_t *root = pool_root(p);
		uint64_t off;
		for (int i = 0; i < 100; i++) {
			T_EQ(pool_alloc(p, (size_t)(16 + i * 50), &off), 0);
			if (i % 2 == 0) { /* publish */
				root[i / 2] = off;
				pool_persist(p, &root[i / 2], 8);
			}
		}
		T_EQ(pool_alloc(p, 1 << 20, &off), 0); /* large, published */
		root[60] = off;
		pool_persist(p, &root[60], 8);
		T_EQ(pool_alloc(p, 1 << 20, &off), 0); /* large, leaked */
		_exit(0);			       /* no close: crash */
	}
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	T_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	struct pool *p = reopen(path);
	T_EQ(pool_recovery_needed(p), 1);
	uint64_t off;
	T_EQ(pool_alloc(p, 16, &off), -EBUSY);
	uint64_t *root = pool_root(p);
	uint64_t sum = 0;
	for (int i = 0; i < 50; i++) {
		T_EQ(pool_recovery_mark(p, root[i]), 0);
		sum += pool_usable_size(p, root[i]);
	}
	T_EQ(pool_recovery_mark(p, root[60]), 0);
	sum += pool_usable_size(p, root[60]);
	T_EQ(pool_recovery_mark(p, root[3]), -EINVAL);	    /* twice */
	T_EQ(pool_recovery_mark(p, root[3] + 16), -EINVAL); /* not a start */
	T_EQ(pool_recovery_mark(p, 8), -EINVAL);
	T_EQ(pool_recovery_mark(p, root[60] + 262144), -EINVAL);
	T_EQ(pool_recovery_finish(p), 0);
	T_EQ(pool_recovery_needed(p), 0);
	struct pool_stats st;
	pool_stats(p, &st);
	T_EQU(st.allocated_bytes, sum);
	T_EQU(st.allocated_objs, 51);
	check_ok(p);
	/* recovered state survives a clean close */
	pool_close(p);
	p = reopen(path);
	T_EQ(pool_recovery_needed(p), 0);
	struct pool_stats st2;
	pool_stats(p, &st2);
	T_EQU(st2.allocated_bytes, sum);
	T_EQU(st2.free_bytes, st.free_bytes);
	check_ok(p);
	root = pool_root(p);
	for (int i = 0; i < 50; i++)
		pool_free(p, root[i]);
	pool_free(p, root[60]);
	pool_stats(p, &st);
	T_EQU(st.allocated_bytes, 0);
	T_EQU(st.free_bytes, st.heap_bytes);
	pool_close(p);
	unlink(path);
}

static void
all_tests(void)
{
	T_RUN(test_create_open_close_round_trip);
	T_RUN(test_root_persists);
	T_RUN(test_alloc_all_classes_and_large);
	T_RUN(test_stats_exact_and_many_objects);
	T_RUN(test_oom_then_free_then_alloc);
	T_RUN(test_tx_set_fill_free_abort);
	T_RUN(test_recovery_after_crash);
}

int
main(void)
{
	fprintf(stderr, "--- default mode\n");
	all_tests();
	/* msync mode: only flushed stores reach the file, so a missing flush at
	 * close or in a tx shows up as lost data on reopen */
	g_opts.mode = PMEM_MODE_MSYNC;
	fprintf(stderr, "--- msync mode\n");
	all_tests();
	fprintf(stderr, "test_pool_basic: OK\n");
	return 0;
}
