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
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "build_config.h"
#include "config.h"
#include "daemon.h"
#include "unixaddr.h"
#include "doctor.h"
#include "cli.h"
#include "log.h"
#include "pinpoint.h"
#include "report.h"
#include "run_cli.h"

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

/*
 * stalefs ctl SOCKET COMMAND...: send one command line to a daemon's
 * control socket, print the reply. Exit 0 on "ok", 1 on "error", 2 usage.
 */
static int cmd_ctl(int argc, char **argv)
{
	struct sockaddr_un sa;
	char line[2048] = "", buf[4096], *last = NULL;
	size_t used = 0, have = 0;
	ssize_t n;
	int fd, ret = 1, dirfd;

	if (argc < 3 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 3 ? stderr : stdout,
			"usage: stalefs ctl SOCKET COMMAND\n"
			"commands: add RULE | list | clear | fire KIND[:key=value,...] | stats | store | reload\n");
		return argc < 3 ? EXIT_USAGE : 0;
	}
	for (int i = 2; i < argc; i++)
		used += snprintf(line + used, sizeof(line) - used, "%s%s", i > 2 ? " " : "", argv[i]);
	if (used >= sizeof(line) - 1) {
		fprintf(stderr, "stalefs ctl: command too long\n");
		return EXIT_USAGE;
	}
	line[used++] = '\n';
	ret = unixaddr_make(&sa, argv[1], &dirfd);
	if (ret < 0) {
		fprintf(stderr, "stalefs ctl: %s: %s\n", argv[1], strerror(-ret));
		return EXIT_USAGE;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* A daemon that is not there (yet) is a failure, not bad input. */
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "stalefs ctl: %s: %s\n", argv[1], strerror(errno));
		if (dirfd >= 0)
			close(dirfd);
		if (fd >= 0)
			close(fd);
		return EXIT_FAIL;
	}
	if (dirfd >= 0)
		close(dirfd);
	ret = 1;
	if (write(fd, line, used) != (ssize_t)used) {
		fprintf(stderr, "stalefs ctl: %s: %s\n", argv[1], strerror(errno));
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	/* Print every line but the last; the last says ok or error. */
	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *p = buf, *nl;

		have += n;
		buf[have] = '\0';
		while ((nl = strchr(p, '\n')) && nl[1]) {
			fwrite(p, 1, nl + 1 - p, stdout);
			p = nl + 1;
		}
		have -= p - buf;
		memmove(buf, p, have + 1);
		if (have == sizeof(buf) - 1) {	/* a very long line: pass it on */
			fwrite(buf, 1, have, stdout);
			have = 0;
		}
	}
	close(fd);
	buf[have] = '\0';
	last = buf;
	last[strcspn(last, "\n")] = '\0';
	if (strncmp(last, "ok", 2) == 0) {
		if (last[2])
			printf("%s\n", last + 3);
		ret = 0;
	} else {
		fprintf(stderr, "stalefs ctl: %s\n", last[0] ? last : "no reply");
	}
	return ret;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "mount", cmd_mount, "run the passthrough daemon on a mountpoint" },
	{ "ctl", cmd_ctl, "talk to a daemon's control socket (faults, stats, store)" },
	{ "workload", workload_main, "the ostree-like tree (gen) and the workloads: read, storm, ostree, churn" },
	{ "run", run_main, "run one cell: mode, privilege, cache, faults, workload; count ESTALE" },
	{ "matrix", matrix_main, "run the cells of the axes given (--modes, --profiles, ...)" },
	{ "compare", compare_main, "the same cells against the real virtiofsd in a QEMU guest" },
	{ "pinpoint", pinpoint_main, "the experiments that settle bcvk #157, each against a control" },
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
