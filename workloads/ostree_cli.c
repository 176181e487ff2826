// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs workload ostree --root DIR [--mode MODE] [--objects N] [--max-links N]
 *                         [--seed S] [--checkouts N] [--rounds N] [--ostree PATH]
 *                         [--force] [--cleanup] [--json FILE]
 *
 * Prints a summary on stderr and, with --json, the result document.
 * Exit codes: 0 clean, 1 a step failed or errors/mismatches seen, 2 usage,
 * 77 the ostree command is not installed.
 */
#include "ostree.h"
#include "exitcode.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "opts.h"

enum { T_ROOT = 1, T_MODE, T_OBJECTS, T_MAX_LINKS, T_SEED, T_CHECKOUTS, T_ROUNDS, T_OSTREE,
       T_FORCE, T_CLEANUP, T_JSON };

/* The defaults shown are ostreewl_params_default's. */
static const struct opt ostree_opts[] = {
	{ T_ROOT, "root", OPT_STR, "DIR", NULL, .help = "where the repo and checkouts go, in DIR/stalefs-ostree (required)" },
	{ T_MODE, "mode", OPT_CHOICE, "MODE", "bare-user", .choices = "bare|bare-user|bare-user-only|archive",
	  .help = "the repo mode (bare-user needs user xattrs: stalefs mount --xattr)" },
	{ T_OBJECTS, "objects", OPT_U64, "N", "200", .min = 1, .max = 1000000, .help = "content objects" },
	{ T_MAX_LINKS, "max-links", OPT_U64, "N", "50", .min = 1, .max = 65000,
	  .help = "hardlinks of the most-linked object" },
	{ T_SEED, "seed", OPT_U64, "S", "1", .help = "the generator's seed" },
	{ T_CHECKOUTS, "checkouts", OPT_U64, "N", "3", .min = 1, .max = 1000, .help = "checkout -H runs per round" },
	{ T_ROUNDS, "rounds", OPT_U64, "N", "1", .min = 1, .max = 100000, .help = "rounds of commit and checkouts" },
	{ T_OSTREE, "ostree", OPT_STR, "PATH", "ostree from $PATH", .help = "the ostree command" },
	{ T_FORCE, "force", OPT_FLAG, .help = "remove an existing DIR/stalefs-ostree first" },
	{ T_CLEANUP, "cleanup", OPT_FLAG, .help = "remove DIR/stalefs-ostree at the end" },
	{ T_JSON, "json", OPT_STR, "FILE", NULL, .help = "write the result as JSON (- for stdout)" },
};

int ostree_cli(int argc, char **argv)
{
	static struct ostreewl_result r;
	struct ostreewl_params p;
	const char *json = NULL;
	FILE *jf = NULL;
	struct opts o;
	char err[512];
	int id, ret, npos;

	ostreewl_params_default(&p);
	if (opts_init(&o, "stalefs workload ostree", ostree_opts,
		      sizeof(ostree_opts) / sizeof(ostree_opts[0]), argc, argv) < 0)
		return EXIT_INTERNAL;
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case T_ROOT:
			p.root = o.arg;
			break;
		case T_MODE:
			ret = ostreewl_mode_parse(o.arg);
			if (ret < 0) {
				id = opts_bad(&o, "bare|bare-user|bare-user-only|archive");
				goto parsed;
			}
			p.mode = ret;
			break;
		case T_OBJECTS:
			p.objects = o.u;
			break;
		case T_MAX_LINKS:
			p.max_links = o.u;
			break;
		case T_SEED:
			p.seed = o.u;
			break;
		case T_CHECKOUTS:
			p.checkouts = o.u;
			break;
		case T_ROUNDS:
			p.rounds = o.u;
			break;
		case T_OSTREE:
			p.ostree = o.arg;
			break;
		case T_FORCE:
			p.force = true;
			break;
		case T_CLEANUP:
			p.cleanup = true;
			break;
		case T_JSON:
			json = o.arg;
			break;
		}
	}
parsed:
	npos = argc - o.optind;
	ret = opts_finish(&o, id, "stalefs workload ostree --root DIR [options]",
			  "Runs ostree init, commit, checkout -H (N per round) and fsck in\n"
			  "DIR/stalefs-ostree, then checks every checked-out byte.\n"
			  "exit: 0 clean, 1 a step failed or errors/mismatches seen, 2 usage, 77 no ostree");
	opts_fini(&o);
	if (ret >= 0)
		return ret;
	if (!p.root || npos) {
		fprintf(stderr, "stalefs workload ostree: need --root DIR and no other arguments\n");
		return EXIT_USAGE;
	}
	if (json) {
		jf = strcmp(json, "-") == 0 ? stdout : fopen(json, "we");
		if (!jf) {
			fprintf(stderr, "stalefs workload ostree: %s: %s\n", json, strerror(errno));
			return EXIT_USAGE;
		}
	}
	ret = ostreewl_run(&p, &r, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "stalefs workload ostree: %s\n", err);
		if (jf && jf != stdout)
			fclose(jf);
		if (r.not_installed)
			return EXIT_CANNOT_RUN;
		return ret == -EINVAL || ret == -EEXIST || ret == -ENOENT || ret == -ENOTDIR ? 2 : 1;
	}
	ostreewl_summary(&r, stderr);
	ret = ostreewl_failed(&r) ? 1 : 0;
	if (jf) {
		ostreewl_json(&p, &r, jf);
		if (jf != stdout && fclose(jf) != 0) {
			fprintf(stderr, "stalefs workload ostree: %s: %s\n", json, strerror(errno));
			ret = 2;
		}
	}
	ostreewl_result_free(&r);
	return ret;
}
