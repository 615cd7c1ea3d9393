/*
 * test_cmap_corrupt.c -- damaged cmap pools are refused or read safely,
 * never a crash. A pool with a few thousand keys is built (clean, and
 * "crashed": needing recovery); then, many times over, 1-3 random 8-byte
 * words of the cmap structure (root, directory, segment headers and slots,
 * record headers; layout from docs/FORMAT.md) are garbled in a copy, and the
 * copy is opened and read (get of every key, get_all, cmap_check). Opening
 * may fail and reads may return errors; writes are tried only where
 * cmap_check accepts the structure.
 */
#include <stdlib.h>
#include <sys/wait.h>

#include "cmap_test_util.h"

static const struct engine_ops *E = &cmap_engine_ops;
static char path[256];
#define NKEYS 3000

static uint64_t *words; /* file offsets of cmap-owned words */
static size_t nwords, capwords;

static void
add_word(uint64_t off)
{
	if (nwords == capwords) {
		capwords = capwords ? 2 * capwords : 4096;
		words = realloc(words, capwords * sizeof(*words));
		T_ASSERT(words);
	}
	words[nwords++] = off;
}

/* collect -- offsets of the words the cmap structure consists of */
static void
collect(void *h)
{
	char *base = pool_base(cmap_pool(h));
	uint64_t root = (uint64_t)((char *)pool_root(cmap_pool(h)) - base);
	for (uint64_t i = 0; i < 128; i += 8)
		add_word(root + i);
	uint64_t dw, blog;
	memcpy(&dw, base + root + 24, 8);
	uint32_t b32;
	memcpy(&b32, base + root + 12, 4);
	blog = b32;
	uint64_t dir = dw >> 8, n = 1ull << (dw & 0xff);
	uint64_t prev = 0;
	for (uint64_t i = 0; i < n; i++) {
		add_word(dir + 8 * i);
		uint64_t seg;
		memcpy(&seg, base + dir + 8 * i, 8);
		if (seg == prev)
			continue;
		prev = seg;
		add_word(seg);
		add_word(seg + 8);
		uint64_t slots = (seg + 16 + 63) & ~63ull;
		for (uint64_t j = 0; j < (8ull << blog); j++) {
			uint64_t w;
			memcpy(&w, base + slots + 8 * j, 8);
			add_word(slots + 8 * j);
			if (w)
				add_word(w & ((1ull << 48) - 16)); /* record header (DIRTY bit masked) */
		}
	}
}

static char *
slurp(size_t *len)
{
	FILE *f = fopen(path, "rb");
	T_ASSERT(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc(*len);
	T_ASSERT(b && fread(b, 1, *len, f) == *len);
	fclose(f);
	return b;
}

static void
spit(const char *b, size_t len)
{
	FILE *f = fopen(path, "wb");
	T_ASSERT(f && fwrite(b, 1, len, f) == len);
	fclose(f);
}

static void
key_of(uint32_t i, char *k)
{
	snprintf(k, 24, "corrupt-%06u", i);
}

static int
walk_cb(const char *k, size_t kb, const char *v, size_t vb, void *arg)
{
	/* touch every byte: a wild pointer would fault here */
	uint64_t *sum = arg;
	for (size_t i = 0; i < kb; i++)
		*sum += (unsigned char)k[i];
	for (size_t i = 0; i < vb; i++)
		*sum += (unsigned char)v[i];
	return 0;
}

static void
val_cb(const char *v, size_t vb, void *arg)
{
	walk_cb("", 0, v, vb, arg);
}

static void
exercise(uint64_t *opened, uint64_t *checked)
{
	struct ct_cfg c;
	ct_cfg_init(&c, path, 0, 0);
	void *h = NULL;
	if (E->open(&c.ec, &h) != 0) {
		T_ASSERT(strlen(err_get()) > 0);
		return;
	}
	(*opened)++;
	uint64_t sum = 0;
	char k[24];
	for (uint32_t i = 0; i < NKEYS; i++) {
		key_of(i, k);
		E->get(h, k, strlen(k), val_cb, &sum);
	}
	E->get_all(h, walk_cb, &sum);
	size_t cnt;
	E->count_all(h, &cnt);
	if (cmap_check(h, NULL) == 0) {
		(*checked)++;
		for (uint32_t i = 0; i < 200; i++) {
			key_of(i * 7 % NKEYS, k);
			E->put(h, k, strlen(k), "new", 3);
			key_of(i * 11 % NKEYS, k);
			E->remove(h, k, strlen(k));
		}
	}
	E->close(h);
}

static void
run(const char *name, int crashed, int iters)
{
	unlink(path);
	void *h = ct_open(path, 4 << 20, 4);
	char k[24], v[64];
	for (uint32_t i = 0; i < NKEYS; i++) {
		key_of(i, k);
		int vl = snprintf(v, sizeof(v), "value-%u", i * 3);
		T_EQ(E->put(h, k, strlen(k), v, (size_t)vl), 0);
	}
	nwords = 0;
	collect(h);
	E->close(h);
	if (crashed) {
		pid_t pid = fork();
		if (pid == 0) {
			void *hc = ct_open(path, 0, 0);
			E->put(hc, "crash", 5, "x", 1);
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
	}
	size_t len;
	char *pristine = slurp(&len);
	char *img = malloc(len);
	uint64_t x = 0x2545F4914F6CDD1Dull + (uint64_t)crashed;
	uint64_t opened = 0, checked = 0;
	for (int it = 0; it < iters; it++) {
		memcpy(img, pristine, len);
		int flips = 1 + it % 3;
		for (int f = 0; f < flips; f++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			uint64_t off = words[x % nwords];
			uint64_t w;
			memcpy(&w, img + off, 8);
			switch ((x >> 32) % 4) {
			case 0: w ^= 1ull << ((x >> 40) % 64); break; /* one bit */
			case 1: w = x * 0x9E3779B97F4A7C15ull; break; /* garbage */
			case 2: w += 16 * ((x >> 40) % 64); break;   /* nearby offset */
			default: w = 0; break;
			}
			memcpy(img + off, &w, 8);
		}
		spit(img, len);
		exercise(&opened, &checked);
	}
	fprintf(stderr, "%s: %d damaged pools, %llu opened, %llu passed cmap_check\n", name,
		iters, (unsigned long long)opened, (unsigned long long)checked);
	free(img);
	free(pristine);
	unlink(path);
}

int
main(void)
{
	ct_path(path, sizeof(path), "corrupt");
	run("clean pool", 0, 300);
	run("crashed pool (recovery)", 1, 300);
	free(words);
	return 0;
}
