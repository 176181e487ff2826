// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls - system call conformance test for the stalefs passthrough daemon.
 *
 * Usage: syscalls [-t NAME] MNTDIR BACKINGDIR
 *
 * MNTDIR must be a FUSE passthrough mount of BACKINGDIR.  Every check makes
 * a fresh directory MNTDIR/<check>, performs system calls through the mount,
 * verifies what they returned there (return values, errno, data, stat
 * fields) and then verifies their effect on BACKINGDIR/<check>, the same
 * relative path on the mirrored directory.  The check directory is removed
 * afterwards (best-effort).  The idea follows libfuse's test/test_syscalls.c,
 * but this program does not use libfuse at all.
 *
 * Results are printed as TAP on stdout, diagnostics go to stderr.  The exit
 * status is 0 when every check passed or was skipped, 1 when any check
 * failed and 2 on a usage error.  -t NAME runs only the check NAME.
 * Setting STALEFS_EXPECT_XATTR=1 makes a mount without xattr support a
 * failure instead of a skip.
 *
 * This file is the runner (the check table, TAP, main); the checks are in
 * syscalls_files.c, syscalls_names.c, syscalls_attrs.c and syscalls_xattrs.c,
 * their helpers in syscalls_check.c, all joined by syscalls_i.h.
 */

#include "syscalls_i.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The only mutable globals: the TAP counter and the two root paths. */
static int tap_num;
static const char *mnt_root;
static const char *back_root;

/* ------------------------------------------------------------------ */
/* Runner                                                              */
/* ------------------------------------------------------------------ */

#define CHECK(fn) { #fn, fn }

static const struct check checks[] = {
	CHECK(create_write_read_matches_backing),
	CHECK(pwrite_past_eof_leaves_hole),
	CHECK(truncate_and_ftruncate_resize_backing),
	CHECK(chmod_fchmod_chown_update_backing),
	CHECK(utimensat_and_futimens_set_backing_times),
	CHECK(mkdir_and_rmdir_mirror_backing),
	CHECK(unlink_removes_backing_name),
	CHECK(symlink_targets_read_back_exactly),
	CHECK(hardlink_shares_backing_inode),
	CHECK(rename_variants_apply_to_backing),
	CHECK(mkfifo_creates_backing_fifo),
	CHECK(readdir_lists_backing_entries),
	CHECK(statfs_matches_backing),
	CHECK(access_checks_mode_bits),
	CHECK(xattrs_round_trip_to_backing),
	CHECK(fallocate_grows_backing_file),
	CHECK(copy_file_range_copies_bytes),
	CHECK(seek_data_and_hole_match_backing),
	CHECK(flock_conflicts_between_opens),
	CHECK(fsync_and_fdatasync_succeed),
	CHECK(unlinked_open_file_stays_readable),
	CHECK(child_credentials_apply_to_backing),
};

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path))
		fprintf(stderr, "syscalls: cleanup: remove(%s): %s\n", path,
			strerror(errno));
	return 0;
}

/* Best-effort recursive removal of a check directory (through the mount). */
static void remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) && errno == ENOENT)
		return;
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT))
		fprintf(stderr, "syscalls: cleanup: nftw(%s): %s\n", path,
			strerror(errno));
}

static int setup_check_dir(struct ctx *c)
{
	int nm = snprintf(c->mdir, sizeof(c->mdir), "%s/%s", mnt_root, c->name);
	int nb = snprintf(c->bdir, sizeof(c->bdir), "%s/%s", back_root, c->name);

	if (nm < 0 || nb < 0 || (size_t)nm >= sizeof(c->mdir) ||
	    (size_t)nb >= sizeof(c->bdir))
		return failf(c, "setup: check directory path is too long");
	remove_tree(c->mdir);
	if (mkdir(c->mdir, 0755))
		return fail_sys(c, "setup: mkdir(%s, 0755)", c->mdir);
	return 0;
}

/* TAP wants one line per result: flatten any newline in the reason. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static int run_check(const struct check *chk)
{
	struct ctx *c = calloc(1, sizeof(*c));
	int rc;

	tap_num++;
	if (!c) {
		printf("not ok %d - %s: out of memory\n", tap_num, chk->name);
		fflush(stdout);
		return -1;
	}
	c->name = chk->name;
	rc = setup_check_dir(c);
	if (rc == 0) {
		rc = chk->fn(c);
		remove_tree(c->mdir);
	}
	if (rc != 0) {
		if (c->reason[0] == '\0')
			snprintf(c->reason, sizeof(c->reason), "failed (no reason recorded)");
		one_line(c->reason);
		printf("not ok %d - %s: %s\n", tap_num, chk->name, c->reason);
	} else if (c->skip[0] != '\0') {
		one_line(c->skip);
		printf("ok %d - %s # SKIP %s\n", tap_num, chk->name, c->skip);
	} else {
		printf("ok %d - %s\n", tap_num, chk->name);
	}
	fflush(stdout);
	free(c);
	return rc ? -1 : 0;
}

static const struct check *find_check(const char *name)
{
	size_t i;

	for (i = 0; i < NCHECKS; i++)
		if (!strcmp(checks[i].name, name))
			return &checks[i];
	return NULL;
}

static void strip_trailing_slashes(char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
}

static int usage(void)
{
	fprintf(stderr, "usage: syscalls [-t NAME] MNTDIR BACKINGDIR\n");
	return 2;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
	const struct check *only = NULL;
	int opt, failed = 0;
	size_t i;

	opterr = 0;
	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			return usage();
		only = find_check(optarg);
		if (!only) {
			fprintf(stderr, "syscalls: unknown check '%s'\n", optarg);
			return 2;
		}
	}
	if (argc - optind != 2)
		return usage();
	strip_trailing_slashes(argv[optind]);
	strip_trailing_slashes(argv[optind + 1]);
	mnt_root = argv[optind];
	back_root = argv[optind + 1];
	if (!is_dir(mnt_root) || !is_dir(back_root)) {
		fprintf(stderr, "syscalls: %s is not a directory\n",
			is_dir(mnt_root) ? back_root : mnt_root);
		return 2;
	}
	umask(0);

	printf("1..%zu\n", only ? (size_t)1 : NCHECKS);
	fflush(stdout);
	for (i = 0; i < NCHECKS; i++) {
		if (only && only != &checks[i])
			continue;
		if (run_check(&checks[i]))
			failed = 1;
	}
	return failed ? 1 : 0;
}
