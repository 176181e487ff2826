/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running daemon, seen from outside passthrough/: one call that starts,
 * mounts, serves and unmounts. Its state (struct daemon) is private to the
 * daemon's files: daemon_state.h.
 */
#ifndef STALEFS_DAEMON_H
#define STALEFS_DAEMON_H

#include "config.h"

/* Run the daemon until unmount or signal. Returns the process exit code
 * (exitcode.h): EXIT_USAGE for bad options or a bad shared dir, events file
 * or control socket; EXIT_CANNOT_RUN when this machine or privilege cannot
 * run what was asked (no /dev/fuse, no user namespaces, file handles that do
 * not work for mandatory); EXIT_FAIL for a failure while serving. */
int daemon_run(const struct config *cfg);

#endif
