// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * benchwalk: the timed loops of the benchmark, kept in C so that process
 * start-up does not count. Each prints "SECONDS COUNT" on stdout.
 *
 *   benchwalk stat ROOT LIST      stat ROOT/<line> for every line of LIST
 *   benchwalk lsl DIR             readdir DIR and lstat every entry (ls -l)
 *   benchwalk read FILE           read FILE sequentially in 1 MiB chunks
 *   benchwalk links DIR N         (setup) hardlink DIR/obj as DIR/l2 .. DIR/lN
 *
 * Exit codes: 0 ok, 1 a call failed (named on stderr), 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int walk_stat(const char *root, const char *list)
{
	FILE *f = fopen(list, "re");
	char line[4096], path[8192];
	unsigned long n = 0;
	struct stat st;
	double t0;
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (!f || rootfd < 0) {
		fprintf(stderr, "benchwalk: %s: %s\n", f ? root : list, strerror(errno));
		return 1;
	}
	t0 = now();
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s", line);
		if (fstatat(rootfd, path, &st, 0) < 0) {
			fprintf(stderr, "benchwalk: stat %s: %s\n", path, strerror(errno));
			return 1;
		}
		n++;
	}
	printf("%.6f %lu\n", now() - t0, n);
	fclose(f);
	close(rootfd);
	return 0;
}

static int walk_lsl(const char *dir)
{
	unsigned long n = 0;
	struct dirent *de;
	struct stat st;
	double t0 = now();
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "benchwalk: opendir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			fprintf(stderr, "benchwalk: lstat %s: %s\n", de->d_name, strerror(errno));
			return 1;
		}
		n++;
	}
	closedir(d);
	printf("%.6f %lu\n", now() - t0, n);
	return 0;
}

static int walk_read(const char *file)
{
	size_t len = 1 << 20;
	char *buf = malloc(len);
	unsigned long long total = 0;
	double t0 = now();
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0 || !buf) {
		fprintf(stderr, "benchwalk: open %s: %s\n", file, strerror(errno));
		return 1;
	}
	while ((r = read(fd, buf, len)) > 0)
		total += r;
	if (r < 0) {
		fprintf(stderr, "benchwalk: read %s: %s\n", file, strerror(errno));
		return 1;
	}
	printf("%.6f %llu\n", now() - t0, total);
	close(fd);
	free(buf);
	return 0;
}

static int make_links(const char *dir, long n)
{
	char name[32];
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "benchwalk: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (long i = 2; i <= n; i++) {
		snprintf(name, sizeof(name), "l%ld", i);
		if (linkat(fd, "obj", fd, name, 0) < 0) {
			fprintf(stderr, "benchwalk: link %s/%s: %s\n", dir, name, strerror(errno));
			return 1;
		}
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "stat") == 0)
		return walk_stat(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "lsl") == 0)
		return walk_lsl(argv[2]);
	if (argc == 3 && strcmp(argv[1], "read") == 0)
		return walk_read(argv[2]);
	if (argc == 4 && strcmp(argv[1], "links") == 0)
		return make_links(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: benchwalk stat ROOT LIST | lsl DIR | read FILE | links DIR N\n");
	return 2;
}
