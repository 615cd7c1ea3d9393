/*
 * test_pool_create_atomic.c -- creation is atomic (L2). A child creates,
 * closes and removes large pools in a loop; the parent kills it with SIGKILL
 * at a random moment. Afterwards the name holds either nothing or a pool that
 * opens; temporary files may remain (named ".<name>.tmp.<pid>.<rand>"), and
 * the next pool_create of that name removes those of dead creators.
 * Also: two processes racing to create the same name: exactly one wins.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "pool/pool.h"
#include "pool_test_util.h"

#define LAYOUT "atomic"
#define BIGSZ (24ull << 20)
#define ROUNDS 60

static char dir[512];

static int
count_tmp(const char *base)
{
	DIR *d = opendir(dir);
	T_ASSERT(d != NULL);
	char prefix[300];
	snprintf(prefix, sizeof(prefix), ".%s.tmp.", base);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
		else if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
			 strcmp(e->d_name, base) != 0)
			T_FAIL("unexpected file %s", e->d_name);
	}
	closedir(d);
	return n;
}

static void
test_kill_during_create(void)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/p", dir);
	uint64_t rng = (uint64_t)time(NULL);
	int saw_pool = 0, saw_none = 0, saw_tmp = 0;
	for (int round = 0; round < ROUNDS; round++) {
		pid_t pid = fork();
		T_ASSERT(pid >= 0);
		if (pid == 0) {
			for (;;) {
				struct pool *p = NULL;
				if (pool_create(path, LAYOUT, BIGSZ, NULL, &p) != 0)
					_exit(7);
				pool_close(p);
				usleep(500); /* let some kills find a complete pool */
				unlink(path);
			}
		}
		usleep((useconds_t)(tu_rand(&rng) % 20000));
		kill(pid, SIGKILL);
		int st;
		T_EQ(waitpid(pid, &st, 0), pid);
		T_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		struct stat sb;
		if (stat(path, &sb) == 0) {
			struct pool *p = NULL;
			int r = pool_open(path, LAYOUT, NULL, &p);
			if (r != 0)
				T_FAIL("round %d: the name holds a file that does not open: %s",
				       round, err_get());
			T_EQU(pool_size(p), BIGSZ);
			if (pool_recovery_needed(p))
				T_EQ(pool_recovery_finish(p), 0);
			T_EQ(pool_check(p), 0);
			pool_close(p);
			T_EQ(unlink(path), 0);
			saw_pool++;
		} else {
			saw_none++;
		}
		int t = count_tmp("p");
		T_ASSERT(t <= 1); /* the sweep below keeps it at most one */
		saw_tmp += t;
		if (t > 0) { /* a create of the same name removes the leftover */
			struct pool *p = NULL;
			T_EQ(pool_create(path, LAYOUT, POOL_MIN_SIZE, NULL, &p), 0);
			pool_close(p);
			T_EQ(count_tmp("p"), 0);
			T_EQ(unlink(path), 0);
		}
	}
	printf("kill during create: %d rounds: %d left a pool, %d left no file, %d left a "
	       "temporary file (removed by the next create)\n",
	       ROUNDS, saw_pool, saw_none, saw_tmp);
}

static void
test_racing_creators_one_wins(void)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/race", dir);
	for (int round = 0; round < 10; round++) {
		int pfd[2];
		T_EQ(pipe(pfd), 0);
		pid_t kids[3];
		for (int k = 0; k < 3; k++) {
			kids[k] = fork();
			T_ASSERT(kids[k] >= 0);
			if (kids[k] == 0) {
				char c;
				if (read(pfd[0], &c, 1) != 1)
					_exit(9);
				struct pool *p = NULL;
				int r = pool_create(path, LAYOUT, POOL_MIN_SIZE, NULL, &p);
				if (r == 0) {
					pool_close(p);
					_exit(0);
				}
				_exit(r == -EEXIST ? 1 : 2);
			}
		}
		T_EQ(write(pfd[1], "gggg", 3), 3);
		int wins = 0, exists = 0;
		for (int k = 0; k < 3; k++) {
			int st;
			T_EQ(waitpid(kids[k], &st, 0), kids[k]);
			T_ASSERT(WIFEXITED(st));
			if (WEXITSTATUS(st) == 0)
				wins++;
			else if (WEXITSTATUS(st) == 1)
				exists++;
			else
				T_FAIL("creator failed with status %d", WEXITSTATUS(st));
		}
		T_EQ(wins, 1);
		T_EQ(exists, 2);
		close(pfd[0]);
		close(pfd[1]);
		struct pool *p = NULL;
		T_EQ(pool_open(path, LAYOUT, NULL, &p), 0);
		pool_close(p);
		T_EQ(unlink(path), 0);
		T_EQ(count_tmp("race"), 0);
	}
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "%s/pooltest-atomic-%d", tu_dir(), (int)getpid());
	T_EQ(mkdir(dir, 0700), 0);
	T_RUN(test_kill_during_create);
	T_RUN(test_racing_creators_one_wins);
	T_EQ(rmdir(dir), 0);
	return 0;
}
