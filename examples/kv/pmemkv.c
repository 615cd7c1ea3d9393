/*
 * pmemkv.c -- the seed example, in C.
 *
 *   pmemkv_c [PATH [KEY=VALUE ...]]
 *
 * Opens (creating if missing) a cmap store in the pool file PATH (default:
 * $PMEMKV_PATH, else ${TMPDIR:-/tmp}/pmemkv-example.pool), puts the pairs
 * given (default key1=value1 key2=value2 key3=value3; a single "-" puts
 * nothing), prints every pair in the store with get_all, the count, and the
 * first key put (or key1) read with get_copy, then closes the store.
 *
 * Each put returns only once the pair is persistent (see README.md). The
 * output format is shared with pmemkv.cpp and kv.py (the run_*.sh scripts
 * check it):
 *   [c] pool: PATH (durability: MODE)
 *   [c] put KEY = VALUE
 *   [c] get_all:
 *   [c]   KEY = VALUE          (one per pair, in the engine's order)
 *   [c] count_all: N
 *   [c] get_copy KEY = VALUE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpmemkv.h>

#include "kvinit.h"

#define TAG "[c] "

/*
 * print_pair -- get_all callback. k and v point into the pool (zero copy)
 * and are not NUL-terminated: print exactly kb / vb bytes. Returning 0
 * continues the iteration.
 */
static int
print_pair(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	(void)arg;
	printf(TAG "  %.*s = %.*s\n", (int)kb, k, (int)vb, v);
	return 0;
}

/* put_pair -- put "KEY=VALUE" (the first '=' splits). */
static int
put_pair(pmemkv_db *db, const char *pair)
{
	const char *eq = strchr(pair, '=');
	if (!eq) {
		fprintf(stderr, "argument \"%s\" is not KEY=VALUE\n", pair);
		return -1;
	}
	size_t kb = (size_t)(eq - pair);
	int s = pmemkv_put(db, pair, kb, eq + 1, strlen(eq + 1));
	if (s != PMEMKV_STATUS_OK) {
		fprintf(stderr, "pmemkv_put(%.*s): status %d: %s\n", (int)kb, pair, s,
			pmemkv_errormsg());
		return -1;
	}
	printf(TAG "put %.*s = %s\n", (int)kb, pair, eq + 1);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const char *defaults[] = {"key1=value1", "key2=value2", "key3=value3"};
	const char *path = kvinit_path(argc > 1 ? argv[1] : NULL);
	const char **pairs = defaults;
	int npairs = 3;
	if (argc > 2) {
		pairs = (const char **)&argv[2];
		npairs = argc - 2;
		if (npairs == 1 && strcmp(pairs[0], "-") == 0)
			npairs = 0;
	}

	pmemkv_db *db = kvinit(path, KVINIT_POOL_SIZE);
	if (!db)
		return 1;
	pmemkv_stats st;
	const char *mode = pmemkv_get_stats(db, &st) == PMEMKV_STATUS_OK ? st.durability : "?";
	printf(TAG "pool: %s (durability: %s)\n", path, mode);

	int ret = 1;
	for (int i = 0; i < npairs; i++)
		if (put_pair(db, pairs[i]))
			goto out;

	printf(TAG "get_all:\n");
	int s = pmemkv_get_all(db, print_pair, NULL);
	if (s != PMEMKV_STATUS_OK) {
		fprintf(stderr, "pmemkv_get_all: status %d: %s\n", s, pmemkv_errormsg());
		goto out;
	}

	size_t cnt = 0;
	s = pmemkv_count_all(db, &cnt);
	if (s != PMEMKV_STATUS_OK) {
		fprintf(stderr, "pmemkv_count_all: status %d: %s\n", s, pmemkv_errormsg());
		goto out;
	}
	printf(TAG "count_all: %zu\n", cnt);

	/* get_copy: copy the value out (the buffer is zeroed first) */
	const char *key = "key1";
	size_t kb = strlen(key);
	if (npairs > 0) {
		key = pairs[0];
		kb = (size_t)(strchr(key, '=') - key);
	}
	char buf[256];
	size_t vb = 0;
	s = pmemkv_get_copy(db, key, kb, buf, sizeof(buf), &vb);
	if (s == PMEMKV_STATUS_OK) {
		printf(TAG "get_copy %.*s = %.*s\n", (int)kb, key, (int)vb, buf);
	} else if (s == PMEMKV_STATUS_OUT_OF_MEMORY) {
		printf(TAG "get_copy %.*s: value of %zu bytes does not fit in %zu\n", (int)kb,
		       key, vb, sizeof(buf));
	} else {
		fprintf(stderr, "pmemkv_get_copy(%.*s): status %d: %s\n", (int)kb, key, s,
			s == PMEMKV_STATUS_NOT_FOUND ? "not found" : pmemkv_errormsg());
		goto out;
	}
	ret = 0;
out:
	pmemkv_close(db);
	return ret;
}
