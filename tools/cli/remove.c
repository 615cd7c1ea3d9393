/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * remove.c -- pmemkv-cli remove <path> <key>: exit 1 with a message if the
 * key is absent.
 */
#include <string.h>

#include "cli.h"

#define USAGE "pmemkv-cli remove <path> <key>"

int
cli_cmd_remove(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, 2, 2, USAGE, &o);
	if (r != CLI_OK)
		return r;
	pmemkv_db *db;
	if ((r = cli_open(o.pos[0], &o, false, &db)) != CLI_OK)
		return r;
	int s = pmemkv_remove(db, o.pos[1], strlen(o.pos[1]));
	r = cli_key_status("remove", o.pos[0], o.pos[1], s);
	pmemkv_close(db);
	return r;
}
