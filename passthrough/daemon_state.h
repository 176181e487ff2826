/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running daemon's state, for the daemon's own files (ops*.c, ctl.c,
 * faults.c, daemon.c): configuration, host access, inode store, counters,
 * the FUSE session, the faults' state and the control socket. Nothing
 * outside passthrough/ includes this; they call daemon_run() (daemon.h).
 */
#ifndef STALEFS_DAEMON_STATE_H
#define STALEFS_DAEMON_STATE_H

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "backing.h"
#include "config.h"
#include "ctl.h"
#include "exitcode.h"
#include "faults.h"
#include "fdlimit.h"
#include "inject.h"
#include "inode.h"
#include "names.h"
#include "stats.h"

struct vfs;

struct daemon {
	const struct config *cfg;	/* immutable */
	struct backing backing;
	struct inode_store store;
	struct fdlimit fdl;		/* fd limits (rlimit, guest fds) */
	struct names names;		/* recent names, for identity changes */
	bool submounts_offered;		/* atomic: set once at INIT by a worker, read by the stats writer: the kernel offered FUSE_SUBMOUNTS */
	uint64_t submounts_sent;	/* atomic; entry replies with FUSE_ATTR_SUBMOUNT */
	uint64_t identity_changes;	/* atomic; identity changes logged */
	struct stats stats;
	struct inject inj;
	struct fuse_session *se;	/* immutable while the loop runs */
	struct vfs *vfs;		/* immutable; the virtio-fs transport, NULL on /dev/fuse */
	char root_path[4096];		/* immutable; realpath of the shared dir, for path= rules */

	struct faults faults;		/* whole-daemon faults' state; its own locks (faults.h) */

	int ctl_fd;			/* listening control socket, -1 if none */
	struct ctl_state ctl;		/* its clients (ctl.h) */
	pthread_t ctl_tid;
	bool ctl_started;
	dev_t ctl_dev;			/* the socket file we bound: ctl_stop removes only it */
	ino_t ctl_ino;
};

/* "/rel/path" of nodeid (+ "/name") under the shared dir, from the host. 0 / -errno. */
int daemon_path_of(struct daemon *d, uint64_t nodeid, const char *name, char *buf, size_t len);

/* Send a raw reply or notification (out header first) to the kernel or,
 * on virtio-fs, the guest. 0 / -errno. */
int daemon_send(struct daemon *d, const struct iovec *iov, int cnt);

/* Fill the "what took effect" part of the stats document. */
void daemon_stats_mode(const struct daemon *d, struct stats_mode *m);

#endif
