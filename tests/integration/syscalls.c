// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls - system call conformance test for the stalefs passthrough daemon.
 *
 * Usage: syscalls [-t NAME] MNTDIR BACKINGDIR
 *
 * MNTDIR must be a FUSE passthrough mount of BACKINGDIR.  Every check makes
 * a fresh directory MNTDIR/<check>, performs system calls through the mount,
 * verifies what they returned there (return values, errno, data, stat
 * fields) and then verifies their effect on BACKINGDIR/<check>, the same
 * relative path on the mirrored directory.  The check directory is removed
 * afterwards (best-effort).  The idea follows libfuse's test/test_syscalls.c,
 * but this program does not use libfuse at all.
 *
 * Results are printed as TAP on stdout, diagnostics go to stderr.  The exit
 * status is 0 when every check passed or was skipped, 1 when any check
 * failed and 2 on a usage error.  -t NAME runs only the check NAME.
 * Setting STALEFS_EXPECT_XATTR=1 makes a mount without xattr support a
 * failure instead of a skip.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

#ifdef __GLIBC_PREREQ
#define GLIBC_AT_LEAST(maj, min) __GLIBC_PREREQ(maj, min)
#else
#define GLIBC_AT_LEAST(maj, min) 0
#endif

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define MIB (1024 * 1024)
#define TEST_UID 1000
#define TEST_GID 1000
#define XATTR_NAME "user.stalefs"
#define MAX_DENTS 64
#define READDIR_FILES 50

#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))

/* The only mutable globals: the TAP counter and the two root paths. */
static int tap_num;
static const char *mnt_root;
static const char *back_root;

/* Per-check state: the check directory on both sides and the outcome. */
struct ctx {
	const char *name;
	char mdir[PATH_MAX];
	char bdir[PATH_MAX];
	char reason[2048];
	char skip[256];
};

/* One relative path, spelled through the mount (m) and on backing (b). */
struct pair {
	char m[PATH_MAX];
	char b[PATH_MAX];
};

struct dent {
	char name[NAME_MAX + 1];
	ino_t ino;
};

struct check {
	const char *name;
	int (*fn)(struct ctx *c);
};

/* ------------------------------------------------------------------ */
/* Reporting helpers                                                   */
/* ------------------------------------------------------------------ */


/* Record the first failure reason of a check; always returns -1. */
PRINTF_LIKE(2, 3)
static int failf(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->reason[0] != '\0')
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	return -1;
}

/* A call that should have succeeded returned -1; describe it with errno. */
PRINTF_LIKE(2, 3)
static int fail_sys(struct ctx *c, const char *fmt, ...)
{
	int err = errno;
	char call[1024], nb[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	return failf(c, "%s: expected success, got -1 %s", call,
		     errname(err, nb, sizeof(nb)));
}

/* A call that should have failed with errno @want returned @ret. */
PRINTF_LIKE(4, 5)
static int expect_errno(struct ctx *c, long ret, int want, const char *fmt, ...)
{
	int err = errno;
	char call[1024], nw[32], ng[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	if (ret != -1)
		return failf(c, "%s: expected -1 %s, got %ld", call,
			     errname(want, nw, sizeof(nw)), ret);
	if (err != want)
		return failf(c, "%s: expected -1 %s, got -1 %s", call,
			     errname(want, nw, sizeof(nw)),
			     errname(err, ng, sizeof(ng)));
	return 0;
}

/* Mark the check (or part of it) as skipped; returns 0. */
PRINTF_LIKE(2, 3)
static int skip_note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->skip, sizeof(c->skip), fmt, ap);
	va_end(ap);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Path, I/O and stat helpers                                          */
/* ------------------------------------------------------------------ */

static int mkpair(struct ctx *c, const char *rel, struct pair *p)
{
	int nm = snprintf(p->m, sizeof(p->m), "%s/%s", c->mdir, rel);
	int nb = snprintf(p->b, sizeof(p->b), "%s/%s", c->bdir, rel);

	if (nm < 0 || nb < 0 || (size_t)nm >= sizeof(p->m) ||
	    (size_t)nb >= sizeof(p->b))
		return failf(c, "path for '%s' is too long", rel);
	return 0;
}

static void fill_pattern(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + seed * 101 + (i >> 9));
}

static void close_quiet(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* close() and report its error (FUSE reports flush errors here). */
static int close_fd(struct ctx *c, int *fd, const char *what)
{
	int r = close(*fd);

	*fd = -1;
	if (r)
		return fail_sys(c, "close(%s)", what);
	return 0;
}

static int pwrite_exact(struct ctx *c, int fd, const void *buf, size_t len,
			off_t off, const char *what)
{
	ssize_t n = pwrite(fd, buf, len, off);

	if (n < 0)
		return fail_sys(c, "pwrite(%s, %zu bytes at %lld)", what, len,
				(long long)off);
	if ((size_t)n != len)
		return failf(c, "pwrite(%s, %zu bytes at %lld): expected %zu, got %zd",
			     what, len, (long long)off, len, n);
	return 0;
}

static int pread_exact(struct ctx *c, int fd, void *buf, size_t len,
		       off_t off, const char *what)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n < 0)
		return fail_sys(c, "pread(%s, %zu bytes at %lld)", what, len,
				(long long)off);
	if ((size_t)n != len)
		return failf(c, "pread(%s, %zu bytes at %lld): expected %zu, got %zd",
			     what, len, (long long)off, len, n);
	return 0;
}

static int expect_same_bytes(struct ctx *c, const char *what, off_t base,
			     const unsigned char *want,
			     const unsigned char *got, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (want[i] != got[i])
			return failf(c, "%s: byte at offset %lld: expected 0x%02x, got 0x%02x",
				     what, (long long)base + (long long)i,
				     want[i], got[i]);
	return 0;
}

/* Read a whole file into buf (at most cap bytes); *len gets the size. */
static int read_path(struct ctx *c, const char *path, unsigned char *buf,
		     size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY);
	int ret = 0;

	*len = 0;
	if (fd < 0)
		return fail_sys(c, "open(%s, O_RDONLY)", path);
	while (*len < cap) {
		ssize_t n = read(fd, buf + *len, cap - *len);

		if (n < 0) {
			ret = fail_sys(c, "read(%s)", path);
			break;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	return ret;
}

/* The file at path holds exactly want[0..wlen). */
static int expect_content(struct ctx *c, const char *path, const void *want,
			  size_t wlen)
{
	unsigned char *buf = malloc(wlen + 1);
	char what[PATH_MAX + 16];
	size_t len;
	int ret = -1;

	if (!buf)
		return failf(c, "out of memory");
	if (read_path(c, path, buf, wlen + 1, &len))
		goto out;
	if (len != wlen) {
		failf(c, "read(%s): expected %zu bytes of content, got %s%zu",
		      path, wlen, len > wlen ? "more than " : "", len);
		goto out;
	}
	snprintf(what, sizeof(what), "read(%s)", path);
	ret = expect_same_bytes(c, what, 0, want, buf, wlen);
out:
	free(buf);
	return ret;
}

/* The file at path holds want[0..len) at offset off. */
static int expect_bytes_at(struct ctx *c, const char *path, off_t off,
			   const void *want, size_t len)
{
	unsigned char *buf = malloc(len);
	char what[PATH_MAX + 48];
	int fd = -1, ret = -1;

	if (!buf)
		return failf(c, "out of memory");
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_RDONLY)", path);
		goto out;
	}
	if (pread_exact(c, fd, buf, len, off, path))
		goto out;
	snprintf(what, sizeof(what), "pread(%s, %zu bytes at %lld)", path,
		 len, (long long)off);
	ret = expect_same_bytes(c, what, off, want, buf, len);
out:
	close_quiet(fd);
	free(buf);
	return ret;
}

/* Create a new file with the given mode and content, and close it. */
static int create_file(struct ctx *c, const char *path, mode_t mode,
		       const void *data, size_t len)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, mode);

	if (fd < 0)
		return fail_sys(c, "open(%s, O_CREAT|O_EXCL|O_WRONLY, %04o)",
				path, (unsigned int)mode);
	if (len && pwrite_exact(c, fd, data, len, 0, path)) {
		close(fd);
		return -1;
	}
	return close_fd(c, &fd, path);
}

static int create_text(struct ctx *c, const char *path, const char *text)
{
	return create_file(c, path, 0644, text, strlen(text));
}

static int lstat_ok(struct ctx *c, const char *path, struct stat *st)
{
	if (lstat(path, st))
		return fail_sys(c, "lstat(%s)", path);
	return 0;
}

/* lstat the same relative path through the mount and on backing. */
static int lstat_pair(struct ctx *c, const struct pair *p, struct stat *ms,
		      struct stat *bs)
{
	if (lstat_ok(c, p->m, ms) || lstat_ok(c, p->b, bs))
		return -1;
	return 0;
}

static int expect_absent(struct ctx *c, const char *path)
{
	struct stat st;

	return expect_errno(c, lstat(path, &st), ENOENT, "lstat(%s)", path);
}

static const char *type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symlink";
	case S_IFIFO: return "fifo";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFSOCK: return "socket";
	default: return "unknown type";
	}
}

static int expect_type(struct ctx *c, const char *call, const char *path,
		       const struct stat *st, mode_t type)
{
	if ((st->st_mode & S_IFMT) != type)
		return failf(c, "%s(%s): expected a %s, got a %s", call, path,
			     type_name(type), type_name(st->st_mode));
	return 0;
}

static int expect_mode(struct ctx *c, const char *call, const char *path,
		       const struct stat *st, mode_t type, mode_t perm)
{
	if (expect_type(c, call, path, st, type))
		return -1;
	if ((st->st_mode & 07777) != perm)
		return failf(c, "%s(%s): expected mode %04o, got %04o", call,
			     path, (unsigned int)perm,
			     (unsigned int)(st->st_mode & 07777));
	return 0;
}

static int expect_size(struct ctx *c, const char *call, const char *path,
		       const struct stat *st, off_t size)
{
	if (st->st_size != size)
		return failf(c, "%s(%s): expected st_size %lld, got %lld", call,
			     path, (long long)size, (long long)st->st_size);
	return 0;
}

static int expect_nlink(struct ctx *c, const char *call, const char *path,
			const struct stat *st, nlink_t nlink)
{
	if (st->st_nlink != nlink)
		return failf(c, "%s(%s): expected st_nlink %lu, got %lu", call,
			     path, (unsigned long)nlink,
			     (unsigned long)st->st_nlink);
	return 0;
}

static int expect_owner(struct ctx *c, const char *call, const char *path,
			const struct stat *st, uid_t uid, gid_t gid)
{
	if (st->st_uid != uid || st->st_gid != gid)
		return failf(c, "%s(%s): expected owner %u:%u, got %u:%u", call,
			     path, (unsigned int)uid, (unsigned int)gid,
			     (unsigned int)st->st_uid, (unsigned int)st->st_gid);
	return 0;
}

/* The inode seen through the mount is the backing inode. */
static int expect_same_ino(struct ctx *c, const char *mpath,
			   const struct stat *ms, const char *bpath,
			   const struct stat *bs)
{
	if (ms->st_ino != bs->st_ino)
		return failf(c, "st_ino of %s is %llu through the mount, but %s has st_ino %llu",
			     mpath, (unsigned long long)ms->st_ino, bpath,
			     (unsigned long long)bs->st_ino);
	return 0;
}

static int expect_ts(struct ctx *c, const char *field, const char *path,
		     const struct timespec *got, const struct timespec *want)
{
	if (got->tv_sec != want->tv_sec || got->tv_nsec != want->tv_nsec)
		return failf(c, "lstat(%s): expected %s %lld.%09ld, got %lld.%09ld",
			     path, field, (long long)want->tv_sec, want->tv_nsec,
			     (long long)got->tv_sec, got->tv_nsec);
	return 0;
}

/* atime and mtime equal want[0] and want[1] on both sides. */
static int expect_times(struct ctx *c, const struct pair *f,
			const struct timespec want[2])
{
	struct stat ms, bs;

	if (lstat_pair(c, f, &ms, &bs))
		return -1;
	if (expect_ts(c, "st_atim", f->m, &ms.st_atim, &want[0]) ||
	    expect_ts(c, "st_mtim", f->m, &ms.st_mtim, &want[1]) ||
	    expect_ts(c, "st_atim", f->b, &bs.st_atim, &want[0]) ||
	    expect_ts(c, "st_mtim", f->b, &bs.st_mtim, &want[1]))
		return -1;
	return 0;
}

static int do_renameat2(const char *from, const char *to, unsigned int flags)
{
#if GLIBC_AT_LEAST(2, 28)
	return renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
#else
	return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
#endif
}

static ssize_t do_copy_file_range(int in, off_t *off_in, int out,
				  off_t *off_out, size_t len)
{
#if GLIBC_AT_LEAST(2, 27)
	return copy_file_range(in, off_in, out, off_out, len, 0);
#else
	return syscall(SYS_copy_file_range, in, off_in, out, off_out, len, 0);
#endif
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */
/* ------------------------------------------------------------------ */

static int create_write_read_matches_backing(struct ctx *c)
{
	unsigned char data[8192], back[8192];
	struct stat ms, bs;
	struct pair f;
	int fd = -1, fd2 = -1, ret = -1;

	if (mkpair(c, "file", &f))
		return -1;
	fill_pattern(data, sizeof(data), 1);
	fd = open(f.m, O_CREAT | O_EXCL | O_RDWR, 0640);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_CREAT|O_EXCL|O_RDWR, 0640)", f.m);
		goto out;
	}
	if (pwrite_exact(c, fd, data, sizeof(data), 0, f.m) ||
	    pread_exact(c, fd, back, sizeof(back), 0, f.m) ||
	    expect_same_bytes(c, "read back through the mount", 0, data, back,
			      sizeof(data)))
		goto out;
	if (fstat(fd, &ms)) {
		fail_sys(c, "fstat(%s)", f.m);
		goto out;
	}
	if (expect_mode(c, "fstat", f.m, &ms, S_IFREG, 0640) ||
	    expect_size(c, "fstat", f.m, &ms, sizeof(data)) ||
	    close_fd(c, &fd, f.m))
		goto out;
	if (expect_content(c, f.b, data, sizeof(data)) ||
	    lstat_ok(c, f.b, &bs) ||
	    expect_mode(c, "lstat", f.b, &bs, S_IFREG, 0640) ||
	    expect_same_ino(c, f.m, &ms, f.b, &bs))
		goto out;
	fd2 = open(f.m, O_CREAT | O_EXCL | O_RDWR, 0640);
	if (expect_errno(c, fd2, EEXIST,
			 "open(%s, O_CREAT|O_EXCL|O_RDWR) on an existing file", f.m))
		goto out;
	ret = 0;
out:
	close_quiet(fd);
	close_quiet(fd2);
	return ret;
}

static int pwrite_past_eof_leaves_hole(struct ctx *c)
{
	static const unsigned char zeros[4096];
	const off_t off = MIB;
	unsigned char data[4096];
	struct stat ms, bs;
	struct pair f;
	int fd = -1, ret = -1;

	if (mkpair(c, "sparse", &f))
		return -1;
	fill_pattern(data, sizeof(data), 2);
	fd = open(f.m, O_CREAT | O_EXCL | O_RDWR, 0644);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_CREAT|O_EXCL|O_RDWR, 0644)", f.m);
		goto out;
	}
	if (pwrite_exact(c, fd, data, sizeof(data), off, f.m))
		goto out;
	if (fstat(fd, &ms)) {
		fail_sys(c, "fstat(%s)", f.m);
		goto out;
	}
	if (expect_size(c, "fstat", f.m, &ms, off + (off_t)sizeof(data)) ||
	    close_fd(c, &fd, f.m))
		goto out;
	if (lstat_pair(c, &f, &ms, &bs) ||
	    expect_size(c, "lstat", f.m, &ms, off + (off_t)sizeof(data)) ||
	    expect_size(c, "lstat", f.b, &bs, off + (off_t)sizeof(data)))
		goto out;
	if ((off_t)bs.st_blocks * 512 >= off) {
		failf(c, "lstat(%s): expected a hole (st_blocks*512 < %lld), got st_blocks %lld",
		      f.b, (long long)off, (long long)bs.st_blocks);
		goto out;
	}
	if (expect_bytes_at(c, f.m, 0, zeros, sizeof(zeros)) ||
	    expect_bytes_at(c, f.m, off - (off_t)sizeof(zeros), zeros, sizeof(zeros)) ||
	    expect_bytes_at(c, f.m, off, data, sizeof(data)) ||
	    expect_bytes_at(c, f.b, 0, zeros, sizeof(zeros)) ||
	    expect_bytes_at(c, f.b, off, data, sizeof(data)))
		goto out;
	ret = 0;
out:
	close_quiet(fd);
	return ret;
}

/* Resize with ftruncate(fd) or, when fd < 0, truncate(path); verify both sides. */
static int resize_and_verify(struct ctx *c, const struct pair *f, int fd,
			     off_t size)
{
	struct stat ms, bs;

	if (fd >= 0) {
		if (ftruncate(fd, size))
			return fail_sys(c, "ftruncate(%s, %lld)", f->m,
					(long long)size);
		if (fstat(fd, &ms))
			return fail_sys(c, "fstat(%s)", f->m);
	} else {
		if (truncate(f->m, size))
			return fail_sys(c, "truncate(%s, %lld)", f->m,
					(long long)size);
		if (lstat_ok(c, f->m, &ms))
			return -1;
	}
	if (expect_size(c, fd >= 0 ? "fstat" : "lstat", f->m, &ms, size) ||
	    lstat_ok(c, f->b, &bs) ||
	    expect_size(c, "lstat", f->b, &bs, size))
		return -1;
	return 0;
}

static int truncate_and_ftruncate_resize_backing(struct ctx *c)
{
	unsigned char data[1000];
	unsigned char *want = NULL;
	const size_t final = 20000;
	struct pair f;
	int fd = -1, ret = -1;

	if (mkpair(c, "file", &f))
		return -1;
	fill_pattern(data, sizeof(data), 3);
	if (create_file(c, f.m, 0644, data, sizeof(data)))
		goto out;
	fd = open(f.m, O_RDWR);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_RDWR)", f.m);
		goto out;
	}
	if (resize_and_verify(c, &f, fd, 100) ||
	    resize_and_verify(c, &f, fd, 5000) ||
	    close_fd(c, &fd, f.m) ||
	    resize_and_verify(c, &f, -1, 10) ||
	    resize_and_verify(c, &f, -1, (off_t)final))
		goto out;
	want = calloc(1, final);
	if (!want) {
		failf(c, "out of memory");
		goto out;
	}
	memcpy(want, data, 10);
	if (expect_content(c, f.m, want, final) ||
	    expect_content(c, f.b, want, final))
		goto out;
	ret = 0;
out:
	free(want);
	close_quiet(fd);
	return ret;
}

static int expect_perm_pair(struct ctx *c, const struct pair *f, mode_t perm)
{
	struct stat ms, bs;

	if (lstat_pair(c, f, &ms, &bs) ||
	    expect_mode(c, "lstat", f->m, &ms, S_IFREG, perm) ||
	    expect_mode(c, "lstat", f->b, &bs, S_IFREG, perm))
		return -1;
	return 0;
}

static int chmod_fchmod_chown_update_backing(struct ctx *c)
{
	struct stat ms, bs;
	struct pair f;
	int fd = -1, ret = -1;

	if (mkpair(c, "file", &f) || create_text(c, f.m, "mode\n"))
		return -1;
	if (chmod(f.m, 0600)) {
		fail_sys(c, "chmod(%s, 0600)", f.m);
		goto out;
	}
	if (expect_perm_pair(c, &f, 0600))
		goto out;
	fd = open(f.m, O_RDONLY);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_RDONLY)", f.m);
		goto out;
	}
	if (fchmod(fd, 0705)) {
		fail_sys(c, "fchmod(%s, 0705)", f.m);
		goto out;
	}
	if (fstat(fd, &ms)) {
		fail_sys(c, "fstat(%s)", f.m);
		goto out;
	}
	if (expect_mode(c, "fstat", f.m, &ms, S_IFREG, 0705) ||
	    expect_perm_pair(c, &f, 0705))
		goto out;
	if (geteuid() != 0) {
		ret = skip_note(c, "chown part needs root");
		goto out;
	}
	if (chown(f.m, TEST_UID, TEST_GID)) {
		fail_sys(c, "chown(%s, %d, %d)", f.m, TEST_UID, TEST_GID);
		goto out;
	}
	if (lstat_pair(c, &f, &ms, &bs) ||
	    expect_owner(c, "lstat", f.m, &ms, TEST_UID, TEST_GID) ||
	    expect_owner(c, "lstat", f.b, &bs, TEST_UID, TEST_GID))
		goto out;
	ret = 0;
out:
	close_quiet(fd);
	return ret;
}

static int utimensat_and_futimens_set_backing_times(struct ctx *c)
{
	const struct timespec t1[2] = { { 1000000000, 123456789 },
					{ 1100000000, 987654321 } };
	const struct timespec t2[2] = { { 0, UTIME_OMIT },
					{ 1200000000, 5 } };
	const struct timespec t2_result[2] = { t1[0], t2[1] };
	const struct timespec t3[2] = { { 1300000000, 111111111 },
					{ 1400000000, 999999999 } };
	struct pair f;
	int fd = -1, ret = -1;

	if (mkpair(c, "file", &f) || create_text(c, f.m, "times\n"))
		return -1;
	if (utimensat(AT_FDCWD, f.m, t1, 0)) {
		fail_sys(c, "utimensat(%s, explicit times)", f.m);
		goto out;
	}
	if (expect_times(c, &f, t1))
		goto out;
	if (utimensat(AT_FDCWD, f.m, t2, 0)) {
		fail_sys(c, "utimensat(%s, atime UTIME_OMIT)", f.m);
		goto out;
	}
	if (expect_times(c, &f, t2_result))
		goto out;
	fd = open(f.m, O_RDONLY);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_RDONLY)", f.m);
		goto out;
	}
	if (futimens(fd, t3)) {
		fail_sys(c, "futimens(%s)", f.m);
		goto out;
	}
	if (expect_times(c, &f, t3))
		goto out;
	ret = 0;
out:
	close_quiet(fd);
	return ret;
}

static int mkdir_and_rmdir_mirror_backing(struct ctx *c)
{
	struct stat ms, bs;
	struct pair d, f;

	if (mkpair(c, "dir", &d) || mkpair(c, "dir/file", &f))
		return -1;
	if (mkdir(d.m, 0750))
		return fail_sys(c, "mkdir(%s, 0750)", d.m);
	if (lstat_pair(c, &d, &ms, &bs) ||
	    expect_mode(c, "lstat", d.m, &ms, S_IFDIR, 0750) ||
	    expect_mode(c, "lstat", d.b, &bs, S_IFDIR, 0750) ||
	    expect_same_ino(c, d.m, &ms, d.b, &bs))
		return -1;
	if (expect_errno(c, mkdir(d.m, 0750), EEXIST,
			 "mkdir(%s) on an existing directory", d.m))
		return -1;
	if (create_text(c, f.m, "x\n"))
		return -1;
	if (expect_errno(c, rmdir(d.m), ENOTEMPTY,
			 "rmdir(%s) on a non-empty directory", d.m) ||
	    lstat_ok(c, d.b, &bs))
		return -1;
	if (unlink(f.m))
		return fail_sys(c, "unlink(%s)", f.m);
	if (rmdir(d.m))
		return fail_sys(c, "rmdir(%s)", d.m);
	if (expect_absent(c, d.m) || expect_absent(c, d.b))
		return -1;
	return 0;
}

static int unlink_removes_backing_name(struct ctx *c)
{
	struct pair f, missing;

	if (mkpair(c, "file", &f) || mkpair(c, "missing", &missing) ||
	    create_text(c, f.m, "bye\n") || expect_content(c, f.b, "bye\n", 4))
		return -1;
	if (unlink(f.m))
		return fail_sys(c, "unlink(%s)", f.m);
	if (expect_absent(c, f.b) || expect_absent(c, f.m))
		return -1;
	if (expect_errno(c, unlink(missing.m), ENOENT,
			 "unlink(%s) of a missing name", missing.m) ||
	    expect_errno(c, unlink(f.m), ENOENT,
			 "unlink(%s) a second time", f.m))
		return -1;
	return 0;
}

static int expect_readlink(struct ctx *c, const char *path, const char *target)
{
	char buf[PATH_MAX];
	size_t want = strlen(target);
	ssize_t n = readlink(path, buf, sizeof(buf));

	if (n < 0)
		return fail_sys(c, "readlink(%s)", path);
	if ((size_t)n != want || memcmp(buf, target, want) != 0)
		return failf(c, "readlink(%s): expected \"%s\" (%zu bytes), got \"%.*s\" (%zd bytes)",
			     path, target, want, (int)n, buf, n);
	return 0;
}

static int symlink_round_trip(struct ctx *c, const char *name,
			      const char *target)
{
	struct stat ms, bs;
	struct pair l;

	if (mkpair(c, name, &l))
		return -1;
	if (symlink(target, l.m))
		return fail_sys(c, "symlink(\"%s\", %s)", target, l.m);
	if (expect_readlink(c, l.m, target) || expect_readlink(c, l.b, target))
		return -1;
	if (lstat_pair(c, &l, &ms, &bs) ||
	    expect_type(c, "lstat", l.m, &ms, S_IFLNK) ||
	    expect_type(c, "lstat", l.b, &bs, S_IFLNK) ||
	    expect_size(c, "lstat", l.m, &ms, (off_t)strlen(target)))
		return -1;
	return 0;
}

static int symlink_targets_read_back_exactly(struct ctx *c)
{
	if (symlink_round_trip(c, "relative", "some/../relative") ||
	    symlink_round_trip(c, "absolute", "/nonexistent/x"))
		return -1;
	return 0;
}

static int hardlink_shares_backing_inode(struct ctx *c)
{
	struct stat ma, mb, ba, bb;
	struct pair a, b;

	if (mkpair(c, "a", &a) || mkpair(c, "b", &b) ||
	    create_text(c, a.m, "linked\n"))
		return -1;
	if (link(a.m, b.m))
		return fail_sys(c, "link(%s, %s)", a.m, b.m);
	if (lstat_pair(c, &a, &ma, &ba) || lstat_pair(c, &b, &mb, &bb))
		return -1;
	if (expect_nlink(c, "lstat", a.m, &ma, 2) ||
	    expect_nlink(c, "lstat", b.m, &mb, 2) ||
	    expect_nlink(c, "lstat", a.b, &ba, 2) ||
	    expect_nlink(c, "lstat", b.b, &bb, 2))
		return -1;
	if (ma.st_ino != mb.st_ino)
		return failf(c, "lstat: %s has st_ino %llu but its hard link %s has %llu",
			     a.m, (unsigned long long)ma.st_ino, b.m,
			     (unsigned long long)mb.st_ino);
	if (expect_same_ino(c, a.m, &ma, a.b, &ba) ||
	    expect_same_ino(c, b.m, &mb, b.b, &bb) ||
	    expect_content(c, b.b, "linked\n", 7))
		return -1;
	return 0;
}

/* The path holds text on both sides of the mount. */
static int expect_text_pair(struct ctx *c, const struct pair *p,
			    const char *text)
{
	if (expect_content(c, p->b, text, strlen(text)) ||
	    expect_content(c, p->m, text, strlen(text)))
		return -1;
	return 0;
}

static int rename_variants_apply_to_backing(struct ctx *c)
{
	struct pair a, b, x, d;
	struct stat ms, bs;

	if (mkpair(c, "a", &a) || mkpair(c, "b", &b) ||
	    mkpair(c, "x", &x) || mkpair(c, "d", &d))
		return -1;
	/* plain rename */
	if (create_text(c, a.m, "A\n"))
		return -1;
	if (rename(a.m, b.m))
		return fail_sys(c, "rename(%s, %s)", a.m, b.m);
	if (expect_absent(c, a.b) || expect_absent(c, a.m) ||
	    expect_text_pair(c, &b, "A\n"))
		return -1;
	/* rename over an existing file */
	if (create_text(c, x.m, "X\n"))
		return -1;
	if (rename(x.m, b.m))
		return fail_sys(c, "rename(%s, %s) over an existing file", x.m, b.m);
	if (expect_absent(c, x.b) || expect_text_pair(c, &b, "X\n"))
		return -1;
	/* RENAME_NOREPLACE onto an existing name */
	if (create_text(c, d.m, "D\n"))
		return -1;
	if (expect_errno(c, do_renameat2(d.m, b.m, RENAME_NOREPLACE), EEXIST,
			 "renameat2(%s, %s, RENAME_NOREPLACE)", d.m, b.m) ||
	    expect_text_pair(c, &b, "X\n") || expect_text_pair(c, &d, "D\n"))
		return -1;
	/* RENAME_EXCHANGE */
	if (do_renameat2(d.m, b.m, RENAME_EXCHANGE))
		return fail_sys(c, "renameat2(%s, %s, RENAME_EXCHANGE)", d.m, b.m);
	if (expect_text_pair(c, &b, "D\n") || expect_text_pair(c, &d, "X\n"))
		return -1;
	if (lstat_pair(c, &b, &ms, &bs) ||
	    expect_same_ino(c, b.m, &ms, b.b, &bs))
		return -1;
	return 0;
}

static int expect_fifo_pair(struct ctx *c, const struct pair *p, mode_t perm)
{
	struct stat ms, bs;

	if (lstat_pair(c, p, &ms, &bs) ||
	    expect_mode(c, "lstat", p->m, &ms, S_IFIFO, perm) ||
	    expect_mode(c, "lstat", p->b, &bs, S_IFIFO, perm))
		return -1;
	return 0;
}

static int mkfifo_creates_backing_fifo(struct ctx *c)
{
	struct pair f1, f2;

	if (mkpair(c, "fifo", &f1) || mkpair(c, "fifo-mknod", &f2))
		return -1;
	if (mkfifo(f1.m, 0640))
		return fail_sys(c, "mkfifo(%s, 0640)", f1.m);
	if (expect_fifo_pair(c, &f1, 0640))
		return -1;
	if (mknod(f2.m, S_IFIFO | 0600, 0))
		return fail_sys(c, "mknod(%s, S_IFIFO|0600)", f2.m);
	return expect_fifo_pair(c, &f2, 0600);
}

static int cmp_dent(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name,
		      ((const struct dent *)b)->name);
}

/* Read a directory into ents (sorted by name). */
static int list_dir(struct ctx *c, const char *path, struct dent *ents,
		    size_t *n)
{
	DIR *d = opendir(path);
	int ret = 0;

	*n = 0;
	if (!d)
		return fail_sys(c, "opendir(%s)", path);
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				ret = fail_sys(c, "readdir(%s)", path);
			break;
		}
		if (*n == MAX_DENTS) {
			ret = failf(c, "readdir(%s): more than %d entries",
				    path, MAX_DENTS);
			break;
		}
		snprintf(ents[*n].name, sizeof(ents[*n].name), "%s", de->d_name);
		ents[*n].ino = de->d_ino;
		(*n)++;
	}
	closedir(d);
	if (ret == 0)
		qsort(ents, *n, sizeof(*ents), cmp_dent);
	return ret;
}

static bool has_dent(const struct dent *ents, size_t n, const char *name)
{
	struct dent key;

	snprintf(key.name, sizeof(key.name), "%s", name);
	return bsearch(&key, ents, n, sizeof(*ents), cmp_dent) != NULL;
}

/* d_ino from the mount and st_ino through the mount match backing st_ino. */
static int expect_dent_ino(struct ctx *c, const struct dent *e)
{
	struct stat ms, bs;
	struct pair p;

	if (mkpair(c, e->name, &p) || lstat_pair(c, &p, &ms, &bs))
		return -1;
	if (e->ino != 0 && e->ino != bs.st_ino)
		return failf(c, "readdir(%s): d_ino of '%s' is %llu, but %s has st_ino %llu",
			     c->mdir, e->name, (unsigned long long)e->ino,
			     p.b, (unsigned long long)bs.st_ino);
	return expect_same_ino(c, p.m, &ms, p.b, &bs);
}

static int readdir_lists_backing_entries(struct ctx *c)
{
	struct dent ments[MAX_DENTS], bents[MAX_DENTS];
	size_t mn, bn, i;
	char name[16];
	struct pair p;

	for (i = 0; i < READDIR_FILES; i++) {
		snprintf(name, sizeof(name), "f%02zu", i);
		if (mkpair(c, name, &p) || create_file(c, p.m, 0644, NULL, 0))
			return -1;
	}
	if (list_dir(c, c->mdir, ments, &mn) || list_dir(c, c->bdir, bents, &bn))
		return -1;
	if (!has_dent(ments, mn, ".") || !has_dent(ments, mn, ".."))
		return failf(c, "readdir(%s): '.' or '..' is missing", c->mdir);
	for (i = 0; i < READDIR_FILES; i++) {
		snprintf(name, sizeof(name), "f%02zu", i);
		if (!has_dent(ments, mn, name))
			return failf(c, "readdir(%s): '%s' is missing", c->mdir, name);
	}
	if (mn != READDIR_FILES + 2)
		return failf(c, "readdir(%s): expected %d entries, got %zu",
			     c->mdir, READDIR_FILES + 2, mn);
	/* Compare names with backing, ignoring whether backing shows . and .. */
	for (i = 0; i < bn; i++)
		if (!has_dent(ments, mn, bents[i].name))
			return failf(c, "readdir: backing %s has '%s', the mount does not",
				     c->bdir, bents[i].name);
	for (i = 0; i < mn; i++) {
		if (!strcmp(ments[i].name, ".") || !strcmp(ments[i].name, ".."))
			continue;
		if (!has_dent(bents, bn, ments[i].name))
			return failf(c, "readdir: the mount lists '%s', backing %s does not",
				     ments[i].name, c->bdir);
		if (expect_dent_ino(c, &ments[i]))
			return -1;
	}
	return 0;
}

static int statfs_matches_backing(struct ctx *c)
{
	struct statfs ms, bs;

	if (statfs(c->mdir, &ms))
		return fail_sys(c, "statfs(%s)", c->mdir);
	if (statfs(c->bdir, &bs))
		return fail_sys(c, "statfs(%s)", c->bdir);
	if (ms.f_bsize != bs.f_bsize)
		return failf(c, "statfs: f_bsize is %lld through the mount, %lld on backing",
			     (long long)ms.f_bsize, (long long)bs.f_bsize);
	if (ms.f_blocks != bs.f_blocks)
		return failf(c, "statfs: f_blocks is %llu through the mount, %llu on backing",
			     (unsigned long long)ms.f_blocks,
			     (unsigned long long)bs.f_blocks);
	if (ms.f_files != bs.f_files)
		return failf(c, "statfs: f_files is %llu through the mount, %llu on backing",
			     (unsigned long long)ms.f_files,
			     (unsigned long long)bs.f_files);
	return 0;
}

static int access_checks_mode_bits(struct ctx *c)
{
	struct pair ro, rw;
	struct stat bs;

	if (mkpair(c, "ro", &ro) || mkpair(c, "rw", &rw) ||
	    create_file(c, ro.m, 0400, "r\n", 2) ||
	    create_file(c, rw.m, 0644, "w\n", 2))
		return -1;
	if (lstat_ok(c, ro.b, &bs) ||
	    expect_mode(c, "lstat", ro.b, &bs, S_IFREG, 0400) ||
	    lstat_ok(c, rw.b, &bs) ||
	    expect_mode(c, "lstat", rw.b, &bs, S_IFREG, 0644))
		return -1;
	if (access(ro.m, R_OK))
		return fail_sys(c, "access(%s, R_OK) on a 0400 file", ro.m);
	/* Not even root may execute a file without any x bit. */
	if (expect_errno(c, access(rw.m, X_OK), EACCES,
			 "access(%s, X_OK) on a 0644 file", rw.m))
		return -1;
	if (geteuid() != 0 &&
	    expect_errno(c, access(ro.m, W_OK), EACCES,
			 "access(%s, W_OK) on a 0400 file", ro.m))
		return -1;
	return 0;
}

static int expect_xattr_value(struct ctx *c, const char *path,
			      const char *value)
{
	size_t want = strlen(value);
	char buf[256];
	ssize_t n;

	n = getxattr(path, XATTR_NAME, NULL, 0);
	if (n < 0)
		return fail_sys(c, "getxattr(%s, %s, size 0)", path, XATTR_NAME);
	if ((size_t)n != want)
		return failf(c, "getxattr(%s, %s, size 0): expected %zu, got %zd",
			     path, XATTR_NAME, want, n);
	n = getxattr(path, XATTR_NAME, buf, sizeof(buf));
	if (n < 0)
		return fail_sys(c, "getxattr(%s, %s)", path, XATTR_NAME);
	if ((size_t)n != want || memcmp(buf, value, want) != 0)
		return failf(c, "getxattr(%s, %s): expected \"%s\", got \"%.*s\"",
			     path, XATTR_NAME, value, (int)n, buf);
	return 0;
}

static int expect_xattr_listed(struct ctx *c, const char *path, bool listed)
{
	char list[4096];
	bool found = false;
	ssize_t n = listxattr(path, list, sizeof(list));
	ssize_t i;

	if (n < 0)
		return fail_sys(c, "listxattr(%s)", path);
	for (i = 0; i < n; i += (ssize_t)strnlen(list + i, (size_t)(n - i)) + 1)
		if (!strncmp(list + i, XATTR_NAME, (size_t)(n - i)))
			found = true;
	if (found != listed)
		return failf(c, "listxattr(%s): expected %s %s in the list",
			     path, XATTR_NAME, listed ? "to be" : "not to be");
	return 0;
}

static int expect_xattr_gone(struct ctx *c, const char *path)
{
	char buf[64];

	if (expect_errno(c, getxattr(path, XATTR_NAME, buf, sizeof(buf)),
			 ENODATA, "getxattr(%s, %s) after removexattr", path,
			 XATTR_NAME))
		return -1;
	return expect_xattr_listed(c, path, false);
}

static int xattrs_round_trip_to_backing(struct ctx *c)
{
	const char *expect = getenv("STALEFS_EXPECT_XATTR");
	struct pair f;
	int r;

	if (mkpair(c, "file", &f) || create_text(c, f.m, "xattr\n"))
		return -1;
	r = setxattr(f.m, XATTR_NAME, "v1", 2, 0);
	if (r < 0 && (errno == ENOTSUP || errno == ENOSYS)) {
		if (expect && !strcmp(expect, "1"))
			return fail_sys(c, "setxattr(%s, %s) with STALEFS_EXPECT_XATTR=1",
					f.m, XATTR_NAME);
		return skip_note(c, "xattr disabled on this mount");
	}
	if (r < 0)
		return fail_sys(c, "setxattr(%s, %s, \"v1\")", f.m, XATTR_NAME);
	if (expect_xattr_value(c, f.m, "v1") || expect_xattr_value(c, f.b, "v1") ||
	    expect_xattr_listed(c, f.m, true) || expect_xattr_listed(c, f.b, true))
		return -1;
	if (expect_errno(c, setxattr(f.m, XATTR_NAME, "v2", 2, XATTR_CREATE),
			 EEXIST, "setxattr(%s, %s, XATTR_CREATE) on an existing attribute",
			 f.m, XATTR_NAME))
		return -1;
	if (setxattr(f.m, XATTR_NAME, "v2-longer", 9, XATTR_REPLACE))
		return fail_sys(c, "setxattr(%s, %s, XATTR_REPLACE)", f.m, XATTR_NAME);
	if (expect_xattr_value(c, f.b, "v2-longer") ||
	    expect_xattr_value(c, f.m, "v2-longer"))
		return -1;
	if (removexattr(f.m, XATTR_NAME))
		return fail_sys(c, "removexattr(%s, %s)", f.m, XATTR_NAME);
	if (expect_xattr_gone(c, f.b) || expect_xattr_gone(c, f.m))
		return -1;
	return expect_errno(c, removexattr(f.m, XATTR_NAME), ENODATA,
			    "removexattr(%s, %s) a second time", f.m, XATTR_NAME);
}

static int fallocate_grows_backing_file(struct ctx *c)
{
	struct stat ms, before, after;
	struct pair f;
	int fd = -1, ret = -1;

	if (mkpair(c, "file", &f))
		return -1;
	fd = open(f.m, O_CREAT | O_EXCL | O_RDWR, 0644);
	if (fd < 0)
		return fail_sys(c, "open(%s, O_CREAT|O_EXCL|O_RDWR, 0644)", f.m);
	if (lstat_ok(c, f.b, &before))
		goto out;
	if (fallocate(fd, 0, 0, MIB)) {
		if (errno == EOPNOTSUPP)
			ret = skip_note(c, "fallocate not supported (EOPNOTSUPP)");
		else
			fail_sys(c, "fallocate(%s, 0, 0, 1 MiB)", f.m);
		goto out;
	}
	if (fstat(fd, &ms)) {
		fail_sys(c, "fstat(%s)", f.m);
		goto out;
	}
	if (expect_size(c, "fstat", f.m, &ms, MIB) ||
	    lstat_ok(c, f.b, &after) ||
	    expect_size(c, "lstat", f.b, &after, MIB))
		goto out;
	if (after.st_blocks <= before.st_blocks) {
		failf(c, "lstat(%s): expected st_blocks to grow from %lld, got %lld",
		      f.b, (long long)before.st_blocks, (long long)after.st_blocks);
		goto out;
	}
	ret = 0;
out:
	close_quiet(fd);
	return ret;
}

/* Copy all of sfd to dfd with copy_file_range, using the file offsets. */
static int copy_all(struct ctx *c, int sfd, int dfd, const struct pair *s,
		    const struct pair *d, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = do_copy_file_range(sfd, NULL, dfd, NULL, len - done);

		if (n < 0)
			return fail_sys(c, "copy_file_range(%s, %s, %zu)", s->m,
					d->m, len - done);
		if (n == 0)
			return failf(c, "copy_file_range(%s, %s): returned 0 after %zu of %zu bytes",
				     s->m, d->m, done, len);
		done += (size_t)n;
	}
	if (lseek(sfd, 0, SEEK_CUR) != (off_t)len ||
	    lseek(dfd, 0, SEEK_CUR) != (off_t)len)
		return failf(c, "copy_file_range(%s, %s): file offsets not advanced to %zu",
			     s->m, d->m, len);
	return 0;
}

static int copy_file_range_copies_bytes(struct ctx *c)
{
	const size_t len = 3 * 65536 + 123;
	const off_t off_in = 1000, off_out = 50;
	const size_t part = 4096;
	unsigned char *data = malloc(len);
	unsigned char *want2 = NULL;
	struct pair s, d, d2;
	off_t oi = off_in, oo = off_out;
	int sfd = -1, dfd = -1, ret = -1;
	ssize_t n;

	if (!data)
		return failf(c, "out of memory");
	fill_pattern(data, len, 4);
	if (mkpair(c, "src", &s) || mkpair(c, "dst", &d) ||
	    mkpair(c, "dst2", &d2) || create_file(c, s.m, 0644, data, len))
		goto out;
	sfd = open(s.m, O_RDONLY);
	if (sfd < 0) {
		fail_sys(c, "open(%s, O_RDONLY)", s.m);
		goto out;
	}
	dfd = open(d.m, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (dfd < 0) {
		fail_sys(c, "open(%s, O_CREAT|O_EXCL|O_WRONLY, 0644)", d.m);
		goto out;
	}
	if (copy_all(c, sfd, dfd, &s, &d, len) || close_fd(c, &dfd, d.m) ||
	    expect_content(c, d.b, data, len) || expect_content(c, d.m, data, len))
		goto out;
	/* With explicit offsets: copies from off_in to off_out, updates them. */
	dfd = open(d2.m, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (dfd < 0) {
		fail_sys(c, "open(%s, O_CREAT|O_EXCL|O_WRONLY, 0644)", d2.m);
		goto out;
	}
	n = do_copy_file_range(sfd, &oi, dfd, &oo, part);
	if (n < 0) {
		fail_sys(c, "copy_file_range(%s at %lld, %s at %lld, %zu)", s.m,
			 (long long)off_in, d2.m, (long long)off_out, part);
		goto out;
	}
	if ((size_t)n != part || oi != off_in + (off_t)part ||
	    oo != off_out + (off_t)part) {
		failf(c, "copy_file_range(%s, %s, %zu) with offsets: expected %zu and offsets %lld/%lld, got %zd and %lld/%lld",
		      s.m, d2.m, part, part, (long long)(off_in + (off_t)part),
		      (long long)(off_out + (off_t)part), n, (long long)oi,
		      (long long)oo);
		goto out;
	}
	if (close_fd(c, &dfd, d2.m))
		goto out;
	want2 = calloc(1, (size_t)off_out + part);
	if (!want2) {
		failf(c, "out of memory");
		goto out;
	}
	memcpy(want2 + off_out, data + off_in, part);
	if (expect_content(c, d2.b, want2, (size_t)off_out + part))
		goto out;
	ret = 0;
out:
	close_quiet(sfd);
	close_quiet(dfd);
	free(want2);
	free(data);
	return ret;
}

static void format_seek(char *buf, size_t len, off_t r, int err)
{
	char nb[32];

	if (r < 0)
		snprintf(buf, len, "-1 %s", errname(err, nb, sizeof(nb)));
	else
		snprintf(buf, len, "%lld", (long long)r);
}

/* lseek(off, whence) gives the same result through the mount and on backing. */
static int compare_seek(struct ctx *c, const struct pair *f, int mfd, int bfd,
			off_t off, int whence)
{
	const char *wn = whence == SEEK_DATA ? "SEEK_DATA" : "SEEK_HOLE";
	char mres[48], bres[48];
	off_t mr, br;
	int merr, berr;

	errno = 0;
	mr = lseek(mfd, off, whence);
	merr = errno;
	errno = 0;
	br = lseek(bfd, off, whence);
	berr = errno;
	if (mr == br && (mr >= 0 || merr == berr))
		return 0;
	format_seek(mres, sizeof(mres), mr, merr);
	format_seek(bres, sizeof(bres), br, berr);
	return failf(c, "lseek(%s, %lld, %s): expected %s (as on backing %s), got %s",
		     f->m, (long long)off, wn, bres, f->b, mres);
}

static int seek_data_and_hole_match_backing(struct ctx *c)
{
	const off_t offs[] = { 0, 100, 4095, 4096, 8192, MIB / 2, MIB - 1,
			       MIB, MIB + 100, MIB + 4095, MIB + 4096,
			       MIB + 8192 };
	unsigned char data[4096];
	struct pair f;
	int fd = -1, bfd = -1, ret = -1;
	size_t i;

	if (mkpair(c, "sparse", &f))
		return -1;
	fill_pattern(data, sizeof(data), 5);
	fd = open(f.m, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (fd < 0)
		return fail_sys(c, "open(%s, O_CREAT|O_EXCL|O_WRONLY, 0644)", f.m);
	if (pwrite_exact(c, fd, data, sizeof(data), 0, f.m) ||
	    pwrite_exact(c, fd, data, sizeof(data), MIB, f.m))
		goto out;
	if (fsync(fd)) {
		fail_sys(c, "fsync(%s)", f.m);
		goto out;
	}
	if (close_fd(c, &fd, f.m))
		goto out;
	fd = open(f.m, O_RDONLY);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_RDONLY)", f.m);
		goto out;
	}
	bfd = open(f.b, O_RDONLY);
	if (bfd < 0) {
		fail_sys(c, "open(%s, O_RDONLY)", f.b);
		goto out;
	}
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		if (compare_seek(c, &f, fd, bfd, offs[i], SEEK_DATA) ||
		    compare_seek(c, &f, fd, bfd, offs[i], SEEK_HOLE))
			goto out;
	ret = 0;
out:
	close_quiet(fd);
	close_quiet(bfd);
	return ret;
}

static int flock_conflicts_between_opens(struct ctx *c)
{
	struct stat ms, bs;
	struct pair f;
	int fd1 = -1, fd2 = -1, ret = -1;

	if (mkpair(c, "lock", &f) || create_text(c, f.m, "lock\n") ||
	    lstat_pair(c, &f, &ms, &bs) || expect_same_ino(c, f.m, &ms, f.b, &bs))
		return -1;
	fd1 = open(f.m, O_RDWR);
	fd2 = open(f.m, O_RDWR);
	if (fd1 < 0 || fd2 < 0) {
		fail_sys(c, "open(%s, O_RDWR)", f.m);
		goto out;
	}
	if (flock(fd1, LOCK_EX | LOCK_NB)) {
		if (errno == ENOSYS)
			ret = skip_note(c, "flock not supported (ENOSYS)");
		else
			fail_sys(c, "flock(first fd of %s, LOCK_EX|LOCK_NB)", f.m);
		goto out;
	}
	if (expect_errno(c, flock(fd2, LOCK_EX | LOCK_NB), EWOULDBLOCK,
			 "flock(second fd of %s, LOCK_EX|LOCK_NB) while locked",
			 f.m))
		goto out;
	if (flock(fd1, LOCK_UN)) {
		fail_sys(c, "flock(first fd of %s, LOCK_UN)", f.m);
		goto out;
	}
	if (flock(fd2, LOCK_EX | LOCK_NB)) {
		fail_sys(c, "flock(second fd of %s, LOCK_EX|LOCK_NB) after LOCK_UN",
			 f.m);
		goto out;
	}
	if (flock(fd2, LOCK_UN)) {
		fail_sys(c, "flock(second fd of %s, LOCK_UN)", f.m);
		goto out;
	}
	ret = 0;
out:
	close_quiet(fd1);
	close_quiet(fd2);
	return ret;
}

static int fsync_and_fdatasync_succeed(struct ctx *c)
{
	unsigned char data[10000];
	struct pair f;
	int fd = -1, dfd = -1, ret = -1;

	if (mkpair(c, "file", &f))
		return -1;
	fill_pattern(data, sizeof(data), 6);
	fd = open(f.m, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (fd < 0)
		return fail_sys(c, "open(%s, O_CREAT|O_EXCL|O_WRONLY, 0644)", f.m);
	if (pwrite_exact(c, fd, data, sizeof(data), 0, f.m))
		goto out;
	if (fsync(fd)) {
		fail_sys(c, "fsync(%s)", f.m);
		goto out;
	}
	if (fdatasync(fd)) {
		fail_sys(c, "fdatasync(%s)", f.m);
		goto out;
	}
	/* The data reached backing while the file is still open. */
	if (expect_content(c, f.b, data, sizeof(data)))
		goto out;
	dfd = open(c->mdir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		fail_sys(c, "open(%s, O_RDONLY|O_DIRECTORY)", c->mdir);
		goto out;
	}
	if (fsync(dfd)) {
		fail_sys(c, "fsync(directory %s)", c->mdir);
		goto out;
	}
	ret = 0;
out:
	close_quiet(fd);
	close_quiet(dfd);
	return ret;
}

static int unlinked_open_file_stays_readable(struct ctx *c)
{
	unsigned char data[5000], back[5000];
	struct stat ms;
	struct pair f;
	int fd = -1, ret = -1;

	if (mkpair(c, "doomed", &f))
		return -1;
	fill_pattern(data, sizeof(data), 7);
	if (create_file(c, f.m, 0644, data, sizeof(data)) ||
	    expect_content(c, f.b, data, sizeof(data)))
		return -1;
	fd = open(f.m, O_RDONLY);
	if (fd < 0)
		return fail_sys(c, "open(%s, O_RDONLY)", f.m);
	if (unlink(f.m)) {
		fail_sys(c, "unlink(%s) while open", f.m);
		goto out;
	}
	if (expect_absent(c, f.b) || expect_absent(c, f.m))
		goto out;
	if (pread_exact(c, fd, back, sizeof(back), 0, f.m) ||
	    expect_same_bytes(c, "pread on the unlinked file", 0, data, back,
			      sizeof(data)))
		goto out;
	if (fstat(fd, &ms)) {
		fail_sys(c, "fstat(%s) after unlink", f.m);
		goto out;
	}
	if (expect_nlink(c, "fstat", f.m, &ms, 0) ||
	    expect_mode(c, "fstat", f.m, &ms, S_IFREG, 0644) ||
	    expect_size(c, "fstat", f.m, &ms, sizeof(data)))
		goto out;
	ret = 0;
out:
	close_quiet(fd);
	return ret;
}

/* Runs in the child: drop to TEST_UID/TEST_GID and act through the mount. */
static int creds_child_body(struct ctx *c, const struct pair *own,
			    const struct pair *secret)
{
	int fd;

	if (setgroups(0, NULL))
		return fail_sys(c, "child: setgroups(0, NULL)");
	if (setgid(TEST_GID))
		return fail_sys(c, "child: setgid(%d)", TEST_GID);
	if (setuid(TEST_UID))
		return fail_sys(c, "child: setuid(%d)", TEST_UID);
	fd = open(own->m, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (fd < 0)
		return fail_sys(c, "child uid %d: open(%s, O_CREAT|O_EXCL|O_WRONLY, 0644)%s",
				TEST_UID, own->m,
				errno == EACCES ? " [is the mount allow_other?]" : "");
	if (pwrite_exact(c, fd, "child\n", 6, 0, own->m)) {
		close(fd);
		return -1;
	}
	if (close_fd(c, &fd, own->m))
		return -1;
	fd = open(secret->m, O_RDONLY);
	if (expect_errno(c, fd, EACCES,
			 "child uid %d: open(%s, O_RDONLY) of a 0600 root file",
			 TEST_UID, secret->m)) {
		close_quiet(fd);
		return -1;
	}
	return 0;
}

/* Fork, run creds_child_body in the child and collect its verdict. */
static int run_as_test_user(struct ctx *c, const struct pair *own,
			    const struct pair *secret)
{
	char buf[sizeof(c->reason)];
	size_t got = 0;
	int pfd[2], status;
	pid_t pid;

	if (pipe(pfd))
		return fail_sys(c, "pipe()");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return fail_sys(c, "fork()");
	}
	if (pid == 0) {
		int rc;

		close(pfd[0]);
		rc = creds_child_body(c, own, secret);
		if (write(pfd[1], c->reason, strlen(c->reason)) < 0)
			rc = -1;
		_exit(rc ? 1 : 0);
	}
	close(pfd[1]);
	while (got < sizeof(buf) - 1) {
		ssize_t n = read(pfd[0], buf + got, sizeof(buf) - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail_sys(c, "waitpid(%d)", (int)pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (got)
		return failf(c, "%.*s", (int)got, buf);
	if (WIFSIGNALED(status))
		return failf(c, "child killed by signal %d", WTERMSIG(status));
	return failf(c, "child exited with status %d", WEXITSTATUS(status));
}

static int child_credentials_apply_to_backing(struct ctx *c)
{
	struct pair pub, own, secret;
	struct stat ms, bs;

	if (geteuid() != 0)
		return skip_note(c, "needs root to switch credentials");
	if (mkpair(c, "pub", &pub) || mkpair(c, "pub/child", &own) ||
	    mkpair(c, "secret", &secret))
		return -1;
	if (mkdir(pub.m, 0777))
		return fail_sys(c, "mkdir(%s, 0777)", pub.m);
	if (lstat_ok(c, pub.b, &bs) ||
	    expect_mode(c, "lstat", pub.b, &bs, S_IFDIR, 0777))
		return -1;
	if (create_file(c, secret.m, 0600, "secret\n", 7) ||
	    lstat_ok(c, secret.b, &bs) ||
	    expect_mode(c, "lstat", secret.b, &bs, S_IFREG, 0600) ||
	    expect_owner(c, "lstat", secret.b, &bs, 0, 0))
		return -1;
	if (run_as_test_user(c, &own, &secret))
		return -1;
	if (lstat_pair(c, &own, &ms, &bs) ||
	    expect_owner(c, "lstat", own.b, &bs, TEST_UID, TEST_GID) ||
	    expect_owner(c, "lstat", own.m, &ms, TEST_UID, TEST_GID) ||
	    expect_mode(c, "lstat", own.b, &bs, S_IFREG, 0644) ||
	    expect_same_ino(c, own.m, &ms, own.b, &bs))
		return -1;
	return expect_content(c, own.b, "child\n", 6);
}

/* ------------------------------------------------------------------ */
/* Runner                                                              */
/* ------------------------------------------------------------------ */

#define CHECK(fn) { #fn, fn }

static const struct check checks[] = {
	CHECK(create_write_read_matches_backing),
	CHECK(pwrite_past_eof_leaves_hole),
	CHECK(truncate_and_ftruncate_resize_backing),
	CHECK(chmod_fchmod_chown_update_backing),
	CHECK(utimensat_and_futimens_set_backing_times),
	CHECK(mkdir_and_rmdir_mirror_backing),
	CHECK(unlink_removes_backing_name),
	CHECK(symlink_targets_read_back_exactly),
	CHECK(hardlink_shares_backing_inode),
	CHECK(rename_variants_apply_to_backing),
	CHECK(mkfifo_creates_backing_fifo),
	CHECK(readdir_lists_backing_entries),
	CHECK(statfs_matches_backing),
	CHECK(access_checks_mode_bits),
	CHECK(xattrs_round_trip_to_backing),
	CHECK(fallocate_grows_backing_file),
	CHECK(copy_file_range_copies_bytes),
	CHECK(seek_data_and_hole_match_backing),
	CHECK(flock_conflicts_between_opens),
	CHECK(fsync_and_fdatasync_succeed),
	CHECK(unlinked_open_file_stays_readable),
	CHECK(child_credentials_apply_to_backing),
};

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path))
		fprintf(stderr, "syscalls: cleanup: remove(%s): %s\n", path,
			strerror(errno));
	return 0;
}

/* Best-effort recursive removal of a check directory (through the mount). */
static void remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) && errno == ENOENT)
		return;
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT))
		fprintf(stderr, "syscalls: cleanup: nftw(%s): %s\n", path,
			strerror(errno));
}

static int setup_check_dir(struct ctx *c)
{
	int nm = snprintf(c->mdir, sizeof(c->mdir), "%s/%s", mnt_root, c->name);
	int nb = snprintf(c->bdir, sizeof(c->bdir), "%s/%s", back_root, c->name);

	if (nm < 0 || nb < 0 || (size_t)nm >= sizeof(c->mdir) ||
	    (size_t)nb >= sizeof(c->bdir))
		return failf(c, "setup: check directory path is too long");
	remove_tree(c->mdir);
	if (mkdir(c->mdir, 0755))
		return fail_sys(c, "setup: mkdir(%s, 0755)", c->mdir);
	return 0;
}

/* TAP wants one line per result: flatten any newline in the reason. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static int run_check(const struct check *chk)
{
	struct ctx *c = calloc(1, sizeof(*c));
	int rc;

	tap_num++;
	if (!c) {
		printf("not ok %d - %s: out of memory\n", tap_num, chk->name);
		fflush(stdout);
		return -1;
	}
	c->name = chk->name;
	rc = setup_check_dir(c);
	if (rc == 0) {
		rc = chk->fn(c);
		remove_tree(c->mdir);
	}
	if (rc != 0) {
		if (c->reason[0] == '\0')
			snprintf(c->reason, sizeof(c->reason), "failed (no reason recorded)");
		one_line(c->reason);
		printf("not ok %d - %s: %s\n", tap_num, chk->name, c->reason);
	} else if (c->skip[0] != '\0') {
		one_line(c->skip);
		printf("ok %d - %s # SKIP %s\n", tap_num, chk->name, c->skip);
	} else {
		printf("ok %d - %s\n", tap_num, chk->name);
	}
	fflush(stdout);
	free(c);
	return rc ? -1 : 0;
}

static const struct check *find_check(const char *name)
{
	size_t i;

	for (i = 0; i < NCHECKS; i++)
		if (!strcmp(checks[i].name, name))
			return &checks[i];
	return NULL;
}

static void strip_trailing_slashes(char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
}

static int usage(void)
{
	fprintf(stderr, "usage: syscalls [-t NAME] MNTDIR BACKINGDIR\n");
	return 2;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
	const struct check *only = NULL;
	int opt, failed = 0;
	size_t i;

	opterr = 0;
	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			return usage();
		only = find_check(optarg);
		if (!only) {
			fprintf(stderr, "syscalls: unknown check '%s'\n", optarg);
			return 2;
		}
	}
	if (argc - optind != 2)
		return usage();
	strip_trailing_slashes(argv[optind]);
	strip_trailing_slashes(argv[optind + 1]);
	mnt_root = argv[optind];
	back_root = argv[optind + 1];
	if (!is_dir(mnt_root) || !is_dir(back_root)) {
		fprintf(stderr, "syscalls: %s is not a directory\n",
			is_dir(mnt_root) ? back_root : mnt_root);
		return 2;
	}
	umask(0);

	printf("1..%zu\n", only ? (size_t)1 : NCHECKS);
	fflush(stdout);
	for (i = 0; i < NCHECKS; i++) {
		if (only && only != &checks[i])
			continue;
		if (run_check(&checks[i]))
			failed = 1;
	}
	return failed ? 1 : 0;
}
