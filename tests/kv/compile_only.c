/*
 * compile_only.c -- the public header alone, from C (built with -Wpedantic),
 * linked against the shared library: proves the header is self-contained and
 * that a libpmemkv 1.5 program needs nothing else. Run: opens blackhole.
 */
#include <libpmemkv.h>

static int
count_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	(void)k;
	(void)kb;
	(void)v;
	(void)vb;
	++*(int *)arg;
	return 0;
}

int
main(void)
{
	pmemkv_config *cfg = pmemkv_config_new();
	if (!cfg)
		return 1;
	/* the deprecated setter still compiles (warning silenced for this call) */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
	if (pmemkv_config_put_force_create(cfg, false) != PMEMKV_STATUS_OK)
		return 2;
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
	pmemkv_db *db = NULL;
	if (pmemkv_open("blackhole", cfg, &db) != PMEMKV_STATUS_OK)
		return 3;
	int n = 0;
	if (pmemkv_put(db, "k", 1, "v", 1) != PMEMKV_STATUS_OK ||
	    pmemkv_get_all(db, count_cb, &n) != PMEMKV_STATUS_NOT_FOUND || n != 0)
		return 4;
	pmemkv_stats st;
	if (pmemkv_get_stats(db, &st) != PMEMKV_STATUS_OK)
		return 5;
	PMEMoid oid = {0, 0};
	(void)oid;
	pmemkv_write_iterator *wit = NULL;
	if (pmemkv_write_iterator_new(db, &wit) != PMEMKV_STATUS_NOT_SUPPORTED)
		return 6;
	pmemkv_close(db);
	return pmemkv_errormsg() ? 0 : 7;
}
