/*
 * test_pool_badfile.c -- pool_open refuses every kind of bad file with an
 * error and a message naming the file, never crashes, and never modifies
 * the file (L1); pool_create never replaces an existing file; a pool is open
 * once (L3).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/common.h"
#include "pool/pool_internal.h"
#include "pool_test_util.h"

#define LAYOUT "badfile"
#define POOLSZ (2ull << 20)

static unsigned char *good; /* bytes of a valid, cleanly closed pool */
static size_t good_len;
static const char *dir_for_tests;

/* open must fail with `want` (or any of want/want2) and leave bytes intact */
static void
expect_refused(const char *path, int want, int want2, const char *what)
{
	size_t l1 = 0, l2 = 0;
	unsigned char *before = tu_read(path, &l1);
	struct pool *p = NULL;
	err_clear();
	int r = pool_open(path, LAYOUT, NULL, &p);
	if (r != want && r != want2)
		T_FAIL("%s: pool_open = %d (%s), expected %d", what, r, err_get(), want);
	T_ASSERT(p == NULL);
	if (strstr(err_get(), path) == NULL)
		T_FAIL("%s: message \"%s\" does not name the file", what, err_get());
	unsigned char *after = tu_read(path, &l2);
	if (before != NULL) {
		T_ASSERT(after != NULL);
		T_EQU(l1, l2);
		if (memcmp(before, after, l1) != 0)
			T_FAIL("%s: file modified by a refused open", what);
	}
	free(before);
	free(after);
}

static void
write_variant(const char *path, const unsigned char *data, size_t len)
{
	unlink(path);
	tu_write(path, data, len);
}

static void
make_good(void)
{
	const char *path = tu_path("good");
	struct pool *p = NULL;
	T_EQ(pool_create(path, LAYOUT, POOLSZ, NULL, &p), 0);
	uint64_t off;
	T_EQ(pool_alloc(p, 100, &off), 0);
	*(uint64_t *)pool_root(p) = off;
	pool_close(p);
	good = tu_read(path, &good_len);
	T_ASSERT(good != NULL && good_len == POOLSZ);
	unlink(path);
	/* the image opens fine as a copy */
	write_variant(path, good, good_len);
	T_EQ(pool_open(path, LAYOUT, NULL, &p), 0);
	pool_close(p);
	unlink(path);
}

static void
test_empty_and_truncated_files_are_refused(void)
{
	const char *path = tu_path("trunc");
	write_variant(path, good, 0);
	expect_refused(path, -EINVAL, -EINVAL, "empty file");
	size_t cuts[] = {1, 100, 4095, 4096, 4097, 8192, 600000, POOLSZ / 2, POOLSZ - 1};
	for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
		write_variant(path, good, cuts[i]);
		expect_refused(path, -EINVAL, -EINVAL, "truncated file");
	}
	/* extended by a page */
	unsigned char *big = calloc(1, POOLSZ + 4096);
	memcpy(big, good, POOLSZ);
	write_variant(path, big, POOLSZ + 4096);
	expect_refused(path, -EINVAL, -EINVAL, "extended file");
	free(big);
	unlink(path);
}

static void
test_foreign_and_garbage_files_are_refused(void)
{
	const char *path = tu_path("foreign");
	unsigned char *buf = malloc(POOLSZ);
	uint64_t seed = 7;
	for (size_t i = 0; i < POOLSZ; i++)
		buf[i] = (unsigned char)tu_rand(&seed);
	write_variant(path, buf, POOLSZ);
	expect_refused(path, -EINVAL, -EINVAL, "random garbage");
	write_variant(path, buf, 5000);
	expect_refused(path, -EINVAL, -EINVAL, "short garbage");
	/* text like /etc/passwd */
	size_t n = 0;
	while (n + 64 < POOLSZ / 4)
		n += (size_t)snprintf((char *)buf + n, 64,
				      "user%zu:x:%zu:%zu:User:/home/u:/bin/sh\n", n, n, n);
	write_variant(path, buf, n);
	expect_refused(path, -EINVAL, -EINVAL, "text file");
	size_t plen = 0;
	unsigned char *pw = tu_read("/etc/passwd", &plen);
	if (pw != NULL) {
		write_variant(path, pw, plen);
		expect_refused(path, -EINVAL, -EINVAL, "copy of /etc/passwd");
		free(pw);
	}
	/* zeros of the right size */
	memset(buf, 0, POOLSZ);
	write_variant(path, buf, POOLSZ);
	expect_refused(path, -EINVAL, -EINVAL, "zero file");
	free(buf);
	unlink(path);
}

static void
fix_cksum(unsigned char *img)
{
	struct pool_header *h = (struct pool_header *)img;
	h->cksum = cksum64(h, offsetof(struct pool_header, cksum));
}

static void
test_header_fields_are_checked(void)
{
	const char *path = tu_path("hdr");
	unsigned char *img = malloc(good_len);
	struct pool_header *h = (struct pool_header *)img;

	memcpy(img, good, good_len);
	img[0] ^= 0x20;
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "bad magic");

	memcpy(img, good, good_len);
	h->version = 2;
	write_variant(path, img, good_len);
	expect_refused(path, -EPROTONOSUPPORT, -EPROTONOSUPPORT, "newer version");
	fix_cksum(img);
	write_variant(path, img, good_len);
	expect_refused(path, -EPROTONOSUPPORT, -EPROTONOSUPPORT, "newer version, cksum ok");
	T_ASSERT(strstr(err_get(), "version") != NULL);

	memcpy(img, good, good_len);
	h->version = 0;
	fix_cksum(img);
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "version 0");

	memcpy(img, good, good_len);
	strcpy(h->layout, "otherlayout");
	fix_cksum(img);
	write_variant(path, img, good_len);
	expect_refused(path, -EPROTO, -EPROTO, "other layout");

	memcpy(img, good, good_len);
	memset(h->layout, 'x', sizeof(h->layout)); /* no NUL */
	fix_cksum(img);
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "unterminated layout");

	memcpy(img, good, good_len);
	h->size += 4096;
	fix_cksum(img);
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "size field mismatch");

	memcpy(img, good, good_len);
	h->heap_off += 4096;
	fix_cksum(img);
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "impossible layout");

	memcpy(img, good, good_len);
	h->nchunks = 1000;
	fix_cksum(img);
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "too many chunks");

	/* the chunk size: a power of two within bounds, and the layout must
	 * follow from it (pool_layout_compute) */
	T_EQU(h->chunk_size, POOL_CHUNK_MIN); /* what a 2 MiB pool gets */
	uint64_t bad_chunks[] = {0, 1, 4096, POOL_CHUNK_MIN / 2, POOL_CHUNK_MIN + 16,
				 3 * POOL_CHUNK_MIN, POOL_CHUNK_MAX * 2, 1ull << 63, ~0ull};
	for (size_t i = 0; i < ARRAY_SIZE(bad_chunks); i++) {
		memcpy(img, good, good_len);
		h->chunk_size = bad_chunks[i];
		fix_cksum(img);
		write_variant(path, img, good_len);
		expect_refused(path, -EINVAL, -EINVAL, "invalid chunk size");
		T_ASSERT(strstr(err_get(), "chunk size") != NULL);
	}
	/* valid sizes that do not match the offsets and chunk count */
	for (uint64_t cs = POOL_CHUNK_MIN * 2; cs <= POOL_CHUNK_MAX; cs *= 2) {
		memcpy(img, good, good_len);
		h->chunk_size = cs;
		fix_cksum(img);
		write_variant(path, img, good_len);
		expect_refused(path, -EINVAL, -EINVAL, "chunk size vs layout");
		T_ASSERT(strstr(err_get(), "impossible layout") != NULL);
	}

	/* every single flipped byte of the header is detected (the file is
	 * compared whole every 64th time, else its header page) */
	write_variant(path, good, good_len);
	int fd = open(path, O_RDWR);
	T_ASSERT(fd >= 0);
	for (size_t i = 0; i < POOL_HDR_SIZE; i++) {
		memcpy(img, good, POOL_HDR_SIZE);
		img[i] ^= (unsigned char)(1u << (i % 8));
		T_EQ(pwrite(fd, img, POOL_HDR_SIZE, 0), POOL_HDR_SIZE);
		int alt = (i >= 8 && i < 12) ? -EPROTONOSUPPORT : -EINVAL;
		if (i % 64 == 0) {
			expect_refused(path, -EINVAL, alt, "flipped header byte");
			continue;
		}
		struct pool *p = NULL;
		int r = pool_open(path, LAYOUT, NULL, &p);
		if (r != -EINVAL && r != alt)
			T_FAIL("flipped header byte %zu: pool_open = %d", i, r);
		unsigned char back[POOL_HDR_SIZE];
		T_EQ(pread(fd, back, POOL_HDR_SIZE, 0), POOL_HDR_SIZE);
		T_MEMEQ(back, img, POOL_HDR_SIZE);
	}
	close(fd);
	free(img);
	unlink(path);
}

static void
test_corrupted_log_and_table_are_refused(void)
{
	const char *path = tu_path("log");
	unsigned char *img = malloc(good_len);
	const struct pool_header *gh = (const struct pool_header *)good;

	/* a lane with a valid checksum whose entry targets the header */
	uint64_t targets[] = {0, 8, POOL_STATE_OFF, POOL_LANES_OFF + 64, gh->table_off,
			      gh->root_off + 3, good_len, good_len - 4, ~7ull};
	for (size_t t = 0; t < ARRAY_SIZE(targets); t++) {
		memcpy(img, good, good_len);
		struct pool_lane_hdr *lh =
			(struct pool_lane_hdr *)(img + POOL_LANES_OFF + 3 * POOL_LANE_SIZE);
		uint64_t *slots = (uint64_t *)((char *)lh + POOL_LANE_HDR);
		slots[0] = (targets[t] & ~7ull) | LOG_SET;
		slots[1] = 0xdeadbeef;
		if (targets[t] % 8 != 0)
			slots[0] = targets[t]; /* misaligned: type bits garbage */
		lh->seq = 5;
		lh->nslots = 1;
		lh->cksum = cksum64((char *)lh + 8, POOL_LANE_HDR - 8 + 16);
		write_variant(path, img, good_len);
		expect_refused(path, -EINVAL, -EINVAL, "log entry outside the data");
	}
	/* a fill running past the end */
	memcpy(img, good, good_len);
	struct pool_lane_hdr *lh = (struct pool_lane_hdr *)(img + POOL_LANES_OFF);
	uint64_t *slots = (uint64_t *)((char *)lh + POOL_LANE_HDR);
	slots[0] = (good_len - 64) | LOG_FILL;
	slots[1] = 1;
	slots[2] = 9;
	slots[3] = 0;
	lh->seq = 1;
	lh->nslots = 2;
	lh->cksum = cksum64((char *)lh + 8, POOL_LANE_HDR - 8 + 32);
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "log fill past the end");

	/* clean pool whose chunk table is garbage */
	memcpy(img, good, good_len);
	uint64_t *table = (uint64_t *)(img + gh->table_off);
	table[1] = 0x77;
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "bad chunk descriptor");
	memcpy(img, good, good_len);
	table[0] = DESC_MAKE(CHUNK_LARGE, 0, 99);
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "large block past the end");
	/* bits set beyond the run's objects */
	memcpy(img, good, good_len);
	T_EQ(DESC_TYPE(table[0]), CHUNK_RUN);
	uint64_t *bm = (uint64_t *)(img + gh->heap_off);
	unsigned nrun;
	const struct pool_class *k = &pool_classes_get(
		(unsigned)__builtin_ctzll(gh->chunk_size), &nrun)[pool_class_of(100)];
	T_ASSERT(k->nobj < k->bm_bytes * 8);
	bm[k->nobj / 64] |= 1ull << (k->nobj % 64);
	write_variant(path, img, good_len);
	expect_refused(path, -EINVAL, -EINVAL, "bitmap bits past the objects");

	/* a run of several chunks (16 KiB chunks, class 3072: 3 chunks, H6)
	 * whose continuation descriptors are damaged, or which would run past
	 * the last chunk */
	{
		const char *rp = tu_path("mrun");
		struct pool *q = NULL;
		T_EQ(pool_create(rp, LAYOUT, POOLSZ, NULL, &q), 0);
		uint64_t off;
		T_EQ(pool_alloc(q, 3000, &off), 0);
		T_EQU(pool_usable_size(q, off + 0), 3072);
		uint64_t c = (off - q->heap_off) / q->chunk_size;
		T_EQ(q->classes[pool_class_of(3000)].nchunks, 3);
		/* the run's last object lies in its last chunk */
		const struct pool_class *k3 = &q->classes[pool_class_of(3000)];
		uint64_t last = off + (uint64_t)(k3->nobj - 1) * k3->size;
		uint64_t o2 = 0;
		for (unsigned i = 1; i < k3->nobj; i++)
			T_EQ(pool_alloc(q, 3000, &o2), 0);
		T_EQU(o2, last);
		T_EQU((o2 - q->heap_off) / q->chunk_size, c + 2);
		T_EQU(pool_usable_size(q, o2), 3072);
		T_EQ(pool_check(q), 0);
		uint64_t nch = q->nchunks, toff = q->table_off;
		pool_close(q);
		size_t rl_len;
		unsigned char *rimg = tu_read(rp, &rl_len);
		unlink(rp);
		uint64_t *rt = (uint64_t *)(rimg + toff);
		T_EQU(rt[c + 1], DESC_MAKE(CHUNK_CONT, 0, 1));
		T_EQU(rt[c + 2], DESC_MAKE(CHUNK_CONT, 0, 2));
		unsigned char *bimg = malloc(rl_len);
		memcpy(bimg, rimg, rl_len);
		((uint64_t *)(bimg + toff))[c + 2] = DESC_MAKE(CHUNK_CONT, 0, 1);
		write_variant(path, bimg, rl_len);
		expect_refused(path, -EINVAL, -EINVAL, "run continuation damaged");
		memcpy(bimg, rimg, rl_len);
		((uint64_t *)(bimg + toff))[c + 1] = 0;
		write_variant(path, bimg, rl_len);
		expect_refused(path, -EINVAL, -EINVAL, "run continuation missing");
		memcpy(bimg, rimg, rl_len);
		((uint64_t *)(bimg + toff))[nch - 2] = rt[c];
		((uint64_t *)(bimg + toff))[nch - 1] = rt[c + 1];
		write_variant(path, bimg, rl_len);
		expect_refused(path, -EINVAL, -EINVAL, "run past the last chunk");
		/* dirty: marks in the continuation chunks find the run */
		memcpy(bimg, rimg, rl_len);
		((struct pool_state *)(bimg + POOL_STATE_OFF))->clean = 0;
		write_variant(path, bimg, rl_len);
		T_EQ(pool_open(path, LAYOUT, NULL, &q), 0);
		T_EQ(pool_recovery_mark(q, o2), 0);
		T_EQ(pool_recovery_mark(q, o2 + 16), -EINVAL);
		T_EQ(pool_recovery_mark(q, off), 0);
		T_EQ(pool_recovery_finish(q), 0);
		struct pool_stats st;
		pool_stats(q, &st);
		T_EQU(st.allocated_objs, 2);
		T_EQU(st.allocated_bytes, 2 * 3072);
		T_EQ(pool_check(q), 0);
		pool_free(q, o2 + 16); /* not a block: ignored */
		pool_free(q, o2);
		pool_free(q, off);
		pool_stats(q, &st);
		T_EQU(st.allocated_objs, 0);
		T_EQU(st.free_bytes, st.heap_bytes);
		T_EQ(pool_check(q), 0);
		pool_close(q);
		/* dirty, continuation descriptor lost: a mark in the run is
		 * refused (corruption), so the run is not rebuilt over chunks
		 * that a later clean open would refuse (heap_load) */
		memcpy(bimg, rimg, rl_len);
		((struct pool_state *)(bimg + POOL_STATE_OFF))->clean = 0;
		((uint64_t *)(bimg + toff))[c + 1] = 0;
		write_variant(path, bimg, rl_len);
		T_EQ(pool_open(path, LAYOUT, NULL, &q), 0);
		T_EQ(pool_recovery_mark(q, off), -EINVAL);
		T_EQ(pool_recovery_mark(q, o2), -EINVAL);
		T_EQ(pool_recovery_finish(q), 0);
		T_EQ(pool_check(q), 0);
		pool_close(q);
		T_EQ(pool_open(path, LAYOUT, NULL, &q), 0);
		T_EQ(pool_recovery_needed(q), 0);
		T_EQ(pool_check(q), 0);
		pool_close(q);
		free(bimg);
		free(rimg);
	}

	/* dirty pool, a large block whose continuation descriptor is lost: its
	 * mark is refused (corruption) instead of rebuilding a block that a
	 * later clean open would refuse (heap_load) */
	{
		const char *lp = tu_path("lblk");
		struct pool *q = NULL;
		T_EQ(pool_create(lp, LAYOUT, POOLSZ, NULL, &q), 0);
		uint64_t loff;
		T_EQ(pool_alloc(q, 3 * q->chunk_size, &loff), 0);
		uint64_t c = (loff - q->heap_off) / q->chunk_size, toff = q->table_off;
		pool_close(q);
		size_t ll;
		unsigned char *limg = tu_read(lp, &ll);
		unlink(lp);
		T_EQU(((uint64_t *)(limg + toff))[c], DESC_MAKE(CHUNK_LARGE, 0, 3));
		((struct pool_state *)(limg + POOL_STATE_OFF))->clean = 0;
		write_variant(path, limg, ll);
		T_EQ(pool_open(path, LAYOUT, NULL, &q), 0);
		T_EQ(pool_recovery_mark(q, loff), 0); /* intact: found */
		T_EQ(pool_recovery_finish(q), 0);
		T_EQ(pool_check(q), 0);
		pool_close(q);
		((uint64_t *)(limg + toff))[c + 2] = 0;
		write_variant(path, limg, ll);
		T_EQ(pool_open(path, LAYOUT, NULL, &q), 0);
		T_EQ(pool_recovery_mark(q, loff), -EINVAL);
		T_EQ(pool_recovery_finish(q), 0);
		T_EQ(pool_check(q), 0);
		pool_close(q);
		T_EQ(pool_open(path, LAYOUT, NULL, &q), 0);
		T_EQ(pool_recovery_needed(q), 0);
		T_EQ(pool_check(q), 0);
		pool_close(q);
		free(limg);
	}

	/* a dirty pool with garbage in the clean flag opens with recovery */
	memcpy(img, good, good_len);
	((struct pool_state *)(img + POOL_STATE_OFF))->clean = 12345;
	write_variant(path, img, good_len);
	struct pool *p = NULL;
	T_EQ(pool_open(path, LAYOUT, NULL, &p), 0);
	T_EQ(pool_recovery_needed(p), 1);
	T_EQ(pool_recovery_mark(p, *(uint64_t *)pool_root(p)), 0);
	T_EQ(pool_recovery_finish(p), 0);
	T_EQ(pool_check(p), 0);
	pool_close(p);
	free(img);
	unlink(path);
}

static void
test_paths_directory_missing_exists(void)
{
	struct pool *p = NULL;
	expect_refused(dir_for_tests, -EINVAL, -EINVAL, "directory");
	const char *missing = tu_path("missing");
	err_clear();
	T_EQ(pool_open(missing, LAYOUT, NULL, &p), -ENOENT);
	T_ASSERT(strstr(err_get(), missing) != NULL);
	T_EQ(pool_open("/nonexistent-dir-xyz/pool", LAYOUT, NULL, &p), -ENOENT);
	T_EQ(pool_create("/nonexistent-dir-xyz/pool", LAYOUT, POOLSZ, NULL, &p) < 0, 1);
	T_ASSERT(p == NULL);

	/* create over an existing file: -EEXIST, file untouched */
	const char *path = tu_path("exists");
	tu_write(path, "hello", 5);
	T_EQ(pool_create(path, LAYOUT, POOLSZ, NULL, &p), -EEXIST);
	T_ASSERT(strstr(err_get(), path) != NULL);
	size_t l = 0;
	unsigned char *b = tu_read(path, &l);
	T_EQU(l, 5);
	T_MEMEQ(b, "hello", 5);
	free(b);
	unlink(path);
	/* a FIFO neither blocks nor opens */
	const char *fifo = tu_path("fifo");
	T_EQ(mkfifo(fifo, 0600), 0);
	T_EQ(pool_open(fifo, LAYOUT, NULL, &p), -EINVAL);
	T_ASSERT(strstr(err_get(), fifo) != NULL);
	unlink(fifo);
	T_EQ(pool_open("/dev/zero", LAYOUT, NULL, &p), -EINVAL);
	/* create over a directory */
	T_EQ(pool_create(dir_for_tests, LAYOUT, POOLSZ, NULL, &p), -EEXIST);
}

static void
test_second_open_is_busy(void)
{
	const char *path = tu_path("busy");
	struct pool *p = NULL, *q = NULL;
	T_EQ(pool_create(path, LAYOUT, POOLSZ, NULL, &p), 0);
	T_EQ(pool_open(path, LAYOUT, NULL, &q), -EBUSY);
	T_ASSERT(strstr(err_get(), "already open") != NULL);
	T_ASSERT(strstr(err_get(), path) != NULL);
	T_ASSERT(q == NULL);
	/* a forked child (sharing our descriptors) cannot open it either */
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		struct pool *c = NULL;
		int r = pool_open(path, LAYOUT, NULL, &c);
		_exit(r == -EBUSY ? 0 : 1);
	}
	int st;
	T_EQ(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* the first handle still works */
	uint64_t off;
	T_EQ(pool_alloc(p, 10, &off), 0);
	pool_close(p);
	/* after close, a child holds it and we are refused */
	int pfd[2], qfd[2];
	T_EQ(pipe(pfd), 0);
	T_EQ(pipe(qfd), 0);
	pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		struct pool *c = NULL;
		char x = pool_open(path, LAYOUT, NULL, &c) == 0 ? 'y' : 'n';
		if (write(pfd[1], &x, 1) != 1)
			_exit(2);
		if (read(qfd[0], &x, 1) != 1)
			_exit(3);
		pool_close(c);
		_exit(0);
	}
	char x;
	T_EQ(read(pfd[0], &x, 1), 1);
	T_EQ(x, 'y');
	T_EQ(pool_open(path, LAYOUT, NULL, &q), -EBUSY);
	T_EQ(write(qfd[1], "g", 1), 1);
	T_EQ(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	T_EQ(pool_open(path, LAYOUT, NULL, &q), 0);
	pool_close(q);
	close(pfd[0]);
	close(pfd[1]);
	close(qfd[0]);
	close(qfd[1]);
	unlink(path);
}

int
main(void)
{
	dir_for_tests = tu_dir();
	make_good();
	T_RUN(test_empty_and_truncated_files_are_refused);
	T_RUN(test_foreign_and_garbage_files_are_refused);
	T_RUN(test_header_fields_are_checked);
	T_RUN(test_corrupted_log_and_table_are_refused);
	T_RUN(test_paths_directory_missing_exists);
	T_RUN(test_second_open_is_busy);
	free(good);
	fprintf(stderr, "test_pool_badfile: OK\n");
	return 0;
}
