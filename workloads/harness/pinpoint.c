// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs pinpoint [--only NAME,...] [--seconds S] [--reps N] [--seed S]
 *                  [--virtiofsd-version V] [--rlimit-nofile N] [--time-limit S]
 *                  [--format text|json] [--out FILE] [--trace auto|on|off]
 *                  [--control-only] [--list]
 *
 * Each experiment runs a cell and its control (same tree and seed, one
 * condition changed) and tests whether the cell's count (ESTALE calls, or
 * the daemon's ESTALE replies, or EIO) is above the control's: Fisher's
 * exact test, one-sided, p < 0.01 (signif.h). The verdict is SEEN, NOT SEEN
 * (no more than the control, with enough calls to tell), TOO SHORT (too few
 * calls, or a count the test cannot tell from the control's) or COULD NOT
 * RUN. Every cause of ESTALE seen is then run again under the mitigations
 * that apply to it (a higher fd limit, the 1.13.2 model, cache=always, file
 * handles as root, no host change), each judged against the cause's own run.
 *
 * --time-limit S fits everything into S seconds: the seconds of each cell
 * are planned from what is left (experiments first, then mitigations) and
 * what is left undone is said. Exit: 0 every selected experiment ran (or
 * could not run here and says why), 2 usage, 77 none could run, 99 harness
 * error, 124 the time limit left experiments unrun, 130 interrupted.
 * --format json prints one document (README "pinpoint JSON"); --out FILE
 * appends every cell line (experiments, controls, mitigations) for
 * `stalefs report`.
 */
#include "pinpoint.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "counts.h"
#include "json.h"
#include "proc.h"
#include "run.h"
#include "scenario.h"
#include "signif.h"
#include "exitcode.h"

#define ALPHA 0.01		/* SEEN below this p */
#define MIN_CALLS 1500		/* fewer calls cannot bound a rate under 2 in 1000 */
#define WIDTH 120		/* text output columns */
#define MIN_CELL_S 0.5		/* shortest cell a plan may give */
#define MITIGATION_SHARE 0.3	/* of the time limit kept for mitigations */
#define FORMAT_VERSION 1

enum measure { M_ESTALE, M_EMITTED, M_EIO, M_MODE };
enum finding { F_SEEN, F_NOT_SEEN, F_TOO_SHORT, F_NO_RUN, F_NOT_RUN };
enum mfinding { MF_REMOVED, MF_REDUCED, MF_KEPT, MF_TOO_SHORT, MF_NO_RUN, MF_NOT_TRIED };

static const char *const finding_word[] = { "SEEN", "NOT SEEN", "TOO SHORT", "COULD NOT RUN",
					    "NOT RUN" };
static const char *const finding_json[] = { "seen", "not-seen", "too-short", "could-not-run",
					    "not-run" };
static const char *const mfinding_json[] = { "removed", "reduced", "not-removed", "too-short",
					     "could-not-run", "not-tried" };
static const char *const measure_json[] = { "estale", "emitted", "eio", "mode" };

/* bcvk's configuration: virtiofsd 1.13.0, rootless (O_PATH), fallback, cache=never. */
#define BCVK "mode=fallback", "privilege=userns", "cache=never", "virtiofsd-version=1.13.0"

struct experiment {
	const char *name;
	const char *question;
	const char *scenario;	/* cell options from this scenario first (both cells), or NULL */
	const char *cell[16];	/* cell options, "name=value" or "flag" */
	const char *control[16];
	enum measure measure;
	const char *seen;	/* conclusion line when the effect was seen */
	const char *not_seen;	/* ... and when it was not */
	unsigned int group;	/* for the bcvk conclusion (G_*) */
};

enum { G_OTHER, G_FD_OLD, G_FD_NEW, G_SHAPE, G_HOST, G_PODMAN, G_SCENARIO };

static const struct experiment experiments[] = {
	{
		"fd-limit-overlay",
		"In bcvk's configuration, with a guest overlay and no host change at all, does "
		"virtiofsd 1.13.0 running out of fds give ESTALE?",
		NULL,
		{ BCVK, "workload=read", "overlay", "rlimit-nofile=700", "objects=1500", "max-links=20" },
		{ BCVK, "workload=read", "overlay", "objects=1500", "max-links=20" },
		M_ESTALE,
		"virtiofsd 1.13.0 at its fd limit (one O_PATH fd per inode the guest pins): "
		"revalidation LOOKUPs answer EMFILE and the guest's overlay makes ESTALE of them, "
		"with no host change",
		"1.13.0 at a 700-fd limit under an overlay: no ESTALE",
		G_FD_OLD,
	},
	{
		"fd-limit-overlay-1.13.2",
		"The same fd exhaustion in the 1.13.2 model (its guest-fd limit): ESTALE?",
		NULL,
		{ "mode=fallback", "privilege=userns", "cache=never", "virtiofsd-version=1.13.2",
		  "workload=read", "overlay", "rlimit-nofile=700", "objects=1500", "max-links=20" },
		{ "mode=fallback", "privilege=userns", "cache=never", "virtiofsd-version=1.13.2",
		  "workload=read", "overlay", "objects=1500", "max-links=20" },
		M_ESTALE,
		"virtiofsd 1.13.2 at its guest-fd limit still gave ESTALE under the overlay",
		"1.13.2's guest-fd limit answers ENFILE to new guest fds before the host runs out: "
		"no ESTALE under the overlay (failed opens instead)",
		G_FD_NEW,
	},
	{
		"bcvk",
		"bcvk's whole shape (stalefs run --scenario bcvk: 1.13.0, rootless, two-path on the "
		"970-link tree, a second daemon, podman on the host): ESTALE, against the guest alone?",
		"bcvk",
		{ NULL },
		{ "no-second-daemon", "no-host-change" },
		M_ESTALE,
		"bcvk's whole shape gave ESTALE",
		"bcvk's whole shape at the daemon's default fd limit: no ESTALE",
		G_SCENARIO,
	},
	{
		"two-path",
		"Do overlay readers and direct readers of the same layers at once (guest podman and "
		"skopeo), with no host change, give ESTALE?",
		NULL,
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=970" },
		{ BCVK, "workload=read", "objects=1500", "max-links=970" },
		M_ESTALE,
		"reading the layers through the overlay and directly at once gave ESTALE with no "
		"host change",
		"two-path reading (overlay and direct at once) with no host change: no ESTALE",
		G_SHAPE,
	},
	{
		"two-daemons",
		"Does a second daemon with its own readers on the same storage (two VM tests at "
		"once) give ESTALE?",
		NULL,
		{ BCVK, "workload=read", "two-path", "second-daemon", "objects=1500", "max-links=970" },
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=970" },
		M_ESTALE,
		"a second daemon on the same storage gave ESTALE",
		"a second daemon and its readers on the same storage: no ESTALE (each daemon's "
		"inodes are its own; reads change nothing)",
		G_SHAPE,
	},
	{
		"memory-pressure",
		"Does memory pressure on the readers (their memory cgroup reclaimed to half every "
		"0.1 s) give ESTALE under the two-path workload?",
		NULL,
		{ BCVK, "workload=read", "two-path", "memory-pressure=50", "objects=1500",
		  "max-links=970" },
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=970" },
		M_ESTALE,
		"memory pressure on the readers (reclaimed dentries and inodes, FORGETs) gave ESTALE",
		"memory pressure on the readers: no ESTALE (reclaim and FORGET alone do not make it)",
		G_SHAPE,
	},
	{
		"podman-host",
		"Does podman-like host activity (new layer dirs, removed layers, metadata renamed "
		"over) give ESTALE to guests reading other layers?",
		NULL,
		{ BCVK, "workload=read", "two-path", "podman-every=0.1", "objects=1500",
		  "max-links=970" },
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=970" },
		M_ESTALE,
		"podman-like host activity beside the layers the guest reads gave ESTALE",
		"podman-like host activity (layers added and removed, metadata renamed) beside the "
		"layers the guest reads: no ESTALE",
		G_PODMAN,
	},
	{
		"submount",
		"Does a submount appearing and disappearing on a directory the guest reads (a bind "
		"mount of it onto itself: same bytes, new mount ID) give ESTALE?",
		NULL,
		{ BCVK, "workload=read", "two-path", "submount-every=0.2", "objects=1500",
		  "max-links=20" },
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=20" },
		M_ESTALE,
		"a submount appearing on a directory the guest reads: a new identity for the "
		"directory, and ESTALE",
		"a submount appearing and disappearing on a directory the guest reads: no ESTALE",
		G_HOST,
	},
	{
		"dir-move",
		"Do directories moved between parents on the host, while readers walk both places, "
		"give ESTALE on the plain mount (d_splice_alias)?",
		NULL,
		{ BCVK, "workload=read", "dir-move-every=0.05", "objects=60", "max-links=10",
		  "threads=8" },
		{ BCVK, "workload=read", "objects=60", "max-links=10", "threads=8" },
		M_ESTALE,
		"directories exchanged between parents on the host gave ESTALE on the plain mount "
		"(the kernel's d_splice_alias meets the directory under its old parent)",
		"directories moved between parents on the host: no ESTALE on the plain mount (the "
		"kernel moved the directory's dentry; nothing held its rename lock)",
		G_HOST,
	},
	{
		"unprivileged-prefer",
		"What inode mode really runs unprivileged with --inode-file-handles=prefer (bcvk's "
		"fallback)?",
		NULL,
		{ "mode=prefer", "privilege=unprivileged", "workload=read" },
		{ "mode=prefer", "privilege=root", "workload=read" },
		M_MODE,
		"unprivileged prefer/fallback really runs as never (O_PATH): handle-mode ESTALE "
		"cannot happen there",
		"unprivileged prefer kept file handles",
		G_OTHER,
	},
	{
		"overlay-churn",
		"Does an overlayfs over the mount (the bcvk guest-podman shape) turn host-side "
		"churn into ESTALE that the daemon never sent?",
		NULL,
		{ "mode=never", "cache=never", "workload=read", "overlay", "churn" },
		{ "mode=never", "cache=never", "workload=read", "churn" },
		M_ESTALE,
		"overlayfs over the mount with names moved to new inodes on the host: ESTALE made "
		"by the kernel's overlay, none from the daemon; the bare mount under the same churn "
		"shows none",
		"overlayfs over the mount with host churn: no ESTALE",
		G_HOST,
	},
	{
		"overlay-layer-swap",
		"Does recreating a whole layer on the host while the guest's overlay has it as a "
		"lower give lasting ESTALE?",
		NULL,
		{ "mode=never", "cache=never", "workload=read", "overlay", "layer-every=0.5" },
		{ "mode=never", "cache=never", "workload=read", "layer-every=0.5" },
		M_ESTALE,
		"a layer removed and recreated on the host under a guest overlay: every name in it "
		"answers ESTALE from then on (the overlay's lower root is a deleted directory)",
		"layer swaps under the overlay: no ESTALE",
		G_HOST,
	},
	{
		"overlay-revalidation",
		"Does a failed revalidation LOOKUP (ENOENT on both VFS passes) surface as ESTALE "
		"through overlayfs and as ENOENT on the bare mount?",
		NULL,
		{ "mode=never", "cache=never", "workload=read", "overlay", "profile=bcvk-overlay" },
		{ "mode=never", "cache=never", "workload=read", "profile=bcvk-overlay" },
		M_ESTALE,
		"an ENOENT on an object's revalidation comes out of overlayfs as ESTALE (bare: ENOENT)",
		"failed revalidation through the overlay: no ESTALE",
		G_OTHER,
	},
	{
		"handle-host-churn",
		"Does file-handle mode give ESTALE when the host deletes and recreates names, where "
		"O_PATH mode does not?",
		NULL,
		{ "mode=mandatory", "cache=auto", "workload=read", "churn" },
		{ "mode=never", "cache=auto", "workload=read", "churn" },
		M_EMITTED,
		"file-handle mode with host deletion and recreation: the daemon answers ESTALE "
		"(open_by_handle_at of a freed inode) on cached nodeids, O_PATH mode never does; "
		"path calls retry with a fresh LOOKUP and mask it",
		"file-handle mode under host churn: the daemon answered no more ESTALE than O_PATH mode",
		G_OTHER,
	},
	{
		"generation",
		"Does a generation change on a live nodeid give EIO rather than ESTALE?",
		NULL,
		{ "mode=never", "cache=never", "workload=read", "threads=8",
		  "inject=gen-bump:op=LOOKUP,every=5" },
		{ "mode=never", "cache=never", "workload=read", "threads=8" },
		M_EIO,
		"a generation mismatch gives EIO on fds of the old inode, not ESTALE",
		"generation bumps: no EIO",
		G_OTHER,
	},
	{
		"forget-storm",
		"Do 970-link objects under FORGET storms and concurrent lookups give ESTALE in "
		"O_PATH mode?",
		NULL,
		{ "mode=never", "cache=auto", "workload=read", "max-links=970", "threads=8",
		  "drop-caches-ms=50" },
		{ "mode=never", "cache=auto", "workload=read", "max-links=970", "threads=8" },
		M_ESTALE,
		"FORGET storms on 970-link objects in O_PATH mode gave ESTALE",
		"970-link objects under FORGET storms and concurrent lookups in O_PATH mode: no "
		"ESTALE (the daemon's refcounts hold)",
		G_SHAPE,
	},
	{
		"silly-rename",
		"Does O_PATH mode on storage that silly-renames unlinked-but-held inodes, and later "
		"cleans them up, give ESTALE (the ostree CLI, 2 rounds)?",
		NULL,
		{ "mode=never", "workload=ostree", "rounds=2", "objects=100", "profile=nfs-silly-rename" },
		{ "mode=never", "workload=ostree", "rounds=2", "objects=100" },
		M_ESTALE,
		"O_PATH mode on silly-renaming storage: ESTALE after the .nfs files are cleaned up",
		"silly-rename with cleanup: no ESTALE",
		G_OTHER,
	},
};

#define NEXP (sizeof(experiments) / sizeof(experiments[0]))

struct mitigation {
	const char *name;
	bool (*applies)(const struct cell *c);
	void (*apply)(struct cell *c);
};

static bool fd_limited(const struct cell *c)
{
	return c->rlimit_nofile >= 0;
}

static void fd_unlimit(struct cell *c)
{
	c->rlimit_nofile = -1;
}

static bool old_model(const struct cell *c)
{
	return strcmp(c->version, "1.13.0") == 0;
}

static void new_model(struct cell *c)
{
	strcpy(c->version, "1.13.2");
}

static bool not_always(const struct cell *c)
{
	return strcmp(c->cache, "always") != 0;
}

static void cache_always(struct cell *c)
{
	strcpy(c->cache, "always");
}

static bool no_handles(const struct cell *c)
{
	return strcmp(c->mode, "mandatory") != 0 || strcmp(c->privilege, "root") != 0;
}

static void handles_as_root(struct cell *c)
{
	strcpy(c->mode, "mandatory");
	strcpy(c->privilege, "root");
}

static void host_still(struct cell *c)
{
	c->churn = false;
	c->layer_every = c->dir_move_every = c->submount_every = c->podman_every = 0;
}

static const struct mitigation mitigations[] = {
	{ "higher fd limit", fd_limited, fd_unlimit },
	{ "1.13.2 model", old_model, new_model },
	{ "cache=always", not_always, cache_always },
	{ "file handles as root", no_handles, handles_as_root },
	{ "no host change", cell_host_changes, host_still },
};

#define NMIT (sizeof(mitigations) / sizeof(mitigations[0]))

/* One cell run and what the verdicts need of it. */
struct side {
	struct cell cell;
	struct run_result r;
	bool ran;		/* run_cell was called (r is valid) */
	uint64_t count, calls;	/* the measure, and the trials */
};

struct mit_result {
	const struct mitigation *m;
	struct side s;
	enum mfinding f;
	struct signif st;	/* the cause's run against this one */
};

struct outcome {
	enum finding f;
	char why[600];		/* COULD NOT RUN / NOT RUN / TOO SHORT: in words */
	struct side a, b;	/* the cell and its control */
	struct signif st;
	struct mit_result mit[NMIT];
	int nmit;
};

/* The errno most calls of r failed with, "" when none failed. */
static const char *top_errno(const struct run_result *r)
{
	const char *best = "";
	uint64_t most = 0;

	for (int i = 0; i < r->nops; i++)
		for (int e = 0; e < r->op[i].nerr; e++) {
			uint64_t n = run_result_errno(r, r->op[i].err[e].name);

			if (n > most) {
				most = n;
				best = r->op[i].err[e].name;
			}
		}
	return best;
}

static uint64_t measured(enum measure m, const struct run_result *r)
{
	switch (m) {
	case M_ESTALE:
		return r->estale_total;
	case M_EMITTED:
		return r->attrib.emitted;
	case M_EIO:
		return run_result_errno(r, "EIO");
	default:
		return 0;
	}
}

/* "p = 0.0031", "p < 1e-16" */
static void p_text(double p, char *buf, size_t len)
{
	if (p < 1e-16)
		snprintf(buf, len, "p < 1e-16");
	else if (p < 0.001)
		snprintf(buf, len, "p = %.1e", p);
	else
		snprintf(buf, len, "p = %.3f", p);
}

/* The chain behind most of a run's ESTALE, or NULL. */
static const struct chain *top_chain(const struct run_result *r)
{
	const struct chain *best = NULL;

	for (int i = 0; i < r->chains.n; i++)
		if (!best || r->chains.c[i].n > best->n)
			best = &r->chains.c[i];
	return best;
}

/*
 * Print text folded at WIDTH columns: the first line after first, the
 * others indented by indent spaces; breaks at spaces.
 */
static void fold(FILE *f, const char *first, int indent, const char *text)
{
	int col = fprintf(f, "%s", first);
	bool fresh = !*first;	/* nothing on this line yet but the indent */

	for (const char *p = text + strspn(text, " "); *p; p += strspn(p, " ")) {
		int w = (int)strcspn(p, " ");

		if (!fresh && col + 1 + w > WIDTH && col > indent) {
			col = fprintf(f, "\n%*s", indent, "") - 1;
			fresh = true;
		}
		if (!fresh) {
			fputc(' ', f);
			col++;
		}
		col += fprintf(f, "%.*s", w, p);
		fresh = false;
		p += w;
	}
	fputc('\n', f);
}

static void foldf(FILE *f, const char *first, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void foldf(FILE *f, const char *first, int indent, const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fold(f, first, indent, text);
}

/* Build a cell: the scenario, then "name=value"/"flag" options over base.
 * "no-second-daemon" and "no-host-change" take those parts away. */
static int build(struct cell *c, const char *scenario, const char *const opts[],
		 const struct cell *base, char *err, size_t errlen)
{
	char name[64];
	int ret;

	ret = cell_copy(c, base);
	if (!ret && scenario) {
		double seconds = c->seconds;

		ret = scenario_apply(c, scenario, err, errlen);
		c->seconds = seconds;	/* pinpoint's plan decides the time */
	}
	for (int i = 0; !ret && i < 16 && opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');

		if (strcmp(opts[i], "no-second-daemon") == 0) {
			c->second_daemon = false;
			continue;
		}
		if (strcmp(opts[i], "no-host-change") == 0) {
			host_still(c);
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - opts[i] : (long)strlen(opts[i])),
			 opts[i]);
		ret = cell_set(c, name, eq ? eq + 1 : NULL, err, errlen);
	}
	if (!ret)
		ret = cell_check(c, err, errlen);
	return ret;
}

static bool selected(const char *only, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = only; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return !only;
}

/* The time plan: cells' seconds from what is left of the limit. */
struct plan {
	double limit;		/* seconds in all, 0: none */
	double t0;
	double base_s;		/* seconds per cell without a limit */
	double overhead;	/* measured: a cell's time beyond its seconds */
	bool control_only;	/* every experiment is its control against itself */
	int overhead_n;
};

static double plan_left(const struct plan *p)
{
	return p->limit ? p->limit - (counts_now() - p->t0) : 1e9;
}

/* Seconds for each of the next cells, from what is left beyond reserve seconds; 0: no time. */
static double plan_seconds(const struct plan *p, int cells, double reserve)
{
	double left = plan_left(p) - reserve, s;

	if (!p->limit)
		return p->base_s;
	s = left / (cells > 0 ? cells : 1) - p->overhead;
	if (s > p->base_s)
		s = p->base_s;
	if (s < MIN_CELL_S)
		return left >= MIN_CELL_S + p->overhead ? MIN_CELL_S : 0;
	return s;
}

static void plan_learn(struct plan *p, const struct cell *c, const struct run_result *r)
{
	double extra = r->duration_s - (c->count ? 0 : c->seconds * c->reps);

	if (c->count || strcmp(c->workload, "ostree") == 0)
		return;	/* its own length, not an overhead of the others */
	if (extra < 0)
		extra = 0;
	p->overhead = (p->overhead * p->overhead_n + extra) / (p->overhead_n + 1);
	p->overhead_n++;
}

/* Run one side; 0, or -1 on a harness error (err says why). */
static int run_side(struct side *s, enum measure m, const struct run_opts *o, FILE *out,
		    struct plan *pl, char *err, size_t errlen)
{
	if (run_cell(&s->cell, o, &s->r, err, errlen) < 0)
		return -1;
	s->ran = true;
	s->count = measured(m, &s->r);
	s->calls = run_result_calls(&s->r);
	plan_learn(pl, &s->cell, &s->r);
	if (out) {
		run_result_json(&s->cell, &s->r, out);
		fflush(out);
	}
	return 0;
}

static void judge(const struct experiment *e, struct outcome *x)
{
	const struct run_result *a = &x->a.r, *b = &x->b.r;

	if (a->status != RUN_RAN || b->status != RUN_RAN) {
		const struct run_result *bad = a->status != RUN_RAN ? a : b;

		x->f = F_NO_RUN;
		snprintf(x->why, sizeof(x->why), "%s: %s", run_status_name(bad->status), bad->reason);
		return;
	}
	if (e->measure == M_MODE) {
		x->f = strcmp(a->effective_mode, "never") == 0 ? F_SEEN : F_NOT_SEEN;
		return;
	}
	signif_compare(x->a.count, x->a.calls, x->b.count, x->b.calls, &x->st);
	x->f = F_NOT_SEEN;
	if (x->st.p < ALPHA) {
		x->f = F_SEEN;
	} else if (x->a.count && (!x->b.calls || x->a.count * x->b.calls > x->b.count * x->a.calls)) {
		/* (as rates: the cell's above the control's, or a control of no calls) */
		x->f = F_TOO_SHORT;
		snprintf(x->why, sizeof(x->why), "%llu in the cell, but the test cannot tell it from "
			 "the control (p >= %.2f)", (unsigned long long)x->a.count, ALPHA);
	} else if (!x->a.count && (x->a.calls < MIN_CALLS || x->b.calls < MIN_CALLS)) {
		x->f = F_TOO_SHORT;
		snprintf(x->why, sizeof(x->why), "none in %llu calls (at least %d needed to bound the "
			 "rate under 2 in 1000)", (unsigned long long)x->a.calls, MIN_CALLS);
	}
}

static void judge_mitigation(const struct outcome *x, struct mit_result *m)
{
	const struct run_result *r = &m->s.r;

	if (r->status != RUN_RAN) {
		m->f = MF_NO_RUN;
		return;
	}
	/* Is the cause's rate above the mitigated run's? */
	signif_compare(x->a.count, x->a.calls, m->s.count, m->s.calls, &m->st);
	if (m->st.p >= ALPHA)
		m->f = m->s.count ? MF_KEPT : MF_TOO_SHORT;
	else
		m->f = m->s.count ? MF_REDUCED : MF_REMOVED;
}

/* --- text output --- */

static void side_text(const struct side *s, enum measure m, char *buf, size_t len)
{
	static const char *const what[] = { "ESTALE", "ESTALE replies from the daemon", "EIO", "" };

	snprintf(buf, len, "%llu %s in %llu calls", (unsigned long long)s->count, what[m],
		 (unsigned long long)s->calls);
}

static void print_experiment(const struct experiment *e, const struct outcome *x, FILE *f)
{
	char pa[64], ta[200], tb[200], first[80];

	snprintf(first, sizeof(first), "%s: %s", e->name, finding_word[x->f]);
	if (x->f == F_NO_RUN || x->f == F_NOT_RUN) {
		foldf(f, first, 2, "(%s)", x->why);
		return;
	}
	if (e->measure == M_MODE) {
		foldf(f, first, 2, "(unprivileged asked prefer, ran %s: %s; as root it ran %s)",
		      x->a.r.effective_mode, x->a.r.mode_reason, x->b.r.effective_mode);
		return;
	}
	p_text(x->st.p, pa, sizeof(pa));
	if (x->f == F_TOO_SHORT)
		foldf(f, first, 2, "(%s)", x->why);
	else
		foldf(f, first, 2, "(%s)", pa);
	side_text(&x->a, e->measure, ta, sizeof(ta));
	side_text(&x->b, e->measure, tb, sizeof(tb));
	if (x->a.count)
		foldf(f, "  cell:", 11, "%s; control: %s; rate ratio %.3g (95%% %.3g to %.3g)", ta, tb,
		      x->st.ratio, x->st.lo, x->st.hi);
	else
		foldf(f, "  cell:", 11, "%s (rate under %.2g per 1000 calls, 95%%); control: %s", ta,
		      x->st.upper1 * 1000, tb);
	if (e->measure == M_EIO || e->group == G_FD_OLD || e->group == G_FD_NEW)	/* what else */
		foldf(f, "  also:", 11, "%llu ESTALE, %llu EMFILE, %llu ENFILE in the cell",
		      (unsigned long long)x->a.r.estale_total,
		      (unsigned long long)run_result_errno(&x->a.r, "EMFILE"),
		      (unsigned long long)run_result_errno(&x->a.r, "ENFILE"));
	if (x->f == F_SEEN && e->measure == M_ESTALE) {
		const struct chain *c = top_chain(&x->a.r);

		if (c) {
			char text[700];

			chain_text(c, text, sizeof(text));
			foldf(f, "  chain:", 11, "%s (%llu of %llu; e.g. %s)", text,
			      (unsigned long long)c->n, (unsigned long long)x->a.r.estale_total,
			      c->example);
		}
	}
	if (x->nmit) {
		char line[2048] = "";
		size_t n = 0;

		for (int k = 0; k < x->nmit; k++) {
			const struct mit_result *m = &x->mit[k];
			static const char *const how[] = { "removes it", "reduces it", "does not remove it",
							   "too short to tell", "could not run",
							   "not tried (time limit)" };

			n += snprintf(line + n, sizeof(line) - n, "%s%s: %s", k ? "; " : "", m->m->name,
				      how[m->f]);
			if (n < sizeof(line) && (m->f == MF_KEPT || m->f == MF_REDUCED))
				n += snprintf(line + n, sizeof(line) - n, " (%llu ESTALE in %llu calls)",
					      (unsigned long long)m->s.count,
					      (unsigned long long)m->s.calls);
			if (n < sizeof(line) && m->f == MF_NO_RUN)
				n += snprintf(line + n, sizeof(line) - n, " (%s)", m->s.r.reason);
			if (n < sizeof(line) && m->f == MF_REMOVED && m->s.r.errors_total)
				n += snprintf(line + n, sizeof(line) - n, " (but %llu other errors, "
					      "mostly %s)", (unsigned long long)m->s.r.errors_total,
					      top_errno(&m->s.r));
			if (n >= sizeof(line))
				break;
		}
		foldf(f, "  mitigations:", 15, "%s", line);
	}
}

/* Names of the mitigations that removed it: "a higher fd limit, the 1.13.2 model". */
static void removed_by(const struct outcome *x, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < x->nmit && n < len; k++)
		if (x->mit[k].f == MF_REMOVED)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", x->mit[k].m->name);
}

static const struct outcome *find(const struct outcome *xs, const char *name)
{
	for (size_t i = 0; i < NEXP; i++)
		if (strcmp(experiments[i].name, name) == 0)
			return &xs[i];
	return NULL;
}

/* The bcvk conclusion, one sentence per line, from what ran. */
static int bcvk_lines(const struct outcome *xs, char lines[][1024], int max)
{
	const struct outcome *old = find(xs, "fd-limit-overlay"), *new = find(xs, "fd-limit-overlay-1.13.2");
	const struct outcome *scen = find(xs, "bcvk");
	char seen[600], quiet[600], by[300], pa[64];
	size_t ns, nq;
	int n = 0;

	if (old->f == F_SEEN && n < max) {
		const struct chain *c = top_chain(&old->a.r);
		char text[700] = "";

		if (c)
			chain_text(c, text, sizeof(text));
		removed_by(old, by, sizeof(by));
		p_text(old->st.p, pa, sizeof(pa));
		snprintf(lines[n++], 1024, "virtiofsd 1.13.0 in bcvk's configuration makes ESTALE "
			 "with no host change at all once it runs out of fds: %llu ESTALE in %llu calls "
			 "(%s), mostly %s.%s%s%s", (unsigned long long)old->a.count,
			 (unsigned long long)old->a.calls, pa, text, by[0] ? " Removed by: " : "", by,
			 by[0] ? "." : "");
		if (n < max)
			snprintf(lines[n++], 1024, "It needs the daemon's limit below the inodes the "
				 "guest pins (one O_PATH fd each, rootless): an image with tens of "
				 "thousands of files reaches a runner's 65536. Raise virtiofsd's RLIMIT_NOFILE "
				 "where it starts (the limits.conf edit probably does not reach CI steps).");
	} else if (old->f == F_NOT_SEEN && n < max) {
		snprintf(lines[n++], 1024, "virtiofsd 1.13.0 at a 700-fd limit gave no ESTALE in "
			 "this run: fd exhaustion is not shown to be a cause here.");
	}
	if (new->f == F_NOT_SEEN && n < max)
		snprintf(lines[n++], 1024, "In the 1.13.2 model the same exhaustion gives %llu ENFILE "
			 "and no ESTALE: an upgrade turns the flake into failed opens, not into success.",
			 (unsigned long long)run_result_errno(&new->a.r, "ENFILE"));
	ns = nq = 0;
	seen[0] = quiet[0] = '\0';
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];

		if (e->group != G_SHAPE && e->group != G_HOST && e->group != G_PODMAN)
			continue;
		if (xs[i].f == F_SEEN && ns < sizeof(seen))
			ns += snprintf(seen + ns, sizeof(seen) - ns, "%s%s", ns ? ", " : "", e->name);
		else if (xs[i].f == F_NOT_SEEN && nq < sizeof(quiet))
			nq += snprintf(quiet + nq, sizeof(quiet) - nq, "%s%s", nq ? ", " : "", e->name);
	}
	if (ns && n < max)
		snprintf(lines[n++], 1024, "ESTALE also came from: %s (see their chains and "
			 "mitigations above).", seen);
	if (nq && n < max)
		snprintf(lines[n++], 1024, "No ESTALE from: %s.", quiet);
	{
		const struct outcome *pod = find(xs, "podman-host");

		if (pod->f == F_NOT_SEEN && n < max)
			snprintf(lines[n++], 1024, "bcvk's own host activity (podman pull, tag, rmi, "
				 "build beside the layers a guest reads) gave no ESTALE: this fits the "
				 "maintainer's \"nothing mutates the source\"; ESTALE from the host needs "
				 "names or layers the guest reads to be replaced.");
		else if (pod->f == F_SEEN && n < max)
			snprintf(lines[n++], 1024, "bcvk's own host activity (podman beside the layers a "
				 "guest reads) gave ESTALE: the host side is a suspect.");
	}
	if (scen->f == F_SEEN && n < max) {
		removed_by(scen, by, sizeof(by));
		snprintf(lines[n++], 1024, "bcvk's whole shape gave %llu ESTALE in %llu calls against "
			 "the guest alone.%s%s", (unsigned long long)scen->a.count,
			 (unsigned long long)scen->a.calls, by[0] ? " Removed by: " : "", by);
	} else if (scen->f == F_NOT_SEEN && n < max) {
		snprintf(lines[n++], 1024, "bcvk's whole shape at the daemon's default fd limit (%s) "
			 "gave no ESTALE in %llu calls.", "stalefs run --scenario bcvk",
			 (unsigned long long)scen->a.calls);
	}
	if (n < max) {
		if (old->f == F_SEEN)
			snprintf(lines[n++], 1024, "Of the causes tried, the one that needs no host change "
				 "is fd exhaustion in 1.13.0; check the runner's nofile limit for the "
				 "virtiofsd process and the number of inodes a to-disk guest pins.");
		else
			snprintf(lines[n++], 1024, "None of the experiments run here made ESTALE without a "
				 "host change.");
	}
	return n;
}

static void print_text(const bool *sel, const struct outcome *xs, FILE *f)
{
	char lines[16][1024];
	int n;
	bool any;

	printf("\nConclusion\n");
	printf("Causes found (above the control, p < %.2f):\n", ALPHA);
	any = false;
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];
		char by[300];

		if (!sel[i] || xs[i].f != F_SEEN || e->measure == M_MODE || e->measure == M_EIO)
			continue;
		removed_by(&xs[i], by, sizeof(by));
		foldf(f, "  -", 4, "%s (%s%s%s)", e->seen, e->name, by[0] ? "; removed by: " : "", by);
		any = true;
	}
	if (!any)
		printf("  (none)\n");
	printf("No ESTALE, or another error:\n");
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];

		if (!sel[i])
			continue;
		if (xs[i].f == F_SEEN && (e->measure == M_MODE || e->measure == M_EIO))
			foldf(f, "  -", 4, "%s (%s)", e->seen, e->name);
		else if (xs[i].f == F_NOT_SEEN)
			foldf(f, "  -", 4, "%s (%s)", e->not_seen, e->name);
	}
	for (size_t i = 0; i < NEXP; i++)
		if (sel[i] && xs[i].f == F_TOO_SHORT)
			foldf(f, "Too short to tell:", 2, "%s: %s", experiments[i].name, xs[i].why);
	for (size_t i = 0; i < NEXP; i++)
		if (sel[i] && xs[i].f == F_NO_RUN)
			foldf(f, "Could not run here:", 2, "%s: %s", experiments[i].name, xs[i].why);
	for (size_t i = 0; i < NEXP; i++)
		if (sel[i] && xs[i].f == F_NOT_RUN)
			foldf(f, "Not run:", 2, "%s: %s", experiments[i].name, xs[i].why);
	n = bcvk_lines(xs, lines, 16);
	if (n) {
		printf("\nWhat this means for bcvk\n");
		for (int i = 0; i < n; i++)
			fold(f, "  -", 4, lines[i]);
	}
}

/* --- JSON output --- */

static void side_json(const struct side *s, FILE *f)
{
	char id[600], repro[8192];

	if (!s->ran) {
		fputs("null", f);
		return;
	}
	cell_id(&s->cell, id, sizeof(id));
	cell_repro(&s->cell, repro, sizeof(repro));
	fputs("{\"cell\":", f);
	json_put_string(f, id);
	fprintf(f, ",\"status\":\"%s\",\"reason\":", run_status_name(s->r.status));
	json_put_string(f, s->r.reason);
	fprintf(f, ",\"count\":%llu,\"calls\":%llu,\"estale\":%llu,\"emitted\":%llu,\"seconds\":%.3f,"
		"\"duration_s\":%.3f,\"effective_mode\":", (unsigned long long)s->count,
		(unsigned long long)s->calls, (unsigned long long)s->r.estale_total,
		(unsigned long long)s->r.attrib.emitted, s->cell.seconds, s->r.duration_s);
	json_put_string(f, s->r.effective_mode);
	fputs(",\"repro\":", f);
	json_put_string(f, repro);
	fputs(",\"chains\":", f);
	chains_json(&s->r.chains, f);
	fputc('}', f);
}

static void signif_json(const struct signif *s, FILE *f)
{
	fprintf(f, "{\"p\":%.6g,\"ratio\":%.6g,\"lo\":%.6g,\"hi\":%.6g,\"rate\":%.6g,"
		"\"upper_rate\":", s->p, s->ratio, s->lo, s->hi,
		s->n1 ? (double)s->a / (double)s->n1 : 0.0);
	if (s->a)
		fputs("null}", f);
	else
		fprintf(f, "%.6g}", s->upper1);
}

static void print_json(const bool *sel, const struct outcome *xs, const struct plan *pl,
		       int code, FILE *f)
{
	char lines[16][1024];
	int n, first = 1;

	fprintf(f, "{\"format\":\"stalefs-pinpoint\",\"version\":%d,\"alpha\":%g,\"time_limit\":%g,"
		"\"control_only\":%s,\"elapsed_s\":%.3f,\"experiments\":[", FORMAT_VERSION, ALPHA,
		pl->limit, pl->control_only ? "true" : "false", counts_now() - pl->t0);
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];
		const struct outcome *x = &xs[i];

		if (!sel[i])
			continue;
		fprintf(f, "%s{\"name\":", first ? "" : ",");
		first = 0;
		json_put_string(f, e->name);
		fputs(",\"question\":", f);
		json_put_string(f, e->question);
		fprintf(f, ",\"measure\":\"%s\",\"verdict\":\"%s\",\"why\":", measure_json[e->measure],
			finding_json[x->f]);
		json_put_string(f, x->why);
		fputs(",\"conclusion\":", f);
		json_put_string(f, x->f == F_SEEN ? e->seen : x->f == F_NOT_SEEN ? e->not_seen : "");
		fputs(",\"cell\":", f);
		side_json(&x->a, f);
		fputs(",\"control\":", f);
		side_json(&x->b, f);
		fputs(",\"stats\":", f);
		if (x->a.ran && x->b.ran && e->measure != M_MODE)
			signif_json(&x->st, f);
		else
			fputs("null", f);
		fputs(",\"mitigations\":[", f);
		for (int k = 0; k < x->nmit; k++) {
			const struct mit_result *m = &x->mit[k];

			fprintf(f, "%s{\"name\":", k ? "," : "");
			json_put_string(f, m->m->name);
			fprintf(f, ",\"verdict\":\"%s\",\"run\":", mfinding_json[m->f]);
			side_json(&m->s, f);
			fputs(",\"stats\":", f);
			if (m->s.ran)
				signif_json(&m->st, f);
			else
				fputs("null", f);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("],\"bcvk\":[", f);
	n = bcvk_lines(xs, lines, 16);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_put_string(f, lines[i]);
	}
	fprintf(f, "],\"exit\":%d}\n", code);
}

static void outcome_free(struct outcome *x)
{
	struct side *sides[] = { &x->a, &x->b };

	for (int k = 0; k < 2; k++) {
		if (sides[k]->ran)
			run_result_free(&sides[k]->r);
		cell_free(&sides[k]->cell);
	}
	for (int k = 0; k < x->nmit; k++) {
		if (x->mit[k].s.ran)
			run_result_free(&x->mit[k].s.r);
		cell_free(&x->mit[k].s.cell);
	}
}

static int usage(FILE *f)
{
	fprintf(f, "usage: stalefs pinpoint [--only NAME,...] [--seconds 3] [--reps 1] [--seed 1]\n"
		"       [--virtiofsd-version 1.13.0|1.13.2] [--rlimit-nofile N] [--time-limit S]\n"
		"       [--format text|json] [--out FILE] [--trace auto|on|off] [--control-only] [--list]\n"
		"Runs each experiment's cell against its control, tests the difference (Fisher, p < 0.01),\n"
		"reruns each cause found under the mitigations that apply, and concludes, also for bcvk.\n"
		"--time-limit fits the whole run into S seconds; --list names the experiments;\n"
		"--control-only runs each control against itself (an A/A check of the test).\n");
	return f == stdout ? 0 : EXIT_USAGE;
}

int pinpoint_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "only", required_argument, NULL, 'o' },
		{ "seconds", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 'S' },
		{ "virtiofsd-version", required_argument, NULL, 'V' },
		{ "rlimit-nofile", required_argument, NULL, 'R' },
		{ "time-limit", required_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'O' },
		{ "trace", required_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "control-only", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct outcome xs[NEXP];
	struct run_opts o = { .quiet = true };
	struct plan pl = { .overhead = 1.5 };
	struct cell base;
	const char *only = NULL, *out_path = NULL;
	bool sel[NEXP], json = false, control_only = false;
	char err[512], *end;
	int c, code = 0, ran = 0, left = 0, mit_cells = 0;
	FILE *out = NULL, *text = stdout;

	cell_default(&base);
	base.seconds = 3;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			only = optarg;
			break;
		case 's':
		case 'r':
		case 'S':
		case 'V':
		case 'R':
			if (cell_set(&base, c == 's' ? "seconds" : c == 'r' ? "reps" : c == 'S' ? "seed"
					    : c == 'V' ? "virtiofsd-version" : "rlimit-nofile", optarg, err,
				     sizeof(err))) {
				fprintf(stderr, "stalefs pinpoint: %s\n", err);
				return EXIT_USAGE;
			}
			break;
		case 'T':
			pl.limit = strtod(optarg, &end);
			if (*end || end == optarg || !(pl.limit >= 10 && pl.limit <= 86400)) {
				fprintf(stderr, "stalefs pinpoint: bad --time-limit '%s' (10 to 86400 s)\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'F':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "stalefs pinpoint: bad --format '%s' (text|json)\n", optarg);
				return EXIT_USAGE;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case 'O':
			out_path = optarg;
			break;
		case 't':
			if (strcmp(optarg, "auto") && strcmp(optarg, "on") && strcmp(optarg, "off")) {
				fprintf(stderr, "stalefs pinpoint: bad --trace '%s' (auto|on|off)\n", optarg);
				return EXIT_USAGE;
			}
			o.trace = strcmp(optarg, "on") == 0 ? 1 : strcmp(optarg, "off") == 0 ? -1 : 0;
			break;
		case 'C':
			control_only = true;
			break;
		case 'l':
			for (size_t i = 0; i < NEXP; i++) {
				char first[40];

				snprintf(first, sizeof(first), "%-24s", experiments[i].name);
				fold(stdout, first, 25, experiments[i].question);
			}
			return 0;
		case 'h':
			return usage(stdout);
		default:
			fprintf(stderr, "stalefs pinpoint: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stalefs pinpoint: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	for (const char *p = only; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < NEXP; i++)
			if (strlen(experiments[i].name) == n && strncmp(p, experiments[i].name, n) == 0)
				break;
		if (i == NEXP) {
			fprintf(stderr, "stalefs pinpoint: no experiment '%.*s' (see --list)\n", (int)n, p);
			return EXIT_USAGE;
		}
	}
	/* Every cell is built before anything runs: a bad one is our error. */
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];

		memset(&xs[i], 0, sizeof(xs[i]));
		xs[i].f = F_NOT_RUN;
		sel[i] = selected(only, e->name);
		left += sel[i];
		/* --control-only: the control against itself, a check of the test (never SEEN but
		 * by chance, p < 0.01). */
		if (build(&xs[i].a.cell, e->scenario, control_only ? e->control : e->cell, &base, err,
			  sizeof(err)) ||
		    build(&xs[i].b.cell, e->scenario, e->control, &base, err, sizeof(err))) {
			fprintf(stderr, "stalefs pinpoint: %s: %s\n", e->name, err);
			return EXIT_INTERNAL;
		}
	}
	if (out_path && !(out = fopen(out_path, "ae"))) {
		fprintf(stderr, "stalefs pinpoint: --out %s: %s\n", out_path, strerror(errno));
		return EXIT_USAGE;
	}
	if (json)
		text = NULL;
	pl.t0 = counts_now();
	pl.control_only = control_only;
	pl.base_s = base.seconds;
	proc_on_signals();
	if (text && control_only)
		printf("A/A check: each experiment's control against itself; a SEEN here is a false "
		       "positive.\n");
	for (size_t i = 0; i < NEXP && !proc_interrupted; i++) {
		const struct experiment *e = &experiments[i];
		struct outcome *x = &xs[i];
		double s;

		if (!sel[i])
			continue;
		/* Both cells of this and of every later experiment share what is left, less
		 * the mitigations' share of the limit. */
		s = plan_seconds(&pl, 2 * left, MITIGATION_SHARE * pl.limit);
		if (!s)	/* the mitigations' share, before an experiment goes unrun */
			s = plan_seconds(&pl, 2 * left, 0);
		left--;
		if (!s) {
			snprintf(x->why, sizeof(x->why), "the time limit (%g s) was used up", pl.limit);
			continue;
		}
		x->a.cell.seconds = x->b.cell.seconds = s;
		fprintf(stderr, "stalefs pinpoint: %s (%.1f s a cell) ...\n", e->name, s);
		if (run_side(&x->a, e->measure, &o, out, &pl, err, sizeof(err)) < 0 ||
		    run_side(&x->b, e->measure, &o, out, &pl, err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs pinpoint: %s: %s\n", e->name, err);
			return EXIT_INTERNAL;
		}
		judge(e, x);
		if (x->f != F_NO_RUN)
			ran = 1;
		if (x->a.r.status == RUN_ERROR || x->b.r.status == RUN_ERROR)
			code = EXIT_INTERNAL;
		if (x->a.r.status == RUN_INTERRUPTED || x->b.r.status == RUN_INTERRUPTED)
			break;
		if (x->f == F_SEEN && e->measure == M_ESTALE)
			for (size_t k = 0; k < NMIT; k++)
				mit_cells += mitigations[k].applies(&x->a.cell);
		if (text) {
			print_experiment(e, x, text);
			fflush(text);
		}
	}
	/* The mitigations of every cause seen, in the time left. */
	for (size_t i = 0; i < NEXP && !proc_interrupted; i++) {
		const struct experiment *e = &experiments[i];
		struct outcome *x = &xs[i];

		if (!sel[i] || x->f != F_SEEN || e->measure != M_ESTALE)
			continue;
		for (size_t k = 0; k < NMIT && !proc_interrupted; k++) {
			struct mit_result *m;
			double s;

			if (!mitigations[k].applies(&x->a.cell))
				continue;
			m = &x->mit[x->nmit++];
			m->m = &mitigations[k];
			m->f = MF_NOT_TRIED;
			if (cell_copy(&m->s.cell, &x->a.cell) < 0) {
				fprintf(stderr, "stalefs pinpoint: out of memory\n");
				return EXIT_INTERNAL;
			}
			s = plan_seconds(&pl, mit_cells--, 0);
			if (!s)
				continue;
			m->m->apply(&m->s.cell);
			m->s.cell.seconds = s;
			fprintf(stderr, "stalefs pinpoint: %s under %s (%.1f s) ...\n", e->name,
				m->m->name, s);
			if (run_side(&m->s, e->measure, &o, out, &pl, err, sizeof(err)) < 0) {
				fprintf(stderr, "stalefs pinpoint: %s: %s\n", e->name, err);
				return EXIT_INTERNAL;
			}
			judge_mitigation(x, m);
		}
	}
	if (out)
		fclose(out);
	for (size_t i = 0; i < NEXP; i++)
		if (sel[i] && xs[i].f == F_NOT_RUN && code != 99 && !proc_interrupted)
			code = EXIT_TIME_LIMIT;
	if (proc_interrupted)
		code = EXIT_INTERRUPTED;
	else if (!code && !ran)
		code = EXIT_CANNOT_RUN;
	if (text) {
		if (pl.limit)
			printf("\n(%.0f s of the %.0f s time limit used)\n", counts_now() - pl.t0, pl.limit);
		for (size_t i = 0; i < NEXP; i++)
			if (sel[i] && xs[i].nmit) {
				printf("\nMitigations, by cause\n");
				break;
			}
		for (size_t i = 0; i < NEXP; i++)
			if (sel[i] && xs[i].nmit)
				print_experiment(&experiments[i], &xs[i], text);
		print_text(sel, xs, text);
	} else {
		print_json(sel, xs, &pl, code, stdout);
	}
	for (size_t i = 0; i < NEXP; i++)
		outcome_free(&xs[i]);
	return code;
}
