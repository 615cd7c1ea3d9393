/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * put.c -- pmemkv-cli put <path> <key> <value>: insert or overwrite.
 */
#include <string.h>

#include "cli.h"

#define USAGE "pmemkv-cli put <path> <key> <value>"

int
cli_cmd_put(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, 3, 3, USAGE, &o);
	if (r != CLI_OK)
		return r;
	pmemkv_db *db;
	if ((r = cli_open(o.pos[0], &o, false, &db)) != CLI_OK)
		return r;
	int s = pmemkv_put(db, o.pos[1], strlen(o.pos[1]), o.pos[2], strlen(o.pos[2]));
	r = s == PMEMKV_STATUS_OK ? CLI_OK : cli_fail("put", o.pos[0], s);
	pmemkv_close(db);
	return r;
}
