/*
 * test_pool_remote.c -- deferred remote frees (heap.c H7), label mt. With
 * two arenas, two threads each free objects the other allocated: those
 * frees go on the owner arena's lock-free stack and are applied later.
 * Checked: pool_stats is exact with frees pending, pool_check passes, a
 * clean close applies pending frees (reopen agrees), space that sits only
 * on another arena's stack is found before -ENOMEM, a double free through
 * the deferred path is ignored with a message.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "pool/pool.h"
#include "pool/pool_internal.h"
#include "pool_test_util.h"

#define NOBJ 3000

static struct pool *pool;
static pthread_barrier_t bar;
static uint64_t objs[2][NOBJ];

static int
pending(struct pool *p)
{
	int n = 0;
	for (unsigned i = 0; i < p->narenas; i++)
		n += atomic_load(&p->arenas[i].remote_head) != 0;
	return n;
}

static void
expect_stats(uint64_t bytes, uint64_t nobjs)
{
	struct pool_stats st;
	pool_stats(pool, &st);
	T_EQU(st.allocated_bytes, bytes);
	T_EQU(st.allocated_objs, nobjs);
	T_EQ(pending(pool), 0);
	if (pool_check(pool) != 0)
		T_FAIL("pool_check: %s", err_get());
}

/* thread i allocates NOBJ objects, then frees the odd ones of the other */
static void *
cross_worker(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;
	uint64_t rng = 77 + me;
	pthread_barrier_wait(&bar); /* both take their arena ids in order */
	for (unsigned i = 0; i < NOBJ; i++) {
		size_t s = 16 + tu_rand(&rng) % 300;
		T_EQ(pool_alloc(pool, s, &objs[me][i]), 0);
		memset(pool_ptr(pool, objs[me][i]), (int)me + 1, s);
	}
	pthread_barrier_wait(&bar);
	for (unsigned i = 1; i < NOBJ; i += 2)
		pool_free(pool, objs[!me][i]);
	return NULL;
}

/* two fresh threads (consecutive ids: different arenas) run cross_worker;
 * returns the expected stats of the survivors (even slots) */
static void
run_cross(uint64_t *bytes, uint64_t *n)
{
	pthread_barrier_init(&bar, NULL, 2);
	pthread_t th[2];
	for (unsigned i = 0; i < 2; i++)
		T_EQ(pthread_create(&th[i], NULL, cross_worker, (void *)(uintptr_t)i), 0);
	for (unsigned i = 0; i < 2; i++)
		T_EQ(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&bar);
	/* the threads had different arenas: their frees are still pending */
	T_ASSERT(pending(pool) > 0);
	*bytes = *n = 0;
	for (unsigned t = 0; t < 2; t++)
		for (unsigned i = 0; i < NOBJ; i += 2) {
			*bytes += pool_usable_size(pool, objs[t][i]);
			(*n)++;
			/* survivors untouched by the other thread's frees */
			T_EQ(*(unsigned char *)pool_ptr(pool, objs[t][i]), (int)t + 1);
		}
}

/* stats exact with frees pending, then across a clean close */
static void
test_cross_free(void)
{
	const char *path = tu_path("remote");
	T_EQ(pool_create(path, "remote", 16ull << 20, NULL, &pool), 0);
	T_EQU(pool->narenas, 2);
	uint64_t bytes, n;
	run_cross(&bytes, &n);
	expect_stats(bytes, n);
	pool_close(pool);
	T_EQ(pool_open(path, "remote", NULL, &pool), 0);
	expect_stats(bytes, n);
	pool_close(pool);
	unlink(path);
}

/* clean close with frees pending: applied before the bitmaps are
 * persisted; the reopened pool agrees */
static void
test_close_pending(void)
{
	const char *path = tu_path("remote");
	T_EQ(pool_create(path, "remote", 16ull << 20, NULL, &pool), 0);
	uint64_t bytes, n;
	run_cross(&bytes, &n);
	pool_close(pool);
	T_EQ(pool_open(path, "remote", NULL, &pool), 0);
	expect_stats(bytes, n);
	/* everything freed, from the main thread: an empty heap */
	for (unsigned t = 0; t < 2; t++)
		for (unsigned i = 0; i < NOBJ; i += 2)
			pool_free(pool, objs[t][i]);
	expect_stats(0, 0);
	pool_close(pool);
	unlink(path);
}

/* thread A fills the pool; thread B frees everything (pending on A's
 * arena), then allocates: must succeed after the drain */
static uint64_t fill_offs[1 << 17];
static unsigned fill_n;

static void *
fill_worker(void *arg)
{
	(void)arg;
	uint64_t off;
	fill_n = 0;
	while (fill_n < (1u << 17) && pool_alloc(pool, 64, &off) == 0)
		fill_offs[fill_n++] = off;
	T_ASSERT(fill_n < (1u << 17));
	return NULL;
}

static void *
drain_worker(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < fill_n; i++)
		pool_free(pool, fill_offs[i]);
	T_ASSERT(pending(pool) > 0); /* nothing applied yet */
	struct pool_stats st;
	uint64_t off;
	/* a large block: only chunks of runs emptied by the drain can serve */
	T_EQ(pool_alloc(pool, 256u << 10, &off), 0);
	uint64_t small;
	T_EQ(pool_alloc(pool, 64, &small), 0);
	pool_stats(pool, &st);
	T_EQU(st.allocated_objs, 2);
	pool_free(pool, off);
	pool_free(pool, small);
	return NULL;
}

static void
test_enomem_drain(void)
{
	const char *path = tu_path("remote");
	T_EQ(pool_create(path, "remote", 4ull << 20, NULL, &pool), 0);
	pthread_t a, b;
	T_EQ(pthread_create(&a, NULL, fill_worker, NULL), 0);
	T_EQ(pthread_join(a, NULL), 0);
	T_ASSERT(fill_n > 100);
	T_EQ(pthread_create(&b, NULL, drain_worker, NULL), 0);
	T_EQ(pthread_join(b, NULL), 0);
	expect_stats(0, 0);
	pool_close(pool);
	unlink(path);
}

/* double free through the deferred path */
static uint64_t df_off;

static void *
df_alloc(void *arg)
{
	(void)arg;
	T_EQ(pool_alloc(pool, 48, &df_off), 0);
	uint64_t keep; /* keeps the run non-empty */
	T_EQ(pool_alloc(pool, 48, &keep), 0);
	return NULL;
}

static void *
df_free(void *arg)
{
	(void)arg;
	err_clear();
	pool_free(pool, df_off);
	T_EQ(pending(pool), 1);
	T_STREQ(err_get(), "");
	pool_free(pool, df_off); /* pending: detected by the tag */
	T_ASSERT(strstr(err_get(), "double free") != NULL);
	struct pool_stats st;
	pool_stats(pool, &st); /* applied once */
	T_EQU(st.allocated_objs, 1);
	err_clear();
	pool_free(pool, df_off); /* applied already: detected at the drain */
	pool_stats(pool, &st);
	T_ASSERT(strstr(err_get(), "not an allocated block") != NULL);
	T_EQU(st.allocated_objs, 1);
	return NULL;
}

static void
test_double_free(void)
{
	const char *path = tu_path("remote");
	T_EQ(pool_create(path, "remote", 4ull << 20, NULL, &pool), 0);
	pthread_t a, b;
	T_EQ(pthread_create(&a, NULL, df_alloc, NULL), 0);
	T_EQ(pthread_join(a, NULL), 0);
	T_EQ(pthread_create(&b, NULL, df_free, NULL), 0);
	T_EQ(pthread_join(b, NULL), 0);
	if (pool_check(pool) != 0)
		T_FAIL("pool_check: %s", err_get());
	pool_close(pool);
	unlink(path);
}

int
main(void)
{
	setenv("PMEMKV_POOL_ARENAS", "2", 1);
	T_RUN(test_cross_free);
	T_RUN(test_close_pending);
	T_RUN(test_enomem_drain);
	T_RUN(test_double_free);
	return 0;
}
