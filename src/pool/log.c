/*
 * log.c -- redo log lanes: groups of 8-byte stores applied atomically (L6).
 *
 * A lane is 8 KiB: a 64-byte header {cksum, seq, nslots} and 508 16-byte
 * slots. An entry is SET (one slot: off|1, value) or FILL (two slots:
 * off|2, value; nwords, 0). A transaction writes its entries straight into
 * its lane (the lane is invalid meanwhile: cksum == 0) and commits with three
 * ordered persist points:
 *   (1) header {seq, nslots, cksum} + entries flushed, then a barrier (a
 *       fence in every mode but journaled msync, where it orders without
 *       waiting): the log is durable no later than any store of (2);
 *   (2) the stores applied and persisted (a fence: the tx is durable);
 *   (3) cksum = 0 flushed, then a barrier: the lane is free again. Its
 *       invalidation is durable no later than anything flushed after it
 *       (the lane's next log included) and at the latest at the next fence
 *       (see pool_tx_commit for why that is enough).
 *
 * Invariants (cited as "log (Gn)"):
 *  (G1) An entry is applied only if the lane's checksum covers the whole
 *       header and every slot of the transaction (seq included, so a torn
 *       header over stale slots does not validate).
 *  (G2) A lane's invalidation (3) is durable no later than any store flushed
 *       after it (the lane's next log, and every later store whose
 *       durability could conflict with a replay), so an old transaction can
 *       never validate again over newer data.
 *  (G3) Recovery validates every entry of every valid lane (8-byte aligned,
 *       inside the root area or the heap) before applying anything; a log
 *       that fails is refused and the file is not modified.
 *  (G4) Valid lanes are replayed in seq order (seq is taken at commit, so
 *       two transactions the caller serialized replay in that order).
 *       Replay is idempotent.
 */
#include "pool/pool_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline struct pool_lane_hdr *
lane_hdr(const struct pool *p, unsigned i)
{
	return (struct pool_lane_hdr *)(p->base + p->lanes_off + (uint64_t)i * POOL_LANE_SIZE);
}

static inline uint64_t *
lane_slots(const struct pool *p, unsigned i)
{
	return (uint64_t *)((char *)lane_hdr(p, i) + POOL_LANE_HDR);
}

static uint64_t
lane_cksum(const struct pool_lane_hdr *h, uint32_t nslots)
{
	uint64_t c = cksum64((const char *)h + 8, POOL_LANE_HDR - 8 + (size_t)nslots * 16);
	return c ? c : 1; /* 0 means invalid */
}

int
log_dst_ok(const struct pool *p, uint64_t off, uint64_t nwords)
{
	if (off % 8 != 0 || nwords == 0 || off >= p->size || nwords > (p->size - off) / 8)
		return 0; /* no overflow below: off + nwords * 8 <= size */
	uint64_t end = off + nwords * 8;
	if (off >= p->root_off && end <= p->root_off + POOL_ROOT_SIZE)
		return 1;
	uint64_t hend = heap_end(p);
	return off >= p->heap_off && end <= hend && end > off;
}

/* lane_valid -- invariant (G1) */
static int
lane_valid(const struct pool *p, unsigned i)
{
	const struct pool_lane_hdr *h = lane_hdr(p, i);
	if (h->cksum == 0 || h->nslots == 0 || h->nslots > POOL_LANE_SLOTS)
		return 0;
	return lane_cksum(h, h->nslots) == h->cksum;
}

/* lane_entries_ok -- invariant (G3) */
static int
lane_entries_ok(const struct pool *p, unsigned i)
{
	const uint64_t *s = lane_slots(p, i);
	uint32_t n = lane_hdr(p, i)->nslots;
	for (uint32_t k = 0; k < n;) {
		uint64_t w0 = s[2 * k];
		uint64_t off = w0 & ~7ull;
		switch (w0 & 7) {
		case LOG_SET:
			if (!log_dst_ok(p, off, 1))
				return 0;
			k++;
			break;
		case LOG_FILL:
			if (k + 1 >= n || s[2 * k + 3] != 0 || !log_dst_ok(p, off, s[2 * k + 2]))
				return 0;
			k += 2;
			break;
		default:
			return 0;
		}
	}
	return 1;
}

/* lane_apply -- do the stores of lane i and flush them (no fence) */
static void
lane_apply(struct pool *p, unsigned i)
{
	const uint64_t *s = lane_slots(p, i);
	uint32_t n = lane_hdr(p, i)->nslots;
	for (uint32_t k = 0; k < n;) {
		uint64_t w0 = s[2 * k], v = s[2 * k + 1];
		uint64_t *dst = (uint64_t *)(p->base + (w0 & ~7ull));
		if ((w0 & 7) == LOG_SET) {
			__atomic_store_n(dst, v, __ATOMIC_RELAXED);
			pool_flush(p, dst, 8);
			k++;
		} else {
			uint64_t nw = s[2 * k + 2];
			for (uint64_t j = 0; j < nw; j++)
				__atomic_store_n(&dst[j], v, __ATOMIC_RELAXED);
			pool_flush(p, dst, nw * 8);
			k += 2;
		}
	}
}

static int
seq_cmp(const void *a, const void *b, void *arg)
{
	const struct pool *p = arg;
	uint64_t x = lane_hdr(p, *(const unsigned *)a)->seq;
	uint64_t y = lane_hdr(p, *(const unsigned *)b)->seq;
	return x < y ? -1 : x > y;
}

/*
 * log_recover -- find the committed lanes, validate them (G3); unless
 * validate_only, replay them in seq order (G4) and invalidate them.
 */
int
log_recover(struct pool *p, int validate_only)
{
	unsigned valid[POOL_LANES], nvalid = 0;
	uint64_t maxseq = 0;
	for (unsigned i = 0; i < POOL_LANES; i++) {
		if (!lane_valid(p, i))
			continue;
		if (!lane_entries_ok(p, i)) {
			err_set("pool %s: redo log lane %u is corrupted (an entry points "
				"outside the pool's data)",
				p->path, i);
			return -EINVAL;
		}
		valid[nvalid++] = i;
		if (lane_hdr(p, i)->seq > maxseq)
			maxseq = lane_hdr(p, i)->seq;
	}
	atomic_store(&p->seq, maxseq + 1);
	if (validate_only)
		return 0;
	if (nvalid > 0) {
		qsort_r(valid, nvalid, sizeof(valid[0]), seq_cmp, p);
		for (unsigned k = 0; k < nvalid; k++)
			lane_apply(p, valid[k]);
		pool_fence(p);
		/* Crash here: the lanes are still valid; the next open replays
		 * them again, which writes the same values (idempotent). */
	}
	/* invalidate every lane, also the torn ones (a nonzero cksum that did
	 * not validate), so that each idle lane has cksum 0 (G2) */
	int any = 0;
	for (unsigned i = 0; i < POOL_LANES; i++) {
		struct pool_lane_hdr *h = lane_hdr(p, i);
		if (h->cksum != 0) {
			h->cksum = 0;
			pool_flush(p, &h->cksum, 8);
			any = 1;
		}
	}
	if (any)
		pool_fence(p);
	/* Crash here: nothing left to replay; the stores are durable. */
	return 0;
}

void
log_init(struct pool *p)
{
	atomic_store(&p->lane_busy, 0);
	atomic_store(&p->lane_waiters, 0);
	pthread_mutex_init(&p->lane_mtx, NULL);
	pthread_cond_init(&p->lane_cv, NULL);
	for (unsigned i = 0; i < POOL_LANES; i++) {
		p->txs[i].p = p;
		p->txs[i].lane = i;
	}
}

void
log_fini(struct pool *p)
{
	if (p->txs[0].p == NULL)
		return; /* never initialized */
	pthread_mutex_destroy(&p->lane_mtx);
	pthread_cond_destroy(&p->lane_cv);
}

int
log_check(struct pool *p)
{
	uint64_t busy = atomic_load(&p->lane_busy);
	for (unsigned i = 0; i < POOL_LANES; i++) {
		if (busy & (1ull << i))
			continue;
		if (lane_hdr(p, i)->cksum != 0) {
			err_set("pool %s: check: idle redo log lane %u is not invalidated",
				p->path, i);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- lanes ---------------------------------------------------------------------- */

static _Thread_local unsigned tl_lane_hint;

static int
lane_try_acquire(struct pool *p, unsigned *lane)
{
	uint64_t busy = atomic_load_explicit(&p->lane_busy, memory_order_relaxed);
	while (busy != ~0ull) {
		unsigned i = tl_lane_hint % POOL_LANES;
		if (busy & (1ull << i))
			i = (unsigned)__builtin_ctzll(~busy);
		if (atomic_compare_exchange_weak_explicit(&p->lane_busy, &busy,
							  busy | (1ull << i),
							  memory_order_acquire,
							  memory_order_relaxed)) {
			*lane = i;
			tl_lane_hint = i;
			return 1;
		}
	}
	return 0;
}

static unsigned
lane_acquire(struct pool *p)
{
	unsigned lane;
	if (lane_try_acquire(p, &lane))
		return lane;
	/* every lane busy: wait (see lane_release for the wake-up) */
	pthread_mutex_lock(&p->lane_mtx);
	atomic_fetch_add(&p->lane_waiters, 1);
	while (!lane_try_acquire(p, &lane))
		pthread_cond_wait(&p->lane_cv, &p->lane_mtx);
	atomic_fetch_sub(&p->lane_waiters, 1);
	pthread_mutex_unlock(&p->lane_mtx);
	return lane;
}

static void
lane_release(struct pool *p, unsigned lane)
{
	atomic_fetch_and_explicit(&p->lane_busy, ~(1ull << lane), memory_order_seq_cst);
	if (atomic_load(&p->lane_waiters) > 0) {
		pthread_mutex_lock(&p->lane_mtx);
		pthread_cond_broadcast(&p->lane_cv);
		pthread_mutex_unlock(&p->lane_mtx);
	}
}

/* ---- transactions ---------------------------------------------------------------- */

int
pool_tx_begin(struct pool *p, struct pool_tx **out)
{
	unsigned lane = lane_acquire(p);
	struct pool_tx *tx = &p->txs[lane];
	tx->nentries = 0;
	tx->nslots = 0;
	tx->err = 0;
	tx->nfrees = 0;
	*out = tx;
	return 0;
}

static int
tx_fail(struct pool_tx *tx, int err)
{
	if (tx->err == 0)
		tx->err = err;
	return err;
}

static int
tx_add(struct pool_tx *tx, uint64_t *dst, uint64_t value, uint64_t nwords, int fill)
{
	struct pool *p = tx->p;
	if (tx->err)
		return tx->err;
	uint64_t off = (uint64_t)((uintptr_t)dst - (uintptr_t)p->base);
	if ((uintptr_t)dst < (uintptr_t)p->base || !log_dst_ok(p, off, nwords)) {
		err_set("pool %s: tx store to %p (%llu words) outside the pool's data",
			p->path, (void *)dst, (unsigned long long)nwords);
		return tx_fail(tx, -EINVAL);
	}
	if (tx->nentries >= POOL_TX_MAX_ENTRIES) {
		err_set("pool %s: tx has more than %d entries", p->path,
			POOL_TX_MAX_ENTRIES);
		return tx_fail(tx, -EINVAL);
	}
	uint64_t *s = lane_slots(p, tx->lane) + 2 * tx->nslots;
	s[0] = off | (fill ? LOG_FILL : LOG_SET);
	s[1] = value;
	tx->nslots++;
	if (fill) {
		s[2] = nwords;
		s[3] = 0;
		tx->nslots++;
	}
	tx->nentries++;
	return 0;
}

int
pool_tx_set(struct pool_tx *tx, uint64_t *dst, uint64_t value)
{
	return tx_add(tx, dst, value, 1, 0);
}

int
pool_tx_fill(struct pool_tx *tx, uint64_t *dst, uint64_t value, uint64_t nwords)
{
	if (nwords == 0)
		return tx->err;
	return tx_add(tx, dst, value, nwords, 1);
}

int
pool_tx_free(struct pool_tx *tx, uint64_t off)
{
	if (tx->err)
		return tx->err;
	if (off == 0)
		return 0;
	if (tx->nfrees >= POOL_TX_MAX_ENTRIES) {
		err_set("pool %s: tx has more than %d queued frees", tx->p->path,
			POOL_TX_MAX_ENTRIES);
		return tx_fail(tx, -EINVAL);
	}
	tx->frees[tx->nfrees++] = off;
	return 0;
}

void
pool_tx_abort(struct pool_tx *tx)
{
	/* the lane's cksum is 0: the slots written so far are garbage (G1) */
	lane_release(tx->p, tx->lane);
}

/*
 * pool_tx_commit -- make the tx durable and applied (L6); then do the queued
 * frees. A tx on which a set/fill/free failed is aborted and its error
 * returned. Three persist points when the tx holds stores, none otherwise.
 */
int
pool_tx_commit(struct pool_tx *tx)
{
	struct pool *p = tx->p;
	if (tx->err) {
		int e = tx->err;
		pool_tx_abort(tx);
		return e;
	}
	if (tx->nslots > 0) {
		struct pool_lane_hdr *h = lane_hdr(p, tx->lane);
		uint64_t *s = lane_slots(p, tx->lane);
		h->seq = atomic_fetch_add(&p->seq, 1); /* invariant (G4) */
		h->nslots = tx->nslots;
		h->reserved0 = 0;
		memset(h->reserved, 0, sizeof(h->reserved));
		h->cksum = lane_cksum(h, tx->nslots); /* invariant (G1) */
		pool_flush(p, s, (size_t)tx->nslots * 16);
		pool_flush(p, h, POOL_LANE_HDR);
		pool_barrier(p); /* the log is durable no later than the stores */
		/* Crash here: the lane validates (the tx is replayed on open) or it
		 * does not (nothing of the tx happened); commit had not returned, so
		 * both are correct (L6). */
		lane_apply(p, tx->lane);
		pool_fence(p);
		/* Crash here: stores durable and the lane still valid: recovery
		 * replays the same values (G4). */
		h->cksum = 0;
		pool_flush(p, &h->cksum, 8);
		pool_barrier(p); /* invariant (G2) */
		/*
		 * A barrier, not a fence (in journaled msync mode this saves one
		 * disk sync per tx; elsewhere the two are the same instruction).
		 * The tx is already durable (fence of (2)); the invalidation only
		 * has to be ordered: the barrier makes it durable no later than
		 * anything flushed afterwards by any thread (pmem.h: one global
		 * order of sealed batches, durable as a prefix), so
		 *  - the lane's next log (flushed at its (1)) never becomes
		 *    durable while this lane still validates with old slots;
		 *  - a later store to a word this tx wrote is durable only with
		 *    the invalidation, so a replay never puts this tx's value
		 *    over a newer durable one;
		 *  - pool_close's final fence covers it before the clean flag.
		 * Crash here, before the next fence: the lane may still validate;
		 * recovery replays exactly the values that are durable already
		 * (idempotent, G4), and nothing flushed later is durable.
		 * Crash after the next fence: nothing to replay.
		 */
	}
	for (unsigned i = 0; i < tx->nfrees; i++)
		pool_free(p, tx->frees[i]);
	lane_release(p, tx->lane);
	int io = pool_io_status(p);
	if (unlikely(io)) {
		err_set("pool %s: transaction applied but not known durable: a write or sync "
			"of the pool failed (%s)",
			p->path, strerror(-io));
		return io;
	}
	return 0;
}

/* ---- check ------------------------------------------------------------------------- */

int
pool_check(struct pool *p)
{
	const struct pool_header *h = p->hdr;
	if (memcmp(h->magic, POOL_MAGIC, 8) != 0 ||
	    cksum64(h, offsetof(struct pool_header, cksum)) != h->cksum ||
	    h->size != p->size) {
		err_set("pool %s: check: header damaged", p->path);
		return -EINVAL;
	}
	if (p->state->clean == POOL_CLEAN_MAGIC) {
		err_set("pool %s: check: open pool marked clean", p->path);
		return -EINVAL;
	}
	int ret = log_check(p);
	if (ret != 0)
		return ret;
	return heap_check(p);
}
