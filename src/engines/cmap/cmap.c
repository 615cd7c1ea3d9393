/*
 * cmap.c -- the cmap engine: a persistent concurrent hash map built on the
 * pool layer. Extendible hashing (learned from CCEH and Dash): a directory of
 * 2^G segment offsets indexed by the top G bits of hash64(key); a segment of
 * local depth L is named by the 2^(G-L) contiguous directory entries of its
 * L-bit prefix; a segment is an array of buckets of 8 slots (one cache line);
 * a key lives in one of the CMAP_WINDOW buckets starting at its home bucket
 * (low hash bits). A slot is one 8-byte word: record offset | fingerprint,
 * bit 0 a DIRTY flag (M7). Records ([u32 klen][u32 vlen][key][value]) are
 * written out of place, flushed, ordered by a barrier, then published by one
 * 8-byte slot store whose persist is the put's only fence. A full window
 * splits its segment out of place; the
 * directory is switched by one 8-byte root store (doubling) or by a
 * split intent kept in the root (recovery finishes it). The intent is used
 * instead of a pool_tx because lock-free readers load directory entries
 * concurrently: the entries must be written with atomic stores by this
 * file (a redo log applies plain stores), at the same cost (3 persist
 * points beyond the new segments').
 * Reclamation: DRAM epochs (cmap_epoch_*); readers never lock.
 * Byte layout: docs/FORMAT.md, section "cmap engine".
 *
 * Invariants (cited as "cmap (Mn)"):
 *  (M1) A slot word, DIRTY bit masked, is 0 or (offset of a complete
 *       record) | (fingerprint << 48). The record is durable no later than
 *       the word that publishes it (flush, barrier, then the store); a
 *       published record is never modified.
 *  (M2) A key occupies at most one slot of the live structure: in the
 *       segment the directory maps its hash to, within the window of its
 *       home bucket. Slots and directory entries are written only by the
 *       holder of the segment's lock (directory entries also under the
 *       directory mutex), except for clearing a DIRTY bit by CAS (M7);
 *       readers take no lock.
 *  (M3) The root's dir word names a complete, durable directory; every
 *       directory entry names a complete, durable segment; a segment of local
 *       depth L with prefix p fills exactly the entries
 *       [p << (G-L), (p+1) << (G-L)).
 *  (M4) A directory change is either one 8-byte store of the root's dir word
 *       (doubling) or a run of entry stores covered by a durable split intent
 *       in the root, which recovery re-applies before anything reads the
 *       directory.
 *  (M5) A block is freed only after the store that unlinked it is durable
 *       (pool (L5)) and after an epoch grace period: no reader that could
 *       have seen it is still inside its epoch. Zero-copy callbacks run
 *       inside an epoch, so the value under a callback is neither freed nor
 *       changed.
 *  (M6) After a clean close the root holds the exact record count; after a
 *       crash the recovery walk recounts and declares every reachable block
 *       (pool (L4)), so unpublished records, split-off segments and old
 *       directories are freed, never leaked.
 *  (M7) Durable linearizability (link-and-persist): nothing acts on a word
 *       a crash could still lose. A slot word (and the dir_word of a
 *       doubling) is stored with DIRTY, persisted, and only then cleared
 *       (clearing is not flushed: DIRTY means nothing on media, recovery
 *       and readers of a file mask it). A reader loading a DIRTY word, or a
 *       pending removal (DIRTY alone) in the window of a key it reports
 *       absent, flushes it and fences before acting; a writer seeing a
 *       DIRTY dir_word persists it before writing below it. A removal keeps
 *       the segment locked until its word is clean, so under a segment lock
 *       an empty DIRTY word is stale (durable) and free; a put's DIRTY word
 *       may be in flight under the lock (in msync mode its persist runs
 *       after unlock) and is treated as the value it names.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "engines/cmap/cmap.h"
#include "engines/engine.h"
#include "pool/pool.h"

#define CMAP_LAYOUT "cmap"
#define CMAP_MAGIC 0x544f4f5250414d43ull /* "CMAPROOT" */
#define CMAP_VERSION 1
#define CMAP_SLOTS 8  /* slots per bucket: one cache line */
#define CMAP_WINDOW 4 /* buckets probed from the home bucket */
#define CMAP_FP_SHIFT 48
#define CMAP_FP_MASK (~((1ull << 48) - 1))
/* Slot word bit 0: DIRTY, the word's persist may still be in flight (M7).
 * Record offsets are 16-byte aligned, so the bit is free in a valid word. */
#define CMAP_DIRTY 1ull
#define CMAP_OFF_MASK (((1ull << 48) - 1) & ~CMAP_DIRTY)
/* dir_word bit 8 (the directory offset's bit 0, free by 16-byte
 * alignment): DIRTY, the doubling's root store may not be durable (M7). */
#define CMAP_DW_DIRTY (1ull << 8)
#define CMAP_SEG_BUCKETS_DEFAULT 256
#define CMAP_SEG_BUCKETS_MIN 4
#define CMAP_SEG_BUCKETS_MAX 65536
#define CMAP_MAX_DEPTH 40 /* directory of 2^40 entries: far beyond any pool */
#define CMAP_NLOCKS 1024
#define CMAP_MAX_THREADS 1024
#define CMAP_RETIRE_BATCH 64
#define CMAP_REC_HDR 8
#define CMAP_VALUE_MAX 0xffffffffull
#define CMAP_COPY_BIG 4096 /* values this large go through pool_copy_nodrain */
/* Directories are allocated with at least this many bytes: beyond the
 * pool's largest size class, so each is a whole-chunk block that goes back
 * to the free chunks when retired, instead of one run per directory size. */
#define CMAP_DIR_MIN_BYTES (128u << 10)

/* The root area (pool_root), 128 bytes; see docs/FORMAT.md. */
struct cmap_root {
	uint64_t magic;		   /* CMAP_MAGIC once initialized */
	uint32_t version;	   /* CMAP_VERSION */
	uint32_t seg_buckets_log2; /* buckets per segment, log2 */
	uint64_t seed;		   /* hash64 seed */
	uint64_t dir_word;	   /* directory offset << 8 | global depth */
	uint64_t count;		   /* records, valid after a clean close */
	uint64_t reserved0[3];
	/* split intent, own cache line (M4) */
	uint64_t intent_valid; /* 1: re-apply on recovery */
	uint64_t intent_dir;   /* directory the stores go to */
	uint64_t intent_start; /* first entry */
	uint64_t intent_half;  /* entries per half */
	uint64_t intent_seg[2];
	uint64_t reserved1[2];
};
_Static_assert(sizeof(struct cmap_root) == 128, "cmap_root layout");
_Static_assert(sizeof(struct cmap_root) <= POOL_ROOT_SIZE, "root too big");

/* Segment header; the buckets start at the next 64-byte boundary. */
struct cmap_seg {
	uint32_t depth;	       /* local depth L */
	uint32_t buckets_log2; /* == root seg_buckets_log2 */
	uint64_t prefix;       /* top L bits shared by its keys' hashes */
};
_Static_assert(sizeof(struct cmap_seg) == 16, "cmap_seg layout");

/* Record header, followed by key and value bytes. */
struct cmap_rec {
	uint32_t klen;
	uint32_t vlen;
	char data[];
};
_Static_assert(sizeof(struct cmap_rec) == CMAP_REC_HDR, "cmap_rec layout");

/* ---- DRAM state ---- */

/* Per-thread slot: epoch announcement, record-count stripe, retire list. */
struct cmap_tslot {
	uint64_t epoch;	  /* atomic: 0 quiescent, (e << 1) | 1 inside epoch e */
	int64_t count;	  /* atomic; written by the owner only */
	uint32_t owner;	  /* atomic: 1 claimed by a thread */
	uint32_t nest;	  /* owner only: epoch nesting depth */
	uint64_t *retired; /* owner only: pairs (offset, epoch) */
	size_t nretired;   /* pairs in use */
	size_t capretired; /* pairs allocated */
	size_t next_reclaim;
} __attribute__((aligned(64)));

struct cmap_lock {
	uint32_t v;
} __attribute__((aligned(64)));

struct cmap {
	struct pool *pool;
	char *base;
	struct cmap_root *root;
	uint64_t seed;
	uint64_t nbuckets; /* per segment */
	uint64_t seg_size; /* bytes allocated per segment */
	uint64_t psize;	   /* pool size: bound for offsets read from media */
	uint64_t gen;	   /* unique per open, for the thread cache */
	int64_t count_base;
	bool msync;	   /* pool in msync mode: writers also flush the cleared DIRTY (M7) */
	pthread_key_t tkey;
	/* written only by splits: kept off the read-mostly line above */
	pthread_mutex_t dir_lock __attribute__((aligned(64)));
	uint64_t epoch __attribute__((aligned(64))); /* atomic global epoch */
	uint32_t hwm __attribute__((aligned(64)));   /* atomic: slots[0, hwm) used */
	/* atomic: reader-side persists (M7), for tests; own line */
	uint64_t reader_fences __attribute__((aligned(64)));
	struct cmap_lock locks[CMAP_NLOCKS];
	struct cmap_tslot slots[CMAP_MAX_THREADS];
};

static uint64_t cmap_gen_next = 1; /* atomic */

static _Thread_local struct {
	uint64_t gen;
	struct cmap_tslot *slot;
} cmap_tls;

#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD_RLX(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define STORE_RLX(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

static inline void
cmap_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* ---- layout helpers ---- */

static inline struct cmap_rec *
cmap_rec(const struct cmap *c, uint64_t off)
{
	return (struct cmap_rec *)(c->base + off);
}

/* cmap_rec_fits -- the record at off, with klen key bytes and vlen value
 * bytes, lies inside the pool. Guards every read of a record reached from
 * media, so a corrupted slot yields an error, never a wild read. */
static inline bool
cmap_rec_fits(const struct cmap *c, uint64_t off, uint64_t klen, uint64_t vlen)
{
	return (off & 15) == 0 && off <= c->psize - CMAP_REC_HDR &&
	       klen + vlen <= c->psize - CMAP_REC_HDR - off;
}

static inline uint64_t *
cmap_dir(const struct cmap *c, uint64_t dir_word)
{
	return (uint64_t *)(c->base + ((dir_word & ~CMAP_DW_DIRTY) >> 8));
}

static inline unsigned
cmap_gdepth(uint64_t dir_word)
{
	return (unsigned)(dir_word & 0xff);
}

static inline uint64_t
cmap_dir_index(uint64_t h, unsigned g)
{
	return g ? h >> (64 - g) : 0;
}

static inline struct cmap_seg *
cmap_seg(const struct cmap *c, uint64_t off)
{
	return (struct cmap_seg *)(c->base + off);
}

static inline uint64_t *
cmap_seg_slots(const struct cmap *c, uint64_t seg_off)
{
	return (uint64_t *)(c->base + ALIGN_UP(seg_off + sizeof(struct cmap_seg), 64));
}

/* Hash bits: bucket from bits 0-15, fingerprint from bits 16-31, directory
 * from the top bits (G <= 32 keeps them disjoint). */
static inline uint64_t
cmap_fp_word(uint64_t h)
{
	return ((h >> 16) & 0xffff) << CMAP_FP_SHIFT;
}

static inline uint64_t
cmap_hash(const struct cmap *c, const char *k, size_t kb)
{
	return hash64(k, kb, c->seed);
}

/* ---- locks ---- */

static inline struct cmap_lock *
cmap_lock_of(struct cmap *c, uint64_t seg_off)
{
	uint64_t x = (seg_off >> 4) * 0x9e3779b97f4a7c15ull;
	return &c->locks[x >> (64 - 10)];
}
_Static_assert(CMAP_NLOCKS == 1024, "cmap_lock_of uses 10 bits");

static void
cmap_lock_acquire(struct cmap_lock *l)
{
	unsigned spins = 0;
	while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE)) {
		while (LOAD_RLX(&l->v)) {
			if (++spins < 256)
				cmap_cpu_relax();
			else
				sched_yield();
		}
	}
}

static inline void
cmap_lock_release(struct cmap_lock *l)
{
	STORE_REL(&l->v, 0);
}

/* ---- threads and epochs ---- */

static void
cmap_thread_exit(void *arg)
{
	struct cmap_tslot *s = arg;
	s->nest = 0;
	STORE_REL(&s->epoch, 0);
	STORE_REL(&s->owner, 0);
}

/* cmap_thread -- the calling thread's slot in c (registers it on first use);
 * NULL with a message when CMAP_MAX_THREADS threads hold slots. */
static struct cmap_tslot *
cmap_thread(struct cmap *c)
{
	if (likely(cmap_tls.gen == c->gen))
		return cmap_tls.slot;
	struct cmap_tslot *s = pthread_getspecific(c->tkey);
	if (s && (s < c->slots || s >= c->slots + CMAP_MAX_THREADS))
		s = NULL; /* a value left under a recycled key by a closed handle */
	if (!s) {
		for (unsigned i = 0; i < CMAP_MAX_THREADS; i++) {
			uint32_t zero = 0;
			if (LOAD_RLX(&c->slots[i].owner) == 0 &&
			    __atomic_compare_exchange_n(&c->slots[i].owner, &zero, 1, false,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
				s = &c->slots[i];
				uint32_t h = LOAD_RLX(&c->hwm);
				while (h < i + 1 &&
				       !__atomic_compare_exchange_n(&c->hwm, &h, i + 1, false,
								    __ATOMIC_SEQ_CST,
								    __ATOMIC_RELAXED))
					;
				break;
			}
		}
		if (!s) {
			err_set("cmap: more than %d threads use one database at once",
				CMAP_MAX_THREADS);
			return NULL;
		}
		if (pthread_setspecific(c->tkey, s) != 0) {
			STORE_REL(&s->owner, 0);
			err_set("cmap: cannot register thread");
			return NULL;
		}
	}
	cmap_tls.gen = c->gen;
	cmap_tls.slot = s;
	return s;
}

/* cmap_epoch_enter -- announce the current global epoch; nests. Blocks seen
 * from here on are not freed until the matching exit (M5). */
static inline void
cmap_epoch_enter(struct cmap *c, struct cmap_tslot *s)
{
	if (s->nest++ > 0)
		return;
	uint64_t e = LOAD_RLX(&c->epoch);
	for (;;) {
		__atomic_store_n(&s->epoch, (e << 1) | 1, __ATOMIC_SEQ_CST);
		uint64_t e2 = __atomic_load_n(&c->epoch, __ATOMIC_SEQ_CST);
		if (e2 == e)
			break;
		e = e2;
	}
}

static inline void
cmap_epoch_exit(struct cmap *c, struct cmap_tslot *s)
{
	(void)c;
	if (--s->nest == 0)
		STORE_REL(&s->epoch, 0);
}

/* cmap_epoch_advance -- move the global epoch one step if every thread
 * inside an epoch has seen the current one; returns the global epoch. */
static uint64_t
cmap_epoch_advance(struct cmap *c)
{
	uint64_t g = __atomic_load_n(&c->epoch, __ATOMIC_SEQ_CST);
	uint32_t n = __atomic_load_n(&c->hwm, __ATOMIC_SEQ_CST);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t v = __atomic_load_n(&c->slots[i].epoch, __ATOMIC_SEQ_CST);
		if ((v & 1) && (v >> 1) != g)
			return g;
	}
	if (__atomic_compare_exchange_n(&c->epoch, &g, g + 1, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		return g + 1;
	return g;
}

/* cmap_reclaim -- free this thread's retired blocks two epochs old (M5). */
static void
cmap_reclaim(struct cmap *c, struct cmap_tslot *s)
{
	uint64_t g = cmap_epoch_advance(c);
	size_t j = 0;
	for (size_t i = 0; i < s->nretired; i++) {
		uint64_t off = s->retired[2 * i], e = s->retired[2 * i + 1];
		if (e + 2 <= g) {
			pool_free(c->pool, off);
		} else {
			s->retired[2 * j] = off;
			s->retired[2 * j + 1] = e;
			j++;
		}
	}
	s->nretired = j;
	s->next_reclaim = j + CMAP_RETIRE_BATCH;
}

/* cmap_retire -- free `off` once no reader can hold it (M5). The unlinking
 * store must already be durable. */
static void
cmap_retire(struct cmap *c, struct cmap_tslot *s, uint64_t off)
{
	if (s->nretired == s->capretired) {
		size_t cap = s->capretired ? 2 * s->capretired : 2 * CMAP_RETIRE_BATCH;
		uint64_t *r = realloc(s->retired, cap * 2 * sizeof(uint64_t));
		if (!r) {
			/* Out of DRAM: the block stays allocated until the
			 * next crash recovery; never freed under a reader. */
			return;
		}
		s->retired = r;
		s->capretired = cap;
	}
	uint64_t e = __atomic_load_n(&c->epoch, __ATOMIC_SEQ_CST);
	s->retired[2 * s->nretired] = off;
	s->retired[2 * s->nretired + 1] = e;
	s->nretired++;
	if (s->nretired >= s->next_reclaim)
		cmap_reclaim(c, s);
}

/* cmap_reclaim_force -- on out of space: advance the epoch as far as the
 * other threads allow and free this thread's retired blocks. Call outside
 * an epoch. */
static void
cmap_reclaim_force(struct cmap *c, struct cmap_tslot *s)
{
	cmap_epoch_advance(c);
	cmap_epoch_advance(c);
	cmap_reclaim(c, s);
}

static inline void
cmap_count_add(struct cmap_tslot *s, int64_t d)
{
	STORE_RLX(&s->count, LOAD_RLX(&s->count) + d);
}

static int
cmap_corrupt(struct cmap *c, const char *what, uint64_t at)
{
	err_set("cmap: pool %s is corrupted: %s (0x%llx)", pool_path(c->pool), what,
		(unsigned long long)at);
	return -EINVAL;
}

/* ---- durable reads (M7) ---- */

void (*cmap_test_publish_hook)(void *handle);

/* cmap_test_publish -- test hook between a writer's DIRTY store and its
 * persist: one relaxed load of a NULL pointer outside tests. */
static inline void
cmap_test_publish(struct cmap *c)
{
	void (*fn)(void *) = __atomic_load_n(&cmap_test_publish_hook, __ATOMIC_RELAXED);
	if (unlikely(fn != NULL))
		fn(c);
}

/* cmap_reader_fence -- a reader flushed words whose persist may be in
 * flight: wait until they are durable before acting on them (M7). */
static void
cmap_reader_fence(struct cmap *c)
{
	pool_fence(c->pool);
	__atomic_fetch_add(&c->reader_fences, 1, __ATOMIC_RELAXED);
}

/*
 * cmap_slot_settle -- a reader loaded slot word w carrying DIRTY: its
 * writer's persist may not be done, so persist the word ourselves (flush
 * its line, fence) before returning it, then clear the flag (a CAS: it
 * fails harmlessly if the writer cleared it or the slot changed). Safe from
 * ABA: a record is published once, and cannot be freed and reused while
 * the reader's epoch holds it (M5). A pending removal's word (DIRTY alone)
 * is left alone: the same word may be a later removal's, not yet durable.
 * Returns w without DIRTY.
 */
static uint64_t
cmap_slot_settle(struct cmap *c, uint64_t *slot, uint64_t w)
{
	pool_flush(c->pool, slot, sizeof(*slot));
	cmap_reader_fence(c);
	/* Crash here or later: the slot holds w (or a later value) on media. */
	uint64_t exp = w;
	/* a pending removal's word could recur: no CAS */
	if (w != CMAP_DIRTY &&
	    __atomic_compare_exchange_n(slot, &exp, w & ~CMAP_DIRTY, false, __ATOMIC_RELEASE,
					__ATOMIC_RELAXED) &&
	    c->msync)
		pool_flush(c->pool, slot, sizeof(*slot)); /* see cmap_slot_clear */
	return w & ~CMAP_DIRTY;
}

/*
 * cmap_slot_clear -- msync mode: a put's slot word w|DIRTY is durable: clear
 * the flag. A CAS, as the put no longer holds the segment lock: it fails
 * harmlessly when a reader cleared it or a later writer replaced the word;
 * no ABA, as record w cannot be freed and reused while the writer's epoch
 * holds it.
 * The cleared word is flushed too (no fence: it rides on the next persist),
 * so that the file rarely keeps DIRTY words across a clean close (the
 * mapping is private: an unflushed store never reaches the file). In the
 * other modes the cleared word is not flushed (recovery ignores the bit).
 */
static inline void
cmap_slot_clear(struct cmap *c, uint64_t *slot, uint64_t w)
{
	uint64_t exp = w | CMAP_DIRTY;
	if (__atomic_compare_exchange_n(slot, &exp, w, false, __ATOMIC_RELEASE,
					__ATOMIC_RELAXED))
		pool_flush(c->pool, slot, sizeof(*slot));
}

/*
 * cmap_slot_remove -- writer side of (M7) for a removal, segment lock held
 * throughout (so no insert can take the slot while its persist is in
 * flight): store the empty word with DIRTY, persist it, clear the flag with
 * a plain store (not flushed, except in msync mode as above). A reader that
 * sees the DIRTY empty word persists it before reporting NOT_FOUND.
 */
static inline void
cmap_slot_remove(struct cmap *c, uint64_t *slot)
{
	STORE_REL(slot, CMAP_DIRTY);
	cmap_test_publish(c);
	pool_persist(c->pool, slot, sizeof(*slot));
	STORE_REL(slot, 0);
	if (c->msync)
		pool_flush(c->pool, slot, sizeof(*slot));
}

/* ---- lookup ---- */

/*
 * cmap_seg_find -- search the window of h's home bucket in a segment for the
 * key. Returns the slot word (0: absent; it may carry CMAP_DIRTY) and its
 * address in *slotp; when freep is given, *freep is the first empty slot of
 * the window (or NULL). An empty word with DIRTY (a removal whose persist
 * is in flight, or a stale one read from media) counts as empty. Readers
 * pass pendp: each such pending removal is flushed here and *pendp set, so
 * a reader answering "absent" fences first (M7).
 */
static uint64_t
cmap_seg_find(const struct cmap *c, uint64_t *slots, uint64_t h, const char *k,
	      size_t kb, uint64_t **slotp, uint64_t **freep, bool *pendp)
{
	uint64_t fp = cmap_fp_word(h);
	uint64_t mask = c->nbuckets - 1;
	uint64_t b = h & mask;
	if (freep)
		*freep = NULL;
	for (unsigned i = 0; i < CMAP_WINDOW; i++) {
		uint64_t *bk = slots + ((b + i) & mask) * CMAP_SLOTS;
		for (unsigned j = 0; j < CMAP_SLOTS; j++) {
			uint64_t w = LOAD_ACQ(&bk[j]);
			if ((w & ~CMAP_DIRTY) == 0) {
				if (freep && !*freep)
					*freep = &bk[j];
				if (unlikely(w) && pendp) {
					pool_flush(c->pool, &bk[j], sizeof(uint64_t));
					*pendp = true;
				}
				continue;
			}
			if ((w & CMAP_FP_MASK) != fp)
				continue;
			uint64_t off = w & CMAP_OFF_MASK;
			if (unlikely(!cmap_rec_fits(c, off, 0, 0)))
				continue; /* corrupted slot: matches nothing */
			const struct cmap_rec *r = cmap_rec(c, off);
			if (r->klen == kb && cmap_rec_fits(c, off, kb, 0) &&
			    (kb == 0 || memcmp(r->data, k, kb) == 0)) {
				*slotp = &bk[j];
				return w;
			}
		}
	}
	return 0;
}

/* cmap_seg_bad -- a directory entry that cannot name a segment of this
 * pool (only a file damaged on media has one). */
static inline bool
cmap_seg_bad(const struct cmap *c, uint64_t seg)
{
	return unlikely(seg == 0 || (seg & 15) || seg > c->psize - c->seg_size);
}

/* cmap_seg_lookup -- offset of the segment the live directory maps h to. */
static inline uint64_t
cmap_seg_lookup(const struct cmap *c, uint64_t h)
{
	uint64_t dw = LOAD_ACQ(&c->root->dir_word);
	return LOAD_ACQ(&cmap_dir(c, dw)[cmap_dir_index(h, cmap_gdepth(dw))]);
}

/* cmap_window_prefetch -- hint the probe window of h in a segment. */
static inline void
cmap_window_prefetch(const struct cmap *c, uint64_t seg, uint64_t h)
{
	uint64_t *slots = cmap_seg_slots(c, seg);
	uint64_t mask = c->nbuckets - 1;
	for (unsigned i = 0; i < CMAP_WINDOW; i++)
		__builtin_prefetch(slots + ((h + i) & mask) * CMAP_SLOTS, 1);
}

/* cmap_seg_lock -- lock the segment h maps to, re-checking after locking
 * that the directory still maps h to it (a split may have won the race).
 * A writer must not write into a directory whose publishing root store is
 * not durable yet (its acknowledged store would be lost with the doubling):
 * seeing the dir_word's DIRTY bit, it persists the word itself (M7).
 * Returns 0, holding nothing, if the directory entry is damaged. */
static uint64_t
cmap_seg_lock(struct cmap *c, uint64_t h, struct cmap_lock **lp)
{
	for (;;) {
		uint64_t seg = cmap_seg_lookup(c, h);
		if (cmap_seg_bad(c, seg))
			return 0;
		struct cmap_lock *l = cmap_lock_of(c, seg);
		cmap_lock_acquire(l);
		uint64_t dw = LOAD_ACQ(&c->root->dir_word);
		if (LOAD_ACQ(&cmap_dir(c, dw)[cmap_dir_index(h, cmap_gdepth(dw))]) == seg) {
			if (unlikely(dw & CMAP_DW_DIRTY)) {
				pool_flush(c->pool, &c->root->dir_word, sizeof(uint64_t));
				cmap_reader_fence(c);
			}
			*lp = l;
			return seg;
		}
		cmap_lock_release(l);
	}
}

/* ---- split ---- */

/* cmap_seg_new -- allocate and zero a segment (not yet persisted). */
static int
cmap_seg_new(struct cmap *c, uint32_t depth, uint64_t prefix, uint64_t *off)
{
	int ret = pool_alloc(c->pool, c->seg_size, off);
	if (ret) {
		if (ret == -ENOMEM)
			err_set("cmap: pool %s is full (cannot allocate a %llu-byte segment)",
				pool_path(c->pool), (unsigned long long)c->seg_size);
		return ret;
	}
	struct cmap_seg *s = cmap_seg(c, *off);
	memset(s, 0, c->seg_size);
	s->depth = depth;
	s->buckets_log2 = (uint32_t)__builtin_ctzll(c->nbuckets);
	s->prefix = prefix;
	return 0;
}

/* cmap_dir_alloc -- allocate a directory of n entries (not initialized). */
static int
cmap_dir_alloc(struct cmap *c, uint64_t n, uint64_t *off)
{
	uint64_t sz = n * sizeof(uint64_t);
	return pool_alloc(c->pool, sz < CMAP_DIR_MIN_BYTES ? CMAP_DIR_MIN_BYTES : sz, off);
}

/*
 * cmap_split -- split the full segment seg_off (whose lock the caller holds)
 * into two new segments of depth L+1, built out of place; every entry keeps
 * its slot position, so it stays inside its window. Then switch the
 * directory: a doubled directory published by one root store, or the
 * entries of the segment's range through the split intent (M4). The old
 * segment (and directory) are retired. Returns 0 or -ENOMEM.
 */
static int
cmap_split(struct cmap *c, struct cmap_tslot *ts, uint64_t seg_off)
{
	int ret = 0;
	struct cmap_root *root = c->root;
	/* The segment's lock keeps its header and slots stable (but for
	 * DIRTY bits being cleared, M7): build the two halves before taking
	 * the directory mutex, so that splits of different segments rehash
	 * in parallel. */
	struct cmap_seg *old = cmap_seg(c, seg_off);
	unsigned l = old->depth;
	uint64_t prefix = old->prefix;

	if (unlikely(l > CMAP_MAX_DEPTH || (prefix >> l) != 0))
		return cmap_corrupt(c, "bad segment header", seg_off);
	if (l >= CMAP_MAX_DEPTH) {
		err_set("cmap: cannot split a segment of depth %u (hash collisions)", l);
		return -ENOMEM;
	}

	uint64_t n[2];
	if ((ret = cmap_seg_new(c, l + 1, prefix << 1, &n[0])) != 0)
		return ret;
	if ((ret = cmap_seg_new(c, l + 1, (prefix << 1) | 1, &n[1])) != 0) {
		pool_free(c->pool, n[0]);
		return ret;
	}
	uint64_t *os = cmap_seg_slots(c, seg_off);
	uint64_t *ns[2] = {cmap_seg_slots(c, n[0]), cmap_seg_slots(c, n[1])};
	uint64_t nslots = c->nbuckets * CMAP_SLOTS;
	for (uint64_t j = 0; j < nslots; j++) {
		/* rehashing reads every record: keep several misses in flight */
		if (j + 16 < nslots) {
			uint64_t pw = LOAD_RLX(&os[j + 16]);
			if (pw)
				__builtin_prefetch(cmap_rec(c, pw & CMAP_OFF_MASK));
		}
		uint64_t w = LOAD_RLX(&os[j]);
		if ((w & ~CMAP_DIRTY) == 0)
			continue;
		uint64_t off = w & CMAP_OFF_MASK;
		const struct cmap_rec *r = cmap_rec(c, off);
		/* a corrupted slot (possible only after a clean open of a
		 * damaged file) is hashed as an empty key: no wild read */
		uint64_t h = cmap_rec_fits(c, off, 0, 0) && cmap_rec_fits(c, off, r->klen, 0)
				     ? cmap_hash(c, r->data, r->klen)
				     : cmap_hash(c, NULL, 0);
		/* copied with its DIRTY bit: a put may still be persisting
		 * it in the old segment (M7); readers settle the copy */
		ns[(h >> (63 - l)) & 1][j] = w;
	}
	pool_flush(c->pool, cmap_seg(c, n[0]), c->seg_size);
	pool_flush(c->pool, cmap_seg(c, n[1]), c->seg_size);

	pthread_mutex_lock(&c->dir_lock);
	uint64_t dw = LOAD_RLX(&root->dir_word);
	unsigned g = cmap_gdepth(dw);
	uint64_t *dir = cmap_dir(c, dw);
	if (unlikely(l > g)) {
		ret = cmap_corrupt(c, "bad segment header", seg_off);
		pool_free(c->pool, n[0]);
		pool_free(c->pool, n[1]);
		goto out;
	}
	if (l == g) {
		/* Double the directory with the split folded in. */
		uint64_t nd_off;
		uint64_t nentries = 2ull << g;
		ret = cmap_dir_alloc(c, nentries, &nd_off);
		if (ret) {
			if (ret == -ENOMEM)
				err_set("cmap: pool %s is full (cannot grow the directory to %llu entries)",
					pool_path(c->pool), (unsigned long long)nentries);
			pool_free(c->pool, n[0]);
			pool_free(c->pool, n[1]);
			goto out;
		}
		uint64_t *nd = (uint64_t *)(c->base + nd_off);
		for (uint64_t i = 0; i < nentries; i++)
			nd[i] = LOAD_RLX(&dir[i >> 1]);
		nd[2 * prefix] = n[0];
		nd[2 * prefix + 1] = n[1];
		pool_flush(c->pool, nd, nentries * sizeof(uint64_t));
		pool_barrier(c->pool);
		/* Crash here: the new directory and segments are durable (or
		 * not) but unreachable; recovery frees them. */
		uint64_t ndw = (nd_off << 8) | (g + 1);
		/* invariant (M7): DIRTY while the root store is in flight */
		STORE_REL(&root->dir_word, ndw | CMAP_DW_DIRTY);
		pool_persist(c->pool, &root->dir_word, sizeof(root->dir_word));
		STORE_REL(&root->dir_word, ndw);
		if (c->msync)
			pool_flush(c->pool, &root->dir_word, sizeof(root->dir_word));
		/* Crash here: the doubled directory is live (M4); the old
		 * directory and segment are unreachable and recovery frees them. */
		cmap_retire(c, ts, dw >> 8);
	} else {
		uint64_t start = prefix << (g - l);
		uint64_t half = 1ull << (g - l - 1);
		root->intent_dir = dw >> 8;
		root->intent_start = start;
		root->intent_half = half;
		root->intent_seg[0] = n[0];
		root->intent_seg[1] = n[1];
		pool_flush(c->pool, &root->intent_dir, 5 * sizeof(uint64_t));
		pool_barrier(c->pool);
		/* Crash here: new segments and intent fields durable no later
		 * than the valid flag; intent not valid: the old structure
		 * stands; recovery frees the new segments. */
		root->intent_valid = 1;
		/* A fence, not a barrier: other writers use the entries stored
		 * next as soon as they are visible (M4). */
		pool_persist(c->pool, &root->intent_valid, sizeof(uint64_t));
		/* Crash here: recovery re-applies the intent (M4). */
		/* Upper half first: a lock-free walker (cmap_get_all) that
		 * loads n[0] at `start` then sees n[1] in every upper entry,
		 * so it visits each half once, never the old segment too. */
		for (uint64_t i = 0; i < half; i++)
			STORE_REL(&dir[start + half + i], n[1]);
		for (uint64_t i = 0; i < half; i++)
			STORE_REL(&dir[start + i], n[0]);
		pool_flush(c->pool, &dir[start], 2 * half * sizeof(uint64_t));
		pool_barrier(c->pool);
		/* Crash here: the intent is still valid; recovery re-applies it. */
		root->intent_valid = 0;
		pool_persist(c->pool, &root->intent_valid, sizeof(uint64_t));
		/* Crash here: split done; the old segment is unreachable and
		 * recovery frees it. */
	}
	cmap_retire(c, ts, seg_off);
out:
	pthread_mutex_unlock(&c->dir_lock);
	return ret;
}

/* ---- ops ---- */

/*
 * cmap_put_once -- one attempt at a put; -ENOMEM when the record or a split
 * does not fit. Two ordered persist points unless the segment splits.
 */
static int
cmap_put_once(struct cmap *c, struct cmap_tslot *s, const char *k, size_t kb,
	      const char *v, size_t vb)
{
	size_t sz = CMAP_REC_HDR + kb + vb;
	uint64_t hv = cmap_hash(c, k, kb);
	cmap_epoch_enter(c, s);
	/* Start fetching the probe window now: the misses overlap with the
	 * record's copy and write-back, which the lock below waits for. */
	uint64_t pseg = cmap_seg_lookup(c, hv);
	if (!cmap_seg_bad(c, pseg))
		cmap_window_prefetch(c, pseg, hv);
	uint64_t roff;
	int ret = pool_alloc(c->pool, sz, &roff);
	if (ret) {
		if (ret == -ENOMEM)
			err_set("cmap: pool %s is full (cannot allocate a %zu-byte record)",
				pool_path(c->pool), sz);
		cmap_epoch_exit(c, s);
		return ret;
	}
	/* Out of place: nothing references this block yet (M1). */
	struct cmap_rec *r = cmap_rec(c, roff);
	r->klen = (uint32_t)kb;
	r->vlen = (uint32_t)vb;
	if (kb)
		memcpy(r->data, k, kb);
	if (vb >= CMAP_COPY_BIG) {
		/* large value: the pmem layer's streaming copy */
		pool_copy_nodrain(c->pool, r->data + kb, v, vb);
		pool_flush(c->pool, r, CMAP_REC_HDR + kb);
	} else {
		/* one pass over the record's lines: each is flushed once */
		if (vb)
			memcpy(r->data + kb, v, vb);
		pool_flush(c->pool, r, sz);
	}
	/* Persist point 1 (ordering only, before taking the lock): the record
	 * is durable no later than the slot store below, and durable for sure
	 * at the slot's fence (M1); in journaled msync mode this seals a batch
	 * without I/O. Crash after it: the record is unreachable; recovery
	 * frees it (M6). */
	pool_barrier(c->pool);

	uint64_t nw = roff | cmap_fp_word(hv);
	for (;;) {
		struct cmap_lock *l;
		uint64_t seg = cmap_seg_lock(c, hv, &l);
		if (!seg) {
			ret = cmap_corrupt(c, "bad directory entry", hv);
			pool_free(c->pool, roff); /* never published: pool (L5) */
			break;
		}
		uint64_t *slot = NULL, *fr = NULL;
		uint64_t old = cmap_seg_find(c, cmap_seg_slots(c, seg), hv, k, kb, &slot, &fr,
					     NULL);
		if (old || fr) {
			uint64_t *dst = old ? slot : fr;
			/* invariant (M7): publish with DIRTY */
			STORE_REL(dst, nw | CMAP_DIRTY);
			if (c->msync) {
				/* The fence (an fdatasync) runs after the
				 * lock is released, so that writers of one
				 * segment share a group commit instead of
				 * queueing behind each other's. */
				cmap_lock_release(l);
				cmap_test_publish(c);
				pool_persist(c->pool, dst, sizeof(*dst));
				cmap_slot_clear(c, dst, nw);
			} else {
				/* A fence costs little here: keep the lock,
				 * and clear with a plain store (a CAS would
				 * wait for the line the flush just wrote
				 * back). */
				cmap_test_publish(c);
				pool_persist(c->pool, dst, sizeof(*dst));
				STORE_REL(dst, nw);
				cmap_lock_release(l);
			}
			/* Persist point 2 (the operation's fence) -- crash
			 * here: the key has the new value; an overwritten
			 * record is unreachable and recovery frees it. */
			if (old)
				cmap_retire(c, s, old & CMAP_OFF_MASK);
			else
				cmap_count_add(s, 1);
			break;
		}
		ret = cmap_split(c, s, seg);
		cmap_lock_release(l);
		if (ret) {
			pool_free(c->pool, roff); /* never published: pool (L5) */
			break;
		}
	}
	cmap_epoch_exit(c, s);
	return ret;
}

/*
 * cmap_durable -- an operation that returned 0 is acknowledged only if its
 * fences really made it durable: after a failed write/sync of the pool file
 * (msync mode) the void fences return without that guarantee (pool.h).
 */
static int
cmap_durable(struct cmap *c, int ret)
{
	if (likely(ret != 0 || pool_io_status(c->pool) == 0))
		return ret;
	err_set("cmap: pool %s: the change is applied but not known durable: a write or sync "
		"of the pool file failed",
		pool_path(c->pool));
	return -EIO;
}

static int
cmap_put(void *h, const char *k, size_t kb, const char *v, size_t vb)
{
	struct cmap *c = h;
	if (kb > CMAP_VALUE_MAX || vb > CMAP_VALUE_MAX) {
		err_set("cmap: %s too large (%zu bytes; the limit is 4 GiB - 1)",
			kb > CMAP_VALUE_MAX ? "key" : "value", kb > CMAP_VALUE_MAX ? kb : vb);
		return -EINVAL;
	}
	struct cmap_tslot *s = cmap_thread(c);
	if (!s)
		return -ENOMEM;
	int ret = cmap_put_once(c, s, k, kb, v, vb);
	if (ret == -ENOMEM && s->nretired && s->nest == 0) {
		/* Blocks this thread retired may be all that is missing. */
		cmap_reclaim_force(c, s);
		ret = cmap_put_once(c, s, k, kb, v, vb);
	}
	return cmap_durable(c, ret);
}

static int
cmap_remove(void *h, const char *k, size_t kb)
{
	struct cmap *c = h;
	if (kb > CMAP_VALUE_MAX)
		return -ENOENT;
	struct cmap_tslot *s = cmap_thread(c);
	if (!s)
		return -ENOMEM;
	uint64_t hv = cmap_hash(c, k, kb);
	cmap_epoch_enter(c, s);
	struct cmap_lock *l;
	uint64_t seg = cmap_seg_lock(c, hv, &l);
	if (!seg) {
		cmap_epoch_exit(c, s);
		return cmap_corrupt(c, "bad directory entry", hv);
	}
	uint64_t *slot = NULL;
	uint64_t old = cmap_seg_find(c, cmap_seg_slots(c, seg), hv, k, kb, &slot, NULL, NULL);
	if (old) {
		/* invariant (M7): the empty word goes out with DIRTY first */
		cmap_slot_remove(c, slot);
		/* Crash here: the key is gone; its record is unreachable and
		 * recovery frees it. */
	}
	cmap_lock_release(l);
	if (old) {
		cmap_retire(c, s, old & CMAP_OFF_MASK);
		cmap_count_add(s, -1);
	}
	cmap_epoch_exit(c, s);
	return old ? cmap_durable(c, 0) : -ENOENT;
}

static int
cmap_get(void *h, const char *k, size_t kb, engine_v_cb *cb, void *arg)
{
	struct cmap *c = h;
	if (kb > CMAP_VALUE_MAX)
		return -ENOENT;
	struct cmap_tslot *s = cmap_thread(c);
	if (!s)
		return -ENOMEM;
	uint64_t hv = cmap_hash(c, k, kb);
	cmap_epoch_enter(c, s);
	uint64_t *slot;
	uint64_t seg = cmap_seg_lookup(c, hv);
	if (cmap_seg_bad(c, seg)) {
		cmap_epoch_exit(c, s);
		return cmap_corrupt(c, "bad directory entry", hv);
	}
	bool pend = false;
	uint64_t w = cmap_seg_find(c, cmap_seg_slots(c, seg), hv, k, kb, &slot, NULL, &pend);
	if (unlikely(w & CMAP_DIRTY))
		w = cmap_slot_settle(c, slot, w); /* invariant (M7) */
	else if (unlikely(pend) && !w)
		cmap_reader_fence(c); /* invariant (M7): the removal is durable */
	int ret = w ? 0 : -ENOENT;
	if (w && cb) {
		/* Zero copy: the record stays put until we leave the epoch (M5). */
		const struct cmap_rec *r = cmap_rec(c, w & CMAP_OFF_MASK);
		if (likely(cmap_rec_fits(c, w & CMAP_OFF_MASK, r->klen, r->vlen)))
			cb(r->data + r->klen, r->vlen, arg);
		else
			ret = cmap_corrupt(c, "record larger than the pool", w & CMAP_OFF_MASK);
	}
	cmap_epoch_exit(c, s);
	return ret;
}

static int
cmap_exists(void *h, const char *k, size_t kb)
{
	return cmap_get(h, k, kb, NULL, NULL);
}

static int64_t
cmap_count_sum(struct cmap *c)
{
	int64_t n = c->count_base;
	uint32_t hwm = LOAD_ACQ(&c->hwm);
	for (uint32_t i = 0; i < hwm; i++)
		n += LOAD_RLX(&c->slots[i].count);
	return n;
}

static int
cmap_count_all(void *h, size_t *cnt)
{
	int64_t n = cmap_count_sum(h);
	*cnt = n > 0 ? (size_t)n : 0;
	return 0;
}

/*
 * cmap_get_all -- visit every record once, without locks, inside one epoch.
 * With concurrent writers: every record passed is complete (never torn);
 * each key present for the whole walk is visited exactly once, with a value
 * it had during the walk; a key inserted or removed during the walk may or
 * may not be visited; a key removed and re-inserted during the walk may be
 * visited twice. Holding the epoch delays reclamation for the walk's length.
 */
static int
cmap_get_all(void *h, engine_kv_cb *cb, void *arg)
{
	struct cmap *c = h;
	struct cmap_tslot *s = cmap_thread(c);
	if (!s)
		return -ENOMEM;
	int ret = 0;
	cmap_epoch_enter(c, s);
	uint64_t dw = LOAD_ACQ(&c->root->dir_word);
	unsigned g = cmap_gdepth(dw);
	uint64_t *dir = cmap_dir(c, dw);
	uint64_t n = 1ull << g;
	uint64_t nslots = c->nbuckets * CMAP_SLOTS;
	for (uint64_t i = 0; i < n && !ret;) {
		uint64_t seg = LOAD_ACQ(&dir[i]);
		unsigned l = cmap_seg_bad(c, seg) ? 64 : cmap_seg(c, seg)->depth;
		if (unlikely(l > g)) {
			ret = cmap_corrupt(c, "bad directory entry or segment depth", seg);
			break;
		}
		uint64_t *slots = cmap_seg_slots(c, seg);
		for (uint64_t j = 0; j < nslots; j++) {
			uint64_t w = LOAD_ACQ(&slots[j]);
			if (unlikely(w & CMAP_DIRTY)) {
				/* invariant (M7): persist what we act on,
				 * a pending removal included */
				w = cmap_slot_settle(c, &slots[j], w);
			}
			if (!w)
				continue;
			uint64_t off = w & CMAP_OFF_MASK;
			const struct cmap_rec *r = cmap_rec(c, off);
			if (unlikely(!cmap_rec_fits(c, off, 0, 0) ||
				     !cmap_rec_fits(c, off, r->klen, r->vlen))) {
				ret = cmap_corrupt(c, "record outside the pool", off);
				break;
			}
			if (cb(r->data, r->klen, r->data + r->klen, r->vlen, arg)) {
				ret = -ECANCELED;
				break;
			}
		}
		/* next run boundary: a segment seen mid-split may be one
		 * whose run started before i; never skip past other runs */
		i = ((i >> (g - l)) + 1) << (g - l);
	}
	cmap_epoch_exit(c, s);
	return ret;
}

static int
cmap_defrag(void *h, double start_percent, double amount_percent)
{
	(void)h;
	if (!(start_percent >= 0 && start_percent <= 100) ||
	    !(amount_percent >= 0 && amount_percent <= 100) ||
	    start_percent + amount_percent > 100) {
		err_set("cmap: defrag range [%g%%, +%g%%] is not within [0, 100]",
			start_percent, amount_percent);
		return -EINVAL;
	}
	/* Records live in size-classed runs and are freed individually;
	 * see docs/FORMAT.md (cmap) for why nothing needs compacting. */
	return 0;
}

static int
cmap_info(void *h, struct engine_info *info)
{
	struct cmap *c = h;
	struct pool_stats st;
	pool_stats(c->pool, &st);
	info->mode = pool_mode(c->pool);
	info->pool_size = pool_size(c->pool);
	info->used_bytes = st.allocated_bytes;
	int64_t n = cmap_count_sum(c);
	info->records = n > 0 ? (uint64_t)n : 0;
	return 0;
}

/* ---- open, recovery, close ---- */

static uint64_t
cmap_random_seed(void)
{
	uint64_t s = 0;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		s = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec ^
		    ((uint64_t)getpid() << 32);
	}
	return s;
}

/* cmap_init -- lay out an empty map in a pool whose root is not yet
 * initialized: one segment, a directory of one entry, then the magic. */
static int
cmap_init(struct cmap *c, unsigned blog)
{
	struct cmap_root *root = c->root;
	c->nbuckets = 1ull << blog;
	c->seg_size = sizeof(struct cmap_seg) + 48 + (c->nbuckets * CMAP_SLOTS * 8);
	c->seed = cmap_random_seed();
	uint64_t seg, dir;
	int ret = cmap_seg_new(c, 0, 0, &seg);
	if (ret)
		return ret;
	ret = cmap_dir_alloc(c, 1, &dir);
	if (ret) {
		pool_free(c->pool, seg);
		err_set("cmap: pool %s is too small for an empty map", pool_path(c->pool));
		return ret;
	}
	pool_flush(c->pool, cmap_seg(c, seg), c->seg_size);
	*(uint64_t *)(c->base + dir) = seg;
	pool_flush(c->pool, c->base + dir, sizeof(uint64_t));
	memset(root, 0, sizeof(*root));
	root->version = CMAP_VERSION;
	root->seg_buckets_log2 = blog;
	root->seed = c->seed;
	root->dir_word = dir << 8;
	pool_persist(c->pool, root, sizeof(*root));
	/* Crash here: no magic yet; the next open initializes again and
	 * recovery frees these blocks. */
	root->magic = CMAP_MAGIC;
	pool_persist(c->pool, &root->magic, sizeof(root->magic));
	c->count_base = 0;
	return 0;
}

/* cmap_off_ok -- off could be a block in the heap of this pool. */
static inline bool
cmap_off_ok(const struct cmap *c, uint64_t off, uint64_t len)
{
	uint64_t size = pool_size(c->pool);
	return off != 0 && (off & 15) == 0 && off < size && len <= size - off;
}

/*
 * cmap_walk -- validate the directory and every segment header (M3: a
 * segment of depth L fills exactly its aligned run of 2^(G-L) entries with
 * the right prefix); declare directory, segments and records reachable
 * (pool_recovery_mark) and count the records (M6). Cost: O(2^G) directory
 * entries plus one pass over the slots; records themselves are never read.
 */
static int
cmap_walk(struct cmap *c)
{
	uint64_t dw = c->root->dir_word;
	unsigned g = cmap_gdepth(dw);
	if (g > CMAP_MAX_DEPTH || !cmap_off_ok(c, dw >> 8, 8ull << g))
		return cmap_corrupt(c, "bad directory word", dw);
	uint64_t *dir = cmap_dir(c, dw);
	uint64_t n = 1ull << g;
	if (pool_recovery_mark(c->pool, dw >> 8))
		return cmap_corrupt(c, "directory is not an allocated block", dw >> 8);
	uint64_t nslots = c->nbuckets * CMAP_SLOTS;
	int64_t count = 0;
	for (uint64_t i = 0; i < n;) {
		uint64_t seg = dir[i];
		if (!cmap_off_ok(c, seg, c->seg_size))
			return cmap_corrupt(c, "bad directory entry", i);
		struct cmap_seg *sg = cmap_seg(c, seg);
		unsigned l = sg->depth;
		if (l > g || sg->buckets_log2 != (uint32_t)__builtin_ctzll(c->nbuckets) ||
		    (i & ((1ull << (g - l)) - 1)) != 0 || sg->prefix != i >> (g - l))
			return cmap_corrupt(c, "bad segment header", seg);
		uint64_t span = 1ull << (g - l);
		for (uint64_t x = i + 1; x < i + span; x++)
			if (dir[x] != seg)
				return cmap_corrupt(c, "directory range of a segment is split", x);
		i += span;
		if (pool_recovery_mark(c->pool, seg))
			return cmap_corrupt(c, "segment is not an allocated block", seg);
		uint64_t *slots = cmap_seg_slots(c, seg);
		for (uint64_t j = 0; j < nslots; j++) {
			uint64_t w = slots[j];
			if (w & CMAP_DIRTY) {
				/* invariant (M7): what is on media is durable;
				 * the flag means nothing after a crash. Cleared
				 * in memory (in msync mode flushed too, so the
				 * file loses it with the next fence). */
				w &= ~CMAP_DIRTY;
				slots[j] = w;
				if (c->msync)
					pool_flush(c->pool, &slots[j], sizeof(uint64_t));
			}
			if (!w)
				continue;
			uint64_t off = w & CMAP_OFF_MASK;
			if (!cmap_off_ok(c, off, CMAP_REC_HDR) || pool_recovery_mark(c->pool, off))
				return cmap_corrupt(c, "bad record offset in a slot", seg);
			count++;
		}
	}
	c->count_base = count;
	return 0;
}

/*
 * cmap_recover -- after a crash: finish a valid split intent (M4), then
 * walk the structure declaring what is reachable (cmap_walk).
 */
static int
cmap_recover(struct cmap *c)
{
	struct cmap_root *root = c->root;
	uint64_t dw = root->dir_word;
	unsigned g = cmap_gdepth(dw);
	if (g > CMAP_MAX_DEPTH || !cmap_off_ok(c, dw >> 8, 8ull << g))
		return cmap_corrupt(c, "bad directory word", dw);
	if (root->intent_valid) {
		uint64_t *dir = cmap_dir(c, dw);
		uint64_t start = root->intent_start, half = root->intent_half;
		if (root->intent_dir != dw >> 8 || half == 0 || (half & (half - 1)) ||
		    (start & (2 * half - 1)) || start + 2 * half > (1ull << g) ||
		    !cmap_off_ok(c, root->intent_seg[0], c->seg_size) ||
		    !cmap_off_ok(c, root->intent_seg[1], c->seg_size))
			return cmap_corrupt(c, "bad split intent", root->intent_start);
		for (uint64_t i = 0; i < half; i++) {
			dir[start + i] = root->intent_seg[0];
			dir[start + half + i] = root->intent_seg[1];
		}
		pool_persist(c->pool, &dir[start], 2 * half * sizeof(uint64_t));
		root->intent_valid = 0;
		pool_persist(c->pool, &root->intent_valid, sizeof(uint64_t));
		/* Crash here: the split is complete on media. */
	}
	return cmap_walk(c);
}

static void
cmap_free_handle(struct cmap *c)
{
	pthread_key_delete(c->tkey);
	pthread_mutex_destroy(&c->dir_lock);
	free(c);
}

static int
cmap_cfg_segment_buckets(const struct engine_config *cfg, unsigned *blog)
{
	uint64_t nb = CMAP_SEG_BUCKETS_DEFAULT;
	if (cfg->get_uint64) {
		int ret = cfg->get_uint64(cfg->cfg, CMAP_CFG_SEGMENT_BUCKETS, &nb);
		if (ret == -ENOENT) {
			nb = CMAP_SEG_BUCKETS_DEFAULT;
		} else if (ret) {
			err_set("cmap: config item \"%s\" must be an unsigned integer",
				CMAP_CFG_SEGMENT_BUCKETS);
			return ret;
		}
	}
	if (nb < CMAP_SEG_BUCKETS_MIN || nb > CMAP_SEG_BUCKETS_MAX || (nb & (nb - 1))) {
		err_set("cmap: \"%s\" must be a power of two in [%d, %d], not %llu",
			CMAP_CFG_SEGMENT_BUCKETS, CMAP_SEG_BUCKETS_MIN, CMAP_SEG_BUCKETS_MAX,
			(unsigned long long)nb);
		return -EINVAL;
	}
	*blog = (unsigned)__builtin_ctzll(nb);
	return 0;
}

static int
cmap_open(const struct engine_config *cfg, void **handle)
{
	if (!cfg || !cfg->path) {
		err_set("cmap: path not set");
		return -EINVAL;
	}
	unsigned blog;
	int ret = cmap_cfg_segment_buckets(cfg, &blog);
	if (ret)
		return ret;

	struct pool_opts po = {.mode = cfg->mode};
	struct pool *p = NULL;
	if (cfg->create_or_error_if_exists || cfg->create_if_missing) {
		if (!cfg->create_or_error_if_exists)
			ret = pool_open(cfg->path, CMAP_LAYOUT, &po, &p);
		if (cfg->create_or_error_if_exists || ret == -ENOENT) {
			if (cfg->size == 0) {
				err_set("cmap: size not set (needed to create %s)", cfg->path);
				return -EINVAL;
			}
			ret = pool_create(cfg->path, CMAP_LAYOUT, cfg->size, &po, &p);
		}
	} else {
		ret = pool_open(cfg->path, CMAP_LAYOUT, &po, &p);
	}
	if (ret)
		return ret;

	struct cmap *c = aligned_alloc(64, ALIGN_UP(sizeof(struct cmap), 64));
	if (!c) {
		pool_close(p);
		err_set("cmap: out of memory");
		return -ENOMEM;
	}
	memset(c, 0, sizeof(*c));
	c->pool = p;
	c->base = pool_base(p);
	c->psize = pool_size(p);
	c->root = pool_root(p);
	c->epoch = 1;
	c->msync = pool_mode(p) == PMEM_MODE_MSYNC;
	c->gen = __atomic_fetch_add(&cmap_gen_next, 1, __ATOMIC_RELAXED);
	if (pthread_key_create(&c->tkey, cmap_thread_exit) != 0) {
		free(c);
		pool_close(p);
		err_set("cmap: cannot create a thread key");
		return -ENOMEM;
	}
	pthread_mutex_init(&c->dir_lock, NULL);

	struct cmap_root *root = c->root;
	int recovering = pool_recovery_needed(p);
	if (root->magic == CMAP_MAGIC) {
		if (root->version != CMAP_VERSION) {
			err_set("cmap: pool %s has cmap format version %u, this library reads %d",
				cfg->path, root->version, CMAP_VERSION);
			ret = root->version > CMAP_VERSION ? -EPROTONOSUPPORT : -EINVAL;
			goto fail;
		}
		if (root->seg_buckets_log2 < 2 || root->seg_buckets_log2 > 16) {
			ret = cmap_corrupt(c, "bad segment size", 0);
			goto fail;
		}
		/* invariant (M7): a DIRTY bit read from media is stale (the
		 * word is durable); clear it in memory so no writer pays a
		 * fence for it. */
		if (root->dir_word & CMAP_DW_DIRTY)
			root->dir_word &= ~CMAP_DW_DIRTY;
		c->seed = root->seed;
		c->nbuckets = 1ull << root->seg_buckets_log2;
		c->seg_size = sizeof(struct cmap_seg) + 48 + (c->nbuckets * CMAP_SLOTS * 8);
		if (recovering) {
			if ((ret = cmap_recover(c)) != 0)
				goto fail;
			if ((ret = pool_recovery_finish(p)) != 0)
				goto fail;
		} else {
			/* Clean: trust the root; no scan (O(1) open). Damage
			 * below the directory word is caught where it is read
			 * (cmap_seg_bad, cmap_rec_fits). */
			uint64_t dw = root->dir_word;
			unsigned g = cmap_gdepth(dw);
			if (root->intent_valid || g > CMAP_MAX_DEPTH ||
			    !cmap_off_ok(c, dw >> 8, 8ull << g)) {
				ret = cmap_corrupt(c, "bad directory word", dw);
				goto fail;
			}
			c->count_base = (int64_t)root->count;
		}
	} else if (root->magic == 0) {
		/* A new pool, or one whose initialization did not finish. */
		if (recovering && (ret = pool_recovery_finish(p)) != 0)
			goto fail;
		if ((ret = cmap_init(c, blog)) != 0)
			goto fail;
	} else {
		err_set("cmap: pool %s does not hold a cmap (bad root magic)", cfg->path);
		ret = -EINVAL;
		goto fail;
	}
	*handle = c;
	return 0;
fail:
	pool_close(p);
	cmap_free_handle(c);
	return ret;
}

static void
cmap_close(void *h)
{
	struct cmap *c = h;
	if (!c)
		return;
	/* No thread uses the handle any more: every retired block is free to go. */
	for (unsigned i = 0; i < CMAP_MAX_THREADS; i++) {
		struct cmap_tslot *s = &c->slots[i];
		for (size_t j = 0; j < s->nretired; j++)
			pool_free(c->pool, s->retired[2 * j]);
		free(s->retired);
	}
	int64_t n = cmap_count_sum(c);
	c->root->count = n > 0 ? (uint64_t)n : 0;
	pool_persist(c->pool, &c->root->count, sizeof(c->root->count));
	/* Crash here: the pool is not marked clean; recovery recounts. */
	pool_close(c->pool);
	cmap_free_handle(c);
}

/* ---- checker ---- */

struct pool *
cmap_pool(void *handle)
{
	return ((struct cmap *)handle)->pool;
}

uint64_t
cmap_test_reader_fences(void *handle)
{
	return __atomic_load_n(&((struct cmap *)handle)->reader_fences, __ATOMIC_RELAXED);
}

int
cmap_check(void *handle, struct cmap_check_stats *st)
{
	struct cmap *c = handle;
	struct cmap_root *root = c->root;
	struct cmap_check_stats z = {0};
	if (!st)
		st = &z;
	memset(st, 0, sizeof(*st));
	if (root->magic != CMAP_MAGIC)
		return cmap_corrupt(c, "bad magic", 0);
	if (root->intent_valid)
		return cmap_corrupt(c, "split intent left valid", 0);
	uint64_t dw = root->dir_word;
	if (dw & CMAP_DW_DIRTY)
		return cmap_corrupt(c, "directory word left DIRTY (M7)", dw);
	unsigned g = cmap_gdepth(dw);
	if (g > CMAP_MAX_DEPTH || !cmap_off_ok(c, dw >> 8, 8ull << g) ||
	    pool_usable_size(c->pool, dw >> 8) < (8ull << g))
		return cmap_corrupt(c, "bad directory word", dw);
	st->global_depth = g;
	st->reachable_blocks = 1;
	st->reachable_bytes = pool_usable_size(c->pool, dw >> 8);
	uint64_t *dir = cmap_dir(c, dw);
	uint64_t n = 1ull << g, nslots = c->nbuckets * CMAP_SLOTS;
	for (uint64_t i = 0; i < n;) {
		uint64_t seg = dir[i];
		if (!cmap_off_ok(c, seg, c->seg_size) || pool_usable_size(c->pool, seg) < c->seg_size)
			return cmap_corrupt(c, "bad directory entry", i);
		struct cmap_seg *sg = cmap_seg(c, seg);
		unsigned l = sg->depth;
		if (l > g)
			return cmap_corrupt(c, "segment depth exceeds the global depth", seg);
		uint64_t span = 1ull << (g - l);
		if ((i & (span - 1)) || sg->prefix != i >> (g - l))
			return cmap_corrupt(c, "segment depth/prefix does not match the directory", seg);
		for (uint64_t x = i; x < i + span; x++)
			if (dir[x] != seg)
				return cmap_corrupt(c, "segment range not contiguous (M3)", x);
		st->segments++;
		st->reachable_blocks++;
		st->reachable_bytes += pool_usable_size(c->pool, seg);
		uint64_t *slots = cmap_seg_slots(c, seg);
		for (uint64_t j = 0; j < nslots; j++) {
			uint64_t w = slots[j] & ~CMAP_DIRTY; /* (M7): stale DIRTY allowed */
			if (!w)
				continue;
			uint64_t off = w & CMAP_OFF_MASK;
			if (!cmap_off_ok(c, off, CMAP_REC_HDR))
				return cmap_corrupt(c, "bad record offset", off);
			struct cmap_rec *r = cmap_rec(c, off);
			uint64_t need = CMAP_REC_HDR + (uint64_t)r->klen + r->vlen;
			if (pool_usable_size(c->pool, off) < need)
				return cmap_corrupt(c, "record larger than its block", off);
			uint64_t h = cmap_hash(c, r->data, r->klen);
			if ((w & CMAP_FP_MASK) != cmap_fp_word(h))
				return cmap_corrupt(c, "fingerprint mismatch", off);
			if ((l && (h >> (64 - l)) != sg->prefix))
				return cmap_corrupt(c, "key in the wrong segment (M2)", off);
			uint64_t home = h & (c->nbuckets - 1);
			uint64_t dist = ((j / CMAP_SLOTS) - home) & (c->nbuckets - 1);
			if (dist >= CMAP_WINDOW)
				return cmap_corrupt(c, "key outside its probe window (M2)", off);
			uint64_t *found = NULL;
			cmap_seg_find(c, slots, h, r->data, r->klen, &found, NULL, NULL);
			if (found != &slots[j])
				return cmap_corrupt(c, "duplicate key in a segment (M2)", off);
			st->records++;
			st->reachable_blocks++;
			st->reachable_bytes += pool_usable_size(c->pool, off);
		}
		i += span;
	}
	int64_t cnt = cmap_count_sum(c);
	if (cnt != (int64_t)st->records) {
		err_set("cmap: count %lld != %llu reachable records", (long long)cnt,
			(unsigned long long)st->records);
		return -EINVAL;
	}
	return 0;
}

const struct engine_ops cmap_engine_ops = {
	.name = "cmap",
	.persistent = 1,
	.sorted = 0,
	.open = cmap_open,
	.close = cmap_close,
	.count_all = cmap_count_all,
	.get_all = cmap_get_all,
	.exists = cmap_exists,
	.get = cmap_get,
	.put = cmap_put,
	.remove = cmap_remove,
	.defrag = cmap_defrag,
	.info = cmap_info,
};
