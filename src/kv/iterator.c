/*
 * iterator.c -- pmemkv_iterator_* / pmemkv_write_iterator_* and pmemkv_tx_*
 * (EXPERIMENTAL in libpmemkv 1.5). No engine compiled in offers iterators or
 * transactions yet: *_new / tx_begin check their arguments and answer
 * NOT_SUPPORTED naming the engine. The handle functions dispatch through
 * struct kv_iter_ops / kv_tx_ops (kv.h), so an engine gaining them slots in.
 * A NULL handle is INVALID_ARGUMENT (void functions: a no-op).
 */
#include <stdlib.h>

#include "common/common.h"
#include "kv/kv.h"
#include "kv/status.h"

#define IT_CHECK(it)                                                                   \
	do {                                                                           \
		if (unlikely(!(it) || !(it)->ops))                                     \
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,                  \
				      "%s: iterator is NULL", __func__);               \
		err_clear();                                                           \
	} while (0)

#define WIT_CHECK(w)                                                                   \
	do {                                                                           \
		if (unlikely(!(w) || !(w)->iter || !(w)->iter->ops))                   \
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,                  \
				      "%s: write iterator is NULL", __func__);         \
		err_clear();                                                           \
	} while (0)

#define IT_OP(it, member)                                                              \
	do {                                                                           \
		if (unlikely(!(it)->ops->member))                                      \
			return kv_err(PMEMKV_STATUS_NOT_SUPPORTED,                     \
				      "%s: not supported by engine %s", __func__,      \
				      (it)->db->ops->name);                            \
	} while (0)

static inline int
it_ret(int ret, const char *func)
{
	if (likely(ret == 0))
		return PMEMKV_STATUS_OK;
	return kv_fail(kv_status_from_errno(ret), func);
}

int
pmemkv_iterator_new(pmemkv_db *db, pmemkv_iterator **it)
{
	if (!db || !it)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", __func__,
			      !db ? "db" : "it");
	*it = NULL;
	return kv_err(PMEMKV_STATUS_NOT_SUPPORTED, "%s: engine %s has no iterators", __func__,
		      db->ops->name);
}

int
pmemkv_write_iterator_new(pmemkv_db *db, pmemkv_write_iterator **it)
{
	if (!db || !it)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", __func__,
			      !db ? "db" : "it");
	*it = NULL;
	return kv_err(PMEMKV_STATUS_NOT_SUPPORTED, "%s: engine %s has no write iterators",
		      __func__, db->ops->name);
}

void
pmemkv_iterator_delete(pmemkv_iterator *it)
{
	if (!it)
		return;
	if (it->ops && it->ops->destroy)
		it->ops->destroy(it->h);
	free(it);
}

void
pmemkv_write_iterator_delete(pmemkv_write_iterator *w)
{
	if (!w)
		return;
	pmemkv_iterator_delete(w->iter);
	free(w);
}

/* how: 0 seek, 1 lower, 2 lower_eq, 3 higher, 4 higher_eq */
#define IT_SEEK(fn, how)                                                               \
	int fn(pmemkv_iterator *it, const char *k, size_t kb)                          \
	{                                                                              \
		IT_CHECK(it);                                                          \
		if (unlikely(!k)) {                                                    \
			if (kb)                                                        \
				return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,          \
					      "%s: key is NULL but its length is %zu", \
					      __func__, kb);                           \
			k = "";                                                        \
		}                                                                      \
		IT_OP(it, seek);                                                       \
		return it_ret(it->ops->seek(it->h, how, k, kb), __func__);             \
	}

IT_SEEK(pmemkv_iterator_seek, 0)
IT_SEEK(pmemkv_iterator_seek_lower, 1)
IT_SEEK(pmemkv_iterator_seek_lower_eq, 2)
IT_SEEK(pmemkv_iterator_seek_higher, 3)
IT_SEEK(pmemkv_iterator_seek_higher_eq, 4)

int
pmemkv_iterator_seek_to_first(pmemkv_iterator *it)
{
	IT_CHECK(it);
	IT_OP(it, seek_to);
	return it_ret(it->ops->seek_to(it->h, 0), __func__);
}

int
pmemkv_iterator_seek_to_last(pmemkv_iterator *it)
{
	IT_CHECK(it);
	IT_OP(it, seek_to);
	return it_ret(it->ops->seek_to(it->h, 1), __func__);
}

int
pmemkv_iterator_is_next(pmemkv_iterator *it)
{
	IT_CHECK(it);
	IT_OP(it, is_next);
	return it_ret(it->ops->is_next(it->h), __func__);
}

int
pmemkv_iterator_next(pmemkv_iterator *it)
{
	IT_CHECK(it);
	IT_OP(it, next);
	return it_ret(it->ops->next(it->h), __func__);
}

int
pmemkv_iterator_prev(pmemkv_iterator *it)
{
	IT_CHECK(it);
	IT_OP(it, prev);
	return it_ret(it->ops->prev(it->h), __func__);
}

int
pmemkv_iterator_key(pmemkv_iterator *it, const char **k, size_t *kb)
{
	IT_CHECK(it);
	if (!k || !kb)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", __func__,
			      !k ? "k" : "kb");
	IT_OP(it, key);
	return it_ret(it->ops->key(it->h, k, kb), __func__);
}

int
pmemkv_iterator_read_range(pmemkv_iterator *it, size_t pos, size_t n, const char **data,
			   size_t *rb)
{
	IT_CHECK(it);
	if (!data || !rb)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", __func__,
			      !data ? "data" : "rb");
	IT_OP(it, read_range);
	return it_ret(it->ops->read_range(it->h, pos, n, data, rb), __func__);
}

int
pmemkv_write_iterator_write_range(pmemkv_write_iterator *w, size_t pos, size_t n,
				  char **data, size_t *wb)
{
	WIT_CHECK(w);
	if (!data || !wb)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", __func__,
			      !data ? "data" : "wb");
	IT_OP(w->iter, write_range);
	return it_ret(w->iter->ops->write_range(w->iter->h, pos, n, data, wb), __func__);
}

int
pmemkv_write_iterator_commit(pmemkv_write_iterator *w)
{
	WIT_CHECK(w);
	IT_OP(w->iter, commit);
	return it_ret(w->iter->ops->commit(w->iter->h), __func__);
}

void
pmemkv_write_iterator_abort(pmemkv_write_iterator *w)
{
	if (!w || !w->iter || !w->iter->ops || !w->iter->ops->abort)
		return;
	w->iter->ops->abort(w->iter->h);
}

/* Transactions. */

#define TX_CHECK(tx)                                                                   \
	do {                                                                           \
		if (unlikely(!(tx) || !(tx)->ops))                                     \
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: tx is NULL",  \
				      __func__);                                       \
		err_clear();                                                           \
	} while (0)

int
pmemkv_tx_begin(pmemkv_db *db, pmemkv_tx **tx)
{
	if (!db || !tx)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", __func__,
			      !db ? "db" : "tx");
	*tx = NULL;
	return kv_err(PMEMKV_STATUS_NOT_SUPPORTED, "%s: engine %s has no transactions",
		      __func__, db->ops->name);
}

int
pmemkv_tx_put(pmemkv_tx *tx, const char *k, size_t kb, const char *v, size_t vb)
{
	TX_CHECK(tx);
	if ((!k && kb) || (!v && vb))
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "%s: %s is NULL but its length is not 0", __func__,
			      (!k && kb) ? "key" : "value");
	IT_OP(tx, put);
	return it_ret(tx->ops->put(tx->h, k ? k : "", kb, v ? v : "", vb), __func__);
}

int
pmemkv_tx_remove(pmemkv_tx *tx, const char *k, size_t kb)
{
	TX_CHECK(tx);
	if (!k && kb)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "%s: key is NULL but its length is %zu", __func__, kb);
	IT_OP(tx, remove);
	return it_ret(tx->ops->remove(tx->h, k ? k : "", kb), __func__);
}

int
pmemkv_tx_commit(pmemkv_tx *tx)
{
	TX_CHECK(tx);
	IT_OP(tx, commit);
	int ret = tx->ops->commit(tx->h);
	return it_ret(ret, __func__);
}

void
pmemkv_tx_abort(pmemkv_tx *tx)
{
	if (!tx || !tx->ops || !tx->ops->abort)
		return;
	tx->ops->abort(tx->h);
}

void
pmemkv_tx_end(pmemkv_tx *tx)
{
	if (!tx)
		return;
	if (tx->ops && tx->ops->destroy)
		tx->ops->destroy(tx->h);
	free(tx);
}
