// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The doctor's checks of the kernel and the user; see doctor_kernel.h.
 * Harmless probes (opens, stats, io_uring_setup) run in this process; the
 * user-namespace probe changes the process and runs in a bounded child.
 */
#include "doctor_kernel.h"

#include "build_config.h"
#include "memcg.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <fuse_lowlevel.h>	/* fuse_common.h: FUSE_MAJOR_VERSION, fuse_version() */

#include "doctor_child.h"
#include "doctor_prog.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif

/* ---- small readers ---- */

/* The first line of a file, without the newline. 0 or -errno. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = ferror(f) ? -EIO : -ENODATA;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return ret;
}

/* A sysctl as a number: 0, or -errno (-ENOENT: this kernel has none). */
static int read_sysctl(const char *path, long *v)
{
	char buf[64], *end;
	int ret = read_line(path, buf, sizeof(buf));

	if (ret < 0)
		return ret;
	errno = 0;
	*v = strtol(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}

/* Does a file have a line that is exactly word (surrounding blanks ignored)? */
static bool file_has_line(const char *path, const char *word)
{
	FILE *f = fopen(path, "re");
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		found = strcmp(s, word) == 0;
	}
	fclose(f);
	return found;
}

/* ---- fuse ---- */

void check_fuse(struct doctor *d)
{
	struct check *c = &d->c[C_FUSE];
	char prog[4096], ver[64];
	struct stat st;
	bool dev = false, dev_open = false, fm = false, fm_setuid = false, allow_other;
	int fd, dev_errno = 0;

	if (stat("/dev/fuse", &st) == 0 && S_ISCHR(st.st_mode)) {
		dev = true;
		fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			dev_open = true;
			close(fd);
		} else {
			dev_errno = errno;
		}
	}
	if (!dev)
		check_set(c, ST_MISSING, "no /dev/fuse (modprobe fuse; in a container: --device /dev/fuse)");
	else if (!dev_open)
		check_set(c, d->f.sys_admin ? ST_MISSING : ST_OK, "/dev/fuse (open: %s%s)",
		    strerror(dev_errno), d->f.sys_admin ? "" : "; fusermount3 opens it");
	else
		check_set(c, ST_OK, "/dev/fuse");

	fm = prog_find("fusermount3", prog, sizeof(prog));
	if (fm) {
		fm_setuid = stat(prog, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID);
		prog_version(prog, "-V", ver, sizeof(ver));
		check_add(c, "fusermount3 %s%s", ver, fm_setuid ? "" : " (not setuid root)");
		if (strcmp(prog, "/usr/bin/fusermount3") != 0 && strcmp(prog, "/bin/fusermount3") != 0)
			check_add(c, "fusermount3 from %s", prog);
	} else {
		check_add(c, "no fusermount3 on PATH (apt-get install fuse3; auto_unmount needs it)");
		check_worse(c, ST_MISSING);
	}
	check_add(c, "libfuse %d.%d", FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION);
	if (fuse_version() != FUSE_VERSION)
		check_add(c, "runtime libfuse %s", fuse_pkgversion());

	/* stalefs mounts with allow_other: a user needs user_allow_other. */
	allow_other = file_has_line("/etc/fuse.conf", "user_allow_other");
	d->f.mount_ok = dev && fm;
	if (d->f.sys_admin) {
		d->f.mount_ok = d->f.mount_ok && dev_open;
	} else {
		if (fm && !fm_setuid) {
			check_add(c, "not root and fusermount3 is not setuid: mounts fail with EPERM");
			check_worse(c, ST_LIMITED);
		}
		if (!allow_other) {
			check_add(c, "not root and no user_allow_other in /etc/fuse.conf (stalefs mounts "
			    "with allow_other)");
			check_worse(c, ST_LIMITED);
		}
		d->f.mount_ok = d->f.mount_ok && fm_setuid && allow_other;
	}
}

/* ---- capabilities ---- */

void check_caps(struct doctor *d)
{
	struct check *c = &d->c[C_CAPS];
	unsigned long long eff = 0;
	bool found = false;
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	uid_t euid = geteuid();

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "CapEff:", 7) == 0) {
			eff = strtoull(line + 7, NULL, 16);
			found = true;
			break;
		}
	if (f)
		fclose(f);
	d->f.sys_admin = eff & (1ULL << 21);
	d->f.dac_read_search = eff & (1ULL << 2);
	d->f.root = euid == 0 && d->f.sys_admin;
	if (!found) {
		check_set(c, ST_MISSING, "euid %u, no CapEff line in /proc/self/status", (unsigned)euid);
		return;
	}
	check_set(c, d->f.sys_admin && d->f.dac_read_search ? ST_OK :
	       d->f.sys_admin || d->f.dac_read_search ? ST_LIMITED : ST_MISSING,
	    "euid %u", (unsigned)euid);
	check_add(c, d->f.sys_admin ? "CAP_SYS_ADMIN" :
	       "no CAP_SYS_ADMIN (mounts only through setuid fusermount3)");
	check_add(c, d->f.dac_read_search ? "CAP_DAC_READ_SEARCH" :
	       "no CAP_DAC_READ_SEARCH (open_by_handle_at answers EPERM)");
}

/* ---- user namespaces ---- */

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(text))
		ret = -EIO;
	close(fd);
	return ret;
}

/* In the child: `unshare -Ur true`. */
static int userns_probe(void *arg, char *msg, size_t len)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int ret;

	if (unshare(CLONE_NEWUSER) < 0) {
		ret = -errno;
		snprintf(msg, len, "unshare(CLONE_NEWUSER): %s", strerror(-ret));
		return ret;
	}
	ret = write_text("/proc/self/setgroups", "deny");
	if (ret < 0 && ret != -ENOENT) {
		snprintf(msg, len, "write /proc/self/setgroups: %s", strerror(-ret));
		return ret;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	ret = write_text("/proc/self/uid_map", map);
	if (ret < 0) {
		snprintf(msg, len, "write /proc/self/uid_map: %s", strerror(-ret));
		return ret;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	ret = write_text("/proc/self/gid_map", map);
	if (ret < 0) {
		snprintf(msg, len, "write /proc/self/gid_map: %s", strerror(-ret));
		return ret;
	}
	snprintf(msg, len, "unshare(CLONE_NEWUSER) and uid_map work");
	return 0;
}

void check_userns(struct doctor *d)
{
	struct check *c = &d->c[C_USERNS];
	char msg[DETAIL_MAX];
	long clone = -1, max = -1, aa = -1;
	bool have_clone, have_max, have_aa, restricted;
	int ret;

	have_clone = read_sysctl("/proc/sys/kernel/unprivileged_userns_clone", &clone) == 0;
	have_max = read_sysctl("/proc/sys/user/max_user_namespaces", &max) == 0;
	have_aa = read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &aa) == 0;
	ret = run_probe(userns_probe, NULL, msg, sizeof(msg));
	d->f.userns = ret == 0;
	if (ret == 0)
		check_set(c, ST_OK, "%s", msg);
	else if (ret == -ETIMEDOUT)
		check_set(c, ST_MISSING, "the probe did not finish in %d s", CHILD_SECONDS);
	else
		check_set(c, ST_MISSING, "%s", msg[0] ? msg : strerror(-ret));
	if (have_max)
		check_add(c, "user.max_user_namespaces=%ld", max);
	if (have_clone)
		check_add(c, "kernel.unprivileged_userns_clone=%ld", clone);
	if (have_aa)
		check_add(c, "kernel.apparmor_restrict_unprivileged_userns=%ld", aa);
	restricted = (have_clone && clone == 0) || (have_aa && aa != 0);
	if (have_max && max == 0)
		check_add(c, "user namespaces are off (sysctl -w user.max_user_namespaces=15000)");
	if (have_aa && aa != 0)
		check_add(c, "unprivileged users are restricted (fix: sudo sysctl -w "
		    "kernel.apparmor_restrict_unprivileged_userns=0)");
	else if (have_clone && clone == 0)
		check_add(c, "unprivileged users cannot (fix: sudo sysctl -w "
		    "kernel.unprivileged_userns_clone=1)");
	if (ret == 0 && restricted && d->f.sys_admin)
		check_worse(c, ST_LIMITED);	/* works for root only */
}

/* ---- io_uring ---- */

void check_io_uring(struct doctor *d)
{
	struct check *c = &d->c[C_IO_URING];
	uint64_t params[16] = { 0 };	/* struct io_uring_params is 120 bytes, all 0 */
	long disabled = -1, fd;
	bool have_disabled, have_uring;
	int e;

	have_disabled = read_sysctl("/proc/sys/kernel/io_uring_disabled", &disabled) == 0;
	fd = syscall(__NR_io_uring_setup, 4, params);
	e = errno;
#ifdef HAVE_LIBURING
	have_uring = true;
#else
	have_uring = false;
#endif
	if (fd >= 0) {
		close((int)fd);
		check_set(c, ST_OK, "io_uring_setup works");
	} else {
		const char *hint = "";

		if (e == ENOSYS)
			hint = " (a kernel without io_uring, or a sandbox that hides it)";
		else if ((e == EPERM || e == EACCES) && disabled == 2)
			hint = " (kernel.io_uring_disabled=2)";
		else if ((e == EPERM || e == EACCES) && disabled == 1)
			hint = " (kernel.io_uring_disabled=1: only root and kernel.io_uring_group)";
		else if (e == EPERM || e == EACCES)
			hint = " (a seccomp filter or container policy?)";
		else if (e == ENOMEM)
			hint = " (RLIMIT_MEMLOCK too low?)";
		check_set(c, ST_MISSING, "io_uring_setup: %s%s", strerror(e), hint);
	}
	if (have_disabled)
		check_add(c, "kernel.io_uring_disabled=%ld", disabled);
	if (have_uring) {
		check_add(c, "built with liburing");
	} else {
		check_add(c, "built without liburing (apt-get install liburing-dev, rebuild)");
		check_worse(c, ST_LIMITED);
	}
	d->f.io_uring = fd >= 0 && have_uring;
}

/* ---- caches and cgroups ---- */

void check_drop_caches(struct doctor *d)
{
	struct check *c = &d->c[C_DROP_CACHES];

	if (faccessat(AT_FDCWD, "/proc/sys/vm/drop_caches", W_OK, AT_EACCESS) == 0)
		check_set(c, ST_OK, "/proc/sys/vm/drop_caches is writable");
	else
		check_set(c, ST_MISSING, "/proc/sys/vm/drop_caches: %s%s", strerror(errno),
		    errno == EACCES ? " (needs root)" : "");
}

/* A group made and removed again, as --memory-pressure makes one. */
void check_memcg(struct doctor *d)
{
	struct check *c = &d->c[C_MEMCG];
	struct memcg m;
	char err[600];
	int ret = memcg_create(&m, 0, err, sizeof(err));

	if (ret < 0) {
		check_set(c, ST_MISSING, "%s", err);
		return;
	}
	check_set(c, ST_OK, "cgroup %s memory controller: a group below ours works", m.v2 ? "v2" : "v1");
	memcg_destroy(&m);
}
