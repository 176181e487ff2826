/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running daemon: configuration, host access, inode store, counters and
 * the FUSE session, and the start-mount-loop-unmount ladder around them.
 */
#ifndef STALEFS_DAEMON_H
#define STALEFS_DAEMON_H

#include <fuse_lowlevel.h>

#include "backing.h"
#include "config.h"
#include "inode.h"
#include "stats.h"

struct daemon {
	const struct config *cfg;	/* immutable */
	struct backing backing;
	struct inode_store store;
	struct stats stats;
	struct fuse_session *se;	/* immutable while the loop runs */
};

/* Exit codes of `stalefs mount`. */
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* Run the daemon until unmount or signal. Returns the process exit code. */
int daemon_run(const struct config *cfg);

/* Fill the "what took effect" part of the stats document. */
void daemon_stats_mode(const struct daemon *d, struct stats_mode *m);

#endif
