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
#include "opt.h"
#include "ostree.h"
#include "exitcode.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int ostree_cli(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "mode", required_argument, NULL, 'm' },
		{ "objects", required_argument, NULL, 'o' },
		{ "max-links", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "checkouts", required_argument, NULL, 'c' },
		{ "rounds", required_argument, NULL, 'R' },
		{ "ostree", required_argument, NULL, 'O' },
		{ "force", no_argument, NULL, 'f' },
		{ "cleanup", no_argument, NULL, 'C' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct ostreewl_result r;
	struct ostreewl_params p;
	const char *json = NULL;
	FILE *jf = NULL;
	char err[512];
	uint64_t v;
	int c, ret;

	ostreewl_params_default(&p);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			p.root = optarg;
			break;
		case 'm':
			ret = ostreewl_mode_parse(optarg);
			if (ret < 0) {
				fprintf(stderr, "stalefs workload ostree: bad --mode '%s' "
					"(bare|bare-user|bare-user-only|archive)\n", optarg);
				return EXIT_USAGE;
			}
			p.mode = ret;
			break;
		case 'o':
			if (opt_u64("ostree", "objects", optarg, 1, 1000000, &p.objects) < 0)
				return EXIT_USAGE;
			break;
		case 'l':
			if (opt_u64("ostree", "max-links", optarg, 1, 65000, &v) < 0)
				return EXIT_USAGE;
			p.max_links = v;
			break;
		case 's':
			if (opt_u64("ostree", "seed", optarg, 0, UINT64_MAX, &p.seed) < 0)
				return EXIT_USAGE;
			break;
		case 'c':
			if (opt_u64("ostree", "checkouts", optarg, 1, 1000, &v) < 0)
				return EXIT_USAGE;
			p.checkouts = v;
			break;
		case 'R':
			if (opt_u64("ostree", "rounds", optarg, 1, 100000, &v) < 0)
				return EXIT_USAGE;
			p.rounds = v;
			break;
		case 'O':
			p.ostree = optarg;
			break;
		case 'f':
			p.force = true;
			break;
		case 'C':
			p.cleanup = true;
			break;
		case 'j':
			json = optarg;
			break;
		case 'h':
			printf("usage: stalefs workload ostree --root DIR [--mode MODE] [--objects N]\n"
			       "       [--max-links N] [--seed S] [--checkouts N] [--rounds N]\n"
			       "       [--ostree PATH] [--force] [--cleanup] [--json FILE]\n"
			       "Runs ostree init, commit, checkout -H (N per round) and fsck in\n"
			       "DIR/stalefs-ostree, then checks every checked-out byte.\n"
			       "  --mode     bare|bare-user|bare-user-only|archive (bare-user needs\n"
			       "             user xattrs: stalefs mount --xattr)\n"
			       "  --force    remove an existing DIR/stalefs-ostree first\n"
			       "  --cleanup  remove DIR/stalefs-ostree at the end\n"
			       "defaults: mode bare-user, objects 200, max-links 50, seed 1,\n"
			       "          checkouts 3, rounds 1, ostree from PATH\n");
			return 0;
		default:
			fprintf(stderr, "stalefs workload ostree: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!p.root || optind != argc) {
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
