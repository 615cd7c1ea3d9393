/*
 * bench_pool.c -- quick numbers for the pool layer (not a test): alloc/free
 * cost, tx commit cost, clean open and close time of a large pool.
 * Usage: bench_pool [dir] [pool MiB]   (default: /dev/shm, 1024)
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "pool/pool.h"
#include "pool_test_util.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* cross-thread frees: each of 2 threads allocates a block per step and
 * frees one the other thread allocated (the cmap overwrite pattern) */
enum { XN = 400000 };
static struct pool *xp;
static uint64_t *xold[2], *xnew[2];
static pthread_barrier_t xbar;

static void *
xthread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int i = 0; i < XN; i++)
		T_EQ(pool_alloc(xp, 100, &xold[t][i]), 0);
	pthread_barrier_wait(&xbar);
	pthread_barrier_wait(&xbar); /* main starts the clock */
	for (int i = 0; i < XN; i++) {
		T_EQ(pool_alloc(xp, 100, &xnew[t][i]), 0);
		pool_free(xp, xold[1 - t][i]); /* allocated by the other thread */
	}
	pthread_barrier_wait(&xbar);
	return NULL;
}

static void
bench_cross(struct pool *p)
{
	xp = p;
	pthread_barrier_init(&xbar, NULL, 3);
	pthread_t th[2];
	for (int t = 0; t < 2; t++) {
		xold[t] = malloc(XN * sizeof(uint64_t));
		xnew[t] = malloc(XN * sizeof(uint64_t));
		T_ASSERT(xold[t] != NULL && xnew[t] != NULL);
		T_EQ(pthread_create(&th[t], NULL, xthread, (void *)(intptr_t)t), 0);
	}
	pthread_barrier_wait(&xbar);
	double t0 = now();
	pthread_barrier_wait(&xbar);
	pthread_barrier_wait(&xbar);
	double tx = now() - t0;
	for (int t = 0; t < 2; t++)
		T_EQ(pthread_join(th[t], NULL), 0);
	printf("2 threads, alloc 100 B + free of the other thread's block: %.0f ns/pair "
	       "per thread\n",
	       tx / XN * 1e9);
	for (int t = 0; t < 2; t++) {
		for (int i = 0; i < XN; i++)
			pool_free(p, xnew[t][i]);
		free(xold[t]);
		free(xnew[t]);
	}
	pthread_barrier_destroy(&xbar);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/dev/shm";
	uint64_t mib = argc > 2 ? strtoull(argv[2], NULL, 0) : 1024;
	char path[512];
	snprintf(path, sizeof(path), "%s/bench_pool-%d", dir, (int)getpid());
	struct pool *p;
	double t0 = now();
	T_EQ(pool_create(path, "bench", mib << 20, NULL, &p), 0);
	printf("create %llu MiB (%s mode): %.1f ms\n", (unsigned long long)mib,
	       pmem_mode_name(pool_mode(p)), (now() - t0) * 1e3);

	enum { N = 1000000 };
	uint64_t *offs = malloc(N * sizeof(uint64_t));
	t0 = now();
	for (int i = 0; i < N; i++)
		T_EQ(pool_alloc(p, 100, &offs[i]), 0);
	double ta = now() - t0;
	t0 = now();
	for (int i = 0; i < N; i += 2)
		pool_free(p, offs[i]);
	double tf = now() - t0;
	printf("alloc 100 B: %.0f ns/op, free: %.0f ns/op\n", ta / N * 1e9, tf / (N / 2) * 1e9);
	uint64_t off;
	t0 = now();
	for (int i = 0; i < N; i++) {
		T_EQ(pool_alloc(p, 64, &off), 0);
		pool_free(p, off);
	}
	printf("alloc+free pair 64 B: %.0f ns\n", (now() - t0) / N * 1e9);
	bench_cross(p);
	{ /* random order: the frees of a kv store's overwrites */
		uint64_t *r = malloc(N * sizeof(uint64_t)), seed = 42;
		T_ASSERT(r != NULL);
		for (int i = 0; i < N; i++)
			T_EQ(pool_alloc(p, 100, &r[i]), 0);
		for (int i = N - 1; i > 0; i--) {
			int j = (int)(tu_rand(&seed) % (uint64_t)(i + 1));
			uint64_t x = r[i];
			r[i] = r[j];
			r[j] = x;
		}
		t0 = now();
		for (int i = 0; i < N; i++)
			pool_free(p, r[i]);
		printf("free 100 B in random order: %.0f ns/op\n", (now() - t0) / N * 1e9);
		free(r);
	}
	uint64_t *root = pool_root(p);
	int ntx = pool_mode(p) == PMEM_MODE_MSYNC ? 300 : 100000;
	t0 = now();
	for (int i = 0; i < ntx; i++) {
		struct pool_tx *tx;
		pool_tx_begin(p, &tx);
		pool_tx_set(tx, &root[0], (uint64_t)i);
		pool_tx_set(tx, &root[1], (uint64_t)i);
		pool_tx_commit(tx);
	}
	printf("tx commit (2 sets): %.0f ns\n", (now() - t0) / ntx * 1e9);
	struct pool_stats st;
	pool_stats(p, &st);
	printf("allocated %llu objects, %llu bytes\n", (unsigned long long)st.allocated_objs,
	       (unsigned long long)st.allocated_bytes);
	t0 = now();
	pool_close(p);
	printf("clean close: %.1f ms\n", (now() - t0) * 1e3);
	t0 = now();
	T_EQ(pool_open(path, "bench", NULL, &p), 0);
	printf("clean open (%llu objects): %.1f ms\n", (unsigned long long)st.allocated_objs,
	       (now() - t0) * 1e3);
	T_EQ(pool_check(p), 0);
	pool_close(p);
	/* as after a crash: clear the clean flag (state word at 4096) */
	int fd = open(path, O_RDWR);
	uint64_t zero = 0;
	T_EQ(pwrite(fd, &zero, 8, 4096), 8);
	close(fd);
	t0 = now();
	T_EQ(pool_open(path, "bench", NULL, &p), 0);
	double to = now() - t0;
	T_EQ(pool_recovery_needed(p), 1);
	t0 = now();
	for (int i = 1; i < N; i += 2)
		T_EQ(pool_recovery_mark(p, offs[i]), 0);
	double tm = now() - t0;
	t0 = now();
	T_EQ(pool_recovery_finish(p), 0);
	printf("dirty open: %.1f ms, %d marks: %.1f ms (%.0f ns each), finish: %.1f ms\n",
	       to * 1e3, N / 2, tm * 1e3, tm / (N / 2) * 1e9, (now() - t0) * 1e3);
	T_EQ(pool_check(p), 0);
	pool_close(p);
	unlink(path);
	free(offs);
	return 0;
}
