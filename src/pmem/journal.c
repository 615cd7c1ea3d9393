/*
 * journal.c -- the journaled msync mode: a redo journal with group commit.
 *
 * In MSYNC mode the pool file is mapped MAP_PRIVATE (pmem.c), so the kernel
 * never writes a store back by itself. After pmem_journal_enable():
 *  - pmem_flush_range() records (offset, length) in the calling thread's
 *    pending list for this map (thread-local; adjacent/overlapping ranges
 *    merged). No copy, no I/O.
 *  - pmem_barrier() seals the pending ranges into one batch: under the
 *    journal lock it copies the CURRENT bytes of those ranges from the
 *    mapping into the in-memory journal buffer behind a checksummed batch
 *    header. No I/O.
 *  - pmem_fence() = barrier, then wait until the journal file is durable up
 *    to the thread's last batch. Group commit: the first waiter finding no
 *    sync in progress becomes the leader, takes the whole buffer (every batch
 *    appended so far, by all threads), writes it with one pwrite at the
 *    journal's tail and calls fdatasync once; the others wait on a condition
 *    variable for a leader whose sync covers their batch.
 *  - Checkpoint (journal file past its limit, and at unmap): with the lock
 *    held and the whole journal durable, the bytes of every batch of the
 *    current generation are written to their home offsets in the pool file
 *    (read back from the journal file, coalesced per page), the pool file is
 *    fdatasync'ed, then the journal is reset (new generation, fdatasync).
 *  - pmem_journal_enable() replays a journal left by a crash (same pool,
 *    same generation, valid batches up to the first invalid one) into the
 *    file and the mapping, syncs the file, and resets the journal.
 *
 * Invariants (cited below as (Jn)):
 *  (J1) While a journal is enabled the pool file is written only by
 *       checkpoints and replay, and only with bytes taken from batches
 *       that are durable in the journal, never from the live mapping. So the
 *       file never holds a byte whose batch is not durable (a flushed but
 *       unsealed store, or a store never flushed).
 *  (J2) A batch is valid only if its magic, generation (== the journal
 *       header's), sequence (== previous + 1), length and hash over the whole
 *       batch match. Replay applies the valid prefix and stops at the first
 *       invalid batch: a torn tail is ignored.
 *  (J3) Batches get their sequence and their bytes (copied from the
 *       mapping) under j->lock, in one global order. So for every byte, the
 *       last batch covering it holds the byte's content at that batch's
 *       seal, which is no older than any earlier batch's: replaying in order
 *       never puts an older value over a newer one.
 *  (J4) The journal file is written in append order, one leader at a time,
 *       each leader writing the contiguous prefix of what was appended: a
 *       batch is durable no earlier than every batch appended before it. With
 *       (J2), the durable journal is always a prefix of the append order, so
 *       "flushed before a barrier" is never durable without what came before.
 *  (J5) A checkpoint runs with j->lock held (no new batch), only after every
 *       appended batch is durable, and resets the journal only after the
 *       pool file is synced. Crash during the home writes: the journal is
 *       intact and durable, replay writes them all again (idempotent).
 *  (J6) The journal header binds it to the pool (hash of the pool file's
 *       first 4 KiB, and its size) and holds the generation; a journal of
 *       another file (pool recreated at the same path) is discarded, never
 *       replayed. Generations only grow in one journal file, so stale
 *       batches past the tail never pass (J2). Every range is checked
 *       against the pool size before anything of the journal is applied: a
 *       journal with a valid batch pointing outside is refused (-EINVAL).
 * Why a checkpoint writes the journal's bytes, not the mapping's: the
 * mapping can hold bytes no durable batch holds yet -- a range flushed but
 * not sealed (thread A between its record's flush and its barrier), or
 * sealed in a batch appended after the last sync. Writing such a page home
 * and crashing before the journal reaches that batch would make durable a
 * store whose predecessors (by barrier order) are not: e.g. a slot publish
 * without its record. Writing exactly the bytes of durable batches, in
 * batch order, gives the file the state "every durable batch applied",
 * which is the state replay would give anyway (J1, J5). Pages written home
 * stay private copies in the mapping (no MADV_DONTNEED: another thread may
 * be storing to them at that moment).
 * The pool's first 4 KiB (the pool header) is assumed not to change after
 * creation; if a batch does change it, the reset after the checkpoint
 * re-binds the journal to the new content (a crash between that page's home
 * write and the reset would make the journal look foreign: a documented gap,
 * not reachable with today's pool format, whose header is write-once).
 *
 * On-media format of "<pool>.journal" (little-endian, docs/FORMAT.md):
 *   [0, 4096)  struct journal_header (64 bytes used, rest zero)
 *   [4096, ..) batches: struct journal_batch, then per range a
 *              struct journal_range and its bytes padded to 8
 */
#include "pmem_internal.h"

#include "common/common.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JRNL_DEFAULT_LIMIT (32ull << 20) /* checkpoint past 32 MiB */
#define JRNL_EXTEND (1ull << 20)	   /* grow the file 1 MiB at a time */
#define JRNL_HOME_MAX_PAGES 8192u	   /* checkpoint page cache (32 MiB) */
#define JRNL_PIECE_MAX (1ull << 20)	   /* longest range in a batch */
#define JRNL_BATCH_MAX (4ull << 20)	   /* batch size, unless one range */
#define JRNL_BUF_MAX (16ull << 20)	   /* unwritten bytes before a drain */

struct jbuf {
	unsigned char *data;
	size_t len, cap;
};

struct pmem_journal {
	uint64_t id; /* unique in the process: key of the thread-local lists */
	int fd;	     /* journal file */
	char *path;  /* journal file path */
	unsigned char *addr; /* the mapping, as in struct pmem_map */
	uint64_t size;	     /* pool file size */
	int pool_fd;	     /* pool file */

	pthread_mutex_t lock; /* everything below */
	pthread_cond_t cond;  /* durable_seq advanced / leader done */
	struct jbuf buf[2];   /* buf[active]: appended, not yet taken */
	int active;
	int syncing;	      /* a leader is writing/syncing */
	uint64_t generation;
	uint64_t gen_seq;      /* batches appended in this generation (on media) */
	uint64_t appended;     /* batches appended since enable (never reset) */
	uint64_t durable;      /* of those, durable in the journal file */
	uint64_t tail;	       /* file offset after the last written batch */
	uint64_t file_alloc;   /* journal file size (zero-filled ahead) */
	uint64_t limit;	       /* checkpoint when tail passes it */
	int failed;	       /* errno of a failed write/sync, latched */
	/* group commit pacing (journal_lead_locked) */
	pthread_cond_t arrive; /* a thread entered pmem_fence's wait */
	int in_fence;	       /* threads inside pmem_journal_fence's wait */
	int recent;	       /* how many usually fence together (>= 1) */
	int leader_waiting;    /* a leader waits on `arrive` */
	uint64_t sync_ns;      /* duration of the last journal write+sync */
	uint64_t n_syncs, n_checkpoints;
};

/* ---------------------------------------------------------------------- */
/* thread-local pending ranges                                            */

struct prange {
	uint64_t off, len;
};

struct jpend {
	uint64_t jid;
	struct prange *r;
	size_t n, cap;
	uint64_t last_seq; /* j->appended after this thread's last batch */
	struct jpend *next;
};

static __thread struct jpend *tls_head; /* this thread's lists, one per journal */
static __thread struct jpend *tls_last; /* the one used last */
static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int tls_key_ok;

/* live journals, to drop a thread's lists of closed ones */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t live_ids[1024];
static size_t live_n;
static uint64_t next_id = 1;

static void
tls_destroy(void *arg)
{
	struct jpend *p = arg;
	while (p != NULL) {
		struct jpend *n = p->next;
		free(p->r);
		free(p);
		p = n;
	}
}

static void
tls_key_init(void)
{
	tls_key_ok = pthread_key_create(&tls_key, tls_destroy) == 0;
}

static int
live_has(uint64_t id)
{
	for (size_t i = 0; i < live_n; i++)
		if (live_ids[i] == id)
			return 1;
	return 0;
}

/* pend_get -- this thread's list for journal j (created on first use);
 * NULL only when out of memory */
static struct jpend *
pend_get(const struct pmem_journal *j)
{
	struct jpend *p = tls_last;
	if (likely(p != NULL && p->jid == j->id))
		return p;
	for (p = tls_head; p != NULL; p = p->next) {
		if (p->jid == j->id) {
			tls_last = p;
			return p;
		}
	}
	/* a miss: first use by this thread; drop the lists of closed journals
	 * (tls_last may be one of them: forget it, and re-point the exit
	 * destructor at the new head even if the calloc below fails) */
	tls_last = NULL;
	pthread_once(&tls_once, tls_key_init);
	pthread_mutex_lock(&live_lock);
	struct jpend **pp = &tls_head;
	while (*pp != NULL) {
		if (!live_has((*pp)->jid)) {
			struct jpend *d = *pp;
			*pp = d->next;
			free(d->r);
			free(d);
		} else {
			pp = &(*pp)->next;
		}
	}
	pthread_mutex_unlock(&live_lock);
	p = calloc(1, sizeof(*p));
	if (p != NULL) {
		p->jid = j->id;
		p->next = tls_head;
		tls_head = p;
		tls_last = p;
	}
	if (tls_key_ok)
		pthread_setspecific(tls_key, tls_head);
	return p;
}

/* pend_add -- record [off, off+len); merges with an overlapping or adjacent
 * range among the last few; 0 or -ENOMEM */
static int
pend_add(struct jpend *p, uint64_t off, uint64_t len)
{
	while (len > JRNL_PIECE_MAX) { /* pieces of a huge flush */
		int r = pend_add(p, off, JRNL_PIECE_MAX);
		if (r != 0)
			return r;
		off += JRNL_PIECE_MAX;
		len -= JRNL_PIECE_MAX;
	}
	uint64_t end = off + len;
	size_t scan = p->n < 8 ? p->n : 8;
	for (size_t k = 0; k < scan; k++) {
		struct prange *r = &p->r[p->n - 1 - k];
		if (off <= r->off + r->len && end >= r->off) {
			uint64_t lo = off < r->off ? off : r->off;
			uint64_t hi = end > r->off + r->len ? end : r->off + r->len;
			if (hi - lo > JRNL_PIECE_MAX)
				continue;
			r->off = lo;
			r->len = hi - lo;
			return 0;
		}
	}
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 16;
		struct prange *nr = realloc(p->r, nc * sizeof(*nr));
		if (nr == NULL)
			return -ENOMEM;
		p->r = nr;
		p->cap = nc;
	}
	p->r[p->n].off = off;
	p->r[p->n].len = len;
	p->n++;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* copying from the mapping                                               */

#if defined(__has_attribute)
#if __has_attribute(no_sanitize)
#define NO_TSAN __attribute__((no_sanitize("thread")))
#endif
#endif
#ifndef NO_TSAN
#define NO_TSAN
#endif

/*
 * copy_live -- copy bytes of the mapping that other threads may be storing
 * to right now (a neighbour's word in a range this thread flushed). Each
 * aligned 8-byte word is read with one load, so it is never torn (P2); the
 * value read may be older or newer than a concurrent store, which is
 * harmless by (J3): that thread's own later batch carries its final value.
 * Not instrumented by TSan: this read is the point of the design, not a bug.
 */
static NO_TSAN void
copy_live(unsigned char *dst, const unsigned char *src, size_t len)
{
	const volatile unsigned char *s = src;
	while (len > 0 && ((uintptr_t)s & 7u) != 0) {
		*dst++ = *s++;
		len--;
	}
	while (len >= 8) {
		uint64_t w = *(const volatile uint64_t *)(const volatile void *)s;
		memcpy(dst, &w, 8);
		dst += 8;
		s += 8;
		len -= 8;
	}
	while (len > 0) {
		*dst++ = *s++;
		len--;
	}
}

/* ---------------------------------------------------------------------- */
/* I/O failure latch                                                      */

static void
journal_fail(struct pmem_journal *j, const char *what, int e)
{
	if (!j->failed)
		j->failed = e;
	char msg[160];
	snprintf(msg, sizeof(msg), "%s of the msync journal", what);
	pmem_io_error(msg, e);
}

/* ---------------------------------------------------------------------- */
/* home writes: apply journal ranges to the pool file, coalesced by page  */

struct homeset {
	int fd;
	uint64_t file_size;
	size_t ps;
	uint64_t *keys; /* page number + 1; 0 = empty slot */
	unsigned char **pages;
	size_t cap, n;
};

static int
home_init(struct homeset *h, int fd, uint64_t file_size)
{
	long ps = sysconf(_SC_PAGESIZE);
	h->fd = fd;
	h->file_size = file_size;
	h->ps = ps > 0 ? (size_t)ps : 4096;
	h->cap = 2 * JRNL_HOME_MAX_PAGES;
	h->n = 0;
	h->keys = calloc(h->cap, sizeof(*h->keys));
	h->pages = calloc(h->cap, sizeof(*h->pages));
	if (h->keys == NULL || h->pages == NULL) {
		free(h->keys);
		free(h->pages);
		return -ENOMEM;
	}
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* home_flush -- pwrite every cached page (ascending), empty the cache */
static int
home_flush(struct homeset *h)
{
	int ret = 0;
	if (h->n == 0)
		return 0;
	uint64_t *order = malloc(h->n * sizeof(*order));
	size_t k = 0;
	for (size_t i = 0; i < h->cap; i++)
		if (h->keys[i] != 0 && order != NULL)
			order[k++] = (uint64_t)i;
	if (order == NULL) {
		/* no memory to sort: write in table order */
		for (size_t i = 0; i < h->cap; i++) {
			if (h->keys[i] == 0)
				continue;
			uint64_t off = (h->keys[i] - 1) * h->ps;
			size_t len = h->file_size - off < h->ps ? (size_t)(h->file_size - off)
								 : h->ps;
			int r = pmem_pwrite_all(h->fd, h->pages[i], len, off);
			if (r != 0 && ret == 0)
				ret = r;
			free(h->pages[i]);
			h->pages[i] = NULL;
			h->keys[i] = 0;
		}
		h->n = 0;
		return ret;
	}
	/* sort slot indexes by page number: keys as (page << 20 | slot) would
	 * not fit; sort (page, slot) pairs through a second array instead */
	uint64_t *pairs = malloc(k * 2 * sizeof(*pairs));
	if (pairs != NULL) {
		for (size_t i = 0; i < k; i++) {
			pairs[2 * i] = h->keys[order[i]];
			pairs[2 * i + 1] = order[i];
		}
		qsort(pairs, k, 2 * sizeof(*pairs), cmp_u64); /* by first word */
		for (size_t i = 0; i < k; i++)
			order[i] = pairs[2 * i + 1];
		free(pairs);
	}
	for (size_t i = 0; i < k; i++) {
		size_t s = (size_t)order[i];
		uint64_t off = (h->keys[s] - 1) * h->ps;
		size_t len = h->file_size - off < h->ps ? (size_t)(h->file_size - off) : h->ps;
		int r = pmem_pwrite_all(h->fd, h->pages[s], len, off);
		if (r != 0 && ret == 0)
			ret = r;
		free(h->pages[s]);
		h->pages[s] = NULL;
		h->keys[s] = 0;
	}
	free(order);
	h->n = 0;
	return ret;
}

static void
home_fini(struct homeset *h)
{
	for (size_t i = 0; i < h->cap; i++)
		free(h->pages[i]);
	free(h->keys);
	free(h->pages);
}

/* home_page -- the cached copy of page pgno, read from the file first */
static unsigned char *
home_page(struct homeset *h, uint64_t pgno, int *err)
{
	size_t mask = h->cap - 1;
	size_t i = (size_t)(pgno * 0x9E3779B97F4A7C15ull >> 20) & mask;
	while (h->keys[i] != 0) {
		if (h->keys[i] == pgno + 1)
			return h->pages[i];
		i = (i + 1) & mask;
	}
	unsigned char *pg = malloc(h->ps);
	if (pg == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	uint64_t off = pgno * h->ps;
	size_t want = h->file_size - off < h->ps ? (size_t)(h->file_size - off) : h->ps;
	size_t got = 0;
	while (got < want) {
		ssize_t n = pread(h->fd, pg + got, want - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = -errno;
			free(pg);
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	memset(pg + got, 0, h->ps - got);
	h->keys[i] = pgno + 1;
	h->pages[i] = pg;
	h->n++;
	return pg;
}

/* home_apply -- put [off, off+len) (bounds already checked) into the page
 * cache, writing the cache out when it is full (allowed: (J5)) */
static int
home_apply(struct homeset *h, uint64_t off, const unsigned char *src, uint64_t len)
{
	while (len > 0) {
		if (h->n >= JRNL_HOME_MAX_PAGES) {
			int r = home_flush(h);
			if (r != 0)
				return r;
		}
		uint64_t pgno = off / h->ps;
		size_t in = (size_t)(off % h->ps);
		size_t n = h->ps - in < len ? h->ps - in : (size_t)len;
		int err = 0;
		unsigned char *pg = home_page(h, pgno, &err);
		if (pg == NULL)
			return err;
		memcpy(pg + in, src, n);
		off += n;
		src += n;
		len -= n;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* scanning a journal                                                     */

/*
 * journal_scan -- walk the batches in buf (journal bytes from offset
 * JRNL_HDR_SIZE, len bytes) of generation gen: the valid prefix (J2).
 * Checks every range of the valid batches against pool_size first (J6);
 * then, if home != NULL, applies them to it in order and, if map_addr !=
 * NULL, copies them into the mapping too. Returns the number of valid
 * batches (>= 0), or -EINVAL (range out of bounds: nothing applied).
 */
static long
journal_scan(const unsigned char *buf, uint64_t len, uint64_t gen, uint64_t pool_size,
	     struct homeset *home, unsigned char *map_addr, uint64_t *valid_len, int *apply_err)
{
	long valid_nb = -1; /* pass 1 applies exactly the batches pass 0 found valid */
	for (int pass = 0; pass < 2; pass++) {
		uint64_t pos = 0, seq = 1;
		long nb = 0;
		while (len - pos >= sizeof(struct journal_batch) && nb != valid_nb) {
			struct journal_batch b;
			memcpy(&b, buf + pos, sizeof(b));
			if (b.magic != JRNL_BATCH_MAGIC || b.generation != gen || b.seq != seq ||
			    b.len < sizeof(b) || b.len > len - pos || (b.len & 7u) != 0)
				break;
			/* invariant (J2): the hash covers the whole batch */
			struct journal_batch z = b;
			z.hash = 0;
			uint64_t hh = hash64(&z, sizeof(z), gen);
			hh = hash64(buf + pos + sizeof(b), b.len - sizeof(b), hh);
			if (hh != b.hash)
				break;
			/* walk the ranges; a malformed walk is as bad as a bad hash */
			uint64_t rp = pos + sizeof(b), rend = pos + b.len;
			uint32_t r;
			int bad = 0, oob = 0;
			for (r = 0; r < b.nranges; r++) {
				struct journal_range jr;
				if (rend - rp < sizeof(jr)) {
					bad = 1;
					break;
				}
				memcpy(&jr, buf + rp, sizeof(jr));
				rp += sizeof(jr);
				if (jr.len > rend - rp || PAD8(jr.len) > rend - rp) {
					bad = 1;
					break;
				}
				/* invariant (J6): never outside the pool file */
				if (jr.off > pool_size || jr.len > pool_size - jr.off) {
					oob = 1;
					break;
				}
				if (pass == 1) {
					if (home != NULL && *apply_err == 0)
						*apply_err =
							home_apply(home, jr.off, buf + rp, jr.len);
					if (map_addr != NULL)
						memcpy(map_addr + jr.off, buf + rp, jr.len);
				}
				rp += PAD8(jr.len);
			}
			if (oob)
				return -EINVAL;
			if (bad || rp != rend)
				break;
			pos += b.len;
			seq++;
			nb++;
		}
		if (valid_len != NULL)
			*valid_len = pos;
		if (pass == 0 && home == NULL && map_addr == NULL)
			return nb;
		valid_nb = nb;
		if (pass == 1)
			return nb;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* journal file header                                                    */

static uint64_t
hdr_cksum(const struct journal_header *h)
{
	return cksum64(h, offsetof(struct journal_header, cksum));
}

/* pool_id_hash -- hash64 of the pool file's first 4 KiB (J6), read from
 * the file itself (the mapping may hold unflushed stores) */
static int
pool_id_hash(int fd, uint64_t size, uint64_t *out)
{
	unsigned char b[JRNL_POOL_ID_BYTES];
	size_t want = size < sizeof(b) ? (size_t)size : sizeof(b), got = 0;
	while (got < want) {
		ssize_t n = pread(fd, b + got, want - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += (size_t)n;
	}
	*out = hash64(b, want, 0x6a6f75726e616cull);
	return 0;
}

/* journal_reset -- start generation gen+1 with an empty journal: write the
 * header, fdatasync. Called only when the pool file holds everything the
 * old generation held (J5). 0 or -errno. */
static int
journal_reset(struct pmem_journal *j)
{
	struct journal_header h;
	memset(&h, 0, sizeof(h));
	h.magic = JRNL_MAGIC;
	h.version = JRNL_VERSION;
	h.hdr_size = JRNL_HDR_SIZE;
	h.generation = j->generation + 1;
	h.pool_size = j->size;
	int r = pool_id_hash(j->pool_fd, j->size, &h.pool_hash);
	if (r != 0)
		return r;
	h.cksum = hdr_cksum(&h);
	r = pmem_pwrite_all(j->fd, &h, sizeof(h), 0);
	if (r == 0)
		r = pmem_fdatasync(j->fd);
	if (r == 0)
		__atomic_add_fetch(&j->n_syncs, 1, __ATOMIC_RELAXED);
	/* Crash here: the header names the new generation; the old batches
	 * past it fail (J2) and the pool file already holds them (J5). */
	j->generation = h.generation;
	j->tail = JRNL_HDR_SIZE;
	j->gen_seq = 0;
	return r;
}

/* read_all -- pread [off, off+len) of fd into a new buffer */
static int
read_all(int fd, uint64_t off, uint64_t len, unsigned char **out)
{
	unsigned char *b = malloc(len ? (size_t)len : 1);
	if (b == NULL)
		return -ENOMEM;
	uint64_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, b + got, (size_t)(len - got), (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(b);
			return n < 0 ? -errno : -EIO;
		}
		got += (uint64_t)n;
	}
	*out = b;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* writing and checkpointing (j->lock held by the caller where stated)    */

/* journal_write -- append bytes at off (zero-filling the file ahead so the
 * fdatasync of a batch seldom has to write metadata), then fdatasync */
static int
journal_write(struct pmem_journal *j, const void *data, size_t len, uint64_t off)
{
	int r;
	if (off + len > j->file_alloc) {
		uint64_t want = ALIGN_UP(off + len, JRNL_EXTEND);
		static const unsigned char zeros[65536];
		for (uint64_t p = j->file_alloc; p < want; p += sizeof(zeros)) {
			size_t n = want - p < sizeof(zeros) ? (size_t)(want - p) : sizeof(zeros);
			r = pmem_pwrite_all(j->fd, zeros, n, p);
			if (r != 0)
				return r;
		}
		j->file_alloc = want;
	}
	r = pmem_pwrite_all(j->fd, data, len, off);
	if (r != 0)
		return r;
	r = pmem_fdatasync(j->fd);
	/* Crash here (after the sync): the batches written are durable and
	 * replayed on the next open; before it: any prefix of them (J2, J4). */
	if (r == 0)
		__atomic_add_fetch(&j->n_syncs, 1, __ATOMIC_RELAXED);
	return r;
}

/*
 * journal_checkpoint_locked -- j->lock held, j->syncing set by the caller:
 * make the whole journal durable, write its batches home, sync the pool
 * file, reset the journal (J5). 0 or -errno (latched by the caller).
 */
static int
journal_checkpoint_locked(struct pmem_journal *j)
{
	int r;
	struct jbuf *a = &j->buf[j->active];
	if (a->len > 0) {
		r = journal_write(j, a->data, a->len, j->tail);
		if (r != 0)
			return r;
		j->tail += a->len;
		a->len = 0;
		j->durable = j->appended;
	}
	/* every appended batch is durable: the home writes are safe (J1, J5) */
	if (j->tail > JRNL_HDR_SIZE) {
		unsigned char *jb;
		r = read_all(j->fd, JRNL_HDR_SIZE, j->tail - JRNL_HDR_SIZE, &jb);
		if (r != 0)
			return r;
		struct homeset h;
		r = home_init(&h, j->pool_fd, j->size);
		if (r != 0) {
			free(jb);
			return r;
		}
		int aerr = 0;
		long nb = journal_scan(jb, j->tail - JRNL_HDR_SIZE, j->generation, j->size, &h,
				       NULL, NULL, &aerr);
		free(jb);
		if (nb < 0)
			r = (int)nb;
		else if ((uint64_t)nb != j->gen_seq)
			r = -EIO; /* the journal did not read back as written */
		else
			r = aerr;
		if (r == 0)
			r = home_flush(&h);
		home_fini(&h);
		if (r != 0)
			return r;
		r = pmem_fdatasync(j->pool_fd);
		if (r != 0)
			return r;
		/* Crash here: the pool file holds everything journaled; the
		 * journal still replays the same bytes again (idempotent). */
	}
	r = journal_reset(j);
	j->n_checkpoints++;
	return r;
}

/*
 * journal_lead_locked -- j->lock held, no leader: become the leader, write
 * everything appended so far with one pwrite + one fdatasync (group
 * commit), checkpoint if the journal passed its limit. Returns with j->lock
 * held and the waiters woken.
 */
static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * journal_gather_locked -- before a leader takes the buffer: if more
 * threads usually fence together than are waiting now, wait a little (half
 * a sync, at most 100 us) for them to append, so one fdatasync serves all
 * (a sync's duration is the time they would otherwise wait for the next
 * one). Each wait that ends without them lowers the estimate, so a thread
 * that stopped writing costs one short wait, not one per fence.
 */
static void
journal_gather_locked(struct pmem_journal *j)
{
	if (j->recent <= 1 || j->in_fence >= j->recent)
		return;
	uint64_t d = j->sync_ns / 2;
	if (d < 2000)
		d = 2000;
	if (d > 100000)
		d = 100000;
	uint64_t dl = now_ns() + d;
	struct timespec ts = {(time_t)(dl / 1000000000u), (long)(dl % 1000000000u)};
	j->leader_waiting = 1;
	while (j->in_fence < j->recent) {
		if (pthread_cond_timedwait(&j->arrive, &j->lock, &ts) == ETIMEDOUT) {
			if (j->in_fence < j->recent)
				j->recent--;
			break;
		}
	}
	j->leader_waiting = 0;
}

static void
journal_lead_locked(struct pmem_journal *j)
{
	j->syncing = 1;
	journal_gather_locked(j);
	struct jbuf *b = &j->buf[j->active];
	j->active ^= 1;
	uint64_t target = j->appended;
	uint64_t off = j->tail;
	j->tail += b->len;
	int failed = j->failed;
	pthread_mutex_unlock(&j->lock);

	int r = 0;
	uint64_t t0 = now_ns();
	if (b->len > 0 && !failed)
		r = journal_write(j, b->data, b->len, off);
	b->len = 0;
	uint64_t t1 = now_ns();

	pthread_mutex_lock(&j->lock);
	j->sync_ns = t1 - t0;
	if (r != 0)
		journal_fail(j, "write", -r);
	/* invariant (J4): everything up to target is durable now */
	j->durable = target;
	if (j->tail >= j->limit && !j->failed) {
		r = journal_checkpoint_locked(j);
		if (r != 0)
			journal_fail(j, "checkpoint", -r);
	}
	j->syncing = 0;
	pthread_cond_broadcast(&j->cond);
}

/* ---------------------------------------------------------------------- */
/* flush / barrier / fence                                                */

void
pmem_journal_flush(const struct pmem_map *m, const void *addr, size_t len)
{
	struct pmem_journal *j = m->journal;
	uintptr_t base = (uintptr_t)m->addr, a = (uintptr_t)addr;
	if (len == 0 || a < base || a - base >= m->size)
		return;
	uint64_t off = a - base;
	if (len > m->size - off)
		len = m->size - off;
	struct jpend *p = pend_get(j);
	if (p == NULL || pend_add(p, off, len) != 0) {
		/* out of memory: latched; later fences no longer wait (the
		 * failure is reported on stderr and in the error message) */
		pthread_mutex_lock(&j->lock);
		journal_fail(j, "recording a flushed range", ENOMEM);
		pthread_mutex_unlock(&j->lock);
	}
}

/* journal_append_locked -- j->lock held: append ranges r[0..n) as one batch,
 * copying their current bytes from the mapping (J3); the batch's number in
 * j->appended order, or 0 (out of memory: latched) */
static uint64_t
journal_append_locked(struct pmem_journal *j, const struct prange *r, size_t n, uint64_t blen)
{
	struct jbuf *b = &j->buf[j->active];
	if (b->cap - b->len < blen) {
		size_t nc = b->cap ? b->cap : 65536;
		while (nc - b->len < blen)
			nc *= 2;
		unsigned char *nd = realloc(b->data, nc);
		if (nd == NULL) {
			journal_fail(j, "growing the buffer", ENOMEM);
			return 0;
		}
		b->data = nd;
		b->cap = nc;
	}
	unsigned char *dst = b->data + b->len;
	struct journal_batch h;
	memset(&h, 0, sizeof(h));
	h.magic = JRNL_BATCH_MAGIC;
	h.generation = j->generation;
	h.seq = ++j->gen_seq;
	h.len = blen;
	h.nranges = (uint32_t)n;
	unsigned char *q = dst + sizeof(h);
	const unsigned char *base = j->addr;
	for (size_t i = 0; i < n; i++) {
		struct journal_range jr = {r[i].off, r[i].len};
		memcpy(q, &jr, sizeof(jr));
		q += sizeof(jr);
		/* invariant (J3): content at seal time, under the lock */
		copy_live(q, base + jr.off, (size_t)jr.len);
		memset(q + jr.len, 0, (size_t)(PAD8(jr.len) - jr.len));
		q += PAD8(jr.len);
	}
	uint64_t hh = hash64(&h, sizeof(h), h.generation);
	h.hash = hash64(dst + sizeof(h), blen - sizeof(h), hh);
	memcpy(dst, &h, sizeof(h));
	b->len += blen;
	return ++j->appended;
}

/* journal_wait_locked -- j->lock held: wait until batch `mine` is durable,
 * leading a group commit when no sync is in progress (P3) */
static void
journal_wait_locked(struct pmem_journal *j, uint64_t mine)
{
	if (j->durable >= mine || j->failed)
		return;
	if (++j->in_fence > j->recent)
		j->recent = j->in_fence;
	if (j->leader_waiting)
		pthread_cond_signal(&j->arrive);
	while (j->durable < mine && !j->failed) {
		if (!j->syncing)
			journal_lead_locked(j);
		else
			pthread_cond_wait(&j->cond, &j->lock);
	}
	j->in_fence--;
}

/*
 * journal_seal -- the barrier: append the thread's pending ranges as a
 * batch (J3); returns the number of the thread's last batch (0: none yet).
 * Ranges are at most JRNL_PIECE_MAX long (pend_add) and a batch holds at
 * most about JRNL_BATCH_MAX bytes, so a huge flush becomes several
 * consecutive batches (a crash between them leaves part of that flush
 * durable and nothing after it: allowed, only 8-byte stores are atomic). If
 * the unwritten buffer passes JRNL_BUF_MAX the thread waits for it to be
 * written (a barrier may always be made stronger), bounding memory.
 */
static uint64_t
journal_seal(struct pmem_journal *j, struct jpend *p)
{
	size_t i = 0;
	while (i < p->n) {
		uint64_t blen = sizeof(struct journal_batch);
		size_t k = i;
		while (k < p->n) {
			uint64_t add = sizeof(struct journal_range) + PAD8(p->r[k].len);
			if (k > i && blen + add > JRNL_BATCH_MAX)
				break;
			blen += add;
			k++;
		}
		pthread_mutex_lock(&j->lock);
		uint64_t mine = journal_append_locked(j, p->r + i, k - i, blen);
		if (mine != 0) {
			p->last_seq = mine;
			if (j->buf[j->active].len > JRNL_BUF_MAX)
				journal_wait_locked(j, mine);
		}
		pthread_mutex_unlock(&j->lock);
		i = k;
	}
	p->n = 0;
	return p->last_seq;
}

void
pmem_journal_barrier(const struct pmem_map *m)
{
	struct pmem_journal *j = m->journal;
	struct jpend *p = pend_get(j);
	if (p != NULL)
		journal_seal(j, p);
}

void
pmem_journal_fence(const struct pmem_map *m)
{
	struct pmem_journal *j = m->journal;
	struct jpend *p = pend_get(j);
	if (p == NULL)
		return;
	uint64_t mine = journal_seal(j, p);
	pthread_mutex_lock(&j->lock);
	/* invariant (P3): wait for a sync covering this thread's last batch */
	journal_wait_locked(j, mine);
	pthread_mutex_unlock(&j->lock);
}

/* ---------------------------------------------------------------------- */
/* enable / close                                                         */

/* sync_parent_dir -- make a newly created file's directory entry durable */
static void
sync_parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	if (slash == NULL) {
		dir = strdup(".");
	} else {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		dir = malloc(n + 1);
		if (dir != NULL) {
			memcpy(dir, path, n);
			dir[n] = '\0';
		}
	}
	if (dir == NULL)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		if (fsync(fd) != 0)
			pmem_io_error("fsync of the journal's directory", errno);
		close(fd);
	}
	free(dir);
}

static void
journal_free(struct pmem_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	pthread_cond_destroy(&j->arrive);
	free(j->buf[0].data);
	free(j->buf[1].data);
	free(j->path);
	free(j);
}

/*
 * journal_recover -- replay what a crash left in the journal, if it is this
 * pool's (J6): apply the valid prefix (J2) to the pool file and the mapping,
 * fdatasync the pool file. Sets j->generation to the journal's (or a fresh
 * one). 0, or -EINVAL (corrupted: a range out of bounds), or -errno.
 */
static int
journal_recover(struct pmem_journal *j, const char *jpath, uint64_t jsize)
{
	struct journal_header h;
	/* a fresh journal: a generation unlikely to match any stale bytes */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	j->generation = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec;

	if (jsize < JRNL_HDR_SIZE)
		return 0;
	unsigned char *hb;
	int r = read_all(j->fd, 0, sizeof(h), &hb);
	if (r != 0)
		return r;
	memcpy(&h, hb, sizeof(h));
	free(hb);
	if (h.magic != JRNL_MAGIC || h.version != JRNL_VERSION || h.hdr_size != JRNL_HDR_SIZE ||
	    h.cksum != hdr_cksum(&h))
		return 0; /* no valid header: nothing was ever journaled in it */
	j->generation = h.generation;
	uint64_t id;
	r = pool_id_hash(j->pool_fd, j->size, &id);
	if (r != 0)
		return r;
	if (h.pool_hash != id || h.pool_size != j->size)
		return 0; /* (J6) another file's journal (pool recreated): discard */

	unsigned char *jb;
	r = read_all(j->fd, JRNL_HDR_SIZE, jsize - JRNL_HDR_SIZE, &jb);
	if (r != 0)
		return r;
	long nb = journal_scan(jb, jsize - JRNL_HDR_SIZE, h.generation, j->size, NULL, NULL,
			       NULL, NULL);
	if (nb < 0) {
		free(jb);
		err_set("journal %s is corrupted (a change lies outside the pool file); "
			"refusing to apply it",
			jpath);
		return -EINVAL;
	}
	if (nb > 0) {
		struct homeset hs;
		r = home_init(&hs, j->pool_fd, j->size);
		if (r == 0) {
			int aerr = 0;
			journal_scan(jb, jsize - JRNL_HDR_SIZE, h.generation, j->size, &hs, j->addr,
				     NULL, &aerr);
			r = aerr;
			if (r == 0)
				r = home_flush(&hs);
			home_fini(&hs);
		}
		if (r == 0)
			r = pmem_fdatasync(j->pool_fd);
		/* Crash here: the pool file holds the replayed batches; the
		 * journal is unchanged and replays them again (idempotent). */
	}
	free(jb);
	return r;
}

/* journal_limit_env -- checkpoint threshold: PMEM_JOURNAL_LIMIT_MB=N
 * (1..4096) in the environment, else JRNL_DEFAULT_LIMIT. A larger journal
 * means fewer checkpoints (each page written home once per checkpoint) but
 * a longer pause at each (appends wait while the checkpoint runs). */
static uint64_t
journal_limit_env(void)
{
	const char *e = getenv("PMEM_JOURNAL_LIMIT_MB");
	if (e != NULL) {
		char *end;
		unsigned long v = strtoul(e, &end, 10);
		if (*e != '\0' && *end == '\0' && v >= 1 && v <= 4096)
			return (uint64_t)v << 20;
	}
	return JRNL_DEFAULT_LIMIT;
}

int
pmem_journal_enable(struct pmem_map *m, const char *path)
{
	if (m == NULL || path == NULL || path[0] == '\0') {
		err_set("pmem: journal: no pool path given");
		return -EINVAL;
	}
	if (m->mode != PMEM_MODE_MSYNC)
		return 0;
	if (m->journal != NULL) {
		err_set("%s: msync journal already enabled", path);
		return -EBUSY;
	}
	if (m->fd < 0 || m->addr == NULL) {
		err_set("%s: msync journal needs an open mapping", path);
		return -EINVAL;
	}
	struct pmem_journal *j = calloc(1, sizeof(*j));
	if (j == NULL) {
		err_set("%s: out of memory for the msync journal", path);
		return -ENOMEM;
	}
	j->fd = -1;
	j->addr = m->addr;
	j->size = m->size;
	j->pool_fd = m->fd;
	j->limit = journal_limit_env();
	j->recent = 1;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->arrive, &ca);
	pthread_condattr_destroy(&ca);
	size_t pl = strlen(path);
	j->path = malloc(pl + sizeof(".journal"));
	if (j->path == NULL) {
		journal_free(j);
		err_set("%s: out of memory for the msync journal", path);
		return -ENOMEM;
	}
	memcpy(j->path, path, pl);
	memcpy(j->path + pl, ".journal", sizeof(".journal"));

	int created = 0, ret;
	j->fd = open(j->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (j->fd >= 0)
		created = 1;
	else if (errno == EEXIST)
		j->fd = open(j->path, O_RDWR | O_CLOEXEC);
	if (j->fd < 0) {
		ret = -errno;
		err_set("%s: cannot open the msync journal: %s", j->path, strerror(-ret));
		journal_free(j);
		return ret;
	}
	if (flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
		ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (ret == -EBUSY)
			err_set("%s: journal is in use by another open of this pool", j->path);
		else
			err_set("%s: cannot lock the journal: %s", j->path, strerror(-ret));
		journal_free(j);
		return ret;
	}
	if (created)
		sync_parent_dir(j->path);
	struct stat st;
	if (fstat(j->fd, &st) != 0) {
		ret = -errno;
		err_set("%s: cannot stat: %s", j->path, strerror(-ret));
		journal_free(j);
		return ret;
	}
	uint64_t jsize = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	ret = journal_recover(j, j->path, jsize);
	if (ret != 0) {
		if (ret != -EINVAL)
			err_set("%s: cannot replay the msync journal: %s", j->path,
				strerror(-ret));
		journal_free(j);
		return ret;
	}
	j->file_alloc = jsize > JRNL_HDR_SIZE ? jsize : JRNL_HDR_SIZE;
	ret = journal_reset(j);
	if (ret != 0) {
		err_set("%s: cannot write the msync journal: %s", j->path, strerror(-ret));
		journal_free(j);
		return ret;
	}
	/* Crash here: an empty journal of a new generation; the pool file
	 * holds everything (replayed and synced above). */
	pthread_mutex_lock(&live_lock);
	if (live_n == ARRAY_SIZE(live_ids)) {
		pthread_mutex_unlock(&live_lock);
		err_set("%s: too many msync journals open in this process", j->path);
		unlink(j->path);
		journal_free(j);
		return -EMFILE;
	}
	j->id = next_id++;
	live_ids[live_n++] = j->id;
	pthread_mutex_unlock(&live_lock);
	m->journal = j;
	return 0;
}

void
pmem_journal_close(struct pmem_map *m)
{
	struct pmem_journal *j = m->journal;
	if (j == NULL)
		return;
	pthread_mutex_lock(&live_lock);
	for (size_t i = 0; i < live_n; i++) {
		if (live_ids[i] == j->id) {
			live_ids[i] = live_ids[--live_n];
			break;
		}
	}
	pthread_mutex_unlock(&live_lock);
	/* the closing thread's own unsealed ranges are sealed (a flush without
	 * a fence before unmap is made durable, as msync+munmap used to) */
	struct jpend *p = pend_get(j);
	if (p != NULL)
		journal_seal(j, p);
	pthread_mutex_lock(&j->lock);
	while (j->syncing)
		pthread_cond_wait(&j->cond, &j->lock);
	j->syncing = 1;
	int r = j->failed ? -j->failed : journal_checkpoint_locked(j);
	if (r != 0)
		journal_fail(j, "final checkpoint", -r);
	j->syncing = 0;
	pthread_mutex_unlock(&j->lock);
	if (r == 0) {
		/* Crash here: pool synced, empty journal of a new generation;
		 * if the unlink is lost, that empty journal replays nothing. */
		unlink(j->path);
	}
	/* else the journal stays: the next open replays what it holds */
	m->journal = NULL;
	journal_free(j);
}

uint64_t
pmem_journal_test_syncs(const struct pmem_map *m)
{
	if (m->journal == NULL)
		return 0;
	return __atomic_load_n(&m->journal->n_syncs, __ATOMIC_RELAXED);
}

void
pmem_journal_test_set_limit(struct pmem_map *m, size_t bytes)
{
	if (m->journal == NULL)
		return;
	pthread_mutex_lock(&m->journal->lock);
	m->journal->limit = bytes ? bytes : journal_limit_env();
	pthread_mutex_unlock(&m->journal->lock);
}

uint64_t
pmem_journal_test_checkpoints(const struct pmem_map *m)
{
	if (m->journal == NULL)
		return 0;
	pthread_mutex_lock(&m->journal->lock);
	uint64_t n = m->journal->n_checkpoints;
	pthread_mutex_unlock(&m->journal->lock);
	return n;
}
