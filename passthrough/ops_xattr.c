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

/* Path of the entry's O_PATH fd into path; pfd must be released. */
static int xattr_path(struct daemon *d, fuse_ino_t ino, struct pfd *pfd, char *path, size_t len)
{
	struct inode *inode;
	int ret;

	if (!d->cfg->xattr)
		return daemon_err("xattr-disabled", -ENOSYS);
	ret = op_get_inode(d, ino, &inode);
	if (ret < 0)
		return ret;
	ret = backing_path_fd(&d->backing, inode, pfd);
	store_put(&d->store, inode);
	if (ret == 0)
		proc_fd_path(path, len, pfd->fd);
	return ret;
}

void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
		 size_t size, int flags)
{
	struct daemon *d = req_begin(req, OP_SETXATTR);
	struct pfd pfd;
	char path[64];
	int ret = op_check_writable(d);

	if (ret == 0)
		ret = xattr_path(d, ino, &pfd, path, sizeof(path));
	if (ret == 0) {
		ret = setxattr(path, name, value, size, flags) < 0 ? host_err("setxattr") : 0;
		pfd_release(&pfd);
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
	struct pfd pfd;
	ssize_t n = xattr_path(d, ino, &pfd, path, sizeof(path));

	if (n == 0) {
		buf = size ? malloc(size) : NULL;
		if (size && !buf)
			n = daemon_err("malloc", -ENOMEM);
		else if ((n = getxattr(path, name, buf, size)) < 0)
			n = host_err("getxattr");
		pfd_release(&pfd);
	}
	reply_sized(req, OP_GETXATTR, ino, name, size, n, buf);
	free(buf);
}

void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct daemon *d = req_begin(req, OP_LISTXATTR);
	char *buf = NULL, path[64];
	struct pfd pfd;
	ssize_t n = xattr_path(d, ino, &pfd, path, sizeof(path));

	if (n == 0) {
		buf = size ? malloc(size) : NULL;
		if (size && !buf)
			n = daemon_err("malloc", -ENOMEM);
		else if ((n = listxattr(path, buf, size)) < 0)
			n = host_err("listxattr");
		pfd_release(&pfd);
	}
	reply_sized(req, OP_LISTXATTR, ino, NULL, size, n, buf);
	free(buf);
}

void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct daemon *d = req_begin(req, OP_REMOVEXATTR);
	struct pfd pfd;
	char path[64];
	int ret = op_check_writable(d);

	if (ret == 0)
		ret = xattr_path(d, ino, &pfd, path, sizeof(path));
	if (ret == 0) {
		ret = removexattr(path, name) < 0 ? host_err("removexattr") : 0;
		pfd_release(&pfd);
	}
	reply_err(req, OP_REMOVEXATTR, ino, name, ret);
}
