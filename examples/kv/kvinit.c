/*
 * kvinit.c -- create-or-open helper of the C example (see kvinit.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "kvinit.h"

const char *
kvinit_path(const char *arg)
{
	static char buf[4096];
	if (arg && arg[0])
		return arg;
	const char *env = getenv("PMEMKV_PATH");
	if (env && env[0])
		return env;
	const char *tmp = getenv("TMPDIR");
	snprintf(buf, sizeof(buf), "%s/pmemkv-example.pool", tmp && tmp[0] ? tmp : "/tmp");
	return buf;
}

pmemkv_db *
kvinit(const char *path, uint64_t size)
{
	pmemkv_config *cfg = pmemkv_config_new();
	if (!cfg) {
		fprintf(stderr, "pmemkv_config_new: %s\n", pmemkv_errormsg());
		return NULL;
	}
	int s = pmemkv_config_put_path(cfg, path);
	if (s == PMEMKV_STATUS_OK)
		s = pmemkv_config_put_size(cfg, size);
	if (s == PMEMKV_STATUS_OK)
		s = pmemkv_config_put_create_if_missing(cfg, true);
	if (s != PMEMKV_STATUS_OK) {
		fprintf(stderr, "config: status %d: %s\n", s, pmemkv_errormsg());
		pmemkv_config_delete(cfg);
		return NULL;
	}

	pmemkv_db *db = NULL;
	s = pmemkv_open("cmap", cfg, &db); /* consumes cfg, whatever the outcome */
	if (s != PMEMKV_STATUS_OK) {
		fprintf(stderr, "pmemkv_open(cmap, %s): status %d: %s\n", path, s,
			pmemkv_errormsg());
		return NULL;
	}
	return db;
}
