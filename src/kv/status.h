/*
 * status.h -- the one table of PMEMKV_STATUS_* codes (libuv style): value,
 * short name and default message are written once here; kv_status_name(),
 * kv_status_message() and the errno mapping are generated from it.
 * static_asserts in status.c pin every value to include/libpmemkv.h.
 *
 * Only src/kv turns negative errnos of the lower layers into statuses
 * (mapping table in src/engines/engine.h, implemented by kv_status_from_errno).
 */
#ifndef PMEMKV_KV_STATUS_H
#define PMEMKV_KV_STATUS_H

#include "libpmemkv.h"

/* X(NAME, default message) -- NAME is the suffix of PMEMKV_STATUS_<NAME>. */
#define KV_STATUS_MAP(X)                                                               \
	X(OK, "no error")                                                              \
	X(UNKNOWN_ERROR, "unknown error")                                              \
	X(NOT_FOUND, "record not found")                                               \
	X(NOT_SUPPORTED, "function is not implemented by the engine")                  \
	X(INVALID_ARGUMENT, "argument to function has a wrong value")                  \
	X(CONFIG_PARSING_ERROR, "parsing data to config failed")                       \
	X(CONFIG_TYPE_ERROR, "config item has a different type than expected")         \
	X(STOPPED_BY_CB, "iteration was stopped by the user's callback")               \
	X(OUT_OF_MEMORY, "not enough memory or space in the pool")                     \
	X(WRONG_ENGINE_NAME, "engine name does not match any available engine")        \
	X(TRANSACTION_SCOPE_ERROR, "error with the scope of a transaction")            \
	X(DEFRAG_ERROR, "the defragmentation process failed")                          \
	X(COMPARATOR_MISMATCH, "comparator does not match the one the pool was created with")

/* kv_status_name -- "PMEMKV_STATUS_OK", ...; "PMEMKV_STATUS_?" for unknown values. */
const char *kv_status_name(int status);

/* kv_status_message -- the default message of a status ("" for unknown values). */
const char *kv_status_message(int status);

/*
 * kv_status_from_errno -- 0 or a negative errno of a lower layer to a status,
 * per the table in src/engines/engine.h.
 */
int kv_status_from_errno(int err);

#endif
