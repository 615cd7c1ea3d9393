/*
 * test_pool_lanes.c -- the all-lanes-busy wait of pool_tx_begin (label mt).
 * POOL_LANES transactions are begun by 4 holder threads (16 each) and kept
 * open; then 3 more threads call pool_tx_begin. Each of them must reach the
 * wait in lane_acquire (observed through pool.lane_waiters, so the test
 * provably exercises that path) and stay blocked; every commit (or abort)
 * of a held transaction lets exactly one waiter through, which then
 * commits its own tx. At the end every tx's store is in place and
 * pool_check passes (all lanes invalidated).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "pool/pool_internal.h"
#include "pool_test_util.h"

#define LAYOUT "pooltest"
#define HOLDERS 4
#define WAITERS 3

static struct pool *pool;
static struct pool_tx *held[POOL_LANES];
static _Atomic int held_count;
static _Atomic int release_go[HOLDERS]; /* holder h: how many of its txs to end */
static _Atomic int waiters_got;	/* waiters that got a lane */
static _Atomic int waiters_go;	/* waiters may commit (they hold the lane
				 * until then, so one release = one waiter) */

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void
wait_until(_Atomic int *v, int want, const char *what)
{
	for (int i = 0; i < 20000; i++) { /* 20 s */
		if (atomic_load(v) >= want)
			return;
		sleep_ms(1);
	}
	T_FAIL("timeout waiting for %s (%d < %d)", what, atomic_load(v), want);
}

/* holder h begins lanes [16h, 16h+16) worth of txs, then ends them on demand */
static void *
holder(void *arg)
{
	int h = (int)(intptr_t)arg;
	uint64_t *root = pool_root(pool);
	const int per = POOL_LANES / HOLDERS;
	for (int i = 0; i < per; i++) {
		struct pool_tx *tx;
		T_EQ(pool_tx_begin(pool, &tx), 0);
		T_EQ(pool_tx_set(tx, &root[h * per + i], 1000 + (uint64_t)(h * per + i)), 0);
		held[h * per + i] = tx;
		atomic_fetch_add(&held_count, 1);
	}
	for (int i = 0; i < per; i++) {
		while (atomic_load(&release_go[h]) <= i)
			sleep_ms(1);
		struct pool_tx *tx = held[h * per + i];
		if (i % 2 == 0)
			T_EQ(pool_tx_commit(tx), 0);
		else
			pool_tx_abort(tx);
	}
	return NULL;
}

static void *
waiter(void *arg)
{
	int w = (int)(intptr_t)arg;
	uint64_t *root = pool_root(pool);
	struct pool_tx *tx;
	T_EQ(pool_tx_begin(pool, &tx), 0); /* blocks: every lane is busy */
	atomic_fetch_add(&waiters_got, 1);
	T_EQ(pool_tx_set(tx, &root[POOL_LANES + w], 7000 + (uint64_t)w), 0);
	while (!atomic_load(&waiters_go))
		sleep_ms(1);
	T_EQ(pool_tx_commit(tx), 0);
	return NULL;
}

int
main(void)
{
	const char *path = tu_path("lanes");
	T_EQ(pool_create(path, LAYOUT, 4ull << 20, NULL, &pool), 0);
	pthread_t ht[HOLDERS], wt[WAITERS];
	for (int h = 0; h < HOLDERS; h++)
		T_EQ(pthread_create(&ht[h], NULL, holder, (void *)(intptr_t)h), 0);
	wait_until(&held_count, POOL_LANES, "all lanes held");
	T_EQU(atomic_load(&pool->lane_busy), ~0ull);

	for (int w = 0; w < WAITERS; w++)
		T_EQ(pthread_create(&wt[w], NULL, waiter, (void *)(intptr_t)w), 0);
	/* every waiter is inside the wait of lane_acquire */
	wait_until(&pool->lane_waiters, WAITERS, "waiters in lane_acquire");
	sleep_ms(50);
	T_EQ(atomic_load(&waiters_got), 0); /* still blocked */
	T_EQ(atomic_load(&pool->lane_waiters), WAITERS);

	/* each released lane lets exactly one waiter through */
	for (int k = 1; k <= WAITERS; k++) {
		int h = (k - 1) % HOLDERS;
		atomic_fetch_add(&release_go[h], 1); /* commit (k odd: tx 0 of h) */
		wait_until(&waiters_got, k, "a waiter to get the released lane");
		sleep_ms(20);
		T_EQ(atomic_load(&waiters_got), k); /* not more than one */
		T_EQ(atomic_load(&pool->lane_waiters), WAITERS - k);
		T_EQU(atomic_load(&pool->lane_busy), ~0ull);
	}
	atomic_store(&waiters_go, 1);
	for (int w = 0; w < WAITERS; w++)
		T_EQ(pthread_join(wt[w], NULL), 0);
	/* end every remaining held tx: commits for even indexes, aborts else */
	for (int h = 0; h < HOLDERS; h++)
		atomic_store(&release_go[h], POOL_LANES);
	for (int h = 0; h < HOLDERS; h++)
		T_EQ(pthread_join(ht[h], NULL), 0);
	T_EQU(atomic_load(&pool->lane_busy), 0);

	uint64_t *root = pool_root(pool);
	const int per = POOL_LANES / HOLDERS;
	for (int i = 0; i < POOL_LANES; i++)
		T_EQU(root[i], (i % per) % 2 == 0 ? 1000 + (uint64_t)i : 0);
	for (int w = 0; w < WAITERS; w++)
		T_EQU(root[POOL_LANES + w], 7000 + (uint64_t)w);
	T_EQ(pool_check(pool), 0);
	pool_close(pool);
	T_EQ(pool_open(path, LAYOUT, NULL, &pool), 0);
	root = pool_root(pool);
	for (int w = 0; w < WAITERS; w++)
		T_EQU(root[POOL_LANES + w], 7000 + (uint64_t)w);
	T_EQ(pool_check(pool), 0);
	pool_close(pool);
	unlink(path);
	fprintf(stderr, "test_pool_lanes: OK\n");
	return 0;
}
