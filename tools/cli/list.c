/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * list.c -- pmemkv-cli list <path>: every pair, one per line, as
 * "key<TAB>value" with both escaped (so neither holds a raw tab or newline).
 * Order: the engine's (unordered for cmap).
 */
#include "cli.h"

#define USAGE "pmemkv-cli list <path>"

static int
print_pair(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	(void)arg;
	cli_print_escaped(stdout, k, kb);
	fputc('\t', stdout);
	cli_print_escaped(stdout, v, vb);
	fputc('\n', stdout);
	return 0;
}

int
cli_cmd_list(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, 1, 1, USAGE, &o);
	if (r != CLI_OK)
		return r;
	pmemkv_db *db;
	if ((r = cli_open(o.pos[0], &o, false, &db)) != CLI_OK)
		return r;
	int s = pmemkv_get_all(db, print_pair, NULL);
	r = s == PMEMKV_STATUS_OK ? CLI_OK : cli_fail("list", o.pos[0], s);
	pmemkv_close(db);
	if (fflush(stdout) != 0)
		r = CLI_FAIL;
	return r;
}
