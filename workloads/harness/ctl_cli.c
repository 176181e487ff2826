// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control-socket client. The protocol (one command line in, reply lines
 * out, the last one "ok[ text]" or "error text") is the daemon's, in
 * passthrough/ctl.c; this side only sends and prints.
 */
#include "ctl_cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "exitcode.h"
#include "opts.h"
#include "unixaddr.h"

/* What the daemon answers to (passthrough/ctl.c); this table is the help. A
 * word not in it is still sent: the daemon's "error" reply says why. */
static const struct {
	const char *usage;
	const char *help;
} ctl_commands[] = {
	{ "add RULE", "add a fault rule (stalefs-rules(5)); prints \"rule N\", its id" },
	{ "list", "the rules, one JSON object a line: id, kind, rule, matched, fired" },
	{ "clear", "remove every rule" },
	{ "fire KIND[:key=value,...]", "fire now: restart, rebind, silly-cleanup, evict (nodeid=N), kernel-evict act "
	  "at once; any other kind becomes a rule that fires once, on the next matching request" },
	{ "stats", "the daemon's stats document (JSON, as --stats writes it)" },
	{ "store", "the inode store, one JSON object per entry" },
	{ "reload", "re-resolve the shared dir's root (after a rebind fault), from the same path" },
};

static const char ctl_synopsis[] = "stalefs ctl [-h] SOCKET COMMAND [ARG...]";

#define CTL_COL 28
#define CTL_WIDTH 120

/* The description and the commands, one a line, wrapped at CTL_WIDTH. */
static void ctl_about(FILE *f)
{
	fprintf(f, "Send one command line to the control socket of a daemon started with --control SOCKET\n"
		"and print its reply.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(ctl_commands) / sizeof(ctl_commands[0]); i++) {
		const char *p = ctl_commands[i].help;
		int col = 2 + (int)strlen(ctl_commands[i].usage);

		fprintf(f, "  %s", ctl_commands[i].usage);
		if (col >= CTL_COL - 1) {
			fputc('\n', f);
			col = 0;
		}
		fprintf(f, "%*s", CTL_COL - col, "");
		while (*p) {
			size_t room = CTL_WIDTH - CTL_COL, n = strlen(p);

			if (n > room) {
				n = room;
				while (n && p[n] != ' ')
					n--;
				if (!n)
					n = room;
			}
			fprintf(f, "%.*s\n", (int)n, p);
			p += n;
			p += strspn(p, " ");
			if (*p)
				fprintf(f, "%*s", CTL_COL, "");
		}
	}
	fprintf(f, "\nexit status: 0 the reply was \"ok\", 1 it was \"error\" (also: an unknown command) or no daemon\n"
		"answers at SOCKET, 2 bad usage.\n");
}

/* -1: go on with argv[*first] as SOCKET; else the exit code. */
static int ctl_options(int argc, char **argv, int *first)
{
	char *about = NULL;
	size_t about_len = 0;
	struct opts o;
	FILE *m;
	int n = 1, id, ret;

	/* Options (only -h/--help) come before SOCKET: the words after it are
	 * the command line sent, whatever they look like. */
	while (n < argc && argv[n][0] == '-' && argv[n][1] && strcmp(argv[n], "--") != 0)
		n++;
	if (opts_init(&o, "stalefs ctl", NULL, 0, n, argv) < 0) {
		fprintf(stderr, "stalefs ctl: %s\n", strerror(ENOMEM));
		return EXIT_INTERNAL;
	}
	while ((id = opts_next(&o)) > 0)
		;
	m = open_memstream(&about, &about_len);
	if (m) {
		ctl_about(m);
		fclose(m);
	}
	ret = opts_finish(&o, id, ctl_synopsis, about ? about : "");
	free(about);
	opts_fini(&o);
	if (ret >= 0)
		return ret;
	if (n < argc && strcmp(argv[n], "--") == 0)
		n++;
	if (argc - n < 2) {
		fprintf(stderr, "stalefs ctl: %s (usage: %s)\n", argc - n ? "no COMMAND" : "no SOCKET",
			ctl_synopsis);
		return EXIT_USAGE;
	}
	*first = n;
	return -1;
}

/*
 * stalefs ctl SOCKET COMMAND...: send one command line to a daemon's
 * control socket, print the reply. Exit 0 on "ok", 1 on "error", 2 usage.
 */
int ctl_main(int argc, char **argv)
{
	struct sockaddr_un sa;
	char line[2048] = "", buf[4096], *last = NULL;
	size_t used = 0, have = 0;
	ssize_t n;
	int fd, ret = 1, dirfd, first;

	ret = ctl_options(argc, argv, &first);
	if (ret >= 0)
		return ret;
	argc -= first - 1;
	argv += first - 1;
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

