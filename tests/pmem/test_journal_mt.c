/*
 * test_journal_mt.c -- the journaled msync mode from several threads at
 * once (run under TSan, label mt): threads store to neighbouring words of
 * the same cache lines and pages, flush, barrier and fence concurrently
 * while small journal limits force checkpoints; the final values of every
 * word survive unmap + remap, and a second map sees them after replay of a
 * journal left by a process that died without unmapping.
 */
#include "common/common.h"
#include "pmem/pmem.h"
#include "pmem/pmem_internal.h"
#include "test.h"

#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 4
#define WORDS 512 /* per thread, interleaved: word i of thread t at i*THREADS+t */
#define ITERS 1500

static struct pmem_map map;
static char path[512];

static uint64_t *
w(size_t t, size_t i)
{
	return (uint64_t *)((char *)map.addr + 4096) + i * THREADS + t;
}

/* a word shared by all threads: updated under a mutex, flushed inside it,
 * sealed and fenced outside it (another thread may be storing to it while
 * this one copies it into its batch: the (J3) case) */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t *
shared_word(void)
{
	return (uint64_t *)((char *)map.addr + 4096 + WORDS * THREADS * 8 + 64);
}

static void *
worker(void *arg)
{
	size_t t = (size_t)arg;
	for (uint64_t it = 1; it <= ITERS; it++) {
		if (it % 5 == 0) {
			pthread_mutex_lock(&shared_lock);
			uint64_t *sw = shared_word();
			*sw = *sw + 1;
			pmem_flush_range(&map, sw, 8);
			pthread_mutex_unlock(&shared_lock);
		}
		size_t i = (size_t)(it * 7) % WORDS;
		*w(t, i) = it << 8 | t;
		pmem_flush_range(&map, w(t, i), 8);
		if (it % 3 == 0)
			pmem_barrier(&map);
		size_t k = (size_t)(it * 13 + 5) % WORDS;
		*w(t, k) = it << 8 | t;
		pmem_flush_range(&map, w(t, k), 8);
		if (it % 2 == 0)
			pmem_fence(&map);
	}
	pmem_fence(&map);
	return NULL;
}

static void
expect_final(void)
{
	T_EQU(*shared_word(), (uint64_t)THREADS * (ITERS / 5));
	for (size_t t = 0; t < THREADS; t++) {
		uint64_t want[WORDS] = {0};
		for (uint64_t it = 1; it <= ITERS; it++) {
			want[(it * 7) % WORDS] = it << 8 | t;
			want[(it * 13 + 5) % WORDS] = it << 8 | t;
		}
		for (size_t i = 0; i < WORDS; i++)
			if (*w(t, i) != want[i])
				T_FAIL("thread %zu word %zu: %llx != %llx", t, i,
				       (unsigned long long)*w(t, i), (unsigned long long)want[i]);
	}
}

static void
run_threads(void)
{
	pthread_t th[THREADS];
	for (size_t t = 0; t < THREADS; t++)
		T_EQ(pthread_create(&th[t], NULL, worker, (void *)t), 0);
	for (size_t t = 0; t < THREADS; t++)
		T_EQ(pthread_join(th[t], NULL), 0);
}

int
main(void)
{
	char cwd[400];
	T_ASSERT(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(path, sizeof(path), "%s/pmemkv-test-journal-mt-%d", cwd, (int)getpid());
	char jpath[600];
	snprintf(jpath, sizeof(jpath), "%s.journal", path);
	unlink(path);
	unlink(jpath);
	T_EQ(pmem_map_file(path, PMEM_FILE_CREATE, 1 << 20, PMEM_MODE_MSYNC, &map), 0);
	pmem_unmap_file(&map);

	/* 1: clean run, checkpoints during it, clean unmap */
	T_EQ(pmem_map_file(path, 0, 0, PMEM_MODE_MSYNC, &map), 0);
	T_EQ(pmem_journal_enable(&map, path), 0);
	pmem_journal_test_set_limit(&map, 32 * 1024);
	run_threads();
	expect_final();
	fprintf(stderr, "   %llu checkpoints, %llu journal syncs\n",
		(unsigned long long)pmem_journal_test_checkpoints(&map),
		(unsigned long long)pmem_journal_test_syncs(&map));
	pmem_unmap_file(&map);
	T_EQ(pmem_map_file(path, 0, 0, PMEM_MODE_MSYNC, &map), 0);
	expect_final();
	pmem_unmap_file(&map);

	/* 2: a child does it again and exits without unmapping */
	T_EQ(pmem_map_file(path, PMEM_FILE_CREATE, 1 << 20, PMEM_MODE_MSYNC, &map), -EEXIST);
	unlink(path);
	T_EQ(pmem_map_file(path, PMEM_FILE_CREATE, 1 << 20, PMEM_MODE_MSYNC, &map), 0);
	pmem_unmap_file(&map);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		if (pmem_map_file(path, 0, 0, PMEM_MODE_MSYNC, &map) != 0 ||
		    pmem_journal_enable(&map, path) != 0)
			_exit(2);
		pmem_journal_test_set_limit(&map, 1 << 20);
		run_threads();
		_exit(0);
	}
	int st;
	T_EQ(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	T_EQ(pmem_map_file(path, 0, 0, PMEM_MODE_MSYNC, &map), 0);
	T_EQ(pmem_journal_enable(&map, path), 0); /* replays */
	expect_final();
	pmem_unmap_file(&map);
	unlink(path);
	unlink(jpath);
	fprintf(stderr, "OK\n");
	return 0;
}
