/*
 * powerfail.h -- the power-failure simulator: a reusable test library.
 *
 * Model (docs/ARCHITECTURE.md, "Testing"): the simulator keeps a shadow
 * *durable image* of one tracked range (a pool mapping). Through the pmem
 * layer's test hooks it sees every flush and fence:
 *   - a flush copies the flushed cache lines, as they are at that moment,
 *     into a *pending* set;
 *   - a fence moves the pending lines into the durable image.
 * A crash at fence N is the state just before fence N executes: the durable
 * image, plus (optionally) a random subset of the pending lines, plus
 * (optionally) a random subset of the 8-byte words that differ between
 * memory and the image (written but never flushed). Any subset, any order:
 * exactly what (P1)/(P2) of pmem.h allow.
 *
 * Typical use (a scenario):
 *
 *   static int check(void *arg, const char *image_path, uint64_t fence) {
 *       // open image_path as a pool (it is a private copy), recover, compare
 *       // with the model of acknowledged operations; return #violations
 *   }
 *   struct pf_sim *sim = pf_sim_new(pool_base(p), pool_size(p));
 *   pf_sim_set_check(sim, check, &model);
 *   pf_sim_set_policy(sim, PF_EVERY_FENCE, 0, seed, PF_UNFLUSHED | PF_PENDING);
 *   pf_sim_start(sim);
 *   ... run workload; update model as operations are acknowledged ...
 *   pf_sim_stop(sim);
 *   pf_report("cmap put", sim);   // prints "powerfail: N crash points, V violations"
 *
 * The check callback runs synchronously inside the fence hook, in the
 * workload's thread, so it sees the model exactly as of that instant. While
 * it runs the simulator ignores flushes and fences (the check may open and
 * recover other pools). Single-threaded workloads only.
 *
 * Details (powerfail.c):
 *  - Fences are numbered from 1; the check's fence_no is the number of the
 *    fence about to execute (pf_sim_crash_now passes the fences seen so far).
 *  - A crash image depends only on (seed, fence number) and the workload:
 *    PF_AT_FENCE N with the same seed rebuilds exactly the image that
 *    PF_EVERY_FENCE checked at fence N -- rerun a failing point alone.
 *  - Pending lines are whole 64-byte lines (the last capture before the fence
 *    wins); unflushed leaks are aligned 8-byte words. The share of lines/words
 *    leaked is drawn per crash point from 1/8..7/8.
 *  - One image file per simulator, <pf_tmpdir()>/pf-image-<pid>-<n>, removed
 *    by pf_sim_delete, or on abort() (a failed assertion) by a SIGABRT
 *    handler; a SIGKILLed test leaves it behind. The check may modify,
 *    truncate or delete it; the next crash point restores it.
 *  - Stop the simulator before the tracked range is unmapped.
 *  - Cost per crash point: two linear compares of the range plus what changed
 *    (~0.15-0.35 ms for a 4 MiB pool with a trivial check on this machine).
 *  - Out of memory or an unwritable pf_tmpdir() aborts the test with a message.
 */
#ifndef PMEMKV_POWERFAIL_H
#define PMEMKV_POWERFAIL_H

#include <stddef.h>
#include <stdint.h>

struct pf_sim;

/* what may leak into a crash image besides the durable image */
#define PF_PENDING 0x1	 /* random subset of flushed-but-not-fenced lines */
#define PF_UNFLUSHED 0x2 /* random subset of written-but-never-flushed words */

enum pf_policy {
	PF_EVERY_FENCE,	 /* crash at every fence */
	PF_RANDOM_FENCES, /* crash at each fence with probability 1/param */
	PF_AT_FENCE,	 /* crash only at fence number param */
};

/*
 * check callback: image_path is a file holding the crash image (same size
 * as the tracked range); it may be opened, recovered and modified freely.
 * Returns the number of invariant violations found (0 = fine) and should
 * print a line describing each one.
 */
typedef int pf_check_fn(void *arg, const char *image_path, uint64_t fence_no);

/* pf_sim_new -- track [base, base+len); the current content is the initial
 * durable image (call it right after the pool is created/opened and persisted). */
struct pf_sim *pf_sim_new(void *base, size_t len);
void pf_sim_delete(struct pf_sim *sim);
void pf_sim_set_check(struct pf_sim *sim, pf_check_fn *fn, void *arg);
void pf_sim_set_policy(struct pf_sim *sim, enum pf_policy policy, uint64_t param,
		       uint64_t seed, unsigned leak_flags);
/* pf_sim_start/stop -- install/remove the pmem hooks. */
void pf_sim_start(struct pf_sim *sim);
void pf_sim_stop(struct pf_sim *sim);

/*
 * pf_sim_crash_now -- take a crash image at this instant (outside the
 * fence schedule), run the check on it; returns its violations.
 */
int pf_sim_crash_now(struct pf_sim *sim);

uint64_t pf_sim_fences(const struct pf_sim *sim);	/* fences seen */
uint64_t pf_sim_crash_points(const struct pf_sim *sim); /* checks run */
uint64_t pf_sim_violations(const struct pf_sim *sim);	/* sum of check results */

/* pf_report -- print "powerfail: <N> crash points, <V> violations" preceded
 * by the scenario name on its own line; returns V. */
uint64_t pf_report(const char *scenario, const struct pf_sim *sim);

/* A directory for crash images: $PF_TMPDIR, else /dev/shm, else /tmp. */
const char *pf_tmpdir(void);

#endif
