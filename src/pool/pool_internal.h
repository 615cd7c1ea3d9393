/*
 * pool_internal.h -- private structures of the pool layer (pool.c, heap.c,
 * log.c). On-media structs are described byte by byte in docs/FORMAT.md.
 */
#ifndef PMEMKV_POOL_INTERNAL_H
#define PMEMKV_POOL_INTERNAL_H

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "common/common.h"
#include "pool/pool.h"

/* ---- on-media layout (format version 1) -------------------------------- */

#define POOL_MAGIC "PMEMKVC" /* 8 bytes with the NUL */
#define POOL_FORMAT_VERSION 1u
#define POOL_HDR_SIZE 4096u
#define POOL_STATE_OFF 4096u
#define POOL_LANES_OFF 8192u
#define POOL_LANE_SIZE 8192u
#define POOL_LANE_HDR 64u
#define POOL_LANE_SLOTS ((POOL_LANE_SIZE - POOL_LANE_HDR) / 16u) /* 508 */
/* chunk size: a power of two in [POOL_CHUNK_MIN, POOL_CHUNK_MAX], chosen at
 * creation from the pool size (pool_chunk_size_for) and recorded in the
 * header; every pool has its own (docs/FORMAT.md) */
#define POOL_CHUNK_MIN_SHIFT 14u /* 16 KiB */
#define POOL_CHUNK_MAX_SHIFT 20u /* 1 MiB */
#define POOL_CHUNK_MIN (1ull << POOL_CHUNK_MIN_SHIFT)
#define POOL_CHUNK_MAX (1ull << POOL_CHUNK_MAX_SHIFT)
#define POOL_CHUNK_NSHIFTS (POOL_CHUNK_MAX_SHIFT - POOL_CHUNK_MIN_SHIFT + 1)
#define POOL_CLEAN_MAGIC 0x4e41454c43564b50ull /* "PKVCLEAN" */

struct pool_header {
	char magic[8];	    /* "PMEMKVC\0" */
	uint32_t version;   /* POOL_FORMAT_VERSION */
	uint32_t hdr_size;  /* 4096 */
	char layout[POOL_LAYOUT_MAX];
	uint8_t uuid[16];
	uint64_t size;	    /* file size */
	uint64_t state_off; /* 4096 */
	uint64_t lanes_off; /* 8192 */
	uint32_t nlanes;    /* POOL_LANES */
	uint32_t lane_size; /* 8192 */
	uint64_t root_off;
	uint64_t root_size; /* POOL_ROOT_SIZE */
	uint64_t table_off; /* chunk table */
	uint64_t nchunks;
	uint64_t chunk_size; /* power of two, 16 KiB .. 1 MiB */
	uint64_t heap_off;   /* first chunk */
	uint64_t create_time; /* seconds since the epoch, informational */
	uint8_t reserved[POOL_HDR_SIZE - 160];
	uint64_t cksum; /* cksum64 of bytes [0, 4088) */
};
static_assert(sizeof(struct pool_header) == POOL_HDR_SIZE, "pool_header size");

struct pool_state {
	uint64_t clean;	 /* POOL_CLEAN_MAGIC after a clean close, else anything */
	uint8_t reserved[4096 - 8];
};
static_assert(sizeof(struct pool_state) == 4096, "pool_state size");

struct pool_lane_hdr {
	uint64_t cksum;	 /* cksum64 of bytes [8, 64 + nslots*16), 0 = invalid */
	uint64_t seq;	 /* commit order across lanes */
	uint32_t nslots; /* 16-byte slots used */
	uint32_t reserved0;
	uint64_t reserved[5];
};
static_assert(sizeof(struct pool_lane_hdr) == POOL_LANE_HDR, "lane hdr size");

/* log entry types, in the low 3 bits of the first word of a slot */
#define LOG_SET 1u  /* slot: off|1, value */
#define LOG_FILL 2u /* slot: off|2, value; next slot: nwords, 0 */

/* chunk descriptors: type | class << 8 | arg << 32 */
enum { CHUNK_FREE = 0, CHUNK_RUN = 1, CHUNK_LARGE = 2, CHUNK_CONT = 3 };
#define DESC_TYPE(d) ((unsigned)((d)&0xff))
#define DESC_CLASS(d) ((unsigned)(((d) >> 8) & 0xffffff))
#define DESC_ARG(d) ((uint32_t)((d) >> 32))
#define DESC_MAKE(t, c, a) ((uint64_t)(t) | ((uint64_t)(c) << 8) | ((uint64_t)(a) << 32))

/* ---- size classes -------------------------------------------------------- */

#define POOL_NCLASSES 112 /* 16..1024 by 16 (64), then 8 per doubling to 64 KiB */
#define POOL_RUN_MAX 65536u
/* a class is served by runs only if one chunk holds at least this many
 * objects; larger sizes take whole chunks (the large path) */
#define POOL_RUN_MIN_OBJS 3u
/* a run spans at most this many chunks (heap.c H6) */
#define POOL_RUN_MAX_CHUNKS 4u

struct pool_class {
	uint32_t size;	   /* object size */
	uint32_t nobj;	   /* objects per run */
	uint32_t bm_bytes; /* bitmap bytes at the start of the chunk (x64) */
	uint32_t bm_words; /* 64-bit words that hold nobj bits */
	uint32_t nchunks;  /* chunks per run (the bitmap is in the first) */
};
/* pool_classes_get -- the class table for chunks of 1 << shift bytes (shift
 * in [POOL_CHUNK_MIN_SHIFT, POOL_CHUNK_MAX_SHIFT]); *nrun is set to the
 * number of classes served by runs (a prefix of the table) */
const struct pool_class *pool_classes_get(unsigned shift, unsigned *nrun);
int pool_class_of(size_t size); /* -1 if > POOL_RUN_MAX */
uint64_t pool_chunk_size_for(uint64_t pool_size); /* creation's choice */

/* ---- DRAM state ------------------------------------------------------------ */

#define NONE32 UINT32_MAX

struct chunk_info {
	uint8_t type;  /* CHUNK_* as known in DRAM */
	uint8_t dirty; /* run bitmap changed since last persisted */
	uint8_t touched; /* recovery: bitmap zeroed, marks being set */
	uint8_t marked;	 /* recovery: large block marked */
	uint16_t arena;
	uint16_t cls;
	uint32_t nfree; /* run: free objects */
	uint32_t n;	/* large: chunks in block */
	uint32_t hint;	/* run: bitmap word to scan first */
	uint32_t prev, next; /* run: arena's per-class list of non-full runs */
};

struct pool_arena {
	pthread_mutex_t lock;
	uint32_t head[POOL_NCLASSES];
	uint64_t alloc_bytes, alloc_objs;
	uint64_t free_in_runs; /* bytes of free objects in this arena's runs */
	uint64_t empty_adj; /* sum over empty runs of chunk size - nobj * size */
	uint64_t nruns;
	uint32_t drain_tick; /* allocations since the last drain (heap.c H7) */
	/* deferred frees from other threads' arenas (heap.c H7): pool offset
	 * of the top block, 0 = empty; own cache line (pushers write it) */
	_Alignas(64) _Atomic uint64_t remote_head;
} __attribute__((aligned(64)));

struct pool_tx {
	struct pool *p;
	unsigned lane;
	unsigned nentries;
	unsigned nslots;
	int err;
	unsigned nfrees;
	uint64_t frees[POOL_TX_MAX_ENTRIES];
};

struct pool {
	struct pmem_map map;
	char *base;
	char *path;
	struct pool_header *hdr;
	struct pool_state *state;
	uint64_t size, lanes_off, root_off, table_off, heap_off, nchunks;
	uint64_t *table; /* chunk descriptors, in the mapping */
	uint64_t chunk_size; /* from the header, validated (1 << chunk_shift) */
	unsigned chunk_shift;
	unsigned nrun_classes; /* classes [0, nrun_classes) use runs */
	const struct pool_class *classes; /* for this chunk size */

	/* heap (heap.c) */
	struct chunk_info *ci;
	uint64_t *freemap; /* DRAM bitmap, 1 = chunk free */
	uint64_t nfree_chunks;
	uint64_t free_hint; /* freemap words below this one are all zero */
	uint64_t large_bytes, large_objs;
	pthread_mutex_t chunk_lock;
	unsigned narenas;
	struct pool_arena *arenas;
	_Atomic int recovering;
	uint64_t remote_tag; /* deferred-free tag, random per open (heap.c H7) */

	/* lanes (log.c) */
	_Atomic uint64_t lane_busy;
	_Atomic int lane_waiters;
	_Atomic uint64_t seq;
	pthread_mutex_t lane_mtx;
	pthread_cond_t lane_cv;
	struct pool_tx txs[POOL_LANES];
};

static_assert(POOL_LANES == 64, "lane bitmap is one word");

/* pool.c: test hook (the power-failure tests track a pool's mapping from
 * before recovery writes anything): when set, called with mapped = 1 right
 * after pool_open maps and checks a file, before any write, and with
 * mapped = 0 just before the pool layer unmaps an opened or created pool */
extern void (*pool_test_map_hook)(int mapped, void *base, size_t len);

/* heap.c */
int heap_init(struct pool *p);		     /* DRAM structures, all chunks free */
int heap_load(struct pool *p);		     /* clean open: read bitmaps (read-only) */
void heap_begin_recovery(struct pool *p);    /* dirty open */
void heap_persist_for_close(struct pool *p); /* bitmaps + table persisted */
void heap_fini(struct pool *p);
int heap_check(struct pool *p);

/* log.c */
int log_recover(struct pool *p, int validate_only);
void log_init(struct pool *p);
void log_fini(struct pool *p);
int log_check(struct pool *p);
int log_dst_ok(const struct pool *p, uint64_t off, uint64_t nwords);

static inline uint64_t
chunk_off(const struct pool *p, uint64_t c)
{
	return p->heap_off + (c << p->chunk_shift);
}

/* heap_end -- first byte after the last chunk */
static inline uint64_t
heap_end(const struct pool *p)
{
	return p->heap_off + (p->nchunks << p->chunk_shift);
}

#endif
