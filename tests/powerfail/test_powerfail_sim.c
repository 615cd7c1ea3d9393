/*
 * test_powerfail_sim.c -- unit tests of the power-failure simulator itself,
 * driven directly through the pmem layer on a /dev/shm mapping.
 */
#include "common/common.h"
#include "pmem/pmem.h"
#include "powerfail.h"
#include "test.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define POOL (64 * 1024)

static char path[256];
static struct pmem_map map;

static void
pool_make(size_t size)
{
	snprintf(path, sizeof(path), "/dev/shm/pmemkv-test-pfsim-%d", (int)getpid());
	unlink(path);
	T_EQ(pmem_map_file(path, PMEM_FILE_CREATE, size, PMEM_MODE_PROCESS, &map), 0);
}

static void
pool_drop(void)
{
	pmem_unmap_file(&map);
	unlink(path);
}

static uint64_t *
word(size_t off)
{
	return (uint64_t *)((char *)map.addr + off);
}

static uint64_t
image_word(const char *image, size_t off)
{
	int fd = open(image, O_RDONLY);
	T_ASSERT(fd >= 0);
	uint64_t v = 0;
	T_EQ(pread(fd, &v, sizeof(v), (off_t)off), (long long)sizeof(v));
	close(fd);
	return v;
}

/* a check that records the value of one word of the image per crash */
struct probe {
	size_t off;
	int n;
	uint64_t seen[4096];
	uint64_t fence_no[4096];
};

static int
probe_check(void *arg, const char *image, uint64_t fence_no)
{
	struct probe *p = arg;
	T_ASSERT(p->n < 4096);
	p->seen[p->n] = image_word(image, p->off);
	p->fence_no[p->n] = fence_no;
	p->n++;
	return 0;
}

/* run: set one word to `val` with the given protocol, then fence twice;
 * returns what the crash at fence `at` saw */
enum proto { STORE_ONLY, STORE_FLUSH, STORE_PERSIST };

static uint64_t
one_word_crash(enum proto pr, unsigned leak, uint64_t seed, uint64_t at)
{
	memset(map.addr, 0, POOL);
	struct pf_sim *sim = pf_sim_new(map.addr, POOL);
	struct probe *p = calloc(1, sizeof(*p));
	p->off = 128;
	pf_sim_set_check(sim, probe_check, p);
	pf_sim_set_policy(sim, PF_AT_FENCE, at, seed, leak);
	pf_sim_start(sim);
	*word(128) = 0x1111111111111111ULL;
	if (pr != STORE_ONLY)
		pmem_flush_range(&map, word(128), 8);
	if (pr == STORE_PERSIST)
		pmem_fence(&map); /* fence 1 */
	pmem_fence(&map);
	pmem_fence(&map);
	pf_sim_stop(sim);
	T_EQ(p->n, 1);
	T_EQU(p->fence_no[0], at);
	uint64_t v = p->seen[0];
	free(p);
	pf_sim_delete(sim);
	return v;
}

static void
test_unflushed_store_never_in_image_without_pf_unflushed(void)
{
	for (uint64_t seed = 1; seed <= 64; seed++) {
		T_EQU(one_word_crash(STORE_ONLY, PF_PENDING, seed, 1), 0);
		T_EQU(one_word_crash(STORE_ONLY, 0, seed, 2), 0);
	}
}

static void
test_unflushed_store_sometimes_in_image_with_pf_unflushed(void)
{
	int in = 0, out = 0;
	for (uint64_t seed = 1; seed <= 64; seed++) {
		uint64_t v = one_word_crash(STORE_ONLY, PF_UNFLUSHED, seed, 1);
		T_ASSERT(v == 0 || v == 0x1111111111111111ULL);
		if (v)
			in++;
		else
			out++;
	}
	fprintf(stderr, "   leaked %d / 64\n", in);
	T_ASSERT(in > 0 && out > 0);
}

static void
test_fenced_store_always_in_image(void)
{
	for (uint64_t seed = 1; seed <= 64; seed++) {
		/* crash at fence 2: fence 1 made the store durable */
		T_EQU(one_word_crash(STORE_PERSIST, 0, seed, 2), 0x1111111111111111ULL);
		T_EQU(one_word_crash(STORE_PERSIST, PF_PENDING | PF_UNFLUSHED, seed, 2),
		      0x1111111111111111ULL);
	}
}

static void
test_flushed_not_fenced_is_pending(void)
{
	int in = 0, out = 0;
	for (uint64_t seed = 1; seed <= 64; seed++) {
		/* without PF_PENDING: not durable before its fence */
		T_EQU(one_word_crash(STORE_FLUSH, 0, seed, 1), 0);
		uint64_t v = one_word_crash(STORE_FLUSH, PF_PENDING, seed, 1);
		if (v)
			in++;
		else
			out++;
		/* after its fence: durable */
		T_EQU(one_word_crash(STORE_FLUSH, 0, seed, 2), 0x1111111111111111ULL);
	}
	fprintf(stderr, "   pending leaked %d / 64\n", in);
	T_ASSERT(in > 0 && out > 0);
}

/* a flush captures the line as it is then; a later unflushed store is not
 * made durable by the fence */
static void
test_flush_captures_content_at_flush_time(void)
{
	memset(map.addr, 0, POOL);
	struct pf_sim *sim = pf_sim_new(map.addr, POOL);
	struct probe p = {.off = 200};
	pf_sim_set_check(sim, probe_check, &p);
	pf_sim_set_policy(sim, PF_AT_FENCE, 2, 7, 0);
	pf_sim_start(sim);
	*word(200) = 1;
	pmem_flush_range(&map, word(200), 8);
	*word(200) = 2; /* same line, after the flush */
	pmem_fence(&map);
	pmem_fence(&map);
	pf_sim_stop(sim);
	T_EQ(p.n, 1);
	T_EQU(p.seen[0], 1);
	pf_sim_delete(sim);
}

/* a flush captures the whole cache line, not only the bytes asked for */
static void
test_flush_is_line_granular(void)
{
	memset(map.addr, 0, POOL);
	struct pf_sim *sim = pf_sim_new(map.addr, POOL);
	struct probe p = {.off = 256 + 56};
	pf_sim_set_check(sim, probe_check, &p);
	pf_sim_set_policy(sim, PF_AT_FENCE, 2, 7, 0);
	pf_sim_start(sim);
	*word(256 + 56) = 5;
	pmem_flush_range(&map, word(256), 1);
	pmem_fence(&map);
	pmem_fence(&map);
	pf_sim_stop(sim);
	T_EQU(p.seen[0], 5);
	pf_sim_delete(sim);
}

/* unflushed leaks are whole aligned 8-byte words: never a mix */
static void
test_unflushed_leak_is_word_atomic(void)
{
	int saw_old = 0, saw_new = 0;
	for (uint64_t seed = 1; seed <= 64; seed++) {
		memset(map.addr, 0xee, POOL);
		struct pf_sim *sim = pf_sim_new(map.addr, POOL);
		struct probe p = {.off = 512};
		pf_sim_set_check(sim, probe_check, &p);
		pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, seed, PF_UNFLUSHED | PF_PENDING);
		pf_sim_start(sim);
		*word(512) = 0x0102030405060708ULL;
		pmem_fence(&map);
		pf_sim_stop(sim);
		T_EQ(p.n, 1);
		T_ASSERT(p.seen[0] == 0xeeeeeeeeeeeeeeeeULL || p.seen[0] == 0x0102030405060708ULL);
		if (p.seen[0] == 0xeeeeeeeeeeeeeeeeULL)
			saw_old++;
		else
			saw_new++;
		pf_sim_delete(sim);
	}
	T_ASSERT(saw_old > 0 && saw_new > 0);
}

/* flushes outside the tracked range are ignored; fences are counted */
static void
test_flush_outside_range_ignored(void)
{
	memset(map.addr, 0, POOL);
	/* track only the second half */
	struct pf_sim *sim = pf_sim_new((char *)map.addr + POOL / 2, POOL / 2);
	struct probe p = {.off = 0};
	pf_sim_set_check(sim, probe_check, &p);
	pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, 3, 0);
	pf_sim_start(sim);
	*word(0) = 9;
	pmem_persist_range(&map, word(0), 8); /* outside */
	*word(POOL / 2) = 10;
	pmem_persist_range(&map, word(POOL / 2 - 64), 128); /* straddles the start */
	pmem_fence(&map);
	pf_sim_stop(sim);
	T_EQU(pf_sim_fences(sim), 3);
	T_EQU(pf_sim_crash_points(sim), 3);
	T_EQU(p.seen[0], 0);
	T_EQU(p.seen[1], 0);
	T_EQU(p.seen[2], 10);
	pf_sim_delete(sim);
}

/* while the check runs, its own flushes and fences are ignored */
static struct pmem_map other;
static int
reentrant_check(void *arg, const char *image, uint64_t fence_no)
{
	(void)fence_no;
	int *calls = arg;
	(*calls)++;
	/* persist into the tracked range itself and into another map */
	struct pmem_map im;
	T_EQ(pmem_map_file(image, 0, 0, PMEM_MODE_PROCESS, &im), 0);
	*(uint64_t *)im.addr = 77;
	pmem_persist_range(&im, im.addr, 8);
	pmem_unmap_file(&im);
	*word(1024) = 42;
	pmem_persist_range(&map, word(1024), 8);
	*word(1024) = 0;
	pmem_persist_range(&other, other.addr, 64);
	return 0;
}

static void
test_check_reentrancy_ignored(void)
{
	char opath[256];
	snprintf(opath, sizeof(opath), "/dev/shm/pmemkv-test-pfsim-other-%d", (int)getpid());
	unlink(opath);
	T_EQ(pmem_map_file(opath, PMEM_FILE_CREATE, 4096, PMEM_MODE_PROCESS, &other), 0);
	memset(map.addr, 0, POOL);
	struct pf_sim *sim = pf_sim_new(map.addr, POOL);
	int calls = 0;
	pf_sim_set_check(sim, reentrant_check, &calls);
	pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, 3, PF_PENDING | PF_UNFLUSHED);
	pf_sim_start(sim);
	for (int i = 0; i < 5; i++) {
		*word(0) = (uint64_t)i;
		pmem_persist_range(&map, word(0), 8);
	}
	T_EQ(calls, 5);
	T_EQU(pf_sim_fences(sim), 5);
	T_EQU(pf_sim_crash_points(sim), 5);
	/* the check's writes to the image are undone for the next crash */
	struct probe p = {.off = 0};
	pf_sim_set_check(sim, probe_check, &p);
	pmem_fence(&map);
	T_EQU(p.seen[0], 4);
	pf_sim_stop(sim);
	pf_sim_delete(sim);
	pmem_unmap_file(&other);
	unlink(opath);
}

/* a check that damages the image, truncates it, or even removes it */
static int
vandal_check(void *arg, const char *image, uint64_t fence_no)
{
	struct probe *p = arg;
	probe_check(p, image, fence_no);
	int fd = open(image, O_RDWR);
	T_ASSERT(fd >= 0);
	char junk[8192];
	memset(junk, 0x66, sizeof(junk));
	T_EQ(pwrite(fd, junk, sizeof(junk), 0), (long long)sizeof(junk));
	if (fence_no % 3 == 1)
		T_EQ(ftruncate(fd, 100), 0);
	close(fd);
	if (fence_no % 3 == 2)
		unlink(image);
	return 0;
}

static void
test_check_may_damage_image(void)
{
	memset(map.addr, 0, POOL);
	struct pf_sim *sim = pf_sim_new(map.addr, POOL);
	struct probe p = {.off = 8};
	pf_sim_set_check(sim, vandal_check, &p);
	pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, 3, 0);
	pf_sim_start(sim);
	for (uint64_t i = 1; i <= 9; i++) {
		*word(8) = i;
		pmem_persist_range(&map, word(8), 8);
	}
	pf_sim_stop(sim);
	T_EQ(p.n, 9);
	for (int i = 0; i < 9; i++)
		T_EQU(p.seen[i], (uint64_t)i); /* value durable before fence i+1 */
	pf_sim_delete(sim);
}

/* schedules: PF_AT_FENCE once; PF_RANDOM_FENCES ~1/param, reproducible */
static int
null_check(void *arg, const char *image, uint64_t fence_no)
{
	(void)arg;
	(void)image;
	(void)fence_no;
	return 0;
}

static uint64_t
random_schedule_points(uint64_t seed, uint64_t param)
{
	struct pf_sim *sim = pf_sim_new(map.addr, 4096);
	pf_sim_set_check(sim, null_check, NULL);
	pf_sim_set_policy(sim, PF_RANDOM_FENCES, param, seed, 0);
	pf_sim_start(sim);
	for (int i = 0; i < 4000; i++)
		pmem_fence(&map);
	pf_sim_stop(sim);
	uint64_t n = pf_sim_crash_points(sim);
	T_EQU(pf_sim_fences(sim), 4000);
	pf_sim_delete(sim);
	return n;
}

static void
test_schedules(void)
{
	uint64_t n = random_schedule_points(5, 4);
	fprintf(stderr, "   random 1/4: %llu of 4000\n", (unsigned long long)n);
	T_ASSERT(n > 800 && n < 1200);
	T_EQU(random_schedule_points(5, 4), n);
	T_EQU(random_schedule_points(5, 1), 4000);
	T_EQU(random_schedule_points(5, 0), 4000);
}

/* determinism: images depend only on (seed, fence number) */
struct hasher {
	int n;
	uint64_t h[64];
};

static int
hash_check(void *arg, const char *image, uint64_t fence_no)
{
	struct hasher *hs = arg;
	(void)fence_no;
	int fd = open(image, O_RDONLY);
	static char buf[POOL];
	T_EQ(pread(fd, buf, POOL, 0), POOL);
	close(fd);
	hs->h[hs->n++] = hash64(buf, POOL, 0);
	return 0;
}

static void
workload_random_stores(int rounds)
{
	uint64_t x = 12345;
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < 20; k++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t off = (x >> 33) % (POOL / 8) * 8;
			*word(off) = x;
			if (k % 3 == 0)
				pmem_flush_range(&map, word(off), 8);
		}
		pmem_fence(&map);
	}
}

static void
run_hashes(struct hasher *hs, enum pf_policy pol, uint64_t param, uint64_t seed)
{
	memset(map.addr, 0, POOL);
	memset(hs, 0, sizeof(*hs));
	struct pf_sim *sim = pf_sim_new(map.addr, POOL);
	pf_sim_set_check(sim, hash_check, hs);
	pf_sim_set_policy(sim, pol, param, seed, PF_PENDING | PF_UNFLUSHED);
	pf_sim_start(sim);
	workload_random_stores(20);
	pf_sim_stop(sim);
	pf_sim_delete(sim);
}

static void
test_deterministic_per_seed(void)
{
	struct hasher a, b, c, d;
	run_hashes(&a, PF_EVERY_FENCE, 0, 11);
	run_hashes(&b, PF_EVERY_FENCE, 0, 11);
	run_hashes(&c, PF_EVERY_FENCE, 0, 12);
	T_EQ(a.n, 20);
	T_EQ(b.n, 20);
	int differ = 0;
	for (int i = 0; i < 20; i++) {
		T_EQU(a.h[i], b.h[i]);
		differ += a.h[i] != c.h[i];
	}
	T_ASSERT(differ > 0);
	/* PF_AT_FENCE reproduces the image EVERY_FENCE built at that fence */
	run_hashes(&d, PF_AT_FENCE, 13, 11);
	T_EQ(d.n, 1);
	T_EQU(d.h[0], a.h[12]);
}

/* crash_now runs a check outside the schedule and returns its result */
static int
two_check(void *arg, const char *image, uint64_t fence_no)
{
	(void)arg;
	(void)image;
	(void)fence_no;
	return 2;
}

static void
test_crash_now_and_report(void)
{
	struct pf_sim *sim = pf_sim_new(map.addr, 4096);
	pf_sim_set_check(sim, two_check, NULL);
	pf_sim_set_policy(sim, PF_AT_FENCE, 1000, 1, 0);
	pf_sim_start(sim);
	pmem_fence(&map);
	T_EQ(pf_sim_crash_now(sim), 2);
	T_EQ(pf_sim_crash_now(sim), 2);
	pf_sim_stop(sim);
	T_EQU(pf_sim_crash_points(sim), 2);
	T_EQU(pf_sim_violations(sim), 4);

	/* pf_report's exact format, captured from stdout */
	char out[256];
	snprintf(out, sizeof(out), "/dev/shm/pmemkv-test-pfsim-out-%d", (int)getpid());
	fflush(stdout);
	int saved = dup(1);
	int fd = open(out, O_CREAT | O_TRUNC | O_RDWR, 0600);
	T_ASSERT(fd >= 0);
	dup2(fd, 1);
	T_EQU(pf_report("my scenario", sim), 4);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	char buf[256] = {0};
	T_ASSERT(pread(fd, buf, sizeof(buf) - 1, 0) > 0);
	close(fd);
	unlink(out);
	T_STREQ(buf, "my scenario\npowerfail: 2 crash points, 4 violations\n");
	pf_sim_delete(sim);
}

/* an unaligned tracked range of odd length: images stay within old/new */
struct odd_probe {
	const unsigned char *live;
	size_t len;
	int bad;
	int n;
};

static int
odd_check(void *arg, const char *image, uint64_t fence_no)
{
	struct odd_probe *o = arg;
	unsigned char buf[2048];
	int fd = open(image, O_RDONLY);
	T_ASSERT(fd >= 0);
	T_EQ(pread(fd, buf, sizeof(buf), 0), (long long)o->len); /* exact size */
	close(fd);
	for (size_t i = 0; i < o->len; i++) {
		/* old content is 0xcc; anything else must be the live byte */
		if (buf[i] != 0xcc && buf[i] != o->live[i])
			o->bad++;
		/* fence 3 comes after the whole range was persisted */
		if (fence_no == 3 && buf[i] != o->live[i])
			o->bad++;
	}
	o->n++;
	return 0;
}

static void
test_unaligned_odd_range(void)
{
	for (uint64_t seed = 1; seed <= 16; seed++) {
		memset(map.addr, 0xcc, POOL);
		unsigned char *r = (unsigned char *)map.addr + 3;
		struct odd_probe o = {.live = r, .len = 1001};
		struct pf_sim *sim = pf_sim_new(r, o.len);
		pf_sim_set_check(sim, odd_check, &o);
		pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, seed, PF_PENDING | PF_UNFLUSHED);
		pf_sim_start(sim);
		for (size_t i = 0; i < 1100; i++)
			((unsigned char *)map.addr)[i] = (unsigned char)(i * 13 + seed);
		pmem_flush_range(&map, map.addr, 500);
		pmem_fence(&map); /* 1 */
		pmem_flush_range(&map, (char *)map.addr + 500, 600);
		pmem_fence(&map); /* 2 */
		pmem_fence(&map); /* 3: all durable */
		pf_sim_stop(sim);
		T_EQ(o.n, 3);
		T_EQ(o.bad, 0);
		pf_sim_delete(sim);
	}
}

/*
 * cost of a crash point on a 4 MiB pool with a trivial check. "persisted":
 * each step persists a 128-byte record (the usual case). "stray": each step
 * also leaves one word unflushed, so by the end every chunk of the pool
 * differs from the durable image (the worst case for PF_UNFLUSHED).
 */
static void
crash_cost(const char *what, int stray)
{
	const size_t size = 4 << 20;
	memset(map.addr, 0, size);
	struct pf_sim *sim = pf_sim_new(map.addr, size);
	pf_sim_set_check(sim, null_check, NULL);
	pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, 9, PF_PENDING | PF_UNFLUSHED);
	pf_sim_start(sim);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	const int n = 200; /* sanitizers make memcmp ~10x slower */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
	const int n = 200;
#else
	const int n = 2000;
#endif
#else
	const int n = 2000;
#endif
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t x = 1;
	for (int i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		size_t off = (x >> 20) % (size / 128) * 128;
		memset(word(off), i & 0xff, 128);
		pmem_flush_range(&map, word(off), 128);
		if (stray)
			*word((x >> 40) % (size / 8) * 8) = x;
		pmem_fence(&map);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pf_sim_stop(sim);
	double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
		1e3 / n;
	fprintf(stderr, "   4 MiB pool, %s: %.1f us per crash point (%llu points)\n", what, us,
		(unsigned long long)pf_sim_crash_points(sim));
	T_EQU(pf_sim_crash_points(sim), (uint64_t)n);
	T_ASSERT(us < 20000.0); /* generous: sanitizer builds, loaded machine */
	pf_sim_delete(sim);
}

static void
test_crash_point_cost(void)
{
	pool_drop();
	pool_make(4 << 20);
	crash_cost("persisted", 0);
	crash_cost("stray unflushed words", 1);
	pool_drop();
	pool_make(POOL);
}

int
main(void)
{
	pool_make(POOL);
	T_RUN(test_unflushed_store_never_in_image_without_pf_unflushed);
	T_RUN(test_unflushed_store_sometimes_in_image_with_pf_unflushed);
	T_RUN(test_fenced_store_always_in_image);
	T_RUN(test_flushed_not_fenced_is_pending);
	T_RUN(test_flush_captures_content_at_flush_time);
	T_RUN(test_flush_is_line_granular);
	T_RUN(test_unflushed_leak_is_word_atomic);
	T_RUN(test_flush_outside_range_ignored);
	T_RUN(test_check_reentrancy_ignored);
	T_RUN(test_check_may_damage_image);
	T_RUN(test_schedules);
	T_RUN(test_deterministic_per_seed);
	T_RUN(test_crash_now_and_report);
	T_RUN(test_unaligned_odd_range);
	T_RUN(test_crash_point_cost);
	pool_drop();
	fprintf(stderr, "OK\n");
	return 0;
}
