/*
 * test_pmem_mt.c -- the pmem layer used from several threads at once: the
 * one-time CPU detection races with the first flushes, and concurrent
 * flush/copy/fence calls on disjoint ranges of one mapping (run under TSan).
 */
#include "common/common.h"
#include "pmem/pmem.h"
#include "test.h"

#include <pthread.h>
#include <unistd.h>

#define THREADS 4
#define REGION (64 * 1024)

static struct pmem_map map;

static void *
worker(void *arg)
{
	size_t id = (size_t)arg;
	unsigned char *r = (unsigned char *)map.addr + id * REGION;
	unsigned char src[1024];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i + id);
	for (int it = 0; it < 2000; it++) {
		size_t off = (size_t)(it * 97) % (REGION - 1024);
		size_t len = 1 + (size_t)(it * 31) % 1000;
		pmem_copy_nodrain(&map, r + off, src, len);
		pmem_fence(&map);
		if (memcmp(r + off, src, len) != 0)
			return (void *)1;
		pmem_set_nodrain(&map, r + off, (int)id, len);
		pmem_persist_range(&map, r + off, len);
		if (r[off] != (unsigned char)id || r[off + len - 1] != (unsigned char)id)
			return (void *)1;
	}
	return pmem_flush_instruction() != NULL ? NULL : (void *)1;
}

int
main(void)
{
	char path[256];
	snprintf(path, sizeof(path), "/dev/shm/pmemkv-test-pmem-mt-%d", (int)getpid());
	unlink(path);
	T_EQ(pmem_map_file(path, PMEM_FILE_CREATE, THREADS * REGION, PMEM_MODE_PROCESS, &map), 0);
	pthread_t th[THREADS];
	for (size_t i = 0; i < THREADS; i++)
		T_EQ(pthread_create(&th[i], NULL, worker, (void *)i), 0);
	for (size_t i = 0; i < THREADS; i++) {
		void *ret;
		T_EQ(pthread_join(th[i], &ret), 0);
		T_ASSERT(ret == NULL);
	}
	pmem_unmap_file(&map);
	unlink(path);
	fprintf(stderr, "OK\n");
	return 0;
}
