// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs pinpoint [--only NAME,...] [--seconds S] [--reps N] [--seed S]
 *                  [--out FILE] [--trace auto|on|off] [--list]
 *
 * Each experiment runs a cell and its control (same tree and seed, one
 * condition changed) and says what the pair shows. The verdicts are
 * findings, not pass/fail: exit 0 when every experiment ran (or could not
 * run here and says why), 2 usage, 77 none could run, 99 harness error,
 * 130 interrupted. With --out, both cells of every experiment go to FILE
 * as cell lines (`stalefs report` renders them).
 */
#include "pinpoint.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "proc.h"
#include "run.h"

enum finding { SEEN, NOT_SEEN, MIXED, NO_RUN };

struct experiment {
	const char *name;
	const char *question;
	const char *cell[12];	/* cell options, "name=value" or "flag" */
	const char *control[12];
	/* Reads the pair; writes the verdict; says whether the effect was seen. */
	enum finding (*judge)(const struct experiment *e, const struct run_result *a,
			      const struct run_result *b, char *out, size_t len);
	const char *seen;	/* conclusion line when the effect was seen */
	const char *not_seen;	/* ... and when it was not */
};

static uint64_t calls(const struct run_result *r)
{
	uint64_t n = 0;

	for (int i = 0; i < r->nops; i++)
		n += r->op[i].calls;
	return n;
}

static uint64_t errno_count(const struct run_result *r, const char *name)
{
	uint64_t n = 0;

	for (int i = 0; i < r->nops; i++)
		for (int e = 0; e < r->op[i].nerr; e++)
			if (strcmp(r->op[i].err[e].name, name) == 0)
				n += r->op[i].err[e].n;
	return n;
}

/* "1234 ESTALE in 5678 calls (kernel-made 1200, host open_by_handle_at 34)" */
static void describe(const struct run_result *r, char *out, size_t len)
{
	size_t n;

	if (r->status != RUN_RAN) {
		snprintf(out, len, "%s: %s", run_status_name(r->status), r->reason);
		return;
	}
	n = snprintf(out, len, "%llu ESTALE in %llu calls", (unsigned long long)r->estale_total,
		     (unsigned long long)calls(r));
	if (!r->estale_total || n >= len)
		return;
	n += snprintf(out + n, len - n, " (kernel-made %llu", (unsigned long long)r->attrib.kernel);
	if (r->attrib.unattributed && n < len)
		n += snprintf(out + n, len - n, ", past the event list %llu",
			      (unsigned long long)r->attrib.unattributed);
	for (int i = 0; i < r->attrib.nkeys && n < len; i++)
		n += snprintf(out + n, len - n, ", %s %s %llu", r->attrib.key[i].source,
			      r->attrib.key[i].detail, (unsigned long long)r->attrib.key[i].n);
	if (n < len)
		n += snprintf(out + n, len - n, ")");
	/* The chain behind most of it. */
	int best = -1;

	for (int i = 0; i < r->chains.n; i++)
		if (best < 0 || r->chains.c[i].n > r->chains.c[best].n)
			best = i;
	if (best >= 0 && n < len) {
		char text[480];

		chain_text(&r->chains.c[best], text, sizeof(text));
		snprintf(out + n, len - n, "; mostly %s", text);
	}
}

/* The cell shows ESTALE, the control does not. */
static enum finding judge_estale(const struct experiment *e, const struct run_result *a,
				 const struct run_result *b, char *out, size_t len)
{
	char da[900], db[900];
	enum finding f;

	describe(a, da, sizeof(da));
	describe(b, db, sizeof(db));
	if (a->status != RUN_RAN || b->status != RUN_RAN)
		f = NO_RUN;
	else if (a->estale_total && !b->estale_total)
		f = SEEN;
	else if (!a->estale_total && !b->estale_total)
		f = NOT_SEEN;
	else
		f = MIXED;
	snprintf(out, len, "%s; control: %s", da, db);
	(void)e;
	return f;
}

/* The daemon answers ESTALE (emitted); does any of it reach the caller? */
static enum finding judge_emitted(const struct experiment *e, const struct run_result *a,
				  const struct run_result *b, char *out, size_t len)
{
	(void)e;
	if (a->status != RUN_RAN || b->status != RUN_RAN) {
		snprintf(out, len, "%s", a->status != RUN_RAN ? a->reason : b->reason);
		return NO_RUN;
	}
	snprintf(out, len, "the daemon answered %llu ESTALE, %llu masked by the VFS retry, %llu "
		 "surfaced in %llu calls; control: %llu answered, %llu surfaced",
		 (unsigned long long)a->attrib.emitted, (unsigned long long)a->attrib.masked,
		 (unsigned long long)a->estale_total, (unsigned long long)calls(a),
		 (unsigned long long)b->attrib.emitted, (unsigned long long)b->estale_total);
	return a->attrib.emitted && !b->attrib.emitted ? SEEN
	       : !a->attrib.emitted ? NOT_SEEN : MIXED;
}

/* A new generation: expect EIO, not ESTALE. */
static enum finding judge_generation(const struct experiment *e, const struct run_result *a,
				     const struct run_result *b, char *out, size_t len)
{
	uint64_t eio = errno_count(a, "EIO");

	(void)e;
	if (a->status != RUN_RAN || b->status != RUN_RAN) {
		snprintf(out, len, "%s", a->status != RUN_RAN ? a->reason : b->reason);
		return NO_RUN;
	}
	snprintf(out, len, "%llu EIO and %llu ESTALE in %llu calls, %llu faults fired; control: "
		 "%llu EIO, %llu ESTALE", (unsigned long long)eio,
		 (unsigned long long)a->estale_total, (unsigned long long)calls(a),
		 (unsigned long long)a->faults_fired, (unsigned long long)errno_count(b, "EIO"),
		 (unsigned long long)b->estale_total);
	return eio && !a->estale_total ? SEEN : !eio && !a->estale_total ? NOT_SEEN : MIXED;
}

/* Which inode mode really ran. */
static enum finding judge_mode(const struct experiment *e, const struct run_result *a,
			       const struct run_result *b, char *out, size_t len)
{
	(void)e;
	if (a->status != RUN_RAN || b->status != RUN_RAN) {
		snprintf(out, len, "%s", a->status != RUN_RAN ? a->reason : b->reason);
		return NO_RUN;
	}
	snprintf(out, len, "unprivileged asked prefer, ran %s (%s); as root it ran %s; "
		 "%llu and %llu ESTALE", a->effective_mode, a->mode_reason, b->effective_mode,
		 (unsigned long long)a->estale_total, (unsigned long long)b->estale_total);
	return strcmp(a->effective_mode, "never") == 0 ? SEEN : NOT_SEEN;
}

static const struct experiment experiments[] = {
	{
		"fd-limit-overlay",
		"In bcvk's configuration (rootless, fallback, cache=never, a guest overlay) and "
		"no host change at all, does virtiofsd 1.13.0 running out of fds give ESTALE?",
		{ "mode=fallback", "privilege=userns", "cache=never", "workload=read", "overlay",
		  "virtiofsd-version=1.13.0", "rlimit-nofile=700", "objects=1500", "max-links=20", NULL },
		{ "mode=fallback", "privilege=userns", "cache=never", "workload=read", "overlay",
		  "virtiofsd-version=1.13.0", "objects=1500", "max-links=20", NULL },
		judge_estale,
		"virtiofsd 1.13.0 at its fd limit (one O_PATH fd per inode the guest pins): "
		"revalidation LOOKUPs answer EMFILE and the guest's overlay makes ESTALE of them, "
		"with no host change; 1.13.2's guest-fd limit answers ENFILE instead",
		"1.13.0 at a 700-fd limit under an overlay: no ESTALE in this run",
	},
	{
		"overlay-churn",
		"Does an overlayfs over the mount (the bcvk guest-podman shape) turn host-side "
		"churn into ESTALE that the daemon never sent?",
		{ "mode=never", "cache=never", "workload=read", "overlay", "churn", NULL },
		{ "mode=never", "cache=never", "workload=read", "churn", NULL },
		judge_estale,
		"overlayfs over the mount with names moved to new inodes on the host: ESTALE made "
		"by the kernel's overlay, none from the daemon; the bare mount under the same churn "
		"shows none",
		"overlayfs over the mount with host churn: no ESTALE in this run",
	},
	{
		"overlay-layer-swap",
		"Does recreating a whole layer on the host while the guest's overlay has it as a "
		"lower give lasting ESTALE?",
		{ "mode=never", "cache=never", "workload=read", "overlay", "layer-every=0.5", NULL },
		{ "mode=never", "cache=never", "workload=read", "layer-every=0.5", NULL },
		judge_estale,
		"a layer removed and recreated on the host under a guest overlay: every name in it "
		"answers ESTALE from then on (the overlay's lower root is a deleted directory)",
		"layer swaps under the overlay: no ESTALE in this run",
	},
	{
		"overlay-revalidation",
		"Does a failed revalidation LOOKUP (ENOENT on both VFS passes) surface as ESTALE "
		"through overlayfs and as ENOENT on the bare mount?",
		{ "mode=never", "cache=never", "workload=read", "overlay", "profile=bcvk-overlay", NULL },
		{ "mode=never", "cache=never", "workload=read", "profile=bcvk-overlay", NULL },
		judge_estale,
		"an ENOENT on an object's revalidation comes out of overlayfs as ESTALE (bare: ENOENT)",
		"failed revalidation through the overlay: no ESTALE in this run",
	},
	{
		"handle-host-churn",
		"Does file-handle mode give ESTALE when the host deletes and recreates names, where "
		"O_PATH mode does not?",
		{ "mode=mandatory", "cache=auto", "workload=read", "churn", NULL },
		{ "mode=never", "cache=auto", "workload=read", "churn", NULL },
		judge_emitted,
		"file-handle mode with host deletion and recreation: the daemon answers ESTALE "
		"(open_by_handle_at of a freed inode) on cached nodeids, O_PATH mode never does; "
		"path calls retry with a fresh LOOKUP and mask it, only fd calls on an old inode "
		"would surface it",
		"file-handle mode under host churn: the daemon answered no ESTALE in this run",
	},
	{
		"generation",
		"Does a generation change on a live nodeid give EIO rather than ESTALE?",
		{ "mode=never", "cache=never", "workload=read", "threads=8",
		  "inject=gen-bump:op=LOOKUP,every=5", NULL },
		{ "mode=never", "cache=never", "workload=read", "threads=8", NULL },
		judge_generation,
		"a generation mismatch gives EIO on fds of the old inode, not ESTALE",
		"generation bumps: no EIO seen in this run",
	},
	{
		"forget-storm",
		"Do 970-link objects under FORGET storms and concurrent lookups give ESTALE in "
		"O_PATH mode?",
		{ "mode=never", "cache=auto", "workload=read", "max-links=970", "threads=8",
		  "drop-caches-ms=50", NULL },
		{ "mode=never", "cache=auto", "workload=read", "max-links=970", "threads=8", NULL },
		judge_estale,
		"FORGET storms on 970-link objects in O_PATH mode gave ESTALE",
		"970-link objects under FORGET storms and concurrent lookups in O_PATH mode: no "
		"ESTALE (the daemon's refcounts hold)",
	},
	{
		"silly-rename",
		"Does O_PATH mode on storage that silly-renames unlinked-but-held inodes, and later "
		"cleans them up, give ESTALE?",
		{ "mode=never", "workload=ostree", "rounds=3", "profile=nfs-silly-rename", NULL },
		{ "mode=never", "workload=ostree", "rounds=3", NULL },
		judge_estale,
		"O_PATH mode on silly-renaming storage: ESTALE after the .nfs files are cleaned up",
		"silly-rename with cleanup: no ESTALE in this run",
	},
	{
		"unprivileged-prefer",
		"What inode mode really runs unprivileged with --inode-file-handles=prefer (bcvk's "
		"fallback)?",
		{ "mode=prefer", "privilege=unprivileged", "workload=read", NULL },
		{ "mode=prefer", "privilege=root", "workload=read", NULL },
		judge_mode,
		"unprivileged prefer/fallback really runs as never (O_PATH): handle-mode ESTALE "
		"cannot happen there",
		"unprivileged prefer kept file handles",
	},
};

#define NEXP (sizeof(experiments) / sizeof(experiments[0]))

static int build(struct cell *c, const char *const opts[], const struct cell *base, char *err,
		 size_t errlen)
{
	char name[64];
	int ret;

	ret = cell_copy(c, base);
	for (int i = 0; !ret && opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');

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

int pinpoint_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "only", required_argument, NULL, 'o' },
		{ "seconds", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 'S' },
		{ "virtiofsd-version", required_argument, NULL, 'V' },
		{ "rlimit-nofile", required_argument, NULL, 'R' },
		{ "out", required_argument, NULL, 'O' },
		{ "trace", required_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const words[] = { "SEEN", "NOT SEEN", "MIXED", "COULD NOT RUN" };
	struct run_opts o = { .quiet = true };
	struct cell base;
	const char *only = NULL, *out_path = NULL;
	enum finding found[NEXP];
	char err[512], verdict[2048];
	int c, code = 0, ran = 0;
	FILE *out = NULL;

	for (size_t i = 0; i < NEXP; i++)
		found[i] = NO_RUN;
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
				return 2;
			}
			break;
		case 'O':
			out_path = optarg;
			break;
		case 't':
			if (strcmp(optarg, "auto") && strcmp(optarg, "on") && strcmp(optarg, "off")) {
				fprintf(stderr, "stalefs pinpoint: bad --trace '%s' (auto|on|off)\n", optarg);
				return 2;
			}
			o.trace = strcmp(optarg, "on") == 0 ? 1 : strcmp(optarg, "off") == 0 ? -1 : 0;
			break;
		case 'l':
			for (size_t i = 0; i < NEXP; i++)
				printf("%-22s %s\n", experiments[i].name, experiments[i].question);
			return 0;
		case 'h':
			printf("usage: stalefs pinpoint [--only NAME,...] [--seconds 3] [--reps 1] [--seed 1]"
			       "\n       [--virtiofsd-version 1.13.0|1.13.2] [--rlimit-nofile N]"
			       " [--out FILE] [--trace auto|on|off] [--list]\n"
			       "Runs each experiment's cell against its control and prints a verdict line\n"
			       "each, then a conclusion. --list names the experiments.\n");
			return 0;
		default:
			fprintf(stderr, "stalefs pinpoint: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stalefs pinpoint: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	for (const char *p = only; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < NEXP; i++)
			if (strlen(experiments[i].name) == n && strncmp(p, experiments[i].name, n) == 0)
				break;
		if (i == NEXP) {
			fprintf(stderr, "stalefs pinpoint: no experiment '%.*s' (see --list)\n", (int)n, p);
			return 2;
		}
	}
	if (out_path && !(out = fopen(out_path, "ae"))) {
		fprintf(stderr, "stalefs pinpoint: --out %s: %s\n", out_path, strerror(errno));
		return 2;
	}
	proc_on_signals();
	for (size_t i = 0; i < NEXP && !proc_interrupted; i++) {
		const struct experiment *e = &experiments[i];
		struct run_result ra, rb;
		struct cell a, b;

		found[i] = NO_RUN;
		if (!selected(only, e->name))
			continue;
		if (build(&a, e->cell, &base, err, sizeof(err)) ||
		    build(&b, e->control, &base, err, sizeof(err))) {
			fprintf(stderr, "stalefs pinpoint: %s: %s\n", e->name, err);
			return 99;
		}
		fprintf(stderr, "stalefs pinpoint: %s ...\n", e->name);
		if (run_cell(&a, &o, &ra, err, sizeof(err)) < 0 ||
		    run_cell(&b, &o, &rb, err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs pinpoint: %s: %s\n", e->name, err);
			return 99;
		}
		if (out) {
			run_result_json(&a, &ra, out);
			run_result_json(&b, &rb, out);
			fflush(out);
		}
		found[i] = e->judge(e, &ra, &rb, verdict, sizeof(verdict));
		if (found[i] != NO_RUN)
			ran = 1;
		if (ra.status == RUN_ERROR || rb.status == RUN_ERROR)
			code = 99;
		printf("%-22s %-13s %s\n", e->name, words[found[i]], verdict);
		fflush(stdout);
		run_result_free(&ra);
		run_result_free(&rb);
		cell_free(&a);
		cell_free(&b);
	}
	if (out)
		fclose(out);
	printf("\nConclusion\n");
	printf("ESTALE appeared:\n");
	for (size_t i = 0; i < NEXP; i++)
		if (selected(only, experiments[i].name) && found[i] == SEEN &&
		    (experiments[i].judge == judge_estale || experiments[i].judge == judge_emitted))
			printf("  - %s (%s)\n", experiments[i].seen, experiments[i].name);
	printf("No ESTALE, or another error:\n");
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];

		if (!selected(only, e->name) || found[i] == NO_RUN)
			continue;
		if (e->judge == judge_emitted && found[i] == SEEN)
			continue;	/* listed above: the daemon did answer ESTALE */
		if (e->judge != judge_estale && found[i] == SEEN)
			printf("  - %s (%s)\n", e->seen, e->name);
		else if (found[i] == NOT_SEEN)
			printf("  - %s (%s)\n", e->not_seen, e->name);
		else if (found[i] == MIXED)
			printf("  - %s: mixed, see its line (%s)\n", e->question, e->name);
	}
	for (size_t i = 0; i < NEXP; i++)
		if (selected(only, experiments[i].name) && found[i] == NO_RUN)
			printf("Could not run here: %s\n", experiments[i].name);
	if (proc_interrupted)
		return 130;
	return code ? code : ran ? 0 : 77;
}
