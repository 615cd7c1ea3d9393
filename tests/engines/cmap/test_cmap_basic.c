/*
 * test_cmap_basic.c -- functional tests of the cmap engine through its ops
 * table: put/get/overwrite/remove/exists/count/get_all, odd keys and values,
 * growth with cmap_check, reopen, full pool, open semantics.
 */
#include <stdlib.h>
#include <sys/wait.h>

#include "cmap_test_util.h"

static const struct engine_ops *E = &cmap_engine_ops;
static char path[256];

static void
put_ok(void *h, const char *k, size_t kb, const char *v, size_t vb)
{
	int ret = E->put(h, k, kb, v, vb);
	if (ret)
		T_FAIL("put: %d (%s)", ret, err_get());
}

static void
expect_val(void *h, const char *k, size_t kb, const char *v, size_t vb)
{
	char buf[256];
	struct ct_val x = {buf, sizeof(buf), 0, 0};
	int ret = E->get(h, k, kb, ct_val_cb, &x);
	if (ret)
		T_FAIL("get %.*s: %d", (int)kb, k, ret);
	T_EQ(x.called, 1);
	T_EQU(x.len, vb);
	T_MEMEQ(buf, v, vb);
}

static void
test_put_get_overwrite_remove(void)
{
	void *h = ct_open(path, 16 << 20, 0);
	T_EQ(E->get(h, "a", 1, ct_val_cb, NULL), -ENOENT);
	T_EQ(E->exists(h, "a", 1), -ENOENT);
	put_ok(h, "a", 1, "one", 3);
	put_ok(h, "b", 1, "two", 3);
	expect_val(h, "a", 1, "one", 3);
	expect_val(h, "b", 1, "two", 3);
	T_EQ(E->exists(h, "a", 1), 0);
	ct_check(h, 2);
	put_ok(h, "a", 1, "uno-longer", 10);
	expect_val(h, "a", 1, "uno-longer", 10);
	ct_check(h, 2);
	T_EQ(E->remove(h, "a", 1), 0);
	T_EQ(E->remove(h, "a", 1), -ENOENT);
	T_EQ(E->exists(h, "a", 1), -ENOENT);
	ct_check(h, 1);
	/* empty key, keys with NULs, 0-byte value */
	put_ok(h, "", 0, "empty-key", 9);
	expect_val(h, "", 0, "empty-key", 9);
	put_ok(h, "x\0y", 3, "nul1", 4);
	put_ok(h, "x\0z", 3, "nul2", 4);
	put_ok(h, "x", 1, "", 0);
	expect_val(h, "x\0y", 3, "nul1", 4);
	expect_val(h, "x\0z", 3, "nul2", 4);
	expect_val(h, "x", 1, "", 0);
	T_EQ(E->exists(h, "x\0", 2), -ENOENT);
	ct_check(h, 5);
	T_EQ(E->remove(h, "", 0), 0);
	ct_check(h, 4);
	/* sizes beyond the record format are refused before anything is read */
	T_EQ(E->put(h, "k", 1, "v", (size_t)1 << 32), -EINVAL);
	T_ASSERT(strstr(err_get(), "too large") != NULL);
	T_EQ(E->put(h, "k", (size_t)1 << 32, "v", 1), -EINVAL);
	T_EQ(E->get(h, "k", (size_t)1 << 32, ct_val_cb, NULL), -ENOENT);
	ct_check(h, 4);
	/* defrag validates and does nothing */
	T_EQ(E->defrag(h, 0, 100), 0);
	T_EQ(E->defrag(h, -1, 10), -EINVAL);
	T_EQ(E->defrag(h, 50, 60), -EINVAL);
	struct engine_info info;
	T_EQ(E->info(h, &info), 0);
	T_EQU(info.records, 4);
	T_EQU(info.pool_size, 16 << 20);
	T_ASSERT(info.used_bytes > 0);
	E->close(h);
	unlink(path);
}

struct walk {
	int n;
	int stop_at;
	uint64_t sum;
};

static int
walk_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	struct walk *w = arg;
	T_EQU(kb, 8);
	T_EQU(vb, 8);
	uint64_t a, b;
	memcpy(&a, k, 8);
	memcpy(&b, v, 8);
	T_EQU(b, a * 3);
	w->sum += a;
	w->n++;
	return w->stop_at && w->n == w->stop_at;
}

static void
test_get_all_and_stop(void)
{
	void *h = ct_open(path, 16 << 20, 4);
	uint64_t n = 1000, sum = 0;
	for (uint64_t i = 1; i <= n; i++) {
		uint64_t v = i * 3;
		put_ok(h, (char *)&i, 8, (char *)&v, 8);
		sum += i;
	}
	struct walk w = {0, 0, 0};
	T_EQ(E->get_all(h, walk_cb, &w), 0);
	T_EQ(w.n, (int)n);
	T_EQU(w.sum, sum);
	struct walk w2 = {0, 10, 0};
	T_EQ(E->get_all(h, walk_cb, &w2), -ECANCELED);
	T_EQ(w2.n, 10);
	ct_check(h, n);
	E->close(h);
	unlink(path);
}

static void
test_big_values(void)
{
	void *h = ct_open(path, 160 << 20, 0);
	size_t big = 64u << 20;
	char *v = malloc(big);
	T_ASSERT(v);
	for (size_t i = 0; i < big; i++)
		v[i] = (char)(i * 7 + (i >> 20));
	put_ok(h, "big", 3, v, big);
	struct ct_val x = {NULL, 0, 0, 0};
	T_EQ(E->get(h, "big", 3, ct_val_cb, &x), 0);
	T_EQU(x.len, big);
	char *got = malloc(big);
	struct ct_val y = {got, big, 0, 0};
	T_EQ(E->get(h, "big", 3, ct_val_cb, &y), 0);
	T_MEMEQ(got, v, big);
	/* a second 64 MiB value does not fit next to the first one? it does
	 * in 160 MiB; a third does not */
	put_ok(h, "big2", 4, v, big);
	T_EQ(E->put(h, "big3", 4, v, big), -ENOMEM);
	T_ASSERT(strlen(err_get()) > 0);
	ct_check(h, 2);
	T_EQ(E->remove(h, "big2", 4), 0);
	E->close(h);
	h = ct_open(path, 0, 0);
	ct_check(h, 1);
	ct_check_noleak(h);
	memset(got, 0, big);
	T_EQ(E->get(h, "big", 3, ct_val_cb, &y), 0);
	T_MEMEQ(got, v, big);
	E->close(h);
	free(v);
	free(got);
	unlink(path);
}

static void
key_of(uint64_t i, char *k)
{
	snprintf(k, 32, "key-%012llu", (unsigned long long)i);
}

static void
test_growth_and_reopen(void)
{
	const uint64_t n = 200000;
	void *h = ct_open(path, 128 << 20, 0);
	char k[32], v[64];
	for (uint64_t i = 0; i < n; i++) {
		key_of(i, k);
		int vl = snprintf(v, sizeof(v), "value-%llu", (unsigned long long)i * 11);
		put_ok(h, k, 16, v, (size_t)vl);
	}
	ct_check(h, n);
	/* overwrite a third, remove a third */
	for (uint64_t i = 0; i < n; i += 3) {
		key_of(i, k);
		put_ok(h, k, 16, "ow", 2);
	}
	for (uint64_t i = 1; i < n; i += 3) {
		key_of(i, k);
		T_EQ(E->remove(h, k, 16), 0);
	}
	uint64_t left = n - (n + 1) / 3;
	ct_check(h, left);
	E->close(h);

	h = ct_open(path, 0, 0);
	ct_check(h, left);
	ct_check_noleak(h);
	for (uint64_t i = 0; i < n; i++) {
		key_of(i, k);
		if (i % 3 == 0) {
			expect_val(h, k, 16, "ow", 2);
		} else if (i % 3 == 1) {
			T_EQ(E->exists(h, k, 16), -ENOENT);
		} else {
			int vl = snprintf(v, sizeof(v), "value-%llu", (unsigned long long)i * 11);
			expect_val(h, k, 16, v, (size_t)vl);
		}
	}
	struct cmap_check_stats st;
	T_EQ(cmap_check(h, &st), 0);
	fprintf(stderr, "growth: %llu records, %llu segments, G=%llu, %.1f pool bytes/record\n",
		(unsigned long long)st.records, (unsigned long long)st.segments,
		(unsigned long long)st.global_depth,
		(double)st.reachable_bytes / (double)st.records);
	E->close(h);
	unlink(path);
}

static void
test_full_pool(void)
{
	void *h = ct_open(path, 4 << 20, 4);
	char k[32], v[200];
	memset(v, 'v', sizeof(v));
	uint64_t i = 0;
	int ret;
	for (;; i++) {
		key_of(i, k);
		ret = E->put(h, k, 16, v, sizeof(v));
		if (ret)
			break;
	}
	T_EQ(ret, -ENOMEM);
	T_ASSERT(i > 1000);
	ct_check(h, i);
	/* overwrite with a bigger value fails too, the old value stays */
	char big[4096];
	memset(big, 'B', sizeof(big));
	int filled = 0;
	for (int t = 0; t < 1000 && !filled; t++)
		filled = E->put(h, "key-000000000000", 16, big, sizeof(big)) == -ENOMEM;
	T_ASSERT(filled);
	ct_check(h, i);
	for (uint64_t j = 0; j < i; j += 2) {
		key_of(j, k);
		T_EQ(E->remove(h, k, 16), 0);
	}
	uint64_t left = i - (i + 1) / 2;
	ct_check(h, left);
	/* freed space is reused (after the epoch grace period) */
	uint64_t added = 0;
	for (uint64_t j = 0; j < i; j += 2) {
		key_of(j, k);
		if (E->put(h, k, 16, v, sizeof(v)) == 0)
			added++;
	}
	T_ASSERT(added > i / 4);
	ct_check(h, left + added);
	E->close(h);
	h = ct_open(path, 0, 0);
	ct_check(h, left + added);
	ct_check_noleak(h);
	E->close(h);
	unlink(path);
}

static void
test_open_semantics(void)
{
	struct ct_cfg c;
	void *h = NULL;
	ct_cfg_init(&c, NULL, 8 << 20, 0);
	T_EQ(E->open(&c.ec, &h), -EINVAL);
	/* open only: missing file */
	ct_cfg_init(&c, path, 0, 0);
	T_EQ(E->open(&c.ec, &h), -ENOENT);
	/* create_if_missing without size */
	ct_cfg_init(&c, path, 0, 0);
	c.ec.create_if_missing = 1;
	T_EQ(E->open(&c.ec, &h), -EINVAL);
	/* bad segment size */
	ct_cfg_init(&c, path, 8 << 20, 6);
	T_EQ(E->open(&c.ec, &h), -EINVAL);
	/* create_or_error_if_exists */
	ct_cfg_init(&c, path, 8 << 20, 0);
	c.ec.create_if_missing = 0;
	c.ec.create_or_error_if_exists = 1;
	T_EQ(E->open(&c.ec, &h), 0);
	put_ok(h, "k", 1, "v", 1);
	E->close(h);
	T_NE(E->open(&c.ec, &h), 0); /* exists */
	/* create_if_missing opens the existing one */
	ct_cfg_init(&c, path, 8 << 20, 0);
	T_EQ(E->open(&c.ec, &h), 0);
	expect_val(h, "k", 1, "v", 1);
	/* already open */
	void *h2 = NULL;
	T_NE(E->open(&c.ec, &h2), 0);
	E->close(h);
	unlink(path);
}

/* patch -- overwrite 8 bytes of the (closed) pool file at off */
static void
patch(uint64_t off, uint64_t val)
{
	FILE *f = fopen(path, "r+b");
	T_ASSERT(f);
	T_EQ(fseek(f, (long)off, SEEK_SET), 0);
	T_EQ(fwrite(&val, 8, 1, f), 1);
	fclose(f);
}

static uint64_t
peek(uint64_t off)
{
	FILE *f = fopen(path, "rb");
	T_ASSERT(f);
	uint64_t v = 0;
	T_EQ(fseek(f, (long)off, SEEK_SET), 0);
	T_EQ(fread(&v, 8, 1, f), 1);
	fclose(f);
	return v;
}

/* crash_open -- open in a child that dies without closing: the pool needs
 * recovery at the next open. */
static void
crash_open(void)
{
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		void *h = ct_open(path, 0, 0);
		E->put(h, "crash", 5, "x", 1);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	T_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
test_bad_root_refused(void)
{
	void *h = ct_open(path, 8 << 20, 0);
	for (int i = 0; i < 100; i++) {
		char k[8];
		snprintf(k, sizeof(k), "k%d", i);
		put_ok(h, k, strlen(k), "v", 1);
	}
	uint64_t root = (uint64_t)((char *)pool_root(cmap_pool(h)) - (char *)pool_base(cmap_pool(h)));
	E->close(h);
	struct ct_cfg c;
	ct_cfg_init(&c, path, 0, 0);
	uint64_t magic = peek(root), ver = peek(root + 8), dirw = peek(root + 24);

	patch(root, 0x1234);
	T_EQ(E->open(&c.ec, &h), -EINVAL);
	fprintf(stderr, "  bad magic: %s\n", err_get());
	patch(root, magic);

	patch(root + 8, (ver & ~0xffffffffull) | 99);
	T_EQ(E->open(&c.ec, &h), -EPROTONOSUPPORT);
	fprintf(stderr, "  newer version: %s\n", err_get());
	patch(root + 8, ver);

	/* after a crash, a corrupted directory word is refused by recovery */
	crash_open();
	patch(root + 24, dirw + (8 << 8));
	T_EQ(E->open(&c.ec, &h), -EINVAL);
	fprintf(stderr, "  bad directory: %s\n", err_get());
	patch(root + 24, dirw);

	h = ct_open(path, 0, 0);
	ct_check(h, 101);
	ct_check_noleak(h);
	E->close(h);
	unlink(path);
}

/* two handles used alternately by one thread (and reopened): each op finds
 * the thread's slot of the right handle */
static void
test_two_handles_one_thread(void)
{
	char path2[300];
	snprintf(path2, sizeof(path2), "%s.2", path);
	unlink(path2);
	for (int round = 0; round < 3; round++) {
		void *a = ct_open(path, 8 << 20, 4);
		void *b = ct_open(path2, 8 << 20, 4);
		for (int i = 0; i < 300; i++) {
			char k[16];
			snprintf(k, sizeof(k), "k%d-%d", round, i);
			put_ok(a, k, strlen(k), "A", 1);
			put_ok(b, k, strlen(k), "B", 1);
			expect_val(a, k, strlen(k), "A", 1);
			expect_val(b, k, strlen(k), "B", 1);
			if (i % 3 == 0) {
				T_EQ(E->remove(a, k, strlen(k)), 0);
				T_EQ(E->exists(b, k, strlen(k)), 0);
			}
		}
		ct_check(a, 200 * (round + 1));
		ct_check(b, 300 * (round + 1));
		E->close(b);
		E->close(a);
	}
	unlink(path2);
	unlink(path);
}

int
main(void)
{
	ct_path(path, sizeof(path), "basic");
	T_RUN(test_bad_root_refused);
	T_RUN(test_put_get_overwrite_remove);
	T_RUN(test_get_all_and_stop);
	T_RUN(test_two_handles_one_thread);
	T_RUN(test_open_semantics);
	T_RUN(test_full_pool);
	T_RUN(test_big_values);
	T_RUN(test_growth_and_reopen);
	unlink(path);
	return 0;
}
