/*
 * pool_model.h -- a toy persistent structure on top of the pool layer and
 * its model, shared by the power-failure test and the kill -9 torture.
 *
 * The structure (in the root area):
 *   root[0 .. M_SLOTS)          offsets of published objects (0 = empty);
 *                               object content: word j = m_pat(seq, j)
 *   root[M_TX .. M_TX + M_TXW)  ten words always changed together by a tx
 *
 * Operations (each is acknowledged when it returns):
 *   PUBLISH  alloc, fill + persist the object, one 8-byte store + persist
 *   FREE     root[i] = 0 + persist, then pool_free
 *   TXSET    tx: ten pool_tx_set of the tx words to one new value
 *   TXFILL   tx: one pool_tx_fill of the tx words
 *   SWAP     tx: exchange two slots
 *   REPLACE  alloc + fill + persist a new object; tx: slot = new,
 *            pool_tx_free(old)
 *
 * Model of what a crash may leave: the acknowledged state, or, while an
 * operation is in flight, the state after it ("pending"). Nothing else.
 * m_verify() opens a pool image, recovers it (replay + marks + finish) and
 * checks: the root matches one of the two states exactly (durability and
 * tx atomicity), every reachable object has its content, NO LEAK
 * (allocated bytes == sum of usable sizes of reachable blocks), pool_check.
 */
#ifndef POOL_MODEL_H
#define POOL_MODEL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "pool/pool.h"
#include "pool_test_util.h"

#define M_LAYOUT "poolmodel"
#define M_SLOTS 48
#define M_TX 64
#define M_TXW 10

struct m_slot {
	uint64_t off, seq, size;
};

struct model {
	struct m_slot s[M_SLOTS];
	uint64_t txval;
	uint64_t seq;
};

/* how a workload announces an operation and its acknowledgement */
struct m_ctx {
	struct model *acked;
	void (*begin)(struct m_ctx *c, const struct model *after);
	void (*ack)(struct m_ctx *c, const struct model *after);
	void *arg;
	unsigned sizes_mask; /* which of m_sizes to use (bit i) */
	unsigned big_every;  /* sizes > 10000 kept 1 time in N (0: 8) */
	uint64_t ops, enomem;
};

static const size_t m_sizes[] = {24, 100, 250, 1000, 3000, 70000, 300000, 8};

static inline uint64_t
m_pat(uint64_t seq, uint64_t j)
{
	return (seq * 0x9E3779B97F4A7C15ull) ^ (j + 1);
}

static inline uint64_t *
m_root(struct pool *p)
{
	return pool_root(p);
}

static size_t
m_pick_size(struct m_ctx *c, uint64_t *rng)
{
	for (;;) {
		unsigned i = (unsigned)(tu_rand(rng) % ARRAY_SIZE(m_sizes));
		/* large sizes rarely */
		if (m_sizes[i] > 10000 && tu_rand(rng) % (c->big_every ? c->big_every : 8) != 0)
			continue;
		if (c->sizes_mask & (1u << i))
			return m_sizes[i] - (size_t)(tu_rand(rng) % 8);
	}
}

static int
m_new_object(struct pool *p, struct m_ctx *c, size_t size, uint64_t seq, uint64_t *off)
{
	int r = pool_alloc(p, size, off);
	if (r == -ENOMEM) {
		c->enomem++;
		return r;
	}
	if (r != 0)
		T_FAIL("pool_alloc(%zu): %d %s", size, r, err_get());
	uint64_t *w = pool_ptr(p, *off);
	for (uint64_t j = 0; j < size / 8; j++)
		w[j] = m_pat(seq, j);
	pool_persist(p, w, size / 8 * 8);
	return 0;
}

/* m_step -- one random operation on pool p, announced through c */
static void
m_step(struct pool *p, struct m_ctx *c, uint64_t *rng)
{
	struct model after = *c->acked;
	uint64_t *root = m_root(p);
	uint64_t seq = ++after.seq;
	unsigned i = (unsigned)(tu_rand(rng) % M_SLOTS);
	unsigned op = (unsigned)(tu_rand(rng) % 10);
	struct pool_tx *tx;
	c->ops++;
	if (after.s[i].off == 0 && op < 6) { /* PUBLISH */
		size_t size = m_pick_size(c, rng);
		uint64_t off;
		if (m_new_object(p, c, size, seq, &off) != 0)
			return;
		after.s[i] = (struct m_slot){off, seq, size};
		c->begin(c, &after);
		__atomic_store_n(&root[i], off, __ATOMIC_RELEASE);
		pool_persist(p, &root[i], 8);
		c->ack(c, &after);
	} else if (after.s[i].off != 0 && op < 4) { /* FREE */
		uint64_t off = after.s[i].off;
		after.s[i] = (struct m_slot){0, 0, 0};
		c->begin(c, &after);
		__atomic_store_n(&root[i], 0, __ATOMIC_RELEASE);
		pool_persist(p, &root[i], 8);
		pool_free(p, off);
		c->ack(c, &after);
	} else if (after.s[i].off != 0 && op < 6) { /* REPLACE */
		size_t size = m_pick_size(c, rng);
		uint64_t off, old = after.s[i].off;
		if (m_new_object(p, c, size, seq, &off) != 0)
			return;
		after.s[i] = (struct m_slot){off, seq, size};
		c->begin(c, &after);
		T_EQ(pool_tx_begin(p, &tx), 0);
		T_EQ(pool_tx_set(tx, &root[i], off), 0);
		T_EQ(pool_tx_free(tx, old), 0);
		T_EQ(pool_tx_commit(tx), 0);
		c->ack(c, &after);
	} else if (op < 8) { /* SWAP */
		unsigned j = (unsigned)(tu_rand(rng) % M_SLOTS);
		struct m_slot t = after.s[i];
		after.s[i] = after.s[j];
		after.s[j] = t;
		c->begin(c, &after);
		T_EQ(pool_tx_begin(p, &tx), 0);
		T_EQ(pool_tx_set(tx, &root[i], after.s[i].off), 0);
		T_EQ(pool_tx_set(tx, &root[j], after.s[j].off), 0);
		T_EQ(pool_tx_commit(tx), 0);
		c->ack(c, &after);
	} else { /* TXSET / TXFILL */
		after.txval = seq;
		c->begin(c, &after);
		T_EQ(pool_tx_begin(p, &tx), 0);
		if (op == 8) {
			for (unsigned k = 0; k < M_TXW; k++)
				T_EQ(pool_tx_set(tx, &root[M_TX + k], seq), 0);
		} else {
			T_EQ(pool_tx_fill(tx, &root[M_TX], seq, M_TXW), 0);
		}
		T_EQ(pool_tx_commit(tx), 0);
		c->ack(c, &after);
	}
}

/* does the pool's root match model m exactly? */
static int
m_root_matches(struct pool *p, const struct model *m)
{
	const uint64_t *root = m_root(p);
	for (unsigned i = 0; i < M_SLOTS; i++)
		if (root[i] != m->s[i].off)
			return 0;
	for (unsigned k = 0; k < M_TXW; k++)
		if (root[M_TX + k] != m->txval)
			return 0;
	return 1;
}

static void
m_print_diff(struct pool *p, const struct model *m, const char *name)
{
	const uint64_t *root = m_root(p);
	for (unsigned i = 0; i < M_SLOTS; i++)
		if (root[i] != m->s[i].off)
			printf("   %s: slot %u holds %llu, model %llu\n", name, i,
			       (unsigned long long)root[i], (unsigned long long)m->s[i].off);
	for (unsigned k = 0; k < M_TXW; k++)
		if (root[M_TX + k] != m->txval)
			printf("   %s: tx word %u holds %llu, model %llu\n", name, k,
			       (unsigned long long)root[M_TX + k],
			       (unsigned long long)m->txval);
}

/*
 * m_verify -- open the pool at path, recover, check against m0 (acked) or
 * m1 (pending, may be NULL). Returns the number of violations (each printed).
 * *which = 0 or 1: the state found. The pool is closed cleanly afterwards.
 */
static int
m_verify(const char *path, const struct model *m0, const struct model *m1, int *which,
	 const char *tag)
{
	struct pool *p = NULL;
	int r = pool_open(path, M_LAYOUT, NULL, &p);
	if (r != 0) {
		printf("%s: VIOLATION: pool_open: %d %s\n", tag, r, err_get());
		return 1;
	}
	int v = 0;
	const struct model *m = NULL;
	if (m_root_matches(p, m0)) {
		m = m0;
		*which = 0;
	} else if (m1 != NULL && m_root_matches(p, m1)) {
		m = m1;
		*which = 1;
	} else {
		printf("%s: VIOLATION: root matches neither the acknowledged nor the "
		       "pending state\n",
		       tag);
		m_print_diff(p, m0, "acked");
		if (m1)
			m_print_diff(p, m1, "pending");
		pool_close(p);
		return 1;
	}
	uint64_t sum = 0, objs = 0;
	for (unsigned i = 0; i < M_SLOTS; i++) {
		const struct m_slot *s = &m->s[i];
		if (s->off == 0)
			continue;
		size_t us = pool_usable_size(p, s->off);
		if (us < s->size) {
			printf("%s: VIOLATION: slot %u block %llu usable %zu < %llu\n", tag, i,
			       (unsigned long long)s->off, us, (unsigned long long)s->size);
			v++;
			continue;
		}
		const uint64_t *w = pool_ptr(p, s->off);
		for (uint64_t j = 0; j < s->size / 8; j++) {
			if (w[j] != m_pat(s->seq, j)) {
				printf("%s: VIOLATION: slot %u object word %llu damaged\n", tag,
				       i, (unsigned long long)j);
				v++;
				break;
			}
		}
		r = pool_recovery_mark(p, s->off);
		if (r != 0 && pool_recovery_needed(p)) {
			printf("%s: VIOLATION: mark slot %u: %s\n", tag, i, err_get());
			v++;
		}
		sum += us;
		objs++;
	}
	r = pool_recovery_finish(p);
	if (r != 0) {
		printf("%s: VIOLATION: recovery_finish: %s\n", tag, err_get());
		v++;
	}
	struct pool_stats st;
	pool_stats(p, &st);
	if (st.allocated_bytes != sum || st.allocated_objs != objs) {
		printf("%s: VIOLATION: leak: allocated %llu bytes / %llu objects, "
		       "reachable %llu / %llu\n",
		       tag, (unsigned long long)st.allocated_bytes,
		       (unsigned long long)st.allocated_objs, (unsigned long long)sum,
		       (unsigned long long)objs);
		v++;
	}
	if (pool_check(p) != 0) {
		printf("%s: VIOLATION: pool_check: %s\n", tag, err_get());
		v++;
	}
	pool_close(p);
	return v;
}

#endif
