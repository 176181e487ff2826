/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket's server (`--control SOCKET`), one thread; the client is
 * workloads/harness/ctl_cli.c. */
#ifndef STALEFS_CTL_H
#define STALEFS_CTL_H

struct daemon;

/* Listen on path and start the thread. 0 / -errno (logged). */
int ctl_start(struct daemon *d, const char *path);
/* Stop the thread, close and remove the socket. Safe if never started. */
void ctl_stop(struct daemon *d, const char *path);

#endif
