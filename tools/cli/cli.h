/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cli.h -- pmemkv-cli: a command-line tool over the public libpmemkv C API
 * (libpmemkv.h only). One file per subcommand (create.c, put.c, ...), this
 * header and common.c hold what they share.
 *
 * Exit status of every subcommand: 0 success, 1 failure (the message, with
 * pmemkv_errormsg() where the library failed, is on stderr), 2 usage error.
 */
#ifndef PMEMKV_CLI_H
#define PMEMKV_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libpmemkv.h>

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

/* Options any subcommand accepts (after its name, anywhere among its args). */
struct cli_opts {
	const char *engine;	/* --engine NAME, default "cmap" */
	const char *durability; /* --durability MODE, NULL = library default */
	uint64_t size;		/* --size N[K|M|G|T], 0 = not given */
	const char *pos[4];	/* positional arguments */
	int npos;
};

/*
 * cli_parse -- split argv (argv[0] is the subcommand name) into options and
 * positional arguments; between min_pos and max_pos positionals are
 * accepted. CLI_OK, or CLI_USAGE after printing why and `usage`.
 */
int cli_parse(int argc, char **argv, int min_pos, int max_pos, const char *usage,
	      struct cli_opts *o);

/*
 * cli_open -- open the pool at path with o->engine (create: a new pool of
 * o->size bytes, error if the file exists). CLI_OK or CLI_FAIL, the message
 * printed.
 */
int cli_open(const char *path, const struct cli_opts *o, bool create, pmemkv_db **db);

/* cli_fail -- print "pmemkv-cli: <cmd>: <what>: <pmemkv_errormsg()>"; CLI_FAIL. */
int cli_fail(const char *cmd, const char *what, int status);

/*
 * cli_key_status -- the result of a single-key operation: CLI_OK for OK,
 * "pmemkv-cli: <cmd>: key '<key>' not found in <path>" and CLI_FAIL for
 * NOT_FOUND, cli_fail() otherwise.
 */
int cli_key_status(const char *cmd, const char *path, const char *key, int status);

/*
 * cli_print_escaped -- write n bytes, printable ASCII as is, backslash as
 * "\\", anything else as \xHH (so tabs and newlines never appear raw).
 */
void cli_print_escaped(FILE *f, const char *s, size_t n);

/* Subcommands: argv[0] is the subcommand name. */
int cli_cmd_create(int argc, char **argv);
int cli_cmd_put(int argc, char **argv);
int cli_cmd_get(int argc, char **argv);
int cli_cmd_remove(int argc, char **argv);
int cli_cmd_list(int argc, char **argv);
int cli_cmd_count(int argc, char **argv);
int cli_cmd_info(int argc, char **argv);

#endif
