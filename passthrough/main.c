// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs: the one command users meet. argv[1] names a subcommand; each
 * subcommand lives in its own library and gets argv from its name on.
 *
 *   stalefs mount --shared-dir=/srv/tree /mnt/tree
 *   stalefs mount --shared-dir=/srv/tree --inode-file-handles=prefer --unprivileged -f /mnt/t
 *
 * Exit codes: 0 ok, 1 failure, 2 bad input.
 */
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "config.h"
#include "daemon.h"
#include "log.h"

static int cmd_mount(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int ret;

	log_set_prog("stalefs mount");
	ret = config_parse(&cfg, argc, argv, err, sizeof(err));
	if (ret == CONFIG_HELP)
		return 0;
	if (ret == 0)
		ret = config_check_paths(&cfg, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "stalefs mount: %s\n", err);
		return EXIT_USAGE;
	}
	return daemon_run(&cfg);
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "mount", cmd_mount, "run the passthrough daemon on a mountpoint" },
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
		usage(stderr);
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
