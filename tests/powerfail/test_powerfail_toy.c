/*
 * test_powerfail_toy.c -- proves the simulator finds crash-consistency bugs
 * (and stays quiet on a correct protocol), directly on the pmem layer.
 *
 * The toy persistent structure: an append-only log of variable-length,
 * checksummed records in a file on /dev/shm.
 *
 *   offset 0     header word: (used_bytes << 32) | count   (one 8-byte store)
 *   offset 64    (only the TORN variant) used_bytes in a word of its own
 *   offset 4096  records back to back; record j is 64 * (1 + j % 5) bytes:
 *                payload words, then cksum64(payload) ^ j in the last word.
 *
 * Invariants the check verifies on every crash image:
 *  (T1) every acknowledged append is there: count >= acked (durability);
 *  (T2) count <= acked + 1 (nothing invented);
 *  (T3) used_bytes matches the sum of the lengths of the first count records;
 *  (T4) each of the first count records has a valid checksum and its content.
 *
 * Correct protocol for append j: copy the record (pmem_copy_nodrain: the
 * 320-byte ones take the non-temporal path), fence; then publish the header
 * with one 8-byte store and persist it.
 * Planted bugs the simulator must catch:
 *  MISSING_FLUSH  the record is written with memcpy and never flushed;
 *  WRONG_ORDER    the header is published and persisted before the record;
 *  TORN_PUBLISH   count and used_bytes are two stores in two cache lines,
 *                 persisted together without a log: a crash can keep one.
 */
#include "common/common.h"
#include "pmem/pmem.h"
#include "powerfail.h"
#include "test.h"

#include <fcntl.h>
#include <unistd.h>

#define POOL (256 * 1024)
#define REC0 4096

enum variant { CORRECT, MISSING_FLUSH, WRONG_ORDER, TORN_PUBLISH };
static const char *const variant_names[] = {"correct", "missing flush", "wrong order",
					     "torn publish"};

struct toy {
	struct pmem_map map;
	enum variant v;
	uint64_t acked;	  /* model: appends that returned */
	uint64_t printed; /* violation lines printed so far */
};

static size_t
rec_len(uint64_t j)
{
	return 64 * (1 + j % 5);
}

static uint64_t
rec_word(uint64_t j, size_t k)
{
	return (j + 1) * 0x9E3779B97F4A7C15ULL ^ (k * 0xD6E8FEB86659FD93ULL);
}

static void
rec_make(uint64_t j, uint64_t *buf)
{
	size_t n = rec_len(j) / 8;
	for (size_t k = 0; k + 1 < n; k++)
		buf[k] = rec_word(j, k);
	buf[n - 1] = cksum64(buf, (n - 1) * 8) ^ j;
}

static uint64_t *
hdr(struct toy *t, size_t off)
{
	return (uint64_t *)((char *)t->map.addr + off);
}

/* toy_append -- append record j (j == number of records so far) */
static void
toy_append(struct toy *t, uint64_t j, size_t used)
{
	uint64_t rec[40];
	rec_make(j, rec);
	size_t len = rec_len(j);
	char *dst = (char *)t->map.addr + REC0 + used;
	uint64_t newhdr = ((uint64_t)(used + len) << 32) | (j + 1);

	switch (t->v) {
	case CORRECT:
		pmem_copy_nodrain(&t->map, dst, rec, len);
		pmem_fence(&t->map);
		/* Crash here: the record is durable but unpublished: count == j. */
		*hdr(t, 0) = newhdr;
		pmem_persist_range(&t->map, hdr(t, 0), 8);
		/* Crash here: record j is published and durable. */
		break;
	case MISSING_FLUSH:
		memcpy(dst, rec, len); /* BUG: never flushed */
		pmem_fence(&t->map);
		*hdr(t, 0) = newhdr;
		pmem_persist_range(&t->map, hdr(t, 0), 8);
		break;
	case WRONG_ORDER:
		*hdr(t, 0) = newhdr; /* BUG: published before the record exists */
		pmem_persist_range(&t->map, hdr(t, 0), 8);
		pmem_copy_nodrain(&t->map, dst, rec, len);
		pmem_fence(&t->map);
		break;
	case TORN_PUBLISH:
		pmem_copy_nodrain(&t->map, dst, rec, len);
		pmem_fence(&t->map);
		/* BUG: two words in two lines, no log */
		*hdr(t, 0) = j + 1;
		*hdr(t, 64) = used + len;
		pmem_flush_range(&t->map, hdr(t, 0), 8);
		pmem_flush_range(&t->map, hdr(t, 64), 8);
		pmem_fence(&t->map);
		break;
	}
}

#define VIOLATION(t, ...)                                                              \
	do {                                                                           \
		if ((t)->printed++ < 5) {                                              \
			printf("   violation: " __VA_ARGS__);                            \
			printf("\n");                                                  \
		}                                                                      \
		v++;                                                                   \
	} while (0)

static int
toy_check(void *arg, const char *image, uint64_t fence_no)
{
	struct toy *t = arg;
	int v = 0;
	static unsigned char img[POOL];
	int fd = open(image, O_RDONLY);
	T_ASSERT(fd >= 0);
	T_EQ(pread(fd, img, POOL, 0), POOL);
	close(fd);

	uint64_t h, count, used;
	memcpy(&h, img, 8);
	if (t->v == TORN_PUBLISH) {
		count = h;
		memcpy(&used, img + 64, 8);
	} else {
		count = h & 0xffffffffu;
		used = h >> 32;
	}
	if (count < t->acked) /* (T1) */
		VIOLATION(t, "fence %llu: count %llu < acknowledged %llu",
			  (unsigned long long)fence_no, (unsigned long long)count,
			  (unsigned long long)t->acked);
	if (count > t->acked + 1) { /* (T2) */
		VIOLATION(t, "fence %llu: count %llu > acknowledged+1 %llu",
			  (unsigned long long)fence_no, (unsigned long long)count,
			  (unsigned long long)t->acked + 1);
		return v;
	}
	size_t off = 0;
	for (uint64_t j = 0; j < count; j++) {
		size_t len = rec_len(j);
		if (REC0 + off + len > POOL)
			break;
		uint64_t rec[40];
		rec_make(j, rec);
		if (memcmp(img + REC0 + off, rec, len) != 0) /* (T4) */
			VIOLATION(t, "fence %llu: record %llu is torn or missing",
				  (unsigned long long)fence_no, (unsigned long long)j);
		off += len;
	}
	if (used != off) /* (T3) */
		VIOLATION(t, "fence %llu: used %llu != %zu for count %llu",
			  (unsigned long long)fence_no, (unsigned long long)used, off,
			  (unsigned long long)count);
	return v;
}

/* run_variant -- `appends` appends under a crash at every fence */
static uint64_t
run_variant(enum variant var, uint64_t seed, int appends, unsigned leak)
{
	char path[256];
	snprintf(path, sizeof(path), "/dev/shm/pmemkv-test-pftoy-%d", (int)getpid());
	unlink(path);
	struct toy t;
	memset(&t, 0, sizeof(t));
	t.v = var;
	T_EQ(pmem_map_file(path, PMEM_FILE_CREATE, POOL, PMEM_MODE_PROCESS, &t.map), 0);
	pmem_persist_range(&t.map, t.map.addr, POOL);

	struct pf_sim *sim = pf_sim_new(t.map.addr, POOL);
	pf_sim_set_check(sim, toy_check, &t);
	pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, seed, leak);
	pf_sim_start(sim);
	size_t used = 0;
	for (int j = 0; j < appends; j++) {
		toy_append(&t, (uint64_t)j, used);
		used += rec_len((uint64_t)j);
		t.acked = (uint64_t)j + 1;
	}
	/* a last crash after everything returned */
	pf_sim_crash_now(sim);
	pf_sim_stop(sim);

	char name[128];
	snprintf(name, sizeof(name), "toy log, %s, seed %llu, leak %s%s", variant_names[var],
		 (unsigned long long)seed, leak & PF_PENDING ? "P" : "-",
		 leak & PF_UNFLUSHED ? "U" : "-");
	uint64_t viol = pf_report(name, sim);
	T_ASSERT(pf_sim_crash_points(sim) >= (uint64_t)appends * 2);
	pf_sim_delete(sim);
	pmem_unmap_file(&t.map);
	unlink(path);
	return viol;
}

static void
test_correct_protocol_has_no_violations(void)
{
	for (uint64_t seed = 1; seed <= 4; seed++)
		T_EQU(run_variant(CORRECT, seed, 150, PF_PENDING | PF_UNFLUSHED), 0);
	T_EQU(run_variant(CORRECT, 5, 150, 0), 0);
	T_EQU(run_variant(CORRECT, 6, 150, PF_PENDING), 0);
	T_EQU(run_variant(CORRECT, 7, 150, PF_UNFLUSHED), 0);
}

static void
test_missing_flush_is_caught(void)
{
	/* even with no leaks: the record never reaches the durable image */
	T_ASSERT(run_variant(MISSING_FLUSH, 1, 50, 0) > 0);
	T_ASSERT(run_variant(MISSING_FLUSH, 2, 50, PF_PENDING | PF_UNFLUSHED) > 0);
}

static void
test_wrong_order_is_caught(void)
{
	T_ASSERT(run_variant(WRONG_ORDER, 1, 50, 0) > 0);
	T_ASSERT(run_variant(WRONG_ORDER, 2, 50, PF_PENDING | PF_UNFLUSHED) > 0);
}

static void
test_torn_publish_is_caught(void)
{
	/* needs a partial subset of the pending (or unflushed) words */
	T_ASSERT(run_variant(TORN_PUBLISH, 1, 50, PF_PENDING) > 0);
	T_ASSERT(run_variant(TORN_PUBLISH, 2, 50, PF_UNFLUSHED) > 0);
	T_ASSERT(run_variant(TORN_PUBLISH, 3, 50, PF_PENDING | PF_UNFLUSHED) > 0);
	/* and without any leak the crash images are all consistent */
	T_EQU(run_variant(TORN_PUBLISH, 4, 50, 0), 0);
}

int
main(void)
{
	T_RUN(test_correct_protocol_has_no_violations);
	T_RUN(test_missing_flush_is_caught);
	T_RUN(test_wrong_order_is_caught);
	T_RUN(test_torn_publish_is_caught);
	fprintf(stderr, "OK\n");
	return 0;
}
