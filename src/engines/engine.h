/*
 * engine.h -- the contract between the kv layer (src/kv) and the engines.
 * An engine is a module behind an ops table, registered by name in
 * src/kv/registry.c. An engine depends on pool/ (and pmem/, common/) and on
 * nothing of kv/: it returns 0 or a negative errno and calls err_set();
 * src/kv maps errnos to PMEMKV_STATUS_* codes:
 *
 *   0            OK                     -ENOENT     NOT_FOUND
 *   -ENOTSUP     NOT_SUPPORTED          -EINVAL     INVALID_ARGUMENT
 *   -ENOMEM      OUT_OF_MEMORY          -ECANCELED  STOPPED_BY_CB
 *   -EPROTOTYPE  CONFIG_TYPE_ERROR      -EBADMSG    CONFIG_PARSING_ERROR
 *   -ENOBUFS     (get_copy: buffer too small) -> OUT_OF_MEMORY
 *   -ENOSPC      OUT_OF_MEMORY          -EILSEQ     COMPARATOR_MISMATCH
 *   anything else UNKNOWN_ERROR (from defrag: DEFRAG_ERROR; from open, see
 *   src/kv/open.c: -EEXIST, -EPROTO, -EINVAL, -ENOENT are INVALID_ARGUMENT)
 *   (the -ENOSPC and -EILSEQ lines, and the open/defrag notes, added by kv)
 *
 * Any ops member other than name/open/close may be NULL: the kv layer then
 * answers NOT_SUPPORTED with a message naming the engine.
 *
 * Thread rules: every op except open/close may be called concurrently from
 * any number of threads on one handle. Callbacks receive pointers valid only
 * for the duration of the callback (zero copy: they point into the pool).
 * A callback returning non-zero stops iteration: the op returns -ECANCELED.
 */
#ifndef PMEMKV_ENGINE_H
#define PMEMKV_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "pmem/pmem.h"

/* Same shapes as pmemkv_get_kv_callback / pmemkv_get_v_callback. */
typedef int engine_kv_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg);
typedef void engine_v_cb(const char *v, size_t vb, void *arg);
typedef int engine_cmp_fn(const char *k1, size_t kb1, const char *k2, size_t kb2, void *arg);

/*
 * What pmemkv_open's config means to an engine, parsed by src/kv.
 * `get_*` reach engine-specific config items; they return 0, -ENOENT if
 * absent, -EPROTOTYPE if of another type.
 * Lifetimes (added by kv): `cfg` and the getters (and strings they return)
 * are valid during open only; path, cmp, cmp_arg and cmp_name stay valid
 * until close.
 */
struct engine_config {
	const char *path;	    /* NULL if not given */
	uint64_t size;		    /* 0 if not given */
	int create_if_missing;	    /* create if the file does not exist */
	int create_or_error_if_exists; /* create; error if the file exists */
	enum pmem_mode mode;	    /* "durability" item; AUTO if not given */
	engine_cmp_fn *cmp;	    /* comparator, NULL = bytewise */
	void *cmp_arg;
	const char *cmp_name;
	void *cfg;		    /* opaque, for the getters below */
	int (*get_uint64)(void *cfg, const char *key, uint64_t *v);
	int (*get_string)(void *cfg, const char *key, const char **v);
};

/* What an engine reports about itself (CLI `info`, tests, benchmark). */
struct engine_info {
	enum pmem_mode mode;
	uint64_t pool_size;
	uint64_t used_bytes; /* allocated by the engine, records and tables */
	uint64_t records;
};

struct engine_ops {
	const char *name;
	int persistent; /* data survives close */
	int sorted;	/* supports range ops */

	int (*open)(const struct engine_config *cfg, void **handle);
	void (*close)(void *h);

	int (*count_all)(void *h, size_t *cnt);
	int (*get_all)(void *h, engine_kv_cb *cb, void *arg);
	int (*exists)(void *h, const char *k, size_t kb);
	int (*get)(void *h, const char *k, size_t kb, engine_v_cb *cb, void *arg);
	int (*put)(void *h, const char *k, size_t kb, const char *v, size_t vb);
	int (*remove)(void *h, const char *k, size_t kb);
	int (*defrag)(void *h, double start_percent, double amount_percent);
	int (*info)(void *h, struct engine_info *info);

	/* sorted engines (later issue); NULL for cmap */
	int (*count_above)(void *h, const char *k, size_t kb, size_t *cnt);
	int (*count_equal_above)(void *h, const char *k, size_t kb, size_t *cnt);
	int (*count_equal_below)(void *h, const char *k, size_t kb, size_t *cnt);
	int (*count_below)(void *h, const char *k, size_t kb, size_t *cnt);
	int (*count_between)(void *h, const char *k1, size_t kb1, const char *k2,
			     size_t kb2, size_t *cnt);
	int (*get_above)(void *h, const char *k, size_t kb, engine_kv_cb *cb, void *arg);
	int (*get_equal_above)(void *h, const char *k, size_t kb, engine_kv_cb *cb, void *arg);
	int (*get_equal_below)(void *h, const char *k, size_t kb, engine_kv_cb *cb, void *arg);
	int (*get_below)(void *h, const char *k, size_t kb, engine_kv_cb *cb, void *arg);
	int (*get_between)(void *h, const char *k1, size_t kb1, const char *k2, size_t kb2,
			   engine_kv_cb *cb, void *arg);
};

/* The engines compiled in (defined by each engine). */
extern const struct engine_ops cmap_engine_ops;
extern const struct engine_ops blackhole_engine_ops;

#endif
