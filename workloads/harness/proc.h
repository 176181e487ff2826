/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Child processes of the harness: the daemon and the workloads run as
 * `stalefs ...` children (/proc/self/exe), each with a parent-death signal so
 * that a killed harness takes them along, stdout/stderr to files, and waits
 * bounded in time.
 */
#ifndef STALEFS_PROC_H
#define STALEFS_PROC_H

#include <signal.h>
#include <sys/types.h>

/* Start argv[0..] (argv[0] "stalefs" means this executable) with stdout to
 * out_path and stderr to err_path (NULL: /dev/null; equal paths share one
 * file), and pdeathsig sent to it if the harness dies. The pid, or -errno. */
pid_t proc_spawn(char *const argv[], const char *out_path, const char *err_path, int pdeathsig);
/* Set by the harness's SIGINT/SIGTERM handler (proc_on_signals()). */
extern volatile sig_atomic_t proc_interrupted;
/* Catch SIGINT and SIGTERM into proc_interrupted (no SA_RESTART). */
void proc_on_signals(void);
/* Wait up to seconds for pid (<= 0: forever). 0 and the wait status in
 * *status; -ETIMEDOUT when it is still running; -EINTR when the harness was
 * interrupted (the child is still running). */
int proc_wait(pid_t pid, double seconds, int *status);
/* SIGTERM, wait up to grace seconds, then SIGKILL and reap. The exit status. */
int proc_stop(pid_t pid, double grace);
/* The exit code from a wait status (128+signal for a signal). */
int proc_exit_code(int status);

#endif
