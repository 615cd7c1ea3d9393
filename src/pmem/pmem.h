/*
 * pmem.h -- the pmem layer: map a file, and make stores to it durable.
 * This is the single door through which durability happens: no other layer
 * calls msync, clwb or sfence itself.
 *
 * Invariants this layer promises (cited elsewhere as "pmem (Pn)"):
 *  (P1) A store to a mapping is durable only after a pmem_flush_range()
 *       covering it followed by a pmem_fence() (pmem_persist_range() is both).
 *  (P2) Only naturally aligned 8-byte stores are failure-atomic.
 *  (P3) pmem_fence() returns only when every range flushed before it by the
 *       calling thread is durable (to the degree of the mode below).
 *  (P4) Flushing is idempotent and may be issued many times before one fence.
 *
 * Durability modes (chosen when mapping; see docs/ARCHITECTURE.md):
 *  PMEM_MODE_PMEM     DAX file mapped with MAP_SYNC: cache-line flush
 *                     (clwb > clflushopt > clflush, by CPUID) + sfence.
 *                     Survives power loss on ADR/eADR platforms.
 *  PMEM_MODE_MSYNC    page-cache file mapped MAP_PRIVATE: flush = pwrite of
 *                     the range to the file, fence = fdatasync; with a
 *                     journal (pmem_journal_enable) flushed ranges go to a
 *                     group-committed redo journal instead (see below).
 *                     Survives power loss.
 *  PMEM_MODE_PROCESS  flush instructions only, no syscalls. Survives the
 *                     death of the process, not of the machine. tmpfs
 *                     (/dev/shm) is RAM, so it gets this mode by default; the
 *                     environment variable PMEM_IS_PMEM_FORCE=1 forces it too.
 *
 * Test hook: the power-failure simulator (tests/powerfail) installs
 * pmem_sim_hooks to observe every flush and fence. With no hook installed
 * the cost is one predictable branch per call.
 */
#ifndef PMEMKV_PMEM_H
#define PMEMKV_PMEM_H

#include <stddef.h>
#include <stdint.h>

enum pmem_mode {
	PMEM_MODE_AUTO = 0, /* only as a request: pick by file system */
	PMEM_MODE_PMEM = 1,
	PMEM_MODE_MSYNC = 2,
	PMEM_MODE_PROCESS = 3,
};

/* pmem_mode_name -- "pmem", "msync", "process" (or "auto"). */
const char *pmem_mode_name(enum pmem_mode mode);

struct pmem_map {
	void *addr;	     /* start of the mapping */
	size_t size;	     /* bytes mapped == file size */
	int fd;		     /* open file, kept for msync/flock; -1 if none */
	enum pmem_mode mode; /* mode in force, never AUTO */
	int is_dax;	     /* MAP_SYNC succeeded */
	/* MSYNC journal after pmem_journal_enable(), else NULL; private to
	 * src/pmem (added for the journaled msync mode) */
	struct pmem_journal *journal;
};

/* flags for pmem_map_file() */
#define PMEM_FILE_CREATE 0x1 /* create a new file of `size` bytes (O_EXCL) */

/*
 * pmem_map_file -- create (PMEM_FILE_CREATE: O_EXCL, posix_fallocate to
 * `size`) or open an existing file (size taken from fstat; `size` ignored),
 * and map it read-write: shared (PMEM, PROCESS), private copy-on-write in
 * MSYNC mode (see below). MAP_SHARED_VALIDATE|MAP_SYNC is tried first;
 * success means DAX and mode PMEM. `mode` AUTO picks by file system
 * (DAX -> PMEM, tmpfs -> PROCESS, else MSYNC), PMEM_IS_PMEM_FORCE=1 turns an
 * AUTO into PROCESS; an explicit mode is honoured (PMEM only if DAX).
 * Details (pmem.c): on a DAX file AUTO is always PMEM; on a non-DAX file
 * PMEM_IS_PMEM_FORCE=0 makes AUTO pick MSYNC (even on tmpfs). An explicit
 * PMEM request on a non-DAX file is refused with -EINVAL and a message
 * (cache flushes would not make a page-cache file durable: ask for MSYNC
 * or PROCESS instead); explicit MSYNC and PROCESS are always honoured.
 * Returns 0, or a negative errno with err_set() called:
 *  -ENOENT no such file, -EEXIST exists (CREATE), -EINVAL bad size or a
 *  directory, -ENOSPC fallocate failed, -EACCES, other -errno from the OS.
 * On failure a file this call created is removed.
 */
int pmem_map_file(const char *path, int flags, size_t size, enum pmem_mode mode,
		  struct pmem_map *out);

/* pmem_unmap_file -- unmap and close; does not flush. In MSYNC mode with a
 * journal it first checkpoints (everything made durable through the journal
 * is written to the file, which is synced) and removes the journal file. */
void pmem_unmap_file(struct pmem_map *m);

/*
 * CPU flush selected at first use (CPUID): "clwb", "clflushopt", "clflush"
 * (or "none" off x86), for tests and `info`. PMEM_NO_CLWB=1 and
 * PMEM_NO_CLFLUSHOPT=1 in the environment skip those instructions, and
 * PMEM_NO_MOVNT=1 disables non-temporal copies (read once per process).
 */
const char *pmem_flush_instruction(void);

/* Hooks of the power-failure simulator. */
struct pmem_sim_hooks {
	void (*flush)(void *ctx, const void *addr, size_t len);
	void (*fence)(void *ctx);
	void *ctx;
};
/*
 * pmem_sim_install -- install (or with NULL remove) process-wide hooks.
 * The hooks are called in addition to the real flush/fence. Not thread-safe
 * with respect to concurrent flushes: install before the workload starts.
 */
void pmem_sim_install(const struct pmem_sim_hooks *hooks);

/* pmem_flush_range -- start writing back [addr, addr+len) (P4). */
void pmem_flush_range(const struct pmem_map *m, const void *addr, size_t len);

/* pmem_fence -- wait until everything flushed before is durable (P3).
 * PMEM/PROCESS: sfence. MSYNC: fdatasync of the file (no journal), or
 * seal the thread's batch and wait for the journal's group commit. */
void pmem_fence(const struct pmem_map *m);

/*
 * pmem_barrier -- ordering point: everything flushed before the barrier
 * becomes durable no later than anything flushed after it. It is durable
 * only after the next pmem_fence(). An operation that needs "A durable
 * before B is published" and is acknowledged after a final fence uses a
 * barrier between A and B and one fence at the end: PMEM/PROCESS: sfence;
 * MSYNC without journal: same as pmem_fence; MSYNC with journal: seals the
 * thread's batch, no I/O. The simulator treats it as a fence.
 */
void pmem_barrier(const struct pmem_map *m);

/*
 * msync mode, journaled (see docs/ARCHITECTURE.md, "msync mode"):
 * in MSYNC mode the file is mapped MAP_PRIVATE, so stores never reach the
 * file by kernel writeback; they reach it only through this layer, in the
 * order the persist points dictate. Before a journal is enabled, a flush is
 * pwrite of the range and a fence is fdatasync. After
 * pmem_journal_enable(m, path), flushed ranges are appended as checksummed
 * batches to the journal file "<path>.journal" (pwrite + fdatasync, one
 * fdatasync shared by all threads waiting at that moment: group commit);
 * the pool file itself is written at checkpoints (journal file past 32 MiB,
 * and at pmem_unmap_file, which checkpoints and removes the journal), with
 * the bytes recorded in durable batches, never the live mapping. A barrier
 * copies the current bytes of the thread's flushed ranges into the journal
 * buffer (no I/O). pmem_journal_enable returns 0, -EBUSY (journal locked),
 * -EINVAL (a journal whose valid batches point outside the file: refused,
 * nothing applied, the file left for inspection) or another -errno, with a
 * message. In MSYNC mode without a journal, stores never flushed are lost at
 * unmap (the mapping is private); with one, the unmapping thread's flushed
 * ranges are sealed and checkpointed.
 * pmem_journal_enable first replays a journal left by a crash, if that
 * journal belongs to this file (it records a hash of the file's first
 * 4 KiB), and takes an exclusive lock on it (-EBUSY if held).
 * No-op (returns 0) in PMEM and PROCESS modes.
 */
int pmem_journal_enable(struct pmem_map *m, const char *path);

/*
 * pmem_io_status -- 0, or the negative errno of the first write or sync of a
 * pool or journal file that failed in this process (msync mode). Flush and
 * fence are void, so after such a failure they return without the promised
 * durability; callers that acknowledge writes check this after their final
 * fence and report the error instead of OK. The latch is process-wide (a
 * device failed) and is never cleared.
 */
int pmem_io_status(void);

/* pmem_persist_range -- flush + fence. */
void pmem_persist_range(const struct pmem_map *m, const void *addr, size_t len);

/*
 * pmem_copy_nodrain -- memcpy(dst, src, len) into the mapping and flush it
 * (non-temporal stores for large ranges where the mode allows). The copy is
 * durable after the next pmem_fence(). Returns dst.
 */
void *pmem_copy_nodrain(const struct pmem_map *m, void *dst, const void *src, size_t len);

/* pmem_set_nodrain -- memset + flush, like pmem_copy_nodrain. */
void *pmem_set_nodrain(const struct pmem_map *m, void *dst, int c, size_t len);

/* pmem_path_is_tmpfs -- 1 if path's file system is tmpfs/ramfs (for a path
 * that does not exist yet, its directory's), else 0. */
int pmem_path_is_tmpfs(const char *path);

#endif
