/*
 * test_api.c -- conformance of the db-level API independent of any engine's
 * storage: the status table, NULL handles and NULL pointers for every
 * function, NOT_SUPPORTED answers (iterators, tx, unsupported ops), errormsg
 * rules, and the blackhole engine's behaviour. Needs no pool.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "common/common.h"
#include "engines/engine.h"
#include "kv/kv.h"
#include "kv_test.h"

static int
kv_cb_count(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	(void)k;
	(void)kb;
	(void)v;
	(void)vb;
	(*(int *)arg)++;
	return 0;
}

static void
v_cb_count(const char *v, size_t vb, void *arg)
{
	(void)v;
	(void)vb;
	(*(int *)arg)++;
}

static pmemkv_db *
open_blackhole(void)
{
	pmemkv_db *db = NULL;
	T_ST(pmemkv_open("blackhole", pmemkv_config_new(), &db), PMEMKV_STATUS_OK);
	T_ASSERT(db != NULL);
	return db;
}

static void
test_status_table(void)
{
	T_STREQ(kv_status_name(PMEMKV_STATUS_OK), "PMEMKV_STATUS_OK");
	T_STREQ(kv_status_name(PMEMKV_STATUS_COMPARATOR_MISMATCH),
		"PMEMKV_STATUS_COMPARATOR_MISMATCH");
	T_STREQ(kv_status_name(13), "PMEMKV_STATUS_?");
	T_STREQ(kv_status_name(-1), "PMEMKV_STATUS_?");
	for (int s = 0; s <= PMEMKV_STATUS_COMPARATOR_MISMATCH; s++) {
		T_ASSERT(kv_status_message(s)[0] != '\0');
		T_ASSERT(strncmp(kv_status_name(s), "PMEMKV_STATUS_", 14) == 0);
	}
	/* the engine.h errno table */
	T_ST(kv_status_from_errno(0), PMEMKV_STATUS_OK);
	T_ST(kv_status_from_errno(-ENOENT), PMEMKV_STATUS_NOT_FOUND);
	T_ST(kv_status_from_errno(-ENOTSUP), PMEMKV_STATUS_NOT_SUPPORTED);
	T_ST(kv_status_from_errno(-EINVAL), PMEMKV_STATUS_INVALID_ARGUMENT);
	T_ST(kv_status_from_errno(-ENOMEM), PMEMKV_STATUS_OUT_OF_MEMORY);
	T_ST(kv_status_from_errno(-ENOSPC), PMEMKV_STATUS_OUT_OF_MEMORY);
	T_ST(kv_status_from_errno(-ENOBUFS), PMEMKV_STATUS_OUT_OF_MEMORY);
	T_ST(kv_status_from_errno(-ECANCELED), PMEMKV_STATUS_STOPPED_BY_CB);
	T_ST(kv_status_from_errno(-EPROTOTYPE), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST(kv_status_from_errno(-EBADMSG), PMEMKV_STATUS_CONFIG_PARSING_ERROR);
	T_ST(kv_status_from_errno(-EILSEQ), PMEMKV_STATUS_COMPARATOR_MISMATCH);
	T_ST(kv_status_from_errno(-EIO), PMEMKV_STATUS_UNKNOWN_ERROR);
	T_ST(kv_status_from_errno(-EBUSY), PMEMKV_STATUS_UNKNOWN_ERROR);
}

static void
test_null_db_every_function(void)
{
	const int E = PMEMKV_STATUS_INVALID_ARGUMENT;
	size_t cnt = 0, vs = 0;
	int n = 0;
	char buf[8];
	pmemkv_stats st;
	pmemkv_iterator *it = NULL;
	pmemkv_write_iterator *wit = NULL;
	pmemkv_tx *tx = NULL;

	T_ST_MSG(pmemkv_count_all(NULL, &cnt), E);
	T_MSG_HAS("db is NULL");
	T_ST_MSG(pmemkv_count_above(NULL, "k", 1, &cnt), E);
	T_ST_MSG(pmemkv_count_equal_above(NULL, "k", 1, &cnt), E);
	T_ST_MSG(pmemkv_count_equal_below(NULL, "k", 1, &cnt), E);
	T_ST_MSG(pmemkv_count_below(NULL, "k", 1, &cnt), E);
	T_ST_MSG(pmemkv_count_between(NULL, "a", 1, "b", 1, &cnt), E);
	T_ST_MSG(pmemkv_get_all(NULL, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_above(NULL, "k", 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_equal_above(NULL, "k", 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_equal_below(NULL, "k", 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_below(NULL, "k", 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_between(NULL, "a", 1, "b", 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_exists(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_get(NULL, "k", 1, v_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_copy(NULL, "k", 1, buf, sizeof(buf), &vs), E);
	T_ST_MSG(pmemkv_put(NULL, "k", 1, "v", 1), E);
	T_ST_MSG(pmemkv_remove(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_defrag(NULL, 0, 100), E);
	T_ST_MSG(pmemkv_get_stats(NULL, &st), E);
	T_ST_MSG(pmemkv_iterator_new(NULL, &it), E);
	T_ST_MSG(pmemkv_write_iterator_new(NULL, &wit), E);
	T_ST_MSG(pmemkv_tx_begin(NULL, &tx), E);
	T_EQ(n, 0);
	pmemkv_close(NULL); /* no-op */
}

static void
test_null_iterator_and_tx_handles(void)
{
	const int E = PMEMKV_STATUS_INVALID_ARGUMENT;
	const char *k, *data;
	char *wdata;
	size_t kb, rb, wb;

	T_ST_MSG(pmemkv_iterator_seek(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_iterator_seek_lower(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_iterator_seek_lower_eq(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_iterator_seek_higher(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_iterator_seek_higher_eq(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_iterator_seek_to_first(NULL), E);
	T_ST_MSG(pmemkv_iterator_seek_to_last(NULL), E);
	T_ST_MSG(pmemkv_iterator_is_next(NULL), E);
	T_ST_MSG(pmemkv_iterator_next(NULL), E);
	T_ST_MSG(pmemkv_iterator_prev(NULL), E);
	T_ST_MSG(pmemkv_iterator_key(NULL, &k, &kb), E);
	T_ST_MSG(pmemkv_iterator_read_range(NULL, 0, 1, &data, &rb), E);
	T_ST_MSG(pmemkv_write_iterator_write_range(NULL, 0, 1, &wdata, &wb), E);
	T_ST_MSG(pmemkv_write_iterator_commit(NULL), E);
	pmemkv_write_iterator w = {NULL};
	T_ST_MSG(pmemkv_write_iterator_commit(&w), E);
	T_ST_MSG(pmemkv_write_iterator_write_range(&w, 0, 1, &wdata, &wb), E);
	pmemkv_write_iterator_abort(NULL);
	pmemkv_write_iterator_abort(&w);
	pmemkv_iterator_delete(NULL);
	pmemkv_write_iterator_delete(NULL);

	T_ST_MSG(pmemkv_tx_put(NULL, "k", 1, "v", 1), E);
	T_ST_MSG(pmemkv_tx_remove(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_tx_commit(NULL), E);
	pmemkv_tx_abort(NULL);
	pmemkv_tx_end(NULL);
}

static void
test_null_pointers_on_open_db(void)
{
	const int E = PMEMKV_STATUS_INVALID_ARGUMENT;
	pmemkv_db *db = open_blackhole();
	size_t cnt, vs;
	int n = 0;
	char buf[4];

	/* NULL key with kb > 0 */
	T_ST_MSG(pmemkv_count_above(db, NULL, 1, &cnt), E);
	T_MSG_HAS("key is NULL");
	T_ST_MSG(pmemkv_count_equal_above(db, NULL, 1, &cnt), E);
	T_ST_MSG(pmemkv_count_equal_below(db, NULL, 1, &cnt), E);
	T_ST_MSG(pmemkv_count_below(db, NULL, 1, &cnt), E);
	T_ST_MSG(pmemkv_count_between(db, NULL, 1, "b", 1, &cnt), E);
	T_ST_MSG(pmemkv_count_between(db, "a", 1, NULL, 1, &cnt), E);
	T_ST_MSG(pmemkv_get_above(db, NULL, 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_equal_above(db, NULL, 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_equal_below(db, NULL, 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_below(db, NULL, 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_between(db, NULL, 1, "b", 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_between(db, "a", 1, NULL, 1, kv_cb_count, &n), E);
	T_ST_MSG(pmemkv_exists(db, NULL, 1), E);
	T_ST_MSG(pmemkv_get(db, NULL, 1, v_cb_count, &n), E);
	T_ST_MSG(pmemkv_get_copy(db, NULL, 1, buf, sizeof(buf), &vs), E);
	T_ST_MSG(pmemkv_put(db, NULL, 1, "v", 1), E);
	T_ST_MSG(pmemkv_remove(db, NULL, 1), E);
	/* NULL value with vb > 0 */
	T_ST_MSG(pmemkv_put(db, "k", 1, NULL, 1), E);
	T_MSG_HAS("value is NULL");
	/* NULL output pointers */
	T_ST_MSG(pmemkv_count_all(db, NULL), E);
	T_ST_MSG(pmemkv_count_above(db, "k", 1, NULL), E);
	T_ST_MSG(pmemkv_count_equal_above(db, "k", 1, NULL), E);
	T_ST_MSG(pmemkv_count_equal_below(db, "k", 1, NULL), E);
	T_ST_MSG(pmemkv_count_below(db, "k", 1, NULL), E);
	T_ST_MSG(pmemkv_count_between(db, "a", 1, "b", 1, NULL), E);
	T_ST_MSG(pmemkv_get_stats(db, NULL), E);
	T_ST_MSG(pmemkv_get_copy(db, "k", 1, NULL, 4, &vs), E);
	/* NULL callbacks */
	T_ST_MSG(pmemkv_get_all(db, NULL, NULL), E);
	T_MSG_HAS("callback is NULL");
	T_ST_MSG(pmemkv_get_above(db, "k", 1, NULL, NULL), E);
	T_ST_MSG(pmemkv_get_equal_above(db, "k", 1, NULL, NULL), E);
	T_ST_MSG(pmemkv_get_equal_below(db, "k", 1, NULL, NULL), E);
	T_ST_MSG(pmemkv_get_below(db, "k", 1, NULL, NULL), E);
	T_ST_MSG(pmemkv_get_between(db, "a", 1, "b", 1, NULL, NULL), E);
	T_ST_MSG(pmemkv_get(db, "k", 1, NULL, NULL), E);
	/* NULL handles out of *_new / tx_begin */
	T_ST_MSG(pmemkv_iterator_new(db, NULL), E);
	T_ST_MSG(pmemkv_write_iterator_new(db, NULL), E);
	T_ST_MSG(pmemkv_tx_begin(db, NULL), E);

	/* NULL with length 0 is the empty key / value: fine */
	T_ST(pmemkv_put(db, NULL, 0, NULL, 0), PMEMKV_STATUS_OK);
	T_ST(pmemkv_remove(db, NULL, 0), PMEMKV_STATUS_OK);
	T_ST(pmemkv_count_above(db, NULL, 0, &cnt), PMEMKV_STATUS_OK);
	T_ST(pmemkv_get_copy(db, NULL, 0, NULL, 0, NULL), PMEMKV_STATUS_NOT_FOUND);
	T_EQ(n, 0);
	pmemkv_close(db);
}

static void
test_defrag_arguments(void)
{
	pmemkv_db *db = open_blackhole();
	const int E = PMEMKV_STATUS_INVALID_ARGUMENT;
	T_ST_MSG(pmemkv_defrag(db, -1, 10), E);
	T_ST_MSG(pmemkv_defrag(db, 0, 101), E);
	T_ST_MSG(pmemkv_defrag(db, 100.5, 0), E);
	T_ST_MSG(pmemkv_defrag(db, NAN, 10), E);
	T_ST_MSG(pmemkv_defrag(db, 10, NAN), E);
	T_ST_MSG(pmemkv_defrag(db, 50, 60), E); /* past the end */
	T_ST_MSG(pmemkv_defrag(db, INFINITY, 0), E);
	/* in range: blackhole offers no defrag, as upstream */
	T_ST_MSG(pmemkv_defrag(db, 0, 100), PMEMKV_STATUS_NOT_SUPPORTED);
	T_MSG_HAS("blackhole");
	T_ST_MSG(pmemkv_defrag(db, 40, 60), PMEMKV_STATUS_NOT_SUPPORTED);
	T_MSG_HAS("pmemkv_defrag");
	pmemkv_close(db);
}

static void
test_iterators_and_tx_not_supported(void)
{
	pmemkv_db *db = open_blackhole();
	pmemkv_iterator *it = (pmemkv_iterator *)1;
	pmemkv_write_iterator *wit = (pmemkv_write_iterator *)1;
	pmemkv_tx *tx = (pmemkv_tx *)1;
	T_ST_MSG(pmemkv_iterator_new(db, &it), PMEMKV_STATUS_NOT_SUPPORTED);
	T_MSG_HAS("blackhole");
	T_ASSERT(it == NULL);
	T_ST_MSG(pmemkv_write_iterator_new(db, &wit), PMEMKV_STATUS_NOT_SUPPORTED);
	T_ASSERT(wit == NULL);
	T_ST_MSG(pmemkv_tx_begin(db, &tx), PMEMKV_STATUS_NOT_SUPPORTED);
	T_ASSERT(tx == NULL);
	pmemkv_close(db);
}

static int
stop_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	(void)k;
	(void)kb;
	(void)v;
	(void)vb;
	(void)arg;
	return 1;
}

static void
test_blackhole_behaviour(void)
{
	pmemkv_db *db = open_blackhole();
	size_t cnt = 99, vs = 99;
	int n = 0;
	char buf[4] = "abc";

	T_ST(pmemkv_put(db, "k", 1, "v", 1), PMEMKV_STATUS_OK);
	T_ST(pmemkv_exists(db, "k", 1), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_ST(pmemkv_get(db, "k", 1, v_cb_count, &n), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_ST(pmemkv_get_copy(db, "k", 1, buf, sizeof(buf), &vs), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_EQ(vs, 99); /* not touched when the key is absent */
	T_MEMEQ(buf, "\0\0\0\0", 4);
	T_ST(pmemkv_count_all(db, &cnt), PMEMKV_STATUS_OK);
	T_EQ(cnt, 0);
	/* get_all finds nothing: NOT_FOUND without callback, as upstream */
	T_ST(pmemkv_get_all(db, kv_cb_count, &n), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_ST(pmemkv_get_all(db, stop_cb, NULL), PMEMKV_STATUS_NOT_FOUND); /* never called */
	T_ST(pmemkv_remove(db, "k", 1), PMEMKV_STATUS_OK);
	T_ST(pmemkv_remove(db, "never", 5), PMEMKV_STATUS_OK);
	/* range functions: counts are 0, gets find nothing (as upstream) */
	cnt = 99;
	T_ST(pmemkv_count_above(db, "a", 1, &cnt), PMEMKV_STATUS_OK);
	T_EQ(cnt, 0);
	cnt = 99;
	T_ST(pmemkv_count_between(db, "a", 1, "z", 1, &cnt), PMEMKV_STATUS_OK);
	T_EQ(cnt, 0);
	T_ST(pmemkv_count_equal_above(db, "a", 1, &cnt), PMEMKV_STATUS_OK);
	T_ST(pmemkv_count_equal_below(db, "a", 1, &cnt), PMEMKV_STATUS_OK);
	T_ST(pmemkv_count_below(db, "a", 1, &cnt), PMEMKV_STATUS_OK);
	T_EQ(cnt, 0);
	T_ST(pmemkv_get_between(db, "a", 1, "z", 1, kv_cb_count, &n), PMEMKV_STATUS_NOT_FOUND);
	T_ST(pmemkv_get_below(db, "z", 1, kv_cb_count, &n), PMEMKV_STATUS_NOT_FOUND);
	T_ST(pmemkv_get_above(db, "", 0, kv_cb_count, &n), PMEMKV_STATUS_NOT_FOUND);
	T_ST(pmemkv_get_equal_above(db, "", 0, kv_cb_count, &n), PMEMKV_STATUS_NOT_FOUND);
	T_ST(pmemkv_get_equal_below(db, "", 0, kv_cb_count, &n), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_EQ(n, 0);
	pmemkv_stats st;
	T_ST(pmemkv_get_stats(db, &st), PMEMKV_STATUS_OK);
	T_STREQ(st.durability, "volatile");
	T_EQU(st.records, 0);
	pmemkv_close(db);
}

/* A fake engine without optional ops: NOT_SUPPORTED names engine and function. */
static int
fake_open(const struct engine_config *cfg, void **h)
{
	(void)cfg;
	*h = (void *)0x1;
	return 0;
}
static void
fake_close(void *h)
{
	(void)h;
}
static int
fake_get(void *h, const char *k, size_t kb, engine_v_cb *cb, void *arg)
{
	(void)h;
	/* a value of 10 bytes for any key but "missing"; errors by key */
	if (kb == 7 && !memcmp(k, "missing", 7))
		return -ENOENT;
	if (kb == 3 && !memcmp(k, "eio", 3))
		return -EIO;
	if (kb == 5 && !memcmp(k, "nomsg", 5))
		return -EINVAL; /* no err_set: kv supplies a message */
	cb("0123456789", 10, arg);
	return 0;
}
static int
fake_put(void *h, const char *k, size_t kb, const char *v, size_t vb)
{
	(void)h;
	(void)v;
	(void)vb;
	if (kb == 4 && !memcmp(k, "full", 4)) {
		err_set("fake: pool is full");
		return -ENOMEM;
	}
	return 0;
}
static int
fake_defrag(void *h, double start, double amount)
{
	(void)h;
	(void)amount;
	if (start == 1)
		return -EIO; /* a failure midway: DEFRAG_ERROR */
	if (start == 2)
		return -ENOMEM;
	if (start == 3)
		return -EILSEQ;
	return 0;
}
static const struct engine_ops fake_ops = {
	.name = "fake",
	.open = fake_open,
	.close = fake_close,
	.get = fake_get,
	.put = fake_put,
};
static const struct engine_ops fake_defrag_ops = {
	.name = "fakedefrag",
	.open = fake_open,
	.close = fake_close,
	.defrag = fake_defrag,
};

static void
test_defrag_statuses(void)
{
	pmemkv_db *db = NULL;
	T_ST(kv_open_ops(&fake_defrag_ops, pmemkv_config_new(), &db), PMEMKV_STATUS_OK);
	T_ST(pmemkv_defrag(db, 0, 100), PMEMKV_STATUS_OK);
	T_NOMSG();
	T_ST_MSG(pmemkv_defrag(db, 1, 10), PMEMKV_STATUS_DEFRAG_ERROR);
	T_MSG_HAS("pmemkv_defrag");
	T_ST_MSG(pmemkv_defrag(db, 2, 10), PMEMKV_STATUS_OUT_OF_MEMORY);
	T_ST_MSG(pmemkv_defrag(db, 3, 10), PMEMKV_STATUS_COMPARATOR_MISMATCH);
	pmemkv_close(db);
}

static void
test_unsupported_ops_and_error_mapping(void)
{
	pmemkv_db *db = NULL;
	T_ST(kv_open_ops(&fake_ops, pmemkv_config_new(), &db), PMEMKV_STATUS_OK);
	size_t cnt;
	int n = 0;
	const int NS = PMEMKV_STATUS_NOT_SUPPORTED;
	T_ST_MSG(pmemkv_count_all(db, &cnt), NS);
	T_MSG_HAS("fake");
	T_MSG_HAS("pmemkv_count_all");
	T_ST_MSG(pmemkv_count_above(db, "k", 1, &cnt), NS);
	T_MSG_HAS("pmemkv_count_above");
	T_ST_MSG(pmemkv_count_equal_above(db, "k", 1, &cnt), NS);
	T_ST_MSG(pmemkv_count_equal_below(db, "k", 1, &cnt), NS);
	T_ST_MSG(pmemkv_count_below(db, "k", 1, &cnt), NS);
	T_ST_MSG(pmemkv_count_between(db, "a", 1, "b", 1, &cnt), NS);
	T_ST_MSG(pmemkv_get_all(db, kv_cb_count, &n), NS);
	T_ST_MSG(pmemkv_get_above(db, "k", 1, kv_cb_count, &n), NS);
	T_ST_MSG(pmemkv_get_equal_above(db, "k", 1, kv_cb_count, &n), NS);
	T_ST_MSG(pmemkv_get_equal_below(db, "k", 1, kv_cb_count, &n), NS);
	T_ST_MSG(pmemkv_get_below(db, "k", 1, kv_cb_count, &n), NS);
	T_ST_MSG(pmemkv_get_between(db, "a", 1, "b", 1, kv_cb_count, &n), NS);
	T_ST_MSG(pmemkv_exists(db, "k", 1), NS);
	T_ST_MSG(pmemkv_remove(db, "k", 1), NS);
	T_MSG_HAS("pmemkv_remove");
	T_ST_MSG(pmemkv_defrag(db, 0, 100), NS);

	/* stats of an engine without info: zeros, never a NULL string */
	pmemkv_stats st;
	T_ST(pmemkv_get_stats(db, &st), PMEMKV_STATUS_OK);
	T_ASSERT(st.durability != NULL);

	/* errno mapping and messages */
	T_ST(pmemkv_get(db, "missing", 7, v_cb_count, &n), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_ST_MSG(pmemkv_get(db, "eio", 3, v_cb_count, &n), PMEMKV_STATUS_UNKNOWN_ERROR);
	T_ST_MSG(pmemkv_get(db, "nomsg", 5, v_cb_count, &n), PMEMKV_STATUS_INVALID_ARGUMENT);
	T_MSG_HAS("pmemkv_get");
	T_ST_MSG(pmemkv_put(db, "full", 4, "v", 1), PMEMKV_STATUS_OUT_OF_MEMORY);
	T_MSG_HAS("pool is full");
	/* the message is cleared by the next successful call */
	T_ST(pmemkv_put(db, "k", 1, "v", 1), PMEMKV_STATUS_OK);
	T_NOMSG();

	/* get_copy: size query, too small, exact, larger */
	char buf[16];
	size_t vs = 0;
	T_ST_MSG(pmemkv_get_copy(db, "k", 1, NULL, 0, &vs), PMEMKV_STATUS_OUT_OF_MEMORY);
	T_EQ(vs, 10);
	memset(buf, 'x', sizeof(buf));
	vs = 0;
	T_ST_MSG(pmemkv_get_copy(db, "k", 1, buf, 9, &vs), PMEMKV_STATUS_OUT_OF_MEMORY);
	T_EQ(vs, 10);
	T_MEMEQ(buf, "\0\0\0\0\0\0\0\0\0x", 10); /* zeroed, nothing copied */
	T_ST(pmemkv_get_copy(db, "k", 1, buf, 10, &vs), PMEMKV_STATUS_OK);
	T_MEMEQ(buf, "0123456789", 10);
	memset(buf, 'x', sizeof(buf));
	T_ST(pmemkv_get_copy(db, "k", 1, buf, sizeof(buf), NULL), PMEMKV_STATUS_OK);
	T_STREQ(buf, "0123456789"); /* zero-filled tail: a C string */
	T_ST(pmemkv_get_copy(db, "missing", 7, buf, sizeof(buf), &vs),
	     PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	pmemkv_close(db);
}

static void
test_errormsg_is_per_thread_storage(void)
{
	/* never NULL, even before any call */
	T_ASSERT(pmemkv_errormsg() != NULL);
	T_ST(pmemkv_count_all(NULL, NULL), PMEMKV_STATUS_INVALID_ARGUMENT);
	const char *m = pmemkv_errormsg();
	T_ASSERT(m[0] != '\0');
}

int
main(void)
{
	T_RUN(test_status_table);
	T_RUN(test_errormsg_is_per_thread_storage);
	T_RUN(test_null_db_every_function);
	T_RUN(test_null_iterator_and_tx_handles);
	T_RUN(test_null_pointers_on_open_db);
	T_RUN(test_defrag_arguments);
	T_RUN(test_iterators_and_tx_not_supported);
	T_RUN(test_blackhole_behaviour);
	T_RUN(test_unsupported_ops_and_error_mapping);
	T_RUN(test_defrag_statuses);
	return 0;
}
