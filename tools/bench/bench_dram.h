/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_dram.h -- the DRAM baseline of pmemkv-bench: an in-memory hash table
 * with nothing persistent about it, the speed limit a persistent engine is
 * compared against ("x of dram" columns).
 *
 * What it is, precisely (docs/PERFORMANCE.md repeats this):
 *  - 256 independent shards chosen by the top 8 bits of a 64-bit hash; each
 *    shard is an open-addressing table with linear probing of 16-byte slots
 *    {hash, record pointer}, starting at 16 slots and doubling when more
 *    than 3/4 full; remove uses backward-shift deletion (no tombstones);
 *  - one malloc() per record holding {key size, value size, key, value},
 *    like a typical C hash table (Redis dict + sds, uthash); a lookup touches
 *    the slot array and only the record whose full 64-bit hash matches;
 *  - overwrite with a value of the same size copies in place; another size
 *    mallocs a new record and frees the old one; remove frees the record;
 *  - get copies the value out (the benchmark does the same for pmemkv);
 *  - thread safety: one pthread mutex per shard (growth is per shard). When
 *    created with locking = 0 (the benchmark does so for --threads=1) no lock
 *    is taken at all;
 *  - the hash is a 64-bit multiply-xorshift over 8-byte words.
 */
#ifndef PMEMKV_BENCH_DRAM_H
#define PMEMKV_BENCH_DRAM_H

#include <stddef.h>
#include <stdint.h>

struct dram_table;

/* dram_table_new -- an empty table; NULL on allocation failure. */
struct dram_table *dram_table_new(int locking);
void dram_table_delete(struct dram_table *t);

/* dram_put -- insert or overwrite; 0, or -1 when out of memory. */
int dram_put(struct dram_table *t, const char *k, size_t kb, const char *v, size_t vb);

/*
 * dram_get -- copy up to cap bytes of the value into buf and its size into
 * *vb; 0 if found, 1 if not.
 */
int dram_get(struct dram_table *t, const char *k, size_t kb, char *buf, size_t cap,
	     size_t *vb);

/* dram_remove -- 0 if removed, 1 if absent. */
int dram_remove(struct dram_table *t, const char *k, size_t kb);

/* dram_stats -- records, and bytes held (malloc'd blocks + bucket array). */
void dram_stats(struct dram_table *t, uint64_t *records, uint64_t *bytes);

#endif
