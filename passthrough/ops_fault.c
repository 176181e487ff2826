// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The request gate, run on every raw request before libfuse dispatches it
 * (inject/ decides, this file acts): delay, errno (answered right here),
 * evict, kernel-evict (queued for the notifier thread), restart, rebind,
 * silly-cleanup, and the answer of entries made stale by a fault (evict
 * as=estale, renode, silly-cleanup). The whole-daemon actions and their
 * state are in faults.c.
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
#include <sys/uio.h>

#include "errsrc.h"
#include "fault.h"
#include "faults.h"
#include "log.h"
#include "ops.h"

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
	struct iovec iov = { &out, sizeof(out) };
	int ret;

	stats_count(&d->stats.requests[op], 1);
	reply_err_event(d, op, in->nodeid, name, err, in->pid);
	ret = daemon_send(d, &iov, 1);
	if (ret < 0)
		log_debug("writing an injected reply: %s", strerror(-ret));
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
		faults_restart(d);
		snprintf(msg, sizeof(msg), "restarted: store dropped, nodeids from 2");
		break;
	case FAULT_REBIND:
		ret = faults_rebind(d, f->to, msg, sizeof(msg));
		(void)ret;
		break;
	case FAULT_SILLY_CLEANUP:
		faults_silly_cleanup(d, f, msg, sizeof(msg));
		break;
	case FAULT_KERNEL_EVICT:
		faults_kernel_evict(d, f, pt);
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

		__atomic_store_n(&d->submounts_offered, (init->flags & FUSE_SUBMOUNTS) != 0, __ATOMIC_RELEASE);
		return false;
	}
	if (in->opcode == FUSE_DESTROY) {
		/* Only held (a server slow to let go: the client's unmount waits
		 * for it), then served. */
		pt = (struct inject_point){ .op = OP_DESTROY };
		if (__atomic_load_n(&d->inj.active, __ATOMIC_RELAXED) &&
		    inject_match(&d->inj, FAULT_DELAY, &pt, &fire))
			act(d, &fire, &pt);
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
