// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Extended attributes, only with --xattr (virtiofsd answers ENOSYS
 * otherwise, so the kernel stops asking). The calls go through
 * /proc/self/fd/N, which works for O_PATH fds and handle-opened fds alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/xattr.h>

#include "errsrc.h"
#include "ops.h"

/* Path of the entry's O_PATH fd into path; of must be closed after use. */
static int xattr_path(struct daemon *d, fuse_ino_t ino, struct op_fd *of, char *path, size_t len)
{
	int ret;

	if (!d->cfg->xattr)
		return daemon_err("xattr-disabled", -ENOSYS);
	ret = op_open_path(d, ino, of);
	if (ret == 0)
		proc_fd_path(path, len, of->pfd.fd);
	return ret;
}

void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
		 size_t size, int flags)
{
	struct daemon *d = req_begin(req, OP_SETXATTR);
	struct op_fd of;
	char path[64];
	int ret = op_check_writable(d);

	if (ret == 0)
		ret = xattr_path(d, ino, &of, path, sizeof(path));
	if (ret == 0) {
		ret = setxattr(path, name, value, size, flags) < 0 ? host_err("setxattr") : 0;
		op_close_path(d, &of);
	}
	reply_err(req, OP_SETXATTR, ino, name, ret);
}

/* getxattr and listxattr answer a size query (size 0) or the bytes. */
static void reply_sized(fuse_req_t req, enum op op, fuse_ino_t ino, const char *name,
			size_t size, ssize_t n, const char *buf)
{
	struct daemon *d = fuse_req_userdata(req);

	if (n < 0) {
		reply_err(req, op, ino, name, (int)n);
		return;
	}
	reply_done(d, op);
	if (size == 0)
		fuse_reply_xattr(req, n);
	else
		fuse_reply_buf(req, buf, n);
}

void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct daemon *d = req_begin(req, OP_GETXATTR);
	char *buf = NULL, path[64];
	struct op_fd of;
	ssize_t n = xattr_path(d, ino, &of, path, sizeof(path));

	if (n == 0) {
		buf = size ? malloc(size) : NULL;
		if (size && !buf)
			n = daemon_err("malloc", -ENOMEM);
		else if ((n = getxattr(path, name, buf, size)) < 0)
			n = host_err("getxattr");
		op_close_path(d, &of);
	}
	reply_sized(req, OP_GETXATTR, ino, name, size, n, buf);
	free(buf);
}

void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct daemon *d = req_begin(req, OP_LISTXATTR);
	char *buf = NULL, path[64];
	struct op_fd of;
	ssize_t n = xattr_path(d, ino, &of, path, sizeof(path));

	if (n == 0) {
		buf = size ? malloc(size) : NULL;
		if (size && !buf)
			n = daemon_err("malloc", -ENOMEM);
		else if ((n = listxattr(path, buf, size)) < 0)
			n = host_err("listxattr");
		op_close_path(d, &of);
	}
	reply_sized(req, OP_LISTXATTR, ino, NULL, size, n, buf);
	free(buf);
}

void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct daemon *d = req_begin(req, OP_REMOVEXATTR);
	struct op_fd of;
	char path[64];
	int ret = op_check_writable(d);

	if (ret == 0)
		ret = xattr_path(d, ino, &of, path, sizeof(path));
	if (ret == 0) {
		ret = removexattr(path, name) < 0 ? host_err("removexattr") : 0;
		op_close_path(d, &of);
	}
	reply_err(req, OP_REMOVEXATTR, ino, name, ret);
}
