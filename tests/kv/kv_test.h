/*
 * kv_test.h -- helpers of the kv conformance tests: status assertions that
 * print names and the error message, unique pool paths in /dev/shm, and
 * counting deleters for config objects.
 */
#ifndef PMEMKV_KV_TEST_H
#define PMEMKV_KV_TEST_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kv/status.h"
#include "libpmemkv.h"
#include "test.h"

/* T_ST -- assert a status, printing both names and pmemkv_errormsg(). */
#define T_ST(expr, want)                                                               \
	do {                                                                           \
		int _s = (expr), _w = (want);                                          \
		if (_s != _w)                                                          \
			T_FAIL("%s: %s (%d), expected %s (%d); errormsg: \"%s\"",      \
			       #expr, kv_status_name(_s), _s, kv_status_name(_w), _w,  \
			       pmemkv_errormsg());                                     \
	} while (0)

/* T_ST_MSG -- assert a failing status that must come with a message. */
#define T_ST_MSG(expr, want)                                                           \
	do {                                                                           \
		T_ST(expr, want);                                                      \
		if (pmemkv_errormsg()[0] == '\0')                                      \
			T_FAIL("%s: empty errormsg after %s", #expr,                   \
			       kv_status_name(want));                                  \
	} while (0)

/* T_NOMSG -- errormsg must be "" (after NOT_FOUND / STOPPED_BY_CB). */
#define T_NOMSG()                                                                      \
	do {                                                                           \
		if (pmemkv_errormsg()[0] != '\0')                                      \
			T_FAIL("errormsg not empty: \"%s\"", pmemkv_errormsg());       \
	} while (0)

#define T_MSG_HAS(sub)                                                                 \
	do {                                                                           \
		if (!strstr(pmemkv_errormsg(), (sub)))                                 \
			T_FAIL("errormsg \"%s\" lacks \"%s\"", pmemkv_errormsg(),      \
			       (sub));                                                 \
	} while (0)

/* kvt_path -- a unique pool path in /dev/shm (removed first). */
static inline const char *
kvt_path(char *buf, size_t len, const char *tag)
{
	static int seq;
	snprintf(buf, len, "/dev/shm/pmemkv-kvtest-%d-%s-%d", (int)getpid(), tag, seq++);
	unlink(buf);
	return buf;
}

/* Counting deleters: every call is recorded against the object. */
struct kvt_obj {
	int deleted; /* times the deleter ran */
	int value;
};

static inline void
kvt_obj_deleter(void *p)
{
	((struct kvt_obj *)p)->deleted++;
}

/* a config item whose deleter tells whether the config was deleted */
static inline pmemkv_config *
kvt_config_with_sentinel(struct kvt_obj *sentinel)
{
	pmemkv_config *c = pmemkv_config_new();
	T_ASSERT(c != NULL);
	sentinel->deleted = 0;
	T_ST(pmemkv_config_put_object(c, "kvtest.sentinel", sentinel, kvt_obj_deleter),
	     PMEMKV_STATUS_OK);
	return c;
}

#endif
