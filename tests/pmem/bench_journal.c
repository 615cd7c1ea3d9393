/*
 * bench_journal.c -- cost of a put's persist shape in msync mode:
 * "8-byte store + flush + barrier + 128-byte store + flush + fence",
 * in three variants, with 1 and 2 threads:
 *  old      the msync path before the journal (emulated here: MAP_SHARED,
 *           flush = msync(MS_SYNC) of the touched pages, fence = nothing)
 *  pwrite   MSYNC mode without a journal (MAP_PRIVATE, flush = pwrite,
 *           barrier/fence = fdatasync), the path used while creating a pool
 *  journal  MSYNC mode with pmem_journal_enable (group commit) Not a ctest test (a benchmark): run by hand,
 *   ./tests/pmem/bench_journal [iterations per thread] [dir]
 * Files go to dir (default: the current directory, i.e. a real disk).
 */
#include "common/common.h"
#include "pmem/pmem.h"
#include "pmem/pmem_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static struct pmem_map map;
static long iters = 2000;
static int old_mode; /* emulate the pre-journal msync path */

static void
old_flush(const void *addr, size_t len)
{
	uintptr_t s = ALIGN_DOWN((uintptr_t)addr, 4096);
	uintptr_t e = ALIGN_UP((uintptr_t)addr + len, 4096);
	if (msync((void *)s, e - s, MS_SYNC) != 0)
		perror("msync");
}

static void
flush(const void *addr, size_t len)
{
	if (old_mode)
		old_flush(addr, len);
	else
		pmem_flush_range(&map, addr, len);
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *
worker(void *arg)
{
	size_t t = (size_t)arg;
	char *base = (char *)map.addr + 4096 + t * (1u << 20);
	char rec[128];
	memset(rec, (int)t + 1, sizeof(rec));
	for (long i = 0; i < iters; i++) {
		uint64_t *slot = (uint64_t *)(base + (size_t)(i % 1024) * 8);
		char *r = base + 65536 + (size_t)(i % 2048) * 128;
		*slot = (uint64_t)i;
		flush(slot, 8);
		if (!old_mode)
			pmem_barrier(&map);
		memcpy(r, rec, sizeof(rec));
		flush(r, sizeof(rec));
		if (!old_mode)
			pmem_fence(&map);
	}
	return NULL;
}

static double
run(const char *path, int journal, int threads)
{
	unlink(path);
	if (pmem_map_file(path, PMEM_FILE_CREATE, 8u << 20, PMEM_MODE_MSYNC, &map) != 0) {
		fprintf(stderr, "map: %s\n", err_get());
		exit(1);
	}
	void *priv = map.addr;
	if (journal < 0) { /* old path: the same file mapped shared */
		old_mode = 1;
		map.addr = mmap(NULL, map.size, PROT_READ | PROT_WRITE, MAP_SHARED, map.fd, 0);
		if (map.addr == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
	}
	if (journal > 0 && pmem_journal_enable(&map, path) != 0) {
		fprintf(stderr, "journal: %s\n", err_get());
		exit(1);
	}
	uint64_t s0 = pmem_journal_test_syncs(&map);
	pthread_t th[8];
	double t0 = now();
	for (int i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, worker, (void *)(size_t)i);
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	double dt = now() - t0;
	uint64_t syncs = pmem_journal_test_syncs(&map) - s0;
	if (old_mode) {
		munmap(map.addr, map.size);
		map.addr = priv;
		old_mode = 0;
	}
	pmem_unmap_file(&map);
	unlink(path);
	double us = dt * 1e6 / (double)iters;
	printf("%-8s %d thread%s: %7.1f us per put per thread, %6.0f puts/s in all", journal < 0 ? "old" : journal ? "journal" : "pwrite",
	       threads, threads > 1 ? "s" : " ", us, (double)(iters * threads) / dt);
	if (journal > 0)
		printf(", %.2f fdatasync per put", (double)syncs / (double)(iters * threads));
	printf("\n");
	return us;
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		iters = atol(argv[1]);
	const char *dir = argc > 2 ? argv[2] : ".";
	char path[512];
	snprintf(path, sizeof(path), "%s/pmemkv-bench-journal-%d", dir, (int)getpid());
	printf("file %s (tmpfs: %d), %ld puts per thread\n", path, pmem_path_is_tmpfs(path), iters);
	for (int threads = 1; threads <= 2; threads++) {
		run(path, -1, threads);
		run(path, 0, threads);
		run(path, 1, threads);
	}
	return 0;
}
