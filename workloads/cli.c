// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs workload gen --root DIR [--objects N] [--max-links N] [--layers N]
 *                      [--checkouts N] [--seed S]
 *
 * Prints what it made on stdout as one line of key=value pairs:
 *   files=2000 links=... symlinks=... names=... bytes=... xattrs=yes|no
 *   tree-hash=<sha256> seconds=...
 * Exit codes: 0 done, 1 failed, 2 bad input.
 */
#include "cli.h"
#include "clock.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "churn.h"
#include "opt.h"
#include "opts.h"
#include "ostree.h"
#include "reader.h"
#include "storm.h"
#include "tree.h"
#include "exitcode.h"

static void on_stop(int sig)
{
	(void)sig;
	reader_stop();
}

static void on_churn_stop(int sig)
{
	(void)sig;
	churn_stop();
}

/* SIGINT/SIGTERM end churn early; it takes its submounts and layers away first. */
static void churn_on_signals(void)
{
	struct sigaction sa = { .sa_handler = on_churn_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* SIGINT/SIGTERM end the run early (results and cleanup still happen). */
static void stop_on_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

enum { G_ROOT = 1, G_OBJECTS, G_MAX_LINKS, G_LAYERS, G_CHECKOUTS, G_SEED, G_TWINS };

static const struct opt gen_opts[] = {
	{ G_ROOT, "root", OPT_STR, "DIR", NULL, .help = "where to make the tree (required; must not exist or be empty)" },
	{ G_OBJECTS, "objects", OPT_U64, "N", "2000", .max = 10000000, .help = "content objects" },
	{ G_MAX_LINKS, "max-links", OPT_U64, "N", "970", .max = 65000,
	  .help = "hardlinks of the most-linked object, as bcvk's ~970" },
	{ G_LAYERS, "layers", OPT_U64, "N", "2", .max = 1000, .help = "overlay layers (overlay/<layer>/diff)" },
	{ G_CHECKOUTS, "checkouts", OPT_U64, "N", "3", .max = 1000, .help = "ostree checkouts" },
	{ G_SEED, "seed", OPT_U64, "S", "1", .help = "the generator's seed" },
	{ G_TWINS, "twins", OPT_U64, "N", "0", .max = 99,
	  .help = "pairs of directories with the same files under two parents per layer (for churn --dir-move-every)" },
};

static int cmd_gen(int argc, char **argv)
{
	struct tree_params p;
	struct tree_summary s;
	const char *root = NULL;
	struct opts o;
	double t0, t1;
	char err[512];
	int c, id;

	tree_params_default(&p);
	if (opts_init(&o, "stalefs workload gen", gen_opts, sizeof(gen_opts) / sizeof(gen_opts[0]),
		      argc, argv) < 0)
		return EXIT_INTERNAL;
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case G_ROOT:
			root = o.arg;
			break;
		case G_OBJECTS:
			p.objects = o.u;
			break;
		case G_MAX_LINKS:
			p.max_links = o.u;
			break;
		case G_LAYERS:
			p.layers = o.u;
			break;
		case G_CHECKOUTS:
			p.checkouts = o.u;
			break;
		case G_SEED:
			p.seed = o.u;
			break;
		case G_TWINS:
			p.twins = o.u;
			break;
		}
	}
	c = opts_finish(&o, id, "stalefs workload gen --root DIR [options]",
		      "Generates the ostree container-storage layout: content objects hardlinked into\n"
		      "checkouts, overlay layers, and the manifest the readers check against.");
	id = o.optind;
	opts_fini(&o);
	if (c >= 0)
		return c;
	if (!root || id != argc) {
		fprintf(stderr, "stalefs workload gen: need --root DIR and no other arguments\n");
		return EXIT_USAGE;
	}
	t0 = mono_seconds();
	c = tree_generate(root, &p, &s, err, sizeof(err));
	if (c < 0) {
		fprintf(stderr, "stalefs workload gen: %s\n", err);
		return c == -EINVAL || c == -EEXIST ? EXIT_USAGE : EXIT_FAIL;
	}
	t1 = mono_seconds();
	printf("files=%llu links=%llu symlinks=%llu names=%llu bytes=%llu xattrs=%s tree-hash=%s "
	       "seconds=%.3f\n", (unsigned long long)s.files, (unsigned long long)s.links,
	       (unsigned long long)s.symlinks, (unsigned long long)s.names,
	       (unsigned long long)s.bytes, s.xattrs ? "yes" : "no", s.hash,
	       t1 - t0);
	return 0;
}

/*
 * stalefs workload read --root DIR [--manifest F] [--threads N]
 *                       [--seconds S | --count N] [--seed S] [--hot PCT] [--json FILE]
 *                       [--drop-caches-ms N] [--overlay [--two-path]]
 * Exit codes: 0 ran clean, 1 errors or integrity failures seen, 2 usage,
 * 77 this machine cannot run it (no overlayfs, not root).
 * SIGINT and SIGTERM stop the readers early; the result is still written.
 */
enum { R_ROOT = 1, R_MANIFEST, R_THREADS, R_SECONDS, R_COUNT, R_SEED, R_HOT, R_JSON, R_DROP,
       R_OVERLAY, R_TWO_PATH };

static const struct opt read_opts[] = {
	{ R_ROOT, "root", OPT_STR, "DIR", NULL, .help = "the tree to read (required)" },
	{ R_MANIFEST, "manifest", OPT_STR, "F", "ROOT/manifest", .help = "the tree's manifest" },
	{ R_THREADS, "threads", OPT_U64, "N", "4", .min = 1, .max = 256, .help = "reader threads" },
	{ R_SECONDS, "seconds", OPT_DOUBLE, "S", "5", .help = "how long to read" },
	{ R_COUNT, "count", OPT_U64, "N", NULL, .help = "stop after N reads instead" },
	{ R_SEED, "seed", OPT_U64, "S", "1", .help = "the pick order's seed" },
	{ R_HOT, "hot", OPT_U64, "PCT", "50", .max = 100, .help = "picks among the hot (most-linked) objects" },
	{ R_JSON, "json", OPT_STR, "FILE", NULL, .help = "write the result as JSON (- for stdout)" },
	{ R_DROP, "drop-caches-ms", OPT_U64, "N", "0", .max = 3600000,
	  .help = "drop the kernel's caches every N ms (FORGET storms)" },
	{ R_OVERLAY, "overlay", OPT_FLAG, .help = "read through an overlayfs over the tree's layers (root)" },
	{ R_TWO_PATH, "two-path", OPT_FLAG,
	  .help = "with --overlay: odd threads read overlay/<layer>/diff directly, as skopeo does in bcvk" },
};

static int cmd_read(int argc, char **argv)
{
	static struct reader_result r;
	struct reader_params p;
	const char *json = NULL;
	struct opts o;
	char err[512];
	int c, id;

	reader_params_default(&p);
	if (opts_init(&o, "stalefs workload read", read_opts,
		      sizeof(read_opts) / sizeof(read_opts[0]), argc, argv) < 0)
		return EXIT_INTERNAL;
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case R_ROOT:
			p.root = o.arg;
			break;
		case R_MANIFEST:
			p.manifest = o.arg;
			break;
		case R_THREADS:
			p.threads = o.u;
			break;
		case R_SECONDS:
			p.seconds = o.d;
			break;
		case R_COUNT:
			p.count = o.u;
			break;
		case R_SEED:
			p.seed = o.u;
			break;
		case R_HOT:
			p.hot_pct = o.u;
			break;
		case R_JSON:
			json = o.arg;
			break;
		case R_DROP:
			p.drop_caches_ms = o.u;
			break;
		case R_OVERLAY:
			p.overlay = 1;
			break;
		case R_TWO_PATH:
			p.two_path = 1;
			break;
		}
	}
	c = opts_finish(&o, id, "stalefs workload read --root DIR [options]",
		      "Reads the tree's objects through every name and checks each against the manifest.\n"
		      "exit: 0 clean, 1 errors or integrity failures, 2 usage, 77 cannot run here");
	id = o.optind;
	opts_fini(&o);
	if (c >= 0)
		return c;
	if (!p.root || id != argc) {
		fprintf(stderr, "stalefs workload read: need --root DIR and no other arguments\n");
		return EXIT_USAGE;
	}
	stop_on_signals();
	c = reader_run(&p, &r, err, sizeof(err));
	if (c < 0) {
		fprintf(stderr, "stalefs workload read: %s\n", err);
		return c == READER_CANNOT_RUN ? EXIT_CANNOT_RUN : EXIT_USAGE;
	}
	reader_summary(&r, stderr);
	c = reader_errors(&r) || r.mismatches ? 1 : 0;
	if (json) {
		FILE *f = strcmp(json, "-") == 0 ? stdout : fopen(json, "we");

		if (!f) {
			fprintf(stderr, "stalefs workload read: %s: %s\n", json, strerror(errno));
			c = 2;
			goto out_free;
		}
		reader_json(&p, &r, f);
		if (f != stdout)
			fclose(f);
	}
out_free:
	reader_result_free(&r);
	return c;
}

/*
 * stalefs workload churn --root BACKING [--seconds S] [--seed S] [--pause-us N]
 *                        [--layer-every S] [--events FILE] [--no-names]
 *                        [--dir-move-every S] [--submount-every S] [--podman-every S]
 * Prints relinks= renames= links= layer-swaps= dir-moves= submounts= podman=
 * errors=. Exit 0, 1 (a change failed), 2 usage or a tree that lacks what an
 * actor needs, 77 a submount cannot be made here (not root).
 */
enum { C_ROOT = 1, C_SECONDS, C_SEED, C_PAUSE, C_LAYER, C_EVENTS, C_NO_NAMES, C_DIR_MOVE,
       C_SUBMOUNT, C_PODMAN };

static const struct opt churn_opts[] = {
	{ C_ROOT, "root", OPT_STR, "BACKING", NULL, .help = "the tree on the host side (required)" },
	{ C_SECONDS, "seconds", OPT_DOUBLE, "S", "5", .help = "how long to churn" },
	{ C_SEED, "seed", OPT_U64, "S", "1", .help = "the change order's seed" },
	{ C_PAUSE, "pause-us", OPT_U64, "N", "1000", .max = 10000000, .help = "microseconds between name changes" },
	{ C_LAYER, "layer-every", OPT_DOUBLE, "S", "never", .help = "swap in a recreated layer this often" },
	{ C_EVENTS, "events", OPT_STR, "FILE", NULL, .help = "log each change as a JSON line as it happens" },
	{ C_NO_NAMES, "no-names", OPT_FLAG, .help = "no name churn: only the actors below" },
	{ C_DIR_MOVE, "dir-move-every", OPT_DOUBLE, "S", "never",
	  .help = "exchange twin dirs (gen --twins) between parents this often" },
	{ C_SUBMOUNT, "submount-every", OPT_DOUBLE, "S", "never",
	  .help = "bind-mount a much-read dir onto itself, then unmount it (root)" },
	{ C_PODMAN, "podman-every", OPT_DOUBLE, "S", "never",
	  .help = "add and remove other layers and rename metadata over, as podman does" },
};

static int cmd_churn(int argc, char **argv)
{
	struct churn_params p = { .seconds = 5.0, .seed = 1, .pause_us = 1000, .events_fd = -1 };
	struct churn_result r;
	struct opts o;
	char err[512];
	int c, id, rc = EXIT_USAGE;

	if (opts_init(&o, "stalefs workload churn", churn_opts,
		      sizeof(churn_opts) / sizeof(churn_opts[0]), argc, argv) < 0)
		return EXIT_INTERNAL;
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case C_ROOT:
			p.root = o.arg;
			break;
		case C_SECONDS:
			p.seconds = o.d;
			break;
		case C_SEED:
			p.seed = o.u;
			break;
		case C_PAUSE:
			p.pause_us = o.u;
			break;
		case C_LAYER:
			p.layer_every_s = o.d;
			break;
		case C_EVENTS:
			if (opt_log_file("churn", "events", o.arg, &p.events_fd) < 0)
				id = OPTS_BAD;
			break;
		case C_NO_NAMES:
			p.no_names = true;
			break;
		case C_DIR_MOVE:
			p.dir_move_every_s = o.d;
			break;
		case C_SUBMOUNT:
			p.submount_every_s = o.d;
			break;
		case C_PODMAN:
			p.podman_every_s = o.d;
			break;
		}
		if (id == OPTS_BAD)
			break;
	}
	if (id == OPTS_BAD && !o.err[0]) {
		opts_fini(&o);
		goto out;	/* opt_log_file said why */
	}
	c = opts_finish(&o, id, "stalefs workload churn --root BACKING [options]",
		      "Moves checkout names to new inodes with the same bytes (relink, rename over, extra\n"
		      "links), and runs the host actors asked for, each on its own cadence. SIGTERM/SIGINT\n"
		      "end churn early; it unmounts and removes what it added first.");
	id = o.optind;
	opts_fini(&o);
	if (c >= 0) {
		rc = c;
		goto out;
	}
	if (!p.root || id != argc) {
		fprintf(stderr, "stalefs workload churn: need --root BACKING and no other arguments\n");
		goto out;
	}
	if (p.no_names && !p.layer_every_s && !p.dir_move_every_s && !p.submount_every_s &&
	    !p.podman_every_s) {
		fprintf(stderr, "stalefs workload churn: --no-names leaves nothing to do\n");
		goto out;
	}
	churn_on_signals();
	c = churn_run(&p, &r, err, sizeof(err));
	if (c < 0) {
		fprintf(stderr, "stalefs workload churn: %s\n", err);
		rc = c == CHURN_CANNOT_RUN ? EXIT_CANNOT_RUN : c == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	printf("relinks=%llu renames=%llu links=%llu layer-swaps=%llu dir-moves=%llu submounts=%llu "
	       "podman=%llu errors=%llu\n", (unsigned long long)r.relinks,
	       (unsigned long long)r.renames, (unsigned long long)r.links,
	       (unsigned long long)r.layer_swaps, (unsigned long long)r.dir_moves,
	       (unsigned long long)r.submounts, (unsigned long long)r.podman_ops,
	       (unsigned long long)r.errors);
	rc = r.errors ? 1 : 0;
out:
	if (p.events_fd >= 0)
		close(p.events_fd);
	return rc;
}

int workload_main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "churn") == 0)
		return cmd_churn(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return cmd_gen(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "read") == 0)
		return cmd_read(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "storm") == 0)
		return storm_cli(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "ostree") == 0)
		return ostree_cli(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: stalefs workload WORKLOAD --root DIR [options]\n\n"
		       "workloads:\n"
		       "  gen      generate an ostree-like tree (objects, hardlinked checkouts, manifest)\n"
		       "  read     read a tree's names and check every byte against its manifest\n"
		       "  storm    statx, openat and reads in io_uring batches, every byte checked\n"
		       "  churn    move a tree's names to new inodes on the host side (and other actors)\n"
		       "  ostree   run ostree init, commit, checkout -H and fsck in DIR, check every byte\n\n"
		       "`stalefs workload WORKLOAD --help` lists each one's options.\n");
		return 0;
	}
	fprintf(stderr, "stalefs workload: %s%s%s (gen, read, storm, churn, ostree; see stalefs workload "
		"--help)\n", argc >= 2 ? "unknown workload '" : "which workload?",
		argc >= 2 ? argv[1] : "", argc >= 2 ? "'" : "");
	return EXIT_USAGE;
}
