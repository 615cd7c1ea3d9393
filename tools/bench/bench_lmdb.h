/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_lmdb.h -- LMDB as a second point of comparison for pmemkv-bench
 * (--lmdb), built only when CMake finds liblmdb (PMEMKV_BENCH_LMDB).
 *
 * What it is: one LMDB environment in a single file (MDB_NOSUBDIR) next to
 * the pool (<path>.lmdb), one unnamed database; every put and remove is its
 * own write transaction (LMDB serializes writers); every get renews a
 * per-thread read transaction (mdb_txn_renew / mdb_txn_reset), looks up and
 * copies the value out. Durability: "process" (and the default) uses
 * MDB_WRITEMAP | MDB_NOSYNC | MDB_NOMETASYNC (no fsync: survives a process
 * crash, not a power failure, like pmemkv's process mode); "msync" and
 * "pmem" use LMDB's default, an fsync per commit.
 */
#ifndef PMEMKV_BENCH_LMDB_H
#define PMEMKV_BENCH_LMDB_H

#include <stddef.h>
#include <stdint.h>

struct lmdb_store;

/* lmdb_store_open -- a fresh environment at path; NULL with a message in err. */
struct lmdb_store *lmdb_store_open(const char *path, uint64_t mapsize, int sync,
				   unsigned max_threads, char *err, size_t errlen);
void lmdb_store_close(struct lmdb_store *s);

/* 0 ok, -1 failure (message: lmdb_store_errmsg()). */
int lmdb_store_put(struct lmdb_store *s, const char *k, size_t kb, const char *v, size_t vb);
/* 0 found (value copied, up to cap bytes), 1 not found, -1 failure. */
int lmdb_store_get(struct lmdb_store *s, const char *k, size_t kb, char *buf, size_t cap,
		   size_t *vb);
/* 0 removed, 1 not found, -1 failure. */
int lmdb_store_remove(struct lmdb_store *s, const char *k, size_t kb);
/* records, and bytes in the B+tree's pages (branch + leaf + overflow). */
void lmdb_store_stats(struct lmdb_store *s, uint64_t *records, uint64_t *bytes);
/* the calling thread's last failure */
const char *lmdb_store_errmsg(void);

#endif
