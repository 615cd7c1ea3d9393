/*
 * kv.h -- internals shared by the files of the kv layer (src/kv): the db,
 * iterator and tx handles, the config accessors used by pmemkv_open, the
 * engine registry and the error helpers. Nothing here is exported: only the
 * pmemkv_* functions of include/libpmemkv.h are (src/libpmemkv.map).
 *
 * Invariants of this layer (cited as "kv (Kn)"):
 *  (K1) Every pmemkv_* function returning int returns a PMEMKV_STATUS_*
 *       value; a negative errno never reaches the user.
 *  (K2) On a status other than OK, NOT_FOUND and STOPPED_BY_CB the calling
 *       thread's message (pmemkv_errormsg) is non-empty and describes the
 *       failure; after NOT_FOUND and STOPPED_BY_CB it is "".
 *  (K3) pmemkv_open owns its config on every path: it is deleted before
 *       pmemkv_open returns, success or failure.
 *  (K4) The engine never sees a NULL key or value pointer: a NULL pointer
 *       with a zero length is passed as "".
 */
#ifndef PMEMKV_KV_KV_H
#define PMEMKV_KV_KV_H

#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "libpmemkv.h"

/* Registry (registry.c). */

/* kv_engine_find -- the ops of the engine called name, or NULL. */
const struct engine_ops *kv_engine_find(const char *name);

/* kv_engine_list -- writes "blackhole, cmap" (the engines compiled in) to buf. */
void kv_engine_list(char *buf, size_t len);

/* Open (open.c). */

/* kv_open_ops -- pmemkv_open with the engine given by its ops (tests open
 * through fake engines with it). Same statuses; owns config (K3). */
int kv_open_ops(const struct engine_ops *ops, pmemkv_config *config, pmemkv_db **db);

/* Config (config.c), used by pmemkv_open. */

/* Same rules as pmemkv_config_get_*, but return 0 / negative errno and set
 * no message: -ENOENT absent, -EPROTOTYPE another type. */
int kv_config_get_uint64(pmemkv_config *c, const char *key, uint64_t *v);
int kv_config_get_string(pmemkv_config *c, const char *key, const char **v);
/* kv_config_get_object -- like pmemkv_config_get_object (getter applied). */
int kv_config_get_object(pmemkv_config *c, const char *key, void **v);

/* A comparator (pmemkv_comparator_new). */
struct pmemkv_comparator {
	pmemkv_compare_function *fn;
	void *arg;
	char *name;
};

/* An open database. */
struct pmemkv_db {
	const struct engine_ops *ops;
	void *h;
	/* Parsed config; path and comparator copies live as long as the db. */
	struct engine_config cfg;
	char *path;
	struct pmemkv_comparator cmp;
};

/*
 * Iterators and transactions: no engine offers them yet (engine.h has no ops
 * for them); the handles dispatch through these tables so an engine that
 * gains them only has to fill one in (a later issue moves them to engine.h).
 */
struct kv_iter_ops {
	int (*seek)(void *it, int how, const char *k, size_t kb);
	int (*seek_to)(void *it, int last);
	int (*is_next)(void *it);
	int (*next)(void *it);
	int (*prev)(void *it);
	int (*key)(void *it, const char **k, size_t *kb);
	int (*read_range)(void *it, size_t pos, size_t n, const char **data, size_t *rb);
	int (*write_range)(void *it, size_t pos, size_t n, char **data, size_t *wb);
	int (*commit)(void *it);
	void (*abort)(void *it);
	void (*destroy)(void *it);
};

struct pmemkv_iterator {
	pmemkv_db *db;
	const struct kv_iter_ops *ops;
	void *h;
};

struct kv_tx_ops {
	int (*put)(void *tx, const char *k, size_t kb, const char *v, size_t vb);
	int (*remove)(void *tx, const char *k, size_t kb);
	int (*commit)(void *tx);
	void (*abort)(void *tx);
	void (*destroy)(void *tx);
};

struct pmemkv_tx {
	pmemkv_db *db;
	const struct kv_tx_ops *ops;
	void *h;
};

/* Errors (status.c). */

/*
 * kv_fail -- finish a failing call: for NOT_FOUND / STOPPED_BY_CB clear the
 * message (K2); for other failures keep the message a lower layer wrote,
 * or write "<func>: <default message>" if there is none. Returns status.
 * The caller cleared the message before calling into the engine.
 */
int kv_fail(int status, const char *func);

/* kv_err -- set the message (printf-style) and return status. */
int kv_err(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
