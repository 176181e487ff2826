// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every syscalls check uses (see syscalls_i.h): recording a verdict
 * (failf, fail_sys, expect_errno, skip_note) and the path, I/O and stat
 * helpers that compare the mount with the backing dir.
 */
#include "syscalls_i.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errname.h"

/* ------------------------------------------------------------------ */
/* Reporting helpers                                                   */
/* ------------------------------------------------------------------ */

/* Record the first failure reason of a check; always returns -1. */
PRINTF_LIKE(2, 3)
int failf(struct ctx *c, const char *fmt, ...)
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
int fail_sys(struct ctx *c, const char *fmt, ...)
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
int expect_errno(struct ctx *c, long ret, int want, const char *fmt, ...)
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
int skip_note(struct ctx *c, const char *fmt, ...)
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

int mkpair(struct ctx *c, const char *rel, struct pair *p)
{
	int nm = snprintf(p->m, sizeof(p->m), "%s/%s", c->mdir, rel);
	int nb = snprintf(p->b, sizeof(p->b), "%s/%s", c->bdir, rel);

	if (nm < 0 || nb < 0 || (size_t)nm >= sizeof(p->m) ||
	    (size_t)nb >= sizeof(p->b))
		return failf(c, "path for '%s' is too long", rel);
	return 0;
}

void fill_pattern(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + seed * 101 + (i >> 9));
}

void close_quiet(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* close() and report its error (FUSE reports flush errors here). */
int close_fd(struct ctx *c, int *fd, const char *what)
{
	int r = close(*fd);

	*fd = -1;
	if (r)
		return fail_sys(c, "close(%s)", what);
	return 0;
}

int pwrite_exact(struct ctx *c, int fd, const void *buf, size_t len,
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

int pread_exact(struct ctx *c, int fd, void *buf, size_t len,
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

int expect_same_bytes(struct ctx *c, const char *what, off_t base,
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
int read_path(struct ctx *c, const char *path, unsigned char *buf,
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
int expect_content(struct ctx *c, const char *path, const void *want,
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
int expect_bytes_at(struct ctx *c, const char *path, off_t off,
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
int create_file(struct ctx *c, const char *path, mode_t mode,
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

int create_text(struct ctx *c, const char *path, const char *text)
{
	return create_file(c, path, 0644, text, strlen(text));
}

int lstat_ok(struct ctx *c, const char *path, struct stat *st)
{
	if (lstat(path, st))
		return fail_sys(c, "lstat(%s)", path);
	return 0;
}

/* lstat the same relative path through the mount and on backing. */
int lstat_pair(struct ctx *c, const struct pair *p, struct stat *ms,
	       struct stat *bs)
{
	if (lstat_ok(c, p->m, ms) || lstat_ok(c, p->b, bs))
		return -1;
	return 0;
}

int expect_absent(struct ctx *c, const char *path)
{
	struct stat st;

	return expect_errno(c, lstat(path, &st), ENOENT, "lstat(%s)", path);
}

const char *type_name(mode_t mode)
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

int expect_type(struct ctx *c, const char *call, const char *path,
		const struct stat *st, mode_t type)
{
	if ((st->st_mode & S_IFMT) != type)
		return failf(c, "%s(%s): expected a %s, got a %s", call, path,
			     type_name(type), type_name(st->st_mode));
	return 0;
}

int expect_mode(struct ctx *c, const char *call, const char *path,
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

int expect_size(struct ctx *c, const char *call, const char *path,
		const struct stat *st, off_t size)
{
	if (st->st_size != size)
		return failf(c, "%s(%s): expected st_size %lld, got %lld", call,
			     path, (long long)size, (long long)st->st_size);
	return 0;
}

int expect_nlink(struct ctx *c, const char *call, const char *path,
		 const struct stat *st, nlink_t nlink)
{
	if (st->st_nlink != nlink)
		return failf(c, "%s(%s): expected st_nlink %lu, got %lu", call,
			     path, (unsigned long)nlink,
			     (unsigned long)st->st_nlink);
	return 0;
}

int expect_owner(struct ctx *c, const char *call, const char *path,
		 const struct stat *st, uid_t uid, gid_t gid)
{
	if (st->st_uid != uid || st->st_gid != gid)
		return failf(c, "%s(%s): expected owner %u:%u, got %u:%u", call,
			     path, (unsigned int)uid, (unsigned int)gid,
			     (unsigned int)st->st_uid, (unsigned int)st->st_gid);
	return 0;
}

/* The inode seen through the mount is the backing inode. */
int expect_same_ino(struct ctx *c, const char *mpath,
		    const struct stat *ms, const char *bpath,
		    const struct stat *bs)
{
	if (ms->st_ino != bs->st_ino)
		return failf(c, "st_ino of %s is %llu through the mount, but %s has st_ino %llu",
			     mpath, (unsigned long long)ms->st_ino, bpath,
			     (unsigned long long)bs->st_ino);
	return 0;
}

int expect_ts(struct ctx *c, const char *field, const char *path,
	      const struct timespec *got, const struct timespec *want)
{
	if (got->tv_sec != want->tv_sec || got->tv_nsec != want->tv_nsec)
		return failf(c, "lstat(%s): expected %s %lld.%09ld, got %lld.%09ld",
			     path, field, (long long)want->tv_sec, want->tv_nsec,
			     (long long)got->tv_sec, got->tv_nsec);
	return 0;
}

/* atime and mtime equal want[0] and want[1] on both sides. */
int expect_times(struct ctx *c, const struct pair *f,
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
