/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one fork/exec helper: every program stalefs starts (its own commands
 * as children of the harness, ostree, doctor's tools, QEMU) goes through
 * spawn(). The child starts clean (no blocked signals, default handlers),
 * with the descriptors and options asked for, then execs.
 */
#ifndef STALEFS_SPAWN_H
#define STALEFS_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

struct spawn_opts {
	int in_fd, out_fd, err_fd;	/* the child's 0, 1, 2; -1: /dev/null */
	int pdeathsig;			/* sent to the child if we die; 0: none */
	bool own_group;			/* its own process group (killed as one) */
	unsigned int alarm_seconds;	/* SIGALRM after this long; 0: none */
	const char *env;		/* one "NAME=value" to set, or NULL */
};

/* The defaults: /dev/null for all three, nothing else. */
#define SPAWN_OPTS_INIT { .in_fd = -1, .out_fd = -1, .err_fd = -1 }

/*
 * Start argv (NULL-terminated). argv[0] "stalefs" is this executable
 * (/proc/self/exe, shown under its path); a name with a '/' is exec'd as is,
 * any other is looked up in PATH. The parent's descriptors are not closed:
 * pass O_CLOEXEC ones. The pid, or -errno (an exec failure is exit 127).
 */
pid_t spawn(const char *const argv[], const struct spawn_opts *o);

#endif
