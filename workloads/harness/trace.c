// SPDX-License-Identifier: GPL-2.0-or-later
/* FUSE tracepoints in a private tracefs instance; see trace.h. */
#include "trace.h"


#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "textfile.h"

static const char *const tracefs_roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static const char *const op_names[TRACE_OPS] = {
	[1] = "LOOKUP", [2] = "FORGET", [3] = "GETATTR", [4] = "SETATTR", [5] = "READLINK",
	[6] = "SYMLINK", [8] = "MKNOD", [9] = "MKDIR", [10] = "UNLINK", [11] = "RMDIR",
	[12] = "RENAME", [13] = "LINK", [14] = "OPEN", [15] = "READ", [16] = "WRITE",
	[17] = "STATFS", [18] = "RELEASE", [20] = "FSYNC", [21] = "SETXATTR", [22] = "GETXATTR",
	[23] = "LISTXATTR", [24] = "REMOVEXATTR", [25] = "FLUSH", [26] = "INIT", [27] = "OPENDIR",
	[28] = "READDIR", [29] = "RELEASEDIR", [30] = "FSYNCDIR", [31] = "GETLK", [32] = "SETLK",
	[33] = "SETLKW", [34] = "ACCESS", [35] = "CREATE", [36] = "INTERRUPT", [37] = "BMAP",
	[38] = "DESTROY", [39] = "IOCTL", [40] = "POLL", [41] = "NOTIFY_REPLY",
	[42] = "BATCH_FORGET", [43] = "FALLOCATE", [44] = "READDIRPLUS", [45] = "RENAME2",
	[46] = "LSEEK", [47] = "COPY_FILE_RANGE", [48] = "SETUPMAPPING", [49] = "REMOVEMAPPING",
	[50] = "SYNCFS", [51] = "TMPFILE", [52] = "STATX",
};

const char *trace_op_name(unsigned int opcode)
{
	return opcode < TRACE_OPS ? op_names[opcode] : NULL;
}

static int put(const char *dir, const char *file, const char *value)
{
	char path[512];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Instances of harnesses that were killed (SIGKILL cannot remove them):
 * stalefs-PID-N whose PID is gone. */
static void sweep_instances(const char *root)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/instances", root);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		int pid;

		if (sscanf(de->d_name, "stalefs-%d-", &pid) != 1 || pid <= 0 ||
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/instances/%s", root, de->d_name);
		put(path, "tracing_on", "0");
		rmdir(path);
	}
	if (d)
		closedir(d);
}

int trace_start(struct trace *t, char *why, size_t whylen)
{
	static unsigned int serial;
	const char *root = NULL;
	char path[512], pid[32];
	int ret;

	t->dir[0] = '\0';
	for (size_t i = 0; i < sizeof(tracefs_roots) / sizeof(tracefs_roots[0]) && !root; i++) {
		snprintf(path, sizeof(path), "%s/events", tracefs_roots[i]);
		if (access(path, F_OK) == 0)
			root = tracefs_roots[i];
	}
	/* tracefs not mounted at its usual place: mount it there, as systemd does. */
	if (!root && access("/sys/kernel/tracing", F_OK) == 0 &&
	    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
		root = "/sys/kernel/tracing";
	if (!root) {
		snprintf(why, whylen, "no tracefs (mount -t tracefs nodev /sys/kernel/tracing, as root)");
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/events/fuse/fuse_request_end", root);
	if (access(path, F_OK) < 0) {
		snprintf(why, whylen, "this kernel has no fuse tracepoints");
		return -ENOENT;
	}
	sweep_instances(root);
	snprintf(t->dir, sizeof(t->dir), "%s/instances/stalefs-%d-%u", root, getpid(), serial++);
	if (mkdir(t->dir, 0700) < 0) {
		ret = -errno;
		snprintf(why, whylen, "tracefs instance %s: %s", t->dir, strerror(errno));
		t->dir[0] = '\0';
		return ret;
	}
	snprintf(pid, sizeof(pid), "%d", getpid());
	ret = put(t->dir, "buffer_size_kb", "8192");
	if (!ret)
		ret = put(t->dir, "options/event-fork", "1");
	if (!ret)
		ret = put(t->dir, "set_event_pid", pid);
	if (!ret)
		ret = put(t->dir, "events/fuse/enable", "1");
	if (!ret)
		ret = put(t->dir, "tracing_on", "1");
	if (ret) {
		snprintf(why, whylen, "setting up %s: %s", t->dir, strerror(-ret));
		rmdir(t->dir);
		t->dir[0] = '\0';
	}
	return ret;
}

/* unique -> opcode, open addressing; uniques of one run are dense. */
struct umap {
	uint64_t *key;
	unsigned char *op;
	size_t mask, used;
};

/* Requests end soon after they start; a full map only holds old ones. */
static void umap_clear(struct umap *m)
{
	memset(m->key, 0, (m->mask + 1) * sizeof(*m->key));
	m->used = 0;
}

static void umap_put(struct umap *m, uint64_t u, unsigned int op)
{
	if (m->used >= m->mask / 4 * 3)	/* full: start over (in-flight ends lose their op) */
		umap_clear(m);
	m->used++;
	for (size_t i = (u * 0x9e3779b97f4a7c15ULL) & m->mask, n = 0; n <= m->mask;
	     i = (i + 1) & m->mask, n++)
		if (!m->key[i] || m->key[i] == u) {
			m->key[i] = u;
			m->op[i] = op;
			return;
		}
}

static unsigned int umap_get(const struct umap *m, uint64_t u)
{
	for (size_t i = (u * 0x9e3779b97f4a7c15ULL) & m->mask, n = 0; n <= m->mask;
	     i = (i + 1) & m->mask, n++) {
		if (m->key[i] == u)
			return m->op[i];
		if (!m->key[i])
			break;
	}
	return 0;
}

int trace_count_text(const char *text, struct trace_counts *c)
{
	struct umap m = { .mask = (1 << 20) - 1 };
	const char *line = text;

	memset(c, 0, sizeof(*c));
	m.key = calloc(m.mask + 1, sizeof(*m.key));
	m.op = calloc(m.mask + 1, 1);
	if (!m.key || !m.op) {
		free(m.key);
		free(m.op);
		return -ENOMEM;
	}
	while (*line) {
		const char *eol = strchrnul(line, '\n'), *p;
		char buf[512];
		unsigned long long u;
		unsigned int conn, op, len;
		int err;
		size_t n = eol - line < (long)sizeof(buf) - 1 ? (size_t)(eol - line) : sizeof(buf) - 1;

		/* sscanf on a copy: on the whole buffer it would strlen() it every line. */
		memcpy(buf, line, n);
		buf[n] = '\0';
		line = *eol ? eol + 1 : eol;
		if (buf[0] == '#')
			continue;
		if ((p = strstr(buf, "fuse_request_send: ")) &&
		    sscanf(p, "fuse_request_send: connection %u req %llu opcode %u", &conn, &u, &op) == 3) {
			c->requests++;
			umap_put(&m, u, op < TRACE_OPS ? op : 0);
		} else if ((p = strstr(buf, "fuse_request_end: ")) &&
			   sscanf(p, "fuse_request_end: connection %u req %llu len %u error %d", &conn,
				  &u, &len, &err) == 4) {
			c->replies++;
			if (err)
				c->errors++;
			if (err == -ESTALE) {
				c->estale++;
				c->estale_op[umap_get(&m, u)]++;
			}
		}
	}
	free(m.key);
	free(m.op);
	return 0;
}

int trace_stop(struct trace *t, struct trace_counts *c)
{
	char path[512], *text;
	int ret;

	memset(c, 0, sizeof(*c));
	if (!t->dir[0])
		return -ENOENT;
	put(t->dir, "tracing_on", "0");
	snprintf(path, sizeof(path), "%s/trace", t->dir);
	text = textfile_read(path, NULL);
	ret = text ? trace_count_text(text, c) : -EIO;
	free(text);
	/* Overruns, per CPU: the counts are then lower bounds. */
	for (int cpu = 0; cpu < 1024; cpu++) {
		char *stats, *o;

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", t->dir, cpu);
		stats = textfile_read(path, NULL);
		if (!stats)
			break;
		o = strstr(stats, "overrun:");
		if (o)
			c->lost += strtoull(o + 8, NULL, 10);
		free(stats);
	}
	put(t->dir, "events/fuse/enable", "0");
	if (rmdir(t->dir) < 0 && !ret)
		ret = -errno;
	t->dir[0] = '\0';
	return ret;
}
