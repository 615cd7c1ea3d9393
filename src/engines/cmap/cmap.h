/*
 * cmap.h -- internal interface of the cmap engine beyond its ops table
 * (cmap_engine_ops in engines/engine.h): the debug checker and test hooks.
 * Not part of the public API.
 */
#ifndef PMEMKV_CMAP_H
#define PMEMKV_CMAP_H

#include <stdint.h>

struct pool;

/* Engine-specific config item: buckets per segment (power of two, 4..65536),
 * used only when a pool is created. Tests make it small so that splits and
 * directory doublings happen within short workloads. */
#define CMAP_CFG_SEGMENT_BUCKETS "cmap.segment_buckets"

struct cmap_check_stats {
	uint64_t records;	   /* reachable records */
	uint64_t segments;	   /* reachable segments */
	uint64_t global_depth;	   /* directory depth G */
	uint64_t reachable_blocks; /* directory + segments + records */
	uint64_t reachable_bytes;  /* sum of their pool_usable_size() */
};

/*
 * cmap_check -- walk the whole structure of an open cmap handle and verify
 * its invariants (cmap (M1)-(M7)): directory shape, segment depths and
 * prefixes, every slot's record offset, fingerprint, segment and probe
 * window, no duplicate keys, and the record count. Must not run concurrently
 * with writers. Returns 0, or -EINVAL with err_set() describing the first
 * violation. `st` may be NULL.
 */
int cmap_check(void *handle, struct cmap_check_stats *st);

/* cmap_pool -- the pool under an open handle (tests: pool_stats, leaks). */
struct pool *cmap_pool(void *handle);

/*
 * Durable reads (cmap (M7)), test hooks:
 * cmap_test_publish_hook -- when not NULL, called by a writer (put, remove)
 *   holding the segment lock, after it stored the slot word with DIRTY and
 *   before that word's persist. Set it before the threads that use it start.
 * cmap_test_reader_fences -- how many times readers (get, exists, get_all)
 *   and writers meeting a DIRTY directory word persisted a word whose
 *   writer's persist was possibly still in flight, since open.
 */
extern void (*cmap_test_publish_hook)(void *handle);
uint64_t cmap_test_reader_fences(void *handle);

#endif
