/*
 * test_errormsg_mt.c -- pmemkv_errormsg() is per thread: threads failing
 * with different messages at the same time each read their own, and a
 * NOT_FOUND in one thread does not clear another's. Runs concurrent calls
 * on one blackhole db (label mt: run under TSan).
 */
#include <pthread.h>

#include "kv_test.h"

#define THREADS 4
#define ROUNDS 20000

static pmemkv_db *db;

static void *
worker(void *arg)
{
	long id = (long)arg;
	char key[32];
	for (int i = 0; i < ROUNDS; i++) {
		int kl = snprintf(key, sizeof(key), "t%ld-%d", id, i);
		T_ST(pmemkv_put(db, key, (size_t)kl, key, (size_t)kl), PMEMKV_STATUS_OK);
		if (id % 2) {
			/* odd threads fail with a NULL key: a message naming put */
			T_ST(pmemkv_put(db, NULL, (size_t)id, "v", 1),
			     PMEMKV_STATUS_INVALID_ARGUMENT);
			T_MSG_HAS("pmemkv_put");
			char want[64];
			snprintf(want, sizeof(want), "length is %ld", id);
			T_MSG_HAS(want);
		} else {
			/* even threads fail with a NULL cnt, then see "" after NOT_FOUND */
			T_ST(pmemkv_count_all(db, NULL), PMEMKV_STATUS_INVALID_ARGUMENT);
			T_MSG_HAS("pmemkv_count_all");
			T_ST(pmemkv_exists(db, key, (size_t)kl), PMEMKV_STATUS_NOT_FOUND);
			T_NOMSG();
		}
	}
	return NULL;
}

int
main(void)
{
	T_ST(pmemkv_open("blackhole", pmemkv_config_new(), &db), PMEMKV_STATUS_OK);
	pthread_t th[THREADS];
	for (long i = 0; i < THREADS; i++)
		T_EQ(pthread_create(&th[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		T_EQ(pthread_join(th[i], NULL), 0);
	pmemkv_close(db);
	return 0;
}
