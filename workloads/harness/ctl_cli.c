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
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "exitcode.h"
#include "unixaddr.h"

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
	int fd, ret = 1, dirfd;

	bool help = argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);

	if (argc < 3 || help) {
		fprintf(help ? stdout : stderr,
			"usage: stalefs ctl SOCKET COMMAND\n"
			"commands: add RULE | list | clear | fire KIND[:key=value,...] | stats | store | reload\n");
		return help ? EXIT_OK : EXIT_USAGE;
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

