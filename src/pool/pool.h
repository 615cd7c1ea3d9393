/*
 * pool.h -- the pool layer: a pool file with a checked header, a root area,
 * a persistent allocator, and a redo log for crash-atomic multi-word updates.
 * Plays the role libpmemobj plays for upstream pmemkv. Depends on pmem/ only.
 *
 * File layout (byte-exact description in docs/FORMAT.md):
 *   [0, 4 KiB)        struct pool_header: magic, version, layout, uuid, size,
 *                     checksum. Written once at creation, never modified.
 *   [4 KiB, 8 KiB)    struct pool_state: clean-close flag, heap summary.
 *   [8 KiB, ...)      POOL_LANES redo-log lanes, then the root area
 *                     (POOL_ROOT_SIZE bytes, zeroed at creation), then the
 *                     heap (chunk table + chunks).
 *
 * Invariants (cited as "pool (Ln)"):
 *  (L1) Opening never modifies a file that fails validation: empty, truncated,
 *       foreign (bad magic), newer version, other layout, bad checksum, size
 *       field != file size. Such files are refused with a message.
 *  (L2) Creation is atomic: the file appears under its name complete
 *       (built under a temporary name, then linked into place), or not at all.
 *  (L3) A pool is open at most once at a time (flock LOCK_EX|LOCK_NB).
 *  (L4) Allocator metadata is *derived state*. After a clean close the
 *       on-media run bitmaps are exact; after a crash they are rebuilt from
 *       what the pool's owner declares reachable (pool_recovery_mark), so a
 *       crash never leaks space and never hands out a reachable block.
 *  (L5) pool_alloc() changes nothing on media that recovery trusts: a block
 *       reserved but not yet published by its caller is free again after a
 *       crash. pool_free() requires that the block is already unreachable on
 *       media (the unpublishing store persisted) and that no reader uses it.
 *  (L6) A committed pool_tx is applied entirely or not at all, also across a
 *       crash at any instant; recovery on open replays committed logs.
 *  (L7) Pointers in the pool are offsets from the pool's start (uint64_t);
 *       offset 0 is never a valid object.
 *
 * Return values: 0 or a negative errno; on failure err_set() has been called
 * with a message naming the pool file.
 */
#ifndef PMEMKV_POOL_H
#define PMEMKV_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "pmem/pmem.h"

#define POOL_LAYOUT_MAX 32	  /* layout name, NUL included */
#define POOL_ROOT_SIZE 4096	  /* bytes of root area for the owner */
#define POOL_MIN_SIZE (2u << 20) /* smallest pool the layer accepts */
#define POOL_ALLOC_MAX (1ull << 36) /* largest single allocation (64 GiB) */

struct pool;

struct pool_opts {
	enum pmem_mode mode; /* PMEM_MODE_AUTO: choose by file system */
};

/*
 * pool_create -- create a new pool file of `size` bytes for `layout` (L2).
 * -EEXIST if path exists, -EINVAL if size < POOL_MIN_SIZE or layout too long.
 * The new pool is open and needs no recovery.
 */
int pool_create(const char *path, const char *layout, uint64_t size,
		const struct pool_opts *opts, struct pool **out);

/*
 * pool_open -- open an existing pool (L1, L3), replay committed redo logs (L6).
 * Errors: -ENOENT missing; -EINVAL not a pool / corrupted / truncated (the
 * message says which); -EPROTO other layout; -EPROTONOSUPPORT newer format
 * version; -EBUSY already open (by this or another process).
 * After a crash, pool_recovery_needed() is 1 and the owner must walk its
 * structure before allocating (see below).
 */
int pool_open(const char *path, const char *layout, const struct pool_opts *opts,
	      struct pool **out);

/*
 * pool_close -- clean close: persist allocator state, mark the pool clean,
 * unlock, unmap. The caller guarantees no thread still uses the pool.
 */
void pool_close(struct pool *p);

/* Identity and mapping. */
void *pool_base(const struct pool *p);
uint64_t pool_size(const struct pool *p);
const struct pmem_map *pool_pmem(const struct pool *p);
enum pmem_mode pool_mode(const struct pool *p);
const char *pool_path(const struct pool *p);
void pool_uuid(const struct pool *p, uint8_t uuid[16]);

static inline void *
pool_ptr(const struct pool *p, uint64_t off)
{
	return (char *)pool_base(p) + off;
}

/* Root area: POOL_ROOT_SIZE bytes at a fixed offset, zero at creation. */
void *pool_root(const struct pool *p);

/* Persistence through the pool's mapping (pmem layer wrappers). */
void pool_flush(const struct pool *p, const void *addr, size_t len);
void pool_fence(const struct pool *p);
void pool_persist(const struct pool *p, const void *addr, size_t len);
/* pool_barrier -- pmem_barrier(): what was flushed before is durable no
 * later than what is flushed after; durable only after the next fence.
 * (added by the pool work, additive) */
void pool_barrier(const struct pool *p);
void pool_copy_nodrain(const struct pool *p, void *dst, const void *src, size_t len);

/* pool_io_status -- 0, or -errno if a write/sync failed (pmem_io_status):
 * an operation must not be acknowledged as durable after it. */
int pool_io_status(const struct pool *p);

/*
 * Allocator. Size classes with 16-byte granularity for small objects, whole
 * chunks for large ones. Thread-safe: many threads allocate and free at once
 * without one global lock. Objects are 16-byte aligned.
 *
 * pool_alloc -- reserve a block of at least `size` bytes (L5); its content is
 * undefined. -ENOMEM when no space (the pool stays usable), -EINVAL when size
 * is 0 or > POOL_ALLOC_MAX, -EBUSY while recovery is pending.
 */
int pool_alloc(struct pool *p, size_t size, uint64_t *off);

/* pool_free -- return a block (L5). Freeing 0 is a no-op. */
void pool_free(struct pool *p, uint64_t off);

/* pool_usable_size -- bytes usable in the block at off (>= requested). */
size_t pool_usable_size(const struct pool *p, uint64_t off);

struct pool_stats {
	uint64_t heap_bytes;	  /* bytes the heap manages */
	uint64_t allocated_bytes; /* sum of usable sizes of live blocks */
	uint64_t allocated_objs;  /* live blocks */
	uint64_t free_bytes;	  /* heap_bytes - bytes in use incl. run overheads */
};
void pool_stats(struct pool *p, struct pool_stats *st);

/*
 * Recovery of allocator state after a crash (L4).
 * pool_recovery_needed -- 1 if the last close was not clean.
 * pool_recovery_mark -- declare the block at off reachable. -EINVAL if off is
 *   not the start of a block the heap could have handed out (corruption), or
 *   if it is marked twice.
 * pool_recovery_finish -- everything not marked becomes free; statistics are
 *   recomputed. Allocation is possible afterwards.
 * On a clean open these are not needed (finish is a cheap no-op).
 */
int pool_recovery_needed(const struct pool *p);
int pool_recovery_mark(struct pool *p, uint64_t off);
int pool_recovery_finish(struct pool *p);

/*
 * Redo log: a group of 8-byte stores applied atomically (L6). Each tx uses
 * one lane; POOL_LANES lanes exist, so up to that many transactions commit
 * concurrently (more callers wait). A tx holds at most POOL_TX_MAX_ENTRIES
 * entries; a fill entry sets `nwords` consecutive words to one value.
 *
 *   struct pool_tx *tx;
 *   pool_tx_begin(p, &tx);
 *   pool_tx_set(tx, &seg->next, new_off);       // not applied yet
 *   pool_tx_fill(tx, &dir[lo], seg_off, count);
 *   pool_tx_commit(tx);                          // durable + applied
 *
 * Cost of a commit: three ordered persist points (log, apply, invalidate).
 * Stores made by pool_tx_set are not visible before commit. The destination
 * words must lie inside the pool. Frees to happen when the tx commits are
 * queued with pool_tx_free (dropped on abort).
 */
#define POOL_LANES 64
#define POOL_TX_MAX_ENTRIES 200

struct pool_tx;
int pool_tx_begin(struct pool *p, struct pool_tx **tx);
int pool_tx_set(struct pool_tx *tx, uint64_t *dst, uint64_t value);
int pool_tx_fill(struct pool_tx *tx, uint64_t *dst, uint64_t value, uint64_t nwords);
int pool_tx_free(struct pool_tx *tx, uint64_t off);
int pool_tx_commit(struct pool_tx *tx);
void pool_tx_abort(struct pool_tx *tx);

/*
 * pool_check -- walk the pool's own structures (header, chunk table, runs,
 * logs) and verify their invariants; 0 or -EINVAL with a message. For tests
 * and the `check` command.
 */
int pool_check(struct pool *p);

#endif
