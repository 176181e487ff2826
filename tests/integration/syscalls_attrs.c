// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls checks on attributes (see syscalls_i.h): mode and owner, times,
 * access(2), statfs, and a child with other credentials acting through the
 * mount.
 */
#include "syscalls_i.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <sys/wait.h>

static int expect_perm_pair(struct ctx *c, const struct pair *f, mode_t perm)
{
	struct stat ms, bs;

	if (lstat_pair(c, f, &ms, &bs) ||
	    expect_mode(c, "lstat", f->m, &ms, S_IFREG, perm) ||
	    expect_mode(c, "lstat", f->b, &bs, S_IFREG, perm))
		return -1;
	return 0;
}

int chmod_fchmod_chown_update_backing(struct ctx *c)
{
	struct stat ms, bs;
	struct pair f;
	int fd = -1, ret = -1;

	if (mkpair(c, "file", &f) || create_text(c, f.m, "mode\n"))
		return -1;
	if (chmod(f.m, 0600)) {
		fail_sys(c, "chmod(%s, 0600)", f.m);
		goto out;
	}
	if (expect_perm_pair(c, &f, 0600))
		goto out;
	fd = open(f.m, O_RDONLY);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_RDONLY)", f.m);
		goto out;
	}
	if (fchmod(fd, 0705)) {
		fail_sys(c, "fchmod(%s, 0705)", f.m);
		goto out;
	}
	if (fstat(fd, &ms)) {
		fail_sys(c, "fstat(%s)", f.m);
		goto out;
	}
	if (expect_mode(c, "fstat", f.m, &ms, S_IFREG, 0705) ||
	    expect_perm_pair(c, &f, 0705))
		goto out;
	if (geteuid() != 0) {
		ret = skip_note(c, "chown part needs root");
		goto out;
	}
	if (chown(f.m, TEST_UID, TEST_GID)) {
		fail_sys(c, "chown(%s, %d, %d)", f.m, TEST_UID, TEST_GID);
		goto out;
	}
	if (lstat_pair(c, &f, &ms, &bs) ||
	    expect_owner(c, "lstat", f.m, &ms, TEST_UID, TEST_GID) ||
	    expect_owner(c, "lstat", f.b, &bs, TEST_UID, TEST_GID))
		goto out;
	ret = 0;
out:
	close_quiet(fd);
	return ret;
}

int utimensat_and_futimens_set_backing_times(struct ctx *c)
{
	const struct timespec t1[2] = { { 1000000000, 123456789 },
					{ 1100000000, 987654321 } };
	const struct timespec t2[2] = { { 0, UTIME_OMIT },
					{ 1200000000, 5 } };
	const struct timespec t2_result[2] = { t1[0], t2[1] };
	const struct timespec t3[2] = { { 1300000000, 111111111 },
					{ 1400000000, 999999999 } };
	struct pair f;
	int fd = -1, ret = -1;

	if (mkpair(c, "file", &f) || create_text(c, f.m, "times\n"))
		return -1;
	if (utimensat(AT_FDCWD, f.m, t1, 0)) {
		fail_sys(c, "utimensat(%s, explicit times)", f.m);
		goto out;
	}
	if (expect_times(c, &f, t1))
		goto out;
	if (utimensat(AT_FDCWD, f.m, t2, 0)) {
		fail_sys(c, "utimensat(%s, atime UTIME_OMIT)", f.m);
		goto out;
	}
	if (expect_times(c, &f, t2_result))
		goto out;
	fd = open(f.m, O_RDONLY);
	if (fd < 0) {
		fail_sys(c, "open(%s, O_RDONLY)", f.m);
		goto out;
	}
	if (futimens(fd, t3)) {
		fail_sys(c, "futimens(%s)", f.m);
		goto out;
	}
	if (expect_times(c, &f, t3))
		goto out;
	ret = 0;
out:
	close_quiet(fd);
	return ret;
}

int statfs_matches_backing(struct ctx *c)
{
	struct statfs ms, bs;

	if (statfs(c->mdir, &ms))
		return fail_sys(c, "statfs(%s)", c->mdir);
	if (statfs(c->bdir, &bs))
		return fail_sys(c, "statfs(%s)", c->bdir);
	if (ms.f_bsize != bs.f_bsize)
		return failf(c, "statfs: f_bsize is %lld through the mount, %lld on backing",
			     (long long)ms.f_bsize, (long long)bs.f_bsize);
	if (ms.f_blocks != bs.f_blocks)
		return failf(c, "statfs: f_blocks is %llu through the mount, %llu on backing",
			     (unsigned long long)ms.f_blocks,
			     (unsigned long long)bs.f_blocks);
	if (ms.f_files != bs.f_files)
		return failf(c, "statfs: f_files is %llu through the mount, %llu on backing",
			     (unsigned long long)ms.f_files,
			     (unsigned long long)bs.f_files);
	return 0;
}

int access_checks_mode_bits(struct ctx *c)
{
	struct pair ro, rw;
	struct stat bs;

	if (mkpair(c, "ro", &ro) || mkpair(c, "rw", &rw) ||
	    create_file(c, ro.m, 0400, "r\n", 2) ||
	    create_file(c, rw.m, 0644, "w\n", 2))
		return -1;
	if (lstat_ok(c, ro.b, &bs) ||
	    expect_mode(c, "lstat", ro.b, &bs, S_IFREG, 0400) ||
	    lstat_ok(c, rw.b, &bs) ||
	    expect_mode(c, "lstat", rw.b, &bs, S_IFREG, 0644))
		return -1;
	if (access(ro.m, R_OK))
		return fail_sys(c, "access(%s, R_OK) on a 0400 file", ro.m);
	/* Not even root may execute a file without any x bit. */
	if (expect_errno(c, access(rw.m, X_OK), EACCES,
			 "access(%s, X_OK) on a 0644 file", rw.m))
		return -1;
	if (geteuid() != 0 &&
	    expect_errno(c, access(ro.m, W_OK), EACCES,
			 "access(%s, W_OK) on a 0400 file", ro.m))
		return -1;
	return 0;
}

/* Runs in the child: drop to TEST_UID/TEST_GID and act through the mount. */
static int creds_child_body(struct ctx *c, const struct pair *own,
			    const struct pair *secret)
{
	int fd;

	if (setgroups(0, NULL))
		return fail_sys(c, "child: setgroups(0, NULL)");
	if (setgid(TEST_GID))
		return fail_sys(c, "child: setgid(%d)", TEST_GID);
	if (setuid(TEST_UID))
		return fail_sys(c, "child: setuid(%d)", TEST_UID);
	fd = open(own->m, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (fd < 0)
		return fail_sys(c, "child uid %d: open(%s, O_CREAT|O_EXCL|O_WRONLY, 0644)%s",
				TEST_UID, own->m,
				errno == EACCES ? " [is the mount allow_other?]" : "");
	if (pwrite_exact(c, fd, "child\n", 6, 0, own->m)) {
		close(fd);
		return -1;
	}
	if (close_fd(c, &fd, own->m))
		return -1;
	fd = open(secret->m, O_RDONLY);
	if (expect_errno(c, fd, EACCES,
			 "child uid %d: open(%s, O_RDONLY) of a 0600 root file",
			 TEST_UID, secret->m)) {
		close_quiet(fd);
		return -1;
	}
	return 0;
}

/* Fork, run creds_child_body in the child and collect its verdict. */
static int run_as_test_user(struct ctx *c, const struct pair *own,
			    const struct pair *secret)
{
	char buf[sizeof(c->reason)];
	size_t got = 0;
	int pfd[2], status;
	pid_t pid;

	if (pipe(pfd))
		return fail_sys(c, "pipe()");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return fail_sys(c, "fork()");
	}
	if (pid == 0) {
		int rc;

		close(pfd[0]);
		rc = creds_child_body(c, own, secret);
		if (write(pfd[1], c->reason, strlen(c->reason)) < 0)
			rc = -1;
		_exit(rc ? 1 : 0);
	}
	close(pfd[1]);
	while (got < sizeof(buf) - 1) {
		ssize_t n = read(pfd[0], buf + got, sizeof(buf) - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail_sys(c, "waitpid(%d)", (int)pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (got)
		return failf(c, "%.*s", (int)got, buf);
	if (WIFSIGNALED(status))
		return failf(c, "child killed by signal %d", WTERMSIG(status));
	return failf(c, "child exited with status %d", WEXITSTATUS(status));
}

int child_credentials_apply_to_backing(struct ctx *c)
{
	struct pair pub, own, secret;
	struct stat ms, bs;

	if (geteuid() != 0)
		return skip_note(c, "needs root to switch credentials");
	if (mkpair(c, "pub", &pub) || mkpair(c, "pub/child", &own) ||
	    mkpair(c, "secret", &secret))
		return -1;
	if (mkdir(pub.m, 0777))
		return fail_sys(c, "mkdir(%s, 0777)", pub.m);
	if (lstat_ok(c, pub.b, &bs) ||
	    expect_mode(c, "lstat", pub.b, &bs, S_IFDIR, 0777))
		return -1;
	if (create_file(c, secret.m, 0600, "secret\n", 7) ||
	    lstat_ok(c, secret.b, &bs) ||
	    expect_mode(c, "lstat", secret.b, &bs, S_IFREG, 0600) ||
	    expect_owner(c, "lstat", secret.b, &bs, 0, 0))
		return -1;
	if (run_as_test_user(c, &own, &secret))
		return -1;
	if (lstat_pair(c, &own, &ms, &bs) ||
	    expect_owner(c, "lstat", own.b, &bs, TEST_UID, TEST_GID) ||
	    expect_owner(c, "lstat", own.m, &ms, TEST_UID, TEST_GID) ||
	    expect_mode(c, "lstat", own.b, &bs, S_IFREG, 0644) ||
	    expect_same_ino(c, own.m, &ms, own.b, &bs))
		return -1;
	return expect_content(c, own.b, "child\n", 6);
}
