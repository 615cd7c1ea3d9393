/*
 * test_pool_fuzz.c -- fuzz the open/recovery path. Starting from valid pool
 * images (one closed cleanly, one left dirty with committed-but-unapplied
 * logs), flip random bytes in the metadata (state, lanes, chunk table,
 * bitmaps) or forge lanes with valid checksums and random entries, then
 * open, recover (marking what the root points to), allocate, free, check and
 * close. Third kind: the header's chunk size is changed (checksum fixed):
 * to random values, which are refused, or to another valid chunk size with
 * the offsets and chunk count that go with it, so the header validates
 * but the table and bitmaps were written for other chunks. Nothing may crash (ASan build too), the header may never change,
 * and a forged log must never write outside the root area and the chunks.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "pool/pool_internal.h"
#include "pool_test_util.h"

#define LAYOUT "fuzz"
#define POOLSZ (2ull << 20)
#define ITERS 800

static unsigned char *clean_img, *dirty_img;
static size_t img_len;
/* the layout headers of POOLSZ pools with each valid chunk size */
static struct pool_header layouts[POOL_CHUNK_NSHIFTS];

static void
make_layouts(void)
{
	for (unsigned t = 0; t < POOL_CHUNK_NSHIFTS; t++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%llu", 1ull << (POOL_CHUNK_MIN_SHIFT + t));
		setenv("PMEMKV_POOL_CHUNK_SIZE", buf, 1);
		const char *path = tu_path("fzl");
		struct pool *p = NULL;
		T_EQ(pool_create(path, LAYOUT, POOLSZ, NULL, &p), 0);
		memcpy(&layouts[t], pool_base(p), sizeof(layouts[t]));
		T_EQU(layouts[t].chunk_size, 1ull << (POOL_CHUNK_MIN_SHIFT + t));
		pool_close(p);
		unlink(path);
	}
	unsetenv("PMEMKV_POOL_CHUNK_SIZE");
}

static void
make_images(void)
{
	const char *path = tu_path("fz");
	struct pool *p = NULL;
	T_EQ(pool_create(path, LAYOUT, POOLSZ, NULL, &p), 0);
	uint64_t *root = pool_root(p);
	for (int i = 0; i < 20; i++) {
		uint64_t off;
		T_EQ(pool_alloc(p, (size_t)(16 + 40 * (i % 3)), &off), 0);
		root[i] = off;
	}
	T_EQ(pool_alloc(p, 300000, &root[20]), 0);
	pool_persist(p, root, 21 * 8);
	pool_close(p);
	clean_img = tu_read(path, &img_len);
	T_EQU(img_len, POOLSZ);
	/* dirty: a committed tx whose lane is still valid (as after a crash
	 * between persist points 1 and 3) */
	dirty_img = malloc(img_len);
	memcpy(dirty_img, clean_img, img_len);
	((struct pool_state *)(dirty_img + POOL_STATE_OFF))->clean = 0;
	const struct pool_header *h = (const struct pool_header *)dirty_img;
	struct pool_lane_hdr *lh = (struct pool_lane_hdr *)(dirty_img + POOL_LANES_OFF);
	uint64_t *s = (uint64_t *)((char *)lh + POOL_LANE_HDR);
	s[0] = (h->root_off + 8 * 30) | LOG_SET;
	s[1] = 4242;
	s[2] = (h->root_off + 8 * 40) | LOG_FILL;
	s[3] = 7;
	s[4] = 5;
	s[5] = 0;
	lh->seq = 3;
	lh->nslots = 3;
	lh->cksum = cksum64((char *)lh + 8, POOL_LANE_HDR - 8 + 3 * 16);
	unlink(path);
	/* the dirty image replays */
	tu_write(path, dirty_img, img_len);
	T_EQ(pool_open(path, LAYOUT, NULL, &p), 0);
	T_EQ(pool_recovery_needed(p), 1);
	root = pool_root(p);
	T_EQU(root[30], 4242);
	for (int i = 40; i < 45; i++)
		T_EQU(root[i], 7);
	pool_close(p);
	unlink(path);
}

/* exercise an opened (possibly damaged) pool without trusting it */
static void
exercise(struct pool *p, uint64_t *rng)
{
	uint64_t *root = pool_root(p);
	if (pool_recovery_needed(p)) {
		for (int i = 0; i < 21; i++)
			(void)pool_recovery_mark(p, root[i]);
		(void)pool_recovery_finish(p);
	}
	if (pool_recovery_needed(p))
		return; /* finish refused (overlapping marks): alloc stays off */
	uint64_t offs[8];
	for (int i = 0; i < 8; i++) {
		size_t sz = 1 + tu_rand(rng) % 5000;
		if (pool_alloc(p, sz, &offs[i]) != 0) {
			offs[i] = 0;
			continue;
		}
		/* a damaged clean pool may hand out a block the root also holds:
		 * it must at least lie inside the heap */
		const struct pool_header *h = pool_base(p);
		T_ASSERT(offs[i] >= h->heap_off && offs[i] + sz <= h->size);
		memset(pool_ptr(p, offs[i]), 0x5a, sz);
	}
	struct pool_stats st;
	pool_stats(p, &st);
	T_ASSERT(st.free_bytes <= st.heap_bytes);
	(void)pool_check(p);
	for (int i = 0; i < 8; i++)
		pool_free(p, offs[i]);
}

static void
one(const char *path, const unsigned char *img, uint64_t *rng, int mode)
{
	unsigned char *b = malloc(img_len);
	memcpy(b, img, img_len);
	const struct pool_header *h = (const struct pool_header *)img;
	if (mode == 0) { /* flip bytes in metadata */
		int n = 1 + (int)(tu_rand(rng) % 8);
		for (int k = 0; k < n; k++) {
			uint64_t region = tu_rand(rng) % 4, off;
			switch (region) {
			case 0:
				off = POOL_STATE_OFF + tu_rand(rng) % 16;
				break;
			case 1:
				off = POOL_LANES_OFF + tu_rand(rng) % (2 * POOL_LANE_SIZE);
				break;
			case 2:
				off = h->table_off + tu_rand(rng) % (h->nchunks * 8);
				break;
			default:
				off = h->heap_off + tu_rand(rng) % 512;
				break;
			}
			b[off] ^= (unsigned char)(1 + tu_rand(rng) % 255);
		}
	} else if (mode == 2) { /* another chunk size in the header */
		struct pool_header *bh = (struct pool_header *)b;
		if (tu_rand(rng) % 2) {
			uint64_t r = tu_rand(rng);
			bh->chunk_size = (r % 3 == 0) ? r : (r % 3 == 1) ? 1ull << (r % 64)
								     : r % (4u << 20);
		} else {
			const struct pool_header *l =
				&layouts[tu_rand(rng) % POOL_CHUNK_NSHIFTS];
			bh->chunk_size = l->chunk_size;
			bh->nchunks = l->nchunks;
			bh->heap_off = l->heap_off;
			bh->table_off = l->table_off;
		}
		bh->cksum = cksum64(bh, offsetof(struct pool_header, cksum));
	} else { /* forge a lane with a valid checksum and random entries */
		unsigned lane = (unsigned)(tu_rand(rng) % POOL_LANES);
		struct pool_lane_hdr *lh =
			(struct pool_lane_hdr *)(b + POOL_LANES_OFF + lane * POOL_LANE_SIZE);
		uint64_t *s = (uint64_t *)((char *)lh + POOL_LANE_HDR);
		uint32_t ns = 1 + (uint32_t)(tu_rand(rng) % 6);
		for (uint32_t k = 0; k < ns * 2; k++) {
			uint64_t r = tu_rand(rng);
			switch (r % 5) {
			case 0:
				s[k] = r; /* anything */
				break;
			case 1:
				s[k] = (tu_rand(rng) % img_len) & ~7ull; /* an offset */
				break;
			case 2:
				s[k] = ((tu_rand(rng) % img_len) & ~7ull) | (1 + r % 2);
				break;
			case 3:
				s[k] = r % 64; /* a small count */
				break;
			default:
				s[k] = 0;
			}
		}
		lh->seq = tu_rand(rng);
		lh->nslots = ns;
		lh->cksum = cksum64((char *)lh + 8, POOL_LANE_HDR - 8 + ns * 16);
		if (lh->cksum == 0)
			lh->cksum = 1;
	}
	tu_write(path, b, img_len); /* O_TRUNC rewrite */
	struct pool *p = NULL;
	int r = pool_open(path, LAYOUT, NULL, &p);
	if (r == 0 && mode == 1) {
		/* right after open (replay done): only the clean word and the
		 * lanes' cksum words may differ outside the data areas */
		const unsigned char *m = pool_base(p);
		T_MEMEQ(m, b, POOL_STATE_OFF);
		T_MEMEQ(m + POOL_STATE_OFF + 8, b + POOL_STATE_OFF + 8, 4096 - 8);
		for (unsigned i = 0; i < POOL_LANES; i++) {
			size_t o = POOL_LANES_OFF + (size_t)i * POOL_LANE_SIZE + 8;
			T_MEMEQ(m + o, b + o, POOL_LANE_SIZE - 8);
		}
		T_MEMEQ(m + h->table_off, b + h->table_off, h->heap_off - h->table_off);
	}
	if (r == 0) {
		exercise(p, rng);
		pool_close(p);
	} else {
		T_ASSERT(r == -EINVAL);
		T_ASSERT(strstr(err_get(), path) != NULL);
	}
	/* the header is never written; nothing outside the data areas was
	 * written by a forged log (lanes, table and state may change) */
	if (r != 0) {
		size_t l = 0;
		unsigned char *after = tu_read(path, &l);
		T_EQU(l, img_len);
		T_MEMEQ(after, b, img_len); /* refused: untouched (L1) */
		free(after);
	} else {
		unsigned char hb[POOL_HDR_SIZE];
		int fd = open(path, O_RDONLY);
		T_ASSERT(fd >= 0);
		T_EQ(pread(fd, hb, sizeof(hb), 0), (long)sizeof(hb));
		close(fd);
		T_MEMEQ(hb, b, POOL_HDR_SIZE);
	}
	free(b);
}

int
main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 99;
	make_layouts();
	make_images();
	const char *path = tu_path("fuzz");
	uint64_t rng = seed;
	for (int i = 0; i < ITERS; i++)
		one(path, (i & 1) ? dirty_img : clean_img, &rng, (i / 2) % 3);
	unlink(path);
	free(clean_img);
	free(dirty_img);
	fprintf(stderr, "test_pool_fuzz: OK (%d images)\n", ITERS);
	return 0;
}
