/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_dram.c -- the DRAM baseline hash table (see bench_dram.h for what it
 * is and why). Written for this benchmark; it is not part of libpmemkv.
 */
#include "bench_dram.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DRAM_SHARD_BITS 8u
#define DRAM_SHARDS (1u << DRAM_SHARD_BITS)
#define DRAM_SHARD_INITIAL 16u /* slots per shard at start (power of two) */
#define DRAM_MALLOC_HEADER 8u  /* glibc chunk header, counted in dram_stats */

struct dram_rec {
	uint32_t kb;
	uint32_t vb;
	char data[]; /* key, then value */
};

struct dram_slot {
	uint64_t hash; /* 0 = empty; never 0 for a record (dram_hash) */
	struct dram_rec *rec;
};

struct dram_shard {
	pthread_mutex_t lock;
	struct dram_slot *slots;
	uint64_t mask; /* slots - 1 */
	uint64_t used;
	uint64_t bytes; /* malloc'd record blocks, headers included */
	char pad[64 - (sizeof(pthread_mutex_t) + 4 * sizeof(uint64_t)) % 64];
};

struct dram_table {
	int locking;
	struct dram_shard shards[DRAM_SHARDS];
};

/* dram_hash -- 64-bit multiply-xorshift over 8-byte words; never 0. */
static inline uint64_t
dram_hash(const char *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xc2b2ae3d27d4eb4full);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, k, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		k += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;
		memcpy(&w, k, n);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h ? h : 1;
}

static inline struct dram_shard *
dram_shard_of(struct dram_table *t, uint64_t h)
{
	struct dram_shard *s = &t->shards[h >> (64 - DRAM_SHARD_BITS)];
	if (t->locking)
		pthread_mutex_lock(&s->lock);
	return s;
}

static inline void
dram_shard_unlock(struct dram_table *t, struct dram_shard *s)
{
	if (t->locking)
		pthread_mutex_unlock(&s->lock);
}

struct dram_table *
dram_table_new(int locking)
{
	struct dram_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->locking = locking;
	for (unsigned i = 0; i < DRAM_SHARDS; i++) {
		struct dram_shard *s = &t->shards[i];
		s->slots = calloc(DRAM_SHARD_INITIAL, sizeof(*s->slots));
		if (!s->slots) {
			for (unsigned j = 0; j < i; j++)
				free(t->shards[j].slots);
			free(t);
			return NULL;
		}
		s->mask = DRAM_SHARD_INITIAL - 1;
		pthread_mutex_init(&s->lock, NULL);
	}
	return t;
}

void
dram_table_delete(struct dram_table *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < DRAM_SHARDS; i++) {
		struct dram_shard *s = &t->shards[i];
		for (uint64_t j = 0; j <= s->mask; j++)
			free(s->slots[j].rec);
		free(s->slots);
		pthread_mutex_destroy(&s->lock);
	}
	free(t);
}

/* dram_find -- slot index holding the key, or of the empty slot ending its probe. */
static inline uint64_t
dram_find(const struct dram_shard *s, uint64_t h, const char *k, size_t kb, int *found)
{
	for (uint64_t i = h & s->mask;; i = (i + 1) & s->mask) {
		const struct dram_slot *sl = &s->slots[i];
		if (sl->hash == 0) {
			*found = 0;
			return i;
		}
		if (sl->hash == h && sl->rec->kb == kb && memcmp(sl->rec->data, k, kb) == 0) {
			*found = 1;
			return i;
		}
	}
}

/* dram_grow -- double a shard's slot array; -1 if out of memory. */
static int
dram_grow(struct dram_shard *s)
{
	uint64_t n = s->mask + 1;
	struct dram_slot *ns = calloc(2 * n, sizeof(*ns));
	if (!ns)
		return -1;
	uint64_t nmask = 2 * n - 1;
	for (uint64_t i = 0; i < n; i++) {
		if (!s->slots[i].hash)
			continue;
		uint64_t j = s->slots[i].hash & nmask;
		while (ns[j].hash)
			j = (j + 1) & nmask;
		ns[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = ns;
	s->mask = nmask;
	return 0;
}

static struct dram_rec *
dram_rec_new(const char *k, size_t kb, const char *v, size_t vb)
{
	struct dram_rec *r = malloc(sizeof(*r) + kb + vb);
	if (!r)
		return NULL;
	r->kb = (uint32_t)kb;
	r->vb = (uint32_t)vb;
	memcpy(r->data, k, kb);
	memcpy(r->data + kb, v, vb);
	return r;
}

int
dram_put(struct dram_table *t, const char *k, size_t kb, const char *v, size_t vb)
{
	if (kb > UINT32_MAX || vb > UINT32_MAX)
		return -1;
	uint64_t h = dram_hash(k, kb);
	struct dram_shard *s = dram_shard_of(t, h);
	int found;
	uint64_t i = dram_find(s, h, k, kb, &found);
	if (found) {
		struct dram_rec *r = s->slots[i].rec;
		if (r->vb == vb) {
			memcpy(r->data + kb, v, vb);
		} else {
			struct dram_rec *n = dram_rec_new(k, kb, v, vb);
			if (!n) {
				dram_shard_unlock(t, s);
				return -1;
			}
			s->bytes += malloc_usable_size(n);
			s->bytes -= malloc_usable_size(r);
			s->slots[i].rec = n;
			free(r);
		}
		dram_shard_unlock(t, s);
		return 0;
	}
	if ((s->used + 1) * 4 > (s->mask + 1) * 3) {
		if (dram_grow(s) != 0) {
			dram_shard_unlock(t, s);
			return -1;
		}
		i = dram_find(s, h, k, kb, &found);
	}
	struct dram_rec *n = dram_rec_new(k, kb, v, vb);
	if (!n) {
		dram_shard_unlock(t, s);
		return -1;
	}
	s->slots[i].hash = h;
	s->slots[i].rec = n;
	s->used++;
	s->bytes += malloc_usable_size(n) + DRAM_MALLOC_HEADER;
	dram_shard_unlock(t, s);
	return 0;
}

int
dram_get(struct dram_table *t, const char *k, size_t kb, char *buf, size_t cap, size_t *vb)
{
	uint64_t h = dram_hash(k, kb);
	struct dram_shard *s = dram_shard_of(t, h);
	int found;
	uint64_t i = dram_find(s, h, k, kb, &found);
	if (found) {
		const struct dram_rec *r = s->slots[i].rec;
		memcpy(buf, r->data + kb, r->vb < cap ? r->vb : cap);
		*vb = r->vb;
	}
	dram_shard_unlock(t, s);
	return found ? 0 : 1;
}

int
dram_remove(struct dram_table *t, const char *k, size_t kb)
{
	uint64_t h = dram_hash(k, kb);
	struct dram_shard *s = dram_shard_of(t, h);
	int found;
	uint64_t i = dram_find(s, h, k, kb, &found);
	if (!found) {
		dram_shard_unlock(t, s);
		return 1;
	}
	struct dram_rec *r = s->slots[i].rec;
	s->bytes -= malloc_usable_size(r) + DRAM_MALLOC_HEADER;
	s->used--;
	/* backward-shift deletion: pull later members of the probe run into the hole */
	for (uint64_t j = (i + 1) & s->mask;; j = (j + 1) & s->mask) {
		if (!s->slots[j].hash)
			break;
		uint64_t home = s->slots[j].hash & s->mask;
		/* slot j may move to hole i iff its home is not cyclically in (i, j] */
		if (((j - home) & s->mask) >= ((j - i) & s->mask)) {
			s->slots[i] = s->slots[j];
			i = j;
		}
	}
	s->slots[i].hash = 0;
	s->slots[i].rec = NULL;
	dram_shard_unlock(t, s);
	free(r);
	return 0;
}

void
dram_stats(struct dram_table *t, uint64_t *records, uint64_t *bytes)
{
	uint64_t n = 0, b = 0;
	for (unsigned i = 0; i < DRAM_SHARDS; i++) {
		struct dram_shard *s = &t->shards[i];
		if (t->locking)
			pthread_mutex_lock(&s->lock);
		n += s->used;
		b += s->bytes + (s->mask + 1) * sizeof(*s->slots);
		if (t->locking)
			pthread_mutex_unlock(&s->lock);
	}
	*records = n;
	*bytes = b;
}
