/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * common.c -- what the pmemkv-cli subcommands share: option parsing, opening
 * a pool, error messages, escaping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *
status_name(int s)
{
	static const char *names[] = {
		"OK", "UNKNOWN_ERROR", "NOT_FOUND", "NOT_SUPPORTED", "INVALID_ARGUMENT",
		"CONFIG_PARSING_ERROR", "CONFIG_TYPE_ERROR", "STOPPED_BY_CB", "OUT_OF_MEMORY",
		"WRONG_ENGINE_NAME", "TRANSACTION_SCOPE_ERROR", "DEFRAG_ERROR",
		"COMPARATOR_MISMATCH",
	};
	if (s >= 0 && (size_t)s < sizeof(names) / sizeof(names[0]))
		return names[s];
	return "?";
}

int
cli_fail(const char *cmd, const char *what, int status)
{
	const char *msg = pmemkv_errormsg();
	fprintf(stderr, "pmemkv-cli: %s: %s: %s%s(%s)\n", cmd, what, msg ? msg : "",
		msg && *msg ? " " : "", status_name(status));
	return CLI_FAIL;
}

int
cli_key_status(const char *cmd, const char *path, const char *key, int status)
{
	if (status == PMEMKV_STATUS_OK)
		return CLI_OK;
	if (status != PMEMKV_STATUS_NOT_FOUND)
		return cli_fail(cmd, path, status);
	fprintf(stderr, "pmemkv-cli: %s: key '", cmd);
	cli_print_escaped(stderr, key, strlen(key));
	fprintf(stderr, "' not found in %s\n", path);
	return CLI_FAIL;
}

/* parse_size -- decimal with an optional K/M/G/T suffix (powers of 1024). */
static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if ((*end == 'b' || *end == 'B') && shift)
		end++;
	if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/*
 * opt_value -- the value of option `name` at argv[*i], given as "--name=V" or
 * "--name V"; NULL (and *bad set) if the value is missing; NULL if argv[*i]
 * is not that option.
 */
static const char *
opt_value(int argc, char **argv, int *i, const char *name, bool *bad)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*bad = true;
		return NULL;
	}
	return argv[++*i];
}

int
cli_parse(int argc, char **argv, int min_pos, int max_pos, const char *usage,
	  struct cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->engine = "cmap";
	bool opts_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool bad = false;
		const char *v;
		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = true;
			continue;
		}
		if (!opts_done && a[0] == '-' && a[1] == '-') {
			if ((v = opt_value(argc, argv, &i, "--engine", &bad))) {
				o->engine = v;
			} else if ((v = opt_value(argc, argv, &i, "--durability", &bad))) {
				o->durability = v;
			} else if ((v = opt_value(argc, argv, &i, "--size", &bad))) {
				if (parse_size(v, &o->size) != 0 || o->size == 0) {
					fprintf(stderr, "pmemkv-cli: %s: bad --size '%s'\n",
						argv[0], v);
					return CLI_USAGE;
				}
			} else {
				fprintf(stderr, "pmemkv-cli: %s: %s '%s'\nusage: %s\n", argv[0],
					bad ? "missing value for" : "unknown option", a, usage);
				return CLI_USAGE;
			}
			if (bad) {
				fprintf(stderr, "pmemkv-cli: %s: missing value for '%s'\n",
					argv[0], a);
				return CLI_USAGE;
			}
			continue;
		}
		if (o->npos >= max_pos) {
			fprintf(stderr, "pmemkv-cli: %s: too many arguments\nusage: %s\n",
				argv[0], usage);
			return CLI_USAGE;
		}
		o->pos[o->npos++] = a;
	}
	if (o->npos < min_pos) {
		fprintf(stderr, "pmemkv-cli: %s: missing arguments\nusage: %s\n", argv[0],
			usage);
		return CLI_USAGE;
	}
	return CLI_OK;
}

int
cli_open(const char *path, const struct cli_opts *o, bool create, pmemkv_db **db)
{
	pmemkv_config *cfg = pmemkv_config_new();
	if (!cfg) {
		fprintf(stderr, "pmemkv-cli: cannot allocate a config\n");
		return CLI_FAIL;
	}
	int r = pmemkv_config_put_path(cfg, path);
	if (r == PMEMKV_STATUS_OK && create) {
		r = pmemkv_config_put_size(cfg, o->size);
		if (r == PMEMKV_STATUS_OK)
			r = pmemkv_config_put_create_or_error_if_exists(cfg, true);
	}
	if (r == PMEMKV_STATUS_OK && o->durability)
		r = pmemkv_config_put_string(cfg, "durability", o->durability);
	if (r != PMEMKV_STATUS_OK) {
		pmemkv_config_delete(cfg);
		return cli_fail("config", path, r);
	}
	/* pmemkv_open consumes the config, whatever the outcome */
	r = pmemkv_open(o->engine, cfg, db);
	if (r != PMEMKV_STATUS_OK) {
		const char *msg = pmemkv_errormsg();
		fprintf(stderr, "pmemkv-cli: cannot %s %s (engine %s): %s%s(%s)\n",
			create ? "create" : "open", path, o->engine, msg ? msg : "",
			msg && *msg ? " " : "", status_name(r));
		return CLI_FAIL;
	}
	return CLI_OK;
}

void
cli_print_escaped(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\')
			fputs("\\\\", f);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}
