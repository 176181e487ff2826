// SPDX-License-Identifier: GPL-2.0-or-later
/* The doctor's checks of filesystems; see doctor_fs.h. */
#include "doctor_fs.h"

#include "mountinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "backing.h"	/* the daemon's probe: passthrough/ */
#include "errsrc.h"
#include "fhandle.h"
#include "log.h"

#include "doctor_child.h"

/* Is fstype listed in /proc/filesystems? */
static bool fs_listed(const char *fstype)
{
	FILE *f = fopen("/proc/filesystems", "re");
	char line[128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, '\t');

		name = name ? name + 1 : line;
		name[strcspn(name, "\n")] = '\0';
		found = strcmp(name, fstype) == 0;
	}
	fclose(f);
	return found;
}

/* ---- file handles ---- */

static const struct {
	unsigned long magic;
	const char *name;
} fs_magics[] = {
	{ 0xEF53, "ext4" },		/* ext2/3/4 share it */
	{ 0x58465342, "xfs" },
	{ 0x9123683E, "btrfs" },
	{ 0x01021994, "tmpfs" },
	{ 0x794c7630, "overlay" },
	{ 0x65735546, "fuse" },
	{ 0x6969, "nfs" },
	{ 0xFF534D42, "cifs" },
	{ 0xFE534D42, "smb2" },
	{ 0x01021997, "9p" },
	{ 0x2FC12FC1, "zfs" },
	{ 0xF2F52010, "f2fs" },
	{ 0xCA451A4E, "bcachefs" },
	{ 0x73717368, "squashfs" },
	{ 0x858458f6, "ramfs" },
	{ 0x4d44, "vfat" },
	{ 0x2011BAB0, "exfat" },
	{ 0x00c36400, "ceph" },
	{ 0x9fa0, "proc" },
	{ 0x62656572, "sysfs" },
};

struct mnt_lookup {
	unsigned long id;
	char fstype[64];
};

static int mnt_match(const struct mountinfo_entry *e, void *arg)
{
	struct mnt_lookup *l = arg;

	if (e->id != l->id)
		return 0;
	snprintf(l->fstype, sizeof(l->fstype), "%s", e->fstype);
	return 1;
}

/* The filesystem type of fd: statfs's f_type by name; a FUSE mount's
 * mountinfo type (fuse.stalefs, virtiofs) when the mount ID is known. */
static void fs_name(int fd, int64_t mnt_id, char *out, size_t len)
{
	struct mnt_lookup l = { .id = (unsigned long)mnt_id };
	struct statfs sf;
	unsigned long magic;

	if (fstatfs(fd, &sf) < 0) {
		snprintf(out, len, "unknown filesystem");
		return;
	}
	magic = (unsigned long)(unsigned int)sf.f_type;
	if (magic == 0x65735546 && mnt_id >= 0 && mountinfo_each(NULL, mnt_match, &l) == 1 &&
	    l.fstype[0]) {
		snprintf(out, len, "%s", l.fstype);
		return;
	}
	for (size_t i = 0; i < sizeof(fs_magics) / sizeof(fs_magics[0]); i++)
		if (fs_magics[i].magic == magic) {
			snprintf(out, len, "%s", fs_magics[i].name);
			return;
		}
	snprintf(out, len, "filesystem 0x%lx", magic);
}

/*
 * The daemon's startup probe on --dir, as `stalefs mount --shared-dir DIR`
 * runs it: mandatory says whether handles work (or the errno why not);
 * prefer says whether the daemon then falls back to O_PATH (runs as never)
 * or refuses to start.
 */
void check_handles(struct doctor *d)
{
	struct check *c = &d->c[C_HANDLES];
	enum log_level level = log_get_level();
	union fhandle_buf hb;
	struct backing b;
	uint64_t mnt_id;
	bool fallback;
	char fs[80];
	int ret, e;

	d->f.handles = HANDLES_FATAL;
	ret = backing_init(&b, d->dir);
	if (ret < 0) {
		errsrc_reset();
		check_set(c, ST_MISSING, "%s: %s", d->dir, strerror(-ret));
		return;
	}
	/* The mount ID only names a FUSE mount's type (fuse.stalefs, virtiofs). */
	fs_name(b.root_fd, fhandle_make(b.root_fd, &hb, &mnt_id) == 0 ? (int64_t)mnt_id : -1, fs,
		sizeof(fs));
	errsrc_reset();
	e = -backing_probe(&b, INODE_MODE_MANDATORY);
	if (!e) {
		d->f.handles = HANDLES_OK;
		check_set(c, ST_OK, "%s (%s): name_to_handle_at and open_by_handle_at work", d->dir, fs);
		goto out_destroy;
	}
	/* Its "disabling file handles" warning is the daemon's line, not ours. */
	log_set_level(LOG_LVL_ERROR);
	fallback = backing_probe(&b, INODE_MODE_PREFER) == 0;
	log_set_level(level);
	if (fallback)
		d->f.handles = HANDLES_FALLBACK;
	if (fallback && e == EPERM)
		check_set(c, ST_LIMITED, "%s (%s): %s (needs CAP_DAC_READ_SEARCH in the initial user "
			  "namespace)", d->dir, fs, b.mode_reason);
	else if (fallback && (e == EOPNOTSUPP || e == EOVERFLOW))
		check_set(c, ST_MISSING, "%s (%s) cannot export file handles: %s", d->dir, fs,
			  b.mode_reason);
	else
		check_set(c, ST_MISSING, "%s (%s): %s", d->dir, fs, b.mode_reason);
out_destroy:
	backing_destroy(&b);
}

/* ---- overlayfs ---- */

/* In the child: a private mount namespace, a tmpfs, an overlay on it. */
static int overlay_probe(void *arg, char *msg, size_t len)
{
	const char *dir = arg;
	char p[4][4200], opts[13000];
	static const char *const sub[] = { "lower", "upper", "work", "merged" };
	struct stat st;
	int ret, fd;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		ret = -errno;
		snprintf(msg, len, "a private mount namespace: %s", strerror(-ret));
		return ret;
	}
	if (mount("tmpfs", dir, "tmpfs", 0, "size=1m,mode=0700") < 0) {
		ret = -errno;
		snprintf(msg, len, "mount tmpfs: %s", strerror(-ret));
		return ret;
	}
	for (int i = 0; i < 4; i++) {
		snprintf(p[i], sizeof(p[i]), "%s/%s", dir, sub[i]);
		if (mkdir(p[i], 0700) < 0) {
			ret = -errno;
			snprintf(msg, len, "mkdir %s: %s", sub[i], strerror(-ret));
			return ret;
		}
	}
	snprintf(opts, sizeof(opts), "%s/f", p[0]);
	fd = open(opts, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", p[0], p[1], p[2]);
	if (mount("overlay", p[3], "overlay", 0, opts) < 0) {
		ret = -errno;
		snprintf(msg, len, "mount overlay (tmpfs upper): %s", strerror(-ret));
		return ret;
	}
	snprintf(opts, sizeof(opts), "%s/f", p[3]);
	if (stat(opts, &st) < 0) {
		ret = -errno;
		snprintf(msg, len, "stat through the overlay: %s", strerror(-ret));
		return ret;
	}
	snprintf(opts, sizeof(opts), "%s/g", p[3]);
	fd = open(opts, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(msg, len, "create through the overlay: %s", strerror(-ret));
		return ret;
	}
	close(fd);
	snprintf(msg, len, "a test mount works (tmpfs upper, private mount namespace)");
	return 0;
}

void check_overlay(struct doctor *d)
{
	struct check *c = &d->c[C_OVERLAY];
	char dir[4096], msg[DETAIL_MAX];
	sigset_t old;
	int ret;

	d->f.overlay = false;
	if (!fs_listed("overlay")) {
		check_set(c, ST_MISSING, "not in /proc/filesystems (not built in, module not loaded: "
		    "modprobe overlay)");
		return;
	}
	if (!d->f.sys_admin) {
		check_set(c, ST_LIMITED, "in /proc/filesystems; a test mount needs root (CAP_SYS_ADMIN)");
		return;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/stalefs-doctor.XXXXXX", d->tmp) >= sizeof(dir)) {
		check_set(c, ST_LIMITED, "in /proc/filesystems; TMPDIR is too long for a test mount");
		return;
	}
	child_block_signals(&old);
	if (!mkdtemp(dir)) {
		ret = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		check_set(c, ST_LIMITED, "in /proc/filesystems; mkdtemp in %s: %s", d->tmp, strerror(ret));
		return;
	}
	ret = run_probe(overlay_probe, dir, msg, sizeof(msg));
	/* The mounts died with the child's namespace; the dir is empty. */
	if (rmdir(dir) < 0)
		fprintf(stderr, "stalefs doctor: rmdir %s: %s\n", dir, strerror(errno));
	sigprocmask(SIG_SETMASK, &old, NULL);
	d->f.overlay = ret == 0;
	if (ret == 0)
		check_set(c, ST_OK, "%s", msg);
	else if (ret == -ETIMEDOUT)
		check_set(c, ST_MISSING, "in /proc/filesystems; the test mount did not finish in %d s",
		    CHILD_SECONDS);
	else
		check_set(c, ST_MISSING, "in /proc/filesystems; %s", msg[0] ? msg : strerror(-ret));
}

/* ---- tracefs ---- */

/* The tracefs mount point (out: 4096 bytes), /sys/kernel/tracing first. */
static int tracefs_match(const struct mountinfo_entry *e, void *arg)
{
	char *out = arg;
	size_t n = strlen(e->mnt);
	bool sys = strcmp(e->mnt, "/sys/kernel/tracing") == 0;

	if (strcmp(e->fstype, "tracefs") != 0 || n >= 4096)
		return 0;
	if (!out[0] || sys)
		memcpy(out, e->mnt, n + 1);
	return sys;
}

/* 0 or errno of access(ROOT/rel, F_OK). */
static int trace_has(const char *root, const char *rel)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0 ? 0 : errno;
}

void check_tracefs(struct doctor *d)
{
	struct check *c = &d->c[C_TRACEFS];
	char root[4096] = "", inst[4200];
	int send, end, sys, e = 0;
	sigset_t old;

	d->f.tracefs = false;
	mountinfo_each(NULL, tracefs_match, root);
	if (!root[0]) {
		if (fs_listed("tracefs"))
			check_set(c, ST_MISSING, "not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
		else
			check_set(c, ST_MISSING, "this kernel has no tracefs");
		return;
	}
	send = trace_has(root, "events/fuse/fuse_request_send");
	end = trace_has(root, "events/fuse/fuse_request_end");
	if (send == EACCES || end == EACCES) {
		check_set(c, ST_LIMITED, "%s: %s (needs root)", root, strerror(EACCES));
		return;
	}
	if (send || end) {
		check_set(c, ST_MISSING, "%s: no events/fuse/fuse_request_send and _end (fuse not loaded, "
		    "or a kernel before 6.11?)", root);
	} else {
		check_set(c, ST_OK, "%s: fuse_request_send/end", root);
	}
	sys = trace_has(root, "events/syscalls/sys_enter_openat");
	if (sys) {
		check_add(c, "no syscall events (CONFIG_FTRACE_SYSCALLS)");
		check_worse(c, ST_LIMITED);
	} else {
		check_add(c, "syscall events");
	}
	snprintf(inst, sizeof(inst), "%s/instances/stalefs-doctor-%d", root, (int)getpid());
	child_block_signals(&old);
	if (mkdir(inst, 0700) < 0) {
		e = errno;
	} else if (rmdir(inst) < 0) {
		fprintf(stderr, "stalefs doctor: rmdir %s: %s\n", inst, strerror(errno));
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (e) {
		check_add(c, "cannot create an instance: %s", strerror(e));
		check_worse(c, ST_LIMITED);
	} else {
		check_add(c, "instances work");
	}
	d->f.tracefs = !send && !end && !sys && !e;
}
