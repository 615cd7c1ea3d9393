/*
 * test_open_cmap.c -- pmemkv_open against real cmap pools: create flags on
 * existing / missing files, foreign, truncated and corrupted files, a busy
 * pool, a cmap pool opened as another engine, durability modes. Every
 * refused open leaves the file as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/common.h"
#include "engines/engine.h"
#include "kv/kv.h"
#include "kv_test.h"
#include "pool/pool.h"

#define MiB (1ull << 20)

static pmemkv_config *
cfg(const char *path, uint64_t size, int create_if_missing, int create_or_error)
{
	pmemkv_config *c = pmemkv_config_new();
	T_ASSERT(c != NULL);
	if (path)
		T_ST(pmemkv_config_put_path(c, path), PMEMKV_STATUS_OK);
	if (size)
		T_ST(pmemkv_config_put_size(c, size), PMEMKV_STATUS_OK);
	if (create_if_missing)
		T_ST(pmemkv_config_put_create_if_missing(c, true), PMEMKV_STATUS_OK);
	if (create_or_error)
		T_ST(pmemkv_config_put_create_or_error_if_exists(c, true), PMEMKV_STATUS_OK);
	return c;
}

static void
create_pool(const char *path)
{
	pmemkv_db *db = NULL;
	unlink(path);
	T_ST(pmemkv_open("cmap", cfg(path, 16 * MiB, 0, 1), &db), PMEMKV_STATUS_OK);
	T_ST(pmemkv_put(db, "k", 1, "v", 1), PMEMKV_STATUS_OK);
	pmemkv_close(db);
}

/* file_digest -- size and checksum of a file, to prove it was not modified */
static uint64_t
file_digest(const char *path)
{
	int fd = open(path, O_RDONLY);
	T_ASSERT(fd >= 0);
	struct stat sb;
	T_ASSERT(fstat(fd, &sb) == 0);
	uint64_t h = (uint64_t)sb.st_size;
	static char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		h = hash64(buf, (size_t)n, h);
	close(fd);
	return h;
}

static void
write_file(const char *path, const void *data, size_t len, size_t total)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	T_ASSERT(fd >= 0);
	if (len)
		T_ASSERT(write(fd, data, len) == (ssize_t)len);
	T_ASSERT(ftruncate(fd, (off_t)total) == 0);
	close(fd);
}

static void
refused(const char *path, pmemkv_config *c, int st, const char *msg_has)
{
	uint64_t before = file_digest(path);
	pmemkv_db *db = NULL;
	int got = pmemkv_open("cmap", c, &db);
	if (got != st)
		T_FAIL("open %s: %s, expected %s; errormsg \"%s\"", path, kv_status_name(got),
		       kv_status_name(st), pmemkv_errormsg());
	T_ASSERT(db == NULL);
	T_ASSERT(pmemkv_errormsg()[0] != '\0');
	if (msg_has)
		T_MSG_HAS(msg_has);
	fprintf(stderr, "   refused as expected: %s\n", pmemkv_errormsg());
	T_EQU(file_digest(path), before); /* pool (L1): untouched */
}

static void
test_create_or_error_on_existing_file(void)
{
	char path[128];
	kvt_path(path, sizeof(path), "exists");
	create_pool(path);
	refused(path, cfg(path, 16 * MiB, 0, 1), PMEMKV_STATUS_INVALID_ARGUMENT, "exists");
	/* any existing file, not only pools */
	write_file(path, "hello", 5, 5);
	refused(path, cfg(path, 16 * MiB, 0, 1), PMEMKV_STATUS_INVALID_ARGUMENT, NULL);
	unlink(path);
}

static void
test_open_only_on_missing_file(void)
{
	char path[128];
	kvt_path(path, sizeof(path), "missing");
	pmemkv_db *db = NULL;
	T_ST_MSG(pmemkv_open("cmap", cfg(path, 16 * MiB, 0, 0), &db),
		 PMEMKV_STATUS_INVALID_ARGUMENT);
	T_MSG_HAS("create_if_missing");
	struct stat sb;
	T_ASSERT(stat(path, &sb) != 0); /* not created */
	/* a missing directory */
	T_ST_MSG(pmemkv_open("cmap", cfg("/dev/shm/no-such-dir-kvtest/x", 16 * MiB, 1, 0),
			     &db),
		 PMEMKV_STATUS_INVALID_ARGUMENT);
	T_MSG_HAS("directory");
}

static void
test_create_if_missing(void)
{
	char path[128];
	kvt_path(path, sizeof(path), "cim");
	pmemkv_db *db = NULL;
	T_ST(pmemkv_open("cmap", cfg(path, 16 * MiB, 1, 0), &db), PMEMKV_STATUS_OK);
	T_ST(pmemkv_put(db, "a", 1, "b", 1), PMEMKV_STATUS_OK);
	pmemkv_close(db);
	/* second time: opens (size ignored, may be absent) */
	T_ST(pmemkv_open("cmap", cfg(path, 0, 1, 0), &db), PMEMKV_STATUS_OK);
	T_ST(pmemkv_exists(db, "a", 1), PMEMKV_STATUS_OK);
	pmemkv_stats st;
	T_ST(pmemkv_get_stats(db, &st), PMEMKV_STATUS_OK);
	T_EQU(st.pool_size, 16 * MiB);
	T_EQU(st.records, 1);
	pmemkv_close(db);
	T_ST(pmemkv_open("cmap", cfg(path, 999 * MiB, 1, 0), &db), PMEMKV_STATUS_OK);
	T_ST(pmemkv_get_stats(db, &st), PMEMKV_STATUS_OK);
	T_EQU(st.pool_size, 16 * MiB);
	pmemkv_close(db);
	unlink(path);
}

static void
test_foreign_truncated_corrupted_files(void)
{
	char path[128];
	kvt_path(path, sizeof(path), "bad");
	const int IA = PMEMKV_STATUS_INVALID_ARGUMENT;

	/* empty file */
	write_file(path, NULL, 0, 0);
	refused(path, cfg(path, 0, 0, 0), IA, NULL);
	refused(path, cfg(path, 16 * MiB, 1, 0), IA, NULL);
	/* a foreign file of pool size */
	char junk[8192];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);
	write_file(path, junk, sizeof(junk), 16 * MiB);
	refused(path, cfg(path, 0, 0, 0), IA, NULL);
	/* all zeros */
	write_file(path, NULL, 0, 16 * MiB);
	refused(path, cfg(path, 0, 0, 0), IA, NULL);

	/* a real pool, corrupted in its header */
	create_pool(path);
	int fd = open(path, O_RDWR);
	T_ASSERT(fd >= 0);
	char b;
	T_ASSERT(pread(fd, &b, 1, 100) == 1);
	b ^= 0x5a;
	T_ASSERT(pwrite(fd, &b, 1, 100) == 1);
	close(fd);
	refused(path, cfg(path, 0, 0, 0), IA, NULL);
	unlink(path);

	/* a real pool, truncated */
	create_pool(path);
	T_ASSERT(truncate(path, 8 * MiB) == 0);
	refused(path, cfg(path, 0, 0, 0), IA, NULL);
	unlink(path);

	/* a directory */
	refused("/dev/shm", cfg("/dev/shm", 0, 0, 0), IA, NULL);
}

static void
test_busy_pool(void)
{
	char path[128];
	kvt_path(path, sizeof(path), "busy");
	create_pool(path);
	pmemkv_db *db = NULL, *db2 = NULL;
	T_ST(pmemkv_open("cmap", cfg(path, 0, 0, 0), &db), PMEMKV_STATUS_OK);
	T_ST_MSG(pmemkv_open("cmap", cfg(path, 0, 0, 0), &db2), PMEMKV_STATUS_UNKNOWN_ERROR);
	T_MSG_HAS("already open");
	T_ASSERT(db2 == NULL);
	T_ST(pmemkv_exists(db, "k", 1), PMEMKV_STATUS_OK); /* first one unharmed */
	pmemkv_close(db);
	T_ST(pmemkv_open("cmap", cfg(path, 0, 0, 0), &db2), PMEMKV_STATUS_OK);
	pmemkv_close(db2);
	unlink(path);
}

/* An engine with another layout: opening a cmap pool with it is -EPROTO. */
static int
other_open(const struct engine_config *cfg, void **h)
{
	struct pool_opts o = {cfg->mode};
	struct pool *p;
	int ret = pool_open(cfg->path, "kvtest-other", &o, &p);
	if (ret == 0)
		*h = p;
	return ret;
}
static void
other_close(void *h)
{
	pool_close(h);
}
static const struct engine_ops other_ops = {
	.name = "other",
	.persistent = 1,
	.open = other_open,
	.close = other_close,
};

static void
test_cmap_pool_as_another_engine(void)
{
	char path[128];
	kvt_path(path, sizeof(path), "other");
	create_pool(path);
	uint64_t before = file_digest(path);
	pmemkv_db *db = NULL;
	T_ST_MSG(kv_open_ops(&other_ops, cfg(path, 0, 0, 0), &db),
		 PMEMKV_STATUS_INVALID_ARGUMENT);
	fprintf(stderr, "   refused as expected: %s\n", pmemkv_errormsg());
	T_MSG_HAS("another engine");
	T_EQU(file_digest(path), before);
	/* and the pool is still a good cmap pool */
	T_ST(pmemkv_open("cmap", cfg(path, 0, 0, 0), &db), PMEMKV_STATUS_OK);
	T_ST(pmemkv_exists(db, "k", 1), PMEMKV_STATUS_OK);
	pmemkv_close(db);
	unlink(path);
}

static void
test_durability_modes(void)
{
	char path[128];
	kvt_path(path, sizeof(path), "dur");
	pmemkv_stats st;
	pmemkv_db *db = NULL;
	const char *modes[] = {"auto", "process", "msync"};
	const char *want[] = {"process", "process", "msync"}; /* /dev/shm is tmpfs */
	for (int i = 0; i < 3; i++) {
		pmemkv_config *c = cfg(path, 16 * MiB, 0, 1);
		pmemkv_config_put_string(c, "durability", modes[i]);
		unlink(path);
		T_ST(pmemkv_open("cmap", c, &db), PMEMKV_STATUS_OK);
		T_ST(pmemkv_get_stats(db, &st), PMEMKV_STATUS_OK);
		T_STREQ(st.durability, want[i]);
		T_ST(pmemkv_put(db, "k", 1, "v", 1), PMEMKV_STATUS_OK);
		pmemkv_close(db);
	}
	/* pmem on a file that is not on DAX: refused with a message */
	pmemkv_config *c = cfg(path, 0, 0, 0);
	pmemkv_config_put_string(c, "durability", "pmem");
	int s = pmemkv_open("cmap", c, &db);
	if (s == PMEMKV_STATUS_OK)
		T_FAIL("durability pmem on tmpfs accepted");
	T_ASSERT(pmemkv_errormsg()[0] != '\0');
	fprintf(stderr, "   pmem on tmpfs: %s: %s\n", kv_status_name(s), pmemkv_errormsg());
	unlink(path);
}

int
main(void)
{
	T_RUN(test_create_or_error_on_existing_file);
	T_RUN(test_open_only_on_missing_file);
	T_RUN(test_create_if_missing);
	T_RUN(test_foreign_truncated_corrupted_files);
	T_RUN(test_busy_pool);
	T_RUN(test_cmap_pool_as_another_engine);
	T_RUN(test_durability_modes);
	return 0;
}
