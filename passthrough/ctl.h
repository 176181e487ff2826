/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket's server (`--control SOCKET`): a thread that accepts
 * and one per client (ctl.c says more); the client is
 * workloads/harness/ctl_cli.c. */
#ifndef STALEFS_CTL_H
#define STALEFS_CTL_H

#include <pthread.h>

#define CTL_MAX_CLIENTS 32

struct daemon;

struct ctl_state {
	pthread_mutex_t lock;		/* guards fds and nclients */
	pthread_cond_t gone;		/* a client thread ended */
	int fds[CTL_MAX_CLIENTS];	/* under lock: clients being served, -1 free */
	unsigned int nclients;		/* under lock */
	pthread_mutex_t cmd_lock;	/* one command runs at a time */
};

/* Listen on path and start the thread. 0 / -errno (logged). */
int ctl_start(struct daemon *d, const char *path);
/* Stop the thread, close and remove the socket. Safe if never started. */
void ctl_stop(struct daemon *d, const char *path);

#endif
