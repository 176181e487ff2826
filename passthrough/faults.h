/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Faults that act on the whole daemon, and the one home of the state they
 * keep between firing and undoing: the files silly-renamed to .nfsXXXX, the
 * queue of kernel notifications for the notifier thread, and the rebind.
 * Used by the request gate (ops_fault.c), the unlink path and `stalefs ctl`.
 */
#ifndef STALEFS_FAULTS_H
#define STALEFS_FAULTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "inject.h"
#include "inode.h"

struct daemon;

/* A file the silly-rename fault renamed to .nfsXXXX, until silly-cleanup. */
struct silly {
	int dirfd;			/* O_PATH fd of its directory */
	char name[32];			/* .nfsXXXX */
	struct inode_ids ids;
};

/* A kernel notification queued by kernel-evict for the notifier thread. */
struct notice {
	enum kevict_action action;
	uint64_t nodeid;		/* inval-inode, prune; the parent for entries */
	uint64_t child;			/* delete */
	char name[256];			/* inval-entry, delete */
	struct inject_fire fire;
	struct inject_point pt;
};

struct faults {
	pthread_mutex_t silly_lock;
	struct silly *silly;		/* silly_lock */
	size_t nsilly, silly_cap;	/* silly_lock */
	unsigned int silly_seq;		/* silly_lock */

	pthread_mutex_t notify_lock;
	pthread_cond_t notify_cond;
	struct notice *notices;		/* notify_lock; FIFO */
	size_t nnotices, notice_cap;	/* notify_lock */
	bool notify_quit;		/* notify_lock */
	pthread_t notify_tid;		/* the main thread's, between faults_start and faults_stop */
	bool notify_started;		/* the main thread's */

	pthread_mutex_t rebind_lock;
	char rebound[4096];		/* rebind_lock; path we bind-mounted over, "" if none */
};

/* Init the locks and start the notifier thread (0 / -errno); stop it, close
 * the silly-renamed files' fds (the files stay, as on NFS), undo a rebind. */
int faults_start(struct daemon *d);
/* Before the shared dir is opened: remove a rebind fault's bind over it
 * that a killed daemon left (its record names a daemon no longer alive). */
void faults_sweep_rebind(const char *shared_dir);
void faults_stop(struct daemon *d);

/* Drop the store (nodeids start over at 2) and set the root again. */
int faults_restart(struct daemon *d);
/* Re-resolve the shared dir into the root fd's number (dup3) and the root entry. */
int faults_reload(struct daemon *d, char *msg, size_t len);
/* Bind-mount `to` over the shared dir (the daemon keeps its old root); undo it. */
int faults_rebind(struct daemon *d, const char *to, char *msg, size_t len);
void faults_unrebind(struct daemon *d);
/* Rename name in dirfd to .nfsXXXX and remember it for silly-cleanup; the
 * new name in renamed. 0 / -errno (with errsrc set). */
int faults_silly_rename(struct daemon *d, int dirfd, const char *name, const struct inode_ids *ids,
			char *renamed, size_t len);
/* Unlink every .nfs file and mark its entries stale. The count removed. */
int faults_silly_cleanup(struct daemon *d, const struct inject_fire *fire, char *msg, size_t len);
/* Queue a kernel notification for the notifier thread. 0 / -ENOMEM. */
int faults_kernel_evict(struct daemon *d, const struct inject_fire *fire,
			const struct inject_point *pt);

#endif
