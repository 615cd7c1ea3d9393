/*
 * test_open.c -- pmemkv_open semantics that need no working persistent
 * engine: ownership of the config on every path, NULL arguments, engine
 * names, config parsing (types, flags, sizes, durability, comparator) and
 * the mapping of an engine's open errors (through a fake engine).
 * Opening real cmap pools is in test_open_cmap.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/common.h"
#include "engines/engine.h"
#include "kv/kv.h"
#include "kv_test.h"

static void
test_open_null_db_deletes_config(void)
{
	struct kvt_obj s;
	pmemkv_config *c = kvt_config_with_sentinel(&s);
	T_ST_MSG(pmemkv_open("blackhole", c, NULL), PMEMKV_STATUS_INVALID_ARGUMENT);
	T_EQ(s.deleted, 1);
}

static void
test_open_null_config(void)
{
	pmemkv_db *db = (pmemkv_db *)1;
	T_ST_MSG(pmemkv_open("blackhole", NULL, &db), PMEMKV_STATUS_INVALID_ARGUMENT);
	T_ASSERT(db == NULL);
	T_MSG_HAS("config");
	T_ST_MSG(pmemkv_open("blackhole", NULL, NULL), PMEMKV_STATUS_INVALID_ARGUMENT);
}

static void
test_open_null_engine_deletes_config(void)
{
	struct kvt_obj s;
	pmemkv_db *db;
	pmemkv_config *c = kvt_config_with_sentinel(&s);
	T_ST_MSG(pmemkv_open(NULL, c, &db), PMEMKV_STATUS_INVALID_ARGUMENT);
	T_EQ(s.deleted, 1);
	T_ASSERT(db == NULL);
}

static void
test_open_wrong_engine_name_lists_engines(void)
{
	struct kvt_obj s;
	pmemkv_db *db;
	pmemkv_config *c = kvt_config_with_sentinel(&s);
	T_ST_MSG(pmemkv_open("nope", c, &db), PMEMKV_STATUS_WRONG_ENGINE_NAME);
	T_EQ(s.deleted, 1);
	T_MSG_HAS("nope");
	T_MSG_HAS("blackhole");
	T_MSG_HAS("cmap");
	T_ST_MSG(pmemkv_open("", pmemkv_config_new(), &db), PMEMKV_STATUS_WRONG_ENGINE_NAME);
	/* names are exact */
	T_ST_MSG(pmemkv_open("CMAP", pmemkv_config_new(), &db),
		 PMEMKV_STATUS_WRONG_ENGINE_NAME);
	T_ST_MSG(pmemkv_open("cmap ", pmemkv_config_new(), &db),
		 PMEMKV_STATUS_WRONG_ENGINE_NAME);
}

static void
test_open_success_deletes_config(void)
{
	struct kvt_obj s;
	pmemkv_db *db = NULL;
	pmemkv_config *c = kvt_config_with_sentinel(&s);
	T_ST(pmemkv_open("blackhole", c, &db), PMEMKV_STATUS_OK);
	T_EQ(s.deleted, 1);
	T_NOMSG();
	pmemkv_close(db);
}

/* open_expect -- open `engine` with c; expect st (message required if not OK),
 * and check that c was deleted. */
static void
open_expect(const char *engine, pmemkv_config *c, int st, const char *msg_has)
{
	struct kvt_obj s = {0, 0};
	T_ST(pmemkv_config_put_object(c, "kvtest.sentinel", &s, kvt_obj_deleter),
	     PMEMKV_STATUS_OK);
	pmemkv_db *db = NULL;
	int got = pmemkv_open(engine, c, &db);
	if (got != st)
		T_FAIL("open(%s): %s, expected %s; errormsg \"%s\"", engine,
		       kv_status_name(got), kv_status_name(st), pmemkv_errormsg());
	T_EQ(s.deleted, 1);
	if (st != PMEMKV_STATUS_OK) {
		T_ASSERT(db == NULL);
		T_ASSERT(pmemkv_errormsg()[0] != '\0');
		if (msg_has)
			T_MSG_HAS(msg_has);
	} else {
		T_ASSERT(db != NULL);
		pmemkv_close(db);
	}
}

static void
test_open_config_types(void)
{
	const int TE = PMEMKV_STATUS_CONFIG_TYPE_ERROR;
	pmemkv_config *c;

	/* path as uint64: type error (both engines) */
	c = pmemkv_config_new();
	pmemkv_config_put_uint64(c, "path", 1);
	open_expect("cmap", c, TE, "path");
	c = pmemkv_config_new();
	pmemkv_config_put_uint64(c, "path", 1);
	open_expect("blackhole", c, TE, "path");

	c = pmemkv_config_new();
	pmemkv_config_put_path(c, "/dev/shm/x");
	pmemkv_config_put_string(c, "size", "8M");
	open_expect("cmap", c, TE, "size");

	c = pmemkv_config_new();
	pmemkv_config_put_int64(c, "size", -5);
	open_expect("blackhole", c, TE, "size");

	c = pmemkv_config_new();
	pmemkv_config_put_string(c, "create_if_missing", "yes");
	open_expect("blackhole", c, TE, "create_if_missing");

	c = pmemkv_config_new();
	pmemkv_config_put_data(c, "create_or_error_if_exists", "\1", 1);
	open_expect("blackhole", c, TE, "create_or_error_if_exists");

	c = pmemkv_config_new();
	pmemkv_config_put_uint64(c, "durability", 1);
	open_expect("blackhole", c, TE, "durability");

	c = pmemkv_config_new();
	pmemkv_config_put_uint64(c, "comparator", 1);
	open_expect("blackhole", c, TE, "comparator");
}

static void
test_open_flags(void)
{
	const int IA = PMEMKV_STATUS_INVALID_ARGUMENT;
	pmemkv_config *c;

	/* both create flags: invalid, whichever way they were set */
	c = pmemkv_config_new();
	pmemkv_config_put_create_if_missing(c, true);
	pmemkv_config_put_create_or_error_if_exists(c, true);
	open_expect("blackhole", c, IA, "create_if_missing");
	c = pmemkv_config_new();
	pmemkv_config_put_create_if_missing(c, true);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	pmemkv_config_put_force_create(c, true);
#pragma GCC diagnostic pop
	pmemkv_config_put_path(c, "/dev/shm/x");
	pmemkv_config_put_size(c, 64 << 20);
	open_expect("cmap", c, IA, "create_or_error_if_exists");

	/* the raw deprecated item "force_create" is create_or_error_if_exists */
	c = pmemkv_config_new();
	pmemkv_config_put_uint64(c, "force_create", 1);
	pmemkv_config_put_create_if_missing(c, true);
	open_expect("blackhole", c, IA, "create_if_missing");
	c = pmemkv_config_new();
	pmemkv_config_put_string(c, "force_create", "1");
	open_expect("blackhole", c, PMEMKV_STATUS_CONFIG_TYPE_ERROR, "force_create");
	c = pmemkv_config_new();
	pmemkv_config_put_path(c, "/dev/shm/x");
	pmemkv_config_put_uint64(c, "force_create", 1);
	open_expect("cmap", c, IA, "size"); /* creating: needs a size */

	/* one set, the other explicitly false: fine (blackhole) */
	c = pmemkv_config_new();
	pmemkv_config_put_create_if_missing(c, true);
	pmemkv_config_put_create_or_error_if_exists(c, false);
	open_expect("blackhole", c, PMEMKV_STATUS_OK, NULL);

	/* int64 flags are accepted, values other than 0/1 are not */
	c = pmemkv_config_new();
	pmemkv_config_put_int64(c, "create_if_missing", 1);
	open_expect("blackhole", c, PMEMKV_STATUS_OK, NULL);
	c = pmemkv_config_new();
	pmemkv_config_put_uint64(c, "create_if_missing", 2);
	open_expect("blackhole", c, IA, "create_if_missing");
	c = pmemkv_config_new();
	pmemkv_config_put_int64(c, "create_if_missing", -1);
	open_expect("blackhole", c, PMEMKV_STATUS_CONFIG_TYPE_ERROR, "create_if_missing");
}

static void
test_open_durability(void)
{
	const char *ok[] = {"auto", "pmem", "msync", "process"};
	for (size_t i = 0; i < 4; i++) {
		pmemkv_config *c = pmemkv_config_new();
		pmemkv_config_put_string(c, "durability", ok[i]);
		open_expect("blackhole", c, PMEMKV_STATUS_OK, NULL);
	}
	const char *bad[] = {"", "PMEM", "fsync", "process "};
	for (size_t i = 0; i < 4; i++) {
		pmemkv_config *c = pmemkv_config_new();
		pmemkv_config_put_string(c, "durability", bad[i]);
		open_expect("blackhole", c, PMEMKV_STATUS_INVALID_ARGUMENT, "durability");
	}
}

static void
test_open_cmap_parse_errors(void)
{
	const int IA = PMEMKV_STATUS_INVALID_ARGUMENT;
	char path[128];
	pmemkv_config *c;
	kvt_path(path, sizeof(path), "parse");

	/* no path */
	c = pmemkv_config_new();
	pmemkv_config_put_size(c, 64 << 20);
	pmemkv_config_put_create_if_missing(c, true);
	open_expect("cmap", c, IA, "path");
	c = pmemkv_config_new();
	open_expect("cmap", c, IA, "path");
	/* empty path */
	c = pmemkv_config_new();
	pmemkv_config_put_path(c, "");
	open_expect("cmap", c, IA, "path");

	/* creating without size / with a small size */
	c = pmemkv_config_new();
	pmemkv_config_put_path(c, path);
	pmemkv_config_put_create_or_error_if_exists(c, true);
	open_expect("cmap", c, IA, "size");
	c = pmemkv_config_new();
	pmemkv_config_put_path(c, path);
	pmemkv_config_put_create_if_missing(c, true);
	open_expect("cmap", c, IA, "size");
	c = pmemkv_config_new();
	pmemkv_config_put_path(c, path);
	pmemkv_config_put_size(c, (8 << 20) - 1);
	pmemkv_config_put_create_if_missing(c, true);
	open_expect("cmap", c, IA, "8 MiB");
	c = pmemkv_config_new();
	pmemkv_config_put_path(c, path);
	pmemkv_config_put_size(c, 4096);
	pmemkv_config_put_create_or_error_if_exists(c, true);
	open_expect("cmap", c, IA, "size");
	/* nothing was created */
	struct stat sb;
	T_ASSERT(stat(path, &sb) != 0 && errno == ENOENT);

	/* blackhole is volatile: no path, no size needed */
	c = pmemkv_config_new();
	pmemkv_config_put_create_or_error_if_exists(c, true);
	open_expect("blackhole", c, PMEMKV_STATUS_OK, NULL);
}

/* Fake engine: open fails with the errno given as config item "fake.err". */
static const struct engine_config *seen_cfg;
static uint64_t seen_extra;
static const char *seen_str;
static int
fake_open(const struct engine_config *cfg, void **h)
{
	uint64_t err = 0;
	seen_cfg = cfg;
	seen_extra = 0;
	seen_str = NULL;
	T_EQ(cfg->get_uint64(cfg->cfg, "fake.extra", &seen_extra) == 0 ||
		     seen_extra == 0,
	     1);
	const char *s;
	if (cfg->get_string(cfg->cfg, "fake.str", &s) == 0)
		seen_str = s;
	T_EQ(cfg->get_uint64(cfg->cfg, "fake.absent", &err), -ENOENT);
	T_EQ(cfg->get_string(cfg->cfg, "fake.extra", &s) == -EPROTOTYPE ||
		     seen_extra == 0,
	     1);
	err = 0;
	cfg->get_uint64(cfg->cfg, "fake.err", &err);
	if (err == 1000) {
		return -EPROTO; /* no message: kv must supply one */
	}
	if (err) {
		err_set("fake: failing with errno %d", (int)err);
		return -(int)err;
	}
	*h = (void *)0x1;
	return 0;
}
static void
fake_close(void *h)
{
	(void)h;
}
static const struct engine_ops fake_persistent = {
	.name = "fakep",
	.persistent = 1,
	.open = fake_open,
	.close = fake_close,
};

static int
fake_open_expect(uint64_t err, int st, const char *msg_has)
{
	char path[128];
	kvt_path(path, sizeof(path), "fake");
	pmemkv_config *c = pmemkv_config_new();
	pmemkv_config_put_path(c, path);
	pmemkv_config_put_uint64(c, "fake.err", err);
	pmemkv_db *db = NULL;
	int got = kv_open_ops(&fake_persistent, c, &db);
	if (got != st)
		T_FAIL("fake open errno %d: %s, expected %s; errormsg \"%s\"", (int)err,
		       kv_status_name(got), kv_status_name(st), pmemkv_errormsg());
	if (st != PMEMKV_STATUS_OK) {
		T_ASSERT(pmemkv_errormsg()[0] != '\0');
		if (msg_has)
			T_MSG_HAS(msg_has);
	}
	pmemkv_close(db);
	return got;
}

static void
test_open_engine_errors_mapped(void)
{
	const int IA = PMEMKV_STATUS_INVALID_ARGUMENT;
	fake_open_expect(ENOENT, IA, "does not exist");
	fake_open_expect(EEXIST, IA, "exists");
	fake_open_expect(EPROTO, IA, "another engine");
	fake_open_expect(1000, IA, "another engine"); /* -EPROTO, no engine message */
	fake_open_expect(EINVAL, IA, "fake: failing");
	fake_open_expect(EBUSY, PMEMKV_STATUS_UNKNOWN_ERROR, "already open");
	fake_open_expect(ENOMEM, PMEMKV_STATUS_OUT_OF_MEMORY, "fake: failing");
	fake_open_expect(ENOSPC, PMEMKV_STATUS_OUT_OF_MEMORY, NULL);
	fake_open_expect(ENOTSUP, PMEMKV_STATUS_NOT_SUPPORTED, NULL);
	fake_open_expect(EACCES, PMEMKV_STATUS_UNKNOWN_ERROR, "fake: failing");
	fake_open_expect(EPROTONOSUPPORT, PMEMKV_STATUS_UNKNOWN_ERROR, NULL);
	fake_open_expect(ECANCELED, PMEMKV_STATUS_UNKNOWN_ERROR, NULL);
	fake_open_expect(0, PMEMKV_STATUS_OK, NULL);
}

static int
cmp_rev(const char *k1, size_t kb1, const char *k2, size_t kb2, void *arg)
{
	(void)arg;
	size_t n = kb1 < kb2 ? kb1 : kb2;
	int r = memcmp(k2, k1, n);
	return r ? r : (kb2 > kb1) - (kb2 < kb1);
}

static void
test_open_passes_parsed_config_to_engine(void)
{
	char path[128];
	kvt_path(path, sizeof(path), "cfg");
	pmemkv_config *c = pmemkv_config_new();
	pmemkv_config_put_path(c, path);
	pmemkv_config_put_size(c, 123ull << 20);
	pmemkv_config_put_create_if_missing(c, true);
	pmemkv_config_put_string(c, "durability", "msync");
	pmemkv_config_put_uint64(c, "fake.extra", 17);
	pmemkv_config_put_string(c, "fake.str", "hello");
	int arg;
	pmemkv_config_put_comparator(c, pmemkv_comparator_new(cmp_rev, "reverse", &arg));
	pmemkv_db *db = NULL;
	T_ST(kv_open_ops(&fake_persistent, c, &db), PMEMKV_STATUS_OK);
	T_STREQ(seen_cfg->path, path);
	T_EQU(seen_cfg->size, 123ull << 20);
	T_EQ(seen_cfg->create_if_missing, 1);
	T_EQ(seen_cfg->create_or_error_if_exists, 0);
	T_EQ(seen_cfg->mode, PMEM_MODE_MSYNC);
	T_EQU(seen_extra, 17);
	T_ASSERT(seen_str != NULL); /* valid during open only */
	/* comparator copied: still valid after the config died */
	T_ASSERT(seen_cfg->cmp == cmp_rev);
	T_ASSERT(seen_cfg->cmp_arg == &arg);
	T_STREQ(seen_cfg->cmp_name, "reverse");
	T_ASSERT(seen_cfg->cmp("a", 1, "b", 1, NULL) > 0);
	/* engine-specific getters answer -ENOENT once open returned */
	uint64_t v;
	T_EQ(seen_cfg->get_uint64(seen_cfg->cfg, "fake.extra", &v), -ENOENT);
	pmemkv_close(db);

	/* defaults */
	c = pmemkv_config_new();
	pmemkv_config_put_path(c, path);
	T_ST(kv_open_ops(&fake_persistent, c, &db), PMEMKV_STATUS_OK);
	T_EQU(seen_cfg->size, 0);
	T_EQ(seen_cfg->create_if_missing, 0);
	T_EQ(seen_cfg->create_or_error_if_exists, 0);
	T_EQ(seen_cfg->mode, PMEM_MODE_AUTO);
	pmemkv_close(db);
	c = pmemkv_config_new();
	pmemkv_config_put_path(c, path);
	pmemkv_config_put_size(c, 8 << 20);
	pmemkv_config_put_int64(c, "force_create", 1);
	T_ST(kv_open_ops(&fake_persistent, c, &db), PMEMKV_STATUS_OK);
	T_EQ(seen_cfg->create_or_error_if_exists, 1);
	T_ASSERT(seen_cfg->cmp == NULL);
	pmemkv_close(db);
}

int
main(void)
{
	T_RUN(test_open_null_db_deletes_config);
	T_RUN(test_open_null_config);
	T_RUN(test_open_null_engine_deletes_config);
	T_RUN(test_open_wrong_engine_name_lists_engines);
	T_RUN(test_open_success_deletes_config);
	T_RUN(test_open_config_types);
	T_RUN(test_open_flags);
	T_RUN(test_open_durability);
	T_RUN(test_open_cmap_parse_errors);
	T_RUN(test_open_engine_errors_mapped);
	T_RUN(test_open_passes_parsed_config_to_engine);
	return 0;
}
