/*
 * kvinit.h -- open a cmap store in a pool file, creating the file if it is
 * missing (the "create-or-open" idiom of the seed example).
 */
#ifndef KVINIT_H
#define KVINIT_H

#include <stdint.h>

#include <libpmemkv.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Pool size used when the pool is created (at least 8 MiB). */
#define KVINIT_POOL_SIZE (64ull << 20)

/*
 * kvinit_path -- the pool path to use: `arg` if not NULL, else $PMEMKV_PATH
 * if set and non-empty, else ${TMPDIR:-/tmp}/pmemkv-example.pool. The
 * string returned stays valid until the program exits.
 */
const char *kvinit_path(const char *arg);

/*
 * kvinit -- open engine "cmap" on `path`, creating a pool of `size` bytes if
 * the file does not exist. Returns the db, or NULL after printing the status
 * and pmemkv_errormsg() to stderr.
 */
pmemkv_db *kvinit(const char *path, uint64_t size);

#ifdef __cplusplus
}
#endif

#endif
