/*
 * blackhole.c -- the engine that accepts everything and stores nothing, as
 * upstream's (libpmemkv 1.5 src/engines/blackhole.cc and its test): put and
 * remove succeed; get, exists, get_all and the range gets find nothing
 * (NOT_FOUND, no callback); every count succeeds with 0; defrag is not
 * offered (NOT_SUPPORTED). Volatile: needs no path. Useful to measure the
 * cost of the API layer alone.
 */
#include <errno.h>
#include <stdlib.h>

#include "engines/engine.h"

/* A distinct non-NULL handle; blackhole keeps no state. */
static char blackhole_token;

static int
bh_open(const struct engine_config *cfg, void **handle)
{
	(void)cfg;
	*handle = &blackhole_token;
	return 0;
}

static void
bh_close(void *h)
{
	(void)h;
}

static int
bh_count(void *h, size_t *cnt)
{
	(void)h;
	*cnt = 0;
	return 0;
}

static int
bh_get_all(void *h, engine_kv_cb *cb, void *arg)
{
	(void)h;
	(void)cb;
	(void)arg;
	return -ENOENT;
}

static int
bh_exists(void *h, const char *k, size_t kb)
{
	(void)h;
	(void)k;
	(void)kb;
	return -ENOENT;
}

static int
bh_get(void *h, const char *k, size_t kb, engine_v_cb *cb, void *arg)
{
	(void)h;
	(void)k;
	(void)kb;
	(void)cb;
	(void)arg;
	return -ENOENT;
}

static int
bh_put(void *h, const char *k, size_t kb, const char *v, size_t vb)
{
	(void)h;
	(void)k;
	(void)kb;
	(void)v;
	(void)vb;
	return 0;
}

static int
bh_remove(void *h, const char *k, size_t kb)
{
	(void)h;
	(void)k;
	(void)kb;
	return 0;
}

static int
bh_info(void *h, struct engine_info *info)
{
	(void)h;
	info->mode = PMEM_MODE_AUTO;
	info->pool_size = 0;
	info->used_bytes = 0;
	info->records = 0;
	return 0;
}

static int
bh_count_key(void *h, const char *k, size_t kb, size_t *cnt)
{
	(void)k;
	(void)kb;
	return bh_count(h, cnt);
}

static int
bh_count_between(void *h, const char *k1, size_t kb1, const char *k2, size_t kb2,
		 size_t *cnt)
{
	(void)k1;
	(void)kb1;
	(void)k2;
	(void)kb2;
	return bh_count(h, cnt);
}

static int
bh_get_key(void *h, const char *k, size_t kb, engine_kv_cb *cb, void *arg)
{
	(void)k;
	(void)kb;
	return bh_get_all(h, cb, arg);
}

static int
bh_get_between(void *h, const char *k1, size_t kb1, const char *k2, size_t kb2,
	       engine_kv_cb *cb, void *arg)
{
	(void)k1;
	(void)kb1;
	(void)k2;
	(void)kb2;
	return bh_get_all(h, cb, arg);
}

const struct engine_ops blackhole_engine_ops = {
	.name = "blackhole",
	.persistent = 0,
	.sorted = 0,
	.open = bh_open,
	.close = bh_close,
	.count_all = bh_count,
	.get_all = bh_get_all,
	.exists = bh_exists,
	.get = bh_get,
	.put = bh_put,
	.remove = bh_remove,
	.defrag = NULL,
	.info = bh_info,
	.count_above = bh_count_key,
	.count_equal_above = bh_count_key,
	.count_equal_below = bh_count_key,
	.count_below = bh_count_key,
	.count_between = bh_count_between,
	.get_above = bh_get_key,
	.get_equal_above = bh_get_key,
	.get_equal_below = bh_get_key,
	.get_below = bh_get_key,
	.get_between = bh_get_between,
};
