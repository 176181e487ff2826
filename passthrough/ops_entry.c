// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Name and attribute operations: lookup, forget, getattr, setattr,
 * readlink, mknod, mkdir, symlink, link, unlink, rmdir, rename, statfs,
 * access. Creating calls run with the caller's credentials (creds.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <fcntl.h>

#include "creds.h"
#include "errsrc.h"
#include "faults.h"
#include "ops.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)
#endif

void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct daemon *d = req_begin(req, OP_LOOKUP);
	struct fuse_entry_param e;
	struct inode *dir, *inode;
	int ret;

	ret = op_get_inode(d, parent, &dir);
	if (ret < 0)
		goto out_err;
	ret = op_do_lookup(d, dir, name, &e, &inode);
	store_put(&d->store, dir);
	if (ret < 0)
		goto out_err;
	reply_entry(req, OP_LOOKUP, inode, &e);
	return;
out_err:
	reply_err(req, OP_LOOKUP, parent, name, ret);
}

void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct daemon *d = req_begin(req, OP_FORGET);

	store_forget(&d->store, ino, nlookup);
	stats_count(&d->stats.forgets, nlookup);
	reply_done(d, OP_FORGET);
	fuse_reply_none(req);
}

void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	struct daemon *d = req_begin(req, OP_BATCH_FORGET);

	for (size_t i = 0; i < count; i++) {
		store_forget(&d->store, forgets[i].ino, forgets[i].nlookup);
		stats_count(&d->stats.forgets, forgets[i].nlookup);
	}
	reply_done(d, OP_BATCH_FORGET);
	fuse_reply_none(req);
}

static void reply_attr_of(fuse_req_t req, enum op op, struct inode *inode)
{
	struct daemon *d = fuse_req_userdata(req);
	struct stat st;
	int ret = backing_getattr(&d->backing, inode, &st);

	if (ret < 0) {
		reply_err(req, op, inode->nodeid, NULL, ret);
		return;
	}
	reply_done(d, op);
	fuse_reply_attr(req, &st, d->cfg->attr_timeout);
}

void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_GETATTR);
	struct inode *inode;
	int ret = op_get_inode(d, ino, &inode);

	if (ret < 0) {
		reply_err(req, OP_GETATTR, ino, NULL, ret);
		return;
	}
	reply_attr_of(req, OP_GETATTR, inode);
	store_put(&d->store, inode);
}

static int do_setattr(fuse_req_t req, struct daemon *d, struct inode *inode,
		      const struct stat *attr, int to_set, struct fuse_file_info *fi)
{
	struct creds_saved saved;
	int ffd = fi ? (int)fi->fh : -1;
	char name[16];
	struct pfd pfd;
	int ret;

	ret = op_check_writable(d);
	if (ret < 0)
		return ret;
	ret = backing_path_fd(&d->backing, inode, &pfd);
	if (ret < 0)
		return ret;
	snprintf(name, sizeof(name), "%d", pfd.fd);
	if (to_set & FUSE_SET_ATTR_MODE) {
		ret = ffd >= 0 ? fchmod(ffd, attr->st_mode)
			       : fchmodat(d->backing.proc_self_fd, name, attr->st_mode, 0);
		if (ret < 0) {
			ret = host_err("chmod");
			goto out;
		}
	}
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		uid_t uid = (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t)-1;
		gid_t gid = (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t)-1;

		if (fchownat(pfd.fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
			ret = host_err("fchownat");
			goto out;
		}
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		int tfd = ffd;

		if (tfd < 0) {
			tfd = backing_reopen(&d->backing, inode, O_WRONLY);
			if (tfd < 0) {
				ret = tfd;
				goto out;
			}
		}
		op_as_setid_caller(req, tfd, &saved);
		ret = ftruncate(tfd, attr->st_size) < 0 ? host_err("ftruncate") : 0;
		creds_leave(&saved);
		if (tfd != ffd)
			close(tfd);
		if (ret < 0)
			goto out;
	}
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
		struct timespec tv[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };

		if (to_set & FUSE_SET_ATTR_ATIME_NOW)
			tv[0].tv_nsec = UTIME_NOW;
		else if (to_set & FUSE_SET_ATTR_ATIME)
			tv[0] = attr->st_atim;
		if (to_set & FUSE_SET_ATTR_MTIME_NOW)
			tv[1].tv_nsec = UTIME_NOW;
		else if (to_set & FUSE_SET_ATTR_MTIME)
			tv[1] = attr->st_mtim;
		ret = ffd >= 0 ? futimens(ffd, tv)
			       : utimensat(d->backing.proc_self_fd, name, tv, 0);
		if (ret < 0) {
			ret = host_err("utimensat");
			goto out;
		}
	}
	ret = 0;
out:
	pfd_release(&pfd);
	return ret;
}

void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_SETATTR);
	struct inode *inode;
	int ret = op_get_inode(d, ino, &inode);

	if (ret < 0) {
		reply_err(req, OP_SETATTR, ino, NULL, ret);
		return;
	}
	ret = do_setattr(req, d, inode, attr, to_set, fi);
	if (ret < 0)
		reply_err(req, OP_SETATTR, ino, NULL, ret);
	else
		reply_attr_of(req, OP_SETATTR, inode);
	store_put(&d->store, inode);
}

void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct daemon *d = req_begin(req, OP_READLINK);
	char buf[PATH_MAX + 1];
	struct op_fd of;
	ssize_t n;
	int ret = op_open_path(d, ino, &of);

	if (ret < 0)
		goto out_err;
	n = readlinkat(of.pfd.fd, "", buf, sizeof(buf) - 1);
	ret = n < 0 ? host_err("readlinkat") : 0;
	op_close_path(d, &of);
	if (ret < 0)
		goto out_err;
	buf[n] = '\0';
	reply_done(d, OP_READLINK);
	fuse_reply_readlink(req, buf);
	return;
out_err:
	reply_err(req, OP_READLINK, ino, NULL, ret);
}

enum make_kind { MAKE_NODE, MAKE_DIR, MAKE_SYMLINK };

struct make_args {
	enum make_kind kind;
	mode_t mode;
	dev_t rdev;
	const char *target;
};

/* Create name in parent as the caller, then look it up. */
static void do_make(fuse_req_t req, enum op op, fuse_ino_t parent, const char *name,
		    const struct make_args *a)
{
	struct daemon *d = fuse_req_userdata(req);
	struct op_fd dir = { .inode = NULL };
	struct fuse_entry_param e;
	struct creds_saved saved;
	struct inode *inode;
	gid_t groups[64];
	struct creds c;
	int ret;

	ret = op_check_writable(d);
	if (ret == 0)
		ret = op_open_path(d, parent, &dir);
	if (ret < 0)
		goto out;
	op_req_creds(req, &c, groups, 64);
	ret = creds_enter(&c, &saved);
	if (ret < 0)
		goto out;
	switch (a->kind) {
	case MAKE_NODE:
		ret = mknodat(dir.pfd.fd, name, a->mode, a->rdev) < 0 ? host_err("mknodat") : 0;
		break;
	case MAKE_DIR:
		ret = mkdirat(dir.pfd.fd, name, a->mode) < 0 ? host_err("mkdirat") : 0;
		break;
	case MAKE_SYMLINK:
		ret = symlinkat(a->target, dir.pfd.fd, name) < 0 ? host_err("symlinkat") : 0;
		break;
	}
	creds_leave(&saved);
	if (ret == 0)
		ret = op_do_lookup(d, dir.inode, name, &e, &inode);
out:
	op_close_path(d, &dir);
	if (ret < 0)
		reply_err(req, op, parent, name, ret);
	else
		reply_entry(req, op, inode, &e);
}

void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	struct make_args a = { .kind = MAKE_NODE, .mode = mode, .rdev = rdev };

	req_begin(req, OP_MKNOD);
	do_make(req, OP_MKNOD, parent, name, &a);
}

void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct make_args a = { .kind = MAKE_DIR, .mode = mode };

	req_begin(req, OP_MKDIR);
	do_make(req, OP_MKDIR, parent, name, &a);
}

void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct make_args a = { .kind = MAKE_SYMLINK, .target = link };

	req_begin(req, OP_SYMLINK);
	do_make(req, OP_SYMLINK, parent, name, &a);
}

void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct daemon *d = req_begin(req, OP_LINK);
	struct op_fd src = { .inode = NULL }, dst = { .inode = NULL };
	struct fuse_entry_param e;
	struct inode *found;
	char name[16];
	int ret;

	ret = op_check_writable(d);
	if (ret == 0)
		ret = op_open_path(d, ino, &src);
	if (ret == 0)
		ret = op_open_path(d, newparent, &dst);
	if (ret < 0)
		goto out;
	/* linkat(fd, "", AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; /proc does not. */
	snprintf(name, sizeof(name), "%d", src.pfd.fd);
	if (linkat(d->backing.proc_self_fd, name, dst.pfd.fd, newname, AT_SYMLINK_FOLLOW) < 0)
		ret = host_err("linkat");
	else
		ret = op_do_lookup(d, dst.inode, newname, &e, &found);
out:
	op_close_path(d, &src);
	op_close_path(d, &dst);
	if (ret < 0)
		reply_err(req, OP_LINK, newparent, newname, ret);
	else
		reply_entry(req, OP_LINK, found, &e);
}

/*
 * The silly-rename fault: unlink of a name whose inode the daemon still
 * holds becomes a rename to .nfsXXXX, as an NFS client does for files it
 * has open. 1 if renamed, 0 if not applicable, or -errno.
 */
static int silly_rename(struct daemon *d, struct op_fd *dir, const char *name)
{
	struct inject_point pt = { .op = OP_UNLINK, .nodeid = dir->inode->nodeid, .name = name };
	struct inject_fire fire;
	struct inode *cand;
	struct stat st;
	char renamed[32], msg[64];
	int ret;

	if (backing_lookup(&d->backing, pt.nodeid, dir->pfd.fd, name, &cand, &st) < 0) {
		errsrc_reset();
		return 0;	/* the real unlinkat reports it */
	}
	if (!store_holds(&d->store, &cand->ids) ||
	    !inject_match(&d->inj, FAULT_SILLY_RENAME, &pt, &fire)) {
		inode_discard(cand);
		return 0;
	}
	ret = faults_silly_rename(d, dir->pfd.fd, name, &cand->ids, renamed, sizeof(renamed));
	inode_discard(cand);
	if (ret < 0)
		return ret;
	snprintf(msg, sizeof(msg), "renamed to %s", renamed);
	inject_report(&d->inj, &fire, &pt, msg);
	return 1;
}

static void do_remove(fuse_req_t req, enum op op, fuse_ino_t parent, const char *name, int flags)
{
	struct daemon *d = fuse_req_userdata(req);
	struct op_fd dir = { .inode = NULL };
	int ret;

	ret = op_check_writable(d);
	if (ret == 0)
		ret = op_open_path(d, parent, &dir);
	if (ret == 0 && op == OP_UNLINK && inject_active(&d->inj, FAULT_SILLY_RENAME)) {
		ret = silly_rename(d, &dir, name);
		if (ret == 1)
			goto out;	/* the client sees a plain unlink */
	}
	if (ret == 0)
		ret = unlinkat(dir.pfd.fd, name, flags) < 0 ? host_err("unlinkat") : 0;
out:
	if (ret > 0)
		ret = 0;
	op_close_path(d, &dir);
	reply_err(req, op, parent, name, ret);
}

void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	req_begin(req, OP_UNLINK);
	do_remove(req, OP_UNLINK, parent, name, 0);
}

void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	req_begin(req, OP_RMDIR);
	do_remove(req, OP_RMDIR, parent, name, AT_REMOVEDIR);
}

void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
	       const char *newname, unsigned int flags)
{
	struct daemon *d = req_begin(req, OP_RENAME);
	struct op_fd from = { .inode = NULL }, to = { .inode = NULL };
	int ret;

	ret = op_check_writable(d);
	if (ret == 0 && (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)))
		ret = daemon_err("rename-flags", -EINVAL);
	if (ret == 0)
		ret = op_open_path(d, parent, &from);
	if (ret == 0)
		ret = op_open_path(d, newparent, &to);
	if (ret == 0)
		ret = renameat2(from.pfd.fd, name, to.pfd.fd, newname, flags) < 0
			      ? host_err("renameat2") : 0;
	op_close_path(d, &from);
	op_close_path(d, &to);
	reply_err(req, OP_RENAME, parent, name, ret);
}

void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct daemon *d = req_begin(req, OP_STATFS);
	struct statvfs sv;
	struct op_fd of;
	int ret = op_open_path(d, ino, &of);

	if (ret == 0) {
		ret = fstatvfs(of.pfd.fd, &sv) < 0 ? host_err("fstatvfs") : 0;
		op_close_path(d, &of);
	}
	if (ret < 0) {
		reply_err(req, OP_STATFS, ino, NULL, ret);
		return;
	}
	reply_done(d, OP_STATFS);
	fuse_reply_statfs(req, &sv);
}

void op_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct daemon *d = req_begin(req, OP_ACCESS);
	struct op_fd of;
	char name[16];
	int ret = op_open_path(d, ino, &of);

	if (ret == 0) {
		snprintf(name, sizeof(name), "%d", of.pfd.fd);
		ret = faccessat(d->backing.proc_self_fd, name, mask, 0) < 0 ? host_err("faccessat") : 0;
		op_close_path(d, &of);
	}
	reply_err(req, OP_ACCESS, ino, NULL, ret);
}
