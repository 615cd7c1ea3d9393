/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench.c -- pmemkv-bench: a db_bench-style benchmark of libpmemkv, written
 * against the public C API only (libpmemkv.h).
 *
 *   pmemkv-bench [--benchmarks=fillrandom,overwrite,readrandom,...]
 *                [--engine=cmap|blackhole|...|dram] [--baseline]
 *                [--threads=N] [--num=N] [--reads=N] [--key-size=16]
 *                [--value-size=100] [--path=P] [--size=BYTES]
 *                [--durability=auto|pmem|msync|process] [--use-existing]
 *                [--keep] [--seed=N] [--histogram]
 *                [--crash-after-fill[=exit|kill]] [--open-reps=N]
 *
 * Workloads run in the order given, on the same store (like db_bench):
 *   fillseq, fillrandom  insert keys 0..num-1 (in order / in random order;
 *                        each key exactly once); thread t owns the slice
 *                        [t*num/T, (t+1)*num/T) of a permutation of the keys
 *   overwrite            put every key again (new random order), same slices
 *   readrandom           `reads` gets of keys drawn uniformly from 0..num-1,
 *                        split over the threads
 *   readmissing          the same with keys never inserted (see make_key)
 *   deleterandom         remove every key once, random order, same slices
 *   readwhilewriting     `threads` readers as readrandom, plus one writer
 *                        overwriting random keys until the readers finish;
 *                        reports the readers
 *   open                 close the store and time pmemkv_open of the pool
 *                        (`open-reps` times; min and median reported)
 *
 * Keys are key-size bytes: key i is 2*i in zero-padded decimal (readmissing
 * uses 2*i+1). Values are value-size bytes taken from a fixed pseudo-random
 * buffer of printable bytes.
 *
 * Every operation is timed with clock_gettime(CLOCK_MONOTONIC) into a
 * per-thread histogram (one clock read per op: the interval covers the key
 * formatting and loop overhead, ~10 ns, plus the call); histograms are merged
 * per workload (--no-latency: no clock reads, no percentiles). ops/s = total
 * ops / wall time of the workload (first thread start to last thread end);
 * ns/op = mean time a thread spent per op; "cpu X ns/op" = the same in thread
 * CPU time (CLOCK_THREAD_CPUTIME_ID): when it is well below ns/op the threads
 * were descheduled (or slept on a lock).
 *
 * --baseline runs the same workloads on the DRAM hash table of bench_dram.c
 * first, then on the engine, and prints "x of dram" = engine ops/s / dram
 * ops/s. --engine=dram runs the baseline alone. --lmdb (when built with
 * liblmdb, see bench_lmdb.h) runs them on LMDB too and adds "x of lmdb".
 *
 * --crash-after-fill: a forked child creates the pool, runs fillrandom and
 * dies without pmemkv_close (_exit(0), or SIGKILL with =kill); the parent then
 * times pmemkv_open of that pool ("open-after-crash"), checks the record
 * count, and runs the --benchmarks list on the reopened store.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpmemkv.h>

#include "bench_dram.h"
#include "bench_hist.h"
#ifdef PMEMKV_BENCH_LMDB
#include "bench_lmdb.h"
#endif

#define MiB (1024.0 * 1024.0)
#define MAX_WORKLOADS 32
#define VALUE_SLACK 256 /* values start at one of 256 offsets in the buffer */

enum wl_kind {
	WL_FILLSEQ,
	WL_FILLRANDOM,
	WL_OVERWRITE,
	WL_READRANDOM,
	WL_READMISSING,
	WL_DELETERANDOM,
	WL_READWHILEWRITING,
	WL_OPEN,
};

static const struct {
	const char *name;
	enum wl_kind kind;
} wl_table[] = {
	{"fillseq", WL_FILLSEQ},
	{"fillrandom", WL_FILLRANDOM},
	{"overwrite", WL_OVERWRITE},
	{"readrandom", WL_READRANDOM},
	{"readmissing", WL_READMISSING},
	{"deleterandom", WL_DELETERANDOM},
	{"readwhilewriting", WL_READWHILEWRITING},
	{"open", WL_OPEN},
};

/* Options. */
static struct {
	enum wl_kind wl[MAX_WORKLOADS];
	int nwl;
	unsigned threads;
	uint64_t num;
	uint64_t reads;
	size_t key_size;
	size_t value_size;
	const char *engine;
	const char *path;
	uint64_t size;
	const char *durability;
	bool use_existing;
	bool keep;
	uint64_t seed;
	bool histogram;
	bool no_latency;
	bool baseline;
	bool lmdb;
	int crash; /* 0 none, 1 _exit, 2 SIGKILL */
	unsigned open_reps;
} opt;

/* One result row. */
struct result {
	const char *store; /* "dram" or the engine name */
	const char *name;
	enum wl_kind kind;
	uint64_t ops;
	uint64_t found;
	double ops_s;
	double ns_op;
	double cpu_ns_op;      /* thread CPU time per op (CLOCK_THREAD_CPUTIME_ID) */
	double p50, p99, p999; /* ns */
	double writer_ops_s;   /* readwhilewriting */
	double open_ms_min, open_ms_med;
	bool have_stats;
	pmemkv_stats stats;
};

static struct result results[3 * MAX_WORKLOADS + 4]; /* dram, lmdb, engine + crash rows */
static int nresults;

/* The store under test: a pmemkv db or the DRAM table. */
struct store {
	const char *name;
	pmemkv_db *db;
	struct dram_table *dram;
#ifdef PMEMKV_BENCH_LMDB
	struct lmdb_store *lmdb;
#endif
};

#ifdef PMEMKV_BENCH_LMDB
#define ST_LMDB(st) ((st)->lmdb)
#else
#define ST_LMDB(st) ((void)(st), 0)
#endif

/*
 * OP_TIMED -- after an op: record its latency (one clock read per op, the
 * interval since the previous read), unless --no-latency.
 */
#define OP_TIMED(w, t0)                                                         \
	do {                                                                    \
		if (!opt.no_latency) {                                          \
			uint64_t t1_ = now_ns();                                \
			bench_hist_add(&(w)->hist, t1_ - (t0));                 \
			(t0) = t1_;                                             \
		}                                                               \
	} while (0)

/* Shared, read-only during a workload. */
static char *value_buf;
static uint64_t *perm;
static unsigned key_digits; /* decimal digits written per key */

/* ---------------------------------------------------------------- utils */

static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "pmemkv-bench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

/* parse_u64 -- decimal with an optional K/M/G/T suffix (powers of 1024). */
static uint64_t
parse_u64(const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		die("bad number for %s", what);
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if (*end != '\0')
		die("bad number for %s", what);
	if (shift && v > (UINT64_MAX >> shift))
		die("number too large for %s", what);
	return (uint64_t)v << shift;
}

/*
 * make_key -- key number idx (0 <= idx < num) is the zero-padded decimal of
 * 2*idx; make_missing_key writes 2*idx+1, a key never inserted that sorts
 * between two inserted ones (so a sorted store gets no easy path for it).
 */
static inline void
write_decimal(char *buf, uint64_t x)
{
	/* the leading key_size - key_digits bytes are '0', set once per buffer */
	for (unsigned i = (unsigned)opt.key_size; i > opt.key_size - key_digits; i--) {
		buf[i - 1] = (char)('0' + x % 10);
		x /= 10;
	}
}

static inline void
make_key(char *buf, uint64_t idx)
{
	write_decimal(buf, 2 * idx);
}

static inline void
make_missing_key(char *buf, uint64_t idx)
{
	write_decimal(buf, 2 * idx + 1);
}

static void
shuffle(uint64_t seed)
{
	uint64_t s = seed;
	for (uint64_t i = 0; i < opt.num; i++)
		perm[i] = i;
	for (uint64_t i = opt.num; i > 1; i--) {
		uint64_t j = splitmix64(&s) % i;
		uint64_t t = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}

/* ------------------------------------------------------------ the store */

static pmemkv_config *
make_config(bool create)
{
	pmemkv_config *cfg = pmemkv_config_new();
	if (!cfg)
		die("%s", "pmemkv_config_new failed");
	int r = pmemkv_config_put_path(cfg, opt.path);
	if (r == PMEMKV_STATUS_OK && create) {
		r = pmemkv_config_put_size(cfg, opt.size);
		if (r == PMEMKV_STATUS_OK)
			r = pmemkv_config_put_create_if_missing(cfg, true);
	}
	if (r == PMEMKV_STATUS_OK && opt.durability)
		r = pmemkv_config_put_string(cfg, "durability", opt.durability);
	if (r != PMEMKV_STATUS_OK)
		die("config: %s", pmemkv_errormsg());
	return cfg;
}

/* store_open -- open (create) the pool; exits with pmemkv_errormsg() on failure. */
static void
store_open(struct store *st, bool create)
{
	pmemkv_config *cfg = make_config(create);
	/* pmemkv_open consumes the config, whatever the outcome */
	int r = pmemkv_open(st->name, cfg, &st->db);
	if (r != PMEMKV_STATUS_OK) {
		fprintf(stderr, "pmemkv-bench: pmemkv_open(%s, %s) failed (status %d): %s\n",
			st->name, opt.path, r, pmemkv_errormsg());
		exit(1);
	}
}

static int
st_put(struct store *st, const char *k, size_t kb, const char *v, size_t vb)
{
#ifdef PMEMKV_BENCH_LMDB
	if (st->lmdb)
		return lmdb_store_put(st->lmdb, k, kb, v, vb) == 0 ? PMEMKV_STATUS_OK
								   : PMEMKV_STATUS_UNKNOWN_ERROR;
#endif
	if (st->dram)
		return dram_put(st->dram, k, kb, v, vb) == 0 ? PMEMKV_STATUS_OK
							      : PMEMKV_STATUS_OUT_OF_MEMORY;
	return pmemkv_put(st->db, k, kb, v, vb);
}

struct get_arg {
	char *buf;
	size_t cap;
	size_t len;
};

static void
get_cb(const char *v, size_t vb, void *arg)
{
	struct get_arg *a = arg;
	memcpy(a->buf, v, vb < a->cap ? vb : a->cap);
	a->len = vb;
}

static int
st_get(struct store *st, const char *k, size_t kb, struct get_arg *ga)
{
#ifdef PMEMKV_BENCH_LMDB
	if (st->lmdb) {
		int r = lmdb_store_get(st->lmdb, k, kb, ga->buf, ga->cap, &ga->len);
		return r == 0 ? PMEMKV_STATUS_OK
			      : r == 1 ? PMEMKV_STATUS_NOT_FOUND : PMEMKV_STATUS_UNKNOWN_ERROR;
	}
#endif
	if (st->dram)
		return dram_get(st->dram, k, kb, ga->buf, ga->cap, &ga->len) == 0
			? PMEMKV_STATUS_OK
			: PMEMKV_STATUS_NOT_FOUND;
	return pmemkv_get(st->db, k, kb, get_cb, ga);
}

static int
st_remove(struct store *st, const char *k, size_t kb)
{
#ifdef PMEMKV_BENCH_LMDB
	if (st->lmdb) {
		int r = lmdb_store_remove(st->lmdb, k, kb);
		return r == 0 ? PMEMKV_STATUS_OK
			      : r == 1 ? PMEMKV_STATUS_NOT_FOUND : PMEMKV_STATUS_UNKNOWN_ERROR;
	}
#endif
	if (st->dram)
		return dram_remove(st->dram, k, kb) == 0 ? PMEMKV_STATUS_OK
							 : PMEMKV_STATUS_NOT_FOUND;
	return pmemkv_remove(st->db, k, kb);
}

static bool
st_stats(struct store *st, pmemkv_stats *s)
{
	if (st->dram) {
		s->durability = "dram";
		dram_stats(st->dram, &s->records, &s->used_bytes);
		s->pool_size = s->used_bytes;
		return true;
	}
#ifdef PMEMKV_BENCH_LMDB
	if (st->lmdb) {
		s->durability = opt.durability && strcmp(opt.durability, "process") &&
				strcmp(opt.durability, "auto") ? "lmdb-fsync" : "lmdb-nosync";
		lmdb_store_stats(st->lmdb, &s->records, &s->used_bytes);
		s->pool_size = s->used_bytes;
		return true;
	}
#endif
	int r = pmemkv_get_stats(st->db, s);
	if (r != PMEMKV_STATUS_OK) {
		fprintf(stderr, "pmemkv-bench: pmemkv_get_stats: %s\n", pmemkv_errormsg());
		return false;
	}
	return true;
}

/* -------------------------------------------------------------- workers */

struct worker {
	pthread_t tid;
	unsigned id;
	struct store *st;
	enum wl_kind kind;
	bool writer; /* the extra writer of readwhilewriting */
	uint64_t lo, hi; /* slice of perm / index range */
	uint64_t nops;	 /* for reads */
	uint64_t seed;
	pthread_barrier_t *barrier;
	atomic_bool *stop;
	atomic_uint *readers_left;
	/* results */
	uint64_t ops, found;
	uint64_t t_start, t_end;
	uint64_t cpu_start, cpu_end;
	int err; /* status of the first failure, 0 if none */
	char errmsg[256];
	struct bench_hist hist;
};

static void
worker_fail(struct worker *w, int status, const char *op)
{
	w->err = status;
	const char *msg = w->st->dram ? "dram table out of memory" : pmemkv_errormsg();
#ifdef PMEMKV_BENCH_LMDB
	if (w->st->lmdb)
		msg = lmdb_store_errmsg();
#endif
	snprintf(w->errmsg, sizeof(w->errmsg), "%s failed (status %d): %s", op, status, msg);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	char *key = malloc(opt.key_size ? opt.key_size : 1);
	char *vbuf = malloc(opt.value_size + 1);
	if (!key || !vbuf) {
		w->err = PMEMKV_STATUS_OUT_OF_MEMORY;
		snprintf(w->errmsg, sizeof(w->errmsg), "out of memory");
	}
	if (key)
		memset(key, '0', opt.key_size);
	struct get_arg ga = {vbuf, opt.value_size + 1, 0};
	uint64_t rng = w->seed | 1;
	const size_t ks = opt.key_size, vs = opt.value_size;

	pthread_barrier_wait(w->barrier);
	w->cpu_start = thread_cpu_ns();
	uint64_t t0 = now_ns();
	w->t_start = t0;
	if (w->err)
		goto out;

	switch (w->kind) {
	case WL_FILLSEQ:
	case WL_FILLRANDOM:
	case WL_OVERWRITE:
		for (uint64_t i = w->lo; i < w->hi; i++) {
			uint64_t idx = w->kind == WL_FILLSEQ ? i : perm[i];
			make_key(key, idx);
			int r = st_put(w->st, key, ks, value_buf + (idx & (VALUE_SLACK - 1)), vs);
			OP_TIMED(w, t0);
			if (r != PMEMKV_STATUS_OK) {
				worker_fail(w, r, "put");
				break;
			}
			w->ops++;
		}
		break;
	case WL_DELETERANDOM:
		for (uint64_t i = w->lo; i < w->hi; i++) {
			make_key(key, perm[i]);
			int r = st_remove(w->st, key, ks);
			OP_TIMED(w, t0);
			if (r == PMEMKV_STATUS_OK)
				w->found++;
			else if (r != PMEMKV_STATUS_NOT_FOUND) {
				worker_fail(w, r, "remove");
				break;
			}
			w->ops++;
		}
		break;
	case WL_READRANDOM:
	case WL_READMISSING:
	case WL_READWHILEWRITING:
		if (w->writer) {
			while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
				uint64_t idx = xorshift64(&rng) % opt.num;
				make_key(key, idx);
				int r = st_put(w->st, key, ks,
					       value_buf + (idx & (VALUE_SLACK - 1)), vs);
				if (r != PMEMKV_STATUS_OK) {
					worker_fail(w, r, "put");
					break;
				}
				w->ops++;
			}
			break;
		}
		for (uint64_t i = 0; i < w->nops; i++) {
			uint64_t idx = xorshift64(&rng) % opt.num;
			if (w->kind == WL_READMISSING)
				make_missing_key(key, idx);
			else
				make_key(key, idx);
			int r = st_get(w->st, key, ks, &ga);
			OP_TIMED(w, t0);
			if (r == PMEMKV_STATUS_OK)
				w->found++;
			else if (r != PMEMKV_STATUS_NOT_FOUND) {
				worker_fail(w, r, "get");
				break;
			}
			w->ops++;
		}
		break;
	case WL_OPEN:
		break;
	}
out:
	w->t_end = now_ns();
	w->cpu_end = thread_cpu_ns();
	if (w->readers_left && !w->writer &&
	    atomic_fetch_sub(w->readers_left, 1) == 1)
		atomic_store(w->stop, true);
	free(key);
	free(vbuf);
	return NULL;
}

/* --------------------------------------------------------- the workloads */

static const char *
wl_name(enum wl_kind k)
{
	for (size_t i = 0; i < sizeof(wl_table) / sizeof(wl_table[0]); i++)
		if (wl_table[i].kind == k)
			return wl_table[i].name;
	return "?";
}

static void
print_stats_line(const struct result *res)
{
	const pmemkv_stats *s = &res->stats;
	double per = s->records ? (double)s->used_bytes / (double)s->records : 0;
	printf("    %-9s  pool %.1f MiB, used %.1f MiB, %" PRIu64
	       " records, %.1f bytes/record, durability %s\n",
	       res->store, (double)s->pool_size / MiB, (double)s->used_bytes / MiB,
	       s->records, per, s->durability);
}

static void
print_result(const struct result *res)
{
	if (res->kind == WL_OPEN) {
		printf("%-9s %-17s: %10.3f ms min, %10.3f ms median (%u opens)\n", res->store,
		       res->name, res->open_ms_min, res->open_ms_med,
		       strcmp(res->name, "open") == 0 ? opt.open_reps : 1);
	} else {
		printf("%-9s %-17s: %10.0f ops/s %9.1f ns/op  p50 %8.0f  p99 %8.0f  p99.9 %8.0f ns"
		       "  (%" PRIu64 " ops, %" PRIu64 " found, cpu %.1f ns/op)",
		       res->store, res->name, res->ops_s, res->ns_op, res->p50, res->p99,
		       res->p999, res->ops, res->found, res->cpu_ns_op);
		if (res->kind == WL_READWHILEWRITING)
			printf("  writer %.0f puts/s", res->writer_ops_s);
		printf("\n");
	}
	if (res->have_stats)
		print_stats_line(res);
	fflush(stdout);
}

static struct result *
new_result(struct store *st, const char *name, enum wl_kind kind)
{
	struct result *res = &results[nresults++];
	memset(res, 0, sizeof(*res));
	res->store = st->name;
	res->name = name;
	res->kind = kind;
	return res;
}

/* run_threads -- one workload on `threads` threads (plus a writer for RWW). */
static int
run_threads(struct store *st, enum wl_kind kind, uint64_t wl_seed, struct result *res)
{
	unsigned T = opt.threads;
	unsigned nw = T + (kind == WL_READWHILEWRITING ? 1 : 0);
	struct worker *ws = calloc(nw, sizeof(*ws));
	if (!ws)
		die("%s", "out of memory");
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, nw);
	atomic_bool stop = false;
	atomic_uint readers_left = T;

	if (kind == WL_FILLRANDOM || kind == WL_OVERWRITE || kind == WL_DELETERANDOM)
		shuffle(wl_seed);
	uint64_t reads = opt.reads;
	for (unsigned t = 0; t < nw; t++) {
		struct worker *w = &ws[t];
		w->id = t;
		w->st = st;
		w->kind = kind;
		w->writer = t == T;
		w->lo = opt.num * t / T;
		w->hi = opt.num * (t + 1) / T;
		w->nops = reads / T + (t < reads % T ? 1 : 0);
		uint64_t s = wl_seed + t + 1;
		w->seed = splitmix64(&s);
		w->barrier = &barrier;
		w->stop = &stop;
		w->readers_left = kind == WL_READWHILEWRITING ? &readers_left : NULL;
		bench_hist_init(&w->hist);
		if (pthread_create(&w->tid, NULL, worker_main, w) != 0)
			die("%s", "pthread_create failed");
	}
	struct bench_hist *all = malloc(sizeof(*all));
	if (!all)
		die("%s", "out of memory");
	bench_hist_init(all);
	uint64_t tmin = UINT64_MAX, tmax = 0, busy = 0, cpu = 0;
	int err = 0;
	for (unsigned t = 0; t < nw; t++) {
		struct worker *w = &ws[t];
		pthread_join(w->tid, NULL);
		if (w->err && !err) {
			err = w->err;
			fprintf(stderr, "pmemkv-bench: %s %s: %s\n", res->store, res->name,
				w->errmsg);
		}
		if (w->writer) {
			double sec = (double)(w->t_end - w->t_start) / 1e9;
			res->writer_ops_s = sec > 0 ? (double)w->ops / sec : 0;
			continue;
		}
		bench_hist_merge(all, &w->hist);
		res->ops += w->ops;
		res->found += w->found;
		busy += w->t_end - w->t_start;
		cpu += w->cpu_end - w->cpu_start;
		if (w->t_start < tmin)
			tmin = w->t_start;
		if (w->t_end > tmax)
			tmax = w->t_end;
	}
	pthread_barrier_destroy(&barrier);
	double wall = (double)(tmax - tmin);
	res->ops_s = wall > 0 ? (double)res->ops * 1e9 / wall : 0;
	res->ns_op = res->ops ? (double)busy / (double)res->ops : 0;
	res->cpu_ns_op = res->ops ? (double)cpu / (double)res->ops : 0;
	res->p50 = bench_hist_pct(all, 50);
	res->p99 = bench_hist_pct(all, 99);
	res->p999 = bench_hist_pct(all, 99.9);
	if (opt.histogram) {
		printf("%s %s latency histogram (%" PRIu64 " ops, mean %.1f ns, min %" PRIu64
		       " ns, max %" PRIu64 " ns):\n",
		       res->store, res->name, all->count,
		       all->count ? (double)all->sum / (double)all->count : 0.0,
		       all->count ? all->min : 0, all->max);
		bench_hist_print(stdout, all);
	}
	free(all);
	free(ws);
	return err;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* run_open -- close, then time `open_reps` opens of the pool; leaves it open. */
static int
run_open(struct store *st, struct result *res)
{
	if (st->dram || ST_LMDB(st)) {
		printf("%-9s open             : n/a (not timed for this store)\n", st->name);
		nresults--;
		return 0;
	}
	pmemkv_close(st->db);
	st->db = NULL;
	double *ms = calloc(opt.open_reps, sizeof(*ms));
	if (!ms)
		die("%s", "out of memory");
	for (unsigned i = 0; i < opt.open_reps; i++) {
		pmemkv_config *cfg = make_config(false);
		uint64_t t0 = now_ns();
		int r = pmemkv_open(st->name, cfg, &st->db);
		uint64_t t1 = now_ns();
		if (r != PMEMKV_STATUS_OK) {
			fprintf(stderr, "pmemkv-bench: reopen of %s failed (status %d): %s\n",
				opt.path, r, pmemkv_errormsg());
			free(ms);
			return r;
		}
		ms[i] = (double)(t1 - t0) / 1e6;
		if (i + 1 < opt.open_reps) {
			pmemkv_close(st->db);
			st->db = NULL;
		}
	}
	qsort(ms, opt.open_reps, sizeof(*ms), cmp_double);
	res->open_ms_min = ms[0];
	res->open_ms_med = ms[opt.open_reps / 2];
	free(ms);
	res->have_stats = st_stats(st, &res->stats);
	return 0;
}

/* run_workloads -- the --benchmarks list on one store; 0 or the first error. */
static int
run_workloads(struct store *st)
{
	for (int i = 0; i < opt.nwl; i++) {
		enum wl_kind k = opt.wl[i];
		struct result *res = new_result(st, wl_name(k), k);
		int r;
		if (k == WL_OPEN) {
			r = run_open(st, res);
			if (!r && res == &results[nresults - 1])
				print_result(res);
		} else {
			r = run_threads(st, k, opt.seed * 1000003u + (uint64_t)i * 7919u, res);
			if (!r && (k == WL_FILLSEQ || k == WL_FILLRANDOM || k == WL_OVERWRITE ||
				   k == WL_DELETERANDOM))
				res->have_stats = st_stats(st, &res->stats);
			print_result(res);
		}
		if (r)
			return r;
	}
	return 0;
}

/* run_crash_fill -- child fills and dies unclosed; parent times the reopen. */
static int
run_crash_fill(struct store *st)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		store_open(st, true);
		struct result *res = new_result(st, "fillrandom(child)", WL_FILLRANDOM);
		int r = run_threads(st, WL_FILLRANDOM, opt.seed * 1000003u + 77u, res);
		res->have_stats = !r && st_stats(st, &res->stats);
		print_result(res);
		fflush(stdout);
		if (r)
			_exit(1);
		if (opt.crash == 2)
			kill(getpid(), SIGKILL);
		_exit(0); /* no pmemkv_close: the pool is left as a crash leaves it */
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	bool ok = (WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
		(opt.crash == 2 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (!ok) {
		fprintf(stderr, "pmemkv-bench: the filling child failed (status 0x%x)\n",
			status);
		return 1;
	}
	struct result *res = new_result(st, "open-after-crash", WL_OPEN);
	pmemkv_config *cfg = make_config(false);
	uint64_t t0 = now_ns();
	int r = pmemkv_open(st->name, cfg, &st->db);
	uint64_t t1 = now_ns();
	if (r != PMEMKV_STATUS_OK) {
		fprintf(stderr, "pmemkv-bench: open after crash of %s failed (status %d): %s\n",
			opt.path, r, pmemkv_errormsg());
		return r;
	}
	res->open_ms_min = res->open_ms_med = (double)(t1 - t0) / 1e6;
	res->have_stats = st_stats(st, &res->stats);
	print_result(res);
	size_t cnt = 0;
	r = pmemkv_count_all(st->db, &cnt);
	if (r != PMEMKV_STATUS_OK) {
		fprintf(stderr, "pmemkv-bench: count_all after crash: %s\n", pmemkv_errormsg());
		return r;
	}
	printf("    after crash: %zu records (expected %" PRIu64 ")%s\n", cnt, opt.num,
	       cnt == opt.num || strcmp(st->name, "blackhole") == 0 ? "" : "  MISMATCH");
	if (cnt != opt.num && strcmp(st->name, "blackhole") != 0)
		return 1;
	return 0;
}

/* ------------------------------------------------------------- reporting */

static const struct result *
find_store(const struct result *r, const char *store)
{
	for (int i = 0; i < nresults; i++)
		if (strcmp(results[i].store, store) == 0 && results[i].kind == r->kind &&
		    strcmp(results[i].name, r->name) == 0)
			return &results[i];
	return NULL;
}

static void
print_summary(void)
{
	printf("\nsummary (%u thread%s, %" PRIu64 " keys, key %zu B, value %zu B)\n",
	       opt.threads, opt.threads == 1 ? "" : "s", opt.num, opt.key_size,
	       opt.value_size);
	printf("| store | workload | ops/s | ns/op | p50 ns | p99 ns | p99.9 ns | x of dram |%s\n",
	       opt.lmdb ? " x of lmdb |" : "");
	printf("|---|---|---:|---:|---:|---:|---:|---:|%s\n", opt.lmdb ? "---:|" : "");
	for (int i = 0; i < nresults; i++) {
		const struct result *r = &results[i];
		if (r->kind == WL_OPEN) {
			printf("| %s | %s | | %.3f ms | | | | |\n", r->store, r->name,
			       r->open_ms_med);
			continue;
		}
		const struct result *d = strcmp(r->store, "dram") ? find_store(r, "dram") : NULL;
		const struct result *l = strcmp(r->store, "dram") && strcmp(r->store, "lmdb")
			? find_store(r, "lmdb")
			: NULL;
		char ratio[64] = "";
		if (d && d->ops_s > 0)
			snprintf(ratio, sizeof(ratio), "%.2fx", r->ops_s / d->ops_s);
		if (opt.lmdb) {
			size_t n = strlen(ratio);
			snprintf(ratio + n, sizeof(ratio) - n, " | ");
			n = strlen(ratio);
			if (l && l->ops_s > 0)
				snprintf(ratio + n, sizeof(ratio) - n, "%.2fx", r->ops_s / l->ops_s);
		}
		if (opt.no_latency)
			printf("| %s | %s | %.0f | %.1f | - | - | - | %s |\n", r->store, r->name,
			       r->ops_s, r->ns_op, ratio);
		else
			printf("| %s | %s | %.0f | %.1f | %.0f | %.0f | %.0f | %s |\n", r->store,
			       r->name, r->ops_s, r->ns_op, r->p50, r->p99, r->p999, ratio);
	}
	for (int i = nresults - 1; i >= 0; i--) {
		const struct result *r = &results[i];
		if (r->have_stats && strcmp(r->store, "dram") != 0 &&
		    strcmp(r->store, "lmdb") != 0) {
			printf("durability in force: %s\n", r->stats.durability);
			break;
		}
	}
}

/* ------------------------------------------------------------------ main */

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: pmemkv-bench [options]\n"
		"  --benchmarks=LIST   comma-separated, run in order on one store:\n"
		"                      fillseq fillrandom overwrite readrandom readmissing\n"
		"                      deleterandom readwhilewriting open\n"
		"                      (default fillrandom,overwrite,readrandom,readmissing,"
		"deleterandom)\n"
		"  --engine=NAME       pmemkv engine (default cmap), or dram (baseline only)\n"
		"  --baseline          run the workloads on the DRAM hash table first, and\n"
		"                      print engine/dram ratios\n"
		"  --lmdb              run them on LMDB too (<path>.lmdb), and print\n"
		"                      engine/lmdb ratios (only if built with liblmdb)\n"
		"  --threads=N         worker threads (default 1)\n"
		"  --num=N             keys (default 100000; K/M/G suffixes allowed)\n"
		"  --reads=N           gets per read workload (default: num)\n"
		"  --key-size=N        key bytes (default 16)\n"
		"  --value-size=N      value bytes (default 100)\n"
		"  --path=P            pool file (default /dev/shm/pmemkv-bench.pool); removed\n"
		"                      before the run unless --use-existing, and after it\n"
		"                      unless --keep or --use-existing\n"
		"  --size=BYTES        pool size for a new pool (default\n"
		"                      num*(key+value+100)*2 + 64 MiB)\n"
		"  --durability=MODE   auto|pmem|msync|process (the \"durability\" config item)\n"
		"  --use-existing      open the existing pool (do not remove it)\n"
		"  --keep              leave the pool file after the run\n"
		"  --seed=N            random seed (default 1)\n"
		"  --histogram         print the latency histogram of each workload\n"
		"  --no-latency        no per-op clock reads (no percentiles; ops/s without\n"
		"                      the ~40 ns a clock read costs on this machine)\n"
		"  --crash-after-fill[=exit|kill]\n"
		"                      a child fills the pool (fillrandom) and dies without\n"
		"                      pmemkv_close; then time the reopen, then run the list\n"
		"  --open-reps=N       opens timed by the open workload (default 5)\n");
}

static void
parse_benchmarks(const char *list)
{
	char *dup = strdup(list);
	if (!dup)
		die("%s", "out of memory");
	opt.nwl = 0;
	for (char *save = NULL, *tok = strtok_r(dup, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(wl_table) / sizeof(wl_table[0]); i++)
			if (strcmp(tok, wl_table[i].name) == 0)
				break;
		if (i == sizeof(wl_table) / sizeof(wl_table[0]))
			die("unknown benchmark '%s' (see --help)", tok);
		if (opt.nwl == MAX_WORKLOADS)
			die("%s", "too many benchmarks");
		opt.wl[opt.nwl++] = wl_table[i].kind;
	}
	free(dup);
}

static void
parse_args(int argc, char **argv)
{
	enum {
		O_BENCH = 256, O_ENGINE, O_BASELINE, O_THREADS, O_NUM, O_READS, O_KS, O_VS,
		O_PATH, O_SIZE, O_DUR, O_EXISTING, O_KEEP, O_SEED, O_HIST, O_CRASH,
		O_OPENREPS, O_HELP, O_NOLAT, O_LMDB,
	};
	static const struct option lo[] = {
		{"benchmarks", required_argument, NULL, O_BENCH},
		{"engine", required_argument, NULL, O_ENGINE},
		{"baseline", no_argument, NULL, O_BASELINE},
		{"lmdb", no_argument, NULL, O_LMDB},
		{"threads", required_argument, NULL, O_THREADS},
		{"num", required_argument, NULL, O_NUM},
		{"reads", required_argument, NULL, O_READS},
		{"key-size", required_argument, NULL, O_KS},
		{"value-size", required_argument, NULL, O_VS},
		{"path", required_argument, NULL, O_PATH},
		{"size", required_argument, NULL, O_SIZE},
		{"durability", required_argument, NULL, O_DUR},
		{"use-existing", no_argument, NULL, O_EXISTING},
		{"keep", no_argument, NULL, O_KEEP},
		{"seed", required_argument, NULL, O_SEED},
		{"histogram", no_argument, NULL, O_HIST},
		{"no-latency", no_argument, NULL, O_NOLAT},
		{"crash-after-fill", optional_argument, NULL, O_CRASH},
		{"open-reps", required_argument, NULL, O_OPENREPS},
		{"help", no_argument, NULL, O_HELP},
		{NULL, 0, NULL, 0},
	};
	opt.threads = 1;
	opt.num = 100000;
	opt.key_size = 16;
	opt.value_size = 100;
	opt.engine = "cmap";
	opt.path = "/dev/shm/pmemkv-bench.pool";
	opt.seed = 1;
	opt.open_reps = 5;
	parse_benchmarks("fillrandom,overwrite,readrandom,readmissing,deleterandom");
	bool reads_set = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_BENCH: parse_benchmarks(optarg); break;
		case O_ENGINE: opt.engine = optarg; break;
		case O_BASELINE: opt.baseline = true; break;
		case O_LMDB:
#ifndef PMEMKV_BENCH_LMDB
			die("%s", "--lmdb: this pmemkv-bench was built without LMDB "
				  "(install liblmdb-dev, reconfigure with -DPMEMKV_BENCH_LMDB=ON)");
#endif
			opt.lmdb = true;
			break;
		case O_THREADS: opt.threads = (unsigned)parse_u64(optarg, "--threads"); break;
		case O_NUM: opt.num = parse_u64(optarg, "--num"); break;
		case O_READS:
			opt.reads = parse_u64(optarg, "--reads");
			reads_set = true;
			break;
		case O_KS: opt.key_size = parse_u64(optarg, "--key-size"); break;
		case O_VS: opt.value_size = parse_u64(optarg, "--value-size"); break;
		case O_PATH: opt.path = optarg; break;
		case O_SIZE: opt.size = parse_u64(optarg, "--size"); break;
		case O_DUR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "pmem") &&
			    strcmp(optarg, "msync") && strcmp(optarg, "process"))
				die("--durability must be auto, pmem, msync or process, not '%s'",
				    optarg);
			opt.durability = optarg;
			break;
		case O_EXISTING: opt.use_existing = true; break;
		case O_KEEP: opt.keep = true; break;
		case O_SEED: opt.seed = parse_u64(optarg, "--seed"); break;
		case O_HIST: opt.histogram = true; break;
		case O_NOLAT: opt.no_latency = true; break;
		case O_CRASH:
			if (!optarg || strcmp(optarg, "exit") == 0)
				opt.crash = 1;
			else if (strcmp(optarg, "kill") == 0)
				opt.crash = 2;
			else
				die("--crash-after-fill takes exit or kill, not '%s'", optarg);
			break;
		case O_OPENREPS:
			opt.open_reps = (unsigned)parse_u64(optarg, "--open-reps");
			break;
		case 'h':
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (see --help)", argv[optind]);
	if (opt.threads < 1 || opt.threads > 1024)
		die("%s", "--threads must be 1..1024");
	if (opt.num < 1)
		die("%s", "--num must be >= 1");
	if (opt.key_size < 1 || opt.key_size > (1u << 20))
		die("%s", "--key-size must be 1..1M");
	if (opt.value_size > (1u << 30))
		die("%s", "--value-size must be <= 1G");
	if (opt.open_reps < 1)
		die("%s", "--open-reps must be >= 1");
	if (!reads_set)
		opt.reads = opt.num;
	/* decimal digits of the largest key number used (readmissing: 2*num-1) */
	key_digits = 1;
	for (uint64_t x = 2 * opt.num - 1; x >= 10; x /= 10)
		key_digits++;
	if (key_digits > opt.key_size)
		die("%s", "--key-size too small to hold 2*num distinct decimal keys");
	if (!opt.size) {
		double want = (double)opt.num * (double)(opt.key_size + opt.value_size + 100) *
				2.0 + 64.0 * MiB;
		opt.size = (uint64_t)want;
	}
	if (opt.crash && strcmp(opt.engine, "dram") == 0)
		die("%s", "--crash-after-fill needs a pmemkv engine");
}

static void
print_header(void)
{
	double load[3] = {0, 0, 0};
	FILE *f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
			load[0] = load[1] = load[2] = 0;
		fclose(f);
	}
	time_t tnow = time(NULL);
	char date[64];
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&tnow));
	printf("pmemkv-bench: engine %s%s, %" PRIu64 " keys, key %zu B, value %zu B, "
	       "%u thread%s, seed %" PRIu64 "\n",
	       opt.engine, opt.baseline ? " (+ dram baseline)" : "", opt.num, opt.key_size,
	       opt.value_size, opt.threads, opt.threads == 1 ? "" : "s", opt.seed);
	if (strcmp(opt.engine, "dram") != 0)
		printf("pool %s, size %.1f MiB, durability requested %s\n", opt.path,
		       (double)opt.size / MiB, opt.durability ? opt.durability : "(default)");
	printf("%s, %ld CPUs online, load average %.2f %.2f %.2f\n", date,
	       sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1], load[2]);
	fflush(stdout);
}

static int
run_dram(void)
{
	struct store st;
	memset(&st, 0, sizeof(st));
	st.name = "dram";
	st.dram = dram_table_new(opt.threads > 1);
	if (!st.dram)
		die("%s", "out of memory");
	int r = run_workloads(&st);
	dram_table_delete(st.dram);
	return r;
}

#ifdef PMEMKV_BENCH_LMDB
/* run_lmdb -- the workloads on a fresh LMDB environment at <path>.lmdb. */
static int
run_lmdb(void)
{
	char path[4096], lock[4200], err[512];
	snprintf(path, sizeof(path), "%s.lmdb", opt.path);
	snprintf(lock, sizeof(lock), "%s-lock", path);
	unlink(path);
	unlink(lock);
	int sync = opt.durability && strcmp(opt.durability, "process") &&
		strcmp(opt.durability, "auto");
	uint64_t mapsize = 4 * opt.size < (1ull << 30) ? (1ull << 30) : 4 * opt.size;
	struct store st;
	memset(&st, 0, sizeof(st));
	st.name = "lmdb";
	st.lmdb = lmdb_store_open(path, mapsize, sync, opt.threads + 1, err, sizeof(err));
	if (!st.lmdb) {
		fprintf(stderr, "pmemkv-bench: %s\n", err);
		return 1;
	}
	int r = run_workloads(&st);
	lmdb_store_close(st.lmdb);
	unlink(path);
	unlink(lock);
	return r;
}
#endif

int
main(int argc, char **argv)
{
	parse_args(argc, argv);
	print_header();

	value_buf = malloc(opt.value_size + VALUE_SLACK);
	perm = malloc(opt.num * sizeof(*perm));
	if (!value_buf || !perm)
		die("%s", "out of memory");
	uint64_t s = opt.seed ^ 0x5eed;
	for (size_t i = 0; i < opt.value_size + VALUE_SLACK; i++)
		value_buf[i] = (char)(' ' + splitmix64(&s) % 95);

	int r = 0;
	if (strcmp(opt.engine, "dram") == 0) {
		r = run_dram();
		print_summary();
		return r ? 1 : 0;
	}
	if (opt.baseline) {
		r = run_dram();
		if (r)
			return 1;
	}
#ifdef PMEMKV_BENCH_LMDB
	if (opt.lmdb) {
		r = run_lmdb();
		if (r)
			return 1;
	}
#endif

	struct store st;
	memset(&st, 0, sizeof(st));
	st.name = opt.engine;
	if (!opt.use_existing && unlink(opt.path) != 0 && errno != ENOENT) {
		fprintf(stderr, "pmemkv-bench: cannot remove %s: %s\n", opt.path,
			strerror(errno));
		return 1;
	}
	if (opt.crash) {
		r = run_crash_fill(&st);
	} else {
		store_open(&st, true);
		pmemkv_stats ps;
		if (st_stats(&st, &ps))
			printf("opened: durability in force %s, pool %.1f MiB, %" PRIu64
			       " records\n",
			       ps.durability, (double)ps.pool_size / MiB, ps.records);
	}
	if (!r)
		r = run_workloads(&st);
	if (st.db)
		pmemkv_close(st.db);
	if (!opt.keep && !opt.use_existing)
		unlink(opt.path);
	print_summary();
	return r ? 1 : 0;
}
