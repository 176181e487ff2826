/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The doctor's bounded children: a program run with its output captured, or
 * a probe function run in a fork (for what changes the process: unshare,
 * mounts). Each child has its own process group, stdin from /dev/null and a
 * CHILD_SECONDS alarm; whatever it leaves in its group is killed.
 */
#ifndef STALEFS_DOCTOR_CHILD_H
#define STALEFS_DOCTOR_CHILD_H

#include <signal.h>
#include <stddef.h>

#define CHILD_SECONDS 5		/* every child's alarm */

/* Block SIGINT, SIGTERM, SIGHUP and SIGQUIT (the old mask into *old), so
 * a made thing (temp dir, tracefs instance) is removed before we die. */
void child_block_signals(sigset_t *old);

/*
 * Run a program (argv[0] a path) with stdout and stderr into out. 0 with its
 * wait status in *status, -ETIMEDOUT, or -errno.
 */
int run_capture(const char *const argv[], char *out, size_t outlen, int *status);

/*
 * Run fn(arg, msg) in a child; fn returns 0 or -errno and says what it did
 * (or what failed) in msg. Returns fn's result, -ETIMEDOUT, or -errno; msg
 * gets the child's words.
 */
int run_probe(int (*fn)(void *arg, char *msg, size_t len), void *arg, char *msg,
	      size_t msglen);

#endif
