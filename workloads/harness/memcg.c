// SPDX-License-Identifier: GPL-2.0-or-later
/* A squeezed memory cgroup for the readers; see memcg.h. */
#include "memcg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "errmsg.h"

#define V1_ROOT "/sys/fs/cgroup/memory"
#define V2_ROOT "/sys/fs/cgroup"

static int write_text(const char *dir, const char *file, const char *text)
{
	char path[800];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* A file's first number (0 when unreadable). */
static uint64_t read_u64(const char *dir, const char *file)
{
	char path[800], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

/* The value of "key N" in a flat keyed file (v2 memory.events). */
static uint64_t read_key(const char *dir, const char *file, const char *key)
{
	char path[800], line[128];
	uint64_t v = 0;
	size_t k = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, k) == 0 && line[k] == ' ')
			v = strtoull(line + k + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Our own group in a hierarchy: the v1 "memory" line or the v2 "0::" line
 * of /proc/self/cgroup, joined to its mount. */
static int own_group(int v2, char *out, size_t len)
{
	char line[600];
	int found = -ENOENT;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return -errno;
	while (found && fgets(line, sizeof(line), f)) {
		char *path = NULL;

		line[strcspn(line, "\n")] = '\0';
		if (v2 && strncmp(line, "0::", 3) == 0)
			path = line + 3;
		else if (!v2 && strstr(line, ":memory:"))
			path = strstr(line, ":memory:") + 8;
		if (path && (size_t)snprintf(out, len, "%s%s", v2 ? V2_ROOT : V1_ROOT,
					     strcmp(path, "/") ? path : "") < len)
			found = 0;
	}
	fclose(f);
	return found;
}

/* Remove stalefs-<pid>-* groups whose harness is gone. */
static void sweep(const char *parent)
{
	char dir[800];
	struct dirent *de;
	DIR *d = opendir(parent);

	if (!d)
		return;
	while ((de = readdir(d))) {
		long pid;

		if (strncmp(de->d_name, "stalefs-", 8) != 0)
			continue;
		pid = strtol(de->d_name + 8, NULL, 10);
		if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", parent, de->d_name);
		rmdir(dir);	/* fails, harmlessly, while processes are still in it */
	}
	closedir(d);
}

int memcg_create(struct memcg *m, uint64_t floor_bytes, char *err, size_t errlen)
{
	static unsigned int serial;
	struct stat st;
	int ret;

	memset(m, 0, sizeof(*m));
	m->floor = floor_bytes;
	if (stat(V1_ROOT "/memory.limit_in_bytes", &st) == 0) {
		m->v2 = 0;
	} else if (stat(V2_ROOT "/cgroup.controllers", &st) == 0) {
		m->v2 = 1;
	} else {
		return errmsg(err, errlen, -ENOTSUP, "no memory cgroup controller (neither %s nor %s)",
			      V1_ROOT, V2_ROOT "/cgroup.controllers");
	}
	ret = own_group(m->v2, m->parent, sizeof(m->parent));
	if (ret < 0)
		return errmsg(err, errlen, -ENOTSUP, "our own memory cgroup: %s", strerror(-ret));
	sweep(m->parent);
	if (m->v2)	/* the parent must hand the memory controller down */
		write_text(m->parent, "cgroup.subtree_control", "+memory");
	if ((size_t)snprintf(m->dir, sizeof(m->dir), "%s/stalefs-%d-%u", m->parent, (int)getpid(),
			     serial++) >= sizeof(m->dir))
		return errmsg(err, errlen, -ENAMETOOLONG, "our memory cgroup's path is too long");
	if (mkdir(m->dir, 0755) < 0) {
		ret = -errno;
		m->dir[0] = '\0';
		return errmsg(err, errlen, ret == -EACCES || ret == -EPERM || ret == -EROFS ? -ENOTSUP : ret,
			      "a memory cgroup under %s: %s", m->parent, strerror(-ret));
	}
	char high[600];

	snprintf(high, sizeof(high), "%s/memory.high", m->dir);
	if (m->v2 && stat(high, &st) < 0) {
		memcg_destroy(m);
		return errmsg(err, errlen, -ENOTSUP, "cgroup v2 without the memory controller under %s",
			      m->parent);
	}
	return 0;
}

int memcg_add(struct memcg *m, pid_t pid)
{
	char buf[24];

	if (!m->dir[0])
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return write_text(m->dir, "cgroup.procs", buf);
}

void memcg_squeeze(struct memcg *m, unsigned int pct)
{
	const char *knob = m->v2 ? "memory.high" : "memory.limit_in_bytes";
	const char *usage = m->v2 ? "memory.current" : "memory.usage_in_bytes";
	uint64_t use, want, after;
	char buf[32];

	if (!m->dir[0])
		return;
	use = read_u64(m->dir, usage);
	if (use > m->peak)
		m->peak = use;
	want = use / 100 * pct;
	if (want < m->floor)
		return;		/* too little to squeeze */
	want &= ~(uint64_t)4095;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)want);
	/* The write reclaims down to the limit (v1 answers EBUSY when it
	 * cannot); the limit is lifted right after, so no reader is OOM-killed. */
	if (write_text(m->dir, knob, buf) == 0)
		m->squeezes++;
	after = read_u64(m->dir, usage);
	if (after < use)
		m->reclaimed += use - after;
	write_text(m->dir, knob, m->v2 ? "max" : "-1");
}

uint64_t memcg_hits(const struct memcg *m)
{
	if (!m->dir[0])
		return 0;
	return m->v2 ? read_key(m->dir, "memory.events", "high") : read_u64(m->dir, "memory.failcnt");
}

void memcg_destroy(struct memcg *m)
{
	char path[800], line[32];
	FILE *f;

	if (!m->dir[0])
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", m->dir);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		write_text(m->parent, "cgroup.procs", line);
	}
	if (f)
		fclose(f);
	rmdir(m->dir);
	m->dir[0] = '\0';
}
