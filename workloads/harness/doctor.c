// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs doctor; see doctor.h. Probes run in this process when they are
 * harmless (opens, stats, name_to_handle_at, io_uring_setup, a tracefs
 * instance made and removed at once) and in a forked child with an alarm
 * when they change the process (unshare) or run a tool (`fusermount3 -V`).
 * /dev/kvm is only stat'ed: opening it hangs on some machines.
 */
#include "doctor.h"

#include "build_config.h"
#include "memcg.h"
#include "mountinfo.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <fuse_lowlevel.h>	/* fuse_common.h: FUSE_MAJOR_VERSION, fuse_version() */

#include "counts.h"
#include "json.h"
#include "exitcode.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif

#define CHILD_SECONDS 5		/* every child's alarm */
#define DETAIL_MAX 512
#define NEEDS_MAX 4

enum status { ST_OK, ST_LIMITED, ST_MISSING };

static const char *const status_names[] = { "ok", "limited", "missing" };

struct check {
	const char *name;
	enum status st;
	char detail[DETAIL_MAX];
	const char *needs[NEEDS_MAX + 1];	/* NULL-terminated */
};

enum handles { HANDLES_OK, HANDLES_FALLBACK, HANDLES_FATAL };

/* What the summary is built from. */
struct facts {
	bool mount_ok;		/* stalefs mount can work for this user */
	bool sys_admin, dac_read_search;
	bool root;		/* euid 0 and CAP_SYS_ADMIN */
	enum handles handles;
	bool userns;
	bool io_uring;		/* io_uring_setup works and liburing is built in */
	bool overlay;		/* a test overlay mount worked */
	bool tracefs;		/* fuse events, syscall events, an instance */
	bool ostree;
};

enum {
	C_FUSE, C_CAPS, C_HANDLES, C_USERNS, C_IO_URING, C_OVERLAY, C_TRACEFS,
	C_DROP_CACHES, C_MEMCG, C_OSTREE, C_VIRTIOFSD, C_QEMU, C_COUNT
};

struct doctor {
	const char *dir;
	const char *tmp;
	struct check c[C_COUNT];
	struct facts f;
};

static void set(struct check *c, enum status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set(struct check *c, enum status st, const char *fmt, ...)
{
	va_list ap;

	c->st = st;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* Append ", text" (or "text" to an empty detail). */
static void add(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct check *c, const char *fmt, ...)
{
	size_t used = strlen(c->detail);
	va_list ap;

	if (used && used < sizeof(c->detail))
		used += snprintf(c->detail + used, sizeof(c->detail) - used, ", ");
	if (used >= sizeof(c->detail))
		return;
	va_start(ap, fmt);
	vsnprintf(c->detail + used, sizeof(c->detail) - used, fmt, ap);
	va_end(ap);
}

static void worse(struct check *c, enum status st)
{
	if (st > c->st)
		c->st = st;
}

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

/* ---- children, bounded ---- */

static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, old);
}

/*
 * Collect what a child writes to fd (until EOF) into out, then reap it and
 * kill whatever it left in its process group (a tool's own children).
 * Bounded: after CHILD_SECONDS + 1 s the group is killed, and a child that
 * still does not go away is left to init. 0 with *status, or -ETIMEDOUT.
 */
static int child_finish(pid_t pid, int fd, char *out, size_t outlen, int *status)
{
	double deadline = counts_now() + CHILD_SECONDS + 1;
	size_t used = 0;
	bool killed = false;
	ssize_t n;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = (int)((deadline - counts_now()) * 1000);
		char sink[512];
		int r;

		if (ms <= 0)
			break;
		r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (used + 1 < outlen)
			n = read(fd, out + used, outlen - 1 - used);
		else
			n = read(fd, sink, sizeof(sink));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		if (used + 1 < outlen)
			used += n;
	}
	if (outlen)
		out[used] = '\0';
	close(fd);
	/* Wait for the exit without reaping: the pid (our group's ID) stays
	 * ours until waitpid, so the group kill cannot hit anyone else. */
	for (int i = 0;; i++) {
		siginfo_t si = { 0 };
		int r = waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT);

		if (r == 0 && si.si_pid == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (!killed && counts_now() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			killed = true;
		}
		if (i > 200 + (CHILD_SECONDS + 1) * 100)
			return -ETIMEDOUT;	/* unkillable (D state): leave it */
		usleep(10000);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return killed ? -ETIMEDOUT : 0;
}

/* In a new child: no blocked signals, the alarm, stdin from /dev/null. */
static void child_start(int out_fd)
{
	sigset_t none;
	int null_fd;

	setpgid(0, 0);	/* its own group: killed as one */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGALRM, SIG_DFL);
	alarm(CHILD_SECONDS);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd >= 0)
		dup2(null_fd, 0);
	if (out_fd >= 0) {
		dup2(out_fd, 1);
		dup2(out_fd, 2);
	}
}

/*
 * Run a program (argv[0] a path) with stdout and stderr into out. 0 with its
 * wait status in *status, -ETIMEDOUT, or -errno.
 */
static int run_capture(const char *const argv[], char *out, size_t outlen, int *status)
{
	int fds[2], ret;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (pid == 0) {
		child_start(fds[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	ret = child_finish(pid, fds[0], out, outlen, status);
	if (ret == 0 && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGALRM)
		ret = -ETIMEDOUT;	/* its alarm went off */
	return ret;
}

/*
 * Run fn(arg, msg) in a child; fn returns 0 or -errno and says what it did
 * (or what failed) in msg. Returns fn's result, -ETIMEDOUT, or -errno; msg
 * gets the child's words.
 */
static int run_probe(int (*fn)(void *arg, char *msg, size_t len), void *arg, char *msg,
		     size_t msglen)
{
	int fds[2], status = 0, ret;
	pid_t pid;

	msg[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (pid == 0) {
		char buf[DETAIL_MAX] = "";
		ssize_t n;

		child_start(-1);
		close(fds[0]);
		ret = fn(arg, buf, sizeof(buf));
		n = write(fds[1], buf, strlen(buf));
		(void)n;
		_exit(ret < 0 && -ret < 256 ? -ret : ret < 0 ? 255 : 0);
	}
	setpgid(pid, pid);
	close(fds[1]);
	ret = child_finish(pid, fds[0], msg, msglen, &status);
	if (ret < 0)
		return ret;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGALRM ? -ETIMEDOUT : -EINTR;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
}

/* The binary name: with a slash as is, else the first match on $PATH. */
static bool find_prog(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, X_OK) == 0 && stat(out, &st) == 0 && S_ISREG(st.st_mode);
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		int dlen;

		colon = strchrnul(p, ':');
		dlen = (int)(colon - p);
		if (dlen && (size_t)snprintf(out, len, "%.*s/%s", dlen, p, name) < len &&
		    access(out, X_OK) == 0 && stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return true;
		if (!*colon)
			break;
	}
	out[0] = '\0';
	return false;
}

/*
 * `PROG --version`-like output to a version: the first word that starts
 * with a digit and has a dot ("fusermount3 version: 3.14.0", "Version:
 * '2022.7'", "QEMU emulator version 7.2.15 (Debian ...)"). "" if none.
 */
static void find_version(const char *text, char *out, size_t len)
{
	const char *p = text;

	out[0] = '\0';
	while (*p) {
		size_t n;

		while (*p && (isspace((unsigned char)*p) || *p == '\'' || *p == '"' || *p == '('))
			p++;
		n = strcspn(p, " \t\r\n'\"(),;");
		if (n && isdigit((unsigned char)p[0]) && memchr(p, '.', n)) {
			snprintf(out, len, "%.*s", (int)n, p);
			return;
		}
		p += n;
		if (n == 0 && *p)
			p++;
	}
}

/* Run PROG ARG and find a version in what it printed; out says why not
 * when there is none ("(no answer to --version in 5 s)"). 0, or
 * -ETIMEDOUT when the program hung. */
static int prog_version(const char *prog, const char *arg, char *out, size_t len)
{
	const char *argv[] = { prog, arg, NULL };
	char text[4096];
	int status = 0, ret;

	out[0] = '\0';
	ret = run_capture(argv, text, sizeof(text), &status);
	if (ret == -ETIMEDOUT) {
		snprintf(out, len, "(no answer to %s in %d s)", arg, CHILD_SECONDS);
		return ret;
	}
	if (ret == 0)
		find_version(text, out, len);
	if (!out[0])
		snprintf(out, len, "(version unknown)");
	return 0;
}

/* ---- fuse ---- */

static void check_fuse(struct doctor *d)
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
		set(c, ST_MISSING, "no /dev/fuse (modprobe fuse; in a container: --device /dev/fuse)");
	else if (!dev_open)
		set(c, d->f.sys_admin ? ST_MISSING : ST_OK, "/dev/fuse (open: %s%s)",
		    strerror(dev_errno), d->f.sys_admin ? "" : "; fusermount3 opens it");
	else
		set(c, ST_OK, "/dev/fuse");

	fm = find_prog("fusermount3", prog, sizeof(prog));
	if (fm) {
		fm_setuid = stat(prog, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID);
		prog_version(prog, "-V", ver, sizeof(ver));
		add(c, "fusermount3 %s%s", ver, fm_setuid ? "" : " (not setuid root)");
		if (strcmp(prog, "/usr/bin/fusermount3") != 0 && strcmp(prog, "/bin/fusermount3") != 0)
			add(c, "fusermount3 from %s", prog);
	} else {
		add(c, "no fusermount3 on PATH (apt-get install fuse3; auto_unmount needs it)");
		worse(c, ST_MISSING);
	}
	add(c, "libfuse %d.%d", FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION);
	if (fuse_version() != FUSE_VERSION)
		add(c, "runtime libfuse %s", fuse_pkgversion());

	/* stalefs mounts with allow_other: a user needs user_allow_other. */
	allow_other = file_has_line("/etc/fuse.conf", "user_allow_other");
	d->f.mount_ok = dev && fm;
	if (d->f.sys_admin) {
		d->f.mount_ok = d->f.mount_ok && dev_open;
	} else {
		if (fm && !fm_setuid) {
			add(c, "not root and fusermount3 is not setuid: mounts fail with EPERM");
			worse(c, ST_LIMITED);
		}
		if (!allow_other) {
			add(c, "not root and no user_allow_other in /etc/fuse.conf (stalefs mounts "
			    "with allow_other)");
			worse(c, ST_LIMITED);
		}
		d->f.mount_ok = d->f.mount_ok && fm_setuid && allow_other;
	}
}

/* ---- capabilities ---- */

static void check_caps(struct doctor *d)
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
		set(c, ST_MISSING, "euid %u, no CapEff line in /proc/self/status", (unsigned)euid);
		return;
	}
	set(c, d->f.sys_admin && d->f.dac_read_search ? ST_OK :
	       d->f.sys_admin || d->f.dac_read_search ? ST_LIMITED : ST_MISSING,
	    "euid %u", (unsigned)euid);
	add(c, d->f.sys_admin ? "CAP_SYS_ADMIN" :
	       "no CAP_SYS_ADMIN (mounts only through setuid fusermount3)");
	add(c, d->f.dac_read_search ? "CAP_DAC_READ_SEARCH" :
	       "no CAP_DAC_READ_SEARCH (open_by_handle_at answers EPERM)");
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
static void fs_name(int fd, int mnt_id, char *out, size_t len)
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

static void check_handles(struct doctor *d)
{
	struct check *c = &d->c[C_HANDLES];
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	char fs[80];
	int dfd, fd, mnt_id = -1, e;

	d->f.handles = HANDLES_FATAL;
	dfd = open(d->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		set(c, ST_MISSING, "%s: %s", d->dir, strerror(errno));
		return;
	}
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(dfd, "", &h.fh, &mnt_id, AT_EMPTY_PATH) < 0) {
		e = errno;
		fs_name(dfd, -1, fs, sizeof(fs));
		if (e == EOPNOTSUPP || e == EOVERFLOW) {
			d->f.handles = HANDLES_FALLBACK;
			set(c, ST_MISSING, "%s (%s) cannot export file handles: name_to_handle_at: %s",
			    d->dir, fs, strerror(e));
		} else {
			set(c, ST_MISSING, "%s (%s): name_to_handle_at: %s", d->dir, fs, strerror(e));
		}
		close(dfd);
		return;
	}
	fs_name(dfd, mnt_id, fs, sizeof(fs));
	fd = open_by_handle_at(dfd, &h.fh, O_PATH | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		d->f.handles = HANDLES_OK;
		set(c, ST_OK, "%s (%s): name_to_handle_at and open_by_handle_at work", d->dir, fs);
	} else {
		e = errno;
		d->f.handles = HANDLES_FALLBACK;
		if (e == EPERM)
			set(c, ST_LIMITED, "%s (%s): open_by_handle_at: %s (needs CAP_DAC_READ_SEARCH "
			    "in the initial user namespace)", d->dir, fs, strerror(e));
		else
			set(c, ST_MISSING, "%s (%s): open_by_handle_at: %s", d->dir, fs, strerror(e));
	}
	close(dfd);
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

static void check_userns(struct doctor *d)
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
		set(c, ST_OK, "%s", msg);
	else if (ret == -ETIMEDOUT)
		set(c, ST_MISSING, "the probe did not finish in %d s", CHILD_SECONDS);
	else
		set(c, ST_MISSING, "%s", msg[0] ? msg : strerror(-ret));
	if (have_max)
		add(c, "user.max_user_namespaces=%ld", max);
	if (have_clone)
		add(c, "kernel.unprivileged_userns_clone=%ld", clone);
	if (have_aa)
		add(c, "kernel.apparmor_restrict_unprivileged_userns=%ld", aa);
	restricted = (have_clone && clone == 0) || (have_aa && aa != 0);
	if (have_max && max == 0)
		add(c, "user namespaces are off (sysctl -w user.max_user_namespaces=15000)");
	if (have_aa && aa != 0)
		add(c, "unprivileged users are restricted (fix: sudo sysctl -w "
		    "kernel.apparmor_restrict_unprivileged_userns=0)");
	else if (have_clone && clone == 0)
		add(c, "unprivileged users cannot (fix: sudo sysctl -w "
		    "kernel.unprivileged_userns_clone=1)");
	if (ret == 0 && restricted && d->f.sys_admin)
		worse(c, ST_LIMITED);	/* works for root only */
}

/* ---- io_uring ---- */

static void check_io_uring(struct doctor *d)
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
		set(c, ST_OK, "io_uring_setup works");
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
		set(c, ST_MISSING, "io_uring_setup: %s%s", strerror(e), hint);
	}
	if (have_disabled)
		add(c, "kernel.io_uring_disabled=%ld", disabled);
	if (have_uring) {
		add(c, "built with liburing");
	} else {
		add(c, "built without liburing (apt-get install liburing-dev, rebuild)");
		worse(c, ST_LIMITED);
	}
	d->f.io_uring = fd >= 0 && have_uring;
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

static void check_overlay(struct doctor *d)
{
	struct check *c = &d->c[C_OVERLAY];
	char dir[4096], msg[DETAIL_MAX];
	sigset_t old;
	int ret;

	d->f.overlay = false;
	if (!fs_listed("overlay")) {
		set(c, ST_MISSING, "not in /proc/filesystems (not built in, module not loaded: "
		    "modprobe overlay)");
		return;
	}
	if (!d->f.sys_admin) {
		set(c, ST_LIMITED, "in /proc/filesystems; a test mount needs root (CAP_SYS_ADMIN)");
		return;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/stalefs-doctor.XXXXXX", d->tmp) >= sizeof(dir)) {
		set(c, ST_LIMITED, "in /proc/filesystems; TMPDIR is too long for a test mount");
		return;
	}
	block_signals(&old);
	if (!mkdtemp(dir)) {
		ret = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		set(c, ST_LIMITED, "in /proc/filesystems; mkdtemp in %s: %s", d->tmp, strerror(ret));
		return;
	}
	ret = run_probe(overlay_probe, dir, msg, sizeof(msg));
	/* The mounts died with the child's namespace; the dir is empty. */
	if (rmdir(dir) < 0)
		fprintf(stderr, "stalefs doctor: rmdir %s: %s\n", dir, strerror(errno));
	sigprocmask(SIG_SETMASK, &old, NULL);
	d->f.overlay = ret == 0;
	if (ret == 0)
		set(c, ST_OK, "%s", msg);
	else if (ret == -ETIMEDOUT)
		set(c, ST_MISSING, "in /proc/filesystems; the test mount did not finish in %d s",
		    CHILD_SECONDS);
	else
		set(c, ST_MISSING, "in /proc/filesystems; %s", msg[0] ? msg : strerror(-ret));
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

static void check_tracefs(struct doctor *d)
{
	struct check *c = &d->c[C_TRACEFS];
	char root[4096] = "", inst[4200];
	int send, end, sys, e = 0;
	sigset_t old;

	d->f.tracefs = false;
	mountinfo_each(NULL, tracefs_match, root);
	if (!root[0]) {
		if (fs_listed("tracefs"))
			set(c, ST_MISSING, "not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
		else
			set(c, ST_MISSING, "this kernel has no tracefs");
		return;
	}
	send = trace_has(root, "events/fuse/fuse_request_send");
	end = trace_has(root, "events/fuse/fuse_request_end");
	if (send == EACCES || end == EACCES) {
		set(c, ST_LIMITED, "%s: %s (needs root)", root, strerror(EACCES));
		return;
	}
	if (send || end) {
		set(c, ST_MISSING, "%s: no events/fuse/fuse_request_send and _end (fuse not loaded, "
		    "or a kernel before 6.11?)", root);
	} else {
		set(c, ST_OK, "%s: fuse_request_send/end", root);
	}
	sys = trace_has(root, "events/syscalls/sys_enter_openat");
	if (sys) {
		add(c, "no syscall events (CONFIG_FTRACE_SYSCALLS)");
		worse(c, ST_LIMITED);
	} else {
		add(c, "syscall events");
	}
	snprintf(inst, sizeof(inst), "%s/instances/stalefs-doctor-%d", root, (int)getpid());
	block_signals(&old);
	if (mkdir(inst, 0700) < 0) {
		e = errno;
	} else if (rmdir(inst) < 0) {
		fprintf(stderr, "stalefs doctor: rmdir %s: %s\n", inst, strerror(errno));
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (e) {
		add(c, "cannot create an instance: %s", strerror(e));
		worse(c, ST_LIMITED);
	} else {
		add(c, "instances work");
	}
	d->f.tracefs = !send && !end && !sys && !e;
}

/* ---- the rest ---- */

static void check_drop_caches(struct doctor *d)
{
	struct check *c = &d->c[C_DROP_CACHES];

	if (faccessat(AT_FDCWD, "/proc/sys/vm/drop_caches", W_OK, AT_EACCESS) == 0)
		set(c, ST_OK, "/proc/sys/vm/drop_caches is writable");
	else
		set(c, ST_MISSING, "/proc/sys/vm/drop_caches: %s%s", strerror(errno),
		    errno == EACCES ? " (needs root)" : "");
}

/* A group made and removed again, as --memory-pressure makes one. */
static void check_memcg(struct doctor *d)
{
	struct check *c = &d->c[C_MEMCG];
	struct memcg m;
	char err[600];
	int ret = memcg_create(&m, 0, err, sizeof(err));

	if (ret < 0) {
		set(c, ST_MISSING, "%s", err);
		return;
	}
	set(c, ST_OK, "cgroup %s memory controller: a group below ours works", m.v2 ? "v2" : "v1");
	memcg_destroy(&m);
}

static void check_ostree(struct doctor *d)
{
	struct check *c = &d->c[C_OSTREE];
	char prog[4096], ver[64];

	d->f.ostree = find_prog("ostree", prog, sizeof(prog));
	if (!d->f.ostree) {
		set(c, ST_MISSING, "no ostree on PATH (apt-get install ostree)");
		return;
	}
	d->f.ostree = prog_version(prog, "--version", ver, sizeof(ver)) == 0;
	set(c, d->f.ostree ? ST_OK : ST_LIMITED, "%s %s", prog, ver);
}

static void check_virtiofsd(struct doctor *d)
{
	struct check *c = &d->c[C_VIRTIOFSD];
	char prog[4096], ver[64];
	bool legacy = false;

	if (!find_prog("virtiofsd", prog, sizeof(prog)) &&
	    !find_prog("/usr/libexec/virtiofsd", prog, sizeof(prog)) &&
	    !(legacy = find_prog("/usr/lib/qemu/virtiofsd", prog, sizeof(prog)))) {
		set(c, ST_MISSING, "no virtiofsd on PATH or in /usr/libexec (Debian trixie or "
		    "Ubuntu: apt-get install virtiofsd)");
		return;
	}
	prog_version(prog, "--version", ver, sizeof(ver));
	if (legacy)
		set(c, ST_LIMITED, "%s %s: QEMU's legacy C virtiofsd (O_PATH only)", prog, ver);
	else
		set(c, ST_OK, "%s %s", prog, ver);
}

static void check_qemu(struct doctor *d)
{
	struct check *c = &d->c[C_QEMU];
	char prog[4096], ver[64];
	struct stat st;
	bool kvm = stat("/dev/kvm", &st) == 0 && S_ISCHR(st.st_mode);

	if (!find_prog("qemu-system-x86_64", prog, sizeof(prog))) {
		set(c, ST_MISSING, "no qemu-system-x86_64 on PATH (apt-get install qemu-system-x86)");
	} else {
		prog_version(prog, "--version", ver, sizeof(ver));
		set(c, ST_OK, "qemu-system-x86_64 %s", ver);
	}
	/* Presence only: opening /dev/kvm can hang. */
	add(c, kvm ? "/dev/kvm present (not opened; -accel tcg always works)" :
		     "no /dev/kvm (-accel tcg)");
}

/* ---- output ---- */

static void init_checks(struct doctor *d)
{
	static const struct {
		const char *name;
		const char *needs[NEEDS_MAX + 1];
	} defs[C_COUNT] = {
		[C_FUSE] = { "fuse", { "stalefs mount", "every workload over a mount",
				       "integration tests" } },
		[C_CAPS] = { "capabilities", { "mounting as root (CAP_SYS_ADMIN)",
					       "inode modes prefer/mandatory (CAP_DAC_READ_SEARCH)",
					       "--unprivileged and --userns (a root daemon drops them)",
					       "workload read --overlay" } },
		[C_HANDLES] = { "file_handles", { "--inode-file-handles=prefer (else it runs as never)",
						  "--inode-file-handles=mandatory",
						  "handle-decode faults" } },
		[C_USERNS] = { "userns", { "--userns (the rootless-podman condition)" } },
		[C_IO_URING] = { "io_uring", { "workload storm" } },
		[C_OVERLAY] = { "overlayfs", { "workload read --overlay", "overlay tests" } },
		[C_TRACEFS] = { "tracefs", { "ESTALE attribution (daemon-made vs kernel-made)",
					     "pinpoint" } },
		[C_DROP_CACHES] = { "drop_caches", { "guest-side FORGET storms (read --drop-caches-ms)",
						     "kernel-evict action=drop-caches",
						     "integration tests" } },
		[C_MEMCG] = { "memory_cgroup", { "run --memory-pressure",
						  "pinpoint memory-pressure" } },
		[C_OSTREE] = { "ostree", { "workload ostree" } },
		[C_VIRTIOFSD] = { "virtiofsd", { "stalefs compare (planned)" } },
		[C_QEMU] = { "qemu", { "stalefs compare (planned): the guest" } },
	};

	for (int i = 0; i < C_COUNT; i++) {
		d->c[i].name = defs[i].name;
		d->c[i].st = ST_MISSING;
		memcpy(d->c[i].needs, defs[i].needs, sizeof(d->c[i].needs));
	}
}

struct summary {
	bool never, prefer, prefer_handles, mandatory;
	bool root, unprivileged, userns;
	bool read, storm, ostree, churn, overlay;
};

static void summarize(const struct facts *f, struct summary *s)
{
	s->never = f->mount_ok;
	/* prefer starts unless name_to_handle_at fails in an unusual way */
	s->prefer = f->mount_ok && f->handles != HANDLES_FATAL;
	s->prefer_handles = f->mount_ok && f->handles == HANDLES_OK;
	s->mandatory = s->prefer_handles;
	s->root = f->mount_ok && f->root;
	s->unprivileged = f->mount_ok;
	s->userns = f->mount_ok && f->root && f->userns;
	s->read = f->mount_ok;
	s->storm = f->mount_ok && f->io_uring;
	s->ostree = f->mount_ok && f->ostree;
	s->churn = f->mount_ok;
	s->overlay = f->mount_ok && f->overlay;
}

static const char *yes_no(bool v, const char *why)
{
	static char buf[8][96];
	static int n;
	char *b = buf[n++ % 8];

	if (v)
		return "yes";
	snprintf(b, sizeof(buf[0]), "no (%s)", why);
	return b;
}

static void print_text(const struct doctor *d, const struct utsname *u, long cpus)
{
	const struct facts *f = &d->f;
	struct summary s;
	const char *mnt = "fuse";

	summarize(f, &s);
	printf("stalefs %s doctor: kernel %s, %ld cpu%s, euid %u\n", STALEFS_VERSION, u->release,
	       cpus, cpus == 1 ? "" : "s", (unsigned)geteuid());
	for (int i = 0; i < C_COUNT; i++)
		printf("%-8s %-14s %s\n", status_names[d->c[i].st], d->c[i].name, d->c[i].detail);
	printf("\ncan run:\n");
	printf("  inode modes  never %s, prefer %s, mandatory %s\n", yes_no(s.never, mnt),
	       !s.prefer ? yes_no(false, f->mount_ok ? "file_handles" : mnt) :
	       s.prefer_handles ? "yes" : "degrades to never (file_handles)",
	       yes_no(s.mandatory, f->mount_ok ? "file_handles" : mnt));
	printf("  privileges   root %s, unprivileged %s, userns %s\n",
	       yes_no(s.root, f->mount_ok ? "capabilities" : mnt), yes_no(s.unprivileged, mnt),
	       yes_no(s.userns, !f->mount_ok ? mnt : !f->root ? "capabilities" : "userns"));
	printf("  workloads    read %s, storm %s, ostree %s, churn %s, overlay %s\n",
	       yes_no(s.read, mnt), yes_no(s.storm, f->mount_ok ? "io_uring" : mnt),
	       yes_no(s.ostree, f->mount_ok ? "ostree" : mnt), yes_no(s.churn, mnt),
	       yes_no(s.overlay, f->mount_ok ? "overlayfs" : mnt));
	printf("  attribution  tracefs %s\n", yes_no(f->tracefs, "tracefs"));
}

static const char *jb(bool v)
{
	return v ? "true" : "false";
}

static void print_json(const struct doctor *d, const struct utsname *u, long cpus)
{
	const struct facts *f = &d->f;
	struct summary s;

	summarize(f, &s);
	printf("{\"stalefs\":");
	json_put_string(stdout, STALEFS_VERSION);
	printf(",\"kernel\":");
	json_put_string(stdout, u->release);
	printf(",\"cpus\":%ld,\"euid\":%u,\"dir\":", cpus, (unsigned)geteuid());
	json_put_string(stdout, d->dir);
	printf(",\"checks\":[");
	for (int i = 0; i < C_COUNT; i++) {
		const struct check *c = &d->c[i];

		printf("%s{\"name\":", i ? "," : "");
		json_put_string(stdout, c->name);
		printf(",\"status\":");
		json_put_string(stdout, status_names[c->st]);
		printf(",\"detail\":");
		json_put_string(stdout, c->detail);
		printf(",\"needed_for\":[");
		for (int k = 0; c->needs[k]; k++) {
			if (k)
				putchar(',');
			json_put_string(stdout, c->needs[k]);
		}
		printf("]}");
	}
	printf("],\"can_run\":{\"modes\":{\"never\":%s,\"prefer\":%s,\"mandatory\":%s},"
	       "\"prefer_effective\":%s,",
	       jb(s.never), jb(s.prefer), jb(s.mandatory),
	       !s.prefer ? "null" : s.prefer_handles ? "\"prefer\"" : "\"never\"");
	printf("\"privileges\":{\"root\":%s,\"unprivileged\":%s,\"userns\":%s},",
	       jb(s.root), jb(s.unprivileged), jb(s.userns));
	printf("\"workloads\":{\"read\":%s,\"storm\":%s,\"ostree\":%s,\"churn\":%s,"
	       "\"overlay\":%s},", jb(s.read), jb(s.storm), jb(s.ostree), jb(s.churn),
	       jb(s.overlay));
	printf("\"tracefs\":%s}}\n", jb(f->tracefs));
}

static void usage(void)
{
	printf("usage: stalefs doctor [--json] [--dir DIR]\n"
	       "What this machine can run and why not: FUSE, capabilities, file handles on\n"
	       "DIR (default $TMPDIR or /tmp), user namespaces, io_uring, overlayfs, tracefs,\n"
	       "drop_caches, ostree, virtiofsd and qemu; each ok, limited or missing, with the\n"
	       "reason, then what can run (inode modes, privileges, workloads, attribution).\n"
	       "--json prints one JSON object instead. Probes are bounded (5 s) and leave\n"
	       "nothing behind.\n"
	       "exit: 0 when the checks ran (whatever they found), 2 usage\n");
}

int doctor_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d = { 0 };
	struct utsname u;
	struct stat st;
	bool json = false;
	long cpus;
	int c;

	d.tmp = getenv("TMPDIR");
	if (!d.tmp || !*d.tmp)
		d.tmp = "/tmp";
	d.dir = d.tmp;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'd':
			d.dir = optarg;
			break;
		case 'h':
			usage();
			return 0;
		case ':':
			fprintf(stderr, "stalefs doctor: %s needs an argument (try stalefs doctor "
				"--help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "stalefs doctor: unknown option '%s' (try stalefs doctor "
				"--help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "stalefs doctor: unexpected argument '%s' (try stalefs doctor "
			"--help)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (stat(d.dir, &st) < 0) {
		fprintf(stderr, "stalefs doctor: --dir %s: %s\n", d.dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "stalefs doctor: --dir %s: not a directory\n", d.dir);
		return EXIT_USAGE;
	}
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	cpus = sysconf(_SC_NPROCESSORS_ONLN);

	init_checks(&d);
	check_caps(&d);		/* first: the others read d.f.sys_admin */
	check_fuse(&d);
	check_handles(&d);
	check_userns(&d);
	check_io_uring(&d);
	check_overlay(&d);
	check_tracefs(&d);
	check_drop_caches(&d);
	check_memcg(&d);
	check_ostree(&d);
	check_virtiofsd(&d);
	check_qemu(&d);

	if (json)
		print_json(&d, &u, cpus);
	else
		print_text(&d, &u, cpus);
	fflush(stdout);
	return 0;
}
