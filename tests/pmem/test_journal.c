/*
 * test_journal.c -- the journaled msync mode (src/pmem/journal.c): round
 * trip, crash by SIGKILL at random moments (acknowledged values survive,
 * barrier order holds), torn/corrupted tails ignored, a stale journal
 * discarded, an out-of-range journal refused, -EBUSY on a second enable,
 * group commit (fewer fdatasyncs than fences), checkpoints.
 *
 * Files live in the current directory (the build directory, a real disk
 * file system: msync mode is what we measure), or /tmp if that is tmpfs.
 */
#include "common/common.h"
#include "pmem/pmem.h"
#include "pmem/pmem_internal.h"
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POOL_SIZE (8u << 20)
#define HDR_BYTES 4096u

static char pool_path[512], jpath[600];

static void
paths_init(void)
{
	char cwd[400];
	T_ASSERT(getcwd(cwd, sizeof(cwd)) != NULL);
	const char *dir = cwd;
	if (pmem_path_is_tmpfs(cwd) && !pmem_path_is_tmpfs("/tmp"))
		dir = "/tmp";
	snprintf(pool_path, sizeof(pool_path), "%s/pmemkv-test-journal-%d", dir, (int)getpid());
	snprintf(jpath, sizeof(jpath), "%s.journal", pool_path);
	fprintf(stderr, "   files: %s (tmpfs: %d)\n", pool_path, pmem_path_is_tmpfs(pool_path));
}

static void
cleanup(void)
{
	unlink(pool_path);
	unlink(jpath);
}

static int
file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* create a pool file whose first 4 KiB carry `tag` (its identity) */
static void
pool_create(uint64_t tag)
{
	cleanup();
	struct pmem_map m;
	T_EQ(pmem_map_file(pool_path, PMEM_FILE_CREATE, POOL_SIZE, PMEM_MODE_MSYNC, &m), 0);
	T_EQ(m.mode, PMEM_MODE_MSYNC);
	uint64_t *h = m.addr;
	for (unsigned i = 0; i < HDR_BYTES / 8; i++)
		h[i] = tag * 0x9E3779B97F4A7C15ull + i;
	pmem_persist_range(&m, h, HDR_BYTES); /* no journal yet: pwrite + fdatasync */
	pmem_unmap_file(&m);
}

static void
pool_open(struct pmem_map *m)
{
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, m), 0);
	T_EQ(pmem_journal_enable(m, pool_path), 0);
	T_ASSERT(m->journal != NULL);
}

static uint64_t *
word(struct pmem_map *m, size_t i)
{
	return (uint64_t *)((char *)m->addr + HDR_BYTES) + i;
}

/* ---------------------------------------------------------------------- */

static void
test_no_journal_path(void)
{
	/* without a journal: pwrite + fdatasync; unflushed stores never reach
	 * the file (MAP_PRIVATE) */
	pool_create(1);
	struct pmem_map m;
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
	*word(&m, 0) = 11;
	*word(&m, 1) = 22;
	pmem_flush_range(&m, word(&m, 0), 8);
	pmem_barrier(&m);
	pmem_unmap_file(&m);
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
	T_EQU(*word(&m, 0), 11);
	T_EQU(*word(&m, 1), 0);
	pmem_unmap_file(&m);
	/* enable is a no-op in process mode */
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_PROCESS, &m), 0);
	T_EQ(pmem_journal_enable(&m, pool_path), 0);
	T_ASSERT(m.journal == NULL);
	T_ASSERT(!file_exists(jpath));
	pmem_unmap_file(&m);
	cleanup();
}

static void
test_round_trip(void)
{
	pool_create(2);
	struct pmem_map m;
	pool_open(&m);
	T_ASSERT(file_exists(jpath));
	for (size_t i = 0; i < 1000; i++) {
		*word(&m, i) = i * 3 + 1;
		pmem_flush_range(&m, word(&m, i), 8);
		if (i % 10 == 9)
			pmem_barrier(&m);
		if (i % 100 == 99)
			pmem_fence(&m);
	}
	/* odd sizes, unaligned, copy/set helpers */
	char buf[5000];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 1);
	pmem_copy_nodrain(&m, (char *)m.addr + 100003, buf, sizeof(buf));
	pmem_set_nodrain(&m, (char *)m.addr + 200001, 0x5a, 3333);
	pmem_fence(&m);
	/* never flushed: not durable */
	*word(&m, 5000) = 77;
	pmem_unmap_file(&m);
	T_ASSERT(!file_exists(jpath));

	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
	for (size_t i = 0; i < 1000; i++)
		T_EQU(*word(&m, i), i * 3 + 1);
	T_EQU(*word(&m, 5000), 0);
	T_MEMEQ((char *)m.addr + 100003, buf, sizeof(buf));
	for (size_t i = 0; i < 3333; i++)
		T_EQ(((unsigned char *)m.addr)[200001 + i], 0x5a);
	pmem_unmap_file(&m);
	cleanup();
}

static void
test_ebusy(void)
{
	pool_create(3);
	struct pmem_map a, b;
	pool_open(&a);
	T_EQ(pmem_journal_enable(&a, pool_path), -EBUSY);
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &b), 0);
	T_EQ(pmem_journal_enable(&b, pool_path), -EBUSY);
	fprintf(stderr, "   message: %s\n", err_get());
	T_ASSERT(b.journal == NULL);
	pmem_unmap_file(&b);
	pmem_unmap_file(&a);
	cleanup();
}

/* ---------------------------------------------------------------------- */
/* a child that writes and dies without unmapping: the journal stays      */

/* write values 1..n: word i = i*1000+7, each persisted with its own fence */
static void
child_write_and_die(size_t n, size_t limit)
{
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		struct pmem_map m;
		pool_open(&m);
		if (limit)
			pmem_journal_test_set_limit(&m, limit);
		for (size_t i = 1; i <= n; i++) {
			*word(&m, i) = i * 1000 + 7;
			pmem_persist_range(&m, word(&m, i), 8);
		}
		_exit(0); /* no unmap: no checkpoint, the journal is left */
	}
	int st;
	T_EQ(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	T_ASSERT(file_exists(jpath));
}

static void
test_replay_after_exit(void)
{
	pool_create(4);
	child_write_and_die(300, 0);
	struct pmem_map m;
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
	T_EQU(*word(&m, 300), 0); /* the pool file itself was never written */
	pmem_unmap_file(&m);
	pool_open(&m); /* replays */
	for (size_t i = 1; i <= 300; i++)
		T_EQU(*word(&m, i), i * 1000 + 7);
	pmem_unmap_file(&m);
	/* and after replay + clean close, the file holds it without a journal */
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
	for (size_t i = 1; i <= 300; i++)
		T_EQU(*word(&m, i), i * 1000 + 7);
	pmem_unmap_file(&m);
	cleanup();
}

/* last nonzero byte of the journal file (inside the last batch) */
static off_t
journal_last_nonzero(void)
{
	int fd = open(jpath, O_RDONLY);
	T_ASSERT(fd >= 0);
	struct stat st;
	T_EQ(fstat(fd, &st), 0);
	unsigned char *b = malloc((size_t)st.st_size);
	T_EQ(pread(fd, b, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	off_t i = st.st_size - 1;
	while (i > 0 && b[i] == 0)
		i--;
	free(b);
	return i;
}

static void
flip_byte(const char *path, off_t off)
{
	int fd = open(path, O_RDWR);
	T_ASSERT(fd >= 0);
	unsigned char c;
	T_EQ(pread(fd, &c, 1, off), 1);
	c ^= 0x40;
	T_EQ(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

static void
test_corrupted_tail_ignored(void)
{
	pool_create(5);
	child_write_and_die(50, 0);
	flip_byte(jpath, journal_last_nonzero()); /* inside the value of batch 50 */
	struct pmem_map m;
	pool_open(&m);
	for (size_t i = 1; i < 50; i++)
		T_EQU(*word(&m, i), i * 1000 + 7);
	T_EQU(*word(&m, 50), 0);
	pmem_unmap_file(&m);

	/* a corrupted batch in the middle: replay stops there */
	pool_create(6);
	child_write_and_die(50, 0);
	/* batch k starts at 4096 + (k-1) * (64 + 16 + 8) */
	flip_byte(jpath, 4096 + 19 * 88 + 70); /* batch 20's range header */
	pool_open(&m);
	for (size_t i = 1; i < 20; i++)
		T_EQU(*word(&m, i), i * 1000 + 7);
	for (size_t i = 20; i <= 50; i++)
		T_EQU(*word(&m, i), 0);
	pmem_unmap_file(&m);
	cleanup();
}

static void
test_stale_journal_discarded(void)
{
	pool_create(7);
	child_write_and_die(20, 0);
	/* the pool is recreated at the same path: a different header */
	char keep[700];
	snprintf(keep, sizeof(keep), "%s.keep", jpath);
	T_EQ(rename(jpath, keep), 0);
	pool_create(8);
	T_EQ(rename(keep, jpath), 0);
	struct pmem_map m;
	pool_open(&m);
	for (size_t i = 1; i <= 20; i++)
		T_EQU(*word(&m, i), 0);
	pmem_unmap_file(&m);
	cleanup();
}

/* rewrite batch 1 of the journal with a range outside the pool, valid hash */
static void
test_out_of_range_refused(void)
{
	static const uint64_t bad_offs[] = {POOL_SIZE - 4, POOL_SIZE, UINT64_MAX - 3,
					    (uint64_t)1 << 62};
	for (size_t k = 0; k < ARRAY_SIZE(bad_offs); k++) {
		pool_create(9);
		child_write_and_die(3, 0);
		int fd = open(jpath, O_RDWR);
		T_ASSERT(fd >= 0);
		unsigned char b[88];
		T_EQ(pread(fd, b, sizeof(b), 4096 + 88), (ssize_t)sizeof(b)); /* batch 2 */
		struct journal_batch h;
		struct journal_range r;
		memcpy(&h, b, 64);
		memcpy(&r, b + 64, 16);
		T_EQU(h.magic, JRNL_BATCH_MAGIC);
		T_EQU(h.seq, 2);
		r.off = bad_offs[k];
		memcpy(b + 64, &r, 16);
		h.hash = 0;
		memcpy(b, &h, 64);
		uint64_t hh = hash64(b, 64, h.generation);
		h.hash = hash64(b + 64, sizeof(b) - 64, hh);
		memcpy(b, &h, 64);
		T_EQ(pwrite(fd, b, sizeof(b), 4096 + 88), (ssize_t)sizeof(b));
		close(fd);
		struct pmem_map m;
		T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
		T_EQ(pmem_journal_enable(&m, pool_path), -EINVAL);
		fprintf(stderr, "   message: %s\n", err_get());
		T_ASSERT(m.journal == NULL);
		/* nothing applied, not even batch 1 */
		T_EQU(*word(&m, 1), 0);
		pmem_unmap_file(&m);
		T_ASSERT(file_exists(jpath)); /* left for the user to inspect */
	}
	cleanup();
}

/* ---------------------------------------------------------------------- */
/* crash at a random moment; acknowledged values present, order respected */

#define CR_THREADS 2
#define CR_REC 128			/* record size */
#define CR_NREC 64			/* records per thread (ring) */
#define CR_AREA (8 + CR_NREC * CR_REC) /* per thread: counter + records */

static struct pmem_map cr_map;

static unsigned char *
cr_area(struct pmem_map *m, int t)
{
	return (unsigned char *)m->addr + HDR_BYTES + (size_t)t * 16384;
}

static void
cr_record(unsigned char *dst, int t, uint64_t i)
{
	for (size_t k = 0; k < CR_REC; k += 8) {
		uint64_t v = (i << 16) ^ ((uint64_t)t << 8) ^ k ^ 0xA5A5000000000000ull;
		memcpy(dst + k, &v, 8);
	}
}

struct cr_arg {
	int t, fd;
};

static void *
cr_worker(void *arg)
{
	struct cr_arg *a = arg;
	unsigned char *base = cr_area(&cr_map, a->t);
	uint64_t *counter = (uint64_t *)base;
	for (uint64_t i = *counter + 1;; i++) {
		/* a put's shape: record, flush, barrier, 8-byte publish, fence */
		unsigned char *rec = base + 64 + (i % CR_NREC) * CR_REC;
		cr_record(rec, a->t, i);
		pmem_flush_range(&cr_map, rec, CR_REC);
		pmem_barrier(&cr_map);
		__atomic_store_n(counter, i, __ATOMIC_RELEASE);
		pmem_flush_range(&cr_map, counter, 8);
		pmem_fence(&cr_map);
		uint64_t ack[2] = {(uint64_t)a->t, i};
		if (write(a->fd, ack, sizeof(ack)) != (ssize_t)sizeof(ack))
			_exit(3);
	}
	return NULL;
}

static void
cr_check(uint64_t acked[CR_THREADS])
{
	struct pmem_map m;
	pool_open(&m);
	for (int t = 0; t < CR_THREADS; t++) {
		unsigned char *base = cr_area(&m, t);
		uint64_t c = *(uint64_t *)base;
		if (c < acked[t])
			T_FAIL("thread %d: counter %llu < acknowledged %llu", t,
			       (unsigned long long)c, (unsigned long long)acked[t]);
		/* ordering: the records up to the counter are all there (record
		 * c+1 may already overwrite c+1-CR_NREC: check the 63 before) */
		unsigned char want[CR_REC];
		for (uint64_t i = c > CR_NREC - 2 ? c - (CR_NREC - 2) : 1; i <= c && c > 0; i++) {
			cr_record(want, t, i);
			T_MEMEQ(base + 64 + (i % CR_NREC) * CR_REC, want, CR_REC);
		}
		/* no garbage: the slot after the counter is zero, record c+1 or
		 * record c+1-CR_NREC */
		uint64_t n = c + 1;
		unsigned char *r = base + 64 + (n % CR_NREC) * CR_REC;
		unsigned char z[CR_REC] = {0};
		int ok = memcmp(r, z, CR_REC) == 0;
		cr_record(want, t, n);
		ok |= memcmp(r, want, CR_REC) == 0;
		if (n > CR_NREC) {
			cr_record(want, t, n - CR_NREC);
			ok |= memcmp(r, want, CR_REC) == 0;
		}
		T_ASSERT(ok);
	}
	pmem_unmap_file(&m);
}

static void
test_crash_random(void)
{
	pool_create(10);
	uint64_t acked[CR_THREADS] = {0};
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	fprintf(stderr, "   seed %u\n", seed);
	srand(seed);
	/* JOURNAL_TEST_ROUNDS=N for a longer run by hand */
	const char *er = getenv("JOURNAL_TEST_ROUNDS");
	const int rounds = er != NULL && atoi(er) > 0 ? atoi(er) : 40;
	uint64_t total = 0;
	for (int round = 0; round < rounds; round++) {
		int p[2];
		T_EQ(pipe(p), 0);
		pid_t pid = fork();
		T_ASSERT(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			pool_open(&cr_map);
			/* small journal: checkpoints happen inside the rounds */
			pmem_journal_test_set_limit(&cr_map, 64 * 1024);
			pthread_t th[CR_THREADS];
			struct cr_arg args[CR_THREADS];
			for (int t = 0; t < CR_THREADS; t++) {
				args[t].t = t;
				args[t].fd = p[1];
				pthread_create(&th[t], NULL, cr_worker, &args[t]);
			}
			for (;;)
				pause();
		}
		close(p[1]);
		int want = rand() % 400; /* acks to wait for before the kill */
		int extra_us = rand() % 3000;
		for (int k = 0; k < want; k++) {
			uint64_t ack[2];
			if (read(p[0], ack, sizeof(ack)) != (ssize_t)sizeof(ack))
				T_FAIL("child died early");
			acked[ack[0]] = ack[1];
			total++;
		}
		usleep((useconds_t)extra_us);
		kill(pid, SIGKILL);
		/* acknowledgements already in the pipe count too */
		uint64_t ack[2];
		while (read(p[0], ack, sizeof(ack)) == (ssize_t)sizeof(ack))
			acked[ack[0]] = ack[1];
		close(p[0]);
		int st;
		T_EQ(waitpid(pid, &st, 0), pid);
		T_ASSERT(WIFSIGNALED(st));
		cr_check(acked);
	}
	fprintf(stderr, "   %d rounds, %llu acknowledged puts, last counters %llu %llu\n", rounds,
		(unsigned long long)total, (unsigned long long)acked[0],
		(unsigned long long)acked[1]);
	cleanup();
}

/*
 * Power loss keeps any prefix of the journal's appends that an fdatasync
 * did not cover yet: truncate the journal at random points and check the
 * barrier order (a counter never durable without its record).
 */
static void
test_truncated_prefixes(void)
{
	pool_create(11);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		pool_open(&cr_map);
		unsigned char *base = cr_area(&cr_map, 0);
		uint64_t *counter = (uint64_t *)base;
		for (uint64_t i = 1; i <= 200; i++) {
			unsigned char *rec = base + 64 + (i % CR_NREC) * CR_REC;
			cr_record(rec, 0, i);
			pmem_flush_range(&cr_map, rec, CR_REC);
			pmem_barrier(&cr_map);
			*counter = i;
			pmem_flush_range(&cr_map, counter, 8);
			if (i % 3 == 0)
				pmem_fence(&cr_map);
		}
		pmem_fence(&cr_map);
		_exit(0);
	}
	int st;
	T_EQ(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* keep copies of both files */
	struct stat sj;
	T_EQ(stat(jpath, &sj), 0);
	int fd = open(jpath, O_RDONLY);
	unsigned char *jcopy = malloc((size_t)sj.st_size);
	T_EQ(pread(fd, jcopy, (size_t)sj.st_size, 0), sj.st_size);
	close(fd);
	/* batches end 8-aligned; the last value's high bytes are zero */
	off_t used = (off_t)ALIGN_UP((uint64_t)journal_last_nonzero() + 1, 8);
	uint64_t last_c = 0;
	for (int k = 0; k <= 24; k++) {
		off_t cut = k == 24 ? used : 4096 + (off_t)((uint64_t)(used - 4096) * (unsigned)k / 24);
		fd = open(jpath, O_WRONLY | O_TRUNC | O_CREAT, 0666);
		T_ASSERT(fd >= 0);
		T_EQ(pwrite(fd, jcopy, (size_t)cut, 0), cut);
		close(fd);
		struct pmem_map m;
		pool_open(&m);
		uint64_t c = *(uint64_t *)cr_area(&m, 0);
		T_ASSERT(c >= last_c); /* a longer prefix never holds less */
		last_c = c;
		unsigned char want[CR_REC];
		for (uint64_t i = c > CR_NREC - 2 ? c - (CR_NREC - 2) : 1; i <= c && c > 0; i++) {
			cr_record(want, 0, i);
			T_MEMEQ(cr_area(&m, 0) + 64 + (i % CR_NREC) * CR_REC, want, CR_REC);
		}
		/* the clean close checkpoints into the pool file: recreate it
		 * (same identity) to cut again from the original state */
		pmem_unmap_file(&m);
		T_ASSERT(!file_exists(jpath));
		pool_create(11);
	}
	T_EQU(last_c, 200);
	free(jcopy);
	cleanup();
}

/* a flush larger than a batch: split into consecutive batches, replayed */
static void
test_huge_flush(void)
{
	pool_create(15);
	const size_t off = 1u << 20, len = (6u << 20) + 13;
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		struct pmem_map m;
		pool_open(&m);
		unsigned char *p = (unsigned char *)m.addr + off;
		for (size_t i = 0; i < len; i++)
			p[i] = (unsigned char)(i % 251 + 1);
		pmem_flush_range(&m, p, len);
		pmem_fence(&m);
		_exit(0);
	}
	int st;
	T_EQ(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	struct stat sj;
	T_EQ(stat(jpath, &sj), 0);
	T_ASSERT((size_t)sj.st_size > len);
	struct pmem_map m;
	pool_open(&m);
	unsigned char *p = (unsigned char *)m.addr + off;
	for (size_t i = 0; i < len; i++)
		if (p[i] != (unsigned char)(i % 251 + 1))
			T_FAIL("byte %zu", i);
	T_EQ(p[-1], 0);
	T_EQ(p[len], 0);
	pmem_unmap_file(&m);
	cleanup();
}

/* ---------------------------------------------------------------------- */

#define GC_THREADS 4
#define GC_FENCES 150

static struct pmem_map gc_map;

static void *
gc_worker(void *arg)
{
	size_t t = (size_t)arg;
	for (uint64_t i = 1; i <= GC_FENCES; i++) {
		uint64_t *w = word(&gc_map, t * 64 + i % 32);
		*w = i;
		pmem_flush_range(&gc_map, w, 8);
		pmem_barrier(&gc_map);
		uint64_t *w2 = word(&gc_map, t * 64 + 32 + i % 32);
		*w2 = i;
		pmem_flush_range(&gc_map, w2, 8);
		pmem_fence(&gc_map);
	}
	return NULL;
}

static void
test_group_commit(void)
{
	pool_create(12);
	pool_open(&gc_map);
	uint64_t s0 = pmem_journal_test_syncs(&gc_map);
	pthread_t th[GC_THREADS];
	for (size_t t = 0; t < GC_THREADS; t++)
		T_EQ(pthread_create(&th[t], NULL, gc_worker, (void *)t), 0);
	for (size_t t = 0; t < GC_THREADS; t++)
		T_EQ(pthread_join(th[t], NULL), 0);
	uint64_t syncs = pmem_journal_test_syncs(&gc_map) - s0;
	fprintf(stderr, "   %d fences, %llu journal fdatasyncs\n", GC_THREADS * GC_FENCES,
		(unsigned long long)syncs);
	T_ASSERT(syncs < (uint64_t)GC_THREADS * GC_FENCES);
	T_ASSERT(syncs > 0);
	pmem_unmap_file(&gc_map);
	cleanup();
}

static void
test_checkpoints(void)
{
	pool_create(13);
	struct pmem_map m;
	pool_open(&m);
	pmem_journal_test_set_limit(&m, 16 * 1024);
	for (size_t i = 0; i < 2000; i++) {
		*word(&m, (i * 37) % 20000) = i + 1;
		pmem_flush_range(&m, word(&m, (i * 37) % 20000), 8);
		if (i % 4 == 3)
			pmem_fence(&m);
	}
	pmem_fence(&m);
	uint64_t n = pmem_journal_test_checkpoints(&m);
	fprintf(stderr, "   %llu checkpoints\n", (unsigned long long)n);
	T_ASSERT(n >= 5);
	/* after a checkpoint the file itself holds the data (without journal) */
	struct pmem_map raw;
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &raw), 0);
	size_t present = 0;
	for (size_t i = 0; i < 2000; i++)
		present += *word(&raw, (i * 37) % 20000) == i + 1;
	T_ASSERT(present > 0);
	pmem_unmap_file(&raw);
	pmem_unmap_file(&m);
	T_EQ(pmem_map_file(pool_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
	for (size_t i = 0; i < 2000; i++)
		T_EQU(*word(&m, (i * 37) % 20000), i + 1);
	pmem_unmap_file(&m);
	cleanup();
}

/* the simulator sees a barrier as a fence */
static int hook_fences, hook_flushes;
static void
hf(void *c, const void *a, size_t l)
{
	(void)c;
	(void)a;
	(void)l;
	hook_flushes++;
}
static void
hF(void *c)
{
	(void)c;
	hook_fences++;
}

static void
test_sim_hooks(void)
{
	pool_create(14);
	struct pmem_map m;
	pool_open(&m);
	struct pmem_sim_hooks h = {hf, hF, NULL};
	pmem_sim_install(&h);
	*word(&m, 0) = 1;
	pmem_flush_range(&m, word(&m, 0), 8);
	pmem_barrier(&m);
	pmem_fence(&m);
	pmem_sim_install(NULL);
	T_EQ(hook_flushes, 1);
	T_EQ(hook_fences, 2);
	pmem_unmap_file(&m);
	cleanup();
}

/* one thread, journals opened and closed in turn: the thread's pending list
 * of a closed journal is dropped at the next journal's first flush (the
 * pend_get miss path), and nothing of the old list leaks into the new one */
static void
test_journal_reopen_same_thread(void)
{
	pool_create(9);
	for (uint64_t round = 1; round <= 4; round++) {
		struct pmem_map m;
		pool_open(&m);
		T_EQU(*word(&m, 0), round - 1);
		*word(&m, 0) = round;
		pmem_flush_range(&m, word(&m, 0), 8);
		/* a flushed, never fenced range: sealed by the close */
		*word(&m, 1) = round * 10;
		pmem_fence(&m);
		pmem_flush_range(&m, word(&m, 1), 8);
		pmem_unmap_file(&m);
		T_ASSERT(!file_exists(jpath));
	}
	struct pmem_map m;
	pool_open(&m);
	T_EQU(*word(&m, 0), 4);
	T_EQU(*word(&m, 1), 40);
	pmem_unmap_file(&m);
	cleanup();
}

int
main(void)
{
	paths_init();
	T_RUN(test_no_journal_path);
	T_RUN(test_round_trip);
	T_RUN(test_journal_reopen_same_thread);
	T_RUN(test_ebusy);
	T_RUN(test_replay_after_exit);
	T_RUN(test_corrupted_tail_ignored);
	T_RUN(test_stale_journal_discarded);
	T_RUN(test_out_of_range_refused);
	T_RUN(test_sim_hooks);
	T_RUN(test_checkpoints);
	T_RUN(test_huge_flush);
	T_RUN(test_group_commit);
	T_RUN(test_truncated_prefixes);
	T_RUN(test_crash_random);
	cleanup();
	fprintf(stderr, "OK\n");
	return 0;
}
