/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * get.c -- pmemkv-cli get <path> <key>: print the value (escaped) and a
 * newline; exit 1 with a message if the key is absent.
 */
#include <string.h>

#include "cli.h"

#define USAGE "pmemkv-cli get <path> <key>"

static void
print_value(const char *v, size_t vb, void *arg)
{
	(void)arg;
	cli_print_escaped(stdout, v, vb);
	fputc('\n', stdout);
}

int
cli_cmd_get(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, 2, 2, USAGE, &o);
	if (r != CLI_OK)
		return r;
	pmemkv_db *db;
	if ((r = cli_open(o.pos[0], &o, false, &db)) != CLI_OK)
		return r;
	int s = pmemkv_get(db, o.pos[1], strlen(o.pos[1]), print_value, NULL);
	r = cli_key_status("get", o.pos[0], o.pos[1], s);
	pmemkv_close(db);
	return r;
}
