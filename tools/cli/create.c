/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * create.c -- pmemkv-cli create <path> --size N [--engine cmap]: a new pool;
 * fails if the file exists.
 */
#include "cli.h"

#define USAGE "pmemkv-cli create <path> --size N[K|M|G] [--engine cmap] [--durability MODE]"

int
cli_cmd_create(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, 1, 1, USAGE, &o);
	if (r != CLI_OK)
		return r;
	if (o.size == 0) {
		fprintf(stderr, "pmemkv-cli: create: --size is required\nusage: %s\n", USAGE);
		return CLI_USAGE;
	}
	pmemkv_db *db;
	if ((r = cli_open(o.pos[0], &o, true, &db)) != CLI_OK)
		return r;
	pmemkv_stats st;
	int s = pmemkv_get_stats(db, &st);
	if (s == PMEMKV_STATUS_OK)
		printf("created %s: engine %s, pool size %llu bytes, durability %s\n", o.pos[0],
		       o.engine, (unsigned long long)st.pool_size, st.durability);
	else
		printf("created %s: engine %s\n", o.pos[0], o.engine);
	pmemkv_close(db);
	return CLI_OK;
}
