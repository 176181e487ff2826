// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs: the one command users meet. argv[1] names a subcommand; each
 * subcommand lives with the part it drives and gets argv from its name on:
 * `mount` is the daemon (passthrough/, linked in), `workload` the workloads,
 * the rest the harness. See the README's layout section.
 */
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "cli.h"
#include "ctl_cli.h"
#include "doctor.h"
#include "exitcode.h"
#include "mount.h"
#include "pinpoint.h"
#include "profiles_cli.h"
#include "report.h"
#include "run_cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "mount", mount_main, "run the passthrough daemon on a mountpoint" },
	{ "ctl", ctl_main, "talk to a daemon's control socket (faults, stats, store)" },
	{ "workload", workload_main, "the ostree-like tree (gen) and the workloads: read, storm, ostree, churn" },
	{ "run", run_main, "run one cell: mode, privilege, cache, faults, workload; count ESTALE" },
	{ "matrix", matrix_main, "run the cells of the axes given (--modes, --profiles, ...)" },
	{ "compare", compare_main, "the same cells against the real virtiofsd in a QEMU guest" },
	{ "pinpoint", pinpoint_main, "the experiments that settle bcvk #157, each against a control" },
	{ "profiles", profiles_main, "the fault profiles --profile NAME finds, or one profile's rules" },
	{ "report", report_main, "merge harness cell files into a text/markdown/junit/json report" },
	{ "doctor", doctor_main, "what this machine can run and why not (--json)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: stalefs COMMAND [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "  %-10s %s\n", "version", "print the version");
	fprintf(f, "\n`stalefs COMMAND --help` describes each command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "stalefs: no command (try stalefs --help)\n");
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("stalefs %s\n", STALEFS_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "stalefs: unknown command '%s' (try stalefs --help)\n", argv[1]);
	return EXIT_USAGE;
}
