/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_lmdb.c -- LMDB behind the benchmark's store interface (see
 * bench_lmdb.h for what exactly is measured).
 */
#include "bench_lmdb.h"

#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lmdb_store {
	MDB_env *env;
	MDB_dbi dbi;
	pthread_mutex_t lock; /* guards rtxns */
	MDB_txn **rtxns;      /* every thread's read txn, aborted at close */
	unsigned nrtxns, cap;
};

static _Thread_local char tl_err[256];
static _Thread_local MDB_txn *tl_rtxn;
static _Thread_local struct lmdb_store *tl_owner;

const char *
lmdb_store_errmsg(void)
{
	return tl_err;
}

static int
lmdb_fail(const char *what, int rc)
{
	snprintf(tl_err, sizeof(tl_err), "lmdb %s: %s", what, mdb_strerror(rc));
	return -1;
}

struct lmdb_store *
lmdb_store_open(const char *path, uint64_t mapsize, int sync, unsigned max_threads, char *err,
		size_t errlen)
{
	struct lmdb_store *s = calloc(1, sizeof(*s));
	MDB_txn *txn = NULL;
	int rc;
	const char *what = "calloc";
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	if ((rc = mdb_env_create(&s->env)) != 0) {
		what = "mdb_env_create";
		goto fail;
	}
	if ((rc = mdb_env_set_mapsize(s->env, (size_t)mapsize)) != 0) {
		what = "mdb_env_set_mapsize";
		goto fail;
	}
	if ((rc = mdb_env_set_maxreaders(s->env, max_threads + 8)) != 0) {
		what = "mdb_env_set_maxreaders";
		goto fail;
	}
	unsigned flags = MDB_NOSUBDIR;
	if (!sync)
		flags |= MDB_WRITEMAP | MDB_NOSYNC | MDB_NOMETASYNC;
	if ((rc = mdb_env_open(s->env, path, flags, 0644)) != 0) {
		what = "mdb_env_open";
		goto fail;
	}
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, NULL, 0, &s->dbi)) != 0 || (rc = mdb_txn_commit(txn)) != 0) {
		what = "open database";
		goto fail;
	}
	return s;
fail:
	snprintf(err, errlen, "%s %s: %s", what, path, mdb_strerror(rc));
	if (s->env)
		mdb_env_close(s->env);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return NULL;
}

void
lmdb_store_close(struct lmdb_store *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->nrtxns; i++)
		mdb_txn_abort(s->rtxns[i]); /* reset read txns: just freed */
	free(s->rtxns);
	mdb_env_close(s->env);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int
lmdb_store_put(struct lmdb_store *s, const char *k, size_t kb, const char *v, size_t vb)
{
	MDB_txn *txn;
	int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
	if (rc)
		return lmdb_fail("mdb_txn_begin", rc);
	MDB_val key = {kb, (void *)k}, val = {vb, (void *)v};
	if ((rc = mdb_put(txn, s->dbi, &key, &val, 0)) != 0) {
		mdb_txn_abort(txn);
		return lmdb_fail("mdb_put", rc);
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return lmdb_fail("mdb_txn_commit", rc);
	return 0;
}

/* lmdb_rtxn -- the calling thread's read txn, renewed. */
static MDB_txn *
lmdb_rtxn(struct lmdb_store *s)
{
	int rc;
	if (tl_rtxn && tl_owner == s) {
		if ((rc = mdb_txn_renew(tl_rtxn)) != 0) {
			lmdb_fail("mdb_txn_renew", rc);
			return NULL;
		}
		return tl_rtxn;
	}
	MDB_txn *txn;
	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) != 0) {
		lmdb_fail("mdb_txn_begin(rdonly)", rc);
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	if (s->nrtxns == s->cap) {
		unsigned ncap = s->cap ? 2 * s->cap : 16;
		MDB_txn **n = realloc(s->rtxns, ncap * sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&s->lock);
			mdb_txn_abort(txn);
			snprintf(tl_err, sizeof(tl_err), "out of memory");
			return NULL;
		}
		s->rtxns = n;
		s->cap = ncap;
	}
	s->rtxns[s->nrtxns++] = txn;
	pthread_mutex_unlock(&s->lock);
	tl_rtxn = txn;
	tl_owner = s;
	return txn;
}

int
lmdb_store_get(struct lmdb_store *s, const char *k, size_t kb, char *buf, size_t cap,
	       size_t *vb)
{
	MDB_txn *txn = lmdb_rtxn(s);
	if (!txn)
		return -1;
	MDB_val key = {kb, (void *)k}, val;
	int rc = mdb_get(txn, s->dbi, &key, &val);
	if (rc == 0) {
		memcpy(buf, val.mv_data, val.mv_size < cap ? val.mv_size : cap);
		*vb = val.mv_size;
	}
	mdb_txn_reset(txn);
	if (rc == MDB_NOTFOUND)
		return 1;
	return rc ? lmdb_fail("mdb_get", rc) : 0;
}

int
lmdb_store_remove(struct lmdb_store *s, const char *k, size_t kb)
{
	MDB_txn *txn;
	int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
	if (rc)
		return lmdb_fail("mdb_txn_begin", rc);
	MDB_val key = {kb, (void *)k};
	rc = mdb_del(txn, s->dbi, &key, NULL);
	if (rc == MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		return 1;
	}
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_fail("mdb_del", rc);
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return lmdb_fail("mdb_txn_commit", rc);
	return 0;
}

void
lmdb_store_stats(struct lmdb_store *s, uint64_t *records, uint64_t *bytes)
{
	MDB_stat st;
	MDB_txn *txn;
	*records = *bytes = 0;
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn) != 0)
		return;
	if (mdb_stat(txn, s->dbi, &st) == 0) {
		*records = st.ms_entries;
		*bytes = (uint64_t)st.ms_psize *
			(st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages);
	}
	mdb_txn_abort(txn);
}
