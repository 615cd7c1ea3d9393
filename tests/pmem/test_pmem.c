/*
 * test_pmem.c -- unit tests of the pmem layer: create/open and their errors,
 * durability-mode selection, persist round trip, copy/set of odd sizes and
 * alignments, simulator hooks.
 */
#include "pmem/pmem.h"
#include "common/common.h"
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

static char shm_path[256];
static char disk_path[256];
static char dir_path[256];

static void
paths_init(void)
{
	snprintf(shm_path, sizeof(shm_path), "/dev/shm/pmemkv-test-pmem-%d", (int)getpid());
	/* the build directory (current dir of ctest) is a disk file system */
	snprintf(disk_path, sizeof(disk_path), "test-pmem-disk-%d.pool", (int)getpid());
	snprintf(dir_path, sizeof(dir_path), "/dev/shm/pmemkv-test-pmem-dir-%d",
		 (int)getpid());
	unlink(shm_path);
	unlink(disk_path);
	rmdir(dir_path);
}

static void
test_create_then_open(void)
{
	struct pmem_map m;
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 1 << 20, PMEM_MODE_AUTO, &m), 0);
	T_ASSERT(m.addr != NULL);
	T_EQU(m.size, 1 << 20);
	T_ASSERT(m.fd >= 0);
	memset(m.addr, 0xab, 100);
	pmem_persist_range(&m, m.addr, 100);
	pmem_unmap_file(&m);
	T_ASSERT(m.addr == NULL);
	T_EQ(m.fd, -1);

	T_EQ(pmem_map_file(shm_path, 0, 0, PMEM_MODE_AUTO, &m), 0);
	T_EQU(m.size, 1 << 20);
	T_EQ(((unsigned char *)m.addr)[99], 0xab);
	T_EQ(((unsigned char *)m.addr)[100], 0);
	pmem_unmap_file(&m);
	unlink(shm_path);
}

static void
test_errors(void)
{
	struct pmem_map m;
	/* create over an existing file */
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 4096, PMEM_MODE_AUTO, &m), 0);
	pmem_unmap_file(&m);
	err_clear();
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 4096, PMEM_MODE_AUTO, &m), -EEXIST);
	T_ASSERT(strstr(err_get(), shm_path) != NULL);
	/* the existing file was not removed by the failed create */
	T_EQ(access(shm_path, F_OK), 0);
	unlink(shm_path);

	/* open a missing file */
	err_clear();
	T_EQ(pmem_map_file(shm_path, 0, 0, PMEM_MODE_AUTO, &m), -ENOENT);
	T_ASSERT(err_get()[0] != '\0');

	/* create with size 0: nothing left behind */
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 0, PMEM_MODE_AUTO, &m), -EINVAL);
	T_NE(access(shm_path, F_OK), 0);

	/* open a zero-size file */
	int fd = open(shm_path, O_CREAT | O_RDWR, 0644);
	T_ASSERT(fd >= 0);
	close(fd);
	err_clear();
	T_EQ(pmem_map_file(shm_path, 0, 0, PMEM_MODE_AUTO, &m), -EINVAL);
	T_ASSERT(strstr(err_get(), "size 0") != NULL);
	unlink(shm_path);

	/* a directory */
	T_EQ(mkdir(dir_path, 0755), 0);
	err_clear();
	T_EQ(pmem_map_file(dir_path, 0, 0, PMEM_MODE_AUTO, &m), -EINVAL);
	T_ASSERT(strstr(err_get(), "directory") != NULL);
	T_EQ(pmem_map_file(dir_path, PMEM_FILE_CREATE, 4096, PMEM_MODE_AUTO, &m), -EEXIST);
	rmdir(dir_path);

	/* bad arguments */
	T_EQ(pmem_map_file(NULL, 0, 0, PMEM_MODE_AUTO, &m), -EINVAL);
	T_EQ(pmem_map_file("", 0, 0, PMEM_MODE_AUTO, &m), -EINVAL);
	T_EQ(pmem_map_file(shm_path, 0x100, 0, PMEM_MODE_AUTO, &m), -EINVAL);
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 4096, (enum pmem_mode)77, &m), -EINVAL);
	T_NE(access(shm_path, F_OK), 0);

	/* create in a missing directory */
	T_EQ(pmem_map_file("/dev/shm/pmemkv-no-such-dir/x", PMEM_FILE_CREATE, 4096,
			   PMEM_MODE_AUTO, &m),
	     -ENOENT);

	/* absurd size: refused (ENOSPC or EINVAL), nothing left behind */
	int r = pmem_map_file(shm_path, PMEM_FILE_CREATE, (size_t)1 << 62, PMEM_MODE_AUTO, &m);
	T_ASSERT(r == -ENOSPC || r == -EINVAL || r == -EFBIG);
	T_NE(access(shm_path, F_OK), 0);
}

static int
dir_is_tmpfs(const char *dir)
{
	struct statfs st;
	T_EQ(statfs(dir, &st), 0);
	return (unsigned long)st.f_type == 0x01021994UL || (unsigned long)st.f_type == 0x858458f6UL;
}

static void
test_mode_selection(void)
{
	struct pmem_map m;
	unsetenv("PMEM_IS_PMEM_FORCE");

	/* /dev/shm -> process */
	T_EQ(pmem_path_is_tmpfs("/dev/shm"), 1);
	T_EQ(pmem_path_is_tmpfs(shm_path), 1); /* does not exist yet: asks the dir */
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 8192, PMEM_MODE_AUTO, &m), 0);
	T_EQ(m.mode, PMEM_MODE_PROCESS);
	T_EQ(m.is_dax, 0);
	T_STREQ(pmem_mode_name(m.mode), "process");
	pmem_unmap_file(&m);

	/* explicit msync / process honoured; pmem refused on a non-DAX file */
	T_EQ(pmem_map_file(shm_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
	T_EQ(m.mode, PMEM_MODE_MSYNC);
	pmem_unmap_file(&m);
	err_clear();
	T_EQ(pmem_map_file(shm_path, 0, 0, PMEM_MODE_PMEM, &m), -EINVAL);
	T_ASSERT(strstr(err_get(), "DAX") != NULL);
	T_EQ(access(shm_path, F_OK), 0); /* open (not create): file kept */
	unlink(shm_path);
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 8192, PMEM_MODE_PMEM, &m), -EINVAL);
	T_NE(access(shm_path, F_OK), 0); /* create: file removed */

	/* a file in the build dir: msync unless that is tmpfs */
	int build_tmpfs = dir_is_tmpfs(".");
	T_EQ(pmem_path_is_tmpfs(disk_path), build_tmpfs);
	T_EQ(pmem_map_file(disk_path, PMEM_FILE_CREATE, 8192, PMEM_MODE_AUTO, &m), 0);
	if (!m.is_dax)
		T_EQ(m.mode, build_tmpfs ? PMEM_MODE_PROCESS : PMEM_MODE_MSYNC);
	memset(m.addr, 7, 5000);
	pmem_persist_range(&m, (char *)m.addr + 1, 4998); /* msync of 2 pages */
	pmem_unmap_file(&m);

	/* PMEM_IS_PMEM_FORCE=1 -> process on a disk file */
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	T_EQ(pmem_map_file(disk_path, 0, 0, PMEM_MODE_AUTO, &m), 0);
	if (!m.is_dax)
		T_EQ(m.mode, PMEM_MODE_PROCESS);
	pmem_unmap_file(&m);
	/* ... but an explicit request wins */
	T_EQ(pmem_map_file(disk_path, 0, 0, PMEM_MODE_MSYNC, &m), 0);
	T_EQ(m.mode, PMEM_MODE_MSYNC);
	pmem_unmap_file(&m);
	/* PMEM_IS_PMEM_FORCE=0 -> msync even on tmpfs */
	setenv("PMEM_IS_PMEM_FORCE", "0", 1);
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 8192, PMEM_MODE_AUTO, &m), 0);
	T_EQ(m.mode, PMEM_MODE_MSYNC);
	pmem_unmap_file(&m);
	unsetenv("PMEM_IS_PMEM_FORCE");
	unlink(shm_path);
	unlink(disk_path);

	/* /tmp: msync unless /tmp itself is tmpfs */
	char tmp_path[256];
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/pmemkv-test-pmem-%d", (int)getpid());
	unlink(tmp_path);
	T_EQ(pmem_map_file(tmp_path, PMEM_FILE_CREATE, 4096, PMEM_MODE_AUTO, &m), 0);
	if (!m.is_dax)
		T_EQ(m.mode, dir_is_tmpfs("/tmp") ? PMEM_MODE_PROCESS : PMEM_MODE_MSYNC);
	pmem_unmap_file(&m);
	unlink(tmp_path);

	T_STREQ(pmem_mode_name(PMEM_MODE_AUTO), "auto");
	T_STREQ(pmem_mode_name(PMEM_MODE_PMEM), "pmem");
	T_STREQ(pmem_mode_name(PMEM_MODE_MSYNC), "msync");
}

static void
test_flush_instruction(void)
{
	const char *f = pmem_flush_instruction();
	fprintf(stderr, "   flush instruction: %s\n", f);
#if defined(__x86_64__)
	T_ASSERT(strcmp(f, "clwb") == 0 || strcmp(f, "clflushopt") == 0 ||
		 strcmp(f, "clflush") == 0);
#endif
}

/* persist round trip in both modes, data visible after reopen */
static void
round_trip(const char *path, enum pmem_mode mode)
{
	struct pmem_map m;
	T_EQ(pmem_map_file(path, PMEM_FILE_CREATE, 3 * 4096 + 100, mode, &m), 0);
	T_EQU(m.size, 3 * 4096 + 100);
	unsigned char *p = m.addr;
	for (size_t i = 0; i < m.size; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	pmem_persist_range(&m, p, m.size);
	pmem_persist_range(&m, p + 4000, 1);
	pmem_persist_range(&m, p + m.size - 1, 1);
	pmem_flush_range(&m, p, 0);
	pmem_fence(&m);
	pmem_unmap_file(&m);
	T_EQ(pmem_map_file(path, 0, 0, mode, &m), 0);
	p = m.addr;
	for (size_t i = 0; i < m.size; i++)
		if (p[i] != (unsigned char)(i * 7 + 3))
			T_FAIL("byte %zu differs", i);
	pmem_unmap_file(&m);
	unlink(path);
}

static void
test_persist_round_trip(void)
{
	round_trip(shm_path, PMEM_MODE_PROCESS);
	round_trip(shm_path, PMEM_MODE_MSYNC);
	round_trip(disk_path, PMEM_MODE_MSYNC);
	round_trip(disk_path, PMEM_MODE_PROCESS);
}

/* copy/set of odd sizes and alignments match memcpy/memset, in every mode */
static void
copy_set_mode(enum pmem_mode mode)
{
	struct pmem_map m;
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 1 << 16, mode, &m), 0);
	static const size_t sizes[] = {0,   1,   7,   8,   15,  63,  64,   65,	 127,  255,
				       256, 257, 300, 511, 512, 999, 4095, 4096, 4097, 9000};
	static const size_t offs[] = {0, 1, 3, 8, 15, 16, 31, 63, 64, 4095};
	unsigned char src[10000], ref[1 << 16];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 131 + 17);
	unsigned char *p = m.addr;
	for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
		for (size_t oi = 0; oi < ARRAY_SIZE(offs); oi++) {
			for (size_t so = 0; so < 3; so++) {
				size_t n = sizes[si], off = offs[oi];
				memset(p, 0x5a, 20000);
				memset(ref, 0x5a, 20000);
				memcpy(ref + off, src + so, n);
				T_ASSERT(pmem_copy_nodrain(&m, p + off, src + so, n) == p + off);
				pmem_fence(&m);
				T_MEMEQ(p, ref, 20000);
				int c = (int)(n + off + so) & 0xff;
				memset(ref + off, c, n);
				T_ASSERT(pmem_set_nodrain(&m, p + off, c, n) == p + off);
				pmem_fence(&m);
				T_MEMEQ(p, ref, 20000);
			}
		}
	}
	pmem_unmap_file(&m);
	unlink(shm_path);
}

static void
test_copy_set_odd(void)
{
	copy_set_mode(PMEM_MODE_PROCESS);
	copy_set_mode(PMEM_MODE_MSYNC);
}

/* hooks: called for flush/copy/set/fence, with the right ranges; removable */
struct hook_log {
	int flushes, fences;
	const void *last_addr;
	size_t last_len, total_len;
};

static void
hook_flush(void *ctx, const void *addr, size_t len)
{
	struct hook_log *l = ctx;
	l->flushes++;
	l->last_addr = addr;
	l->last_len = len;
	l->total_len += len;
}

static void
hook_fence(void *ctx)
{
	((struct hook_log *)ctx)->fences++;
}

static void
test_hooks(void)
{
	struct pmem_map m;
	T_EQ(pmem_map_file(shm_path, PMEM_FILE_CREATE, 1 << 16, PMEM_MODE_AUTO, &m), 0);
	char *p = m.addr;
	struct hook_log log;
	memset(&log, 0, sizeof(log));
	struct pmem_sim_hooks h = {hook_flush, hook_fence, &log};
	pmem_sim_install(&h);
	h.ctx = NULL; /* the layer keeps its own copy */

	pmem_flush_range(&m, p + 10, 20);
	T_EQ(log.flushes, 1);
	T_ASSERT(log.last_addr == p + 10);
	T_EQU(log.last_len, 20);
	pmem_fence(&m);
	T_EQ(log.fences, 1);
	pmem_persist_range(&m, p + 100, 8);
	T_EQ(log.flushes, 2);
	T_EQ(log.fences, 2);
	char buf[1000] = {1};
	pmem_copy_nodrain(&m, p + 3, buf, 1000); /* non-temporal path */
	T_EQ(log.flushes, 3);
	T_ASSERT(log.last_addr == p + 3);
	T_EQU(log.last_len, 1000);
	pmem_copy_nodrain(&m, p + 3, buf, 10); /* memcpy path */
	T_EQ(log.flushes, 4);
	T_EQU(log.last_len, 10);
	pmem_set_nodrain(&m, p + 5000, 0, 700);
	T_EQ(log.flushes, 5);
	T_ASSERT(log.last_addr == p + 5000);
	T_EQU(log.last_len, 700);
	pmem_set_nodrain(&m, p + 5000, 0, 7);
	T_EQ(log.flushes, 6);
	T_EQ(log.fences, 2);

	pmem_sim_install(NULL);
	pmem_persist_range(&m, p, 64);
	pmem_copy_nodrain(&m, p, buf, 1000);
	T_EQ(log.flushes, 6);
	T_EQ(log.fences, 2);
	pmem_unmap_file(&m);
	unlink(shm_path);
}

/* every flush instruction the CPU has works (child processes, env knobs) */
static void
test_flush_variants(void)
{
	static const char *const envs[][2] = {
		{"PMEM_NO_CLWB", NULL},
		{"PMEM_NO_CLWB", "PMEM_NO_CLFLUSHOPT"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(envs); i++) {
		pid_t pid = fork();
		T_ASSERT(pid >= 0);
		if (pid == 0) {
			/* the choice is made once per process: exec a fresh one */
			setenv(envs[i][0], "1", 1);
			if (envs[i][1])
				setenv(envs[i][1], "1", 1);
			execl("/proc/self/exe", "test_pmem", "--variant", (char *)NULL);
			_exit(127);
		}
		int st;
		T_EQ(waitpid(pid, &st, 0), pid);
		T_ASSERT(WIFEXITED(st));
		T_EQ(WEXITSTATUS(st), 0);
	}
}

static int
variant_main(void)
{
	const char *f = pmem_flush_instruction();
	fprintf(stderr, "   variant: flush instruction %s\n", f);
#if defined(__x86_64__)
	if (getenv("PMEM_NO_CLFLUSHOPT"))
		T_STREQ(f, "clflush");
	else
		T_ASSERT(strcmp(f, "clflushopt") == 0 || strcmp(f, "clflush") == 0);
#endif
	round_trip(shm_path, PMEM_MODE_PROCESS);
	copy_set_mode(PMEM_MODE_PROCESS);
	return 0;
}

int
main(int argc, char **argv)
{
	paths_init();
	if (argc > 1 && strcmp(argv[1], "--variant") == 0)
		return variant_main();
	T_RUN(test_create_then_open);
	T_RUN(test_errors);
	T_RUN(test_mode_selection);
	T_RUN(test_flush_instruction);
	T_RUN(test_persist_round_trip);
	T_RUN(test_copy_set_odd);
	T_RUN(test_hooks);
	T_RUN(test_flush_variants);
	unlink(shm_path);
	unlink(disk_path);
	fprintf(stderr, "OK\n");
	return 0;
}
