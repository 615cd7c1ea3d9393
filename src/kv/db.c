/*
 * db.c -- dispatch of the pmemkv_* db functions to the engine's ops.
 *
 * Every function checks, in this order: the db handle (NULL: INVALID_ARGUMENT),
 * its pointer arguments (a NULL key or value with a non-zero length, a NULL
 * callback or output pointer: INVALID_ARGUMENT), then whether the engine
 * offers the op (NULL member: NOT_SUPPORTED, the message names the engine and
 * the function). The engine's 0 / negative errno becomes a status through
 * kv_status_from_errno; the message follows (K2).
 *
 * Cost: one TLS store (clearing the message) and a few predictable branches
 * on top of the engine's op. Thread rules are the engine's: every op may run
 * concurrently on one db (engine.h).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "common/common.h"
#include "kv/kv.h"
#include "kv/status.h"

#define DB_CHECK(db)                                                                   \
	do {                                                                           \
		if (unlikely(!(db)))                                                   \
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: db is NULL",  \
				      __func__);                                       \
		err_clear();                                                           \
	} while (0)

#define PTR_CHECK(p, what)                                                             \
	do {                                                                           \
		if (unlikely(!(p)))                                                    \
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL",  \
				      __func__, what);                                 \
	} while (0)

/* invariant (K4): NULL with length 0 becomes "" */
#define BYTES_CHECK(p, len, what)                                                      \
	do {                                                                           \
		if (unlikely(!(p))) {                                                  \
			if ((len) != 0)                                                \
				return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,          \
					      "%s: %s is NULL but its length is %zu",  \
					      __func__, what, (size_t)(len));          \
			(p) = "";                                                      \
		}                                                                      \
	} while (0)

#define OP_CHECK(db, member)                                                           \
	do {                                                                           \
		if (unlikely(!(db)->ops->member))                                      \
			return kv_err(PMEMKV_STATUS_NOT_SUPPORTED,                     \
				      "%s: not supported by engine %s", __func__,      \
				      (db)->ops->name);                                \
	} while (0)

/* db_ret -- an engine result to a status (K1, K2). */
static inline int
db_ret(int ret, const char *func)
{
	if (likely(ret == 0))
		return PMEMKV_STATUS_OK;
	return kv_fail(kv_status_from_errno(ret), func);
}

int
pmemkv_count_all(pmemkv_db *db, size_t *cnt)
{
	DB_CHECK(db);
	PTR_CHECK(cnt, "cnt");
	OP_CHECK(db, count_all);
	return db_ret(db->ops->count_all(db->h, cnt), __func__);
}

#define DB_COUNT_KEY(fn, member)                                                       \
	int fn(pmemkv_db *db, const char *k, size_t kb, size_t *cnt)                   \
	{                                                                              \
		DB_CHECK(db);                                                          \
		BYTES_CHECK(k, kb, "key");                                             \
		PTR_CHECK(cnt, "cnt");                                                 \
		OP_CHECK(db, member);                                                  \
		return db_ret(db->ops->member(db->h, k, kb, cnt), __func__);           \
	}

DB_COUNT_KEY(pmemkv_count_above, count_above)
DB_COUNT_KEY(pmemkv_count_equal_above, count_equal_above)
DB_COUNT_KEY(pmemkv_count_equal_below, count_equal_below)
DB_COUNT_KEY(pmemkv_count_below, count_below)

int
pmemkv_count_between(pmemkv_db *db, const char *k1, size_t kb1, const char *k2, size_t kb2,
		     size_t *cnt)
{
	DB_CHECK(db);
	BYTES_CHECK(k1, kb1, "k1");
	BYTES_CHECK(k2, kb2, "k2");
	PTR_CHECK(cnt, "cnt");
	OP_CHECK(db, count_between);
	return db_ret(db->ops->count_between(db->h, k1, kb1, k2, kb2, cnt), __func__);
}

int
pmemkv_get_all(pmemkv_db *db, pmemkv_get_kv_callback *c, void *arg)
{
	DB_CHECK(db);
	PTR_CHECK(c, "callback");
	OP_CHECK(db, get_all);
	return db_ret(db->ops->get_all(db->h, c, arg), __func__);
}

#define DB_GET_KEY(fn, member)                                                         \
	int fn(pmemkv_db *db, const char *k, size_t kb, pmemkv_get_kv_callback *c,     \
	       void *arg)                                                              \
	{                                                                              \
		DB_CHECK(db);                                                          \
		BYTES_CHECK(k, kb, "key");                                             \
		PTR_CHECK(c, "callback");                                              \
		OP_CHECK(db, member);                                                  \
		return db_ret(db->ops->member(db->h, k, kb, c, arg), __func__);        \
	}

DB_GET_KEY(pmemkv_get_above, get_above)
DB_GET_KEY(pmemkv_get_equal_above, get_equal_above)
DB_GET_KEY(pmemkv_get_equal_below, get_equal_below)
DB_GET_KEY(pmemkv_get_below, get_below)

int
pmemkv_get_between(pmemkv_db *db, const char *k1, size_t kb1, const char *k2, size_t kb2,
		   pmemkv_get_kv_callback *c, void *arg)
{
	DB_CHECK(db);
	BYTES_CHECK(k1, kb1, "k1");
	BYTES_CHECK(k2, kb2, "k2");
	PTR_CHECK(c, "callback");
	OP_CHECK(db, get_between);
	return db_ret(db->ops->get_between(db->h, k1, kb1, k2, kb2, c, arg), __func__);
}

int
pmemkv_exists(pmemkv_db *db, const char *k, size_t kb)
{
	DB_CHECK(db);
	BYTES_CHECK(k, kb, "key");
	OP_CHECK(db, exists);
	return db_ret(db->ops->exists(db->h, k, kb), __func__);
}

int
pmemkv_get(pmemkv_db *db, const char *k, size_t kb, pmemkv_get_v_callback *c, void *arg)
{
	DB_CHECK(db);
	BYTES_CHECK(k, kb, "key");
	PTR_CHECK(c, "callback");
	OP_CHECK(db, get);
	return db_ret(db->ops->get(db->h, k, kb, c, arg), __func__);
}

struct get_copy_ctx {
	char *buffer;
	size_t buffer_size;
	size_t value_size;
	int fits;
};

static void
get_copy_cb(const char *v, size_t vb, void *arg)
{
	struct get_copy_ctx *ctx = arg;
	ctx->value_size = vb;
	ctx->fits = vb <= ctx->buffer_size;
	if (ctx->fits && vb)
		memcpy(ctx->buffer, v, vb);
}

/*
 * pmemkv_get_copy -- as libpmemkv 1.5's implementation: the whole buffer is
 * zeroed first (so a value shorter than the buffer reads as a C string);
 * *value_size (if not NULL) receives the value's size whenever the key
 * exists; a value larger than buffer_size is OUT_OF_MEMORY with the buffer
 * left zeroed. (libpmemkv 1.5's man page says UNKNOWN_ERROR there; its code
 * returns OUT_OF_MEMORY, which we follow.) buffer may be NULL only with
 * buffer_size 0 (a size query).
 */
int
pmemkv_get_copy(pmemkv_db *db, const char *k, size_t kb, char *buffer, size_t buffer_size,
		size_t *value_size)
{
	DB_CHECK(db);
	BYTES_CHECK(k, kb, "key");
	if (unlikely(!buffer && buffer_size))
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "%s: buffer is NULL but buffer_size is %zu", __func__,
			      buffer_size);
	OP_CHECK(db, get);
	if (buffer)
		memset(buffer, 0, buffer_size);
	struct get_copy_ctx ctx = {buffer, buffer_size, 0, 0};
	int ret = db->ops->get(db->h, k, kb, get_copy_cb, &ctx);
	if (ret != 0)
		return db_ret(ret, __func__);
	if (value_size)
		*value_size = ctx.value_size;
	if (!ctx.fits) /* nothing was copied: the buffer is still zeroed */
		return kv_err(PMEMKV_STATUS_OUT_OF_MEMORY,
			      "%s: the value (%zu bytes) does not fit in the buffer (%zu bytes)",
			      __func__, ctx.value_size, buffer_size);
	return PMEMKV_STATUS_OK;
}

int
pmemkv_put(pmemkv_db *db, const char *k, size_t kb, const char *v, size_t vb)
{
	DB_CHECK(db);
	BYTES_CHECK(k, kb, "key");
	BYTES_CHECK(v, vb, "value");
	OP_CHECK(db, put);
	return db_ret(db->ops->put(db->h, k, kb, v, vb), __func__);
}

int
pmemkv_remove(pmemkv_db *db, const char *k, size_t kb)
{
	DB_CHECK(db);
	BYTES_CHECK(k, kb, "key");
	OP_CHECK(db, remove);
	return db_ret(db->ops->remove(db->h, k, kb), __func__);
}

int
pmemkv_defrag(pmemkv_db *db, double start_percent, double amount_percent)
{
	DB_CHECK(db);
	if (!(start_percent >= 0.0 && start_percent <= 100.0) ||
	    !(amount_percent >= 0.0 && amount_percent <= 100.0) ||
	    start_percent + amount_percent > 100.0)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "%s: start_percent (%g) and amount_percent (%g) must be in "
			      "[0, 100] and their sum at most 100",
			      __func__, start_percent, amount_percent);
	OP_CHECK(db, defrag);
	int ret = db->ops->defrag(db->h, start_percent, amount_percent);
	if (ret == 0)
		return PMEMKV_STATUS_OK;
	int st = kv_status_from_errno(ret);
	if (st == PMEMKV_STATUS_UNKNOWN_ERROR)
		st = PMEMKV_STATUS_DEFRAG_ERROR;
	return kv_fail(st, __func__);
}

static const char *
db_mode_name(enum pmem_mode mode)
{
	switch (mode) {
	case PMEM_MODE_PMEM:
		return "pmem";
	case PMEM_MODE_MSYNC:
		return "msync";
	case PMEM_MODE_PROCESS:
		return "process";
	default:
		return "unknown";
	}
}

int
pmemkv_get_stats(pmemkv_db *db, pmemkv_stats *stats)
{
	DB_CHECK(db);
	PTR_CHECK(stats, "stats");
	struct engine_info info = {0};
	if (db->ops->info) {
		int ret = db->ops->info(db->h, &info);
		if (ret)
			return db_ret(ret, __func__);
	}
	stats->durability = db->ops->persistent ? db_mode_name(info.mode) : "volatile";
	stats->pool_size = info.pool_size;
	stats->used_bytes = info.used_bytes;
	stats->records = info.records;
	return PMEMKV_STATUS_OK;
}
