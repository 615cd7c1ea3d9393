/*
 * test_pool_kill.c -- kill -9 torture. A child opens the pool and runs
 * random operations of the toy structure (pool_model.h) forever, recording
 * each operation's intent and acknowledgement in memory shared with the
 * parent (a MAP_SHARED page survives the child's death, so every
 * acknowledged op is known). The parent SIGKILLs it at a random moment,
 * then reopens the pool, recovers and verifies: the acknowledged state or
 * the in-flight op's result, tx atomicity, object contents, no leak,
 * pool_check. In every third round the parent leaves the recovery to the
 * next child, so kills also land in the middle of an open that replays logs
 * and rebuilds the allocator.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pool_model.h"

#define POOLSZ (4ull << 20)

/* the child maps the pool in this mode; in msync mode the mapping is
 * private, so a kill loses every store that was not flushed: the torture
 * then checks the persist points as a power failure would */
static struct pool_opts g_opts = {PMEM_MODE_AUTO};

struct shm {
	struct model m[2];
	_Atomic uint64_t state; /* bit 0: index of the acked model; bit 1: pending */
	_Atomic uint64_t ops;	/* acknowledged ops, all children */
	_Atomic uint64_t child_recoveries;
};

static struct shm *shm;

static void
k_begin(struct m_ctx *c, const struct model *after)
{
	(void)c;
	uint64_t cur = atomic_load(&shm->state) & 1;
	shm->m[1 - cur] = *after;
	atomic_store(&shm->state, cur | 2);
}

static void
k_ack(struct m_ctx *c, const struct model *after)
{
	(void)after;
	uint64_t cur = atomic_load(&shm->state) & 1;
	atomic_store(&shm->state, 1 - cur); /* the pending model is now acked */
	c->acked = &shm->m[1 - cur];
	atomic_fetch_add(&shm->ops, 1);
}

/* the child: recover if needed (knowing the model), then work forever */
static void
child(const char *path, uint64_t seed)
{
	struct pool *p = NULL;
	int r = pool_open(path, M_LAYOUT, &g_opts, &p);
	if (r != 0) {
		fprintf(stderr, "child: pool_open: %s\n", err_get());
		_exit(3);
	}
	uint64_t st = atomic_load(&shm->state);
	uint64_t cur = st & 1;
	if (pool_recovery_needed(p)) {
		const struct model *m = &shm->m[cur];
		int adopt = 0;
		if (!m_root_matches(p, m) && (st & 2) && m_root_matches(p, &shm->m[1 - cur])) {
			m = &shm->m[1 - cur];
			adopt = 1;
		}
		for (unsigned i = 0; i < M_SLOTS; i++)
			if (m->s[i].off != 0 && pool_recovery_mark(p, m->s[i].off) != 0)
				_exit(4);
		if (pool_recovery_finish(p) != 0)
			_exit(5);
		if (adopt) {
			atomic_store(&shm->state, 1 - cur);
			cur = 1 - cur;
		}
		atomic_fetch_add(&shm->child_recoveries, 1);
	} else if (st & 2) {
		/* clean pool: the in-flight op of an earlier child was verified
		 * by the parent, which cleared the pending bit; cannot happen */
		_exit(6);
	}
	struct m_ctx ctx = {0};
	ctx.acked = &shm->m[cur];
	ctx.begin = k_begin;
	ctx.ack = k_ack;
	ctx.sizes_mask = 0xff;
	uint64_t rng = seed;
	for (;;)
		m_step(p, &ctx, &rng);
}

static void
run_phase(enum pmem_mode mode, int ROUNDS, uint64_t seed)
{
	g_opts.mode = mode;
	memset(shm, 0, sizeof(*shm));
	const char *path = tu_path("kill");
	struct pool *p = NULL;
	T_EQ(pool_create(path, M_LAYOUT, POOLSZ, NULL, &p), 0);
	pool_close(p);

	uint64_t rng = seed, violations = 0, verified = 0, found_pending = 0;
	for (int round = 0; round < ROUNDS; round++) {
		fflush(stdout);
		pid_t pid = fork();
		T_ASSERT(pid >= 0);
		if (pid == 0)
			child(path, seed * 1000003 + (uint64_t)round);
		usleep((useconds_t)(200 + tu_rand(&rng) % 3000));
		kill(pid, SIGKILL);
		int status;
		T_EQ(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			T_FAIL("round %d: child ended by itself (exit %d, signal %d)", round,
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		if (round % 3 == 2 && round != ROUNDS - 1)
			continue; /* the next child recovers */
		uint64_t st = atomic_load(&shm->state);
		uint64_t cur = st & 1;
		int which = 0;
		char tag[64];
		snprintf(tag, sizeof(tag), "round %d", round);
		int v = m_verify(path, &shm->m[cur], (st & 2) ? &shm->m[1 - cur] : NULL,
				 &which, tag);
		violations += (uint64_t)v;
		verified++;
		if (v != 0)
			break;
		atomic_store(&shm->state, which ? 1 - cur : cur);
		found_pending += (uint64_t)which;
	}
	printf("pool kill -9 torture (%s mode in the child): %d rounds, %llu verified by the parent, %llu "
	       "recovered by a child, %llu acknowledged ops, %llu in-flight ops found "
	       "applied, %llu violations\n",
	       mode == PMEM_MODE_MSYNC ? "msync" : "default", ROUNDS,
	       (unsigned long long)verified,
	       (unsigned long long)atomic_load(&shm->child_recoveries),
	       (unsigned long long)atomic_load(&shm->ops), (unsigned long long)found_pending,
	       (unsigned long long)violations);
	unlink(path);
	T_EQU(violations, 0);
	T_ASSERT(atomic_load(&shm->ops) > (uint64_t)ROUNDS);
}

int
main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : (uint64_t)time(NULL);
	printf("seed %llu\n", (unsigned long long)seed);
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		   0);
	T_ASSERT(shm != MAP_FAILED);
	run_phase(PMEM_MODE_AUTO, 200, seed);
	run_phase(PMEM_MODE_MSYNC, 150, seed + 1);
	return 0;
}
