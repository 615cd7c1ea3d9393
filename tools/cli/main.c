/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c -- pmemkv-cli: dispatch to one subcommand per file.
 */
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{"create", cli_cmd_create, "create <path> --size N[K|M|G] [--engine cmap]"},
	{"put", cli_cmd_put, "put <path> <key> <value>"},
	{"get", cli_cmd_get, "get <path> <key>"},
	{"remove", cli_cmd_remove, "remove <path> <key>"},
	{"list", cli_cmd_list, "list <path>"},
	{"count", cli_cmd_count, "count <path>"},
	{"info", cli_cmd_info, "info <path>"},
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: pmemkv-cli <command> [args] [--engine NAME] [--durability MODE]\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s\n", cmds[i].help);
	fprintf(f, "options (any command):\n"
		   "  --engine NAME       engine of the pool (default cmap)\n"
		   "  --durability MODE   auto|pmem|msync|process\n"
		   "keys and values are taken byte for byte from the arguments; get and list\n"
		   "print them with non-printable bytes as \\xHH and backslash as \\\\.\n"
		   "put -- before a key or value that starts with --.\n"
		   "exit status: 0 success, 1 failure (get/remove of a missing key too),\n"
		   "2 usage error\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pmemkv-cli: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
