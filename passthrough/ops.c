// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reply edge and the session-wide ops (INIT, DESTROY), plus the table of
 * all operations. reply_err() is the only caller of fuse_reply_err().
 */
#include "ops.h"

#include <errno.h>
#include <linux/fuse.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "creds.h"
#include "errname.h"
#include "errsrc.h"
#include "log.h"

struct daemon *req_begin(fuse_req_t req, enum op op)
{
	struct daemon *d = fuse_req_userdata(req);

	errsrc_reset();
	errsrc_op = op;
	errsrc_pid = fuse_req_ctx(req)->pid;
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

	struct fdlimit_note note;
	char path[1024];

	if (!ev.source) {
		/* A failure nobody named: a library call's errno. */
		ev.source = ERRSRC_HOST;
		ev.detail = "libfuse";
	}
	if (err == EMFILE || err == ENFILE) {
		fdlimit_explain(&d->fdl, err, strcmp(ev.detail, "guest-fd-limit") == 0, &note);
		ev.limit = &note;
		log_debug("%s: %s %llu reached (%ld fds open, %llu guest fds)", op_name(op),
			  note.limit, (unsigned long long)note.limit_n, note.fds,
			  (unsigned long long)note.guest_fds);
	}
	/* The host path of a failed name lookup, so a host event can be joined to
	 * it, and whether it failed a name the kernel holds (a revalidation: the
	 * kernel drops that dentry) or was a plain negative lookup. */
	if (name && d->stats.events) {
		if (daemon_path_of(d, nodeid, name, path, sizeof(path)) == 0)
			ev.path = path;
		ev.known = names_peek(&d->names, nodeid, name);
		if (ev.known && !store_kernel_knows(&d->store, ev.known))
			ev.known = 0;
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
	int sent;

	if (neg_errno == 0) {
		reply_done(d, op);
		fuse_reply_err(req, 0);
		return;
	}
	if (neg_errno > 0 || -neg_errno > ERRNAME_MAX) {
		/* The kernel would refuse the reply and the caller wait forever. */
		log_err("%s nodeid %llu: errno %d cannot reach the kernel (it takes 1 to %d): EIO "
			"instead", op_name(op), (unsigned long long)nodeid, -neg_errno, ERRNAME_MAX);
		neg_errno = -EIO;
	}
	reply_err_event(d, op, nodeid, name, -neg_errno, fuse_req_ctx(req)->pid);
	sent = fuse_reply_err(req, -neg_errno);
	if (sent < 0 && sent != -ENOENT)	/* ENOENT: the request was interrupted */
		log_warn("%s nodeid %llu: the reply %s did not reach the kernel: %s", op_name(op),
			 (unsigned long long)nodeid, strerror(-neg_errno), strerror(-sent));
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

int op_guest_open(struct daemon *d, const struct inode *inode, int flags)
{
	int fd = backing_reopen(&d->backing, inode, flags), ret;

	if (fd < 0)
		return fd;
	ret = fdlimit_take(&d->fdl);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

void op_guest_close(struct daemon *d, int fd)
{
	close(fd);
	fdlimit_give(&d->fdl);
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

void op_as_setid_caller(fuse_req_t req, int fd, struct creds_saved *saved)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct errsrc src;
	gid_t groups[64];
	struct creds c;
	struct stat st;

	*saved = (struct creds_saved){ 0 };
	if (ctx->uid == 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & (S_ISUID | S_ISGID)))
		return;
	op_req_creds(req, &c, groups, 64);
	/* An id this namespace cannot map (a user namespace): the call runs as
	 * the daemon, which keeps the bits, as before. That failure is not the
	 * request's: the error source it set is put back. */
	src = errsrc_current;
	if (creds_enter(&c, saved) < 0) {
		errsrc_current = src;
		log_debug("set-id file: the caller's ids (%u:%u) are not usable here: the bits stay",
			  (unsigned)c.uid, (unsigned)c.gid);
	}
}

int op_check_writable(struct daemon *d)
{
	return d->cfg->readonly ? daemon_err("readonly", -EROFS) : 0;
}

/*
 * store_lookup with the lookup faults: renode (the name gets a new nodeid),
 * nodeid-reuse (a new entry takes a freed nodeid) and gen-bump (the entry
 * reports a new generation). *gen gets the generation to reply with, from
 * the lookup's own hold of the store lock (one more only for gen-bump).
 */
static int lookup_twisted(struct daemon *d, struct inode *parent, const char *name,
			  struct inode *cand, struct inode **out, uint64_t *gen)
{
	struct inject_point pt = { .op = errsrc_op, .nodeid = parent->nodeid, .name = name };
	enum store_twist twist = TWIST_NONE;
	struct inject_fire fire, bump;
	bool fired = false;
	uint64_t old = 0;
	char msg[96], eb[16];
	int ret;

	if (inject_match(&d->inj, FAULT_RENODE, &pt, &fire)) {
		fired = true;
		twist = TWIST_RENODE;
	} else if (inject_match(&d->inj, FAULT_NODEID_REUSE, &pt, &fire)) {
		fired = true;
		twist = fire.gen ? TWIST_REUSE_GEN : TWIST_REUSE;
	}
	ret = store_lookup_twisted(&d->store, cand, twist, fired ? fire.err : 0,
				   fired ? fire.rule_id : 0, out, &old, gen);
	if (ret < 0)
		return daemon_err("oom", ret);
	if (fired) {
		if (twist == TWIST_RENODE && old)
			snprintf(msg, sizeof(msg), "nodeid %llu -> %llu (old answers %s)",
				 (unsigned long long)old, (unsigned long long)(*out)->nodeid,
				 errname(fire.err, eb, sizeof(eb)));
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
	}
	return 0;
}

/* Set by op_do_lookup for the entry reply that follows on the same thread. */
static __thread bool lookup_submount;

bool op_lookup_submount(void)
{
	return lookup_submount;
}

/*
 * virtiofsd do_lookup: a directory whose st_dev or mount ID differs from its
 * parent's is a submount root; with announce-submounts its attr carries
 * FUSE_ATTR_SUBMOUNT, so a virtio-fs guest gives it its own superblock.
 */
static bool is_submount(const struct inode *parent, const struct inode *child)
{
	return S_ISDIR(child->type) &&
	       (child->ids.dev != parent->ids.dev || child->ids.mnt_id != parent->ids.mnt_id);
}

/*
 * An answer for (parent, name) that differs from the last one the kernel
 * got, while the kernel may still hold the old nodeid: its dentry is now
 * invalid (fuse_dentry_revalidate), and overlayfs over it answers ESTALE.
 */
static void note_identity(struct daemon *d, const struct inode *parent, const char *name,
			  const struct inode *inode, uint64_t gen, bool submount)
{
	struct name_change c;
	struct identity_event ev;
	char path[1024];

	if (!names_note(&d->names, parent->nodeid, name, inode->nodeid, gen, submount, &c))
		return;
	if (c.old_nodeid != inode->nodeid && !store_kernel_knows(&d->store, c.old_nodeid))
		return;	/* forgotten: the kernel has no dentry left to invalidate */
	ev = (struct identity_event){
		.op = errsrc_op, .parent = parent->nodeid, .name = name,
		.change = c.old_nodeid != inode->nodeid ? "nodeid"
			  : c.old_generation != (uint32_t)gen ? "generation" : "submount",
		.old_nodeid = c.old_nodeid, .nodeid = inode->nodeid,
		.old_generation = c.old_generation, .generation = gen,
		.old_submount = c.old_submount, .submount = submount,
		.pid = errsrc_pid,
	};
	if (daemon_path_of(d, parent->nodeid, name, path, sizeof(path)) == 0)
		ev.path = path;
	stats_count(&d->identity_changes, 1);
	stats_identity_event(&d->stats, &ev);
}

int op_do_lookup(struct daemon *d, struct inode *parent, const char *name,
		 struct fuse_entry_param *e, struct inode **out)
{
	struct inode *cand;
	struct pfd pfd;
	int ret;

	memset(e, 0, sizeof(*e));
	lookup_submount = false;
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
	lookup_submount = d->cfg->announce_submounts && is_submount(parent, *out);
	note_identity(d, parent, name, *out, e->generation, is_submount(parent, *out));
	e->ino = (*out)->nodeid;
	e->attr_timeout = d->cfg->attr_timeout;
	e->entry_timeout = d->cfg->entry_timeout;
	return 0;
}

/* fuse_reply_entry with FUSE_ATTR_SUBMOUNT, which libfuse 3.14 cannot set. */
static int reply_entry_submount(fuse_req_t req, const struct fuse_entry_param *e)
{
	struct fuse_entry_out out = {
		.nodeid = e->ino,
		.generation = e->generation,
		.entry_valid = (uint64_t)e->entry_timeout,
		.entry_valid_nsec = (uint32_t)((e->entry_timeout - (uint64_t)e->entry_timeout) * 1e9),
		.attr_valid = (uint64_t)e->attr_timeout,
		.attr_valid_nsec = (uint32_t)((e->attr_timeout - (uint64_t)e->attr_timeout) * 1e9),
	};
	struct iovec iov = { .iov_base = &out, .iov_len = sizeof(out) };

	attr_from_stat(&out.attr, &e->attr);
	out.attr.flags = FUSE_ATTR_SUBMOUNT;
	return fuse_reply_iov(req, &iov, 1);
}

void attr_from_stat(struct fuse_attr *a, const struct stat *st)
{
	*a = (struct fuse_attr){
		.ino = st->st_ino, .mode = st->st_mode, .nlink = st->st_nlink,
		.uid = st->st_uid, .gid = st->st_gid, .rdev = st->st_rdev,
		.size = st->st_size, .blocks = st->st_blocks, .blksize = st->st_blksize,
		.atime = st->st_atim.tv_sec, .mtime = st->st_mtim.tv_sec, .ctime = st->st_ctim.tv_sec,
		.atimensec = st->st_atim.tv_nsec, .mtimensec = st->st_mtim.tv_nsec,
		.ctimensec = st->st_ctim.tv_nsec,
	};
}

void reply_entry(fuse_req_t req, enum op op, struct inode *inode,
		 const struct fuse_entry_param *e)
{
	struct daemon *d = fuse_req_userdata(req);
	int ret;

	reply_done(d, op);
	if (lookup_submount) {
		stats_count(&d->submounts_sent, 1);
		ret = reply_entry_submount(req, e);
	} else {
		ret = fuse_reply_entry(req, e);
	}
	if (ret != 0)
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
	 * the kernel, and so does suid/sgid clearing where the kernel does it
	 * (cached writes, chown); where it does not, a set-id file is changed
	 * as the caller (op_as_setid_caller). */
	conn->want &= ~(FUSE_CAP_EXPORT_SUPPORT | FUSE_CAP_WRITEBACK_CACHE |
			FUSE_CAP_FLOCK_LOCKS | FUSE_CAP_POSIX_LOCKS | FUSE_CAP_HANDLE_KILLPRIV);
	/* --posix-acl: the kernel checks access against the ACLs it reads
	 * with GETXATTR system.posix_acl_*, as virtiofsd --posix-acl. */
	if (d->cfg->posix_acl) {
		if (conn->capable & FUSE_CAP_POSIX_ACL)
			conn->want |= FUSE_CAP_POSIX_ACL;
		else
			log_warn("--posix-acl: this kernel does not offer FUSE_POSIX_ACL: ACLs are not "
				 "enforced");
	}
	/* Every request arrives in memory, so the fault gate sees all of them. */
	conn->want &= ~FUSE_CAP_SPLICE_READ;
	if (d->cfg->allow_mmap)
		log_info("--allow-mmap: libfuse %d.%d cannot ask for DIRECT_IO_ALLOW_MMAP; "
			 "the kernel's default for DIRECT_IO files applies",
			 FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION);

	if (d->cfg->announce_submounts && !__atomic_load_n(&d->submounts_offered, __ATOMIC_ACQUIRE))
		log_info("the kernel did not offer FUSE_SUBMOUNTS (a /dev/fuse mount never does; "
			 "virtio-fs does): virtiofsd would not announce submounts, stalefs still "
			 "flags them (FUSE_ATTR_SUBMOUNT) and this kernel ignores the flag");
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
