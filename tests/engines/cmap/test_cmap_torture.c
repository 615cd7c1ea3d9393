/*
 * test_cmap_torture.c -- kill -9 torture of a multi-threaded cmap writer.
 * Each round the parent forks a child that opens the pool and runs NT
 * threads of puts, overwrites and removes on keys each thread owns; values
 * carry (key, version) and a checksum. Every operation is reported through
 * memory shared with the parent: "in flight" before the call, "acknowledged"
 * after it returns. The parent kills the child at a random moment, reopens
 * the pool (crash recovery), and verifies: each key holds its acknowledged
 * state or, if an op was in flight, that op's result (never a torn value);
 * no other key exists; count_all is exact; cmap_check passes; and no block
 * is leaked. Then the next round continues from what was found.
 *
 * The rounds run in the default mode (process, on /dev/shm), then a third
 * as many in journaled msync mode (slot words with DIRTY reach the file:
 * recovery must mask them, cmap (M7)).
 *
 *   test_cmap_torture [rounds]     (default 200)
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "cmap_test_util.h"

#define NT 3
#define NK 3000 /* keys per thread; the range in use grows with the rounds */
#define VMAX 300

static const struct engine_ops *E = &cmap_engine_ops;
static char path[256];
static enum pmem_mode MODE = PMEM_MODE_AUTO;

struct kstate {
	uint32_t acked;	   /* acknowledged version, 0 = absent */
	uint32_t inflight; /* version being put, or REMOVING, or 0 */
};
#define REMOVING 0xffffffffu

struct shared {
	struct kstate ks[NT][NK];
	uint32_t next_ver[NT];
	uint32_t range; /* keys in use per thread this round */
	uint64_t ops; /* acknowledged ops, all rounds */
};
static struct shared *S;

static void
key_of(char *buf, uint32_t t, uint32_t i)
{
	snprintf(buf, 24, "tt%u-key-%03u", t, i);
}

static size_t
val_make(char *buf, uint32_t t, uint32_t i, uint32_t ver)
{
	size_t plen = (ver * 37u + i) % VMAX;
	uint32_t hdr[3] = {t, i, ver};
	memcpy(buf, hdr, 12);
	for (size_t j = 0; j < plen; j++)
		buf[12 + j] = (char)(ver * 3 + j);
	uint64_t ck = hash64(buf, 12 + plen, 7);
	memcpy(buf + 12 + plen, &ck, 8);
	return 12 + plen + 8;
}

struct got {
	int ok;
	uint32_t ver;
};

static void
get_cb(const char *v, size_t vb, void *arg)
{
	struct got *g = arg;
	g->ok = 0;
	if (vb < 20)
		return;
	uint64_t ck;
	memcpy(&ck, v + vb - 8, 8);
	if (hash64(v, vb - 8, 7) != ck)
		return;
	uint32_t hdr[3];
	memcpy(hdr, v, 12);
	char want[VMAX + 32];
	size_t wl = val_make(want, hdr[0], hdr[1], hdr[2]);
	g->ok = wl == vb && memcmp(want, v, vb) == 0;
	g->ver = hdr[2];
}

static void *H;

static void *
child_thread(void *arg)
{
	uint32_t t = (uint32_t)(uintptr_t)arg;
	uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull + t + 1;
	char k[24], v[VMAX + 32];
	for (;;) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint32_t i = (uint32_t)(x % S->range);
		struct kstate *ks = &S->ks[t][i];
		key_of(k, t, i);
		if ((x >> 32) % 5 == 0) {
			__atomic_store_n(&ks->inflight, REMOVING, __ATOMIC_SEQ_CST);
			int ret = E->remove(H, k, strlen(k));
			if (ret != 0 && ret != -ENOENT)
				_exit(10);
			__atomic_store_n(&ks->acked, 0, __ATOMIC_SEQ_CST);
		} else {
			uint32_t ver = ++S->next_ver[t];
			size_t vl = val_make(v, t, i, ver);
			__atomic_store_n(&ks->inflight, ver, __ATOMIC_SEQ_CST);
			int ret = E->put(H, k, strlen(k), v, vl);
			if (ret) {
				fprintf(stderr, "child put: %d %s\n", ret, err_get());
				_exit(11);
			}
			__atomic_store_n(&ks->acked, ver, __ATOMIC_SEQ_CST);
		}
		__atomic_store_n(&ks->inflight, 0, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&S->ops, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void
child(void)
{
	struct ct_cfg c;
	ct_cfg_init(&c, path, 32 << 20, 4);
	c.ec.mode = MODE;
	int ret = E->open(&c.ec, &H);
	if (ret) {
		fprintf(stderr, "child open: %d %s\n", ret, err_get());
		_exit(12);
	}
	pthread_t th[NT];
	for (uintptr_t t = 0; t < NT; t++)
		pthread_create(&th[t], NULL, child_thread, (void *)t);
	for (;;)
		pause();
}

/* verify -- open after the kill, compare with the shared model, fold
 * in-flight results into it; returns the number of keys present. */
static uint64_t
verify(int round)
{
	struct ct_cfg c;
	ct_cfg_init(&c, path, 0, 0);
	c.ec.mode = MODE;
	void *h = NULL;
	if (E->open(&c.ec, &h))
		T_FAIL("round %d: open: %s", round, err_get());
	struct cmap_check_stats st;
	if (cmap_check(h, &st))
		T_FAIL("round %d: cmap_check: %s", round, err_get());
	struct pool_stats ps;
	pool_stats(cmap_pool(h), &ps);
	if (ps.allocated_bytes != st.reachable_bytes)
		T_FAIL("round %d: leak: allocated %llu, reachable %llu", round,
		       (unsigned long long)ps.allocated_bytes,
		       (unsigned long long)st.reachable_bytes);
	uint64_t present = 0;
	char k[24];
	for (uint32_t t = 0; t < NT; t++)
		for (uint32_t i = 0; i < NK; i++) {
			struct kstate *ks = &S->ks[t][i];
			key_of(k, t, i);
			struct got g = {0, 0};
			int ret = E->get(h, k, strlen(k), get_cb, &g);
			uint32_t now;
			if (ret == 0) {
				if (!g.ok)
					T_FAIL("round %d: key %s: torn or foreign value", round, k);
				now = g.ver;
				present++;
			} else {
				T_EQ(ret, -ENOENT);
				now = 0;
			}
			int ok = now == ks->acked;
			if (ks->inflight)
				ok = ok || now == (ks->inflight == REMOVING ? 0 : ks->inflight);
			if (!ok)
				T_FAIL("round %d: key %s: found version %u, acked %u, in flight %u",
				       round, k, now, ks->acked, ks->inflight);
			ks->acked = now;
			ks->inflight = 0;
		}
	T_EQU(st.records, present);
	size_t cnt;
	T_EQ(E->count_all(h, &cnt), 0);
	T_EQU(cnt, present);
	E->close(h);
	return present;
}

static void
torture(int rounds)
{
	memset(S, 0, sizeof(*S));
	unlink(path);
	uint64_t present = 0;
	for (int r = 0; r < rounds; r++) {
		/* a growing key range keeps segments splitting in every round */
		S->range = 64 + (uint32_t)r * (NK - 64) / (uint32_t)rounds;
		pid_t pid = fork();
		T_ASSERT(pid >= 0);
		if (pid == 0)
			child();
		/* 0.5 .. 12 ms: the first rounds include pool creation */
		struct timespec d = {0, (500 + rand() % 11500) * 1000L};
		nanosleep(&d, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			T_FAIL("round %d: child exited with %d", r, WEXITSTATUS(status));
		if (access(path, F_OK) != 0)
			continue; /* killed before the pool existed */
		present = verify(r);
	}
	fprintf(stderr, "torture (%s): %d rounds, %llu acknowledged ops, %llu keys at the end\n",
		pmem_mode_name(MODE), rounds, (unsigned long long)S->ops,
		(unsigned long long)present);
	unlink(path);
	char jpath[300];
	snprintf(jpath, sizeof(jpath), "%s.journal", path);
	unlink(jpath);
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	ct_path(path, sizeof(path), "torture");
	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	T_ASSERT(S != MAP_FAILED);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	torture(rounds);
	MODE = PMEM_MODE_MSYNC;
	torture(rounds / 3 > 0 ? rounds / 3 : 1);
	return 0;
}
