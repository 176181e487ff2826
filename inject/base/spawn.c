// SPDX-License-Identifier: GPL-2.0-or-later
/* Starting programs (spawn.h). */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "exitcode.h"

/* In the child: fd onto target, /dev/null when fd is -1. 0 or -1. */
static int put_fd(int fd, int target)
{
	int null_fd, ret;

	if (fd == target)
		return fcntl(fd, F_SETFD, 0) < 0 ? -1 : 0;	/* keep it across exec */
	if (fd >= 0)
		return dup2(fd, target) < 0 ? -1 : 0;
	null_fd = open("/dev/null", target == 0 ? O_RDONLY : O_WRONLY);
	if (null_fd < 0)
		return -1;
	ret = null_fd == target ? 0 : dup2(null_fd, target) < 0 ? -1 : 0;
	if (null_fd != target)
		close(null_fd);
	return ret;
}

static void child(const char *const argv[], const struct spawn_opts *o, pid_t parent)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGCHLD };
	char self[4096];
	sigset_t none;

	/* Callers block the signals they wait for; the child starts clean. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	if (o->pdeathsig && (prctl(PR_SET_PDEATHSIG, o->pdeathsig) < 0 || getppid() != parent))
		_exit(EXIT_INTERNAL);
	if (o->own_group)
		setpgid(0, 0);
	if (put_fd(o->in_fd, 0) < 0 || put_fd(o->out_fd, 1) < 0 || put_fd(o->err_fd, 2) < 0)
		_exit(EXIT_INTERNAL);
	if (o->env && putenv((char *)o->env) != 0)
		_exit(EXIT_INTERNAL);
	if (o->alarm_seconds)
		alarm(o->alarm_seconds);
	if (strcmp(argv[0], "stalefs") == 0) {
		/* Our own binary, named by its path (ps and pgrep show that). */
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n > 0) {
			self[n] = '\0';
			((const char **)argv)[0] = self;
		}
		execv("/proc/self/exe", (char *const *)argv);
	} else if (strchr(argv[0], '/')) {
		execv(argv[0], (char *const *)argv);
	} else {
		execvp(argv[0], (char *const *)argv);
	}
	dprintf(2, "stalefs: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

pid_t spawn(const char *const argv[], const struct spawn_opts *o)
{
	static const struct spawn_opts defaults = SPAWN_OPTS_INIT;
	pid_t parent = getpid(), pid;

	if (!argv || !argv[0])
		return -EINVAL;
	if (!o)
		o = &defaults;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child(argv, o, parent);
	if (o->own_group)
		setpgid(pid, pid);	/* both sides, so a kill(-pid) right away works */
	return pid;
}
