/*
 * powerfail.c -- the power-failure simulator (see powerfail.h).
 *
 * State kept for the tracked range [base, base+len):
 *   durable   shadow copy of what has reached the persistence domain;
 *   pending   cache lines flushed since the last fence, each with its content
 *             as it was when flushed (a later flush of the same line before
 *             the fence replaces the capture);
 *   image     one file in pf_tmpdir(), mapped shared here, that holds the
 *             crash image handed to the check callback.
 *
 * A crash point costs two linear compares of the range (memcmp, in cache for
 * pools of a few MiB) plus writes proportional to what changed:
 *   1. every 4 KiB chunk of the image file that differs from `durable` is
 *      rewritten (this undoes the previous crash's leaks, the previous
 *      check's own modifications, and brings in fences since last time);
 *   2. PF_PENDING: each pending line is copied in with probability p;
 *   3. PF_UNFLUSHED: in chunks where live memory differs from `durable`, each
 *      aligned 8-byte word whose live value differs from the image is copied
 *      in with probability q;
 *   4. the check runs on the file (flushes/fences it causes are ignored).
 * p and q are drawn per crash point from {1/8, 1/4, 1/2, 3/4, 7/8} so that
 * "almost none" and "almost all" subsets both occur. All randomness of a crash
 * point comes from a generator seeded by (seed, fence number): PF_AT_FENCE N
 * with the same seed reproduces exactly the image PF_EVERY_FENCE built at N.
 *
 * Fences are numbered from 1: the check's fence_no is the number of the
 * fence about to execute (pf_sim_crash_now passes the number of fences seen).
 *
 * Cache lines are 64-byte blocks of the address space (a flush of any byte
 * captures its whole line, clipped to the tracked range).
 */
#include "powerfail.h"

#include "pmem/pmem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PF_LINE 64
#define PF_CHUNK 4096
#define PF_WORD 8

struct pf_sim {
	unsigned char *base; /* tracked range */
	size_t len;
	uintptr_t line0;     /* address of the first line (64-aligned) */
	size_t nlines;

	unsigned char *durable; /* len bytes */
	size_t *diff_chunks;	/* scratch: chunks where live != durable */

	/* pending lines: pend_slot[line] = slot + 1, or 0 */
	uint32_t *pend_slot;
	size_t *pend_line; /* slot -> line number */
	unsigned char *pend_data; /* slot -> PF_LINE bytes */
	size_t npend, pend_cap;

	/* the image file */
	char path[PATH_MAX];
	int fd;
	unsigned char *fmap;

	pf_check_fn *check;
	void *check_arg;
	enum pf_policy policy;
	uint64_t param;
	uint64_t seed;
	uint64_t sched_rng; /* PF_RANDOM_FENCES schedule */
	unsigned leak;

	uint64_t fences, crash_points, violations;
	int in_check;
	int started;
};

static void
pf_die(const char *what)
{
	fprintf(stderr, "powerfail: %s: %s\n", what, strerror(errno));
	abort();
}

static void *
pf_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (p == NULL)
		pf_die("out of memory");
	return p;
}

/* splitmix64: small, fast, good enough for choosing subsets */
static inline uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

const char *
pf_tmpdir(void)
{
	const char *d = getenv("PF_TMPDIR");
	if (d != NULL && d[0] != '\0')
		return d;
	struct stat st;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

/*
 * Image files of live simulators are removed if the test aborts (a failed
 * T_ASSERT calls abort()): a SIGABRT handler unlinks them (async-signal-safe)
 * and re-raises with the default action. Up to PF_MAX_LIVE are tracked.
 */
#define PF_MAX_LIVE 16
static char *live_paths[PF_MAX_LIVE];
static volatile sig_atomic_t abort_hooked;

static void
on_abort(int sig)
{
	for (int i = 0; i < PF_MAX_LIVE; i++)
		if (live_paths[i] != NULL)
			unlink(live_paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
live_add(char *path)
{
	if (!abort_hooked) {
		abort_hooked = 1;
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_abort;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESETHAND;
		sigaction(SIGABRT, &sa, NULL);
	}
	for (int i = 0; i < PF_MAX_LIVE; i++) {
		if (live_paths[i] == NULL) {
			live_paths[i] = path;
			return;
		}
	}
}

static void
live_remove(char *path)
{
	for (int i = 0; i < PF_MAX_LIVE; i++)
		if (live_paths[i] == path)
			live_paths[i] = NULL;
}

static void
image_open(struct pf_sim *sim)
{
	static unsigned counter;
	for (int tries = 0;; tries++) {
		snprintf(sim->path, sizeof(sim->path), "%s/pf-image-%d-%u", pf_tmpdir(),
			 (int)getpid(), counter++);
		sim->fd = open(sim->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (sim->fd >= 0)
			break;
		if (errno != EEXIST || tries > 1000)
			pf_die(sim->path);
	}
	live_add(sim->path);
	if (ftruncate(sim->fd, (off_t)sim->len) != 0)
		pf_die(sim->path);
	sim->fmap = mmap(NULL, sim->len, PROT_READ | PROT_WRITE, MAP_SHARED, sim->fd, 0);
	if (sim->fmap == MAP_FAILED)
		pf_die(sim->path);
	memcpy(sim->fmap, sim->durable, sim->len);
}

static void
image_close(struct pf_sim *sim)
{
	if (sim->fmap != NULL)
		munmap(sim->fmap, sim->len);
	if (sim->fd >= 0)
		close(sim->fd);
	unlink(sim->path);
	live_remove(sim->path);
	sim->fmap = NULL;
	sim->fd = -1;
}

/* image_revalidate -- the check may have truncated or removed the file */
static void
image_revalidate(struct pf_sim *sim)
{
	struct stat st;
	if (fstat(sim->fd, &st) != 0)
		pf_die(sim->path);
	if (st.st_nlink == 0) {
		image_close(sim);
		image_open(sim);
	} else if ((size_t)st.st_size != sim->len) {
		if (ftruncate(sim->fd, (off_t)sim->len) != 0)
			pf_die(sim->path);
	}
}

struct pf_sim *
pf_sim_new(void *base, size_t len)
{
	if (base == NULL || len == 0) {
		fprintf(stderr, "powerfail: pf_sim_new: empty range\n");
		abort();
	}
	struct pf_sim *sim = pf_alloc(sizeof(*sim));
	sim->base = base;
	sim->len = len;
	sim->line0 = (uintptr_t)base & ~(uintptr_t)(PF_LINE - 1);
	sim->nlines = ((uintptr_t)base + len - sim->line0 + PF_LINE - 1) / PF_LINE;
	sim->durable = pf_alloc(len);
	memcpy(sim->durable, base, len);
	sim->pend_slot = pf_alloc(sim->nlines * sizeof(uint32_t));
	sim->diff_chunks = pf_alloc((len / PF_CHUNK + 1) * sizeof(size_t));
	sim->pend_cap = 256;
	sim->pend_line = pf_alloc(sim->pend_cap * sizeof(size_t));
	sim->pend_data = pf_alloc(sim->pend_cap * PF_LINE);
	sim->policy = PF_EVERY_FENCE;
	sim->leak = PF_PENDING | PF_UNFLUSHED;
	sim->fd = -1;
	image_open(sim);
	return sim;
}

void
pf_sim_delete(struct pf_sim *sim)
{
	if (sim == NULL)
		return;
	if (sim->started)
		pf_sim_stop(sim);
	image_close(sim);
	free(sim->durable);
	free(sim->pend_slot);
	free(sim->diff_chunks);
	free(sim->pend_line);
	free(sim->pend_data);
	free(sim);
}

void
pf_sim_set_check(struct pf_sim *sim, pf_check_fn *fn, void *arg)
{
	sim->check = fn;
	sim->check_arg = arg;
}

void
pf_sim_set_policy(struct pf_sim *sim, enum pf_policy policy, uint64_t param, uint64_t seed,
		  unsigned leak_flags)
{
	sim->policy = policy;
	sim->param = param;
	sim->seed = seed;
	sim->sched_rng = seed ^ 0x5CEDULL;
	sim->leak = leak_flags;
}

/* line geometry: [*lo, *hi) is line `l` clipped to the tracked range */
static inline void
line_bounds(const struct pf_sim *sim, size_t l, size_t *lo, size_t *hi)
{
	uintptr_t a = sim->line0 + l * PF_LINE;
	uintptr_t b = a + PF_LINE;
	uintptr_t s = (uintptr_t)sim->base, e = s + sim->len;
	*lo = (a < s ? s : a) - s;
	*hi = (b > e ? e : b) - s;
}

static void
hook_flush(void *ctx, const void *addr, size_t len)
{
	struct pf_sim *sim = ctx;
	if (sim->in_check || len == 0)
		return;
	uintptr_t s = (uintptr_t)sim->base, e = s + sim->len;
	uintptr_t a = (uintptr_t)addr, b = a + len;
	if (b <= s || a >= e)
		return; /* not ours */
	if (a < s)
		a = s;
	if (b > e)
		b = e;
	size_t first = (a - sim->line0) / PF_LINE;
	size_t last = (b - 1 - sim->line0) / PF_LINE;
	for (size_t l = first; l <= last; l++) {
		uint32_t slot = sim->pend_slot[l];
		if (slot == 0) {
			if (sim->npend == sim->pend_cap) {
				sim->pend_cap *= 2;
				sim->pend_line =
					realloc(sim->pend_line, sim->pend_cap * sizeof(size_t));
				sim->pend_data = realloc(sim->pend_data, sim->pend_cap * PF_LINE);
				if (sim->pend_line == NULL || sim->pend_data == NULL)
					pf_die("out of memory");
			}
			sim->pend_line[sim->npend] = l;
			slot = (uint32_t)++sim->npend;
			sim->pend_slot[l] = slot;
		}
		size_t lo, hi;
		line_bounds(sim, l, &lo, &hi);
		memcpy(sim->pend_data + (size_t)(slot - 1) * PF_LINE, sim->base + lo, hi - lo);
	}
}

/* pick a leak probability, as a threshold on 32 random bits */
static uint64_t
pick_prob(uint64_t *rng)
{
	static const uint64_t eighths[] = {1, 2, 4, 6, 7};
	return eighths[rng_next(rng) % 5] << 29; /* k/8 of 2^32 */
}

/* line_differs -- 64-byte compare without a call (vectorized) */
static inline int
line_differs(const unsigned char *a, const unsigned char *b)
{
	uint64_t x = 0;
	for (int k = 0; k < PF_LINE / 8; k++) {
		uint64_t u, v;
		memcpy(&u, a + 8 * k, 8);
		memcpy(&v, b + 8 * k, 8);
		x |= u ^ v;
	}
	return x != 0;
}

/*
 * leak_words -- in [off, off+n) of the range, copy each aligned 8-byte word
 * (by address; clipped at the range ends) whose live value differs from the
 * image into the image with probability q / 2^32.
 */
static void
leak_words(struct pf_sim *sim, size_t off, size_t n, uint64_t q, uint64_t *rng)
{
	const unsigned char *live = sim->base;
	unsigned char *img = sim->fmap;
	uintptr_t s = (uintptr_t)sim->base;
	if ((s & (PF_WORD - 1)) == 0 && (n & (PF_WORD - 1)) == 0) {
		/* fast path: the range is word-aligned; skip equal lines */
		for (size_t lo = off; lo < off + n; lo += PF_LINE) {
			size_t ln = off + n - lo < PF_LINE ? off + n - lo : PF_LINE;
			if (ln == PF_LINE ? !line_differs(live + lo, img + lo)
					  : memcmp(live + lo, img + lo, ln) == 0)
				continue;
			for (size_t w = lo; w < lo + ln; w += PF_WORD) {
				uint64_t a, b;
				memcpy(&a, live + w, PF_WORD);
				memcpy(&b, img + w, PF_WORD);
				if (a != b && (rng_next(rng) & 0xffffffffu) < q)
					memcpy(img + w, &a, PF_WORD);
			}
		}
		return;
	}
	uintptr_t w = (s + off) & ~(uintptr_t)(PF_WORD - 1);
	for (; w < s + off + n; w += PF_WORD) {
		size_t lo = (w < s + off ? s + off : w) - s;
		size_t hi = (w + PF_WORD > s + off + n ? s + off + n : w + PF_WORD) - s;
		if (memcmp(live + lo, img + lo, hi - lo) == 0)
			continue;
		if ((rng_next(rng) & 0xffffffffu) < q)
			memcpy(img + lo, live + lo, hi - lo);
	}
}

/* crash_run -- build the crash image for fence `fence_no`, run the check */
static int
crash_run(struct pf_sim *sim, uint64_t fence_no, uint64_t salt)
{
	uint64_t rng = (sim->seed * 0x2545F4914F6CDD1DULL) ^ fence_no ^ salt;
	rng_next(&rng);

	image_revalidate(sim);

	/*
	 * 1. image := durable, rewriting only the chunks that differ; in the
	 * same pass (the chunk is in L1), note the chunks where live memory
	 * differs from the durable image: only those can leak unflushed words.
	 */
	int unflushed = (sim->leak & PF_UNFLUSHED) != 0;
	size_t ndiff = 0;
	for (size_t off = 0, c = 0; off < sim->len; off += PF_CHUNK, c++) {
		size_t n = sim->len - off < PF_CHUNK ? sim->len - off : PF_CHUNK;
		if (memcmp(sim->fmap + off, sim->durable + off, n) != 0)
			memcpy(sim->fmap + off, sim->durable + off, n);
		if (unflushed && memcmp(sim->base + off, sim->durable + off, n) != 0)
			sim->diff_chunks[ndiff++] = c;
	}

	/* 2. a random subset of the pending lines */
	if (sim->leak & PF_PENDING) {
		uint64_t p = pick_prob(&rng);
		for (size_t i = 0; i < sim->npend; i++) {
			if ((rng_next(&rng) & 0xffffffffu) >= p)
				continue;
			size_t lo, hi;
			line_bounds(sim, sim->pend_line[i], &lo, &hi);
			memcpy(sim->fmap + lo, sim->pend_data + i * PF_LINE, hi - lo);
		}
	}

	/* 3. a random subset of the words written but not (yet) durable */
	if (unflushed) {
		uint64_t q = pick_prob(&rng);
		for (size_t i = 0; i < ndiff; i++) {
			size_t off = sim->diff_chunks[i] * PF_CHUNK;
			size_t n = sim->len - off < PF_CHUNK ? sim->len - off : PF_CHUNK;
			leak_words(sim, off, n, q, &rng);
		}
	}

	/* 4. the check; whatever it flushes or fences is not the workload's */
	int v = 0;
	if (sim->check != NULL) {
		sim->in_check = 1;
		v = sim->check(sim->check_arg, sim->path, fence_no);
		sim->in_check = 0;
	}
	sim->crash_points++;
	if (v > 0)
		sim->violations += (uint64_t)v;
	return v;
}

static void
hook_fence(void *ctx)
{
	struct pf_sim *sim = ctx;
	if (sim->in_check)
		return;
	uint64_t no = ++sim->fences;
	int crash = 0;
	switch (sim->policy) {
	case PF_EVERY_FENCE:
		crash = 1;
		break;
	case PF_RANDOM_FENCES:
		crash = sim->param <= 1 || rng_next(&sim->sched_rng) % sim->param == 0;
		break;
	case PF_AT_FENCE:
		crash = no == sim->param;
		break;
	}
	if (crash)
		crash_run(sim, no, 0);

	/* the fence executes: pending lines become durable */
	for (size_t i = 0; i < sim->npend; i++) {
		size_t l = sim->pend_line[i];
		size_t lo, hi;
		line_bounds(sim, l, &lo, &hi);
		memcpy(sim->durable + lo, sim->pend_data + i * PF_LINE, hi - lo);
		sim->pend_slot[l] = 0;
	}
	sim->npend = 0;
}

void
pf_sim_start(struct pf_sim *sim)
{
	struct pmem_sim_hooks h = {hook_flush, hook_fence, sim};
	pmem_sim_install(&h);
	sim->started = 1;
}

void
pf_sim_stop(struct pf_sim *sim)
{
	pmem_sim_install(NULL);
	sim->started = 0;
}

int
pf_sim_crash_now(struct pf_sim *sim)
{
	if (sim->in_check)
		return 0;
	return crash_run(sim, sim->fences, 0xC0FFEE0000000000ULL);
}

uint64_t
pf_sim_fences(const struct pf_sim *sim)
{
	return sim->fences;
}

uint64_t
pf_sim_crash_points(const struct pf_sim *sim)
{
	return sim->crash_points;
}

uint64_t
pf_sim_violations(const struct pf_sim *sim)
{
	return sim->violations;
}

uint64_t
pf_report(const char *scenario, const struct pf_sim *sim)
{
	printf("%s\n", scenario != NULL ? scenario : "(scenario)");
	printf("powerfail: %llu crash points, %llu violations\n",
	       (unsigned long long)sim->crash_points, (unsigned long long)sim->violations);
	fflush(stdout);
	return sim->violations;
}
