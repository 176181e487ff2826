// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs workload storm --root DIR [--manifest F] [--queue-depth N] [--threads N]
 *                        [--seconds S | --count N] [--seed S] [--hot PCT] [--json FILE|-]
 *
 * One summary line on stderr; the JSON document (storm_json) to FILE or stdout.
 * Exit codes: 0 ran clean, 1 errors or integrity failures seen, 2 usage,
 * 77 io_uring is not available here (or stalefs was built without liburing).
 */
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

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "opts.h"

enum { S_ROOT = 1, S_MANIFEST, S_QD, S_THREADS, S_SECONDS, S_COUNT, S_SEED, S_HOT, S_JSON };

/* The defaults shown are storm_params_default's. */
static const struct opt storm_opts[] = {
	{ S_ROOT, "root", OPT_STR, "DIR", NULL, .help = "the tree to read (required)" },
	{ S_MANIFEST, "manifest", OPT_STR, "F", "ROOT/manifest", .help = "the tree's manifest" },
	{ S_QD, "queue-depth", OPT_U64, "N", "32", .min = 1, .max = STORM_QD_MAX,
	  .help = "requests in flight per ring, QD" },
	{ S_THREADS, "threads", OPT_U64, "N", "1", .min = 1, .max = STORM_THREADS_MAX,
	  .help = "threads, each with its own io_uring" },
	{ S_SECONDS, "seconds", OPT_DOUBLE, "S", "5", .help = "how long to read" },
	{ S_COUNT, "count", OPT_U64, "N", NULL, .min = 1, .help = "stop after N batches per thread instead" },
	{ S_SEED, "seed", OPT_U64, "S", "1", .help = "the pick order's seed" },
	{ S_HOT, "hot", OPT_U64, "PCT", "50", .max = 100, .help = "picks among the hot (most-linked) objects" },
	{ S_JSON, "json", OPT_STR, "FILE", NULL, .help = "write the result as JSON (- for stdout)" },
};

int storm_cli(int argc, char **argv)
{
	static struct storm_result r;	/* big: the ESTALE events */
	struct storm_params p;
	bool have_seconds = false;
	const char *json = NULL;
	FILE *jf = NULL;
	struct opts o;
	char err[512];
	int id, ret, npos;

	storm_params_default(&p);
	if (opts_init(&o, "stalefs workload storm", storm_opts,
		      sizeof(storm_opts) / sizeof(storm_opts[0]), argc, argv) < 0)
		return EXIT_INTERNAL;
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case S_ROOT:
			p.root = o.arg;
			break;
		case S_MANIFEST:
			p.manifest = o.arg;
			break;
		case S_QD:
			p.queue_depth = o.u;
			break;
		case S_THREADS:
			p.threads = o.u;
			break;
		case S_SECONDS:
			p.seconds = o.d;
			have_seconds = true;
			break;
		case S_COUNT:
			p.count = o.u;
			break;
		case S_SEED:
			p.seed = o.u;
			break;
		case S_HOT:
			p.hot_pct = o.u;
			break;
		case S_JSON:
			json = o.arg;
			break;
		}
	}
	npos = argc - o.optind;
	ret = opts_finish(&o, id, "stalefs workload storm --root DIR [options]",
			  "Each thread has its own io_uring; each batch is QD statx, QD openat, reads of\n"
			  "every opened file to its end (128 KiB each, less above QD 64; every byte\n"
			  "checked against the manifest), QD close. --count is batches per thread;\n"
			  "give --seconds or --count, not both.\n"
			  "exit: 0 clean, 1 errors or mismatches, 2 usage, 77 io_uring not available");
	opts_fini(&o);
	if (ret >= 0)
		return ret;
	if (!p.root || npos) {
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
