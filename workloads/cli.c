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
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "churn.h"
#include "opt.h"
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

static int cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "objects", required_argument, NULL, 'o' },
		{ "max-links", required_argument, NULL, 'l' },
		{ "layers", required_argument, NULL, 'L' },
		{ "checkouts", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "twins", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tree_params p;
	struct tree_summary s;
	const char *root = NULL;
	double t0, t1;
	uint64_t v;
	char err[512];
	int c;

	tree_params_default(&p);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'o':
			if (opt_u64("gen", "objects", optarg, 0, 10000000, &p.objects) < 0)
				return EXIT_USAGE;
			break;
		case 'l':
			if (opt_u64("gen", "max-links", optarg, 0, 65000, &v) < 0)
				return EXIT_USAGE;
			p.max_links = v;
			break;
		case 'L':
			if (opt_u64("gen", "layers", optarg, 0, 1000, &v) < 0)
				return EXIT_USAGE;
			p.layers = v;
			break;
		case 'c':
			if (opt_u64("gen", "checkouts", optarg, 0, 1000, &v) < 0)
				return EXIT_USAGE;
			p.checkouts = v;
			break;
		case 's':
			if (opt_u64("gen", "seed", optarg, 0, UINT64_MAX, &p.seed) < 0)
				return EXIT_USAGE;
			break;
		case 't':
			if (opt_u64("gen", "twins", optarg, 0, 99, &v) < 0)
				return EXIT_USAGE;
			p.twins = v;
			break;
		case 'h':
			printf("usage: stalefs workload gen --root DIR [--objects N] [--max-links N]\n"
			       "       [--layers N] [--checkouts N] [--seed S] [--twins N]\n"
			       "--twins N: N pairs of directories with the same files under two parents\n"
			       "           per layer (for churn --dir-move-every)\n"
			       "defaults: objects 2000, max-links 970, layers 2, checkouts 3, seed 1, twins 0\n");
			return 0;
		default:
			fprintf(stderr, "stalefs workload gen: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!root || optind != argc) {
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
static int cmd_read(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "hot", required_argument, NULL, 'H' },
		{ "json", required_argument, NULL, 'j' },
		{ "drop-caches-ms", required_argument, NULL, 'D' },
		{ "overlay", no_argument, NULL, 'O' },
		{ "two-path", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct reader_result r;
	struct reader_params p;
	const char *json = NULL;
	char err[512];
	uint64_t v;
	int c;

	reader_params_default(&p);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			p.root = optarg;
			break;
		case 'm':
			p.manifest = optarg;
			break;
		case 't':
			if (opt_u64("read", "threads", optarg, 1, 256, &v) < 0)
				return EXIT_USAGE;
			p.threads = v;
			break;
		case 'S':
			if (opt_seconds("read", "seconds", optarg, &p.seconds) < 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (opt_u64("read", "count", optarg, 0, UINT64_MAX, &p.count) < 0)
				return EXIT_USAGE;
			break;
		case 's':
			if (opt_u64("read", "seed", optarg, 0, UINT64_MAX, &p.seed) < 0)
				return EXIT_USAGE;
			break;
		case 'H':
			if (opt_u64("read", "hot", optarg, 0, 100, &v) < 0)
				return EXIT_USAGE;
			p.hot_pct = v;
			break;
		case 'j':
			json = optarg;
			break;
		case 'D':
			if (opt_u64("read", "drop-caches-ms", optarg, 0, 3600000, &v) < 0)
				return EXIT_USAGE;
			p.drop_caches_ms = v;
			break;
		case 'O':
			p.overlay = 1;
			break;
		case 'P':
			p.two_path = 1;
			break;
		case 'h':
			printf("usage: stalefs workload read --root DIR [--manifest F] [--threads N]\n"
			       "       [--seconds S | --count N] [--seed S] [--hot PCT] [--json FILE]\n"
			       "       [--drop-caches-ms N]   (drop caches every N ms: FORGET storms)\n"
			       "       [--overlay]   (read through an overlayfs over the tree's layers)\n"
			       "       [--two-path]  (with --overlay: half the threads read the layers directly)\n"
			       "exit: 0 clean, 1 errors or integrity failures, 2 usage, 77 cannot run here\n"
			       "defaults: 4 threads, 5 s, seed 1, 50%% of picks among hot objects\n");
			return 0;
		default:
			fprintf(stderr, "stalefs workload read: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!p.root || optind != argc) {
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
static int cmd_churn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "seed", required_argument, NULL, 's' },
		{ "pause-us", required_argument, NULL, 'p' },
		{ "layer-every", required_argument, NULL, 'l' },
		{ "events", required_argument, NULL, 'e' },
		{ "no-names", no_argument, NULL, 'N' },
		{ "dir-move-every", required_argument, NULL, 'D' },
		{ "submount-every", required_argument, NULL, 'M' },
		{ "podman-every", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct churn_params p = { .seconds = 5.0, .seed = 1, .pause_us = 1000, .events_fd = -1 };
	struct churn_result r;
	char err[512];
	uint64_t v;
	int c, rc = EXIT_USAGE;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			p.root = optarg;
			break;
		case 'S':
			if (opt_seconds("churn", "seconds", optarg, &p.seconds) < 0)
				goto out;
			break;
		case 's':
			if (opt_u64("churn", "seed", optarg, 0, UINT64_MAX, &p.seed) < 0)
				goto out;
			break;
		case 'p':
			if (opt_u64("churn", "pause-us", optarg, 0, 10000000, &v) < 0)
				goto out;
			p.pause_us = v;
			break;
		case 'l':
			if (opt_seconds("churn", "layer-every", optarg, &p.layer_every_s) < 0)
				goto out;
			break;
		case 'e':
			if (opt_log_file("churn", "events", optarg, &p.events_fd) < 0)
				goto out;
			break;
		case 'N':
			p.no_names = true;
			break;
		case 'D':
			if (opt_seconds("churn", "dir-move-every", optarg, &p.dir_move_every_s) < 0)
				goto out;
			break;
		case 'M':
			if (opt_seconds("churn", "submount-every", optarg, &p.submount_every_s) < 0)
				goto out;
			break;
		case 'P':
			if (opt_seconds("churn", "podman-every", optarg, &p.podman_every_s) < 0)
				goto out;
			break;
		case 'h':
			printf("usage: stalefs workload churn --root BACKING [--seconds S] [--seed S]\n"
			       "       [--pause-us N] [--layer-every S] [--events FILE] [--no-names]\n"
			       "       [--dir-move-every S] [--submount-every S] [--podman-every S]\n"
			       "Moves checkout names to new inodes with the same bytes (relink, rename\n"
			       "over, extra links); --layer-every swaps in a recreated layer that often;\n"
			       "--events logs each change as a JSON line as it happens.\n"
			       "Other host actors, each this often: --dir-move-every exchanges twin dirs\n"
			       "(gen --twins) between parents; --submount-every bind-mounts a much-read dir\n"
			       "onto itself, then unmounts it (root); --podman-every adds and removes layers\n"
			       "and renames metadata over, as podman does. --no-names: only those actors.\n"
			       "SIGTERM/SIGINT end churn early; it unmounts and removes what it added first.\n"
			       "defaults: 5 s, seed 1, 1000 us between changes, no layer swaps, no other\n"
			       "actors, no log\n");
			rc = 0;
			goto out;
		default:
			fprintf(stderr, "stalefs workload churn: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			goto out;
		}
	}
	if (!p.root || optind != argc) {
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
	fprintf(stderr, "usage: stalefs workload gen|read|churn|storm|ostree --root DIR [...] (see --help)\n");
	return argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) ? 0 : EXIT_USAGE;
}
