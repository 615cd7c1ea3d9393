/*
 * common.h -- helpers shared by every layer: the per-thread error message,
 * checksums, hashing and small macros. Depends on libc only.
 *
 * Contract:
 *  (C1) err_set() records a message for the calling thread only; the kv layer
 *       hands it to the user through pmemkv_errormsg(). Lower layers write the
 *       message where the failure is known and return a negative errno.
 *  (C2) cksum64() and hash64() are part of the on-media format (docs/FORMAT.md):
 *       never change their results.
 */
#ifndef PMEMKV_COMMON_H
#define PMEMKV_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define CACHELINE 64

#define ERR_MSG_MAX 1024

/* err_set -- printf-style, sets the calling thread's last error message. */
void err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* err_clear -- makes the calling thread's message "". */
void err_clear(void);
/* err_get -- the calling thread's message; never NULL. */
const char *err_get(void);

/*
 * cksum64 -- Fletcher-style 64-bit checksum of len bytes (len a multiple of 4).
 * Used for headers and log entries. Part of the format.
 */
uint64_t cksum64(const void *data, size_t len);

/*
 * hash64 -- 64-bit hash of arbitrary bytes (keys). Fast, well mixed, stable
 * across runs and builds. Part of the format: cmap places keys by it.
 */
uint64_t hash64(const void *data, size_t len, uint64_t seed);

#endif
