/*
 * pmem_internal.h -- private interface between pmem.c and journal.c (the
 * journaled msync mode). Nothing outside src/pmem includes it, except the
 * pmem unit tests (test-only accessors at the end).
 */
#ifndef PMEMKV_PMEM_INTERNAL_H
#define PMEMKV_PMEM_INTERNAL_H

#include "pmem.h"

#include <stddef.h>
#include <stdint.h>

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
