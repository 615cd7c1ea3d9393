/*
 * test_config.c -- pmemkv_config_* and pmemkv_comparator_* conformance:
 * every putter and getter, type errors, int64/uint64 conversions, NULL
 * arguments, replacement, and object deleters run exactly once.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kv_test.h"

static void
test_config_new_delete(void)
{
	pmemkv_config *c = pmemkv_config_new();
	T_ASSERT(c != NULL);
	pmemkv_config_delete(c);
	pmemkv_config_delete(NULL); /* no-op */
}

static void
test_config_typed_roundtrip(void)
{
	pmemkv_config *c = pmemkv_config_new();
	uint64_t u;
	int64_t i;
	const char *s;
	const void *d;
	size_t ds;

	T_ST(pmemkv_config_put_uint64(c, "u", UINT64_MAX), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "u", &u), PMEMKV_STATUS_OK);
	T_EQU(u, UINT64_MAX);

	T_ST(pmemkv_config_put_int64(c, "i", INT64_MIN), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_int64(c, "i", &i), PMEMKV_STATUS_OK);
	T_EQ(i, INT64_MIN);

	char src[] = "hello";
	T_ST(pmemkv_config_put_string(c, "s", src), PMEMKV_STATUS_OK);
	src[0] = 'J'; /* the config holds a copy */
	T_ST(pmemkv_config_get_string(c, "s", &s), PMEMKV_STATUS_OK);
	T_STREQ(s, "hello");

	T_ST(pmemkv_config_put_string(c, "empty", ""), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_string(c, "empty", &s), PMEMKV_STATUS_OK);
	T_STREQ(s, "");

	char bin[5] = {1, 0, 2, 0, 3};
	T_ST(pmemkv_config_put_data(c, "d", bin, sizeof(bin)), PMEMKV_STATUS_OK);
	bin[0] = 9;
	T_ST(pmemkv_config_get_data(c, "d", &d, &ds), PMEMKV_STATUS_OK);
	T_EQ(ds, 5);
	T_MEMEQ(d, "\1\0\2\0\3", 5);

	T_ST(pmemkv_config_put_data(c, "d0", NULL, 0), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_data(c, "d0", &d, &ds), PMEMKV_STATUS_OK);
	T_EQ(ds, 0);

	/* keys are strings: the empty key is a key */
	T_ST(pmemkv_config_put_uint64(c, "", 7), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 7);
	pmemkv_config_delete(c);
}

static void
test_config_int_conversions(void)
{
	pmemkv_config *c = pmemkv_config_new();
	uint64_t u;
	int64_t i;

	/* int64 >= 0 reads as uint64 */
	T_ST(pmemkv_config_put_int64(c, "pos", 42), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "pos", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 42);
	T_ST(pmemkv_config_put_int64(c, "zero", 0), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "zero", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 0);
	T_ST(pmemkv_config_put_int64(c, "max", INT64_MAX), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "max", &u), PMEMKV_STATUS_OK);
	T_EQU(u, (uint64_t)INT64_MAX);

	/* negative int64 read as uint64: type error */
	T_ST(pmemkv_config_put_int64(c, "neg", -1), PMEMKV_STATUS_OK);
	u = 123;
	T_ST_MSG(pmemkv_config_get_uint64(c, "neg", &u), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_EQU(u, 123); /* untouched */
	T_MSG_HAS("neg");

	/* uint64 <= INT64_MAX reads as int64 */
	T_ST(pmemkv_config_put_uint64(c, "u", (uint64_t)INT64_MAX), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_int64(c, "u", &i), PMEMKV_STATUS_OK);
	T_EQ(i, INT64_MAX);
	T_ST(pmemkv_config_put_uint64(c, "u0", 0), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_int64(c, "u0", &i), PMEMKV_STATUS_OK);
	T_EQ(i, 0);
	/* uint64 > INT64_MAX read as int64: type error */
	T_ST(pmemkv_config_put_uint64(c, "big", (uint64_t)INT64_MAX + 1), PMEMKV_STATUS_OK);
	T_ST_MSG(pmemkv_config_get_int64(c, "big", &i), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST(pmemkv_config_get_int64(c, "neg", &i), PMEMKV_STATUS_OK);
	T_EQ(i, -1);
	pmemkv_config_delete(c);
}

static void
test_config_type_errors(void)
{
	pmemkv_config *c = pmemkv_config_new();
	struct kvt_obj o = {0, 5};
	uint64_t u;
	int64_t i;
	const char *s;
	const void *d;
	size_t ds;
	void *p;

	T_ST(pmemkv_config_put_uint64(c, "u", 1), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_put_string(c, "s", "x"), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_put_data(c, "d", "xy", 2), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_put_object(c, "o", &o, kvt_obj_deleter), PMEMKV_STATUS_OK);

	T_ST_MSG(pmemkv_config_get_string(c, "u", &s), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_MSG_HAS("'u'");
	T_ST_MSG(pmemkv_config_get_data(c, "u", &d, &ds), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_object(c, "u", &p), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_uint64(c, "s", &u), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_int64(c, "s", &i), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_data(c, "s", &d, &ds), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_object(c, "s", &p), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_string(c, "d", &s), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_uint64(c, "d", &u), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_uint64(c, "o", &u), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_int64(c, "o", &i), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_string(c, "o", &s), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_ST_MSG(pmemkv_config_get_data(c, "o", &d, &ds), PMEMKV_STATUS_CONFIG_TYPE_ERROR);
	T_EQ(o.deleted, 0);
	pmemkv_config_delete(c);
	T_EQ(o.deleted, 1);
}

static void
test_config_missing_is_not_found_without_message(void)
{
	pmemkv_config *c = pmemkv_config_new();
	uint64_t u;
	int64_t i;
	const char *s;
	const void *d;
	size_t ds;
	void *p;
	T_ST(pmemkv_config_get_uint64(c, "nope", &u), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	/* a message from a previous failure does not survive NOT_FOUND */
	T_ST(pmemkv_config_get_uint64(NULL, "x", &u), PMEMKV_STATUS_INVALID_ARGUMENT);
	T_ST(pmemkv_config_get_int64(c, "nope", &i), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_ST(pmemkv_config_get_string(c, "nope", &s), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_ST(pmemkv_config_get_data(c, "nope", &d, &ds), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	T_ST(pmemkv_config_get_object(c, "nope", &p), PMEMKV_STATUS_NOT_FOUND);
	T_NOMSG();
	pmemkv_config_delete(c);
}

static void
test_config_null_arguments(void)
{
	pmemkv_config *c = pmemkv_config_new();
	struct kvt_obj o = {0, 0};
	uint64_t u;
	int64_t i;
	const char *s;
	const void *d;
	size_t ds;
	void *p;
	PMEMoid oid = {0, 0};
	const int E = PMEMKV_STATUS_INVALID_ARGUMENT;

	/* putters: NULL config */
	T_ST_MSG(pmemkv_config_put_data(NULL, "k", "v", 1), E);
	T_ST_MSG(pmemkv_config_put_object(NULL, "k", &o, kvt_obj_deleter), E);
	T_ST_MSG(pmemkv_config_put_object_cb(NULL, "k", &o, NULL, kvt_obj_deleter), E);
	T_ST_MSG(pmemkv_config_put_uint64(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_config_put_int64(NULL, "k", 1), E);
	T_ST_MSG(pmemkv_config_put_string(NULL, "k", "v"), E);
	T_ST_MSG(pmemkv_config_put_size(NULL, 1), E);
	T_ST_MSG(pmemkv_config_put_path(NULL, "/x"), E);
	T_ST_MSG(pmemkv_config_put_create_or_error_if_exists(NULL, true), E);
	T_ST_MSG(pmemkv_config_put_create_if_missing(NULL, true), E);
	T_ST_MSG(pmemkv_config_put_oid(NULL, &oid), E);
	/* putters: NULL key */
	T_ST_MSG(pmemkv_config_put_data(c, NULL, "v", 1), E);
	T_ST_MSG(pmemkv_config_put_object(c, NULL, &o, kvt_obj_deleter), E);
	T_ST_MSG(pmemkv_config_put_object_cb(c, NULL, &o, NULL, kvt_obj_deleter), E);
	T_ST_MSG(pmemkv_config_put_uint64(c, NULL, 1), E);
	T_ST_MSG(pmemkv_config_put_int64(c, NULL, 1), E);
	T_ST_MSG(pmemkv_config_put_string(c, NULL, "v"), E);
	/* putters: NULL value */
	T_ST_MSG(pmemkv_config_put_string(c, "k", NULL), E);
	T_ST_MSG(pmemkv_config_put_path(c, NULL), E);
	T_ST_MSG(pmemkv_config_put_data(c, "k", NULL, 3), E);
	T_ST_MSG(pmemkv_config_put_comparator(c, NULL), E);
	T_ST_MSG(pmemkv_config_put_oid(c, NULL), E);
	T_ST_MSG(pmemkv_config_put_object_cb(c, "k", &o, NULL, kvt_obj_deleter), E);
	/* a failed put takes nothing */
	T_EQ(o.deleted, 0);

	T_ST(pmemkv_config_put_uint64(c, "u", 1), PMEMKV_STATUS_OK);
	/* getters: NULL config, key, output */
	T_ST_MSG(pmemkv_config_get_uint64(NULL, "u", &u), E);
	T_ST_MSG(pmemkv_config_get_uint64(c, NULL, &u), E);
	T_ST_MSG(pmemkv_config_get_uint64(c, "u", NULL), E);
	T_ST_MSG(pmemkv_config_get_int64(NULL, "u", &i), E);
	T_ST_MSG(pmemkv_config_get_int64(c, NULL, &i), E);
	T_ST_MSG(pmemkv_config_get_int64(c, "u", NULL), E);
	T_ST_MSG(pmemkv_config_get_string(NULL, "u", &s), E);
	T_ST_MSG(pmemkv_config_get_string(c, NULL, &s), E);
	T_ST_MSG(pmemkv_config_get_string(c, "u", NULL), E);
	T_ST_MSG(pmemkv_config_get_data(NULL, "u", &d, &ds), E);
	T_ST_MSG(pmemkv_config_get_data(c, NULL, &d, &ds), E);
	T_ST_MSG(pmemkv_config_get_data(c, "u", NULL, &ds), E);
	T_ST_MSG(pmemkv_config_get_data(c, "u", &d, NULL), E);
	T_ST_MSG(pmemkv_config_get_object(NULL, "u", &p), E);
	T_ST_MSG(pmemkv_config_get_object(c, NULL, &p), E);
	T_ST_MSG(pmemkv_config_get_object(c, "u", NULL), E);
	pmemkv_config_delete(c);
	T_EQ(o.deleted, 0);
}

static void
test_config_put_replaces_and_deleters_run_once(void)
{
	pmemkv_config *c = pmemkv_config_new();
	struct kvt_obj a = {0, 1}, b = {0, 2}, cc = {0, 3}, d = {0, 4};
	void *p;
	uint64_t u;
	const char *s;

	T_ST(pmemkv_config_put_object(c, "o", &a, kvt_obj_deleter), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_put_object(c, "o", &b, kvt_obj_deleter), PMEMKV_STATUS_OK);
	T_EQ(a.deleted, 1); /* replaced: deleted at once */
	T_EQ(b.deleted, 0);
	T_ST(pmemkv_config_get_object(c, "o", &p), PMEMKV_STATUS_OK);
	T_ASSERT(p == &b);

	/* an object replaced by another type is deleted too */
	T_ST(pmemkv_config_put_uint64(c, "o", 9), PMEMKV_STATUS_OK);
	T_EQ(b.deleted, 1);
	T_ST(pmemkv_config_get_uint64(c, "o", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 9);

	/* replacing strings / data frees the old copy (ASan checks leaks) */
	T_ST(pmemkv_config_put_string(c, "s", "one"), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_put_string(c, "s", "two"), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_string(c, "s", &s), PMEMKV_STATUS_OK);
	T_STREQ(s, "two");
	T_ST(pmemkv_config_put_object(c, "s", &cc, kvt_obj_deleter), PMEMKV_STATUS_OK);

	/* an object with a NULL deleter is just dropped */
	T_ST(pmemkv_config_put_object(c, "nodel", &d, NULL), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_object(c, "nodel", &p), PMEMKV_STATUS_OK);
	T_ASSERT(p == &d);

	/* the same object put twice under one key is deleted once, at the end */
	struct kvt_obj e = {0, 5};
	T_ST(pmemkv_config_put_object(c, "same", &e, kvt_obj_deleter), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_put_object(c, "same", &e, kvt_obj_deleter), PMEMKV_STATUS_OK);
	T_EQ(e.deleted, 0);

	pmemkv_config_delete(c);
	T_EQ(a.deleted, 1);
	T_EQ(b.deleted, 1);
	T_EQ(cc.deleted, 1);
	T_EQ(d.deleted, 0);
	T_EQ(e.deleted, 1);
}

static int getter_calls;
static void *
kvt_getter(void *p)
{
	getter_calls++;
	return &((struct kvt_obj *)p)->value;
}

static void
test_config_object_cb_getter_and_deleter(void)
{
	pmemkv_config *c = pmemkv_config_new();
	struct kvt_obj o = {0, 77};
	void *p = NULL;
	T_ST(pmemkv_config_put_object_cb(c, "ocb", &o, kvt_getter, kvt_obj_deleter),
	     PMEMKV_STATUS_OK);
	getter_calls = 0;
	T_ST(pmemkv_config_get_object(c, "ocb", &p), PMEMKV_STATUS_OK);
	T_EQ(getter_calls, 1);
	T_ASSERT(p == &o.value);
	T_EQ(*(int *)p, 77);
	/* NULL deleter allowed */
	struct kvt_obj o2 = {0, 1};
	T_ST(pmemkv_config_put_object_cb(c, "ocb2", &o2, kvt_getter, NULL), PMEMKV_STATUS_OK);
	pmemkv_config_delete(c);
	T_EQ(o.deleted, 1);
	T_EQ(o2.deleted, 0);
}

static void
test_config_well_known_items(void)
{
	pmemkv_config *c = pmemkv_config_new();
	uint64_t u;
	const char *s;
	T_ST(pmemkv_config_put_size(c, 1ull << 30), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "size", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 1ull << 30);
	T_ST(pmemkv_config_put_path(c, "/dev/shm/x"), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_string(c, "path", &s), PMEMKV_STATUS_OK);
	T_STREQ(s, "/dev/shm/x");
	T_ST(pmemkv_config_put_create_if_missing(c, true), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "create_if_missing", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 1);
	T_ST(pmemkv_config_put_create_if_missing(c, false), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "create_if_missing", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 0);
	T_ST(pmemkv_config_put_create_or_error_if_exists(c, true), PMEMKV_STATUS_OK);
	T_ST(pmemkv_config_get_uint64(c, "create_or_error_if_exists", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 1);
	/* the deprecated force_create is an alias */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	T_ST(pmemkv_config_put_force_create(c, false), PMEMKV_STATUS_OK);
#pragma GCC diagnostic pop
	T_ST(pmemkv_config_get_uint64(c, "create_or_error_if_exists", &u), PMEMKV_STATUS_OK);
	T_EQU(u, 0);
	PMEMoid oid = {1, 2};
	T_ST_MSG(pmemkv_config_put_oid(c, &oid), PMEMKV_STATUS_NOT_SUPPORTED);
	pmemkv_config_delete(c);
}

static int
kvt_cmp(const char *k1, size_t kb1, const char *k2, size_t kb2, void *arg)
{
	(void)arg;
	size_t n = kb1 < kb2 ? kb1 : kb2;
	int r = memcmp(k1, k2, n);
	return r ? r : (kb1 > kb2) - (kb1 < kb2);
}

static void
test_comparator(void)
{
	T_ASSERT(pmemkv_comparator_new(NULL, "x", NULL) == NULL);
	T_ASSERT(pmemkv_errormsg()[0] != '\0');
	T_ASSERT(pmemkv_comparator_new(kvt_cmp, NULL, NULL) == NULL);
	pmemkv_comparator_delete(NULL); /* no-op */

	int arg = 0;
	pmemkv_comparator *cmp = pmemkv_comparator_new(kvt_cmp, "bytewise", &arg);
	T_ASSERT(cmp != NULL);
	pmemkv_comparator_delete(cmp);

	/* put_comparator: stored as object "comparator", freed by the config */
	pmemkv_config *c = pmemkv_config_new();
	cmp = pmemkv_comparator_new(kvt_cmp, "bytewise", &arg);
	T_ST(pmemkv_config_put_comparator(c, cmp), PMEMKV_STATUS_OK);
	void *p;
	T_ST(pmemkv_config_get_object(c, "comparator", &p), PMEMKV_STATUS_OK);
	T_ASSERT(p == cmp);
	/* replacing it deletes the first (ASan: no leak, no double free) */
	T_ST(pmemkv_config_put_comparator(c, pmemkv_comparator_new(kvt_cmp, "b2", NULL)),
	     PMEMKV_STATUS_OK);
	pmemkv_config_delete(c);
}

static void
test_config_many_items(void)
{
	pmemkv_config *c = pmemkv_config_new();
	char key[32];
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		T_ST(pmemkv_config_put_int64(c, key, -i), PMEMKV_STATUS_OK);
	}
	for (int i = 0; i < 200; i++) {
		int64_t v;
		snprintf(key, sizeof(key), "k%d", i);
		T_ST(pmemkv_config_get_int64(c, key, &v), PMEMKV_STATUS_OK);
		T_EQ(v, -i);
	}
	pmemkv_config_delete(c);
}

int
main(void)
{
	T_RUN(test_config_new_delete);
	T_RUN(test_config_typed_roundtrip);
	T_RUN(test_config_int_conversions);
	T_RUN(test_config_type_errors);
	T_RUN(test_config_missing_is_not_found_without_message);
	T_RUN(test_config_null_arguments);
	T_RUN(test_config_put_replaces_and_deleters_run_once);
	T_RUN(test_config_object_cb_getter_and_deleter);
	T_RUN(test_config_well_known_items);
	T_RUN(test_comparator);
	T_RUN(test_config_many_items);
	return 0;
}
