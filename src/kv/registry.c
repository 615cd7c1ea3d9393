/*
 * registry.c -- engine name -> ops table. To add an engine: define its
 * `const struct engine_ops <name>_engine_ops` under src/engines/<name>/,
 * declare it in src/engines/engine.h and add one line to `engines` below
 * (vsmap, vcmap and csmap slot in the same way). Order is alphabetical: it
 * is the order of the "available engines" message.
 */
#include <stdio.h>
#include <string.h>

#include "kv/kv.h"

static const struct engine_ops *const engines[] = {
	&blackhole_engine_ops,
	&cmap_engine_ops,
};

const struct engine_ops *
kv_engine_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (strcmp(engines[i]->name, name) == 0)
			return engines[i];
	return NULL;
}

void
kv_engine_list(char *buf, size_t len)
{
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]) && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				 engines[i]->name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}
