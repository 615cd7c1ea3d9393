/*
 * pool.c -- pool file: creation (atomic, L2), validation on open (L1),
 * exclusive lock (L3), clean close, identity and persistence wrappers.
 * The allocator lives in heap.c, the redo log in log.c.
 *
 * Invariants of this file (see also pool.h L1-L7):
 *  (F1) The header is written once, in the temporary file, before the file
 *       gets its name; it is never written again.
 *  (F2) Opening reads the header with pread() after checking the file size
 *       with fstat(): a short or foreign file is refused before anything is
 *       mapped, so validation can neither modify the file nor fault (SIGBUS).
 *  (F3) state.clean == POOL_CLEAN_MAGIC only while the pool is closed and its
 *       run bitmaps and chunk table are exact. It is cleared durably before
 *       the first modification of an opened pool and set durably by
 *       pool_close() after everything else is persisted.
 */
#include "pool/pool_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void (*pool_test_map_hook)(int mapped, void *base, size_t len);

static void
pool_unmap(struct pool *p)
{
	if (pool_test_map_hook != NULL)
		pool_test_map_hook(0, p->map.addr, p->map.size);
	pmem_unmap_file(&p->map);
}

/* ---- identity and persistence wrappers ------------------------------------ */

void *
pool_base(const struct pool *p)
{
	return p->base;
}

uint64_t
pool_size(const struct pool *p)
{
	return p->size;
}

const struct pmem_map *
pool_pmem(const struct pool *p)
{
	return &p->map;
}

enum pmem_mode
pool_mode(const struct pool *p)
{
	return p->map.mode;
}

const char *
pool_path(const struct pool *p)
{
	return p->path;
}

void
pool_uuid(const struct pool *p, uint8_t uuid[16])
{
	memcpy(uuid, p->hdr->uuid, 16);
}

void *
pool_root(const struct pool *p)
{
	return p->base + p->root_off;
}

void
pool_flush(const struct pool *p, const void *addr, size_t len)
{
	pmem_flush_range(&p->map, addr, len);
}

void
pool_fence(const struct pool *p)
{
	pmem_fence(&p->map);
}

void
pool_barrier(const struct pool *p)
{
	pmem_barrier(&p->map);
}

int
pool_io_status(const struct pool *p)
{
	(void)p; /* the latch is process-wide: pmem.h */
	return pmem_io_status();
}

void
pool_persist(const struct pool *p, const void *addr, size_t len)
{
	pmem_persist_range(&p->map, addr, len);
}

void
pool_copy_nodrain(const struct pool *p, void *dst, const void *src, size_t len)
{
	pmem_copy_nodrain(&p->map, dst, src, len);
}

/* ---- layout ------------------------------------------------------------------ */

/*
 * pool_layout_compute -- fill the layout fields of a header for a file of
 * `size` bytes with chunks of `chunk` bytes (a valid chunk size). Returns 0,
 * or -EINVAL if not even one chunk fits.
 */
static int
pool_layout_compute(uint64_t size, uint64_t chunk, struct pool_header *h)
{
	h->hdr_size = POOL_HDR_SIZE;
	h->size = size;
	h->state_off = POOL_STATE_OFF;
	h->lanes_off = POOL_LANES_OFF;
	h->nlanes = POOL_LANES;
	h->lane_size = POOL_LANE_SIZE;
	h->root_off = POOL_LANES_OFF + (uint64_t)POOL_LANES * POOL_LANE_SIZE;
	h->root_size = POOL_ROOT_SIZE;
	h->table_off = h->root_off + POOL_ROOT_SIZE;
	h->chunk_size = chunk;
	if (size < h->table_off + 4096 + chunk)
		return -EINVAL;
	uint64_t n = (size - h->table_off) / (chunk + 8);
	for (;;) {
		uint64_t heap = h->table_off + ALIGN_UP(n * 8, 4096);
		if (heap + n * chunk <= size) {
			h->heap_off = heap;
			break;
		}
		n--;
	}
	h->nchunks = n;
	return n > 0 ? 0 : -EINVAL;
}

static uint64_t
pool_header_cksum(const struct pool_header *h)
{
	return cksum64(h, offsetof(struct pool_header, cksum));
}

/*
 * pool_header_validate -- invariant (L1): every reason to refuse a file.
 * `fsize` is the file's size from fstat().
 */
static int
pool_header_validate(const char *path, const struct pool_header *h, uint64_t fsize,
		     const char *layout)
{
	if (memcmp(h->magic, POOL_MAGIC, 8) != 0) {
		err_set("pool %s: not a pool file (bad magic)", path);
		return -EINVAL;
	}
	if (h->version > POOL_FORMAT_VERSION) {
		err_set("pool %s: format version %u is newer than supported (%u)", path,
			h->version, POOL_FORMAT_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (h->version == 0) {
		err_set("pool %s: invalid format version 0", path);
		return -EINVAL;
	}
	if (pool_header_cksum(h) != h->cksum) {
		err_set("pool %s: header checksum mismatch (corrupted header)", path);
		return -EINVAL;
	}
	if (h->size != fsize) {
		err_set("pool %s: file is %llu bytes but the header says %llu (truncated "
			"or extended)",
			path, (unsigned long long)fsize, (unsigned long long)h->size);
		return -EINVAL;
	}
	/* the chunk size is the creator's choice (pool_chunk_size_for may
	 * change between versions): any valid one, the rest must follow */
	if (h->chunk_size < POOL_CHUNK_MIN || h->chunk_size > POOL_CHUNK_MAX ||
	    (h->chunk_size & (h->chunk_size - 1)) != 0) {
		err_set("pool %s: invalid chunk size %llu in the header (corrupted)", path,
			(unsigned long long)h->chunk_size);
		return -EINVAL;
	}
	struct pool_header exp;
	memset(&exp, 0, sizeof(exp));
	if (pool_layout_compute(h->size, h->chunk_size, &exp) != 0 || exp.hdr_size != h->hdr_size ||
	    exp.state_off != h->state_off || exp.lanes_off != h->lanes_off ||
	    exp.nlanes != h->nlanes || exp.lane_size != h->lane_size ||
	    exp.root_off != h->root_off || exp.root_size != h->root_size ||
	    exp.table_off != h->table_off || exp.nchunks != h->nchunks ||
	    exp.chunk_size != h->chunk_size || exp.heap_off != h->heap_off) {
		err_set("pool %s: header describes an impossible layout (corrupted)", path);
		return -EINVAL;
	}
	/* the allocator indexes chunks with 32 bits (NONE32 = no chunk): only
	 * a forged header over a huge sparse file gets here */
	if (h->nchunks >= NONE32) {
		err_set("pool %s: header describes too many chunks (%llu)", path,
			(unsigned long long)h->nchunks);
		return -EINVAL;
	}
	if (memchr(h->layout, '\0', POOL_LAYOUT_MAX) == NULL) {
		err_set("pool %s: corrupted layout name", path);
		return -EINVAL;
	}
	if (layout != NULL && strcmp(h->layout, layout) != 0) {
		err_set("pool %s: layout is \"%s\", expected \"%s\"", path, h->layout,
			layout);
		return -EPROTO;
	}
	return 0;
}

/* ---- open / close ------------------------------------------------------------ */

static int
pool_lock(const char *path, int fd)
{
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		if (e == EWOULDBLOCK) {
			err_set("pool %s is already open", path);
			return -EBUSY;
		}
		err_set("pool %s: cannot lock: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

/*
 * pool_journal_enable -- msync mode: replay the pmem journal a crash left
 * (it holds persisted stores), then route flushes through it (pmem.h).
 * Other modes: a journal left by an msync-mode user of this pool that
 * crashed must still be replayed, or acknowledged stores would be lost;
 * a second, temporary msync mapping does it (its unmap checkpoints the
 * journal into the file and removes it). Our shared mapping sees the file.
 */
static int
pool_journal_enable(struct pool *p, const char *path)
{
	int ret;
	if (p->map.mode != PMEM_MODE_MSYNC) {
		char jp[4096];
		if (snprintf(jp, sizeof(jp), "%s.journal", path) >= (int)sizeof(jp) ||
		    access(jp, F_OK) != 0)
			return 0;
		struct pmem_map m2;
		ret = pmem_map_file(path, 0, 0, PMEM_MODE_MSYNC, &m2);
		if (ret == 0) {
			ret = pmem_journal_enable(&m2, path);
			pmem_unmap_file(&m2);
		}
	} else {
		ret = pmem_journal_enable(&p->map, path);
	}
	if (ret != 0) {
		char msg[ERR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", err_get());
		if (strstr(msg, path) == NULL)
			err_set("pool %s: journal: %s", path, msg);
	}
	return ret;
}

static void
pool_free_struct(struct pool *p)
{
	if (p == NULL)
		return;
	heap_fini(p);
	log_fini(p);
	free(p->path);
	free(p);
}

/* pool_attach -- fill the DRAM struct from a validated mapping. */
static int
pool_attach(struct pool *p, const char *path)
{
	p->base = p->map.addr;
	p->hdr = (struct pool_header *)p->base;
	p->state = (struct pool_state *)(p->base + POOL_STATE_OFF);
	p->size = p->hdr->size;
	p->lanes_off = p->hdr->lanes_off;
	p->root_off = p->hdr->root_off;
	p->table_off = p->hdr->table_off;
	p->heap_off = p->hdr->heap_off;
	p->nchunks = p->hdr->nchunks;
	p->table = (uint64_t *)(p->base + p->table_off);
	p->path = strdup(path);
	if (p->path == NULL) {
		err_set("pool %s: out of memory", path);
		return -ENOMEM;
	}
	log_init(p);
	return heap_init(p);
}

int
pool_open(const char *path, const char *layout, const struct pool_opts *opts,
	  struct pool **out)
{
	if (path == NULL || out == NULL) {
		err_set("pool: NULL path");
		return -EINVAL;
	}
	*out = NULL;

	/* invariant (F2): check size and header before mapping anything */
	/* O_NONBLOCK: a FIFO must not block the open; refused below */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			err_set("pool %s: no such file", path);
		else
			err_set("pool %s: cannot open: %s", path, strerror(e));
		return -e;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		err_set("pool %s: cannot stat: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		err_set("pool %s: is a directory", path);
		close(fd);
		return -EINVAL;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set("pool %s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size < POOL_HDR_SIZE) {
		err_set("pool %s: file too short for a pool header (%llu bytes)", path,
			(unsigned long long)st.st_size);
		close(fd);
		return -EINVAL;
	}
	struct pool_header *hdr = malloc(sizeof(*hdr));
	if (hdr == NULL) {
		close(fd);
		err_set("pool %s: out of memory", path);
		return -ENOMEM;
	}
	ssize_t r = pread(fd, hdr, sizeof(*hdr), 0);
	close(fd);
	if (r != (ssize_t)sizeof(*hdr)) {
		err_set("pool %s: cannot read header", path);
		free(hdr);
		return -EIO;
	}
	int ret = pool_header_validate(path, hdr, (uint64_t)st.st_size, layout);
	if (ret != 0) {
		free(hdr);
		return ret;
	}

	struct pool *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		free(hdr);
		err_set("pool %s: out of memory", path);
		return -ENOMEM;
	}
	enum pmem_mode mode = opts ? opts->mode : PMEM_MODE_AUTO;
	ret = pmem_map_file(path, 0, 0, mode, &p->map);
	if (ret != 0) {
		free(hdr);
		free(p);
		return ret;
	}
	/* the file may have changed between the check and the mapping */
	if (p->map.size != hdr->size || memcmp(p->map.addr, hdr, sizeof(*hdr)) != 0) {
		err_set("pool %s: file changed while being opened", path);
		free(hdr);
		pmem_unmap_file(&p->map);
		free(p);
		return -EINVAL;
	}
	free(hdr);
	if (pool_test_map_hook != NULL)
		pool_test_map_hook(1, p->map.addr, p->map.size);
	ret = pool_lock(path, p->map.fd); /* invariant (L3) */
	if (ret != 0)
		goto fail;
	/* msync mode: replay the pmem journal a crash left (it holds stores
	 * that were persisted), then route flushes through it */
	ret = pool_journal_enable(p, path);
	if (ret != 0)
		goto fail;
	ret = pool_attach(p, path);
	if (ret != 0)
		goto fail;

	/* validate the logs before changing anything (L1) */
	ret = log_recover(p, 1);
	if (ret != 0)
		goto fail;
	int clean = p->state->clean == POOL_CLEAN_MAGIC;
	if (clean) {
		ret = heap_load(p); /* read-only */
		if (ret != 0)
			goto fail;
	}
	/* invariant (F3): clear the clean flag durably before any modification */
	if (p->state->clean != 0) {
		p->state->clean = 0;
		pool_persist(p, &p->state->clean, 8);
		/* Crash here: the pool looks dirty, so the next open rebuilds the
		 * allocator from the owner's marks, which gives the same result. */
	}
	ret = log_recover(p, 0); /* invariant (L6) */
	if (ret != 0)
		goto fail;
	if (!clean)
		heap_begin_recovery(p);
	*out = p;
	return 0;
fail:
	pool_unmap(p);
	pool_free_struct(p);
	return ret;
}

void
pool_close(struct pool *p)
{
	if (p == NULL)
		return;
	if (!atomic_load(&p->recovering)) {
		heap_persist_for_close(p);
		/* After a failed write/sync the bitmaps may not be durable:
		 * leave the pool dirty, so the next open rebuilds them. */
		if (pool_io_status(p) == 0) {
			/* Crash here: the flag is not set, the pool recovers from marks. */
			p->state->clean = POOL_CLEAN_MAGIC; /* invariant (F3) */
			pool_persist(p, &p->state->clean, 8);
			/* Crash here: the pool is clean and exact. */
		}
	}
	pool_unmap(p); /* closing the fd drops the flock (L3) */
	pool_free_struct(p);
}

/* ---- create ------------------------------------------------------------------ */

static void
pool_random(void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = getrandom((char *)buf + got, len - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < len) { /* no entropy source: time and address based */
		uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
			     (uint64_t)(uintptr_t)buf;
		for (size_t i = got; i < len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			((unsigned char *)buf)[i] = (unsigned char)x;
		}
	}
}

static int
pool_split_path(const char *path, char **dir, char **base)
{
	char *a = strdup(path), *b = strdup(path);
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return -ENOMEM;
	}
	*dir = strdup(dirname(a));
	*base = strdup(basename(b));
	free(a);
	free(b);
	if (*dir == NULL || *base == NULL) {
		free(*dir);
		free(*base);
		return -ENOMEM;
	}
	return 0;
}

/*
 * pool_tmp_sweep -- remove temporary files left by creators of `base` that
 * died (kill -9 during pool_create): name ".<base>.tmp.<pid>.<rand>", the pid
 * no longer exists and nobody holds the file's lock.
 */
static void
pool_tmp_sweep(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	char prefix[300];
	int n = snprintf(prefix, sizeof(prefix), ".%s.tmp.", base);
	if (n <= 0 || (size_t)n >= sizeof(prefix)) {
		closedir(d);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, (size_t)n) != 0)
			continue;
		long pid = strtol(e->d_name + n, NULL, 10);
		if (pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
		close(fd);
	}
	closedir(d);
}

static void
pool_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* pool_link_into_place -- invariant (L2): atomic, fails if path exists. */
static int
pool_link_into_place(const char *tmp, const char *path)
{
	if (link(tmp, path) == 0)
		return 0;
	int e = errno;
	if (e == EPERM || e == EOPNOTSUPP || e == ENOSYS) {
		/* file systems without hard links */
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
			return 1; /* tmp is gone */
		e = errno;
	}
	return -e;
}

int
pool_create(const char *path, const char *layout, uint64_t size,
	    const struct pool_opts *opts, struct pool **out)
{
	if (out != NULL)
		*out = NULL;
	if (path == NULL || out == NULL || layout == NULL) {
		err_set("pool: NULL argument to create");
		return -EINVAL;
	}
	if (strlen(layout) >= POOL_LAYOUT_MAX) {
		err_set("pool %s: layout name \"%s\" longer than %d bytes", path, layout,
			POOL_LAYOUT_MAX - 1);
		return -EINVAL;
	}
	if (size < POOL_MIN_SIZE) {
		err_set("pool %s: size %llu is smaller than the minimum %u", path,
			(unsigned long long)size, POOL_MIN_SIZE);
		return -EINVAL;
	}
	if (size > (1ull << 50)) {
		err_set("pool %s: size %llu is too large", path, (unsigned long long)size);
		return -EINVAL;
	}
	struct pool_header *hdr = calloc(1, sizeof(*hdr));
	if (hdr == NULL) {
		err_set("pool %s: out of memory", path);
		return -ENOMEM;
	}
	if (pool_layout_compute(size, pool_chunk_size_for(size), hdr) != 0) {
		free(hdr);
		err_set("pool %s: size %llu too small", path, (unsigned long long)size);
		return -EINVAL;
	}
	memcpy(hdr->magic, POOL_MAGIC, 8);
	hdr->version = POOL_FORMAT_VERSION;
	strncpy(hdr->layout, layout, POOL_LAYOUT_MAX - 1);
	pool_random(hdr->uuid, sizeof(hdr->uuid));
	hdr->create_time = (uint64_t)time(NULL);
	hdr->cksum = pool_header_cksum(hdr);

	struct stat st;
	if (lstat(path, &st) == 0) {
		free(hdr);
		err_set("pool %s: file exists", path);
		return -EEXIST;
	}

	char *dir = NULL, *base = NULL;
	if (pool_split_path(path, &dir, &base) != 0) {
		free(hdr);
		err_set("pool %s: out of memory", path);
		return -ENOMEM;
	}
	pool_tmp_sweep(dir, base);
	size_t tlen = strlen(path) + 64;
	char *tmp = malloc(tlen);
	struct pool *p = calloc(1, sizeof(*p));
	int ret;
	if (tmp == NULL || p == NULL) {
		err_set("pool %s: out of memory", path);
		ret = -ENOMEM;
		goto out_free;
	}
	uint32_t rnd;
	pool_random(&rnd, sizeof(rnd));
	snprintf(tmp, tlen, "%s/.%s.tmp.%ld.%08x", dir, base, (long)getpid(), rnd);

	enum pmem_mode mode = opts ? opts->mode : PMEM_MODE_AUTO;
	ret = pmem_map_file(tmp, PMEM_FILE_CREATE, size, mode, &p->map);
	if (ret != 0) {
		/* the message names the temporary file: say what we were doing */
		char msg[ERR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", err_get());
		err_set("pool %s: cannot create: %s", path, msg);
		goto out_free;
	}
	ret = pool_lock(path, p->map.fd); /* fresh inode: cannot fail with EBUSY */
	if (ret != 0)
		goto out_unlink;

	/* invariant (F1): header written once, before the file has its name;
	 * the rest of a new file is zero: free chunks, invalid lanes, zero root */
	memcpy(p->map.addr, hdr, sizeof(*hdr));
	struct pool_state *state = (struct pool_state *)((char *)p->map.addr + POOL_STATE_OFF);
	state->clean = 0; /* open now */
	pmem_persist_range(&p->map, p->map.addr, POOL_HDR_SIZE + 8);
	if (fsync(p->map.fd) != 0) {
		ret = -errno;
		err_set("pool %s: fsync failed: %s", path, strerror(-ret));
		goto out_unlink;
	}
	int lr = pool_link_into_place(tmp, path); /* invariant (L2) */
	if (lr < 0) {
		ret = lr;
		if (ret == -EEXIST)
			err_set("pool %s: file exists", path);
		else
			err_set("pool %s: cannot create: %s", path, strerror(-ret));
		goto out_unlink;
	}
	if (lr == 0)
		unlink(tmp);
	pool_fsync_dir(dir);
	/* Crash here: the file exists under its name, complete, marked not clean:
	 * opening it recovers an empty heap. */
	ret = pool_journal_enable(p, path);
	if (ret == 0)
		ret = pool_attach(p, path);
	if (ret != 0) {
		pool_unmap(p);
		pool_free_struct(p);
		p = NULL;
		goto out_free2;
	}
	*out = p;
	p = NULL;
	goto out_free2;

out_unlink:
	pmem_unmap_file(&p->map);
	unlink(tmp);
out_free:
	free(p);
out_free2:
	free(tmp);
	free(dir);
	free(base);
	free(hdr);
	return ret;
}
