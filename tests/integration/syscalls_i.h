/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the syscalls conformance checker (see syscalls.c): the state of
 * one check, the helpers every check uses (syscalls_check.c) and the checks,
 * one file per area:
 *   syscalls_files.c   a file's bytes: write/read, holes, truncate, fallocate,
 *                      copy_file_range, SEEK_DATA/HOLE, flock, fsync, unlinked
 *   syscalls_names.c   names: mkdir/rmdir, unlink, symlink, link, rename,
 *                      mkfifo, readdir
 *   syscalls_attrs.c   attributes: mode, owner, times, access, statfs, and a
 *                      child's credentials
 *   syscalls_xattrs.c  extended attributes
 * A check returns 0 (pass, or skip with a note) or -1 with a reason recorded
 * in its struct ctx; it does not print.
 */
#ifndef STALEFS_TESTS_SYSCALLS_I_H
#define STALEFS_TESTS_SYSCALLS_I_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#ifdef __GLIBC_PREREQ
#define GLIBC_AT_LEAST(maj, min) __GLIBC_PREREQ(maj, min)
#else
#define GLIBC_AT_LEAST(maj, min) 0
#endif

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define MIB (1024 * 1024)
#define TEST_UID 1000
#define TEST_GID 1000
#define XATTR_NAME "user.stalefs"
#define MAX_DENTS 64
#define READDIR_FILES 50

#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))

/* Per-check state: the check directory on both sides and the outcome. */
struct ctx {
	const char *name;
	char mdir[PATH_MAX];
	char bdir[PATH_MAX];
	char reason[2048];
	char skip[256];
};

/* One relative path, spelled through the mount (m) and on backing (b). */
struct pair {
	char m[PATH_MAX];
	char b[PATH_MAX];
};

struct dent {
	char name[NAME_MAX + 1];
	ino_t ino;
};

struct check {
	const char *name;
	int (*fn)(struct ctx *c);
};

/* ------------------------------------------------------------------ */
/* Reporting helpers (syscalls_check.c)                                */
/* ------------------------------------------------------------------ */

/* Record the first failure reason of a check; always returns -1. */
PRINTF_LIKE(2, 3)
int failf(struct ctx *c, const char *fmt, ...);
/* A call that should have succeeded returned -1; describe it with errno. */
PRINTF_LIKE(2, 3)
int fail_sys(struct ctx *c, const char *fmt, ...);
/* A call that should have failed with errno @want returned @ret. */
PRINTF_LIKE(4, 5)
int expect_errno(struct ctx *c, long ret, int want, const char *fmt, ...);
/* Mark the check (or part of it) as skipped; returns 0. */
PRINTF_LIKE(2, 3)
int skip_note(struct ctx *c, const char *fmt, ...);

/* ------------------------------------------------------------------ */
/* Path, I/O and stat helpers (syscalls_check.c)                       */
/* ------------------------------------------------------------------ */

int mkpair(struct ctx *c, const char *rel, struct pair *p);
void fill_pattern(unsigned char *buf, size_t len, unsigned int seed);
void close_quiet(int fd);
/* close() and report its error (FUSE reports flush errors here). */
int close_fd(struct ctx *c, int *fd, const char *what);
int pwrite_exact(struct ctx *c, int fd, const void *buf, size_t len,
		 off_t off, const char *what);
int pread_exact(struct ctx *c, int fd, void *buf, size_t len,
		off_t off, const char *what);
int expect_same_bytes(struct ctx *c, const char *what, off_t base,
		      const unsigned char *want,
		      const unsigned char *got, size_t len);
/* Read a whole file into buf (at most cap bytes); *len gets the size. */
int read_path(struct ctx *c, const char *path, unsigned char *buf,
	      size_t cap, size_t *len);
/* The file at path holds exactly want[0..wlen). */
int expect_content(struct ctx *c, const char *path, const void *want,
		   size_t wlen);
/* The file at path holds want[0..len) at offset off. */
int expect_bytes_at(struct ctx *c, const char *path, off_t off,
		    const void *want, size_t len);
/* Create a new file with the given mode and content, and close it. */
int create_file(struct ctx *c, const char *path, mode_t mode,
		const void *data, size_t len);
int create_text(struct ctx *c, const char *path, const char *text);
int lstat_ok(struct ctx *c, const char *path, struct stat *st);
/* lstat the same relative path through the mount and on backing. */
int lstat_pair(struct ctx *c, const struct pair *p, struct stat *ms,
	       struct stat *bs);
int expect_absent(struct ctx *c, const char *path);
const char *type_name(mode_t mode);
int expect_type(struct ctx *c, const char *call, const char *path,
		const struct stat *st, mode_t type);
int expect_mode(struct ctx *c, const char *call, const char *path,
		const struct stat *st, mode_t type, mode_t perm);
int expect_size(struct ctx *c, const char *call, const char *path,
		const struct stat *st, off_t size);
int expect_nlink(struct ctx *c, const char *call, const char *path,
		 const struct stat *st, nlink_t nlink);
int expect_owner(struct ctx *c, const char *call, const char *path,
		 const struct stat *st, uid_t uid, gid_t gid);
/* The inode seen through the mount is the backing inode. */
int expect_same_ino(struct ctx *c, const char *mpath,
		    const struct stat *ms, const char *bpath,
		    const struct stat *bs);
int expect_ts(struct ctx *c, const char *field, const char *path,
	      const struct timespec *got, const struct timespec *want);
/* atime and mtime equal want[0] and want[1] on both sides. */
int expect_times(struct ctx *c, const struct pair *f,
		 const struct timespec want[2]);

/* ------------------------------------------------------------------ */
/* The checks, in the order they run                                   */
/* ------------------------------------------------------------------ */

int create_write_read_matches_backing(struct ctx *c);
int pwrite_past_eof_leaves_hole(struct ctx *c);
int truncate_and_ftruncate_resize_backing(struct ctx *c);
int chmod_fchmod_chown_update_backing(struct ctx *c);
int utimensat_and_futimens_set_backing_times(struct ctx *c);
int mkdir_and_rmdir_mirror_backing(struct ctx *c);
int unlink_removes_backing_name(struct ctx *c);
int symlink_targets_read_back_exactly(struct ctx *c);
int hardlink_shares_backing_inode(struct ctx *c);
int rename_variants_apply_to_backing(struct ctx *c);
int mkfifo_creates_backing_fifo(struct ctx *c);
int readdir_lists_backing_entries(struct ctx *c);
int statfs_matches_backing(struct ctx *c);
int access_checks_mode_bits(struct ctx *c);
int xattrs_round_trip_to_backing(struct ctx *c);
int fallocate_grows_backing_file(struct ctx *c);
int copy_file_range_copies_bytes(struct ctx *c);
int seek_data_and_hole_match_backing(struct ctx *c);
int flock_conflicts_between_opens(struct ctx *c);
int fsync_and_fdatasync_succeed(struct ctx *c);
int unlinked_open_file_stays_readable(struct ctx *c);
int child_credentials_apply_to_backing(struct ctx *c);

#endif
