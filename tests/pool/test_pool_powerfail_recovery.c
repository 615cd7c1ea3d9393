/*
 * test_pool_powerfail_recovery.c -- a power failure in the middle of
 * recovery. Phase 1: the toy workload of pool_model.h runs under the
 * power-failure simulator; at crash points a copy of the crash image is kept
 * with the model as of that instant (every image in which a redo log lane
 * is valid or torn, so recovery has a log to replay or invalidate, and a
 * share of the others). Phase 2, for each kept image: recover it (open:
 * log replay and invalidation, clean flag; the owner's marks; finish; clean
 * close: bitmaps, table, clean flag) with the simulator tracking the
 * image's own mapping from before the first write of recovery
 * (pool_test_map_hook), crash at every fence of that recovery, then recover
 * the second crash image and check it against the model (m_verify: root ==
 * acknowledged or pending state, and the same one the uninterrupted
 * recovery finds, object contents, no leak, pool_check). The interrupted
 * image's own recovery is checked too.
 */
#include <stdlib.h>
#include <unistd.h>

#include "pool/pool_internal.h"
#include "pool_model.h"
#include "powerfail.h"

#define POOLSZ (2ull << 20)
#define MAX_IMAGES 400

struct saved {
	char path[512];
	struct model acked, pending;
	int pending_active;
};

struct phase1 {
	struct model acked, pending;
	int pending_active;
	struct m_ctx ctx;
	struct saved *img;
	unsigned nimg, nlog;
	uint64_t seen;
};

static void
p1_begin(struct m_ctx *c, const struct model *after)
{
	struct phase1 *s = c->arg;
	s->pending = *after;
	s->pending_active = 1;
}

static void
p1_ack(struct m_ctx *c, const struct model *after)
{
	struct phase1 *s = c->arg;
	s->acked = *after;
	s->pending_active = 0;
}

/* does the image hold a lane with a nonzero checksum (work for recovery)? */
static int
image_has_log(const unsigned char *img)
{
	for (unsigned i = 0; i < POOL_LANES; i++) {
		const struct pool_lane_hdr *h =
			(const void *)(img + POOL_LANES_OFF + (uint64_t)i * POOL_LANE_SIZE);
		if (h->cksum != 0)
			return 1;
	}
	return 0;
}

static int
p1_check(void *arg, const char *image_path, uint64_t fence_no)
{
	(void)fence_no;
	struct phase1 *s = arg;
	if (s->nimg == MAX_IMAGES)
		return 0;
	size_t len;
	unsigned char *img = tu_read(image_path, &len);
	T_ASSERT(img != NULL && len == POOLSZ);
	int log = image_has_log(img);
	if (log || s->seen++ % 6 == 0) {
		struct saved *sv = &s->img[s->nimg++];
		snprintf(sv->path, sizeof(sv->path), "%s/pool-pfr-%d-%u", pf_tmpdir(),
			 (int)getpid(), s->nimg);
		tu_write(sv->path, img, len);
		sv->acked = s->acked;
		sv->pending = s->pending;
		sv->pending_active = s->pending_active;
		s->nlog += (unsigned)log;
	}
	free(img);
	return 0;
}

/* ---- phase 2 ------------------------------------------------------------ */

static struct pf_sim *cur_sim;	 /* tracks the image being recovered */
static void *cur_base;		 /* its mapping */
static int hook_armed;		 /* start a simulator at the next open */
static const struct saved *cur; /* the image being recovered */
static int cur_which;		 /* the state its uninterrupted recovery finds */
static uint64_t inner_checks;

static int
p2_check(void *arg, const char *image_path, uint64_t fence_no)
{
	(void)arg;
	char tag[640];
	snprintf(tag, sizeof(tag), "%s, crash in recovery at fence %llu", cur->path,
		 (unsigned long long)fence_no);
	int which = -1;
	int v = m_verify(image_path, &cur->acked, cur->pending_active ? &cur->pending : NULL,
			 &which, tag);
	if (v == 0 && which != cur_which) {
		printf("%s: VIOLATION: recovered to state %d, uninterrupted recovery "
		       "gives %d\n",
		       tag, which, cur_which);
		v++;
	}
	inner_checks++;
	return v;
}

static void
map_hook(int mapped, void *base, size_t len)
{
	if (mapped && hook_armed) {
		hook_armed = 0;
		cur_base = base;
		cur_sim = pf_sim_new(base, len);
		pf_sim_set_check(cur_sim, p2_check, NULL);
		pf_sim_set_policy(cur_sim, PF_EVERY_FENCE, 0, 7, PF_PENDING | PF_UNFLUSHED);
		pf_sim_start(cur_sim);
	} else if (!mapped && cur_sim != NULL && base == cur_base) {
		/* (the checks open and close other pools meanwhile) */
		pf_sim_stop(cur_sim); /* before the range goes away */
		cur_base = NULL;
	}
}

int
main(void)
{
	/* phase 1: keep crash images of a workload */
	struct phase1 *s = calloc(1, sizeof(*s));
	s->img = calloc(MAX_IMAGES, sizeof(*s->img));
	T_ASSERT(s != NULL && s->img != NULL);
	s->ctx.acked = &s->acked;
	s->ctx.begin = p1_begin;
	s->ctx.ack = p1_ack;
	s->ctx.arg = s;
	s->ctx.sizes_mask = 0xff;
	const char *path = tu_path("pfr");
	struct pool *p = NULL;
	T_EQ(pool_create(path, M_LAYOUT, POOLSZ, NULL, &p), 0);
	uint64_t rng = 11;
	for (int i = 0; i < 30; i++)
		m_step(p, &s->ctx, &rng);
	struct pf_sim *sim = pf_sim_new(pool_base(p), pool_size(p));
	pf_sim_set_check(sim, p1_check, s);
	pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, 5, PF_PENDING | PF_UNFLUSHED);
	pf_sim_start(sim);
	for (int i = 0; i < 400 && s->nimg < MAX_IMAGES; i++)
		m_step(p, &s->ctx, &rng);
	pf_sim_stop(sim);
	pf_sim_delete(sim);
	pool_close(p);
	unlink(path);
	fprintf(stderr, "phase 1: %u crash images kept, %u with a redo log to recover\n", s->nimg,
	       s->nlog);
	T_ASSERT(s->nlog >= 20);

	/* phase 2: crash at every fence of each image's recovery */
	pool_test_map_hook = map_hook;
	uint64_t v = 0, points = 0;
	for (unsigned k = 0; k < s->nimg; k++) {
		cur = &s->img[k];
		char ref[600];
		snprintf(ref, sizeof(ref), "%s.ref", cur->path);
		size_t len;
		unsigned char *img = tu_read(cur->path, &len);
		T_ASSERT(img != NULL);
		tu_write(ref, img, len);
		free(img);
		/* the uninterrupted recovery of a copy: which state it finds */
		cur_which = -1;
		int rv = m_verify(ref, &cur->acked, cur->pending_active ? &cur->pending : NULL,
				  &cur_which, "uninterrupted recovery");
		T_EQ(rv, 0);
		unlink(ref);
		/* the same recovery, crashed at each of its fences */
		hook_armed = 1;
		int which = -1;
		rv = m_verify(cur->path, &cur->acked,
			      cur->pending_active ? &cur->pending : NULL, &which,
			      "observed recovery");
		T_EQ(rv, 0);
		T_EQ(which, cur_which);
		T_ASSERT(cur_sim != NULL);
		v += pf_sim_violations(cur_sim);
		points += pf_sim_crash_points(cur_sim);
		if (pf_sim_violations(cur_sim) != 0)
			pf_report(cur->path, cur_sim);
		pf_sim_delete(cur_sim);
		cur_sim = NULL;
		unlink(cur->path);
	}
	pool_test_map_hook = NULL;
	fflush(stdout);
	fprintf(stderr, "crash during recovery: %u images, %llu crash points, %llu violations\n",
	       s->nimg, (unsigned long long)points, (unsigned long long)v);
	T_EQU(v, 0);
	T_EQU(inner_checks, points);
	T_ASSERT(points >= 2 * (uint64_t)s->nimg + (uint64_t)s->nlog);
	free(s->img);
	free(s);
	return 0;
}
