// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host access of the inode modes, on a temporary directory (no mount):
 * lookups that cannot leave their directory, st_ino passed through, one
 * entry for 970 hardlinks, the startup probe, the mount-fd table, the
 * per-inode O_PATH fallback, O_PATH reopen after unlink, and a handle that
 * goes stale once its inode is freed. Needs root (open_by_handle_at).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "backing.h"
#include "errsrc.h"
#include "inode.h"
#include "ops.h"
#include "privs.h"
#include "unit.h"

static char dir[256];
static int dirfd_;
static struct backing b;
static struct inode_store store;

static void setup(void)
{
	unit_mkdtemp(dir, sizeof(dir));
	dirfd_ = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dirfd_, 0);
	ck_assert_int_eq(backing_init(&b, dir), 0);
	ck_assert_int_eq(store_init(&store), 0);
	errsrc_reset();
}

static void teardown(void)
{
	store_destroy(&store);
	backing_destroy(&b);
	close(dirfd_);
	unit_rmtree(dir);
}

static const enum inode_mode modes[] = { INODE_MODE_NEVER, INODE_MODE_PREFER,
					 INODE_MODE_MANDATORY };

static void check_resolve_stays_inside(void)
{
	struct stat st;
	int fd;

	ck_assert_int_eq(symlinkat("/etc", dirfd_, "out"), 0);
	ck_assert_int_eq(symlinkat("../../..", dirfd_, "up"), 0);

	ck_assert_int_eq(backing_resolve(&b, 0, dirfd_, ".."), -EINVAL);
	ck_assert_int_eq(backing_resolve(&b, 0, dirfd_, "."), -EINVAL);
	ck_assert_int_eq(backing_resolve(&b, 0, dirfd_, "out/passwd"), -EINVAL);
	ck_assert_int_eq(backing_resolve(&b, 0, dirfd_, ""), -EINVAL);
	for (int i = 0; i < 2; i++) {
		fd = backing_resolve(&b, 0, dirfd_, i ? "up" : "out");
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fstatat(fd, "", &st, AT_EMPTY_PATH), 0);
		ck_assert_msg(S_ISLNK(st.st_mode), "a symlink must not be followed");
		close(fd);
	}
}

START_TEST(resolve_stays_inside_with_openat2)
{
	check_resolve_stays_inside();
}
END_TEST

START_TEST(resolve_stays_inside_without_openat2)
{
	b.no_openat2 = 1;
	check_resolve_stays_inside();
}
END_TEST

START_TEST(lookup_passes_host_errno_and_names_the_syscall)
{
	struct inode *cand;
	struct stat st;

	ck_assert_int_eq(backing_lookup(&b, 0, dirfd_, "missing", &cand, &st), -ENOENT);
	ck_assert_str_eq(errsrc_current.kind, ERRSRC_HOST);
	/* openat2, or openat where it is missing (e.g. under valgrind 3.19) */
	ck_assert_str_eq(errsrc_current.detail, b.no_openat2 ? "openat" : "openat2");
}
END_TEST

START_TEST(hardlinks_share_one_entry_and_host_st_ino)
{
	enum inode_mode mode = modes[_i];
	struct stat host, st;
	uint64_t nodeid = 0;
	char name[32];

	ck_assert_int_eq(backing_probe(&b, mode), 0);
	ck_assert_int_eq(b.mode, mode);
	unit_write_file(dirfd_, "obj", "content");
	for (int i = 0; i < 970; i++) {
		snprintf(name, sizeof(name), "link%d", i);
		ck_assert_int_eq(linkat(dirfd_, "obj", dirfd_, name, 0), 0);
	}
	ck_assert_int_eq(fstatat(dirfd_, "obj", &host, 0), 0);
	for (int i = 0; i < 970; i++) {
		struct inode *cand, *e;

		snprintf(name, sizeof(name), "link%d", i);
		ck_assert_int_eq(backing_lookup(&b, 0, dirfd_, name, &cand, &st), 0);
		ck_assert_uint_eq(st.st_ino, host.st_ino);
		ck_assert_uint_eq(st.st_nlink, 971);
		ck_assert_int_eq(cand->has_handle, mode != INODE_MODE_NEVER);
		ck_assert_int_eq(store_lookup(&store, cand, &e), 0);
		if (!nodeid)
			nodeid = e->nodeid;
		ck_assert_uint_eq(e->nodeid, nodeid);
		store_put(&store, e);
	}
	struct store_counts c;

	store_counts(&store, &c);
	ck_assert_uint_eq(c.entries, 1);
	ck_assert_uint_eq(c.fds, mode == INODE_MODE_NEVER ? 1 : 0);
	ck_assert_uint_eq(c.handles, mode == INODE_MODE_NEVER ? 0 : 1);
}
END_TEST

START_TEST(probe_never_keeps_never)
{
	ck_assert_int_eq(backing_probe(&b, INODE_MODE_NEVER), 0);
	ck_assert_int_eq(b.mode, INODE_MODE_NEVER);
}
END_TEST

START_TEST(probe_as_root_keeps_handles)
{
	ck_assert_int_eq(backing_probe(&b, INODE_MODE_PREFER), 0);
	ck_assert_int_eq(b.mode, INODE_MODE_PREFER);
	ck_assert_int_eq(backing_probe(&b, INODE_MODE_MANDATORY), 0);
	ck_assert_int_eq(b.mode, INODE_MODE_MANDATORY);
}
END_TEST

/* Runs in a child so that the dropped capability never leaks into other
 * tests, also under CK_FORK=no (valgrind). Returns 0 or the failed step. */
static int probe_without_cap(void)
{
	/* /proc/self/fd was opened by the parent: this process needs its own. */
	backing_destroy(&b);
	if (backing_init(&b, dir) != 0)
		return 5;
	if (privs_drop_dac_read_search() != 0 || privs_has_dac_read_search())
		return 1;
	if (backing_probe(&b, INODE_MODE_PREFER) != 0 || b.mode != INODE_MODE_NEVER)
		return 2;
	if (!strstr(b.mode_reason, "open_by_handle_at") || !strstr(b.mode_reason, strerror(EPERM)))
		return 3;
	if (backing_probe(&b, INODE_MODE_MANDATORY) != -EPERM)
		return 4;
	return 0;
}

START_TEST(probe_without_cap_degrades_prefer_and_refuses_mandatory)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(probe_without_cap());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "step %d failed", WEXITSTATUS(status));
}
END_TEST

START_TEST(mount_fd_table_opens_each_mount_once)
{
	struct statx stx;
	int a, c;

	ck_assert_int_eq(statx(dirfd_, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx), 0);
	a = mountfds_get(&b.mounts, stx.stx_mnt_id);
	ck_assert_int_ge(a, 0);
	c = mountfds_get(&b.mounts, stx.stx_mnt_id);
	ck_assert_int_eq(a, c);
	ck_assert_int_eq(fcntl(a, F_GETFL) & O_ACCMODE, O_RDONLY);
	ck_assert_int_eq(mountfds_get(&b.mounts, UINT64_MAX - 1), -ENOENT);
}
END_TEST

START_TEST(fs_without_handles_falls_back_to_opath_per_inode)
{
	union fhandle_buf hb;
	struct inode *cand;
	uint64_t id;
	struct stat st;
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int ret;

	ck_assert_int_ge(proc, 0);
	ret = fhandle_make(proc, &hb, &id);
	ck_assert_msg(ret == -EOPNOTSUPP, "this test needs a procfs without file handles (got %d)", ret);
	ck_assert_int_eq(backing_probe(&b, INODE_MODE_PREFER), 0);
	ck_assert_int_eq(backing_lookup(&b, 0, proc, "self", &cand, &st), 0);
	ck_assert(!cand->has_handle);
	ck_assert_int_ge(cand->fd, 0);
	close(proc);
	close(cand->fd);
	cand->fd = -1;
	ck_assert_int_eq(store_lookup(&store, cand, &cand), 0);
	store_put(&store, cand);
}
END_TEST

START_TEST(opath_reopen_reads_after_unlink)
{
	struct inode *cand;
	struct stat st;
	char buf[16] = { 0 };
	int fd;

	ck_assert_int_eq(backing_probe(&b, INODE_MODE_NEVER), 0);
	unit_write_file(dirfd_, "victim", "still here");
	ck_assert_int_eq(backing_lookup(&b, 0, dirfd_, "victim", &cand, &st), 0);
	ck_assert_int_eq(unlinkat(dirfd_, "victim", 0), 0);
	fd = backing_reopen(&b, cand, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 10);
	ck_assert_str_eq(buf, "still here");
	ck_assert_int_eq(backing_getattr(&b, cand, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 0);
	close(fd);
	ck_assert_int_eq(store_lookup(&store, cand, &cand), 0);
	store_put(&store, cand);
}
END_TEST

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	sync();
	ck_assert_int_eq(write(fd, "2", 1), 1);
	close(fd);
}

START_TEST(handle_goes_stale_once_the_inode_is_freed)
{
	struct inode *cand;
	struct stat st;

	ck_assert_int_eq(backing_probe(&b, INODE_MODE_MANDATORY), 0);
	unit_write_file(dirfd_, "gone", "x");
	ck_assert_int_eq(backing_lookup(&b, 0, dirfd_, "gone", &cand, &st), 0);
	ck_assert(cand->has_handle);
	ck_assert_int_eq(backing_getattr(&b, cand, &st), 0);
	ck_assert_int_eq(unlinkat(dirfd_, "gone", 0), 0);
	drop_caches();
	errsrc_reset();
	ck_assert_int_eq(backing_getattr(&b, cand, &st), -ESTALE);
	ck_assert_str_eq(errsrc_current.detail, "open_by_handle_at");
	ck_assert_int_eq(store_lookup(&store, cand, &cand), 0);
	store_put(&store, cand);
}
END_TEST

START_TEST(unknown_nodeid_answers_ebadf)
{
	struct daemon d = { 0 };
	struct inode *inode;

	ck_assert_int_eq(store_init(&d.store), 0);
	ck_assert_int_eq(op_get_inode(&d, 42, &inode), -EBADF);
	ck_assert_str_eq(errsrc_current.kind, ERRSRC_DAEMON);
	ck_assert_str_eq(errsrc_current.detail, "unknown-nodeid");
	store_destroy(&d.store);
}
END_TEST

static Suite *backing_suite(void)
{
	Suite *s = suite_create("backing");
	TCase *tc = tcase_create("host");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, resolve_stays_inside_with_openat2);
	tcase_add_test(tc, resolve_stays_inside_without_openat2);
	tcase_add_test(tc, lookup_passes_host_errno_and_names_the_syscall);
	tcase_add_loop_test(tc, hardlinks_share_one_entry_and_host_st_ino, 0, 3);
	tcase_add_test(tc, probe_never_keeps_never);
	tcase_add_test(tc, probe_as_root_keeps_handles);
	tcase_add_test(tc, probe_without_cap_degrades_prefer_and_refuses_mandatory);
	tcase_add_test(tc, mount_fd_table_opens_each_mount_once);
	tcase_add_test(tc, fs_without_handles_falls_back_to_opath_per_inode);
	tcase_add_test(tc, opath_reopen_reads_after_unlink);
	tcase_add_test(tc, handle_goes_stale_once_the_inode_is_freed);
	tcase_add_test(tc, unknown_nodeid_answers_ebadf);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (geteuid() != 0)
		unit_skip_all("needs root: open_by_handle_at needs CAP_DAC_READ_SEARCH");
	return unit_run(backing_suite());
}
