/*
 * pool_test_util.h -- helpers shared by the pool layer's tests: unique
 * temporary paths, whole-file reads, a tiny PRNG.
 */
#ifndef POOL_TEST_UTIL_H
#define POOL_TEST_UTIL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

static inline const char *
tu_dir(void)
{
	const char *d = getenv("PF_TMPDIR");
	if (d && *d)
		return d;
	if (access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	d = getenv("TMPDIR");
	return (d && *d) ? d : "/tmp";
}

/* tu_path -- "<dir>/pooltest-<tag>-<pid>-<n>" in a static rotating buffer */
static inline const char *
tu_path(const char *tag)
{
	static char buf[8][512];
	static int n;
	char *b = buf[n++ % 8];
	snprintf(b, 512, "%s/pooltest-%s-%d-%d", tu_dir(), tag, (int)getpid(), n);
	return b;
}

/* tu_read -- whole file into malloc'd memory; *len set; NULL if missing */
static inline unsigned char *
tu_read(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	unsigned char *b = malloc((size_t)st.st_size + 1);
	T_ASSERT(b != NULL);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return b;
}

static inline void
tu_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	T_ASSERT(fd >= 0);
	const char *p = data;
	size_t done = 0;
	while (done < len) {
		ssize_t r = write(fd, p + done, len - done);
		T_ASSERT(r > 0);
		done += (size_t)r;
	}
	close(fd);
}

static inline uint64_t
tu_rand(uint64_t *s)
{
	uint64_t x = *s += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

#endif
