/*
 * cmap_test_util.h -- helpers shared by the cmap engine tests: build an
 * engine_config (with the engine-specific "cmap.segment_buckets" item),
 * open/close through cmap_engine_ops, unique pool paths.
 */
#ifndef CMAP_TEST_UTIL_H
#define CMAP_TEST_UTIL_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "engines/cmap/cmap.h"
#include "engines/engine.h"
#include "pool/pool.h"
#include "test.h"

struct ct_cfg {
	struct engine_config ec;
	uint64_t seg_buckets; /* 0: not given */
};

static inline int
ct_get_uint64(void *cfg, const char *key, uint64_t *v)
{
	struct ct_cfg *c = cfg;
	if (strcmp(key, CMAP_CFG_SEGMENT_BUCKETS) == 0 && c->seg_buckets) {
		*v = c->seg_buckets;
		return 0;
	}
	return -ENOENT;
}

static inline int
ct_get_string(void *cfg, const char *key, const char **v)
{
	(void)cfg;
	(void)key;
	(void)v;
	return -ENOENT;
}

/* ct_cfg_init -- config for path; size 0 = open only. */
static inline void
ct_cfg_init(struct ct_cfg *c, const char *path, uint64_t size, uint64_t seg_buckets)
{
	memset(c, 0, sizeof(*c));
	c->ec.path = path;
	c->ec.size = size;
	c->ec.create_if_missing = size != 0;
	c->ec.mode = PMEM_MODE_AUTO;
	c->ec.cfg = c;
	c->ec.get_uint64 = ct_get_uint64;
	c->ec.get_string = ct_get_string;
	c->seg_buckets = seg_buckets;
}

/* ct_open -- open (creating if size != 0); aborts the test on failure. */
static inline void *
ct_open(const char *path, uint64_t size, uint64_t seg_buckets)
{
	struct ct_cfg c;
	ct_cfg_init(&c, path, size, seg_buckets);
	void *h = NULL;
	int ret = cmap_engine_ops.open(&c.ec, &h);
	if (ret)
		T_FAIL("open %s: %d (%s)", path, ret, err_get());
	return h;
}

static char ct_abort_path[300];
static pid_t ct_abort_pid;

/* a failing assertion aborts: remove the test's pool file on the way out */
static inline void
ct_on_abort(int sig)
{
	if (ct_abort_path[0] && getpid() == ct_abort_pid)
		unlink(ct_abort_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ct_path -- unique pool path in /dev/shm (or /tmp); removed if the test
 * aborts. */
static inline void
ct_path(char *buf, size_t len, const char *tag)
{
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(buf, len, "%s/cmap-%s-%d.pool", dir, tag, (int)getpid());
	unlink(buf);
	snprintf(ct_abort_path, sizeof(ct_abort_path), "%s", buf);
	ct_abort_pid = getpid();
	signal(SIGABRT, ct_on_abort);
}

/* ct_check -- cmap_check + no leak: allocated bytes == reachable bytes. */
static inline void
ct_check(void *h, uint64_t expect_records)
{
	struct cmap_check_stats st;
	int ret = cmap_check(h, &st);
	if (ret)
		T_FAIL("cmap_check: %s", err_get());
	T_EQU(st.records, expect_records);
	size_t cnt = 0;
	T_EQ(cmap_engine_ops.count_all(h, &cnt), 0);
	T_EQU(cnt, expect_records);
}

static inline void
ct_check_noleak(void *h)
{
	struct cmap_check_stats st;
	if (cmap_check(h, &st))
		T_FAIL("cmap_check: %s", err_get());
	struct pool_stats ps;
	pool_stats(cmap_pool(h), &ps);
	T_EQU(ps.allocated_bytes, st.reachable_bytes);
	T_EQU(ps.allocated_objs, st.reachable_blocks);
}

/* value capture for get */
struct ct_val {
	char *buf;
	size_t cap;
	size_t len;
	int called;
};

static inline void
ct_val_cb(const char *v, size_t vb, void *arg)
{
	struct ct_val *x = arg;
	x->called++;
	x->len = vb;
	if (x->buf && vb <= x->cap)
		memcpy(x->buf, v, vb);
}

#endif
