/*
 * test_cmap_durable.c -- durable linearizability of cmap reads (cmap (M7)):
 * a reader never acts on a slot word whose persist may still be in flight.
 * A test hook stops a writer between its DIRTY slot store and its persist:
 *  - powerfail: a reader runs inside the hook (same thread), then a crash
 *    image is taken with nothing leaked beyond what was fenced; what the
 *    reader returned (new value, or NOT_FOUND after a remove, or what
 *    get_all visited) must be what recovery finds;
 *  - threads: a writer thread is parked in the hook while another thread
 *    reads; the reader must persist the word itself (reader-fence counter)
 *    and must not block on the writer;
 *  - msync mode: the cleared words reach the file too, so a clean reopen
 *    reads without reader fences.
 */
#include <pthread.h>
#include <stdlib.h>

#include "cmap_test_util.h"
#include "pmem/pmem_internal.h" /* pmem_journal_test_syncs (test-only) */
#include "powerfail.h"

static const struct engine_ops *E = &cmap_engine_ops;

static char path[256];
static void *H;
static struct pf_sim *SIM;

/* ---- powerfail scenario ---- */

static const char *K = "durable-key-001";
#define KLEN 15

/* what the reader inside the hook saw; the crash image must agree */
static struct {
	enum { OP_GET, OP_EXISTS, OP_GET_ALL } op;
	int present;
	char val[64];
	size_t vlen;
	int checked;
} R;

static void
copy_cb(const char *v, size_t vb, void *arg)
{
	(void)arg;
	T_ASSERT(vb < sizeof(R.val));
	memcpy(R.val, v, vb);
	R.vlen = vb;
}

static int
all_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	(void)arg;
	if (kb == KLEN && memcmp(k, K, KLEN) == 0) {
		R.present = 1;
		copy_cb(v, vb, NULL);
	}
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
	char got[64];
	struct ct_val x = {got, sizeof(got), 0, 0};
	ret = E->get(h, K, KLEN, ct_val_cb, &x);
	int v = 0;
	if (R.present != (ret == 0)) {
		fprintf(stderr, "  reader saw the key %s, the crash image %s\n",
			R.present ? "present" : "absent", ret == 0 ? "has it" : "does not");
		v++;
	} else if (R.present && (x.len != R.vlen || memcmp(got, R.val, R.vlen) != 0)) {
		fprintf(stderr, "  reader saw value \"%.*s\", the crash image has \"%.*s\"\n",
			(int)R.vlen, R.val, (int)x.len, got);
		v++;
	}
	E->close(h);
	R.checked++;
	return v;
}

/* hook: runs in the writer's thread, after its DIRTY store */
static void
read_then_crash(void *handle)
{
	T_ASSERT(handle == H);
	uint64_t before = cmap_test_reader_fences(H);
	int ret;
	R.present = 0;
	R.vlen = 0;
	switch (R.op) {
	case OP_GET:
		ret = E->get(H, K, KLEN, copy_cb, NULL);
		T_ASSERT(ret == 0 || ret == -ENOENT);
		R.present = ret == 0;
		break;
	case OP_EXISTS:
		ret = E->exists(H, K, KLEN);
		T_ASSERT(ret == 0 || ret == -ENOENT);
		R.present = ret == 0;
		if (R.present) /* exists has no value: compare with get's */
			T_EQ(E->get(H, K, KLEN, copy_cb, NULL), 0);
		break;
	case OP_GET_ALL:
		T_EQ(E->get_all(H, all_cb, NULL), 0);
		break;
	}
	/* the reader met the in-flight word and persisted it itself */
	T_ASSERT(cmap_test_reader_fences(H) > before);
	T_EQ(pf_sim_crash_now(SIM), 0);
}

static void
test_reader_persists_before_acting(void)
{
	ct_path(path, sizeof(path), "durable");
	H = ct_open(path, 8 << 20, 4);
	SIM = pf_sim_new(pool_base(cmap_pool(H)), pool_size(cmap_pool(H)));
	pf_sim_set_check(SIM, check, NULL);
	/* no crash at fences; nothing leaks beyond what was fenced */
	pf_sim_set_policy(SIM, PF_AT_FENCE, ~0ull, 1, 0);
	pf_sim_start(SIM);
	static const char *vals[] = {"v-one", "v-two-longer", "v-three"};
	for (int op = OP_GET; op <= OP_GET_ALL; op++) {
		R.op = op;
		cmap_test_publish_hook = read_then_crash;
		/* insert into an empty slot */
		T_EQ(E->put(H, K, KLEN, vals[0], strlen(vals[0])), 0);
		T_ASSERT(R.present && R.vlen == strlen(vals[0]));
		/* overwrite in place */
		T_EQ(E->put(H, K, KLEN, vals[1], strlen(vals[1])), 0);
		T_ASSERT(R.present && R.vlen == strlen(vals[1]));
		/* remove: the reader reports NOT_FOUND only once it is durable */
		T_EQ(E->remove(H, K, KLEN), 0);
		T_ASSERT(!R.present);
		cmap_test_publish_hook = NULL;
		/* outside the window: no reader fence */
		uint64_t f = cmap_test_reader_fences(H);
		T_EQ(E->put(H, K, KLEN, vals[2], strlen(vals[2])), 0);
		T_EQ(E->get(H, K, KLEN, copy_cb, NULL), 0);
		T_EQ(E->remove(H, K, KLEN), 0);
		T_EQ(E->exists(H, K, KLEN), -ENOENT);
		T_EQU(cmap_test_reader_fences(H), f);
	}
	pf_sim_stop(SIM);
	T_EQ(R.checked, 9);
	T_EQU(pf_report("reader persists an in-flight slot before acting on it", SIM), 0);
	pf_sim_delete(SIM);
	ct_check(H, 0);
	E->close(H);
	unlink(path);
}

/* ---- threads: a parked writer, a reader that must not wait ---- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int parked, release_writer;

static void
park(void *handle)
{
	(void)handle;
	pthread_mutex_lock(&mu);
	parked = 1;
	pthread_cond_broadcast(&cv);
	while (!release_writer)
		pthread_cond_wait(&cv, &mu);
	parked = 0;
	pthread_mutex_unlock(&mu);
}

struct wjob {
	int remove;
	const char *v;
};

static void *
writer(void *arg)
{
	struct wjob *j = arg;
	if (j->remove)
		T_EQ(E->remove(H, K, KLEN), 0);
	else
		T_EQ(E->put(H, K, KLEN, j->v, strlen(j->v)), 0);
	return NULL;
}

static void
run_parked(struct wjob *j, int expect_present, const char *expect_v)
{
	pthread_mutex_lock(&mu);
	release_writer = 0;
	pthread_mutex_unlock(&mu);
	pthread_t t;
	T_EQ(pthread_create(&t, NULL, writer, j), 0);
	pthread_mutex_lock(&mu);
	while (!parked)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	/* the writer sits between its DIRTY store and its persist */
	uint64_t f0 = cmap_test_reader_fences(H);
	char got[64];
	struct ct_val x = {got, sizeof(got), 0, 0};
	int ret = E->get(H, K, KLEN, ct_val_cb, &x);
	T_EQ(ret, expect_present ? 0 : -ENOENT);
	if (expect_present) {
		T_EQU(x.len, strlen(expect_v));
		T_ASSERT(memcmp(got, expect_v, x.len) == 0);
	}
	T_EQU(cmap_test_reader_fences(H), f0 + 1);
	T_EQ(E->exists(H, K, KLEN), expect_present ? 0 : -ENOENT);
	/* the first reader cleared a record's DIRTY after persisting it; a
	 * pending removal's word is never cleared by readers */
	T_EQU(cmap_test_reader_fences(H), f0 + (expect_present ? 1 : 2));
	pthread_mutex_lock(&mu);
	release_writer = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	T_EQ(pthread_join(t, NULL), 0);
}

static void
test_reader_does_not_wait_for_writer(void)
{
	ct_path(path, sizeof(path), "durable-mt");
	H = ct_open(path, 8 << 20, 4);
	cmap_test_publish_hook = park;
	struct wjob a = {0, "first"}, b = {0, "second-value"}, r = {1, NULL};
	run_parked(&a, 1, "first");
	run_parked(&b, 1, "second-value");
	run_parked(&r, 0, NULL);
	cmap_test_publish_hook = NULL;
	ct_check(H, 0);
	E->close(H);
	unlink(path);
}

/* ---- msync mode: one journal, DIRTY words across a clean close ---- */

static void
test_msync_reopen_has_no_dirty_words(void)
{
	ct_path(path, sizeof(path), "durable-msync");
	char jpath[300];
	snprintf(jpath, sizeof(jpath), "%s.journal", path);
	struct ct_cfg c;
	ct_cfg_init(&c, path, 8 << 20, 4);
	c.ec.mode = PMEM_MODE_MSYNC; /* honoured on any file system */
	void *h = NULL;
	T_EQ(E->open(&c.ec, &h), 0);
	T_EQ(pool_mode(cmap_pool(h)), PMEM_MODE_MSYNC);
	enum { N = 600 };
	char k[32], v[32];
	for (int i = 0; i < N; i++) { /* splits and doublings included */
		snprintf(k, sizeof(k), "msync-%05d", i);
		snprintf(v, sizeof(v), "value-%d", i);
		T_EQ(E->put(h, k, strlen(k), v, strlen(v)), 0);
	}
	for (int i = 0; i < N; i += 3) {
		snprintf(k, sizeof(k), "msync-%05d", i);
		T_EQ(E->remove(h, k, strlen(k)), 0);
	}
	T_EQU(cmap_test_reader_fences(h), 0);
	ct_check(h, N - (N + 2) / 3);
	E->close(h);
	/* clean reopen: the file's slot words were flushed clean again, so
	 * reads pay no fence (a DIRTY word left on media would cost one) */
	ct_cfg_init(&c, path, 0, 0);
	c.ec.mode = PMEM_MODE_MSYNC;
	T_EQ(E->open(&c.ec, &h), 0);
	for (int i = 0; i < N; i++) {
		snprintf(k, sizeof(k), "msync-%05d", i);
		char got[32];
		struct ct_val x = {got, sizeof(got), 0, 0};
		int ret = E->get(h, k, strlen(k), ct_val_cb, &x);
		T_EQ(ret, i % 3 == 0 ? -ENOENT : 0);
		if (ret == 0) {
			snprintf(v, sizeof(v), "value-%d", i);
			T_EQU(x.len, strlen(v));
			T_ASSERT(memcmp(got, v, x.len) == 0);
		}
	}
	T_EQU(cmap_test_reader_fences(h), 0);
	ct_check_noleak(h);
	E->close(h);
	unlink(path);
	unlink(jpath);

	/* one fdatasync per acknowledged put and remove (no split here: big
	 * segments): the record-before-slot point is a barrier (no I/O) */
	ct_cfg_init(&c, path, 8 << 20, 1024);
	c.ec.mode = PMEM_MODE_MSYNC;
	T_EQ(E->open(&c.ec, &h), 0);
	const struct pmem_map *m = pool_pmem(cmap_pool(h));
	T_ASSERT(m->journal != NULL);
	uint64_t s0 = pmem_journal_test_syncs(m);
	for (int i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "sync-%03d", i % 50); /* 50 new, 50 overwrites */
		T_EQ(E->put(h, k, strlen(k), "v", 1), 0);
	}
	for (int i = 0; i < 50; i++) {
		snprintf(k, sizeof(k), "sync-%03d", i);
		T_EQ(E->remove(h, k, strlen(k)), 0);
	}
	/* (the pool may add one when it starts a new run of a size class) */
	uint64_t syncs = pmem_journal_test_syncs(m) - s0;
	fprintf(stderr, "150 acknowledged writes: %llu fdatasyncs\n", (unsigned long long)syncs);
	T_ASSERT(syncs >= 150 && syncs <= 153);
	ct_check(h, 0);
	E->close(h);
	unlink(path);
	unlink(jpath);
}

int
main(void)
{
	fprintf(stderr, "== reader persists an in-flight slot (powerfail)\n");
	test_reader_persists_before_acting();
	fprintf(stderr, "== reader does not wait for a parked writer (threads)\n");
	test_reader_does_not_wait_for_writer();
	fprintf(stderr, "== msync mode: clean reopen leaves no DIRTY word\n");
	test_msync_reopen_has_no_dirty_words();
	fprintf(stderr, "OK\n");
	return 0;
}
