/*
 * test_pool_mt.c -- multi-threaded allocator and tx stress (label mt).
 * 4 threads allocate and free random sizes at once; each object is filled
 * with its owner's pattern and verified before it is freed, so an overlap of
 * two live blocks is detected. Threads also free blocks allocated by other
 * threads (handed over through a locked exchange), commit txs on their own
 * words of the root area, and read pool_stats concurrently. At the end:
 * stats match the live set, pool_check passes, everything freed gives an
 * empty heap, and a reopen agrees.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/common.h"
#include "pool/pool.h"
#include "pool_test_util.h"

#define NTHREADS 4
#define LIVE 400
#define OPS 60000
#define POOLSZ (64ull << 20)

static struct pool *pool;
static pthread_mutex_t xlock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t xoff[64], xsize[64], xtag[64]; /* exchange slots */

struct obj {
	uint64_t off, size, tag;
};

static void
fill(uint64_t off, uint64_t size, uint64_t tag)
{
	uint64_t *w = pool_ptr(pool, off);
	uint64_t n = size / 8;
	/* first, last and every 32nd word: enough to catch overlaps cheaply */
	for (uint64_t j = 0; j < n; j += 32)
		w[j] = tag ^ j;
	w[n - 1] = tag ^ (n - 1);
}

static void
verify(uint64_t off, uint64_t size, uint64_t tag)
{
	uint64_t *w = pool_ptr(pool, off);
	uint64_t n = size / 8;
	for (uint64_t j = 0; j < n; j += 32)
		if (w[j] != (tag ^ j))
			T_FAIL("block %llu word %llu: overlap (found %llx)",
			       (unsigned long long)off, (unsigned long long)j,
			       (unsigned long long)w[j]);
	if (w[n - 1] != (tag ^ (n - 1)))
		T_FAIL("block %llu last word: overlap", (unsigned long long)off);
}

static size_t
pick(uint64_t *rng)
{
	uint64_t r = tu_rand(rng) % 1000;
	if (r < 700)
		return 8 + tu_rand(rng) % 200;
	if (r < 950)
		return 8 + tu_rand(rng) % 4000;
	if (r < 995)
		return 8 + tu_rand(rng) % 65536;
	return 65537 + tu_rand(rng) % (600 << 10);
}

static void *
worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	uint64_t rng = 1234 + id;
	struct obj *live = calloc(LIVE, sizeof(*live));
	uint64_t *txw = (uint64_t *)pool_root(pool) + id * 16;
	for (uint64_t op = 0; op < OPS; op++) {
		unsigned i = (unsigned)(tu_rand(&rng) % LIVE);
		uint64_t r = tu_rand(&rng) % 100;
		if (r < 2) { /* tx on our words */
			struct pool_tx *tx;
			T_EQ(pool_tx_begin(pool, &tx), 0);
			for (unsigned k = 0; k < 8; k++)
				T_EQ(pool_tx_set(tx, &txw[k], op), 0);
			T_EQ(pool_tx_commit(tx), 0);
			for (unsigned k = 0; k < 8; k++)
				T_EQU(txw[k], op);
			continue;
		}
		if (r < 4) {
			struct pool_stats st;
			pool_stats(pool, &st);
			T_ASSERT(st.free_bytes <= st.heap_bytes);
			continue;
		}
		if (r < 8) { /* exchange a block with another thread */
			unsigned x = (unsigned)(tu_rand(&rng) % 64);
			pthread_mutex_lock(&xlock);
			struct obj mine = live[i];
			live[i] = (struct obj){xoff[x], xsize[x], xtag[x]};
			xoff[x] = mine.off;
			xsize[x] = mine.size;
			xtag[x] = mine.tag;
			pthread_mutex_unlock(&xlock);
			continue;
		}
		if (live[i].off != 0) {
			verify(live[i].off, live[i].size, live[i].tag);
			pool_free(pool, live[i].off);
			live[i].off = 0;
		} else {
			size_t s = pick(&rng);
			uint64_t off;
			int ret = pool_alloc(pool, s, &off);
			if (ret == -ENOMEM)
				continue; /* the pool stays usable */
			T_EQ(ret, 0);
			T_EQU(off % 16, 0);
			T_ASSERT(pool_usable_size(pool, off) >= s);
			uint64_t tag = ((uint64_t)id << 56) ^ (op << 8) ^ i;
			fill(off, s, tag);
			live[i] = (struct obj){off, s, tag};
		}
	}
	/* leave the survivors in the exchange-free list for the main thread */
	for (unsigned i = 0; i < LIVE; i++)
		if (live[i].off != 0)
			verify(live[i].off, live[i].size, live[i].tag);
	return live;
}

static void
run(unsigned narenas)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%u", narenas);
	setenv("PMEMKV_POOL_ARENAS", buf, 1); /* fewer arenas than threads too */
	memset(xoff, 0, sizeof(xoff));
	const char *path = tu_path("mt");
	T_EQ(pool_create(path, "mt", POOLSZ, NULL, &pool), 0);
	pthread_t th[NTHREADS];
	for (unsigned i = 0; i < NTHREADS; i++)
		T_EQ(pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i), 0);
	struct obj *lives[NTHREADS];
	for (unsigned i = 0; i < NTHREADS; i++)
		T_EQ(pthread_join(th[i], (void **)&lives[i]), 0);
	/* stats equal the live set */
	uint64_t bytes = 0, objs = 0;
	for (unsigned t = 0; t < NTHREADS; t++)
		for (unsigned i = 0; i < LIVE; i++)
			if (lives[t][i].off) {
				bytes += pool_usable_size(pool, lives[t][i].off);
				objs++;
			}
	for (unsigned x = 0; x < 64; x++)
		if (xoff[x]) {
			verify(xoff[x], xsize[x], xtag[x]);
			bytes += pool_usable_size(pool, xoff[x]);
			objs++;
		}
	struct pool_stats st;
	pool_stats(pool, &st);
	T_EQU(st.allocated_bytes, bytes);
	T_EQU(st.allocated_objs, objs);
	if (pool_check(pool) != 0)
		T_FAIL("pool_check: %s", err_get());
	/* clean close keeps it all */
	pool_close(pool);
	T_EQ(pool_open(path, "mt", NULL, &pool), 0);
	struct pool_stats st2;
	pool_stats(pool, &st2);
	T_EQU(st2.allocated_bytes, bytes);
	T_EQU(st2.allocated_objs, objs);
	for (unsigned t = 0; t < NTHREADS; t++) {
		for (unsigned i = 0; i < LIVE; i++)
			if (lives[t][i].off) {
				verify(lives[t][i].off, lives[t][i].size, lives[t][i].tag);
				pool_free(pool, lives[t][i].off);
			}
		free(lives[t]);
	}
	for (unsigned x = 0; x < 64; x++)
		pool_free(pool, xoff[x]);
	pool_stats(pool, &st);
	T_EQU(st.allocated_bytes, 0);
	T_EQU(st.allocated_objs, 0);
	T_EQU(st.free_bytes, st.heap_bytes);
	if (pool_check(pool) != 0)
		T_FAIL("pool_check: %s", err_get());
	pool_close(pool);
	unlink(path);
	fprintf(stderr, "test_pool_mt: OK (%d threads x %d ops, %u arenas)\n", NTHREADS,
		OPS, narenas);
}

/* more threads than lanes: tx_begin must wait for a free lane */
#define TXTHREADS 80
static void *
tx_worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	uint64_t *w = (uint64_t *)pool_root(pool) + id * 4;
	for (uint64_t i = 1; i <= 300; i++) {
		struct pool_tx *tx;
		T_EQ(pool_tx_begin(pool, &tx), 0);
		T_EQ(pool_tx_fill(tx, w, i, 4), 0);
		if (i % 7 == 0) {
			pool_tx_abort(tx);
			continue;
		}
		T_EQ(pool_tx_commit(tx), 0);
		for (unsigned k = 0; k < 4; k++)
			T_EQU(w[k], i);
	}
	return NULL;
}

static void
run_lanes(void)
{
	const char *path = tu_path("lanes");
	T_EQ(pool_create(path, "mt", 4ull << 20, NULL, &pool), 0);
	pthread_t th[TXTHREADS];
	for (unsigned i = 0; i < TXTHREADS; i++)
		T_EQ(pthread_create(&th[i], NULL, tx_worker, (void *)(uintptr_t)i), 0);
	for (unsigned i = 0; i < TXTHREADS; i++)
		T_EQ(pthread_join(th[i], NULL), 0);
	uint64_t *root = pool_root(pool);
	for (unsigned i = 0; i < TXTHREADS * 4; i++)
		T_EQU(root[i], 300);
	if (pool_check(pool) != 0)
		T_FAIL("pool_check: %s", err_get());
	pool_close(pool);
	unlink(path);
	fprintf(stderr, "test_pool_mt: OK (%d threads x 300 txs on %d lanes)\n", TXTHREADS,
		POOL_LANES);
}

int
main(void)
{
	run_lanes();
	run(1);
	run(3);
	run(8);
	return 0;
}
