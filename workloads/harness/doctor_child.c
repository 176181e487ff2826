// SPDX-License-Identifier: GPL-2.0-or-later
/* The doctor's bounded children; see doctor_child.h. */
#include "doctor_child.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "counts.h"
#include "doctor_check.h"
#include "spawn.h"

void child_block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, old);
}

/*
 * Collect what a child writes to fd (until EOF) into out, then reap it and
 * kill whatever it left in its process group (a tool's own children).
 * Bounded: after CHILD_SECONDS + 1 s the group is killed, and a child that
 * still does not go away is left to init. 0 with *status, or -ETIMEDOUT.
 */
static int child_finish(pid_t pid, int fd, char *out, size_t outlen, int *status)
{
	double deadline = mono_seconds() + CHILD_SECONDS + 1;
	size_t used = 0;
	bool killed = false;
	ssize_t n;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = (int)((deadline - mono_seconds()) * 1000);
		char sink[512];
		int r;

		if (ms <= 0)
			break;
		r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (used + 1 < outlen)
			n = read(fd, out + used, outlen - 1 - used);
		else
			n = read(fd, sink, sizeof(sink));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		if (used + 1 < outlen)
			used += n;
	}
	if (outlen)
		out[used] = '\0';
	close(fd);
	/* Wait for the exit without reaping: the pid (our group's ID) stays
	 * ours until waitpid, so the group kill cannot hit anyone else. */
	for (int i = 0;; i++) {
		siginfo_t si = { 0 };
		int r = waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT);

		if (r == 0 && si.si_pid == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (!killed && mono_seconds() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			killed = true;
		}
		if (i > 200 + (CHILD_SECONDS + 1) * 100)
			return -ETIMEDOUT;	/* unkillable (D state): leave it */
		usleep(10000);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return killed ? -ETIMEDOUT : 0;
}

/* In run_probe's child (a fork, no exec): no blocked signals, its own group,
 * the alarm, stdin from /dev/null. */
static void child_start(void)
{
	sigset_t none;
	int null_fd;

	setpgid(0, 0);	/* its own group: killed as one */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGALRM, SIG_DFL);
	alarm(CHILD_SECONDS);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd >= 0)
		dup2(null_fd, 0);
}

int run_capture(const char *const argv[], char *out, size_t outlen, int *status)
{
	struct spawn_opts o = SPAWN_OPTS_INIT;
	int fds[2], ret;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	o.out_fd = o.err_fd = fds[1];
	o.own_group = true;	/* killed as one */
	o.alarm_seconds = CHILD_SECONDS;
	pid = spawn(argv, &o);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return pid;
	}
	ret = child_finish(pid, fds[0], out, outlen, status);
	if (ret == 0 && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGALRM)
		ret = -ETIMEDOUT;	/* its alarm went off */
	return ret;
}

int run_probe(int (*fn)(void *arg, char *msg, size_t len), void *arg, char *msg,
	      size_t msglen)
{
	int fds[2], status = 0, ret;
	pid_t pid;

	msg[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (pid == 0) {
		char buf[DETAIL_MAX] = "";
		ssize_t n;

		child_start();
		close(fds[0]);
		ret = fn(arg, buf, sizeof(buf));
		n = write(fds[1], buf, strlen(buf));
		(void)n;
		_exit(ret < 0 && -ret < 256 ? -ret : ret < 0 ? 255 : 0);
	}
	setpgid(pid, pid);
	close(fds[1]);
	ret = child_finish(pid, fds[0], msg, msglen, &status);
	if (ret < 0)
		return ret;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGALRM ? -ETIMEDOUT : -EINTR;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
}
