/*
 * config.c -- pmemkv_config: a small map from a NUL-terminated key to a typed
 * item, and pmemkv_comparator. Lookups are linear: a config holds a handful
 * of items and is read once, by pmemkv_open.
 *
 * Rules (docs/libpmemkv_config.3.md):
 *  - A put on an existing key replaces the item; the old one is freed, an old
 *    object is passed to its deleter (unless the new item is the same
 *    object). Every object's deleter runs exactly once: on replacement or in
 *    pmemkv_config_delete.
 *  - A get of another type is CONFIG_TYPE_ERROR, except between integers:
 *    an int64 >= 0 reads as uint64, a uint64 <= INT64_MAX reads as int64.
 *  - A missing key is NOT_FOUND (message ""); a NULL config, key or output
 *    pointer is INVALID_ARGUMENT.
 *  - A put that fails (NULL config/key, no memory) takes nothing: an object
 *    passed to it still belongs to the caller.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "kv/kv.h"

enum cfg_type {
	CFG_DATA,	/* bytes, copied (strings are data too, with their NUL) */
	CFG_STRING,
	CFG_OBJECT,
	CFG_UINT64,
	CFG_INT64,
};

static const char *const cfg_type_names[] = {
	[CFG_DATA] = "data", [CFG_STRING] = "string", [CFG_OBJECT] = "object",
	[CFG_UINT64] = "uint64", [CFG_INT64] = "int64",
};

struct cfg_item {
	char *key;
	enum cfg_type type;
	union {
		struct {
			void *ptr; /* malloc'ed copy (data, string) */
			size_t size;
		} data;
		struct {
			void *value;
			void *(*getter)(void *);
			void (*deleter)(void *);
		} obj;
		uint64_t u64;
		int64_t i64;
	} v;
};

struct pmemkv_config {
	struct cfg_item *items;
	size_t n, cap;
};

/* cfg_item_release -- free what the item owns, run an object's deleter. */
static void
cfg_item_release(struct cfg_item *it)
{
	if (it->type == CFG_DATA || it->type == CFG_STRING)
		free(it->v.data.ptr);
	else if (it->type == CFG_OBJECT && it->v.obj.deleter)
		it->v.obj.deleter(it->v.obj.value);
}

static struct cfg_item *
cfg_find(pmemkv_config *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->items[i].key, key) == 0)
			return &c->items[i];
	return NULL;
}

/*
 * cfg_put -- insert or replace `key` with *item (whose payload the caller
 * built). On failure nothing changes and the caller still owns the payload.
 */
static int
cfg_put(pmemkv_config *c, const char *key, const struct cfg_item *item, const char *func)
{
	if (!c)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: config is NULL", func);
	if (!key)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: key is NULL", func);
	struct cfg_item *old = cfg_find(c, key);
	if (old) {
		char *k = old->key;
		struct cfg_item tmp = *old;
		*old = *item;
		old->key = k;
		/* the same object put again is one object: never delete it */
		if (!(tmp.type == CFG_OBJECT && item->type == CFG_OBJECT &&
		      tmp.v.obj.value == item->v.obj.value))
			cfg_item_release(&tmp);
		return PMEMKV_STATUS_OK;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		struct cfg_item *items = realloc(c->items, cap * sizeof(*items));
		if (!items)
			return kv_err(PMEMKV_STATUS_OUT_OF_MEMORY, "%s: out of memory", func);
		c->items = items;
		c->cap = cap;
	}
	char *k = strdup(key);
	if (!k)
		return kv_err(PMEMKV_STATUS_OUT_OF_MEMORY, "%s: out of memory", func);
	c->items[c->n] = *item;
	c->items[c->n].key = k;
	c->n++;
	return PMEMKV_STATUS_OK;
}

pmemkv_config *
pmemkv_config_new(void)
{
	pmemkv_config *c = calloc(1, sizeof(*c));
	if (!c)
		err_set("pmemkv_config_new: out of memory");
	return c;
}

void
pmemkv_config_delete(pmemkv_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		cfg_item_release(&c->items[i]);
		free(c->items[i].key);
	}
	free(c->items);
	free(c);
}

static int
cfg_put_bytes(pmemkv_config *c, const char *key, enum cfg_type type, const void *value,
	      size_t size, const char *func)
{
	if (!c || !key)
		return cfg_put(c, key, NULL, func); /* reports the NULL */
	if (!value && size > 0)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: value is NULL", func);
	struct cfg_item it = {.type = type};
	it.v.data.ptr = malloc(size ? size : 1);
	if (!it.v.data.ptr)
		return kv_err(PMEMKV_STATUS_OUT_OF_MEMORY, "%s: out of memory", func);
	if (size)
		memcpy(it.v.data.ptr, value, size);
	it.v.data.size = size;
	int ret = cfg_put(c, key, &it, func);
	if (ret != PMEMKV_STATUS_OK)
		free(it.v.data.ptr);
	return ret;
}

int
pmemkv_config_put_data(pmemkv_config *c, const char *key, const void *value,
		       size_t value_size)
{
	return cfg_put_bytes(c, key, CFG_DATA, value, value_size, __func__);
}

int
pmemkv_config_put_string(pmemkv_config *c, const char *key, const char *value)
{
	if (!value)
		return c && key ? kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: value is NULL",
					 __func__)
				: cfg_put(c, key, NULL, __func__);
	return cfg_put_bytes(c, key, CFG_STRING, value, strlen(value) + 1, __func__);
}

int
pmemkv_config_put_object(pmemkv_config *c, const char *key, void *value,
			 void (*deleter)(void *))
{
	struct cfg_item it = {.type = CFG_OBJECT};
	it.v.obj.value = value;
	it.v.obj.deleter = deleter;
	return cfg_put(c, key, &it, __func__);
}

int
pmemkv_config_put_object_cb(pmemkv_config *c, const char *key, void *value,
			    void *(*getter)(void *), void (*deleter)(void *))
{
	if (c && key && !getter)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: getter is NULL", __func__);
	struct cfg_item it = {.type = CFG_OBJECT};
	it.v.obj.value = value;
	it.v.obj.getter = getter;
	it.v.obj.deleter = deleter;
	return cfg_put(c, key, &it, __func__);
}

int
pmemkv_config_put_uint64(pmemkv_config *c, const char *key, uint64_t value)
{
	struct cfg_item it = {.type = CFG_UINT64};
	it.v.u64 = value;
	return cfg_put(c, key, &it, __func__);
}

int
pmemkv_config_put_int64(pmemkv_config *c, const char *key, int64_t value)
{
	struct cfg_item it = {.type = CFG_INT64};
	it.v.i64 = value;
	return cfg_put(c, key, &it, __func__);
}

/*
 * cfg_lookup -- common checks of the getters: NULL config/key/output is
 * -EINVAL, missing -ENOENT. No message is set (callers decide).
 */
static int
cfg_lookup(pmemkv_config *c, const char *key, const void *out, struct cfg_item **it)
{
	if (!c || !key || !out)
		return -EINVAL;
	*it = cfg_find(c, key);
	return *it ? 0 : -ENOENT;
}

int
kv_config_get_uint64(pmemkv_config *c, const char *key, uint64_t *v)
{
	struct cfg_item *it;
	int ret = cfg_lookup(c, key, v, &it);
	if (ret)
		return ret;
	if (it->type == CFG_UINT64) {
		*v = it->v.u64;
		return 0;
	}
	if (it->type == CFG_INT64 && it->v.i64 >= 0) {
		*v = (uint64_t)it->v.i64;
		return 0;
	}
	return -EPROTOTYPE;
}

static int
kv_config_get_int64(pmemkv_config *c, const char *key, int64_t *v)
{
	struct cfg_item *it;
	int ret = cfg_lookup(c, key, v, &it);
	if (ret)
		return ret;
	if (it->type == CFG_INT64) {
		*v = it->v.i64;
		return 0;
	}
	if (it->type == CFG_UINT64 && it->v.u64 <= (uint64_t)INT64_MAX) {
		*v = (int64_t)it->v.u64;
		return 0;
	}
	return -EPROTOTYPE;
}

int
kv_config_get_string(pmemkv_config *c, const char *key, const char **v)
{
	struct cfg_item *it;
	int ret = cfg_lookup(c, key, v, &it);
	if (ret)
		return ret;
	if (it->type != CFG_STRING)
		return -EPROTOTYPE;
	*v = it->v.data.ptr;
	return 0;
}

int
kv_config_get_object(pmemkv_config *c, const char *key, void **v)
{
	struct cfg_item *it;
	int ret = cfg_lookup(c, key, v, &it);
	if (ret)
		return ret;
	if (it->type != CFG_OBJECT)
		return -EPROTOTYPE;
	*v = it->v.obj.getter ? it->v.obj.getter(it->v.obj.value) : it->v.obj.value;
	return 0;
}

/* cfg_get_status -- a getter's errno to a status with the message of (K2). */
static int
cfg_get_status(int ret, pmemkv_config *c, const char *key, const char *func,
	       const char *want)
{
	switch (ret) {
	case 0:
		return PMEMKV_STATUS_OK;
	case -ENOENT:
		err_clear();
		return PMEMKV_STATUS_NOT_FOUND;
	case -EPROTOTYPE: {
		struct cfg_item *it = cfg_find(c, key);
		if (it && (it->type == CFG_INT64 || it->type == CFG_UINT64) &&
		    (!strcmp(want, "uint64") || !strcmp(want, "int64")))
			return kv_err(PMEMKV_STATUS_CONFIG_TYPE_ERROR,
				      "%s: config item '%s' (%s) is out of range of %s",
				      func, key, cfg_type_names[it->type], want);
		return kv_err(PMEMKV_STATUS_CONFIG_TYPE_ERROR,
			      "%s: config item '%s' is of type %s, not %s", func, key,
			      it ? cfg_type_names[it->type] : "?", want);
	}
	default:
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", func,
			      !c ? "config" : !key ? "key" : "the output pointer");
	}
}

int
pmemkv_config_get_data(pmemkv_config *c, const char *key, const void **value,
		       size_t *value_size)
{
	struct cfg_item *it;
	int ret = cfg_lookup(c, key, value, &it);
	if (ret == 0 && !value_size)
		ret = -EINVAL;
	if (ret == 0 && it->type != CFG_DATA)
		ret = -EPROTOTYPE;
	if (ret == 0) {
		*value = it->v.data.ptr;
		*value_size = it->v.data.size;
	}
	return cfg_get_status(ret, c, key, __func__, "data");
}

int
pmemkv_config_get_object(pmemkv_config *c, const char *key, void **value)
{
	return cfg_get_status(kv_config_get_object(c, key, value), c, key, __func__,
			      "object");
}

int
pmemkv_config_get_uint64(pmemkv_config *c, const char *key, uint64_t *value)
{
	return cfg_get_status(kv_config_get_uint64(c, key, value), c, key, __func__,
			      "uint64");
}

int
pmemkv_config_get_int64(pmemkv_config *c, const char *key, int64_t *value)
{
	return cfg_get_status(kv_config_get_int64(c, key, value), c, key, __func__,
			      "int64");
}

int
pmemkv_config_get_string(pmemkv_config *c, const char *key, const char **value)
{
	return cfg_get_status(kv_config_get_string(c, key, value), c, key, __func__,
			      "string");
}

/* Well-known items. */

int
pmemkv_config_put_size(pmemkv_config *c, uint64_t value)
{
	return pmemkv_config_put_uint64(c, "size", value);
}

int
pmemkv_config_put_path(pmemkv_config *c, const char *value)
{
	return pmemkv_config_put_string(c, "path", value);
}

int
pmemkv_config_put_create_or_error_if_exists(pmemkv_config *c, bool value)
{
	return pmemkv_config_put_uint64(c, "create_or_error_if_exists", value ? 1 : 0);
}

/* Deprecated alias (libpmemkv 1.5 keeps it): same item. */
int
pmemkv_config_put_force_create(pmemkv_config *c, bool value)
{
	return pmemkv_config_put_create_or_error_if_exists(c, value);
}

int
pmemkv_config_put_create_if_missing(pmemkv_config *c, bool value)
{
	return pmemkv_config_put_uint64(c, "create_if_missing", value ? 1 : 0);
}

static void
comparator_deleter(void *p)
{
	pmemkv_comparator_delete(p);
}

int
pmemkv_config_put_comparator(pmemkv_config *c, pmemkv_comparator *comparator)
{
	if (c && !comparator)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: comparator is NULL",
			      __func__);
	return pmemkv_config_put_object(c, "comparator", comparator, comparator_deleter);
}

int
pmemkv_config_put_oid(pmemkv_config *c, PMEMoid *oid)
{
	if (!c || !oid)
		return kv_err(PMEMKV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", __func__,
			      !c ? "config" : "oid");
	return kv_err(PMEMKV_STATUS_NOT_SUPPORTED,
		      "%s: a libpmemobj PMEMoid root is not supported by this implementation "
		      "(it keeps its own pool format); use pmemkv_config_put_path",
		      __func__);
}

/* Comparators. */

pmemkv_comparator *
pmemkv_comparator_new(pmemkv_compare_function *fn, const char *name, void *arg)
{
	if (!fn || !name) {
		err_set("pmemkv_comparator_new: %s is NULL", !fn ? "fn" : "name");
		return NULL;
	}
	pmemkv_comparator *cmp = malloc(sizeof(*cmp));
	char *n = strdup(name);
	if (!cmp || !n) {
		free(cmp);
		free(n);
		err_set("pmemkv_comparator_new: out of memory");
		return NULL;
	}
	cmp->fn = fn;
	cmp->arg = arg;
	cmp->name = n;
	return cmp;
}

void
pmemkv_comparator_delete(pmemkv_comparator *cmp)
{
	if (!cmp)
		return;
	free(cmp->name);
	free(cmp);
}
