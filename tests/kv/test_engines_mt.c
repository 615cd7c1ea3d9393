/*
 * test_engines_mt.c -- concurrent use of one db through the public API
 * (label mt: run under TSan): writer threads put / overwrite / remove their
 * own keys and verify them with get and get_copy, while a reader thread
 * walks get_all and count_all. Run once per engine given as argument.
 * At the end count_all is exact and every surviving key has its last value.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "kv_test.h"

#define WRITERS 4
#define KEYS 2000

static pmemkv_db *db;
static int stores;
static atomic_int writers_done;
static char pool_path[160];

static int
walk_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	/* each value starts with its key: a torn or stale pointer shows here */
	if (vb < kb || memcmp(k, v, kb) != 0)
		T_FAIL("record %.*s has a value not starting with its key", (int)kb, k);
	(*(size_t *)arg)++;
	return 0;
}

static void *
reader(void *arg)
{
	(void)arg;
	while (atomic_load(&writers_done) < WRITERS) {
		size_t n = 0, cnt = 0;
		T_ST(pmemkv_get_all(db, walk_cb, &n),
		     stores ? PMEMKV_STATUS_OK : PMEMKV_STATUS_NOT_FOUND);
		T_ST(pmemkv_count_all(db, &cnt), PMEMKV_STATUS_OK);
		T_ASSERT(cnt <= (size_t)WRITERS * KEYS);
	}
	return NULL;
}

static void *
writer(void *arg)
{
	long id = (long)arg;
	char k[32], v[128], buf[128];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < KEYS; i++) {
			int kl = snprintf(k, sizeof(k), "w%ld-%d", id, i);
			int vl = snprintf(v, sizeof(v), "%s=%d/%0*d", k, round, i % 50, 0);
			T_ST(pmemkv_put(db, k, (size_t)kl, v, (size_t)vl), PMEMKV_STATUS_OK);
			size_t vs = 0;
			int st = pmemkv_get_copy(db, k, (size_t)kl, buf, sizeof(buf), &vs);
			if (stores) {
				T_ST(st, PMEMKV_STATUS_OK);
				T_EQ(vs, vl);
				T_MEMEQ(buf, v, (size_t)vl);
			} else {
				T_ST(st, PMEMKV_STATUS_NOT_FOUND);
			}
		}
		for (int i = round; i < KEYS; i += 3) {
			int kl = snprintf(k, sizeof(k), "w%ld-%d", id, i);
			T_ST(pmemkv_remove(db, k, (size_t)kl), PMEMKV_STATUS_OK);
		}
	}
	atomic_fetch_add(&writers_done, 1);
	return NULL;
}

int
main(int argc, char **argv)
{
	if (argc != 2)
		T_FAIL("usage: %s ENGINE", argv[0]);
	pmemkv_config *c = pmemkv_config_new();
	stores = strcmp(argv[1], "blackhole") != 0;
	if (stores) {
		kvt_path(pool_path, sizeof(pool_path), "mt");
		pmemkv_config_put_path(c, pool_path);
		pmemkv_config_put_size(c, 256ull << 20);
		pmemkv_config_put_create_or_error_if_exists(c, true);
	}
	T_ST(pmemkv_open(argv[1], c, &db), PMEMKV_STATUS_OK);
	pthread_t w[WRITERS], r;
	T_EQ(pthread_create(&r, NULL, reader, NULL), 0);
	for (long i = 0; i < WRITERS; i++)
		T_EQ(pthread_create(&w[i], NULL, writer, (void *)i), 0);
	for (int i = 0; i < WRITERS; i++)
		T_EQ(pthread_join(w[i], NULL), 0);
	T_EQ(pthread_join(r, NULL), 0);

	/* every round re-puts all keys, then removes i = round, round + 3, ...:
	 * the survivors are all but the keys removed in round 2 */
	size_t cnt = 0, want = 0;
	for (int i = 0; i < KEYS; i++)
		want += !(i >= 2 && (i - 2) % 3 == 0);
	T_ST(pmemkv_count_all(db, &cnt), PMEMKV_STATUS_OK);
	T_EQ(cnt, stores ? want * WRITERS : 0);
	if (stores) {
		char k[32], v[128];
		for (long id = 0; id < WRITERS; id++)
			for (int i = 0; i < KEYS; i++) {
				int kl = snprintf(k, sizeof(k), "w%ld-%d", id, i);
				int vl = snprintf(v, sizeof(v), "%s=%d/%0*d", k, 2, i % 50, 0);
				char buf[128];
				size_t vs;
				int st = pmemkv_get_copy(db, k, (size_t)kl, buf, sizeof(buf), &vs);
				if (i >= 2 && (i - 2) % 3 == 0) {
					T_ST(st, PMEMKV_STATUS_NOT_FOUND);
				} else {
					T_ST(st, PMEMKV_STATUS_OK);
					T_EQ(vs, vl);
					T_MEMEQ(buf, v, (size_t)vl);
				}
			}
	}
	pmemkv_close(db);
	if (stores)
		unlink(pool_path);
	return 0;
}
