// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File operations: open, create, read, write_buf, flush, release, fsync,
 * fallocate, copy_file_range, lseek. Locks (flock, POSIX) stay in the kernel, as
 * with virtiofsd's defaults. fi->fh holds the daemon's fd,
 * reopened from the entry (backing_reopen) with the flags the kernel gave.
 * Open flags follow the cache policy as in virtiofsd (research §4).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "creds.h"
#include "errsrc.h"
#include "ops.h"

static bool flags_write(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

static void set_open_flags(const struct daemon *d, struct fuse_file_info *fi)
{
	fi->direct_io = d->cfg->file_direct_io;
	fi->keep_cache = d->cfg->file_keep_cache;
}

void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_OPEN);
	bool trunc_as_caller;
	struct inode *inode;
	struct stat st;
	int ret, fd;

	if (flags_write(fi->flags)) {
		ret = op_check_writable(d);
		if (ret < 0)
			goto out_err;
	}
	ret = op_get_inode(d, ino, &inode);
	if (ret < 0)
		goto out_err;
	trunc_as_caller = (fi->flags & O_TRUNC) && (fi->flags & O_ACCMODE) != O_RDONLY &&
			  fuse_req_ctx(req)->uid != 0 && backing_getattr(&d->backing, inode, &st) == 0 &&
			  S_ISREG(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID));
	/* A set-id file truncated as root keeps its bits: open it without
	 * O_TRUNC and truncate it once, as the caller (op_as_setid_caller). */
	fd = op_guest_open(d, inode, trunc_as_caller ? fi->flags & ~O_TRUNC : fi->flags);
	store_put(&d->store, inode);
	if (fd < 0) {
		ret = fd;
		goto out_err;
	}
	if (trunc_as_caller) {
		struct creds_saved saved;

		op_as_setid_caller(req, fd, &saved);
		ret = ftruncate(fd, 0) < 0 ? host_err("ftruncate") : 0;
		creds_leave(&saved);
		if (ret < 0) {
			op_guest_close(d, fd);
			goto out_err;
		}
	}
	fi->fh = fd;
	set_open_flags(d, fi);
	reply_done(d, OP_OPEN);
	if (fuse_reply_open(req, fi) != 0)
		op_guest_close(d, fd);
	return;
out_err:
	reply_err(req, OP_OPEN, ino, NULL, ret);
}

void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	       struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_CREATE);
	struct op_fd dir = { .inode = NULL };
	struct fuse_entry_param e;
	struct creds_saved saved;
	struct inode *inode;
	gid_t groups[64];
	struct creds c;
	int ret, fd = -1;

	ret = op_check_writable(d);
	if (ret == 0)
		ret = op_open_path(d, parent, &dir);
	if (ret < 0)
		goto out;
	op_req_creds(req, &c, groups, 64);
	ret = creds_enter(&c, &saved);
	if (ret < 0)
		goto out;
	fd = backing_create(&d->backing, dir.pfd.fd, name, fi->flags, mode);
	ret = fd < 0 ? fd : 0;
	creds_leave(&saved);
	if (ret == 0)
		ret = op_do_lookup(d, dir.inode, name, &e, &inode);
	if (ret == 0) {
		/* virtiofsd 1.13.2 counts the handle after the lookup; unlike it,
		 * the lookup's reference goes back when that fails. */
		ret = fdlimit_take(&d->fdl);
		if (ret < 0) {
			store_unref(&d->store, inode, 1);
			store_put(&d->store, inode);
		}
	}
out:
	op_close_path(d, &dir);
	if (ret < 0) {
		if (fd >= 0)
			close(fd);
		reply_err(req, OP_CREATE, parent, name, ret);
		return;
	}
	fi->fh = fd;
	set_open_flags(d, fi);
	reply_done(d, OP_CREATE);
	if (fuse_reply_create(req, &e, fi) != 0) {
		op_guest_close(d, fd);
		store_unref(&d->store, inode, 1);
	}
	store_put(&d->store, inode);
}

/*
 * pread into a buffer and reply with it. libfuse 3.14's zero-copy
 * fuse_reply_data() answers a failed read itself, which would hide the errno
 * from the event log; attribution matters more here than one copy.
 */
void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_READ);
	char *buf = malloc(size ? size : 1);
	ssize_t n;

	if (!buf) {
		reply_err(req, OP_READ, ino, NULL, daemon_err("malloc", -ENOMEM));
		return;
	}
	n = pread(fi->fh, buf, size, off);
	if (n < 0) {
		reply_err(req, OP_READ, ino, NULL, host_err("pread"));
	} else {
		reply_done(d, OP_READ);
		fuse_reply_buf(req, buf, n);
	}
	free(buf);
}

void op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *in_buf, off_t off,
		  struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_WRITE);
	struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in_buf));
	struct creds_saved saved;
	ssize_t n;
	int ret;

	ret = op_check_writable(d);
	if (ret < 0) {
		reply_err(req, OP_WRITE, ino, NULL, ret);
		return;
	}
	out.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	out.buf[0].fd = fi->fh;
	out.buf[0].pos = off;
	op_as_setid_caller(req, fi->fh, &saved);
	n = fuse_buf_copy(&out, in_buf, 0);
	creds_leave(&saved);
	if (n < 0) {
		reply_err(req, OP_WRITE, ino, NULL, errsrc_set(ERRSRC_HOST, "pwrite", (int)n));
		return;
	}
	reply_done(d, OP_WRITE);
	fuse_reply_write(req, n);
}

void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	int fd;

	req_begin(req, OP_FLUSH);
	/* close() of a dup reports what close() of the last fd would (NFS-style). */
	fd = dup(fi->fh);
	if (fd < 0) {
		reply_err(req, OP_FLUSH, ino, NULL, host_err("dup"));
		return;
	}
	reply_err(req, OP_FLUSH, ino, NULL, close(fd) < 0 ? host_err("close") : 0);
}

void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_RELEASE);

	op_guest_close(d, fi->fh);
	reply_err(req, OP_RELEASE, ino, NULL, 0);
}

void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	int ret;

	req_begin(req, OP_FSYNC);
	ret = datasync ? fdatasync(fi->fh) : fsync(fi->fh);
	reply_err(req, OP_FSYNC, ino, NULL, ret < 0 ? host_err("fsync") : 0);
}

void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
		  struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_FALLOCATE);
	struct creds_saved saved;
	int ret = op_check_writable(d);

	if (ret == 0) {
		op_as_setid_caller(req, fi->fh, &saved);
		if (fallocate(fi->fh, mode, offset, length) < 0)
			ret = host_err("fallocate");
		creds_leave(&saved);
	}
	reply_err(req, OP_FALLOCATE, ino, NULL, ret);
}

void op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			struct fuse_file_info *fi_in, fuse_ino_t ino_out, off_t off_out,
			struct fuse_file_info *fi_out, size_t len, int flags)
{
	struct daemon *d = req_begin(req, OP_COPY_FILE_RANGE);
	struct creds_saved saved;
	ssize_t n;
	int ret = op_check_writable(d);

	if (ret < 0) {
		reply_err(req, OP_COPY_FILE_RANGE, ino_out, NULL, ret);
		return;
	}
	op_as_setid_caller(req, fi_out->fh, &saved);
	n = copy_file_range(fi_in->fh, &off_in, fi_out->fh, &off_out, len, flags);
	creds_leave(&saved);
	if (n < 0) {
		reply_err(req, OP_COPY_FILE_RANGE, ino_out, NULL, host_err("copy_file_range"));
		return;
	}
	reply_done(d, OP_COPY_FILE_RANGE);
	fuse_reply_write(req, n);
}

void op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence, struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_LSEEK);
	off_t res = lseek(fi->fh, off, whence);

	if (res < 0) {
		reply_err(req, OP_LSEEK, ino, NULL, host_err("lseek"));
		return;
	}
	reply_done(d, OP_LSEEK);
	fuse_reply_lseek(req, res);
}
