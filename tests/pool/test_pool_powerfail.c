/*
 * test_pool_powerfail.c -- crash the pool at fences (power-failure
 * simulator, tests/powerfail) during random workloads of the toy structure
 * in pool_model.h, recover every crash image and check it against the
 * model: acknowledged state (or the in-flight op's result), tx atomicity,
 * object contents, no leak, pool_check.
 *
 * Scenarios (each prints a pf_report line):
 *   every fence, short workloads, several seeds (small objects)
 *   every fence, workloads that run out of space (large blocks too)
 *   every fence of a clean close
 *   random fences of a long workload
 * Pools are 2 MiB so that a crash point costs little.
 */
#include <stdlib.h>
#include <unistd.h>

#include "pool_model.h"
#include "powerfail.h"

#define POOLSZ (2ull << 20)

struct pf_state {
	struct model acked, pending;
	int pending_active;
	struct m_ctx ctx;
	uint64_t checks, found_pending;
};

static void
pf_begin(struct m_ctx *c, const struct model *after)
{
	struct pf_state *s = c->arg;
	s->pending = *after;
	s->pending_active = 1;
}

static void
pf_ack(struct m_ctx *c, const struct model *after)
{
	struct pf_state *s = c->arg;
	s->acked = *after;
	s->pending_active = 0;
}

static int
pf_check(void *arg, const char *image_path, uint64_t fence_no)
{
	struct pf_state *s = arg;
	char tag[64];
	snprintf(tag, sizeof(tag), "fence %llu", (unsigned long long)fence_no);
	int which = 0;
	int v = m_verify(image_path, &s->acked, s->pending_active ? &s->pending : NULL,
			 &which, tag);
	s->checks++;
	s->found_pending += (uint64_t)which;
	return v;
}

static struct pool *
pf_pool_new(const char *path)
{
	struct pool *p = NULL;
	int r = pool_create(path, M_LAYOUT, POOLSZ, NULL, &p);
	if (r != 0)
		T_FAIL("pool_create: %d %s", r, err_get());
	return p;
}

static void
pf_state_init(struct pf_state *s, unsigned sizes_mask)
{
	memset(s, 0, sizeof(*s));
	s->ctx.acked = &s->acked;
	s->ctx.begin = pf_begin;
	s->ctx.ack = pf_ack;
	s->ctx.arg = s;
	s->ctx.sizes_mask = sizes_mask;
}

/*
 * run_scenario -- create a pool, do `warm` ops unobserved, then `ops` ops
 * under the simulator with the given policy; optionally close under it too.
 */
static unsigned big_every; /* for the next scenarios (m_ctx.big_every) */
static uint64_t enomem_total;

static uint64_t
run_scenario(const char *name, uint64_t seed, unsigned sizes_mask, int warm, int ops,
	     enum pf_policy policy, uint64_t param, int close_observed, uint64_t *points)
{
	const char *path = tu_path("pf");
	struct pf_state *s = malloc(sizeof(*s));
	pf_state_init(s, sizes_mask);
	s->ctx.big_every = big_every;
	struct pool *p = pf_pool_new(path);
	uint64_t rng = seed;
	for (int i = 0; i < warm; i++)
		m_step(p, &s->ctx, &rng);
	struct pf_sim *sim = pf_sim_new(pool_base(p), pool_size(p));
	pf_sim_set_check(sim, pf_check, s);
	pf_sim_set_policy(sim, policy, param, seed, PF_PENDING | PF_UNFLUSHED);
	pf_sim_start(sim);
	for (int i = 0; i < ops; i++)
		m_step(p, &s->ctx, &rng);
	if (close_observed) {
		pool_close(p);
		p = NULL;
	}
	pf_sim_stop(sim);
	char title[160];
	snprintf(title, sizeof(title), "%s (seed %llu, %llu ops, %llu enomem, %llu in-flight "
		 "ops found applied)",
		 name, (unsigned long long)seed, (unsigned long long)s->ctx.ops,
		 (unsigned long long)s->ctx.enomem, (unsigned long long)s->found_pending);
	uint64_t v = pf_report(title, sim);
	enomem_total += s->ctx.enomem;
	*points += pf_sim_crash_points(sim);
	pf_sim_delete(sim);
	if (p != NULL)
		pool_close(p);
	/* the pool itself (never crashed) verifies too */
	int which;
	T_EQ(m_verify(path, &s->acked, NULL, &which, "final"), 0);
	unlink(path);
	free(s);
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t base_seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	uint64_t v = 0, points = 0;
	const unsigned SMALL = 0x1f | 0x80; /* 8..3000 bytes */
	const unsigned ALL = 0xff;
	/* short workloads at every fence */
	for (uint64_t k = 0; k < 16; k++)
		v += run_scenario("pool every fence, small objects", base_seed + k, SMALL,
				  (int)(k * 7), 200, PF_EVERY_FENCE, 0, 0, &points);
	/* large blocks: the 2 MiB pool runs out of space; half of the runs
	 * with 256 KiB chunks (5 of them), half with the 16 KiB chunks a
	 * 2 MiB pool gets and large blocks drawn more often */
	uint64_t enomem0 = enomem_total;
	for (uint64_t k = 0; k < 8; k++) {
		if (k % 2 == 0)
			setenv("PMEMKV_POOL_CHUNK_SIZE", "262144", 1);
		big_every = k % 2 ? 1 : 0;
		v += run_scenario(k % 2 ? "pool every fence, out of space, 16 KiB chunks"
					: "pool every fence, out of space, 256 KiB chunks",
				  base_seed + 100 + k, ALL, k % 2 ? 80 : 40, 150, PF_EVERY_FENCE, 0, 0,
				  &points);
		unsetenv("PMEMKV_POOL_CHUNK_SIZE");
	}
	big_every = 0;
	T_ASSERT(enomem_total - enomem0 >= 8);
	/* clean close observed */
	for (uint64_t k = 0; k < 4; k++)
		v += run_scenario("pool every fence, workload + close", base_seed + 200 + k,
				  SMALL, 50, 20, PF_EVERY_FENCE, 0, 1, &points);
	/* long workload, random fences */
	v += run_scenario("pool random fences, long workload", base_seed + 300, ALL, 0, 20000,
			  PF_RANDOM_FENCES, 8, 1, &points);
	printf("pool powerfail total: %llu crash points, %llu violations\n",
	       (unsigned long long)points, (unsigned long long)v);
	T_EQU(v, 0);
	T_ASSERT(points >= 10000);
	return 0;
}
