/*
 * pmem_internal.h -- private interface between pmem.c and journal.c (the
 * journaled msync mode). Nothing outside src/pmem includes it, except the
 * pmem unit tests (test-only accessors at the end).
 */
#ifndef PMEMKV_PMEM_INTERNAL_H
#define PMEMKV_PMEM_INTERNAL_H

#include "pmem.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

/* on-media format of the journal file (journal.c, docs/FORMAT.md) */
#define JRNL_MAGIC 0x4c4e524a564b4d50ull  /* "PMKVJRNL" */
#define JRNL_BATCH_MAGIC 0x484354414256504aull /* "JPVBATCH" */
#define JRNL_VERSION 1u
#define JRNL_HDR_SIZE 4096u
#define JRNL_POOL_ID_BYTES 4096u	   /* (J6) */

struct journal_header {
	uint64_t magic;	    /* JRNL_MAGIC */
	uint32_t version;   /* JRNL_VERSION */
	uint32_t hdr_size;  /* JRNL_HDR_SIZE */
	uint64_t generation;
	uint64_t pool_hash; /* hash64 of the pool file's first 4 KiB (J6) */
	uint64_t pool_size; /* pool file size */
	uint64_t reserved[2];
	uint64_t cksum; /* cksum64 of bytes [0, 56) */
};
static_assert(sizeof(struct journal_header) == 64, "journal_header size");

struct journal_batch {
	uint64_t magic;	     /* JRNL_BATCH_MAGIC */
	uint64_t generation; /* == header's (J2) */
	uint64_t seq;	     /* 1, 2, 3... within a generation (J2) */
	uint64_t len;	     /* bytes of the whole batch, header included */
	uint32_t nranges;
	uint32_t reserved0;
	uint64_t reserved1;
	uint64_t reserved2;
	uint64_t hash; /* hash64(ranges, len - 64, hash64(this header with
			* hash = 0, 64, generation)) */
};
static_assert(sizeof(struct journal_batch) == 64, "journal_batch size");

struct journal_range {
	uint64_t off; /* offset in the pool file */
	uint64_t len; /* bytes that follow, padded to 8 */
};
static_assert(sizeof(struct journal_range) == 16, "journal_range size");

#define PAD8(x) (((x) + 7u) & ~(uint64_t)7u)

/* I/O helpers (pmem.c) */
void pmem_io_error(const char *what, int e);
int pmem_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);
int pmem_fdatasync(int fd);

/* journal (journal.c); m->journal != NULL and m->mode == MSYNC */
void pmem_journal_flush(const struct pmem_map *m, const void *addr, size_t len);
void pmem_journal_barrier(const struct pmem_map *m);
void pmem_journal_fence(const struct pmem_map *m);
/* final checkpoint, remove the journal file, free; m->journal = NULL */
void pmem_journal_close(struct pmem_map *m);

/* test-only: fdatasync calls made on the journal file so far */
uint64_t pmem_journal_test_syncs(const struct pmem_map *m);
/* test-only: checkpoint when the journal file passes `bytes` (0: default) */
void pmem_journal_test_set_limit(struct pmem_map *m, size_t bytes);
/* test-only: checkpoints done so far */
uint64_t pmem_journal_test_checkpoints(const struct pmem_map *m);

#endif
