/*
 * test_cmap_powerfail.c -- the cmap engine under the power-failure simulator.
 * Every fence of short workloads (put, overwrite, remove, table growth with
 * segment splits and directory doublings, out of space) and random fences of
 * a 100,000-operation workload, with PF_PENDING | PF_UNFLUSHED. The check
 * opens each crash image through cmap_engine_ops (recovery runs) and
 * verifies:
 *  - every acknowledged put/remove is there (durability, DESIGN 1);
 *  - the in-flight operation's key has its old or its new value, whole
 *    (atomicity, DESIGN 2), and nothing else is present;
 *  - count_all and cmap_check agree with the model;
 *  - no leak: allocated bytes == bytes reachable from the root (DESIGN 3).
 */
#include <stdlib.h>

#include "cmap_test_util.h"
#include "powerfail.h"

#define NKEYS_MAX 16384

static const struct engine_ops *E = &cmap_engine_ops;

struct model {
	uint32_t ver[NKEYS_MAX]; /* acknowledged version per key, 0 = absent */
	int inflight;		 /* key of the op in progress, -1 none */
	uint32_t inflight_ver;	 /* its new version (0 = remove) */
	uint32_t nkeys;		 /* keys in use */
	uint32_t vmin, vmax;	 /* value length in [vmin, vmax) */
	unsigned printed;
};

static struct model M;

static void
key_of(uint32_t k, char *buf)
{
	snprintf(buf, 16, "pf-key-%08u", k % 100000000u); /* 8 digits: fits */
}

/* value of (key, version): length and bytes derived from both */
static size_t
val_of(uint32_t k, uint32_t ver, char *buf)
{
	size_t len = M.vmin + (k * 131u + ver * 17u) % (M.vmax - M.vmin);
	uint64_t x = k * 0x9E3779B97F4A7C15ull + ver;
	for (size_t i = 0; i < len; i++) {
		x ^= x >> 29;
		x *= 0xBF58476D1CE4E5B9ull;
		buf[i] = (char)(x >> 56);
	}
	return len;
}

struct check_ctx {
	int violations;
	uint32_t visited;
};

static int
viol(const char *fmt, uint32_t a, uint64_t b)
{
	if (M.printed++ < 20) {
		fprintf(stderr, "  violation: ");
		fprintf(stderr, fmt, a, (unsigned long long)b);
		fprintf(stderr, "\n");
	}
	return 1;
}

struct getres {
	char *buf;
	size_t len;
};

static void
get_cb(const char *v, size_t vb, void *arg)
{
	struct getres *g = arg;
	g->len = vb;
	memcpy(g->buf, v, vb < 70000 ? vb : 70000);
}

/* key_matches -- value under key k equals version ver's */
static int
val_is(uint32_t k, uint32_t ver, const char *got, size_t len)
{
	static char want[70000];
	size_t wl = val_of(k, ver, want);
	return wl == len && memcmp(want, got, len) == 0;
}

static int
walk_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	struct check_ctx *cc = arg;
	unsigned key;
	if (kb != 15 || sscanf(k, "pf-key-%08u", &key) != 1 || key >= M.nkeys) {
		cc->violations += viol("get_all: unknown key (len %u) %llu", (uint32_t)kb, 0);
		return 0;
	}
	cc->visited++;
	uint32_t ver = M.ver[key];
	int ok = ver && val_is(key, ver, v, vb);
	if ((int)key == M.inflight)
		ok = ok || (M.inflight_ver && val_is(key, M.inflight_ver, v, vb));
	if (!ok)
		cc->violations += viol("get_all: key %u has a wrong value (len %llu)", key, vb);
	return 0;
}

static int
check(void *arg, const char *image, uint64_t fence_no)
{
	(void)arg;
	struct ct_cfg c;
	ct_cfg_init(&c, image, 0, 0);
	void *h = NULL;
	int ret = E->open(&c.ec, &h);
	if (ret) {
		fprintf(stderr, "  fence %llu: open failed %d: %s\n", (unsigned long long)fence_no,
			ret, err_get());
		return 1;
	}
	int v = 0;
	struct cmap_check_stats st;
	if (cmap_check(h, &st)) {
		fprintf(stderr, "  fence %llu: cmap_check: %s\n", (unsigned long long)fence_no,
			err_get());
		v++;
	} else {
		struct pool_stats ps;
		pool_stats(cmap_pool(h), &ps);
		if (ps.allocated_bytes != st.reachable_bytes ||
		    ps.allocated_objs != st.reachable_blocks)
			v += viol("leak: %u objs allocated vs reachable, bytes diff %llu",
				  (uint32_t)(ps.allocated_objs - st.reachable_blocks),
				  ps.allocated_bytes - st.reachable_bytes);
	}
	static char buf[70000];
	uint64_t present = 0;
	int inflight_present = -1;
	for (uint32_t k = 0; k < M.nkeys; k++) {
		char kb[16];
		key_of(k, kb);
		struct getres g = {buf, 0};
		ret = E->get(h, kb, 15, get_cb, &g);
		uint32_t ver = M.ver[k];
		int ok;
		if ((int)k == M.inflight) {
			int old_ok = ver ? (ret == 0 && val_is(k, ver, buf, g.len)) : ret == -ENOENT;
			int new_ok = M.inflight_ver
					     ? (ret == 0 && val_is(k, M.inflight_ver, buf, g.len))
					     : ret == -ENOENT;
			ok = old_ok || new_ok;
			inflight_present = ret == 0;
		} else if (ver) {
			ok = ret == 0 && val_is(k, ver, buf, g.len);
		} else {
			ok = ret == -ENOENT;
		}
		if (!ok)
			v += viol("key %u: wrong state (get returned %lld)", k, (uint64_t)(int64_t)ret);
		present += ret == 0;
	}
	uint64_t expect = 0;
	for (uint32_t k = 0; k < M.nkeys; k++)
		if ((int)k != M.inflight)
			expect += M.ver[k] != 0;
	if (inflight_present > 0)
		expect++;
	size_t cnt = 0;
	E->count_all(h, &cnt);
	if (cnt != expect || present != expect)
		v += viol("count_all %u, expected %llu", (uint32_t)cnt, expect);
	struct check_ctx cc = {0, 0};
	E->get_all(h, walk_cb, &cc);
	v += cc.violations;
	if (cc.visited != expect)
		v += viol("get_all visited %u, expected %llu", cc.visited, expect);
	E->close(h);
	if (v)
		fprintf(stderr, "  ^ at fence %llu\n", (unsigned long long)fence_no);
	return v;
}

/* ---- workload driver ---- */

static char path[256];
static void *H;

static int
do_put(uint32_t k, uint32_t ver)
{
	char kb[16];
	static char vbuf[70000];
	key_of(k, kb);
	size_t vl = val_of(k, ver, vbuf);
	M.inflight = (int)k;
	M.inflight_ver = ver;
	int ret = E->put(H, kb, 15, vbuf, vl);
	if (ret == 0)
		M.ver[k] = ver;
	M.inflight = -1;
	return ret;
}

static int
do_remove(uint32_t k)
{
	char kb[16];
	key_of(k, kb);
	M.inflight = (int)k;
	M.inflight_ver = 0;
	int ret = E->remove(H, kb, 15);
	if (ret == 0)
		M.ver[k] = 0;
	M.inflight = -1;
	return ret;
}

static struct pf_sim *
sim_begin(enum pf_policy pol, uint64_t param, uint64_t seed)
{
	struct pf_sim *sim = pf_sim_new(pool_base(cmap_pool(H)), pool_size(cmap_pool(H)));
	pf_sim_set_check(sim, check, NULL);
	pf_sim_set_policy(sim, pol, param, seed, PF_PENDING | PF_UNFLUSHED);
	pf_sim_start(sim);
	return sim;
}

static uint64_t
sim_end(struct pf_sim *sim, const char *name)
{
	pf_sim_stop(sim);
	uint64_t v = pf_report(name, sim);
	T_ASSERT(pf_sim_crash_points(sim) > 0);
	pf_sim_delete(sim);
	return v;
}

static void
setup(uint64_t pool_sz, uint32_t nkeys, uint32_t vmax)
{
	memset(&M, 0, sizeof(M));
	M.inflight = -1;
	M.nkeys = nkeys;
	M.vmax = vmax;
	unlink(path);
	H = ct_open(path, pool_sz, 4);
}

static uint64_t
model_count(void)
{
	uint64_t n = 0;
	for (uint32_t k = 0; k < M.nkeys; k++)
		n += M.ver[k] != 0;
	return n;
}

static void
teardown(void)
{
	ct_check(H, model_count());
	E->close(H);
	H = NULL;
	unlink(path);
}

static uint64_t total_violations;

static void
test_put_split_double_every_fence(void)
{
	setup(4 << 20, 400, 120);
	struct pf_sim *sim = sim_begin(PF_EVERY_FENCE, 0, 1);
	for (uint32_t k = 0; k < 400; k++)
		T_EQ(do_put(k, 1), 0);
	total_violations += sim_end(sim, "cmap put + splits + doublings, every fence");
	teardown();
}

static void
test_overwrite_remove_every_fence(void)
{
	setup(8 << 20, 300, 200);
	for (uint32_t k = 0; k < 300; k++)
		T_EQ(do_put(k, 1), 0);
	struct pf_sim *sim = sim_begin(PF_EVERY_FENCE, 0, 2);
	for (uint32_t k = 0; k < 300; k += 2)
		T_EQ(do_put(k, 2), 0);
	total_violations += sim_end(sim, "cmap overwrite, every fence");
	sim = sim_begin(PF_EVERY_FENCE, 0, 3);
	for (uint32_t k = 0; k < 300; k += 3)
		T_EQ(do_remove(k), 0);
	T_EQ(do_remove(0), -ENOENT);
	for (uint32_t k = 0; k < 300; k += 3)
		T_EQ(do_put(k, 3), 0); /* re-insert into holes */
	total_violations += sim_end(sim, "cmap remove + re-insert, every fence");
	teardown();
}

static void
test_out_of_space_every_fence(void)
{
	/* fill a 3 MiB pool without the sim; the sim watches the last puts */
	setup(3 << 20, NKEYS_MAX, 160);
	M.vmin = 100;
	uint32_t k = 0;
	while (k < NKEYS_MAX - 100 && do_put(k, 1) == 0)
		k++;
	T_ASSERT(k < NKEYS_MAX - 100);
	/* full: make a little room, then let the sim watch it fill again */
	for (uint32_t j = 0; j < 6; j++)
		T_EQ(do_remove(j), 0);
	k++;
	struct pf_sim *sim = sim_begin(PF_EVERY_FENCE, 0, 4);
	int enomem = 0;
	for (; k < NKEYS_MAX && enomem < 5; k++) {
		int ret = do_put(k, 1);
		if (ret == -ENOMEM)
			enomem++;
		else
			T_EQ(ret, 0);
	}
	T_ASSERT(enomem == 5);
	/* overwrite with a larger value fails and keeps the old one */
	for (uint32_t j = 6; j < 11; j++)
		do_put(j, 7);
	/* removing makes room again */
	for (uint32_t j = 6; j < 40; j++)
		if (M.ver[j])
			T_EQ(do_remove(j), 0);
	for (uint32_t j = 11; j < 30; j++)
		T_EQ(do_put(j, 1), 0); /* same sizes as the freed records */
	total_violations += sim_end(sim, "cmap out of space, every fence");
	teardown();
}

static void
test_random_fences_100k(void)
{
	setup(8 << 20, 4096, 100);
	/* CMAP_PF_SEED=n varies the workload and the crash points */
	const char *e = getenv("CMAP_PF_SEED");
	uint64_t seed = e ? strtoull(e, NULL, 0) : 0;
	uint64_t x = 88172645463325252ull ^ (seed * 0x9E3779B97F4A7C15ull);
	struct pf_sim *sim = sim_begin(PF_RANDOM_FENCES, 600, 5 + seed);
	uint32_t ver = 1;
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint32_t k = (uint32_t)(x % 4096);
		if ((x >> 20) % 4 == 0) {
			int ret = do_remove(k);
			T_ASSERT(ret == 0 || ret == -ENOENT);
		} else {
			T_EQ(do_put(k, ++ver), 0);
		}
	}
	total_violations += sim_end(sim, "cmap random fences of 100k ops");
	teardown();
}

int
main(int argc, char **argv)
{
	ct_path(path, sizeof(path), "pf");
	if (argc > 1 && strcmp(argv[1], "random") == 0) {
		T_RUN(test_random_fences_100k);
	} else {
		T_RUN(test_put_split_double_every_fence);
		T_RUN(test_overwrite_remove_every_fence);
		T_RUN(test_out_of_space_every_fence);
		T_RUN(test_random_fences_100k);
	}
	T_EQU(total_violations, 0);
	return 0;
}
