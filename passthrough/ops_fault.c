// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Faults carried out by the daemon (inject/ decides, this file acts):
 *
 * - the request gate, run on every raw request before libfuse dispatches
 *   it: delay, errno (answered right here), evict, kernel-evict (queued for
 *   the notifier thread), restart, rebind, silly-cleanup, and the answer of
 *   entries made stale by a fault (evict as=estale, renode, silly-cleanup);
 * - whole-daemon actions shared with `stalefs ctl`: restart, reload, rebind,
 *   silly cleanup, kernel notifications.
 *
 * Lookup twists (gen-bump, renode, nodeid-reuse) live in op_do_lookup and
 * silly-rename in the unlink path, where the entries are at hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/uio.h>

#include "errsrc.h"
#include "fault.h"
#include "log.h"
#include "ops.h"

#ifndef FUSE_NOTIFY_INC_EPOCH
#define FUSE_NOTIFY_INC_EPOCH 8
#endif
#ifndef FUSE_NOTIFY_PRUNE
#define FUSE_NOTIFY_PRUNE 9
#endif

/* FUSE opcode -> enum op, and where the request's name starts (-1: none). */
static const struct {
	uint32_t opcode;
	enum op op;
	int name_off;	/* bytes after fuse_in_header */
} opcodes[] = {
	{ FUSE_LOOKUP, OP_LOOKUP, 0 },
	{ FUSE_GETATTR, OP_GETATTR, -1 },
	{ FUSE_SETATTR, OP_SETATTR, -1 },
	{ FUSE_READLINK, OP_READLINK, -1 },
	{ FUSE_SYMLINK, OP_SYMLINK, 0 },
	{ FUSE_MKNOD, OP_MKNOD, sizeof(struct fuse_mknod_in) },
	{ FUSE_MKDIR, OP_MKDIR, sizeof(struct fuse_mkdir_in) },
	{ FUSE_UNLINK, OP_UNLINK, 0 },
	{ FUSE_RMDIR, OP_RMDIR, 0 },
	{ FUSE_RENAME, OP_RENAME, sizeof(struct fuse_rename_in) },
	{ FUSE_RENAME2, OP_RENAME, sizeof(struct fuse_rename2_in) },
	{ FUSE_LINK, OP_LINK, sizeof(struct fuse_link_in) },
	{ FUSE_OPEN, OP_OPEN, -1 },
	{ FUSE_READ, OP_READ, -1 },
	{ FUSE_WRITE, OP_WRITE, -1 },
	{ FUSE_STATFS, OP_STATFS, -1 },
	{ FUSE_FSYNC, OP_FSYNC, -1 },
	{ FUSE_SETXATTR, OP_SETXATTR, sizeof(struct fuse_setxattr_in) },
	{ FUSE_GETXATTR, OP_GETXATTR, sizeof(struct fuse_getxattr_in) },
	{ FUSE_LISTXATTR, OP_LISTXATTR, -1 },
	{ FUSE_REMOVEXATTR, OP_REMOVEXATTR, 0 },
	{ FUSE_FLUSH, OP_FLUSH, -1 },
	{ FUSE_OPENDIR, OP_OPENDIR, -1 },
	{ FUSE_READDIR, OP_READDIR, -1 },
	{ FUSE_FSYNCDIR, OP_FSYNCDIR, -1 },
	{ FUSE_ACCESS, OP_ACCESS, -1 },
	{ FUSE_CREATE, OP_CREATE, sizeof(struct fuse_create_in) },
	{ FUSE_FALLOCATE, OP_FALLOCATE, -1 },
	{ FUSE_READDIRPLUS, OP_READDIRPLUS, -1 },
	{ FUSE_LSEEK, OP_LSEEK, -1 },
	{ FUSE_COPY_FILE_RANGE, OP_COPY_FILE_RANGE, -1 },
};

/* Request-level fault kinds, in the order they are asked. */
static const enum fault_kind gate_kinds[] = {
	FAULT_DELAY, FAULT_RESTART, FAULT_REBIND, FAULT_SILLY_CLEANUP,
	FAULT_KERNEL_EVICT, FAULT_EVICT, FAULT_ERRNO,
};

static void reply_raw(struct daemon *d, const struct fuse_in_header *in, enum op op,
		      const char *name, int err)
{
	struct fuse_out_header out = { .len = sizeof(out), .error = -err, .unique = in->unique };

	stats_count(&d->stats.requests[op], 1);
	reply_err_event(d, op, in->nodeid, name, err, in->pid);
	if (write(fuse_session_fd(d->se), &out, sizeof(out)) < 0)
		log_debug("writing an injected reply: %m");
}

/* The errno of a stale entry (0 if none or not stale). */
static int stale_answer(struct daemon *d, uint64_t nodeid)
{
	struct inode *inode;
	int err = 0;

	if (!__atomic_load_n(&d->store.nstale, __ATOMIC_RELAXED))
		return 0;
	inode = store_get(&d->store, nodeid);
	if (inode) {
		err = __atomic_load_n(&inode->stale_err, __ATOMIC_RELAXED);
		if (err) {
			snprintf(errsrc_detail_buf, sizeof(errsrc_detail_buf), "rule %u stale entry",
				 __atomic_load_n(&inode->stale_rule, __ATOMIC_RELAXED));
			errsrc_current.kind = ERRSRC_INJECT;
			errsrc_current.detail = errsrc_detail_buf;
		}
		store_put(&d->store, inode);
	}
	return err;
}

/* Carry out a fired request-level fault. Returns the errno to answer, or 0. */
static int act(struct daemon *d, const struct inject_fire *f, const struct inject_point *pt)
{
	char msg[256] = "";
	int ret;

	switch (f->kind) {
	case FAULT_DELAY:
		usleep((useconds_t)f->delay_ms * 1000);
		snprintf(msg, sizeof(msg), "delayed %u ms", f->delay_ms);
		break;
	case FAULT_RESTART:
		daemon_restart(d);
		snprintf(msg, sizeof(msg), "restarted: store dropped, nodeids from 2");
		break;
	case FAULT_REBIND:
		ret = daemon_rebind(d, f->to, msg, sizeof(msg));
		(void)ret;
		break;
	case FAULT_SILLY_CLEANUP:
		daemon_silly_cleanup(d, f, msg, sizeof(msg));
		break;
	case FAULT_KERNEL_EVICT:
		daemon_kernel_evict(d, f, pt);
		return 0;	/* reported by the notifier once sent */
	case FAULT_EVICT: {
		/* Its path now, while it is known: later EBADF replies name only the nodeid. */
		struct inject_point at = *pt;
		char path[1024];

		if (daemon_path_of(d, pt->nodeid, NULL, path, sizeof(path)) == 0)
			at.path = path;
		ret = store_evict(&d->store, pt->nodeid, f->err, f->rule_id);
		snprintf(msg, sizeof(msg), ret < 0 ? "nodeid not in the store" :
			 f->err == EBADF ? "evicted (EBADF from now on)" : "evicted (ESTALE from now on)");
		inject_report(&d->inj, f, &at, msg);
		return 0;
	}
	case FAULT_ERRNO:
		fault_answer(&d->inj, f, pt, 0);
		return f->err;
	default:
		return 0;
	}
	inject_report(&d->inj, f, pt, msg);
	return 0;
}

bool op_fault_gate(struct daemon *d, const struct fuse_buf *buf)
{
	const struct fuse_in_header *in = buf->mem;
	struct inject_point pt;
	struct inject_fire fire;
	const char *name = NULL;
	size_t i;
	int err = 0;

	if (buf->flags & FUSE_BUF_IS_FD || buf->size < sizeof(*in))
		return false;
	if (in->opcode == FUSE_INIT && buf->size >= sizeof(*in) + sizeof(struct fuse_init_in)) {
		/* libfuse 3.14 hides the INIT flags it does not know. */
		const struct fuse_init_in *init = (const void *)(in + 1);

		d->submounts_offered = (init->flags & FUSE_SUBMOUNTS) != 0;
		return false;
	}
	for (i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++)
		if (opcodes[i].opcode == in->opcode)
			break;
	if (i == sizeof(opcodes) / sizeof(opcodes[0]))
		return false;	/* INIT, FORGET, RELEASE, INTERRUPT...: never faulted */
	if (opcodes[i].name_off >= 0 &&
	    sizeof(*in) + opcodes[i].name_off < buf->size &&
	    memchr((const char *)buf->mem + sizeof(*in) + opcodes[i].name_off, '\0',
		   buf->size - sizeof(*in) - opcodes[i].name_off))
		name = (const char *)buf->mem + sizeof(*in) + opcodes[i].name_off;
	errsrc_reset();
	errsrc_op = opcodes[i].op;
	pt = (struct inject_point){ .op = opcodes[i].op, .nodeid = in->nodeid, .name = name };
	if (__atomic_load_n(&d->inj.active, __ATOMIC_RELAXED)) {
		for (size_t k = 0; k < sizeof(gate_kinds) / sizeof(gate_kinds[0]) && !err; k++)
			if (inject_match(&d->inj, gate_kinds[k], &pt, &fire))
				err = act(d, &fire, &pt);
	}
	if (!err)
		err = stale_answer(d, in->nodeid);
	if (!err)
		return false;
	reply_raw(d, in, pt.op, name, err);
	return true;
}

int daemon_restart(struct daemon *d)
{
	struct inode *root;
	int ret;

	store_restart(&d->store);
	ret = backing_root(&d->backing, &root);
	if (ret == 0)
		ret = store_set_root(&d->store, root);
	log_info("restart fault: store dropped, nodeids start over at 2");
	return ret;
}

int daemon_reload(struct daemon *d, char *msg, size_t len)
{
	struct inode *root;
	int fd, ret;

	fd = open(d->cfg->shared_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(msg, len, "open %s: %s", d->cfg->shared_dir, strerror(errno));
		return ret;
	}
	/* The same fd number gets the new directory in one step (dup3), so a
	 * worker that dups root_fd meanwhile gets the old one or the new one,
	 * never a closed or reused number. */
	if (dup3(fd, d->backing.root_fd, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(msg, len, "dup3 over the root fd: %s", strerror(errno));
		close(fd);
		return ret;
	}
	close(fd);
	ret = backing_root(&d->backing, &root);
	if (ret == 0)
		ret = store_set_root(&d->store, root);
	snprintf(msg, len, ret ? "reloaded the root, setting it failed: %s" : "root re-resolved from %s",
		 ret ? strerror(-ret) : d->cfg->shared_dir);
	log_info("reload: %s", msg);
	return ret;
}

int daemon_rebind(struct daemon *d, const char *to, char *msg, size_t len)
{
	int ret = 0;

	pthread_mutex_lock(&d->rebind_lock);
	if (d->rebound[0]) {
		snprintf(msg, len, "already rebound over %s", d->rebound);
	} else if (mount(to, d->cfg->shared_dir, NULL, MS_BIND, NULL) < 0) {
		ret = -errno;
		snprintf(msg, len, "bind %s over %s: %s", to, d->cfg->shared_dir, strerror(errno));
	} else {
		snprintf(d->rebound, sizeof(d->rebound), "%s", d->cfg->shared_dir);
		snprintf(msg, len, "bound %s over %s; the daemon keeps its old root", to,
			 d->cfg->shared_dir);
	}
	pthread_mutex_unlock(&d->rebind_lock);
	log_info("rebind fault: %s", msg);
	return ret;
}

void daemon_unrebind(struct daemon *d)
{
	pthread_mutex_lock(&d->rebind_lock);
	if (d->rebound[0] && umount2(d->rebound, MNT_DETACH) < 0)
		log_warn("undoing the rebind of %s: %m", d->rebound);
	d->rebound[0] = '\0';
	pthread_mutex_unlock(&d->rebind_lock);
}

int daemon_silly_cleanup(struct daemon *d, const struct inject_fire *fire, char *msg, size_t len)
{
	size_t n, removed = 0, stale = 0;

	pthread_mutex_lock(&d->silly_lock);
	n = d->nsilly;
	for (size_t i = 0; i < n; i++) {
		struct silly *s = &d->silly[i];

		/* The nightly `find -name '.nfs*' -delete` of an NFS server. */
		if (unlinkat(s->dirfd, s->name, 0) == 0)
			removed++;
		stale += store_set_stale_ids(&d->store, &s->ids, fire ? fire->err : ESTALE,
					     fire ? fire->rule_id : 0);
		close(s->dirfd);
	}
	d->nsilly = 0;
	pthread_mutex_unlock(&d->silly_lock);
	snprintf(msg, len, "removed %zu of %zu .nfs files; %zu entries now stale", removed, n, stale);
	return (int)removed;
}

/* --- kernel notifications, sent by their own thread: a notification sent
 * from inside a request handler can deadlock on the kernel's locks. --- */

static int notify_raw(struct daemon *d, int code, const uint64_t *ids, uint32_t n)
{
	struct fuse_out_header h = { .error = code, .unique = 0 };
	struct { uint32_t count, padding; uint64_t spare; } prune = { .count = n };
	struct iovec iov[3] = { { &h, sizeof(h) } };
	int cnt = 1;

	if (code == FUSE_NOTIFY_PRUNE) {
		iov[cnt++] = (struct iovec){ &prune, sizeof(prune) };
		iov[cnt++] = (struct iovec){ (void *)ids, n * sizeof(*ids) };
	}
	for (int i = 0; i < cnt; i++)
		h.len += iov[i].iov_len;
	return writev(fuse_session_fd(d->se), iov, cnt) < 0 ? -errno : 0;
}

static int drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "2", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

static void notice_send(struct daemon *d, struct notice *n)
{
	char answer[320];
	int ret;

	switch (n->action) {
	case KEVICT_INVAL_ENTRY:
		ret = n->name[0] ? fuse_lowlevel_notify_inval_entry(d->se, n->nodeid, n->name,
								    strlen(n->name))
				 : -EINVAL;
		break;
	case KEVICT_INVAL_INODE:
		ret = fuse_lowlevel_notify_inval_inode(d->se, n->nodeid, 0, 0);
		break;
	case KEVICT_DELETE:
		ret = n->child && n->name[0]
			      ? fuse_lowlevel_notify_delete(d->se, n->nodeid, n->child, n->name,
							    strlen(n->name))
			      : -EINVAL;
		break;
	case KEVICT_PRUNE:
		ret = notify_raw(d, FUSE_NOTIFY_PRUNE, &n->nodeid, 1);
		break;
	case KEVICT_EPOCH:
		ret = notify_raw(d, FUSE_NOTIFY_INC_EPOCH, NULL, 0);
		break;
	case KEVICT_DROP_CACHES:
	default:
		ret = drop_caches();
		break;
	}
	snprintf(answer, sizeof(answer), "%s %s", kevict_action_name(n->action),
		 ret == 0 ? "sent" : strerror(-ret));
	inject_report(&d->inj, &n->fire, &n->pt, answer);
}

static void *notify_thread(void *arg)
{
	struct daemon *d = arg;

	pthread_mutex_lock(&d->notify_lock);
	for (;;) {
		while (!d->nnotices && !d->notify_quit)
			pthread_cond_wait(&d->notify_cond, &d->notify_lock);
		if (d->notify_quit)
			break;
		struct notice n = d->notices[0];

		memmove(d->notices, d->notices + 1, --d->nnotices * sizeof(n));
		pthread_mutex_unlock(&d->notify_lock);
		n.pt.name = n.name[0] ? n.name : NULL;
		notice_send(d, &n);
		pthread_mutex_lock(&d->notify_lock);
	}
	pthread_mutex_unlock(&d->notify_lock);
	return NULL;
}

/* The child entry of (parent, name), for notify_delete; 0 if unknown. */
static uint64_t child_of(struct daemon *d, uint64_t parent, const char *name)
{
	struct inode *dir = store_get(&d->store, parent), *cand;
	uint64_t nodeid = 0;
	struct stat st;
	struct pfd pfd;

	if (!dir)
		return 0;
	if (backing_path_fd(&d->backing, dir, &pfd) == 0) {
		if (backing_lookup(&d->backing, parent, pfd.fd, name, &cand, &st) == 0) {
			nodeid = store_peek_ids(&d->store, &cand->ids);
			inode_discard(cand);
		}
		pfd_release(&pfd);
	}
	store_put(&d->store, dir);
	errsrc_reset();
	return nodeid;
}

int daemon_kernel_evict(struct daemon *d, const struct inject_fire *fire,
			const struct inject_point *pt)
{
	struct notice n = { .action = fire->action, .nodeid = pt->nodeid, .fire = *fire,
			    .pt = *pt };
	int ret = 0;

	if (pt->name)
		snprintf(n.name, sizeof(n.name), "%s", pt->name);
	if (n.action == KEVICT_DELETE && pt->name)
		n.child = child_of(d, pt->nodeid, pt->name);
	pthread_mutex_lock(&d->notify_lock);
	if (d->nnotices == d->notice_cap) {
		size_t cap = d->notice_cap ? d->notice_cap * 2 : 16;
		struct notice *p = cap <= 4096 ? realloc(d->notices, cap * sizeof(*p)) : NULL;

		if (p) {
			d->notices = p;
			d->notice_cap = cap;
		}
	}
	if (d->nnotices < d->notice_cap) {
		d->notices[d->nnotices++] = n;
		pthread_cond_signal(&d->notify_cond);
	} else {
		ret = -ENOMEM;	/* a storm larger than 4096 queued notices: drop */
	}
	pthread_mutex_unlock(&d->notify_lock);
	return ret;
}

int faults_start(struct daemon *d)
{
	pthread_mutex_init(&d->silly_lock, NULL);
	pthread_mutex_init(&d->rebind_lock, NULL);
	pthread_mutex_init(&d->notify_lock, NULL);
	pthread_cond_init(&d->notify_cond, NULL);
	if (pthread_create(&d->notify_tid, NULL, notify_thread, d) != 0)
		return -EAGAIN;
	d->notify_started = true;
	return 0;
}

void faults_stop(struct daemon *d)
{
	char msg[128];

	if (d->notify_started) {
		pthread_mutex_lock(&d->notify_lock);
		d->notify_quit = true;
		pthread_cond_signal(&d->notify_cond);
		pthread_mutex_unlock(&d->notify_lock);
		pthread_join(d->notify_tid, NULL);
		d->notify_started = false;
	}
	free(d->notices);
	d->notices = NULL;
	/* Leftover .nfs files stay on disk, like on NFS; their fds go. */
	pthread_mutex_lock(&d->silly_lock);
	for (size_t i = 0; i < d->nsilly; i++)
		close(d->silly[i].dirfd);
	d->nsilly = 0;
	free(d->silly);
	d->silly = NULL;
	pthread_mutex_unlock(&d->silly_lock);
	daemon_unrebind(d);
	(void)msg;
}
