// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls checks on a file's bytes (see syscalls_i.h): write and read back,
 * holes, truncate, fallocate, copy_file_range, SEEK_DATA/SEEK_HOLE, flock,
 * fsync, and an unlinked file that stays open.
 */
#include "syscalls_i.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errname.h"

static ssize_t do_copy_file_range(int in, off_t *off_in, int out,
				  off_t *off_out, size_t len)
{
#if GLIBC_AT_LEAST(2, 27)
	return copy_file_range(in, off_in, out, off_out, len, 0);
#else
	return syscall(SYS_copy_file_range, in, off_in, out, off_out, len, 0);
#endif
}

int create_write_read_matches_backing(struct ctx *c)
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

int pwrite_past_eof_leaves_hole(struct ctx *c)
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

int truncate_and_ftruncate_resize_backing(struct ctx *c)
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

int fallocate_grows_backing_file(struct ctx *c)
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

int copy_file_range_copies_bytes(struct ctx *c)
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

int seek_data_and_hole_match_backing(struct ctx *c)
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

int flock_conflicts_between_opens(struct ctx *c)
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

int fsync_and_fdatasync_succeed(struct ctx *c)
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

int unlinked_open_file_stays_readable(struct ctx *c)
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
