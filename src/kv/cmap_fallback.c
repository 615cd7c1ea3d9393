/*
 * cmap_fallback.c -- TEMPORARY weak stand-in for cmap_engine_ops while the
 * cmap engine (src/engines/cmap) is being written: opening "cmap" fails with
 * NOT_SUPPORTED. The strong definition in src/engines/cmap wins as soon as
 * it exists (this file holds nothing else, so a static link never prefers
 * it). To be deleted once cmap has landed.
 */
#include <errno.h>

#include "common/common.h"
#include "engines/engine.h"

static int
cmap_fallback_open(const struct engine_config *cfg, void **handle)
{
	(void)cfg;
	(void)handle;
	err_set("engine cmap is not built into this library yet");
	return -ENOTSUP;
}

static void
cmap_fallback_close(void *h)
{
	(void)h;
}

__attribute__((weak)) const struct engine_ops cmap_engine_ops = {
	.name = "cmap",
	.persistent = 1,
	.open = cmap_fallback_open,
	.close = cmap_fallback_close,
};
