/*
 * heap.c -- the persistent allocator: chunks (a power of two, 16 KiB to
 * 1 MiB, chosen per pool at creation: pool_chunk_size_for) described by a
 * chunk table; runs (one size class, a bitmap then the objects; one chunk,
 * or up to 4 for large classes in pools with chunks under 256 KiB: H6) for
 * the classes of which one chunk holds at least POOL_RUN_MIN_OBJS objects
 * (up to 64 KiB); whole chunks for larger blocks.
 *
 * Invariants (cited as "heap (Hn)"; pool.h L4/L5 are the contract):
 *  (H1) A chunk's descriptor in the table is durable before any block in the
 *       chunk is handed out, so after a crash any offset the owner declares
 *       reachable maps to its block. Descriptors of chunks that become free
 *       are NOT written at once (they are stale until the next clean close);
 *       a stale descriptor is harmless because only reachable blocks are
 *       marked during recovery and everything unmarked becomes free.
 *  (H2) Run bitmaps are changed in place and never flushed on the
 *       allocation path: they are exact on media only after a clean close
 *       (pool.c F3). After a crash they are rebuilt from the owner's marks.
 *  (H3) A run belongs to one arena (chunk_info.arena) for its whole life; its
 *       bitmap, nfree and list links change only under that arena's lock.
 *       Whole chunks change hands only under chunk_lock. Lock order: arena
 *       (one at a time, or all in index order) before chunk_lock.
 *  (H4) An empty run returns its chunk to the free pool unless it is the
 *       arena's only non-full run of its class (kept to avoid re-persisting
 *       a descriptor for every alloc/free pair); kept empty runs are
 *       reclaimed before an allocation reports -ENOMEM.
 *  (H5) With few free chunks (1/16) and no free object of its class left, a
 *       small object comes from a run of a class at most twice as large; with
 *       no free chunk, from a run of any larger class (its usable size is that
 *       class's size): partly used runs of other classes are what a full
 *       small pool still has. Blocks are always found through their run's
 *       descriptor, so nothing else depends on the requested size.
 *  (H6) A run of a large class spans nchunks consecutive chunks (class table,
 *       fixed per chunk size and class): the head has the RUN descriptor
 *       and the bitmap, chunk i of the run the descriptor CONT i, published
 *       together (H1), released together (H4); an offset in a continuation
 *       chunk finds its run through the descriptors (run_head).
 *  (H7) Deferred remote frees: pool_free of a run object whose run belongs
 *       to another arena than the calling thread's (arena_of_thread) does
 *       not take that arena's lock: it pushes the offset on the arena's
 *       lock-free stack (pool_arena.remote_head, 0 = empty), linked through
 *       the freed blocks themselves (word 0: next offset; word 1: a tag,
 *       pool.remote_tag ^ offset, that makes a second push of the same block
 *       a detected double free; remote_tag is random per open, so a tag a
 *       crash left in the file never matches and allocation need not clear
 *       it). The block is unreachable (pool.h L5): these
 *       words are DRAM-only scratch, never flushed. Until the stack is
 *       drained the block's bitmap bit stays set, so it is counted allocated
 *       and is never handed out. Draining (arena_drain: one atomic exchange,
 *       then the ordinary locked free per block) happens only under the
 *       owning arena's lock (H3): in pool_alloc when the class list is empty
 *       and every POOL_DRAIN_EVERY allocations, on adopting or raiding
 *       another arena's runs (before run_move), before -ENOMEM (heap_reclaim
 *       drains every arena), and under all locks in pool_stats, heap_check
 *       and heap_persist_for_close, so stats are exact and bitmaps exact at
 *       a clean close. A block whose run moved meanwhile is pushed again on
 *       its run's current arena. Recovery needs no drain: pool_free refuses
 *       until it finishes and a dirty open starts with empty stacks. The
 *       on-media format does not change.
 */
#include "pool/pool_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* one class table per chunk size; the run bitmap is sized per chunk size */
static struct pool_class class_tables[POOL_CHUNK_NSHIFTS][POOL_NCLASSES];
static unsigned class_nrun[POOL_CHUNK_NSHIFTS];
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

/* objects of `size` bytes in a run of `bytes` bytes, bitmap included */
static uint32_t
run_nobj(uint64_t bytes, uint32_t size)
{
	uint32_t nobj = (uint32_t)(bytes / size);
	while (ALIGN_UP((nobj + 7) / 8, 64) + (uint64_t)nobj * size > bytes)
		nobj--;
	return nobj;
}

static void
classes_init_once(void)
{
	for (unsigned t = 0; t < POOL_CHUNK_NSHIFTS; t++) {
		uint64_t chunk = 1ull << (POOL_CHUNK_MIN_SHIFT + t);
		struct pool_class *tab = class_tables[t];
		unsigned nrun = 0;
		for (unsigned i = 0; i < POOL_NCLASSES; i++) {
			uint32_t size;
			if (i < 64) {
				size = 16 * (i + 1);
			} else {
				unsigned j = i - 64, pw = 10 + j / 8, k = j % 8;
				size = (1u << pw) + (k + 1) * ((1u << pw) / 8);
			}
			/* served by runs if one chunk holds POOL_RUN_MIN_OBJS;
			 * sizes grow with i, so the run classes are a prefix */
			if (run_nobj(chunk, size) >= POOL_RUN_MIN_OBJS && nrun == i)
				nrun = i + 1;
			/* a run spans enough chunks for ~16 objects (at most
			 * POOL_RUN_MAX_CHUNKS; one with 256 KiB chunks and more):
			 * less space lost at the end of the runs of large
			 * classes (H6); large pools keep one-chunk runs */
			uint64_t rl = 1;
			if (chunk < (256u << 10)) {
				rl = (16ull * size + chunk - 1) / chunk;
				rl = rl < 1 ? 1 : rl > POOL_RUN_MAX_CHUNKS ? POOL_RUN_MAX_CHUNKS : rl;
			}
			uint32_t nobj = run_nobj(chunk * rl, size);
			tab[i].size = size;
			tab[i].nobj = nobj;
			tab[i].bm_bytes = (uint32_t)ALIGN_UP((nobj + 7) / 8, 64);
			tab[i].bm_words = (nobj + 63) / 64;
			tab[i].nchunks = (uint32_t)rl;
		}
		class_nrun[t] = nrun;
	}
}

const struct pool_class *
pool_classes_get(unsigned shift, unsigned *nrun)
{
	pthread_once(&classes_once, classes_init_once);
	if (shift < POOL_CHUNK_MIN_SHIFT || shift > POOL_CHUNK_MAX_SHIFT)
		abort(); /* the header was validated: a caller's bug */
	*nrun = class_nrun[shift - POOL_CHUNK_MIN_SHIFT];
	return class_tables[shift - POOL_CHUNK_MIN_SHIFT];
}

/*
 * pool_chunk_size_for -- the chunk size a new pool of `pool_size` bytes
 * gets: about 4096 chunks (pool_size / 4096 rounded down to a power of two),
 * at least 16 KiB, at most 256 KiB (pools of 1 GiB and more). Small chunks
 * keep small pools usable: every size class in use holds at least one run,
 * and the partly used runs are what a full pool cannot hand out. Large
 * pools keep 256 KiB: fewer chunks to scan on open. The test knob
 * PMEMKV_POOL_CHUNK_SIZE (a valid chunk size) overrides the choice.
 */
uint64_t
pool_chunk_size_for(uint64_t pool_size)
{
	const char *env = getenv("PMEMKV_POOL_CHUNK_SIZE");
	if (env != NULL) {
		unsigned long long v = strtoull(env, NULL, 0);
		if (v >= POOL_CHUNK_MIN && v <= POOL_CHUNK_MAX && (v & (v - 1)) == 0)
			return v;
	}
	uint64_t c = POOL_CHUNK_MIN;
	while (c < (256u << 10) && c * 2 <= pool_size / 4096)
		c *= 2;
	return c;
}

int
pool_class_of(size_t size)
{
	if (size <= 1024)
		return size == 0 ? 0 : (int)((size + 15) / 16 - 1);
	if (size > POOL_RUN_MAX)
		return -1;
	uint64_t s = size - 1;
	unsigned pw = 63 - (unsigned)__builtin_clzll(s);
	uint64_t step = (1ull << pw) / 8;
	return (int)(64 + (pw - 10) * 8 + (s - (1ull << pw)) / step);
}

/* an empty run counts as a whole free chunk in pool_stats().free_bytes */
#define EMPTY_ADJ(p, k) ((p)->chunk_size * (k)->nchunks - (uint64_t)(k)->nobj * (k)->size)

/* ---- small helpers ------------------------------------------------------------ */

static inline uint64_t *
run_bitmap(const struct pool *p, uint64_t c)
{
	return (uint64_t *)(p->base + chunk_off(p, c));
}

static inline uint64_t
desc_load(const struct pool *p, uint64_t c)
{
	return __atomic_load_n(&p->table[c], __ATOMIC_RELAXED);
}

static inline unsigned
ci_type(const struct chunk_info *ci)
{
	return __atomic_load_n(&ci->type, __ATOMIC_RELAXED);
}

static inline void
ci_set_type(struct chunk_info *ci, unsigned t)
{
	__atomic_store_n(&ci->type, (uint8_t)t, __ATOMIC_RELAXED);
}

static inline void
freemap_set(struct pool *p, uint64_t c)
{
	p->freemap[c / 64] |= 1ull << (c % 64);
}

static inline void
freemap_clear(struct pool *p, uint64_t c)
{
	p->freemap[c / 64] &= ~(1ull << (c % 64));
}

static inline int
freemap_test(const struct pool *p, uint64_t c)
{
	return (p->freemap[c / 64] >> (c % 64)) & 1;
}

static unsigned
popcount_bitmap(const uint64_t *bm, const struct pool_class *k, int *extra)
{
	unsigned n = 0;
	*extra = 0;
	for (uint32_t w = 0; w < k->bm_words; w++) {
		uint64_t v = bm[w];
		if (w == k->bm_words - 1 && (k->nobj % 64) != 0) {
			uint64_t valid = (1ull << (k->nobj % 64)) - 1;
			if (v & ~valid)
				*extra = 1;
			v &= valid;
		}
		n += (unsigned)__builtin_popcountll(v);
	}
	for (uint32_t w = k->bm_words; w < k->bm_bytes / 8; w++)
		if (bm[w] != 0)
			*extra = 1;
	return n;
}

/* ---- init / fini ----------------------------------------------------------------- */

int
heap_init(struct pool *p)
{
	p->chunk_size = p->hdr->chunk_size; /* validated (L1) */
	p->chunk_shift = (unsigned)__builtin_ctzll(p->chunk_size);
	p->classes = pool_classes_get(p->chunk_shift, &p->nrun_classes);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	p->narenas = (unsigned)(cores * 2 > 64 ? 64 : cores * 2);
	/* every arena may hold a partly used run of each class: in a small
	 * heap that space is a large share, so one arena per 64 MiB of heap */
	uint64_t cap = (p->nchunks << p->chunk_shift) / (64ull << 20);
	if (cap < 1)
		cap = 1;
	if (p->narenas > cap)
		p->narenas = (unsigned)cap;
	const char *env = getenv("PMEMKV_POOL_ARENAS"); /* test knob */
	if (env != NULL && atoi(env) >= 1 && atoi(env) <= 64)
		p->narenas = (unsigned)atoi(env);
	p->ci = calloc(p->nchunks, sizeof(*p->ci));
	p->freemap = calloc((p->nchunks + 63) / 64, 8);
	p->arenas = aligned_alloc(64, sizeof(struct pool_arena) * p->narenas);
	if (p->ci == NULL || p->freemap == NULL || p->arenas == NULL) {
		free(p->ci);
		free(p->freemap);
		free(p->arenas);
		p->ci = NULL;
		p->freemap = NULL;
		p->arenas = NULL;
		err_set("pool %s: out of memory for allocator state", p->path);
		return -ENOMEM;
	}
	memset(p->arenas, 0, sizeof(struct pool_arena) * p->narenas);
	for (unsigned i = 0; i < p->narenas; i++) {
		pthread_mutex_init(&p->arenas[i].lock, NULL);
		atomic_init(&p->arenas[i].remote_head, 0); /* (H7) empty */
		for (unsigned k = 0; k < POOL_NCLASSES; k++)
			p->arenas[i].head[k] = NONE32;
	}
	pthread_mutex_init(&p->chunk_lock, NULL);
	for (uint64_t c = 0; c < p->nchunks; c++) {
		p->ci[c].type = CHUNK_FREE;
		p->ci[c].prev = p->ci[c].next = NONE32;
		freemap_set(p, c);
	}
	p->nfree_chunks = p->nchunks;
	p->large_bytes = p->large_objs = 0;
	atomic_store(&p->recovering, 0);
	/* (H7) a tag no earlier open of this file used (a crash may have left
	 * tags in free blocks); fallback without an entropy source: clock */
	if (getrandom(&p->remote_tag, sizeof(p->remote_tag), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(p->remote_tag)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		p->remote_tag = ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) *
					0x9e3779b97f4a7c15ull ^
				((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)p;
	}
	return 0;
}

void
heap_fini(struct pool *p)
{
	if (p->arenas != NULL) {
		for (unsigned i = 0; i < p->narenas; i++)
			pthread_mutex_destroy(&p->arenas[i].lock);
		pthread_mutex_destroy(&p->chunk_lock);
	}
	free(p->ci);
	free(p->freemap);
	free(p->arenas);
	p->ci = NULL;
	p->freemap = NULL;
	p->arenas = NULL;
}

/* ---- run lists (under the arena lock, H3) -------------------------------------- */

static void
list_push(struct pool *p, struct pool_arena *a, uint32_t c)
{
	struct chunk_info *ci = &p->ci[c];
	uint32_t h = a->head[ci->cls];
	ci->prev = NONE32;
	ci->next = h;
	if (h != NONE32)
		p->ci[h].prev = c;
	a->head[ci->cls] = c;
}

static void
list_remove(struct pool *p, struct pool_arena *a, uint32_t c)
{
	struct chunk_info *ci = &p->ci[c];
	if (ci->prev != NONE32)
		p->ci[ci->prev].next = ci->next;
	else
		a->head[ci->cls] = ci->next;
	if (ci->next != NONE32)
		p->ci[ci->next].prev = ci->prev;
	ci->prev = ci->next = NONE32;
}

/* make chunk c (owned by the caller) a run of class cls in arena ai */
static void
run_setup(struct pool *p, unsigned ai, uint64_t c, unsigned cls, uint32_t nfree)
{
	struct chunk_info *ci = &p->ci[c];
	ci->cls = (uint16_t)cls;
	__atomic_store_n(&ci->arena, (uint16_t)ai, __ATOMIC_RELAXED);
	ci->nfree = nfree;
	ci->hint = 0;
	ci->dirty = 1;
	ci->prev = ci->next = NONE32;
	ci_set_type(ci, CHUNK_RUN);
	struct pool_arena *a = &p->arenas[ai];
	a->nruns++;
	a->free_in_runs += (uint64_t)nfree * p->classes[cls].size;
	if (nfree == p->classes[cls].nobj)
		a->empty_adj += EMPTY_ADJ(p, &p->classes[cls]);
	if (nfree > 0)
		list_push(p, a, (uint32_t)c);
}

/* run_chunks_take -- chunks [c+1, c+rl) of a run at c become its continuation
 * chunks in DRAM; the caller owns them (chunk_lock held or recovery) */
static void
run_chunks_take(struct pool *p, uint64_t c, uint32_t rl)
{
	for (uint32_t i = 0; i < rl; i++) {
		if (i > 0)
			ci_set_type(&p->ci[c + i], CHUNK_CONT);
		freemap_clear(p, c + i);
	}
	p->nfree_chunks -= rl;
}

/* large_take -- chunks [c, c+n) become a large block in DRAM (types, free
 * map, counters); the caller owns them (chunk_lock held, or clean open /
 * recovery) */
static void
large_take(struct pool *p, uint64_t c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		ci_set_type(&p->ci[c + i], i == 0 ? CHUNK_LARGE : CHUNK_CONT);
		freemap_clear(p, c + i);
	}
	p->ci[c].n = (uint32_t)n;
	p->nfree_chunks -= n;
	p->large_bytes += n * p->chunk_size;
	p->large_objs++;
}

/* run_cont_ok -- the table holds the continuation descriptors of a run (or
 * a large block) of rl chunks at c, inside the heap */
static int
run_cont_ok(const struct pool *p, uint64_t c, uint32_t rl)
{
	if (c + rl > p->nchunks)
		return 0;
	for (uint32_t i = 1; i < rl; i++)
		if (desc_load(p, c + i) != DESC_MAKE(CHUNK_CONT, 0, i))
			return 0;
	return 1;
}

/*
 * run_head -- the chunk holding the bitmap of the run that chunk c is part
 * of, by the descriptors (a continuation chunk says how far its head is);
 * c itself when c is not a run's continuation. *d gets the head's
 * descriptor.
 */
static uint64_t
run_head(const struct pool *p, uint64_t c, uint64_t *d)
{
	*d = desc_load(p, c);
	if (DESC_TYPE(*d) != CHUNK_CONT || DESC_CLASS(*d) != 0)
		return c;
	uint64_t i = DESC_ARG(*d);
	if (i == 0 || i > c || i >= POOL_RUN_MAX_CHUNKS)
		return c;
	uint64_t hd = desc_load(p, c - i);
	if (DESC_TYPE(hd) != CHUNK_RUN || DESC_CLASS(hd) >= p->nrun_classes ||
	    i >= p->classes[DESC_CLASS(hd)].nchunks)
		return c;
	*d = hd;
	return c - i;
}

/* ---- clean open ------------------------------------------------------------------------- */

/*
 * heap_load -- after a clean close the table and bitmaps are exact (H2):
 * rebuild the DRAM state from them. Reads only. O(chunks + bitmap bytes).
 */
int
heap_load(struct pool *p)
{
	uint64_t c = 0;
	unsigned next_arena = 0;
	while (c < p->nchunks) {
		uint64_t d = p->table[c];
		unsigned t = DESC_TYPE(d);
		if (t == CHUNK_FREE && d == 0) {
			c++;
			continue;
		}
		if (t == CHUNK_RUN && DESC_CLASS(d) < p->nrun_classes && DESC_ARG(d) == 0) {
			unsigned cls = DESC_CLASS(d);
			const struct pool_class *k = &p->classes[cls];
			int extra;
			if (!run_cont_ok(p, c, k->nchunks))
				goto corrupt;
			unsigned used = popcount_bitmap(run_bitmap(p, c), k, &extra);
			if (extra)
				goto corrupt;
			if (used > 0) {
				run_chunks_take(p, c, k->nchunks);
				unsigned ai = next_arena++ % p->narenas;
				run_setup(p, ai, c, cls, k->nobj - used);
				p->ci[c].dirty = 0;
				p->arenas[ai].alloc_bytes += (uint64_t)used * k->size;
				p->arenas[ai].alloc_objs += used;
			}
			c += k->nchunks;
			continue;
		}
		if (t == CHUNK_LARGE && DESC_CLASS(d) == 0) {
			uint64_t n = DESC_ARG(d);
			if (n == 0 || !run_cont_ok(p, c, (uint32_t)n))
				goto corrupt;
			large_take(p, c, n);
			c += n;
			continue;
		}
	corrupt:
		err_set("pool %s: chunk table or run bitmap corrupted at chunk %llu",
			p->path, (unsigned long long)c);
		return -EINVAL;
	}
	return 0;
}

/* ---- recovery (L4) ------------------------------------------------------------------------- */

void
heap_begin_recovery(struct pool *p)
{
	atomic_store(&p->recovering, 1);
}

int
pool_recovery_needed(const struct pool *p)
{
	return atomic_load(&((struct pool *)p)->recovering);
}

int
pool_recovery_mark(struct pool *p, uint64_t off)
{
	if (!atomic_load(&p->recovering))
		return 0;
	uint64_t end = heap_end(p);
	if (off < p->heap_off || off >= end) {
		err_set("pool %s: recovery: offset %llu is outside the heap", p->path,
			(unsigned long long)off);
		return -EINVAL;
	}
	uint64_t d, c = run_head(p, (off - p->heap_off) >> p->chunk_shift, &d);
	struct chunk_info *ci = &p->ci[c];
	int ret = 0;
	pthread_mutex_lock(&p->chunk_lock);
	/* a RUN descriptor not followed by its CONT descriptors is corruption
	 * (docs/FORMAT.md): taking the chunks after it would make a run that a
	 * later clean open refuses (heap_load) */
	if (DESC_TYPE(d) == CHUNK_RUN && DESC_CLASS(d) < p->nrun_classes &&
	    DESC_ARG(d) == 0 && run_cont_ok(p, c, p->classes[DESC_CLASS(d)].nchunks)) {
		const struct pool_class *k = &p->classes[DESC_CLASS(d)];
		uint64_t base = chunk_off(p, c) + k->bm_bytes;
		if (off < base || (off - base) % k->size != 0 ||
		    (off - base) / k->size >= k->nobj) {
			ret = -EINVAL;
			goto bad;
		}
		uint64_t idx = (off - base) / k->size;
		uint64_t *bm = run_bitmap(p, c);
		if (!ci->touched) {
			memset(bm, 0, k->bm_bytes); /* derived state (H2), not flushed */
			ci->touched = 1;
			ci->cls = (uint16_t)DESC_CLASS(d);
			ci->nfree = k->nobj;
		}
		if (bm[idx / 64] & (1ull << (idx % 64))) {
			err_set("pool %s: recovery: block %llu marked twice", p->path,
				(unsigned long long)off);
			ret = -EINVAL;
			goto out;
		}
		bm[idx / 64] |= 1ull << (idx % 64);
		ci->nfree--;
		goto out;
	}
	/* likewise a large block needs its CONT descriptors (heap_load) */
	if (DESC_TYPE(d) == CHUNK_LARGE && DESC_CLASS(d) == 0 && off == chunk_off(p, c) &&
	    DESC_ARG(d) > 0 && run_cont_ok(p, c, DESC_ARG(d))) {
		if (ci->marked) {
			err_set("pool %s: recovery: block %llu marked twice", p->path,
				(unsigned long long)off);
			ret = -EINVAL;
			goto out;
		}
		ci->marked = 1;
		ci->n = DESC_ARG(d);
		goto out;
	}
	ret = -EINVAL;
bad:
	err_set("pool %s: recovery: offset %llu is not the start of an allocated block",
		p->path, (unsigned long long)off);
out:
	pthread_mutex_unlock(&p->chunk_lock);
	return ret;
}

/*
 * pool_recovery_finish -- chunks with marks become runs or large blocks,
 * everything else becomes free (L4). Checks first that no marked large block
 * overlaps another marked block, and changes nothing if one does.
 */
int
pool_recovery_finish(struct pool *p)
{
	if (!atomic_load(&p->recovering))
		return 0;
	pthread_mutex_lock(&p->chunk_lock);
	for (uint64_t c = 0; c < p->nchunks; c++) {
		uint64_t n;
		if (p->ci[c].marked)
			n = p->ci[c].n;
		else if (p->ci[c].touched)
			n = p->classes[p->ci[c].cls].nchunks; /* inside the heap: mark */
		else
			continue;
		for (uint64_t i = 1; i < n; i++) {
			if (p->ci[c + i].marked || p->ci[c + i].touched) {
				pthread_mutex_unlock(&p->chunk_lock);
				err_set("pool %s: recovery: block at chunk %llu overlaps "
					"another reachable block",
					p->path, (unsigned long long)c);
				return -EINVAL;
			}
		}
	}
	unsigned next_arena = 0;
	uint64_t c = 0;
	while (c < p->nchunks) {
		struct chunk_info *ci = &p->ci[c];
		if (ci->marked) {
			uint64_t n = ci->n;
			ci->marked = 0;
			large_take(p, c, n);
			c += n;
			continue;
		}
		if (ci->touched) {
			ci->touched = 0;
			const struct pool_class *k = &p->classes[ci->cls];
			unsigned ai = next_arena++ % p->narenas;
			run_chunks_take(p, c, k->nchunks);
			uint32_t nfree = ci->nfree;
			run_setup(p, ai, c, ci->cls, nfree);
			p->arenas[ai].alloc_bytes += (uint64_t)(k->nobj - nfree) * k->size;
			p->arenas[ai].alloc_objs += k->nobj - nfree;
			c += k->nchunks;
			continue;
		}
		c++;
	}
	atomic_store(&p->recovering, 0);
	pthread_mutex_unlock(&p->chunk_lock);
	return 0;
}

/* ---- chunks ----------------------------------------------------------------------------------- */

/* find n consecutive free chunks; under chunk_lock. UINT64_MAX if none. */
static uint64_t
chunks_find(struct pool *p, uint64_t n)
{
	if (p->nfree_chunks < n)
		return UINT64_MAX;
	uint64_t run = 0, start = 0;
	/* no free chunk below free_hint (a word index): skip the full prefix */
	uint64_t c = p->free_hint * 64;
	if (n == 1) {
		while (c < p->nchunks && p->freemap[c / 64] == 0)
			c += 64;
		p->free_hint = c / 64;
	}
	while (c < p->nchunks) {
		uint64_t w = p->freemap[c / 64] >> (c % 64);
		if (w == 0) { /* no free chunk in the rest of this word */
			run = 0;
			c = ALIGN_DOWN(c, 64) + 64;
			continue;
		}
		if (n == 1)
			return c + (uint64_t)__builtin_ctzll(w);
		if (w & 1) {
			if (run == 0)
				start = c;
			if (++run == n)
				return start;
		} else {
			run = 0;
		}
		c++;
	}
	return UINT64_MAX;
}

/* return chunks to the free pool; under chunk_lock */
static void
chunks_release(struct pool *p, uint64_t c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		ci_set_type(&p->ci[c + i], CHUNK_FREE);
		p->ci[c + i].dirty = 0;
		freemap_set(p, c + i);
	}
	if (c / 64 < p->free_hint)
		p->free_hint = c / 64;
	p->nfree_chunks += n;
	/* invariant (H1): the descriptor stays as it is on media (stale) */
}

/* persist descriptors [c, c+n): `first`, then CONT i, where they differ (H1) */
static void
desc_publish(struct pool *p, uint64_t c, uint64_t n, uint64_t first)
{
	int changed = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t want = (i == 0) ? first : DESC_MAKE(CHUNK_CONT, 0, i);
		if (p->table[c + i] != want) {
			__atomic_store_n(&p->table[c + i], want, __ATOMIC_RELAXED);
			changed = 1;
		}
	}
	if (changed)
		pool_persist(p, &p->table[c], n * 8);
	/* Crash here: the chunk has a durable descriptor but no reachable block:
	 * recovery marks nothing in it and it becomes free again. */
}

static unsigned arena_drain(struct pool *p, unsigned ai, unsigned also, int all,
			    uint64_t *applied); /* (H7) below */

/*
 * heap_reclaim -- apply every arena's deferred frees (H7), then give the
 * empty runs kept by the arenas (H4) back to the free pool. Called with no
 * lock held. Returns how many runs came back plus how many frees were
 * applied (0: nothing changed).
 */
static uint64_t
heap_reclaim(struct pool *p)
{
	uint32_t list = NONE32;
	uint64_t n = 0, applied = 0;
	/* (H7) deferred frees first, each arena under its lock; a block pushed
	 * again (its run moved) is applied by a further pass */
	for (int pass = 0; pass < 4; pass++) {
		unsigned repushed = 0;
		for (unsigned ai = 0; ai < p->narenas; ai++) {
			pthread_mutex_lock(&p->arenas[ai].lock);
			repushed += arena_drain(p, ai, NONE32, 0, &applied);
			pthread_mutex_unlock(&p->arenas[ai].lock);
		}
		if (repushed == 0)
			break;
	}
	for (unsigned ai = 0; ai < p->narenas; ai++) {
		struct pool_arena *a = &p->arenas[ai];
		pthread_mutex_lock(&a->lock);
		for (unsigned k = 0; k < POOL_NCLASSES; k++) {
			uint32_t c = a->head[k];
			while (c != NONE32) {
				uint32_t nx = p->ci[c].next;
				if (p->ci[c].nfree == p->classes[k].nobj) {
					list_remove(p, a, c);
					a->nruns--;
					a->free_in_runs -= (uint64_t)p->classes[k].nobj *
							   p->classes[k].size;
					a->empty_adj -= EMPTY_ADJ(p, &p->classes[k]);
					p->ci[c].next = list;
					list = c;
					n++;
				}
				c = nx;
			}
		}
		pthread_mutex_unlock(&a->lock);
	}
	if (n == 0)
		return applied; /* progress if frees were applied */
	pthread_mutex_lock(&p->chunk_lock);
	while (list != NONE32) {
		uint32_t nx = p->ci[list].next;
		p->ci[list].next = NONE32;
		chunks_release(p, list, p->classes[p->ci[list].cls].nchunks);
		list = nx;
	}
	pthread_mutex_unlock(&p->chunk_lock);
	return n + applied;
}

/* ---- alloc / free ------------------------------------------------------------------------------ */

static _Atomic unsigned next_thread_id;
static _Thread_local unsigned tl_thread_id; /* 0 = not assigned yet */

static unsigned
arena_of_thread(const struct pool *p)
{
	if (tl_thread_id == 0)
		tl_thread_id = atomic_fetch_add(&next_thread_id, 1) + 1;
	return (tl_thread_id - 1) % p->narenas;
}

static int
large_alloc(struct pool *p, size_t size, uint64_t *off)
{
	uint64_t n = (size + p->chunk_size - 1) / p->chunk_size;
	uint64_t c;
	if (n > p->nchunks) { /* can never fit: no reclaim (H4, H7) needed */
		err_set("pool %s: out of space for a block of %zu bytes", p->path, size);
		return -ENOMEM;
	}
	for (int attempt = 0;; attempt++) {
		pthread_mutex_lock(&p->chunk_lock);
		c = chunks_find(p, n);
		if (c != UINT64_MAX)
			break;
		pthread_mutex_unlock(&p->chunk_lock);
		if (attempt > 0 || heap_reclaim(p) == 0) {
			err_set("pool %s: out of space for a block of %zu bytes", p->path,
				size);
			return -ENOMEM;
		}
	}
	large_take(p, c, n);
	pthread_mutex_unlock(&p->chunk_lock);
	desc_publish(p, c, n, DESC_MAKE(CHUNK_LARGE, 0, n)); /* invariant (H1) */
	*off = chunk_off(p, c);
	return 0;
}

/* ---- deferred remote frees (H7) ------------------------------------------------------------- */

#define POOL_DRAIN_EVERY 64u		  /* allocations between two drains */

/* run_lookup -- the head chunk of the run that offset off (in the heap) lies
 * in, by the DRAM types; UINT64_MAX when it is not in a run */
static uint64_t
run_lookup(const struct pool *p, uint64_t off)
{
	uint64_t c = (off - p->heap_off) >> p->chunk_shift;
	unsigned t = ci_type(&p->ci[c]);
	if (t == CHUNK_CONT) { /* in a run of several chunks? (H6) */
		uint64_t d;
		c = run_head(p, c, &d);
		t = ci_type(&p->ci[c]);
	}
	return t == CHUNK_RUN ? c : UINT64_MAX;
}

/*
 * run_free_locked -- free object off of run c, which arena a owns (its lock
 * held, H3). -EINVAL (nothing changed) if off is not an allocated object of
 * the run. With clear_tag, the deferred-free tag (H7) in the block's word 1
 * is cleared once off is known to be an object of the run, so the block can
 * be handed out and pushed again later.
 */
static int
run_free_locked(struct pool *p, struct pool_arena *a, uint64_t c, uint64_t off, int clear_tag)
{
	struct chunk_info *ci = &p->ci[c];
	if (ci_type(ci) != CHUNK_RUN)
		return -EINVAL;
	const struct pool_class *k = &p->classes[ci->cls];
	uint64_t base = chunk_off(p, c) + k->bm_bytes;
	uint64_t idx = (off - base) / k->size;
	uint64_t *bm = run_bitmap(p, c);
	if (off < base || (off - base) % k->size != 0 || idx >= k->nobj)
		return -EINVAL;
	if (clear_tag) /* a free or a pending block of our run: nobody else's */
		__atomic_store_n((uint64_t *)(p->base + off) + 1, 0, __ATOMIC_RELAXED);
	if (!(bm[idx / 64] & (1ull << (idx % 64))))
		return -EINVAL;
	bm[idx / 64] &= ~(1ull << (idx % 64)); /* invariant (H2): not flushed */
	ci->dirty = 1;
	a->alloc_bytes -= k->size;
	a->alloc_objs--;
	a->free_in_runs += k->size;
	if (++ci->nfree == 1)
		list_push(p, a, (uint32_t)c);
	if (ci->nfree == k->nobj)
		a->empty_adj += EMPTY_ADJ(p, k);
	if (ci->nfree == k->nobj && (a->head[ci->cls] != c || ci->next != NONE32)) {
		/* invariant (H4): not the only non-full run of its class */
		list_remove(p, a, (uint32_t)c);
		a->nruns--;
		a->free_in_runs -= (uint64_t)k->nobj * k->size;
		a->empty_adj -= EMPTY_ADJ(p, k);
		pthread_mutex_lock(&p->chunk_lock);
		chunks_release(p, c, k->nchunks);
		pthread_mutex_unlock(&p->chunk_lock);
	}
	return 0;
}

/* remote_push -- push block off on arena ai's deferred-free stack (H7) */
static void
remote_push(struct pool *p, unsigned ai, uint64_t off)
{
	_Atomic uint64_t *h = &p->arenas[ai].remote_head;
	uint64_t *w = (uint64_t *)(p->base + off);
	uint64_t old = atomic_load_explicit(h, memory_order_relaxed);
	do
		__atomic_store_n(&w[0], old, __ATOMIC_RELAXED); /* scratch (L5) */
	while (!atomic_compare_exchange_weak_explicit(h, &old, off, memory_order_release,
						      memory_order_relaxed));
}

/*
 * arena_drain -- apply the deferred frees on arena ai's stack (H7). Held:
 * ai's lock and also's (NONE32: none), or every arena's lock when `all`.
 * A block whose run now belongs to an arena not held is pushed on that
 * arena's stack. Returns how many were; *applied (may be NULL) grows by the
 * frees applied.
 */
static unsigned
arena_drain(struct pool *p, unsigned ai, unsigned also, int all, uint64_t *applied)
{
	struct pool_arena *a = &p->arenas[ai];
	a->drain_tick = 0;
	if (atomic_load_explicit(&a->remote_head, memory_order_relaxed) == 0)
		return 0;
	uint64_t off = atomic_exchange_explicit(&a->remote_head, 0, memory_order_acquire);
	unsigned repushed = 0;
	while (off != 0) {
		uint64_t next = __atomic_load_n((uint64_t *)(p->base + off), __ATOMIC_RELAXED);
		uint64_t c = run_lookup(p, off);
		int ok = 0;
		if (c != UINT64_MAX) {
			unsigned ri = __atomic_load_n(&p->ci[c].arena, __ATOMIC_RELAXED);
			if (ri < p->narenas && (ri == ai || ri == also || all)) {
				ok = run_free_locked(p, &p->arenas[ri], c, off, 1) == 0;
				if (ok && applied != NULL)
					(*applied)++;
			} else if (ri < p->narenas) {
				remote_push(p, ri, off); /* the run moved (run_move) */
				repushed++;
				ok = 1;
			}
		}
		if (!ok)
			err_set("pool %s: free of %llu which is not an allocated block "
				"(ignored)",
				p->path, (unsigned long long)off);
		off = next;
	}
	return repushed;
}

/* heap_drain_all_locked -- every arena's stack applied; all arena locks held */
static void
heap_drain_all_locked(struct pool *p)
{
	for (unsigned i = 0; i < p->narenas; i++)
		arena_drain(p, i, NONE32, 1, NULL);
}

/*
 * run_move -- give non-full run c of arena `from` to arena `to` (index ti);
 * both locks held (H3). Counters of live objects stay with the arena that
 * counted them: only sums over arenas are meaningful (modular arithmetic).
 */
static void
run_move(struct pool *p, struct pool_arena *from, struct pool_arena *to, unsigned ti,
	 uint32_t c)
{
	struct chunk_info *ci = &p->ci[c];
	const struct pool_class *k = &p->classes[ci->cls];
	uint64_t fr = (uint64_t)ci->nfree * k->size;
	uint64_t adj = ci->nfree == k->nobj ? EMPTY_ADJ(p, k) : 0;
	list_remove(p, from, c);
	from->nruns--;
	from->free_in_runs -= fr;
	from->empty_adj -= adj;
	__atomic_store_n(&ci->arena, (uint16_t)ti, __ATOMIC_RELAXED);
	to->nruns++;
	to->free_in_runs += fr;
	to->empty_adj += adj;
	list_push(p, to, c);
}

/* allocate one object from run c (nfree > 0); under the arena lock */
static uint64_t
run_take(struct pool *p, struct pool_arena *a, uint32_t c)
{
	struct chunk_info *ci = &p->ci[c];
	const struct pool_class *k = &p->classes[ci->cls];
	uint64_t *bm = run_bitmap(p, c);
	uint32_t words = k->bm_words;
	for (uint32_t i = 0; i < words; i++) {
		uint32_t w = ci->hint + i;
		if (w >= words)
			w -= words;
		uint64_t v = bm[w];
		if (w == words - 1 && (k->nobj % 64) != 0)
			v |= ~((1ull << (k->nobj % 64)) - 1);
		if (v == ~0ull)
			continue;
		unsigned b = (unsigned)__builtin_ctzll(~v);
		bm[w] |= 1ull << b; /* invariant (H2): not flushed */
		ci->hint = w;
		ci->dirty = 1;
		if (ci->nfree == k->nobj)
			a->empty_adj -= EMPTY_ADJ(p, k);
		if (--ci->nfree == 0)
			list_remove(p, a, c);
		a->alloc_bytes += k->size;
		a->alloc_objs++;
		a->free_in_runs -= k->size;
		/* (H7) a tag of this open is never in a free block (arena_drain
		 * clears it before the bit); older ones cannot match */
		return chunk_off(p, c) + k->bm_bytes + ((uint64_t)w * 64 + b) * k->size;
	}
	abort(); /* nfree > 0 but the bitmap is full: DRAM state broken */
}

int
pool_alloc(struct pool *p, size_t size, uint64_t *off)
{
	if (size == 0 || size > POOL_ALLOC_MAX) {
		err_set("pool %s: invalid allocation size %zu", p->path, size);
		return -EINVAL;
	}
	if (atomic_load_explicit(&p->recovering, memory_order_acquire)) {
		err_set("pool %s: allocation before recovery finished", p->path);
		return -EBUSY;
	}
	int cls = pool_class_of(size);
	if (cls < 0 || (unsigned)cls >= p->nrun_classes) /* too big for a run */
		return large_alloc(p, size, off);
	unsigned ai = arena_of_thread(p);
	struct pool_arena *a = &p->arenas[ai];
	const struct pool_class *k = &p->classes[cls];
	for (int attempt = 0;; attempt++) {
		/* 1. a non-full run of our arena */
		pthread_mutex_lock(&a->lock);
		/* (H7) our deferred frees: when the list is empty, and now and then */
		if (a->head[cls] == NONE32 || ++a->drain_tick >= POOL_DRAIN_EVERY)
			arena_drain(p, ai, NONE32, 0, NULL);
		if (a->head[cls] != NONE32)
			goto take;
		/* 2. adopt a non-full run of an idle arena (trylock: we hold ours) */
		for (unsigned i = 1; i < p->narenas; i++) {
			struct pool_arena *b = &p->arenas[(ai + i) % p->narenas];
			if (pthread_mutex_trylock(&b->lock) != 0)
				continue;
			/* (H7) b's deferred frees first: exact runs to adopt */
			arena_drain(p, (ai + i) % p->narenas, ai, 0, NULL);
			uint32_t c = b->head[cls];
			if (c != NONE32)
				run_move(p, b, a, ai, c);
			pthread_mutex_unlock(&b->lock);
			if (c != NONE32)
				goto take;
		}
		/* 3. a free chunk becomes a new run; when few are left, first a
		 * free object of a class at most twice as large (H5) */
		pthread_mutex_lock(&p->chunk_lock);
		if (p->nfree_chunks * 16 < p->nchunks) {
			pthread_mutex_unlock(&p->chunk_lock);
			for (unsigned j = (unsigned)cls + 1;
			     j < p->nrun_classes && p->classes[j].size <= 2 * k->size; j++) {
				if (a->head[j] != NONE32) {
					*off = run_take(p, a, a->head[j]);
					pthread_mutex_unlock(&a->lock);
					return 0;
				}
			}
			pthread_mutex_lock(&p->chunk_lock);
		}
		uint64_t fc = chunks_find(p, k->nchunks);
		if (fc != UINT64_MAX) {
			run_chunks_take(p, fc, k->nchunks);
			ci_set_type(&p->ci[fc], CHUNK_RUN);
			pthread_mutex_unlock(&p->chunk_lock);
			memset(run_bitmap(p, fc), 0, k->bm_bytes); /* (H2) not flushed */
			run_setup(p, ai, fc, (unsigned)cls, k->nobj);
			desc_publish(p, fc, k->nchunks, DESC_MAKE(CHUNK_RUN, cls, 0)); /* (H1) */
			goto take;
		}
		pthread_mutex_unlock(&p->chunk_lock);
		pthread_mutex_unlock(&a->lock);
		/* 4. a non-full run of a busy arena, taken from under its lock */
		for (unsigned i = 1; i < p->narenas; i++) {
			struct pool_arena *b = &p->arenas[(ai + i) % p->narenas];
			pthread_mutex_lock(&b->lock);
			arena_drain(p, (ai + i) % p->narenas, NONE32, 0, NULL); /* (H7) */
			if (b->head[cls] != NONE32) {
				*off = run_take(p, b, b->head[cls]);
				pthread_mutex_unlock(&b->lock);
				return 0;
			}
			pthread_mutex_unlock(&b->lock);
		}
		/* 5. empty runs kept by arenas (H4) */
		if (attempt > 0 || heap_reclaim(p) == 0)
			break;
	}
	/* 6. a free object of a larger class (H5) */
	for (unsigned j = (unsigned)cls + 1; j < p->nrun_classes; j++) {
		for (unsigned i = 0; i < p->narenas; i++) {
			struct pool_arena *b = &p->arenas[(ai + i) % p->narenas];
			pthread_mutex_lock(&b->lock);
			if (b->head[j] != NONE32) {
				*off = run_take(p, b, b->head[j]);
				pthread_mutex_unlock(&b->lock);
				return 0;
			}
			pthread_mutex_unlock(&b->lock);
		}
	}
	err_set("pool %s: out of space for an object of %zu bytes", p->path, size);
	return -ENOMEM;
take:
	*off = run_take(p, a, a->head[cls]);
	pthread_mutex_unlock(&a->lock);
	return 0;
}

void
pool_free(struct pool *p, uint64_t off)
{
	if (off == 0)
		return;
	if (atomic_load_explicit(&p->recovering, memory_order_acquire)) {
		err_set("pool %s: free before recovery finished (ignored)", p->path);
		return;
	}
	uint64_t end = heap_end(p);
	if (off < p->heap_off || off >= end) {
		err_set("pool %s: free of invalid offset %llu (ignored)", p->path,
			(unsigned long long)off);
		return;
	}
	uint64_t c = (off - p->heap_off) >> p->chunk_shift;
	struct chunk_info *ci = &p->ci[c];
	unsigned t = ci_type(ci);
	if (t == CHUNK_CONT) { /* in a run of several chunks? (H6) */
		uint64_t d;
		c = run_head(p, c, &d);
		ci = &p->ci[c];
		t = ci_type(ci);
		if (t != CHUNK_RUN)
			goto bad;
	}
	if (t == CHUNK_LARGE) {
		if (off != chunk_off(p, c))
			goto bad;
		pthread_mutex_lock(&p->chunk_lock);
		if (ci_type(ci) != CHUNK_LARGE) {
			pthread_mutex_unlock(&p->chunk_lock);
			goto bad;
		}
		uint64_t n = ci->n;
		p->large_bytes -= n * p->chunk_size;
		p->large_objs--;
		chunks_release(p, c, n);
		pthread_mutex_unlock(&p->chunk_lock);
		return;
	}
	if (t != CHUNK_RUN)
		goto bad;
	unsigned me = arena_of_thread(p);
	unsigned ra = __atomic_load_n(&ci->arena, __ATOMIC_RELAXED);
	if (ra != me && ra < p->narenas) {
		/* invariant (H7): another arena's run, a deferred free. Checked
		 * as far as can be without its lock (the descriptor is durable
		 * before any block of the run is handed out, H1); the bitmap bit
		 * is checked when the owner drains. */
		uint64_t d = desc_load(p, c);
		if (DESC_TYPE(d) != CHUNK_RUN || DESC_CLASS(d) >= p->nrun_classes)
			goto bad;
		const struct pool_class *k = &p->classes[DESC_CLASS(d)];
		uint64_t base = chunk_off(p, c) + k->bm_bytes;
		if (off < base || (off - base) % k->size != 0 ||
		    (off - base) / k->size >= k->nobj)
			goto bad;
		uint64_t tag = p->remote_tag ^ off;
		if (__atomic_exchange_n((uint64_t *)(p->base + off) + 1, tag,
					__ATOMIC_RELAXED) == tag) {
			err_set("pool %s: double free of %llu (ignored)", p->path,
				(unsigned long long)off);
			return;
		}
		remote_push(p, ra, off);
		return;
	}
	struct pool_arena *a;
	unsigned ai;
	for (;;) { /* the run may move to another arena meanwhile (run_move) */
		ai = __atomic_load_n(&ci->arena, __ATOMIC_RELAXED);
		a = &p->arenas[ai % p->narenas];
		pthread_mutex_lock(&a->lock);
		if (__atomic_load_n(&ci->arena, __ATOMIC_RELAXED) == ai)
			break;
		pthread_mutex_unlock(&a->lock);
	}
	/* (H7) pending frees first: a block freed twice, once deferred, is
	 * then found free in the bitmap */
	arena_drain(p, ai % p->narenas, NONE32, 0, NULL);
	int ret = run_free_locked(p, a, c, off, 0);
	pthread_mutex_unlock(&a->lock);
	if (ret == 0)
		return;
bad:
	err_set("pool %s: free of %llu which is not an allocated block (ignored)", p->path,
		(unsigned long long)off);
}

size_t
pool_usable_size(const struct pool *p, uint64_t off)
{
	uint64_t end = heap_end(p);
	if (off < p->heap_off || off >= end)
		return 0;
	uint64_t d, c = run_head(p, (off - p->heap_off) >> p->chunk_shift, &d);
	if (DESC_TYPE(d) == CHUNK_RUN && DESC_CLASS(d) < p->nrun_classes &&
	    c + p->classes[DESC_CLASS(d)].nchunks <= p->nchunks) {
		const struct pool_class *k = &p->classes[DESC_CLASS(d)];
		uint64_t base = chunk_off(p, c) + k->bm_bytes;
		if (off < base || (off - base) % k->size != 0 ||
		    (off - base) / k->size >= k->nobj)
			return 0; /* not the start of an object */
		return k->size;
	}
	if (DESC_TYPE(d) == CHUNK_LARGE && off == chunk_off(p, c))
		return (size_t)DESC_ARG(d) * p->chunk_size;
	return 0;
}

void
pool_stats(struct pool *p, struct pool_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->heap_bytes = p->nchunks * p->chunk_size;
	uint64_t free_runs = 0;
	/* a consistent snapshot needs every lock (H3 order): runs move between
	 * arenas and per-arena counters are only meaningful summed */
	for (unsigned i = 0; i < p->narenas; i++)
		pthread_mutex_lock(&p->arenas[i].lock);
	heap_drain_all_locked(p); /* (H7) exact counters */
	pthread_mutex_lock(&p->chunk_lock);
	for (unsigned i = 0; i < p->narenas; i++) {
		struct pool_arena *a = &p->arenas[i];
		st->allocated_bytes += a->alloc_bytes;
		st->allocated_objs += a->alloc_objs;
		free_runs += a->free_in_runs + a->empty_adj;
	}
	st->allocated_bytes += p->large_bytes;
	st->allocated_objs += p->large_objs;
	st->free_bytes = p->nfree_chunks * p->chunk_size + free_runs;
	pthread_mutex_unlock(&p->chunk_lock);
	for (unsigned i = p->narenas; i-- > 0;)
		pthread_mutex_unlock(&p->arenas[i].lock);
}

/* ---- close ------------------------------------------------------------------------------------------ */

/*
 * heap_persist_for_close -- make the table and the bitmaps exact on media
 * (H2), before pool_close() sets the clean flag. No thread uses the pool.
 */
void
heap_persist_for_close(struct pool *p)
{
	/* (H7) deferred frees applied: the bitmaps become exact */
	for (unsigned i = 0; i < p->narenas; i++)
		pthread_mutex_lock(&p->arenas[i].lock);
	heap_drain_all_locked(p);
	for (unsigned i = p->narenas; i-- > 0;)
		pthread_mutex_unlock(&p->arenas[i].lock);
	/* only the bitmaps that changed: in msync mode a flush writes the range
	 * to the file, so flushing the whole heap would rewrite all of it */
	for (uint64_t c = 0; c < p->nchunks; c++) {
		struct chunk_info *ci = &p->ci[c];
		if (ci->type == CHUNK_FREE) {
			if (p->table[c] != 0)
				p->table[c] = 0; /* stale descriptor (H1) */
		} else if (ci->type == CHUNK_RUN && ci->dirty) {
			pool_flush(p, run_bitmap(p, c), p->classes[ci->cls].bm_bytes);
			ci->dirty = 0;
		}
	}
	pool_flush(p, p->table, p->nchunks * 8);
	pool_fence(p);
}

/* ---- check -------------------------------------------------------------------------------------------- */

#define CHECK_FAIL(...)                                                                \
	do {                                                                           \
		err_set(__VA_ARGS__);                                                  \
		ret = -EINVAL;                                                         \
		goto out;                                                              \
	} while (0)

int
heap_check(struct pool *p)
{
	if (atomic_load(&p->recovering))
		return 0; /* DRAM state not built yet */
	int ret = 0;
	for (unsigned i = 0; i < p->narenas; i++)
		pthread_mutex_lock(&p->arenas[i].lock);
	heap_drain_all_locked(p); /* (H7) bitmaps and counters exact */
	pthread_mutex_lock(&p->chunk_lock);
	uint64_t nfree = 0, alloc_bytes = 0, alloc_objs = 0;
	uint64_t *listed = calloc(p->narenas, sizeof(uint64_t));
	uint64_t *partial = calloc(p->narenas, sizeof(uint64_t));
	if (listed == NULL || partial == NULL)
		CHECK_FAIL("pool %s: check: out of memory", p->path);
	for (uint64_t c = 0; c < p->nchunks;) {
		struct chunk_info *ci = &p->ci[c];
		uint64_t d = p->table[c];
		if (ci->type == CHUNK_FREE) {
			if (!freemap_test(p, c))
				CHECK_FAIL("pool %s: check: free chunk %llu not in free map",
					   p->path, (unsigned long long)c);
			nfree++;
			c++;
			continue;
		}
		if (freemap_test(p, c))
			CHECK_FAIL("pool %s: check: used chunk %llu in free map", p->path,
				   (unsigned long long)c);
		if (ci->type == CHUNK_RUN) {
			const struct pool_class *k = &p->classes[ci->cls];
			if (d != DESC_MAKE(CHUNK_RUN, ci->cls, 0))
				CHECK_FAIL("pool %s: check: run chunk %llu has descriptor %llx",
					   p->path, (unsigned long long)c,
					   (unsigned long long)d);
			int extra;
			unsigned used = popcount_bitmap(run_bitmap(p, c), k, &extra);
			if (extra || used != k->nobj - ci->nfree)
				CHECK_FAIL("pool %s: check: run chunk %llu bitmap holds %u "
					   "objects, expected %u",
					   p->path, (unsigned long long)c, used,
					   k->nobj - ci->nfree);
			if (ci->arena >= p->narenas)
				CHECK_FAIL("pool %s: check: bad arena", p->path);
			if (ci->nfree > 0)
				partial[ci->arena]++;
			alloc_bytes += (uint64_t)used * k->size;
			alloc_objs += used;
			if (c + k->nchunks > p->nchunks)
				CHECK_FAIL("pool %s: check: run at chunk %llu past the end",
					   p->path, (unsigned long long)c);
			for (uint64_t i = 1; i < k->nchunks; i++)
				if (p->ci[c + i].type != CHUNK_CONT ||
				    p->table[c + i] != DESC_MAKE(CHUNK_CONT, 0, i) ||
				    freemap_test(p, c + i))
					CHECK_FAIL("pool %s: check: run at chunk %llu: bad "
						   "continuation %llu",
						   p->path, (unsigned long long)c,
						   (unsigned long long)i);
			c += k->nchunks;
			continue;
		}
		if (ci->type == CHUNK_LARGE) {
			uint64_t n = ci->n;
			if (n == 0 || c + n > p->nchunks || d != DESC_MAKE(CHUNK_LARGE, 0, n))
				CHECK_FAIL("pool %s: check: large block at chunk %llu bad",
					   p->path, (unsigned long long)c);
			for (uint64_t i = 1; i < n; i++)
				if (p->ci[c + i].type != CHUNK_CONT ||
				    p->table[c + i] != DESC_MAKE(CHUNK_CONT, 0, i) ||
				    freemap_test(p, c + i))
					CHECK_FAIL("pool %s: check: large block at chunk %llu: "
						   "bad continuation %llu",
						   p->path, (unsigned long long)c,
						   (unsigned long long)i);
			alloc_bytes += n * p->chunk_size;
			alloc_objs++;
			c += n;
			continue;
		}
		CHECK_FAIL("pool %s: check: chunk %llu has bad type %u", p->path,
			   (unsigned long long)c, ci->type);
	}
	if (nfree != p->nfree_chunks)
		CHECK_FAIL("pool %s: check: %llu free chunks, counter says %llu", p->path,
			   (unsigned long long)nfree, (unsigned long long)p->nfree_chunks);
	uint64_t sb = p->large_bytes, so = p->large_objs;
	for (unsigned i = 0; i < p->narenas; i++) {
		struct pool_arena *a = &p->arenas[i];
		sb += a->alloc_bytes;
		so += a->alloc_objs;
		for (unsigned k = 0; k < POOL_NCLASSES; k++) {
			uint32_t prev = NONE32;
			for (uint32_t c = a->head[k]; c != NONE32; c = p->ci[c].next) {
				if (p->ci[c].type != CHUNK_RUN || p->ci[c].cls != k ||
				    p->ci[c].arena != i || p->ci[c].prev != prev ||
				    p->ci[c].nfree == 0)
					CHECK_FAIL("pool %s: check: arena %u class %u list "
						   "broken at chunk %u",
						   p->path, i, k, c);
				prev = c;
				if (++listed[i] > p->nchunks)
					CHECK_FAIL("pool %s: check: list cycle", p->path);
			}
		}
		if (listed[i] != partial[i])
			CHECK_FAIL("pool %s: check: arena %u lists %llu runs, %llu are "
				   "non-full",
				   p->path, i, (unsigned long long)listed[i],
				   (unsigned long long)partial[i]);
	}
	if (sb != alloc_bytes || so != alloc_objs)
		CHECK_FAIL("pool %s: check: stats say %llu bytes / %llu objects, bitmaps "
			   "%llu / %llu",
			   p->path, (unsigned long long)sb, (unsigned long long)so,
			   (unsigned long long)alloc_bytes, (unsigned long long)alloc_objs);
out:
	free(listed);
	free(partial);
	pthread_mutex_unlock(&p->chunk_lock);
	for (unsigned i = p->narenas; i-- > 0;)
		pthread_mutex_unlock(&p->arenas[i].lock);
	return ret;
}
