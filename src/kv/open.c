/*
 * open.c -- pmemkv_open / pmemkv_close: look the engine up, parse the config
 * into struct engine_config, open the engine, and map its errors.
 *
 * Config items read here (docs/libpmemkv_config.3.md):
 *   path                       string  required by persistent engines
 *   size                       uint64  pool size when creating, >= 8 MiB
 *   create_if_missing          uint64 (0/1) or int64 (0/1)
 *   create_or_error_if_exists  same (pmemkv_config_put_force_create sets it)
 *   force_create               same, its deprecated name (either set: create)
 *   durability                 string  "auto" | "pmem" | "msync" | "process"
 *   comparator                 object  made by pmemkv_comparator_new
 * Other items stay reachable by the engine through cfg->get_uint64/get_string
 * during its open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/common.h"
#include "kv/kv.h"
#include "kv/status.h"

#define KV_MIN_POOL_SIZE (8ull << 20) /* as libpmemobj's PMEMOBJ_MIN_POOL */

static int
cfg_get_uint64_cb(void *cfg, const char *key, uint64_t *v)
{
	if (!cfg)
		return -ENOENT;
	return kv_config_get_uint64(cfg, key, v);
}

static int
cfg_get_string_cb(void *cfg, const char *key, const char **v)
{
	if (!cfg)
		return -ENOENT;
	return kv_config_get_string(cfg, key, v);
}

/* open_flag -- read a 0/1 flag item; absent is 0. */
static int
open_flag(pmemkv_config *c, const char *key, int *flag)
{
	uint64_t v = 0;
	int ret = kv_config_get_uint64(c, key, &v);
	if (ret == -ENOENT) {
		*flag = 0;
		return PMEMKV_STATUS_OK;
	}
	if (ret)
		return kv_err(PMEMKV_STATUS_CONFIG_TYPE_ERROR,
			      "pmemkv_open: config item '%s' must be a uint64 or int64 (0 or 1)",
			      key);
	if (v > 1)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "pmemkv_open: config item '%s' is %llu, expected 0 or 1", key,
			      (unsigned long long)v);
	*flag = (int)v;
	return PMEMKV_STATUS_OK;
}

/* open_parse -- fill db->cfg (and the db's copies of path and comparator). */
static int
open_parse(const struct engine_ops *ops, pmemkv_config *c, pmemkv_db *db)
{
	struct engine_config *ec = &db->cfg;
	int st;

	const char *path = NULL;
	int ret = kv_config_get_string(c, "path", &path);
	if (ret == -EPROTOTYPE)
		return kv_err(PMEMKV_STATUS_CONFIG_TYPE_ERROR,
			      "pmemkv_open: config item 'path' must be a string");
	if (path) {
		if (path[0] == '\0')
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
				      "pmemkv_open: config item 'path' is empty");
		db->path = strdup(path);
		if (!db->path)
			return kv_err(PMEMKV_STATUS_OUT_OF_MEMORY, "pmemkv_open: out of memory");
	}
	ec->path = db->path;

	ret = kv_config_get_uint64(c, "size", &ec->size);
	if (ret == -EPROTOTYPE)
		return kv_err(PMEMKV_STATUS_CONFIG_TYPE_ERROR,
			      "pmemkv_open: config item 'size' must be a uint64 "
			      "(or a non-negative int64)");
	if (ret)
		ec->size = 0;

	if ((st = open_flag(c, "create_if_missing", &ec->create_if_missing)))
		return st;
	if ((st = open_flag(c, "create_or_error_if_exists", &ec->create_or_error_if_exists)))
		return st;
	/* "force_create": the item's deprecated name, still put raw by programs
	 * written for libpmemkv < 1.4 (put_force_create sets the new name) */
	int force_create;
	if ((st = open_flag(c, "force_create", &force_create)))
		return st;
	ec->create_or_error_if_exists |= force_create;
	if (ec->create_if_missing && ec->create_or_error_if_exists)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "pmemkv_open: create_if_missing and create_or_error_if_exists "
			      "(force_create) are both set; choose one");

	const char *dur = NULL;
	ret = kv_config_get_string(c, "durability", &dur);
	if (ret == -EPROTOTYPE)
		return kv_err(PMEMKV_STATUS_CONFIG_TYPE_ERROR,
			      "pmemkv_open: config item 'durability' must be a string");
	ec->mode = PMEM_MODE_AUTO;
	if (dur) {
		if (!strcmp(dur, "auto"))
			ec->mode = PMEM_MODE_AUTO;
		else if (!strcmp(dur, "pmem"))
			ec->mode = PMEM_MODE_PMEM;
		else if (!strcmp(dur, "msync"))
			ec->mode = PMEM_MODE_MSYNC;
		else if (!strcmp(dur, "process"))
			ec->mode = PMEM_MODE_PROCESS;
		else
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
				      "pmemkv_open: config item 'durability' is \"%s\"; expected "
				      "\"auto\", \"pmem\", \"msync\" or \"process\"",
				      dur);
	}

	void *obj = NULL;
	ret = kv_config_get_object(c, "comparator", &obj);
	if (ret == -EPROTOTYPE)
		return kv_err(PMEMKV_STATUS_CONFIG_TYPE_ERROR,
			      "pmemkv_open: config item 'comparator' must be an object made by "
			      "pmemkv_comparator_new");
	if (ret == 0 && obj) {
		const pmemkv_comparator *cmp = obj;
		db->cmp.fn = cmp->fn;
		db->cmp.arg = cmp->arg;
		db->cmp.name = strdup(cmp->name);
		if (!db->cmp.name)
			return kv_err(PMEMKV_STATUS_OUT_OF_MEMORY, "pmemkv_open: out of memory");
		ec->cmp = db->cmp.fn;
		ec->cmp_arg = db->cmp.arg;
		ec->cmp_name = db->cmp.name;
	}

	if (ops->persistent) {
		if (!ec->path)
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
				      "pmemkv_open: engine %s needs the config item 'path' "
				      "(pmemkv_config_put_path)",
				      ops->name);
		struct stat sb;
		int creating = ec->create_or_error_if_exists ||
			(ec->create_if_missing && stat(ec->path, &sb) != 0 && errno == ENOENT);
		if (creating && ec->size == 0)
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
				      "pmemkv_open: engine %s: creating pool %s needs the config "
				      "item 'size' (pmemkv_config_put_size)",
				      ops->name, ec->path);
		if (creating && ec->size < KV_MIN_POOL_SIZE)
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
				      "pmemkv_open: engine %s: pool size %llu is below the "
				      "minimum of %llu bytes (8 MiB)",
				      ops->name, (unsigned long long)ec->size,
				      (unsigned long long)KV_MIN_POOL_SIZE);
	}

	ec->cfg = c;
	ec->get_uint64 = cfg_get_uint64_cb;
	ec->get_string = cfg_get_string_cb;
	return PMEMKV_STATUS_OK;
}

/* open_status -- the status of an engine's failed open, with a clear message. */
static int
open_status(const struct engine_ops *ops, const struct engine_config *ec, int err)
{
	char msg[ERR_MSG_MAX];
	snprintf(msg, sizeof(msg), "%s", err_get());
	const char *path = ec->path ? ec->path : "(none)";
	if (msg[0] == '\0')
		snprintf(msg, sizeof(msg), "engine %s could not open %s", ops->name, path);
	switch (err) {
	case -ENOENT:
		if (ec->create_if_missing || ec->create_or_error_if_exists)
			return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
				      "pmemkv_open: %s (cannot create it: does its directory "
				      "exist?)",
				      msg);
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "pmemkv_open: %s (the pool does not exist: set create_if_missing "
			      "or create_or_error_if_exists to create it)",
			      msg);
	case -EEXIST:
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "pmemkv_open: %s (create_or_error_if_exists is set and the file "
			      "exists)",
			      msg);
	case -EPROTO:
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT,
			      "pmemkv_open: %s (the file is a pool of another engine or "
			      "layout: open it with the engine that created it)",
			      msg);
	case -EINVAL:
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "pmemkv_open: %s", msg);
	case -EBUSY:
		return kv_err(PMEMKV_STATUS_UNKNOWN_ERROR,
			      "pmemkv_open: %s (the pool is already open, by this or another "
			      "process)",
			      msg);
	default: {
		int st = kv_status_from_errno(err);
		if (st == PMEMKV_STATUS_OK || st == PMEMKV_STATUS_NOT_FOUND ||
		    st == PMEMKV_STATUS_STOPPED_BY_CB)
			st = PMEMKV_STATUS_UNKNOWN_ERROR; /* not meaningful for open */
		return kv_err(st, "pmemkv_open: %s", msg);
	}
	}
}

static void
db_free(pmemkv_db *db)
{
	free(db->path);
	free(db->cmp.name);
	free(db);
}

/*
 * kv_open_ops -- pmemkv_open with the engine already looked up (tests use it
 * to open through a fake engine). Owns config on every path (K3).
 */
int
kv_open_ops(const struct engine_ops *ops, pmemkv_config *config, pmemkv_db **db)
{
	int st;
	err_clear();
	/* invariant (K3): every return below deletes config */
	if (!db) {
		pmemkv_config_delete(config);
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "pmemkv_open: db is NULL");
	}
	*db = NULL;
	if (!config)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "pmemkv_open: config is NULL");
	pmemkv_db *d = calloc(1, sizeof(*d));
	if (!d) {
		pmemkv_config_delete(config);
		return kv_err(PMEMKV_STATUS_OUT_OF_MEMORY, "pmemkv_open: out of memory");
	}
	d->ops = ops;
	if ((st = open_parse(ops, config, d)) != PMEMKV_STATUS_OK) {
		pmemkv_config_delete(config);
		db_free(d);
		return st;
	}
	err_clear();
	int ret = ops->open(&d->cfg, &d->h);
	/* The config dies here: engines read it during open only. */
	d->cfg.cfg = NULL;
	pmemkv_config_delete(config);
	if (ret != 0) {
		st = open_status(ops, &d->cfg, ret);
		db_free(d);
		return st;
	}
	err_clear();
	*db = d;
	return PMEMKV_STATUS_OK;
}

int
pmemkv_open(const char *engine, pmemkv_config *config, pmemkv_db **db)
{
	err_clear();
	if (!db || !config) /* reported (and config deleted) by kv_open_ops */
		return kv_open_ops(NULL, config, db);
	if (!engine) {
		pmemkv_config_delete(config);
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "pmemkv_open: engine is NULL");
	}
	const struct engine_ops *ops = kv_engine_find(engine);
	if (!ops) {
		char list[256];
		kv_engine_list(list, sizeof(list));
		pmemkv_config_delete(config);
		return kv_err(PMEMKV_STATUS_WRONG_ENGINE_NAME,
			      "pmemkv_open: unknown engine name \"%s\"; available engines: %s",
			      engine, list);
	}
	return kv_open_ops(ops, config, db);
}

void
pmemkv_close(pmemkv_db *db)
{
	if (!db)
		return;
	db->ops->close(db->h);
	db_free(db);
}
