/*
 * test_io_error.c -- after a write or sync of the pool file fails, a put or
 * remove is not acknowledged as OK (the void fences could not make it
 * durable): UNKNOWN_ERROR with a message; close leaves the pool dirty, and
 * the next open recovers it. The failure is injected through the pmem layer's
 * latch (pmem_io_error), as a full or failing disk would set it.
 */
#include "kv_test.h"
#include "pmem/pmem_internal.h"

#include <errno.h>

static pmemkv_db *
open_db(const char *path, int create)
{
	pmemkv_config *cfg = pmemkv_config_new();
	T_ASSERT(cfg != NULL);
	T_ST(pmemkv_config_put_path(cfg, path), PMEMKV_STATUS_OK);
	if (create) {
		T_ST(pmemkv_config_put_size(cfg, 16u << 20), PMEMKV_STATUS_OK);
		T_ST(pmemkv_config_put_create_or_error_if_exists(cfg, true), PMEMKV_STATUS_OK);
	}
	pmemkv_db *db = NULL;
	T_ST(pmemkv_open("cmap", cfg, &db), PMEMKV_STATUS_OK);
	return db;
}

static void
test_write_after_io_error_is_not_acknowledged(void)
{
	char path[128];
	snprintf(path, sizeof(path), "/dev/shm/pmemkv-ioerr-%d.pool", (int)getpid());
	unlink(path);
	pmemkv_db *db = open_db(path, 1);
	T_ST(pmemkv_put(db, "a", 1, "1", 1), PMEMKV_STATUS_OK);

	pmem_io_error("simulated fdatasync", EIO);
	T_ST_MSG(pmemkv_put(db, "b", 1, "2", 1), PMEMKV_STATUS_UNKNOWN_ERROR);
	T_ASSERT(strstr(pmemkv_errormsg(), "not known durable") != NULL);
	T_ST_MSG(pmemkv_remove(db, "a", 1), PMEMKV_STATUS_UNKNOWN_ERROR);
	/* reads still work */
	size_t n = 0;
	T_ST(pmemkv_count_all(db, &n), PMEMKV_STATUS_OK);
	pmemkv_close(db);

	/* the pool was left dirty: this open recovers it and stays consistent */
	db = open_db(path, 0);
	T_ST(pmemkv_count_all(db, &n), PMEMKV_STATUS_OK);
	T_ASSERT(n <= 2);
	pmemkv_close(db);
	unlink(path);
}

int
main(void)
{
	T_RUN(test_write_after_io_error_is_not_acknowledged);
	return 0;
}
