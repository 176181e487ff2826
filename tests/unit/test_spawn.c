// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one fork/exec helper: the child gets the descriptors, environment and
 * process group asked for, stdin from /dev/null by default, a clean signal
 * mask, and a missing program is exit 127 with the reason on its stderr.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "spawn.h"
#include "unit.h"

/* Run argv with stdout and stderr into buf; the exit status. */
static int run(const char *const argv[], struct spawn_opts *o, char *buf, size_t len)
{
	int p[2], status;
	ssize_t n, used = 0;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	o->out_fd = o->err_fd = p[1];
	pid = spawn(argv, o);
	ck_assert_int_gt(pid, 0);
	close(p[1]);
	while ((n = read(p[0], buf + used, len - 1 - used)) > 0)
		used += n;
	buf[used] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(child_gets_its_output_environment_and_status)
{
	const char *const argv[] = { "sh", "-c", "echo \"$LC_ALL\"; echo err >&2; exit 3", NULL };
	struct spawn_opts o = { .in_fd = -1, .env = "LC_ALL=C" };
	char buf[256];

	ck_assert_int_eq(run(argv, &o, buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "C\nerr\n");
}
END_TEST

START_TEST(stdin_is_dev_null_and_no_signal_is_blocked)
{
	const char *const argv[] = { "sh", "-c", "cat; grep '^SigBlk' /proc/self/status", NULL };
	struct spawn_opts o = SPAWN_OPTS_INIT;
	sigset_t block, old;
	char buf[256];

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	ck_assert_int_eq(run(argv, &o, buf, sizeof(buf)), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	ck_assert_str_eq(buf, "SigBlk:\t0000000000000000\n");
}
END_TEST

START_TEST(own_group_makes_a_process_group)
{
	const char *const argv[] = { "sh", "-c", "cut -d' ' -f5 /proc/$$/stat", NULL };
	struct spawn_opts o = { .in_fd = -1, .own_group = true };
	char buf[64];
	int p[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	o.out_fd = p[1];
	pid = spawn(argv, &o);
	ck_assert_int_gt(pid, 0);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	waitpid(pid, &status, 0);
	ck_assert_int_eq(atoi(buf + strspn(buf, " ")), pid);
}
END_TEST

START_TEST(missing_program_exits_127_and_says_why)
{
	const char *const argv[] = { "/nonexistent/stalefs-no-such-program", NULL };
	struct spawn_opts o = SPAWN_OPTS_INIT;
	char buf[256];

	ck_assert_int_eq(run(argv, &o, buf, sizeof(buf)), 127);
	ck_assert_ptr_nonnull(strstr(buf, "No such file or directory"));
	ck_assert_int_lt(spawn(NULL, &o), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spawn");
	TCase *tc = tcase_create("spawn");

	tcase_add_test(tc, child_gets_its_output_environment_and_status);
	tcase_add_test(tc, stdin_is_dev_null_and_no_signal_is_blocked);
	tcase_add_test(tc, own_group_makes_a_process_group);
	tcase_add_test(tc, missing_program_exits_127_and_says_why);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
