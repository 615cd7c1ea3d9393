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
	if (s == PMEMKV_STATUS_OK) {
		r = CLI_OK;
	} else if (s == PMEMKV_STATUS_NOT_FOUND) {
		fprintf(stderr, "pmemkv-cli: remove: key '");
		cli_print_escaped(stderr, o.pos[1], strlen(o.pos[1]));
		fprintf(stderr, "' not found in %s\n", o.pos[0]);
		r = CLI_FAIL;
	} else {
		r = cli_fail("remove", o.pos[0], s);
	}
	pmemkv_close(db);
	return r;
}
