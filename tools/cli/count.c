/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * count.c -- pmemkv-cli count <path>: the number of records.
 */
#include "cli.h"

#define USAGE "pmemkv-cli count <path>"

int
cli_cmd_count(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, 1, 1, USAGE, &o);
	if (r != CLI_OK)
		return r;
	pmemkv_db *db;
	if ((r = cli_open(o.pos[0], &o, false, &db)) != CLI_OK)
		return r;
	size_t cnt = 0;
	int s = pmemkv_count_all(db, &cnt);
	if (s == PMEMKV_STATUS_OK) {
		printf("%zu\n", cnt);
		r = CLI_OK;
	} else {
		r = cli_fail("count", o.pos[0], s);
	}
	pmemkv_close(db);
	return r;
}
