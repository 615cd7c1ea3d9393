/*
 * pmem.c -- map a file and make stores to it durable (see pmem.h).
 *
 * How a persist point is made durable depends on the mode chosen at map time:
 *  PMEM     cache-line write-back instruction per line (clwb, else
 *           clflushopt, else clflush: chosen once by CPUID) then sfence.
 *  PROCESS  the same instructions; no syscall. (The write-back is not needed
 *           for surviving a process crash, but it keeps the cost model and the
 *           code path identical to PMEM and is what the simulator observes.)
 *  MSYNC    the file is mapped MAP_PRIVATE (copy-on-write), so the kernel
 *           never writes stores back by itself. Without a journal a flush is
 *           a pwrite of the range's current bytes to the same file offset and
 *           pmem_fence()/pmem_barrier() are fdatasync (slow, ordered; used
 *           while a pool is created). With a journal (journal.c) a flush
 *           records the range, a barrier seals the thread's ranges into a
 *           checksummed batch and a fence waits for the group commit.
 *
 * Large copies/sets (>= PMEM_MOVNT_THRESHOLD bytes) in PMEM/PROCESS mode use
 * non-temporal SSE2 stores for the whole cache lines of the range; those
 * bypass the cache and are ordered/drained by the sfence of pmem_fence().
 *
 * Environment knobs (read once, at first flush):
 *  PMEM_IS_PMEM_FORCE=1  an AUTO request on a non-DAX file maps in PROCESS mode
 *  PMEM_IS_PMEM_FORCE=0  an AUTO request on a non-DAX file maps in MSYNC mode
 *                        (even on tmpfs)
 *  PMEM_NO_CLWB=1        do not use clwb (falls to clflushopt/clflush)
 *  PMEM_NO_CLFLUSHOPT=1  do not use clflushopt
 *  PMEM_NO_MOVNT=1       never use non-temporal stores
 *  PMEM_JOURNAL_LIMIT_MB=N  msync journal checkpoint threshold (default 32;
 *                        read at each pmem_journal_enable, journal.c)
 *
 * Non-x86 builds compile, but "flush" is only a compiler+CPU fence there:
 * PROCESS mode is correct (caches are coherent within the machine), PMEM mode
 * is not supported (it is only chosen when MAP_SYNC works; use MSYNC).
 */
#include "pmem.h"
#include "pmem_internal.h"

#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#include <cpuid.h>
#define PMEM_X86 1
#else
#define PMEM_X86 0
#endif

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC 0x858458f6
#endif

/* copies/sets at least this long use non-temporal stores (PMEM/PROCESS) */
#define PMEM_MOVNT_THRESHOLD 256

/* ---------------------------------------------------------------------- */
/* flush instruction selection                                            */

enum flush_kind {
	FLUSH_UNKNOWN = 0,
	FLUSH_CLWB,
	FLUSH_CLFLUSHOPT,
	FLUSH_CLFLUSH,
	FLUSH_NONE, /* non-x86: ordering fence only */
};

static int flush_kind;	/* enum flush_kind, written once (release) */
static int use_movnt;	/* 1 if non-temporal stores may be used */
static pthread_once_t flush_once = PTHREAD_ONCE_INIT;

static int
env_is(const char *name, const char *val)
{
	const char *e = getenv(name);
	return e != NULL && strcmp(e, val) == 0;
}

static void
flush_detect(void)
{
	int kind = FLUSH_NONE;
	int movnt = 0;
#if PMEM_X86
	unsigned a, b, c, d;
	int clwb = 0, clflushopt = 0, clflush = 0;
	if (__get_cpuid(1, &a, &b, &c, &d))
		clflush = (d >> 19) & 1;
	if (__get_cpuid_max(0, NULL) >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		clflushopt = (b >> 23) & 1;
		clwb = (b >> 24) & 1;
	}
	if (env_is("PMEM_NO_CLWB", "1"))
		clwb = 0;
	if (env_is("PMEM_NO_CLFLUSHOPT", "1"))
		clflushopt = 0;
	if (clwb)
		kind = FLUSH_CLWB;
	else if (clflushopt)
		kind = FLUSH_CLFLUSHOPT;
	else if (clflush)
		kind = FLUSH_CLFLUSH;
	/* every x86-64 CPU has SSE2; without clflush there is nothing better */
	else
		kind = FLUSH_CLFLUSH;
	movnt = !env_is("PMEM_NO_MOVNT", "1");
#endif
	use_movnt = movnt;
	__atomic_store_n(&flush_kind, kind, __ATOMIC_RELEASE);
}

static inline int
flush_kind_get(void)
{
	int k = __atomic_load_n(&flush_kind, __ATOMIC_ACQUIRE);
	if (unlikely(k == FLUSH_UNKNOWN)) {
		pthread_once(&flush_once, flush_detect);
		k = __atomic_load_n(&flush_kind, __ATOMIC_ACQUIRE);
	}
	return k;
}

const char *
pmem_flush_instruction(void)
{
	switch (flush_kind_get()) {
	case FLUSH_CLWB:
		return "clwb";
	case FLUSH_CLFLUSHOPT:
		return "clflushopt";
	case FLUSH_CLFLUSH:
		return "clflush";
	default:
		return "none";
	}
}

/*
 * The instructions, written so that gcc and clang assemble them without
 * -m flags: clwb and clflushopt as raw bytes with the address in %rax
 * (66 0F AE /6 and 66 0F AE /7, ModRM [rax] = 0x30 / 0x38).
 */
#if PMEM_X86
static inline void
line_clwb(const void *p)
{
	__asm__ volatile(".byte 0x66, 0x0f, 0xae, 0x30" : : "a"(p) : "memory");
}

static inline void
line_clflushopt(const void *p)
{
	__asm__ volatile(".byte 0x66, 0x0f, 0xae, 0x38" : : "a"(p) : "memory");
}

static inline void
line_clflush(const void *p)
{
	__asm__ volatile("clflush (%0)" : : "r"(p) : "memory");
}

static inline void
cpu_sfence(void)
{
	__asm__ volatile("sfence" : : : "memory");
}
#else
static inline void
cpu_sfence(void)
{
	__sync_synchronize();
}
#endif

/* flush_lines -- write back every cache line overlapping [addr, addr+len) */
static void
flush_lines(const void *addr, size_t len)
{
	if (len == 0)
		return;
	uintptr_t p = ALIGN_DOWN((uintptr_t)addr, CACHELINE);
	uintptr_t end = (uintptr_t)addr + len;
#if PMEM_X86
	switch (flush_kind_get()) {
	case FLUSH_CLWB:
		for (; p < end; p += CACHELINE)
			line_clwb((const void *)p);
		break;
	case FLUSH_CLFLUSHOPT:
		for (; p < end; p += CACHELINE)
			line_clflushopt((const void *)p);
		break;
	default:
		for (; p < end; p += CACHELINE)
			line_clflush((const void *)p);
		break;
	}
#else
	(void)p;
	(void)end;
	__sync_synchronize();
#endif
}

/* ---------------------------------------------------------------------- */
/* simulator hooks                                                        */

static struct pmem_sim_hooks sim_hooks_copy;
static const struct pmem_sim_hooks *sim_hooks; /* NULL: none installed */

void
pmem_sim_install(const struct pmem_sim_hooks *hooks)
{
	if (hooks != NULL) {
		sim_hooks_copy = *hooks;
		__atomic_store_n(&sim_hooks, &sim_hooks_copy, __ATOMIC_RELEASE);
	} else {
		__atomic_store_n(&sim_hooks, NULL, __ATOMIC_RELEASE);
	}
}

static inline const struct pmem_sim_hooks *
sim_get(void)
{
	return __atomic_load_n(&sim_hooks, __ATOMIC_ACQUIRE);
}

/* ---------------------------------------------------------------------- */
/* flush / fence                                                          */

/*
 * pmem_io_error -- report a failed write/sync of the pool or journal file.
 * The void flush/fence API cannot return it: it is reported on stderr once
 * per process and latched into the thread's error message. Durability of
 * later persist points is not guaranteed after it (the device failed).
 */
static int pmem_failed_errno; /* latched: first failed write/sync, 0 if none */

void
pmem_io_error(const char *what, int e)
{
	static int warned;
	int zero = 0;
	__atomic_compare_exchange_n(&pmem_failed_errno, &zero, e > 0 ? e : EIO, 0,
				    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
	err_set("pmem: %s failed: %s", what, strerror(e));
	if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "pmemkv: %s failed: %s\n", what, strerror(e));
}

int
pmem_io_status(void)
{
	return -__atomic_load_n(&pmem_failed_errno, __ATOMIC_ACQUIRE);
}

/* pmem_pwrite_all -- pwrite every byte (retrying short writes/EINTR);
 * 0 or -errno */
int
pmem_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* pmem_fdatasync -- fdatasync, retried on EINTR; 0 or -errno */
int
pmem_fdatasync(int fd)
{
	while (fdatasync(fd) != 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/*
 * msync_write -- MSYNC mode without a journal: write the current bytes of
 * [addr, addr+len) from the private mapping to the same offset of the file.
 * They are durable after the next fdatasync (pmem_fence/pmem_barrier). The
 * range is clamped to the mapping (a flush outside it is a caller bug and is
 * ignored rather than written somewhere wrong).
 */
static void
msync_write(const struct pmem_map *m, const void *addr, size_t len)
{
	uintptr_t base = (uintptr_t)m->addr;
	uintptr_t a = (uintptr_t)addr;
	if (len == 0 || a < base || a - base >= m->size)
		return;
	uint64_t off = a - base;
	if (len > m->size - off)
		len = m->size - off;
	int r = pmem_pwrite_all(m->fd, addr, len, off);
	if (r != 0)
		pmem_io_error("pwrite of the pool file", -r);
}

static void
msync_sync(const struct pmem_map *m)
{
	int r = pmem_fdatasync(m->fd);
	if (r != 0)
		pmem_io_error("fdatasync of the pool file", -r);
}

void
pmem_flush_range(const struct pmem_map *m, const void *addr, size_t len)
{
	const struct pmem_sim_hooks *h = sim_get();
	if (unlikely(h != NULL) && len > 0)
		h->flush(h->ctx, addr, len);
	if (m->mode == PMEM_MODE_MSYNC) {
		if (m->journal != NULL)
			pmem_journal_flush(m, addr, len);
		else
			msync_write(m, addr, len);
	} else {
		flush_lines(addr, len);
	}
}

void
pmem_fence(const struct pmem_map *m)
{
	const struct pmem_sim_hooks *h = sim_get();
	if (unlikely(h != NULL))
		h->fence(h->ctx);
	if (m->mode == PMEM_MODE_MSYNC) {
		if (m->journal != NULL)
			pmem_journal_fence(m);
		else
			msync_sync(m);
	} else {
		cpu_sfence();
	}
}

void
pmem_barrier(const struct pmem_map *m)
{
	const struct pmem_sim_hooks *h = sim_get();
	if (unlikely(h != NULL))
		h->fence(h->ctx);
	if (m->mode == PMEM_MODE_MSYNC) {
		if (m->journal != NULL)
			pmem_journal_barrier(m);
		else
			msync_sync(m);
	} else {
		cpu_sfence();
	}
}

void
pmem_persist_range(const struct pmem_map *m, const void *addr, size_t len)
{
	pmem_flush_range(m, addr, len);
	pmem_fence(m);
}

/* ---------------------------------------------------------------------- */
/* copy / set                                                             */

#if PMEM_X86
/*
 * movnt_copy -- copy with non-temporal stores for the whole cache lines of
 * dst; partial head/tail lines are written with memcpy and flushed. Needs the
 * next sfence (pmem_fence) to be durable.
 */
static void
movnt_copy(void *dst, const void *src, size_t len)
{
	char *d = dst;
	const char *s = src;
	size_t head = (CACHELINE - ((uintptr_t)d & (CACHELINE - 1))) & (CACHELINE - 1);
	if (head > len)
		head = len;
	if (head) {
		memcpy(d, s, head);
		flush_lines(d, head);
		d += head;
		s += head;
		len -= head;
	}
	while (len >= CACHELINE) {
		__m128i x0 = _mm_loadu_si128((const __m128i *)(s + 0));
		__m128i x1 = _mm_loadu_si128((const __m128i *)(s + 16));
		__m128i x2 = _mm_loadu_si128((const __m128i *)(s + 32));
		__m128i x3 = _mm_loadu_si128((const __m128i *)(s + 48));
		_mm_stream_si128((__m128i *)(d + 0), x0);
		_mm_stream_si128((__m128i *)(d + 16), x1);
		_mm_stream_si128((__m128i *)(d + 32), x2);
		_mm_stream_si128((__m128i *)(d + 48), x3);
		d += CACHELINE;
		s += CACHELINE;
		len -= CACHELINE;
	}
	if (len) {
		memcpy(d, s, len);
		flush_lines(d, len);
	}
}

static void
movnt_set(void *dst, int c, size_t len)
{
	char *d = dst;
	size_t head = (CACHELINE - ((uintptr_t)d & (CACHELINE - 1))) & (CACHELINE - 1);
	if (head > len)
		head = len;
	if (head) {
		memset(d, c, head);
		flush_lines(d, head);
		d += head;
		len -= head;
	}
	__m128i x = _mm_set1_epi8((char)c);
	while (len >= CACHELINE) {
		_mm_stream_si128((__m128i *)(d + 0), x);
		_mm_stream_si128((__m128i *)(d + 16), x);
		_mm_stream_si128((__m128i *)(d + 32), x);
		_mm_stream_si128((__m128i *)(d + 48), x);
		d += CACHELINE;
		len -= CACHELINE;
	}
	if (len) {
		memset(d, c, len);
		flush_lines(d, len);
	}
}
#endif

static inline int
movnt_ok(const struct pmem_map *m, size_t len)
{
#if PMEM_X86
	if (len < PMEM_MOVNT_THRESHOLD || m->mode == PMEM_MODE_MSYNC)
		return 0;
	flush_kind_get(); /* makes use_movnt valid */
	return use_movnt;
#else
	(void)m;
	(void)len;
	return 0;
#endif
}

void *
pmem_copy_nodrain(const struct pmem_map *m, void *dst, const void *src, size_t len)
{
	if (len == 0)
		return dst;
#if PMEM_X86
	if (movnt_ok(m, len)) {
		movnt_copy(dst, src, len);
		const struct pmem_sim_hooks *h = sim_get();
		if (unlikely(h != NULL))
			h->flush(h->ctx, dst, len);
		return dst;
	}
#endif
	memcpy(dst, src, len);
	pmem_flush_range(m, dst, len);
	return dst;
}

void *
pmem_set_nodrain(const struct pmem_map *m, void *dst, int c, size_t len)
{
	if (len == 0)
		return dst;
#if PMEM_X86
	if (movnt_ok(m, len)) {
		movnt_set(dst, c, len);
		const struct pmem_sim_hooks *h = sim_get();
		if (unlikely(h != NULL))
			h->flush(h->ctx, dst, len);
		return dst;
	}
#endif
	memset(dst, c, len);
	pmem_flush_range(m, dst, len);
	return dst;
}

/* ---------------------------------------------------------------------- */
/* mapping                                                                */

const char *
pmem_mode_name(enum pmem_mode mode)
{
	switch (mode) {
	case PMEM_MODE_AUTO:
		return "auto";
	case PMEM_MODE_PMEM:
		return "pmem";
	case PMEM_MODE_MSYNC:
		return "msync";
	case PMEM_MODE_PROCESS:
		return "process";
	}
	return "unknown";
}

static int
fs_is_tmpfs(const struct statfs *st)
{
	return (unsigned long)st->f_type == (unsigned long)TMPFS_MAGIC ||
		(unsigned long)st->f_type == (unsigned long)RAMFS_MAGIC;
}

int
pmem_path_is_tmpfs(const char *path)
{
	struct statfs st;
	if (path == NULL)
		return 0;
	if (statfs(path, &st) == 0)
		return fs_is_tmpfs(&st);
	/* not there yet: ask about the directory that would hold it */
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return statfs(".", &st) == 0 && fs_is_tmpfs(&st);
	size_t n = (size_t)(slash - path);
	char *dir = malloc(n + 2);
	if (dir == NULL)
		return 0;
	if (n == 0) {
		dir[0] = '/';
		n = 1;
	} else {
		memcpy(dir, path, n);
	}
	dir[n] = '\0';
	int r = statfs(dir, &st) == 0 && fs_is_tmpfs(&st);
	free(dir);
	return r;
}

/* map_errno -- the errno we return for a failed open() */
static int
open_error(const char *path, int e, int create)
{
	switch (e) {
	case ENOENT:
		err_set("%s: no such file or directory", path);
		return -ENOENT;
	case EEXIST:
		err_set("%s: file already exists", path);
		return -EEXIST;
	case EISDIR:
		err_set("%s: is a directory, not a pool file", path);
		return -EINVAL;
	case EACCES:
	case EPERM:
		err_set("%s: permission denied", path);
		return -EACCES;
	default:
		err_set("%s: cannot %s: %s", path, create ? "create" : "open", strerror(e));
		return -e;
	}
}

int
pmem_map_file(const char *path, int flags, size_t size, enum pmem_mode mode,
	      struct pmem_map *out)
{
	int create = (flags & PMEM_FILE_CREATE) != 0;
	int fd = -1;
	int ret;

	if (out == NULL || path == NULL || path[0] == '\0') {
		err_set("pmem: no file path given");
		return -EINVAL;
	}
	out->addr = NULL;
	out->size = 0;
	out->fd = -1;
	out->mode = PMEM_MODE_AUTO;
	out->is_dax = 0;
	out->journal = NULL;
	if ((flags & ~PMEM_FILE_CREATE) != 0) {
		err_set("%s: invalid mapping flags 0x%x", path, flags);
		return -EINVAL;
	}
	if (mode != PMEM_MODE_AUTO && mode != PMEM_MODE_PMEM && mode != PMEM_MODE_MSYNC &&
	    mode != PMEM_MODE_PROCESS) {
		err_set("%s: invalid durability mode %d", path, (int)mode);
		return -EINVAL;
	}

	if (create) {
		if (size == 0) {
			err_set("%s: cannot create a pool file of size 0", path);
			return -EINVAL;
		}
		if (size > (size_t)INT64_MAX) {
			err_set("%s: size %zu is too large", path, size);
			return -EINVAL;
		}
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0)
			return open_error(path, errno, 1);
		int e = posix_fallocate(fd, 0, (off_t)size);
		if (e != 0) {
			if (e == ENOSPC || e == EFBIG) {
				err_set("%s: cannot allocate %zu bytes: %s", path, size,
					strerror(e));
				ret = e == EFBIG ? -EINVAL : -ENOSPC;
			} else {
				err_set("%s: cannot allocate %zu bytes: %s", path, size,
					strerror(e));
				ret = -e;
			}
			goto err_unlink;
		}
	} else {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return open_error(path, errno, 0);
		struct stat st;
		if (fstat(fd, &st) != 0) {
			ret = -errno;
			err_set("%s: cannot stat: %s", path, strerror(-ret));
			goto err_close;
		}
		if (S_ISDIR(st.st_mode)) {
			err_set("%s: is a directory, not a pool file", path);
			ret = -EINVAL;
			goto err_close;
		}
		if (!S_ISREG(st.st_mode)) {
			err_set("%s: not a regular file", path);
			ret = -EINVAL;
			goto err_close;
		}
		if (st.st_size <= 0) {
			err_set("%s: file is empty (size 0), not a pool", path);
			ret = -EINVAL;
			goto err_close;
		}
		if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX) {
			err_set("%s: file too large to map", path);
			ret = -EINVAL;
			goto err_close;
		}
		size = (size_t)st.st_size;
	}

	/* DAX first: MAP_SYNC is refused (EOPNOTSUPP/EINVAL) by non-DAX files */
	int is_dax = 1;
	void *addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	if (addr == MAP_FAILED) {
		is_dax = 0;
		addr = NULL;
	}

	enum pmem_mode m = mode;
	if (mode == PMEM_MODE_AUTO) {
		if (is_dax)
			m = PMEM_MODE_PMEM;
		else if (env_is("PMEM_IS_PMEM_FORCE", "1"))
			m = PMEM_MODE_PROCESS;
		else if (env_is("PMEM_IS_PMEM_FORCE", "0"))
			m = PMEM_MODE_MSYNC;
		else {
			struct statfs sfs;
			m = (fstatfs(fd, &sfs) == 0 && fs_is_tmpfs(&sfs)) ? PMEM_MODE_PROCESS
									  : PMEM_MODE_MSYNC;
		}
	} else if (mode == PMEM_MODE_PMEM && !is_dax) {
		/*
		 * Honest refusal: flushing CPU caches does not make a page-cache
		 * file durable, so granting "pmem" here would promise more than
		 * it delivers. The caller may ask for msync or process instead.
		 */
		err_set("%s: durability mode \"pmem\" needs a file on a DAX file system "
			"(mmap MAP_SYNC failed); use \"msync\" or \"process\"",
			path);
		ret = -EINVAL;
		goto err_unlink;
	}

	/*
	 * MSYNC: a private (copy-on-write) mapping, even of a DAX file: stores
	 * never reach the file by kernel writeback, only by this layer's
	 * pwrite, in the order the persist points dictate (see pmem.h).
	 */
	if (m == PMEM_MODE_MSYNC && addr != NULL) {
		munmap(addr, size);
		addr = NULL;
	}
	if (addr == NULL) {
		int mflags = m == PMEM_MODE_MSYNC ? MAP_PRIVATE : MAP_SHARED;
		addr = mmap(NULL, size, PROT_READ | PROT_WRITE, mflags, fd, 0);
		if (addr == MAP_FAILED) {
			ret = -errno;
			err_set("%s: cannot map %zu bytes: %s", path, size, strerror(-ret));
			goto err_unlink;
		}
	}

	out->addr = addr;
	out->size = size;
	out->fd = fd;
	out->mode = m;
	out->is_dax = is_dax;
	out->journal = NULL;
	return 0;

err_unlink:
	if (create)
		unlink(path);
err_close:
	close(fd);
	return ret;
}

void
pmem_unmap_file(struct pmem_map *m)
{
	if (m == NULL)
		return;
	if (m->journal != NULL)
		pmem_journal_close(m); /* final checkpoint, journal file removed */
	if (m->addr != NULL)
		munmap(m->addr, m->size);
	if (m->fd >= 0)
		close(m->fd);
	m->addr = NULL;
	m->size = 0;
	m->fd = -1;
}
