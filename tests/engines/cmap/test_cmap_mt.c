/*
 * test_cmap_mt.c -- multi-threaded stress of the cmap engine (label mt,
 * meant to be clean under TSan). Threads mix put/get/remove/get_all on
 * keys they own (checked exactly against a per-thread model) and on shared
 * keys (values carry their own checksum: any torn or foreign value is
 * caught). Small segments make splits and directory doublings race with
 * everything else. Zero copy is checked by re-reading a value at the end of
 * its callback while other threads overwrite and remove it; nested epochs by
 * a get inside a get_all callback. At the end: count, cmap_check, reopen.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "cmap_test_util.h"

#define NTHREADS 4
#define OWN_KEYS 2000
#define SHARED_KEYS 64

static const struct engine_ops *E = &cmap_engine_ops;
static void *H;
static char path[256];
static int ops_per_thread = 60000;

/* per-thread model of owned keys: version, 0 = absent */
static uint32_t model[NTHREADS][OWN_KEYS];

static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* value: [u32 owner][u32 key][u32 ver][payload][u64 cksum of the rest] */
static size_t
val_make(char *buf, uint32_t owner, uint32_t key, uint32_t ver)
{
	size_t plen = (key * 7u + ver * 13u) % 120;
	memcpy(buf, &owner, 4);
	memcpy(buf + 4, &key, 4);
	memcpy(buf + 8, &ver, 4);
	for (size_t i = 0; i < plen; i++)
		buf[12 + i] = (char)(key + ver + i);
	uint64_t ck = hash64(buf, 12 + plen, 42);
	memcpy(buf + 12 + plen, &ck, 8);
	return 12 + plen + 8;
}

/* val_ok -- well formed, and (owner, key) as expected */
static int
val_ok(const char *v, size_t vb, uint32_t owner, uint32_t key, uint32_t *ver)
{
	if (vb < 20)
		return 0;
	uint64_t ck;
	memcpy(&ck, v + vb - 8, 8);
	if (hash64(v, vb - 8, 42) != ck)
		return 0;
	uint32_t o, k;
	memcpy(&o, v, 4);
	memcpy(&k, v + 4, 4);
	if (ver)
		memcpy(ver, v + 8, 4);
	return o == owner && k == key;
}

static void
own_key(char *buf, uint32_t t, uint32_t i)
{
	snprintf(buf, 24, "own-%u-%05u", t, i);
}

static void
shared_key(char *buf, uint32_t i)
{
	snprintf(buf, 24, "shared-%03u", i);
}

struct getv {
	uint32_t owner, key;
	int ok;
	uint32_t ver;
};

/* zero-copy check: validate at entry, spin a little, validate again */
static void
get_cb(const char *v, size_t vb, void *arg)
{
	struct getv *g = arg;
	uint32_t v1 = 0, v2 = 0;
	int ok1 = val_ok(v, vb, g->owner, g->key, &v1);
	for (volatile int i = 0; i < 200; i++)
		;
	int ok2 = val_ok(v, vb, g->owner, g->key, &v2);
	g->ok = ok1 && ok2 && v1 == v2;
	g->ver = v1;
}

struct walk {
	uint32_t t;
	uint32_t seen[OWN_KEYS];
	int bad;
	int nested;
};

static int
walk_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	struct walk *w = arg;
	char buf[32];
	unsigned t, i;
	if (kb >= sizeof(buf)) {
		w->bad++;
		return 0;
	}
	memcpy(buf, k, kb);
	buf[kb] = 0;
	if (sscanf(buf, "own-%u-%05u", &t, &i) == 2) {
		if (t >= NTHREADS || i >= OWN_KEYS || !val_ok(v, vb, t, i, NULL)) {
			w->bad++;
			return 0;
		}
		if (t == w->t) {
			uint32_t ver = 0;
			val_ok(v, vb, t, i, &ver);
			if (ver != model[t][i])
				w->bad++;
			w->seen[i]++;
		}
	} else if (sscanf(buf, "shared-%03u", &i) == 1) {
		if (!val_ok(v, vb, 999, i, NULL))
			w->bad++;
	} else {
		w->bad++;
	}
	/* nested epoch: a get inside the walk */
	if (w->nested++ % 97 == 0) {
		struct getv g = {999, 3, 0, 0};
		char sk[24];
		shared_key(sk, 3);
		if (E->get(H, sk, strlen(sk), get_cb, &g) == 0 && !g.ok)
			w->bad++;
	}
	return 0;
}

static void *
worker(void *arg)
{
	uint32_t t = (uint32_t)(uintptr_t)arg;
	uint64_t x = 0x9E3779B97F4A7C15ull * (t + 1);
	char k[24], v[256];
	uint32_t ver = 0;
	for (int op = 0; op < ops_per_thread; op++) {
		uint64_t r = rnd(&x);
		unsigned kind = (unsigned)(r % 100);
		uint32_t i = (uint32_t)((r >> 8) % OWN_KEYS);
		if (kind < 35) {
			own_key(k, t, i);
			size_t vl = val_make(v, t, i, ++ver);
			int ret = E->put(H, k, strlen(k), v, vl);
			if (ret)
				T_FAIL("put: %d %s", ret, err_get());
			model[t][i] = ver;
		} else if (kind < 50) {
			own_key(k, t, i);
			int ret = E->remove(H, k, strlen(k));
			T_EQ(ret, model[t][i] ? 0 : -ENOENT);
			model[t][i] = 0;
		} else if (kind < 75) {
			own_key(k, t, i);
			struct getv g = {t, i, 0, 0};
			int ret = E->get(H, k, strlen(k), get_cb, &g);
			if (model[t][i]) {
				T_EQ(ret, 0);
				T_ASSERT(g.ok);
				T_EQU(g.ver, model[t][i]);
			} else {
				T_EQ(ret, -ENOENT);
			}
			T_EQ(E->exists(H, k, strlen(k)), model[t][i] ? 0 : -ENOENT);
		} else if (kind < 99) {
			uint32_t s = i % SHARED_KEYS;
			shared_key(k, s);
			if (kind < 85) {
				size_t vl = val_make(v, 999, s, ++ver);
				T_EQ(E->put(H, k, strlen(k), v, vl), 0);
			} else if (kind < 90) {
				int ret = E->remove(H, k, strlen(k));
				T_ASSERT(ret == 0 || ret == -ENOENT);
			} else {
				struct getv g = {999, s, 0, 0};
				int ret = E->get(H, k, strlen(k), get_cb, &g);
				T_ASSERT(ret == 0 || ret == -ENOENT);
				if (ret == 0)
					T_ASSERT(g.ok);
			}
		} else if (op % 8 == 0) {
			struct walk *w = calloc(1, sizeof(*w));
			w->t = t;
			T_EQ(E->get_all(H, walk_cb, w), 0);
			T_EQ(w->bad, 0);
			for (uint32_t j = 0; j < OWN_KEYS; j++)
				T_EQU(w->seen[j], model[t][j] ? 1 : 0);
			free(w);
			size_t cnt;
			T_EQ(E->count_all(H, &cnt), 0);
		}
	}
	return NULL;
}

static uint64_t
own_count(void)
{
	uint64_t n = 0;
	for (int t = 0; t < NTHREADS; t++)
		for (int i = 0; i < OWN_KEYS; i++)
			n += model[t][i] != 0;
	return n;
}

static uint64_t
shared_count(void)
{
	uint64_t n = 0;
	char k[24];
	for (uint32_t s = 0; s < SHARED_KEYS; s++) {
		shared_key(k, s);
		n += E->exists(H, k, strlen(k)) == 0;
	}
	return n;
}

static void
run_mode(uint64_t seg_buckets, enum pmem_mode mode)
{
	memset(model, 0, sizeof(model));
	unlink(path);
	struct ct_cfg cc;
	ct_cfg_init(&cc, path, 64 << 20, seg_buckets);
	cc.ec.mode = mode;
	T_EQ(E->open(&cc.ec, &H), 0);
	pthread_t th[NTHREADS];
	for (uintptr_t t = 0; t < NTHREADS; t++)
		T_EQ(pthread_create(&th[t], NULL, worker, (void *)t), 0);
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	uint64_t n = own_count() + shared_count();
	ct_check(H, n);
	struct cmap_check_stats st;
	T_EQ(cmap_check(H, &st), 0);
	fprintf(stderr, "seg_buckets %llu: %llu records, %llu segments, G=%llu\n",
		(unsigned long long)seg_buckets, (unsigned long long)st.records,
		(unsigned long long)st.segments, (unsigned long long)st.global_depth);
	fprintf(stderr, "reader-side persists of in-flight words: %llu\n",
		(unsigned long long)cmap_test_reader_fences(H));
	E->close(H);
	ct_cfg_init(&cc, path, 0, 0);
	cc.ec.mode = mode;
	T_EQ(E->open(&cc.ec, &H), 0);
	ct_check(H, n);
	ct_check_noleak(H);
	char k[24];
	for (uint32_t t = 0; t < NTHREADS; t++)
		for (uint32_t i = 0; i < OWN_KEYS; i++) {
			own_key(k, t, i);
			struct getv g = {t, i, 0, 0};
			int ret = E->get(H, k, strlen(k), get_cb, &g);
			T_EQ(ret, model[t][i] ? 0 : -ENOENT);
			if (ret == 0)
				T_EQU(g.ver, model[t][i]);
		}
	E->close(H);
	unlink(path);
	char jpath[300];
	snprintf(jpath, sizeof(jpath), "%s.journal", path);
	unlink(jpath);
}

static void
run(uint64_t seg_buckets)
{
	run_mode(seg_buckets, PMEM_MODE_AUTO);
}

/* short-lived threads: more than the engine's thread slots over time, so
 * slots must be recycled when threads exit; counts survive the recycling */
static void *
short_thread(void *arg)
{
	uint32_t i = (uint32_t)(uintptr_t)arg;
	char k[24];
	snprintf(k, sizeof(k), "short-%05u", i);
	T_EQ(E->put(H, k, strlen(k), "v", 1), 0);
	if (i % 2)
		T_EQ(E->remove(H, k, strlen(k)), 0);
	return NULL;
}

static void
test_thread_slots_recycled(void)
{
	unlink(path);
	H = ct_open(path, 16 << 20, 0);
	const uint32_t n = 2500;
	for (uint32_t i = 0; i < n; i += 2) {
		pthread_t a, b;
		T_EQ(pthread_create(&a, NULL, short_thread, (void *)(uintptr_t)i), 0);
		T_EQ(pthread_create(&b, NULL, short_thread, (void *)(uintptr_t)(i + 1)), 0);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
	}
	ct_check(H, n / 2);
	E->close(H);
	H = ct_open(path, 0, 0);
	ct_check(H, n / 2);
	ct_check_noleak(H);
	E->close(H);
	unlink(path);
}

int
main(void)
{
	const char *e = getenv("CMAP_MT_OPS");
	if (e)
		ops_per_thread = atoi(e);
#if defined(__SANITIZE_THREAD__)
	ops_per_thread /= 4;
#endif
	ct_path(path, sizeof(path), "mt");
	fprintf(stderr, "== thread slots recycled\n");
	test_thread_slots_recycled();
	fprintf(stderr, "== tiny segments (splits race with everything)\n");
	run(4);
	fprintf(stderr, "== default segments\n");
	run(0);
	/* msync mode (journaled; fdatasync is cheap on tmpfs): puts persist
	 * their slot after unlocking (M7) */
	fprintf(stderr, "== msync mode, tiny segments\n");
	ops_per_thread /= 10;
	run_mode(4, PMEM_MODE_MSYNC);
	return 0;
}
