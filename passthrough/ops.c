// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reply edge and the session-wide ops (INIT, DESTROY), plus the table of
 * all operations. reply_err() is the only caller of fuse_reply_err().
 */
#include "ops.h"

#include <errno.h>
#include <string.h>

#include "errsrc.h"
#include "log.h"

struct daemon *req_begin(fuse_req_t req, enum op op)
{
	struct daemon *d = fuse_req_userdata(req);

	errsrc_reset();
	stats_count(&d->stats.requests[op], 1);
	return d;
}

void reply_done(struct daemon *d, enum op op)
{
	stats_count(&d->stats.ok[op], 1);
}

void reply_err(fuse_req_t req, enum op op, uint64_t nodeid, const char *name, int neg_errno)
{
	struct daemon *d = fuse_req_userdata(req);

	if (neg_errno == 0) {
		reply_done(d, op);
		fuse_reply_err(req, 0);
		return;
	}
	struct error_event ev = {
		.op = op,
		.nodeid = nodeid,
		.name = name,
		.err = -neg_errno,
		.source = errsrc_current.kind,
		.detail = errsrc_current.detail,
		.pid = fuse_req_ctx(req)->pid,
	};
	if (!ev.source) {
		/* A failure nobody named: a library call's errno. */
		ev.source = ERRSRC_HOST;
		ev.detail = "libfuse";
	}
	if (log_get_level() >= LOG_LVL_DEBUG)
		log_debug("%s nodeid %llu%s%s: %s (%s %s)", op_name(op),
			  (unsigned long long)nodeid, name ? " name " : "", name ? name : "",
			  strerror(ev.err), ev.source, ev.detail);
	stats_error_event(&d->stats, &ev);
	fuse_reply_err(req, ev.err);
}

int op_get_inode(struct daemon *d, uint64_t nodeid, struct inode **out)
{
	*out = store_get(&d->store, nodeid);
	if (!*out)
		return daemon_err("unknown-nodeid", -EBADF);
	return 0;
}

int op_open_path(struct daemon *d, uint64_t nodeid, struct op_fd *of)
{
	int ret;

	of->pfd = (struct pfd){ .fd = -1 };
	ret = op_get_inode(d, nodeid, &of->inode);
	if (ret < 0)
		return ret;
	ret = backing_path_fd(&d->backing, of->inode, &of->pfd);
	if (ret < 0) {
		store_put(&d->store, of->inode);
		of->inode = NULL;
	}
	return ret;
}

void op_close_path(struct daemon *d, struct op_fd *of)
{
	pfd_release(&of->pfd);
	store_put(&d->store, of->inode);
	of->inode = NULL;
}

void op_req_creds(fuse_req_t req, struct creds *c, gid_t *groups, int max)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	int n = fuse_req_getgroups(req, max, groups);

	c->uid = ctx->uid;
	c->gid = ctx->gid;
	c->groups = (n >= 0 && n <= max) ? groups : NULL;
	c->ngroups = c->groups ? n : 0;
}

int op_check_writable(struct daemon *d)
{
	return d->cfg->readonly ? daemon_err("readonly", -EROFS) : 0;
}

int op_do_lookup(struct daemon *d, struct inode *parent, const char *name,
		 struct fuse_entry_param *e, struct inode **out)
{
	struct inode *cand;
	struct pfd pfd;
	int ret;

	memset(e, 0, sizeof(*e));
	ret = backing_path_fd(&d->backing, parent, &pfd);
	if (ret < 0)
		return ret;
	ret = backing_lookup(&d->backing, pfd.fd, name, &cand, &e->attr);
	pfd_release(&pfd);
	if (ret < 0)
		return ret;
	ret = store_lookup(&d->store, cand, out);
	if (ret < 0)
		return ret;
	e->ino = (*out)->nodeid;
	e->generation = (*out)->generation;
	e->attr_timeout = d->cfg->attr_timeout;
	e->entry_timeout = d->cfg->entry_timeout;
	return 0;
}

void reply_entry(fuse_req_t req, enum op op, struct inode *inode,
		 const struct fuse_entry_param *e)
{
	struct daemon *d = fuse_req_userdata(req);

	reply_done(d, op);
	if (fuse_reply_entry(req, e) != 0)
		store_unref(&d->store, inode, 1);	/* the kernel never saw it */
	store_put(&d->store, inode);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	struct daemon *d = userdata;
	struct inode *root;
	int ret;

	stats_count(&d->stats.requests[OP_INIT], 1);
	if (d->cfg->readdirplus) {
		if (conn->capable & FUSE_CAP_READDIRPLUS)
			conn->want |= FUSE_CAP_READDIRPLUS;
		if (conn->capable & FUSE_CAP_READDIRPLUS_AUTO)
			conn->want |= FUSE_CAP_READDIRPLUS_AUTO;
	} else {
		conn->want &= ~(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO);
	}
	/* virtiofsd never negotiates these. */
	conn->want &= ~(FUSE_CAP_EXPORT_SUPPORT | FUSE_CAP_WRITEBACK_CACHE);
	if (conn->capable & FUSE_CAP_FLOCK_LOCKS)
		conn->want |= FUSE_CAP_FLOCK_LOCKS;
	if (d->cfg->allow_mmap)
		log_info("--allow-mmap: libfuse %d.%d cannot ask for DIRECT_IO_ALLOW_MMAP; "
			 "the kernel's default for DIRECT_IO files applies",
			 FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION);

	/* FUSE_INIT starts a fresh store; nodeids keep counting (virtiofsd). */
	store_clear(&d->store);
	ret = backing_root(&d->backing, &root);
	if (ret == 0)
		ret = store_set_root(&d->store, root);
	if (ret < 0)
		log_err("cannot open the shared dir's root at FUSE_INIT: %s", strerror(-ret));
	errsrc_reset();
}

static void op_destroy(void *userdata)
{
	struct daemon *d = userdata;

	stats_count(&d->stats.requests[OP_DESTROY], 1);
	store_clear(&d->store);
}

const struct fuse_lowlevel_ops stalefs_ops = {
	.init = op_init,
	.destroy = op_destroy,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readlink = op_readlink,
	.mknod = op_mknod,
	.mkdir = op_mkdir,
	.unlink = op_unlink,
	.rmdir = op_rmdir,
	.symlink = op_symlink,
	.rename = op_rename,
	.link = op_link,
	.open = op_open,
	.read = op_read,
	.write_buf = op_write_buf,
	.flush = op_flush,
	.release = op_release,
	.fsync = op_fsync,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.readdirplus = op_readdirplus,
	.releasedir = op_releasedir,
	.fsyncdir = op_fsyncdir,
	.statfs = op_statfs,
	.setxattr = op_setxattr,
	.getxattr = op_getxattr,
	.listxattr = op_listxattr,
	.removexattr = op_removexattr,
	.access = op_access,
	.create = op_create,
	.flock = op_flock,
	.fallocate = op_fallocate,
	.copy_file_range = op_copy_file_range,
	.lseek = op_lseek,
};
