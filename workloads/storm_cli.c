// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs workload storm --root DIR [--manifest F] [--queue-depth N] [--threads N]
 *                        [--seconds S | --count N] [--seed S] [--hot PCT] [--json FILE|-]
 *
 * One summary line on stderr; the JSON document (storm_json) to FILE or stdout.
 * Exit codes: 0 ran clean, 1 errors or integrity failures seen, 2 usage,
 * 77 io_uring is not available here (or stalefs was built without liburing).
 */
#include "opt.h"
#include "storm.h"

#include "build_config.h"
#include "exitcode.h"

#include <stdio.h>

#ifndef HAVE_LIBURING

int storm_cli(int argc, char **argv)
{
	fprintf(stderr, "stalefs workload storm: stalefs was built without liburing "
		"(apt-get install liburing-dev and rebuild)\n");
	return EXIT_CANNOT_RUN;
}

#else

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
	struct storm_params d;

	storm_params_default(&d);
	printf("usage: stalefs workload storm --root DIR [--manifest F] [--queue-depth N]\n"
	       "       [--threads N] [--seconds S | --count N] [--seed S] [--hot PCT]\n"
	       "       [--json FILE|-]\n"
	       "Each thread has its own io_uring; each batch is QD statx, QD openat, reads of\n"
	       "every opened file to its end (128 KiB each, less above QD 64; every byte\n"
	       "checked against the manifest), QD close. --count is batches per thread.\n"
	       "defaults: QD %u (1..%u), %u thread (1..%u), %g s, seed %llu, %u%% of picks\n"
	       "among hot objects\n"
	       "exit: 0 clean, 1 errors or mismatches, 2 usage, 77 io_uring not available\n",
	       d.queue_depth, STORM_QD_MAX, d.threads, STORM_THREADS_MAX, d.seconds,
	       (unsigned long long)d.seed, d.hot_pct);
}

int storm_cli(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "queue-depth", required_argument, NULL, 'q' },
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "hot", required_argument, NULL, 'H' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct storm_result r;	/* big: the ESTALE events */
	struct storm_params p;
	bool have_seconds = false;
	const char *json = NULL;
	FILE *jf = NULL;
	char err[512];
	uint64_t v;
	int c, ret;

	storm_params_default(&p);
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
		case 'q':
			if (opt_u64("storm", "queue-depth", optarg, 1, STORM_QD_MAX, &v) < 0)
				return EXIT_USAGE;
			p.queue_depth = v;
			break;
		case 't':
			if (opt_u64("storm", "threads", optarg, 1, STORM_THREADS_MAX, &v) < 0)
				return EXIT_USAGE;
			p.threads = v;
			break;
		case 'S':
			if (opt_seconds("storm", "seconds", optarg, &p.seconds) < 0)
				return EXIT_USAGE;
			have_seconds = true;
			break;
		case 'n':
			if (opt_u64("storm", "count", optarg, 1, UINT64_MAX, &p.count) < 0)
				return EXIT_USAGE;
			break;
		case 's':
			if (opt_u64("storm", "seed", optarg, 0, UINT64_MAX, &p.seed) < 0)
				return EXIT_USAGE;
			break;
		case 'H':
			if (opt_u64("storm", "hot", optarg, 0, 100, &v) < 0)
				return EXIT_USAGE;
			p.hot_pct = v;
			break;
		case 'j':
			json = optarg;
			break;
		case 'h':
			usage();
			return 0;
		default:
			fprintf(stderr, "stalefs workload storm: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!p.root || optind != argc) {
		fprintf(stderr, "stalefs workload storm: need --root DIR and no other arguments\n");
		return EXIT_USAGE;
	}
	if (have_seconds && p.count) {
		fprintf(stderr, "stalefs workload storm: give --seconds or --count, not both\n");
		return EXIT_USAGE;
	}
	/* Opened first, so a bad path costs no run. */
	if (json) {
		jf = strcmp(json, "-") == 0 ? stdout : fopen(json, "we");
		if (!jf) {
			fprintf(stderr, "stalefs workload storm: %s: %s\n", json, strerror(errno));
			return EXIT_USAGE;
		}
	}
	ret = storm_run(&p, &r, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "stalefs workload storm: %s\n", err);
		if (jf && jf != stdout)
			fclose(jf);
		if (ret == STORM_NO_IO_URING)
			return EXIT_CANNOT_RUN;
		/* Bad root or manifest: usage; otherwise the run itself failed. */
		return ret == -ENOMEM || ret == -EIO || ret == -EAGAIN ? 1 : EXIT_USAGE;
	}
	storm_summary(&p, &r, stderr);
	ret = storm_errors(&r) || r.mismatches ? 1 : 0;
	if (jf) {
		storm_json(&p, &r, jf);
		bool bad = fflush(jf) != 0 || ferror(jf);

		if (jf != stdout && fclose(jf) != 0)
			bad = true;
		if (bad) {
			fprintf(stderr, "stalefs workload storm: writing %s: %s\n", json,
				strerror(errno));
			ret = 2;
		}
	}
	storm_result_free(&r);
	return ret;
}

#endif /* HAVE_LIBURING */
