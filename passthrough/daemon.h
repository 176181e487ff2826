/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running daemon: configuration, host access, inode store, counters and
 * the FUSE session, and the start-mount-loop-unmount ladder around them.
 */
#ifndef STALEFS_DAEMON_H
#define STALEFS_DAEMON_H

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>

#include "backing.h"
#include "config.h"
#include "exitcode.h"
#include "fdlimit.h"
#include "inject.h"
#include "inode.h"
#include "names.h"
#include "stats.h"

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

struct daemon {
	const struct config *cfg;	/* immutable */
	struct backing backing;
	struct inode_store store;
	struct fdlimit fdl;		/* fd limits (rlimit, guest fds) */
	struct names names;		/* recent names, for identity changes */
	bool submounts_offered;		/* immutable after INIT: the kernel offered FUSE_SUBMOUNTS */
	uint64_t submounts_sent;	/* atomic; entry replies with FUSE_ATTR_SUBMOUNT */
	uint64_t identity_changes;	/* atomic; identity changes logged */
	struct stats stats;
	struct inject inj;
	struct fuse_session *se;	/* immutable while the loop runs */
	char root_path[4096];		/* immutable; realpath of the shared dir, for path= rules */

	pthread_mutex_t silly_lock;
	struct silly *silly;		/* silly_lock */
	size_t nsilly, silly_cap;	/* silly_lock */
	unsigned int silly_seq;		/* silly_lock */

	pthread_mutex_t notify_lock;
	pthread_cond_t notify_cond;
	struct notice *notices;		/* notify_lock; FIFO */
	size_t nnotices, notice_cap;	/* notify_lock */
	bool notify_quit;		/* notify_lock */
	pthread_t notify_tid;
	bool notify_started;

	pthread_mutex_t rebind_lock;
	char rebound[4096];		/* rebind_lock; path we bind-mounted over, "" if none */

	int ctl_fd;			/* listening control socket, -1 if none */
	pthread_t ctl_tid;
	bool ctl_started;
};

/* Run the daemon until unmount or signal. Returns the process exit code
 * (exitcode.h): EXIT_USAGE for bad options or a bad shared dir, events file
 * or control socket; EXIT_CANNOT_RUN when this machine or privilege cannot
 * run what was asked (no /dev/fuse, no user namespaces, file handles that do
 * not work for mandatory); EXIT_FAIL for a failure while serving. */
int daemon_run(const struct config *cfg);

/* Faults that act on the whole daemon (ops_fault.c); used by rules and ctl. */
int daemon_restart(struct daemon *d);
int daemon_reload(struct daemon *d, char *msg, size_t len);
int daemon_rebind(struct daemon *d, const char *to, char *msg, size_t len);
int daemon_silly_cleanup(struct daemon *d, const struct inject_fire *fire, char *msg, size_t len);
int daemon_kernel_evict(struct daemon *d, const struct inject_fire *fire,
			const struct inject_point *pt);
void daemon_unrebind(struct daemon *d);
int faults_start(struct daemon *d);
void faults_stop(struct daemon *d);

/* The control socket (ctl.c). */
int ctl_start(struct daemon *d, const char *path);
void ctl_stop(struct daemon *d, const char *path);

/* "/rel/path" of nodeid (+ "/name") under the shared dir, from the host. 0 / -errno. */
int daemon_path_of(struct daemon *d, uint64_t nodeid, const char *name, char *buf, size_t len);

/* Fill the "what took effect" part of the stats document. */
void daemon_stats_mode(const struct daemon *d, struct stats_mode *m);

#endif
