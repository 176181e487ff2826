// SPDX-License-Identifier: GPL-2.0-or-later
/* Child processes of the harness; see proc.h. */
#include "proc.h"
#include "clock.h"

#include "exitcode.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

volatile sig_atomic_t proc_interrupted;

static void on_signal(int sig)
{
	proc_interrupted = sig;
}

void proc_on_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int open_out(const char *path)
{
	return open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

pid_t proc_spawn(char *const argv[], const char *out_path, const char *err_path, int pdeathsig)
{
	struct spawn_opts o = { .in_fd = 0, .pdeathsig = pdeathsig };	/* stdin stays ours */
	pid_t pid;
	int out, err, e;

	out = open_out(out_path);
	if (out < 0)
		return -errno;
	err = (err_path && out_path && strcmp(err_path, out_path) == 0) ? dup(out)
									 : open_out(err_path);
	if (err < 0) {
		e = -errno;
		close(out);
		return e;
	}
	o.out_fd = out;
	o.err_fd = err;
	pid = spawn((const char *const *)argv, &o);
	close(out);
	close(err);
	return pid;
}

int proc_wait(pid_t pid, double seconds, int *status)
{
	struct timespec step = { 0, 5 * 1000 * 1000 };
	double t0 = mono_seconds();

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (proc_interrupted)
			return -EINTR;
		if (seconds > 0 && mono_seconds() - t0 >= seconds)
			return -ETIMEDOUT;
		nanosleep(&step, NULL);
	}
}

int proc_stop(pid_t pid, double grace)
{
	int status = 0;

	kill(pid, SIGTERM);
	for (struct timespec step = { 0, 5 * 1000 * 1000 }; grace > 0; grace -= 0.005) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return proc_exit_code(status);
		nanosleep(&step, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return proc_exit_code(status);
}

int proc_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_INTERNAL;
}
