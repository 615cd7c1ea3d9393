/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * info.c -- pmemkv-cli info <path>: engine, durability mode in force, pool
 * size, bytes used by the engine, records, bytes per record
 * (pmemkv_get_stats).
 */
#include "cli.h"

#define USAGE "pmemkv-cli info <path>"

int
cli_cmd_info(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, 1, 1, USAGE, &o);
	if (r != CLI_OK)
		return r;
	pmemkv_db *db;
	if ((r = cli_open(o.pos[0], &o, false, &db)) != CLI_OK)
		return r;
	pmemkv_stats st;
	int s = pmemkv_get_stats(db, &st);
	if (s == PMEMKV_STATUS_OK) {
		printf("path:             %s\n", o.pos[0]);
		printf("engine:           %s\n", o.engine);
		printf("durability:       %s\n", st.durability);
		printf("pool size:        %llu bytes (%.1f MiB)\n",
		       (unsigned long long)st.pool_size, (double)st.pool_size / 1048576.0);
		printf("used bytes:       %llu bytes (%.1f MiB)\n",
		       (unsigned long long)st.used_bytes, (double)st.used_bytes / 1048576.0);
		printf("records:          %llu\n", (unsigned long long)st.records);
		if (st.records)
			printf("bytes per record: %.1f\n",
			       (double)st.used_bytes / (double)st.records);
		else
			printf("bytes per record: -\n");
		r = CLI_OK;
	} else {
		r = cli_fail("info", o.pos[0], s);
	}
	pmemkv_close(db);
	return r;
}
