// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reply edge and the session-wide ops (INIT, DESTROY), plus the table of
 * all operations. reply_err() is the only caller of fuse_reply_err().
 */
#include "ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errsrc.h"
#include "log.h"

struct daemon *req_begin(fuse_req_t req, enum op op)
{
	struct daemon *d = fuse_req_userdata(req);

	errsrc_reset();
	errsrc_op = op;
	stats_count(&d->stats.requests[op], 1);
	return d;
}

void reply_done(struct daemon *d, enum op op)
{
	stats_count(&d->stats.ok[op], 1);
}

void reply_err_event(struct daemon *d, enum op op, uint64_t nodeid, const char *name, int err,
		     uint32_t pid)
{
	struct error_event ev = {
		.op = op,
		.nodeid = nodeid,
		.name = name,
		.err = err,
		.source = errsrc_current.kind,
		.detail = errsrc_current.detail,
		.pid = pid,
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
}

void reply_err(fuse_req_t req, enum op op, uint64_t nodeid, const char *name, int neg_errno)
{
	struct daemon *d = fuse_req_userdata(req);

	if (neg_errno == 0) {
		reply_done(d, op);
		fuse_reply_err(req, 0);
		return;
	}
	reply_err_event(d, op, nodeid, name, -neg_errno, fuse_req_ctx(req)->pid);
	fuse_reply_err(req, -neg_errno);
}

int op_get_inode(struct daemon *d, uint64_t nodeid, struct inode **out)
{
	int err;

	*out = store_get(&d->store, nodeid);
	if (!*out)
		return daemon_err("unknown-nodeid", -EBADF);
	err = __atomic_load_n(&(*out)->stale_err, __ATOMIC_RELAXED);
	if (err) {
		/* Made stale by a fault (evict as=estale, renode, silly-cleanup). */
		snprintf(errsrc_detail_buf, sizeof(errsrc_detail_buf), "rule %u stale entry",
			 __atomic_load_n(&(*out)->stale_rule, __ATOMIC_RELAXED));
		errsrc_set(ERRSRC_INJECT, errsrc_detail_buf, 0);
		store_put(&d->store, *out);
		*out = NULL;
		return -err;
	}
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
	/* Unknown or too many groups: none, never the daemon's own. */
	c->groups = groups;
	c->ngroups = (n >= 0 && n <= max) ? n : 0;
}

int op_check_writable(struct daemon *d)
{
	return d->cfg->readonly ? daemon_err("readonly", -EROFS) : 0;
}

/*
 * store_lookup with the lookup faults: renode (the name gets a new nodeid),
 * nodeid-reuse (a new entry takes a freed nodeid) and gen-bump (the entry
 * reports a new generation). *gen gets the generation to reply with.
 */
static int lookup_twisted(struct daemon *d, struct inode *parent, const char *name,
			  struct inode *cand, struct inode **out, uint64_t *gen)
{
	struct inject_point pt = { .op = errsrc_op, .nodeid = parent->nodeid, .name = name };
	enum store_twist twist = TWIST_NONE;
	struct inject_fire fire, bump;
	bool fired = false;
	uint64_t old = 0;
	char msg[96];
	int ret;

	if (inject_match(&d->inj, FAULT_RENODE, &pt, &fire)) {
		fired = true;
		twist = TWIST_RENODE;
	} else if (inject_match(&d->inj, FAULT_NODEID_REUSE, &pt, &fire)) {
		fired = true;
		twist = fire.gen ? TWIST_REUSE_GEN : TWIST_REUSE;
	}
	ret = store_lookup_twisted(&d->store, cand, twist, fired ? fire.err : 0,
				   fired ? fire.rule_id : 0, out, &old);
	if (ret < 0)
		return daemon_err("oom", ret);
	if (fired) {
		if (twist == TWIST_RENODE && old)
			snprintf(msg, sizeof(msg), "nodeid %llu -> %llu (old answers %s)",
				 (unsigned long long)old, (unsigned long long)(*out)->nodeid,
				 strerrorname_np(fire.err));
		else if (twist == TWIST_RENODE)
			snprintf(msg, sizeof(msg), "no entry to renode; new nodeid %llu",
				 (unsigned long long)(*out)->nodeid);
		else
			snprintf(msg, sizeof(msg), old ? "reused nodeid %llu" : "no freed nodeid: %llu",
				 old ? (unsigned long long)old : (unsigned long long)(*out)->nodeid);
		inject_report(&d->inj, &fire, &pt, msg);
	}
	if (inject_match(&d->inj, FAULT_GEN_BUMP, &pt, &bump)) {
		*gen = store_bump_generation(&d->store, *out);
		snprintf(msg, sizeof(msg), "nodeid %llu generation %llu",
			 (unsigned long long)(*out)->nodeid, (unsigned long long)*gen);
		inject_report(&d->inj, &bump, &pt, msg);
	} else {
		*gen = store_generation(&d->store, *out);
	}
	return 0;
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
	ret = backing_lookup(&d->backing, parent->nodeid, pfd.fd, name, &cand, &e->attr);
	pfd_release(&pfd);
	if (ret < 0)
		return ret;
	ret = lookup_twisted(d, parent, name, cand, out, &e->generation);
	if (ret < 0)
		return ret;
	e->ino = (*out)->nodeid;
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
	/* virtiofsd 1.13 negotiates none of these by default: locks stay in
	 * the kernel, suid/sgid clearing too (we write as root). */
	conn->want &= ~(FUSE_CAP_EXPORT_SUPPORT | FUSE_CAP_WRITEBACK_CACHE |
			FUSE_CAP_FLOCK_LOCKS | FUSE_CAP_POSIX_LOCKS | FUSE_CAP_HANDLE_KILLPRIV);
	/* Every request arrives in memory, so the fault gate sees all of them. */
	conn->want &= ~FUSE_CAP_SPLICE_READ;
	if (d->cfg->allow_mmap)
		log_info("--allow-mmap: libfuse %d.%d cannot ask for DIRECT_IO_ALLOW_MMAP; "
			 "the kernel's default for DIRECT_IO files applies",
			 FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION);

	/* FUSE_INIT starts a fresh store; nodeids keep counting (virtiofsd). */
	store_clear(&d->store);
	ret = backing_root(&d->backing, &root);
	if (ret == 0)
		ret = store_set_root(&d->store, root);
	if (ret < 0) {
		log_err("cannot open the shared dir's root at FUSE_INIT: %s", strerror(-ret));
		fuse_session_exit(d->se);
	}
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
	.fallocate = op_fallocate,
	.copy_file_range = op_copy_file_range,
	.lseek = op_lseek,
};
