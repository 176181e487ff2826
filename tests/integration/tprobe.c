// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tprobe: small syscall probes that the shell tests cannot make.
 *
 *   tprobe hold-fstat PATH   open PATH with O_PATH (no FUSE OPEN), print
 *                            "ready"; for every line on stdin fstat the fd
 *                            and print "ok INO NLINK" or the errno name
 *                            (ESTALE, ...): an fd operation, so the VFS does
 *                            not retry it.
 *   tprobe hold-read PATH    the same with an O_RDONLY fd; each line does
 *                            pread (first 64 bytes) and prints "ok BYTES".
 *   tprobe errno OP PATH     run one call (stat, lstat, open, readlink) and
 *                            print "ok" or the errno name.
 *
 * Exit codes: 0 probe ran (whatever it printed), 2 usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "errname.h"

static const char *ename(int e)
{
	static char buf[16];	/* single-threaded */

	return errname(e, buf, sizeof(buf));
}

static int hold(const char *path, bool do_read)
{
	char line[64], buf[64];
	struct stat st;
	ssize_t n;
	int fd = open(path, (do_read ? O_RDONLY : O_PATH) | O_CLOEXEC);

	if (fd < 0) {
		printf("open %s\n", ename(errno));
		return 0;
	}
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		if (do_read) {
			n = pread(fd, buf, sizeof(buf), 0);
			if (n < 0)
				printf("%s\n", ename(errno));
			else
				printf("ok %zd\n", n);
		} else if (fstat(fd, &st) < 0) {
			printf("%s\n", ename(errno));
		} else {
			printf("ok %llu %llu\n", (unsigned long long)st.st_ino,
			       (unsigned long long)st.st_nlink);
		}
		fflush(stdout);
	}
	close(fd);
	return 0;
}

static int one_call(const char *op, const char *path)
{
	struct stat st;
	char buf[4096];
	int ret, fd;

	if (strcmp(op, "stat") == 0)
		ret = stat(path, &st);
	else if (strcmp(op, "lstat") == 0)
		ret = lstat(path, &st);
	else if (strcmp(op, "readlink") == 0)
		ret = readlink(path, buf, sizeof(buf)) < 0 ? -1 : 0;
	else if (strcmp(op, "open") == 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ret = fd < 0 ? -1 : close(fd);
	} else {
		fprintf(stderr, "tprobe: unknown op '%s'\n", op);
		return 2;
	}
	printf("%s\n", ret < 0 ? ename(errno) : "ok");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "hold-fstat") == 0)
		return hold(argv[2], false);
	if (argc == 3 && strcmp(argv[1], "hold-read") == 0)
		return hold(argv[2], true);
	if (argc == 4 && strcmp(argv[1], "errno") == 0)
		return one_call(argv[2], argv[3]);
	fprintf(stderr, "usage: tprobe hold-fstat PATH | hold-read PATH | errno OP PATH\n");
	return 2;
}
