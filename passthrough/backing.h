/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the daemon reaches host objects: the shared dir's root, lookups that
 * cannot leave it, the inode mode in effect (O_PATH fds or file handles) and
 * the ways an entry is turned back into an fd. All host syscalls of the
 * inode modes live here, so fault injection has one place to hook them.
 */
#ifndef STALEFS_BACKING_H
#define STALEFS_BACKING_H

#include <stdbool.h>
#include <sys/stat.h>

#include "config.h"
#include "fhandle.h"
#include "inode.h"
#include "inject.h"

struct backing {
	int root_fd;			/* immutable number; O_PATH fd of the shared dir: a
					 * reload fault puts a new one behind the same number
					 * with dup3 (atomic), so dup(root_fd) is always safe */
	int proc_self_fd;		/* immutable; O_PATH fd of /proc/self/fd */
	enum inode_mode requested;	/* immutable after backing_probe */
	enum inode_mode mode;		/* immutable after backing_probe: in effect */
	char mode_reason[256];		/* immutable after backing_probe */
	struct mountfds mounts;
	int no_openat2;			/* atomic; set once openat2 answered ENOSYS */
	int fallback_logged;		/* atomic; per-inode O_PATH fallback logged */
	struct inject *inj;		/* immutable; fault hooks, NULL for none */
};

/* Open the shared dir and /proc/self/fd. 0 or -errno. */
int backing_init(struct backing *b, const char *shared_dir);
void backing_destroy(struct backing *b);

/*
 * The startup probe (virtiofsd check_working_file_handles): make a handle
 * for the root and open it with O_PATH. never: nothing to do. prefer: on
 * failure, never for the whole process, with one log line. mandatory: on
 * failure -errno and a reason in b->mode_reason. 0 or -errno.
 */
int backing_probe(struct backing *b, enum inode_mode requested);

/*
 * parent is the directory's nodeid (0 if none), for fault rules only.
 * Open name in dirfd with O_PATH|O_NOFOLLOW without leaving dirfd:
 * openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), or where openat2 is
 * missing, openat of a name checked to be one component. fd or -errno.
 */
int backing_resolve(struct backing *b, uint64_t parent, int dirfd, const char *name);

/* Create name in dirfd (O_CREAT|O_NOFOLLOW, a checked single component, so a
 * symlink planted by the host is never followed). fd or -errno. */
int backing_create(struct backing *b, int dirfd, const char *name, int flags, mode_t mode);

/* statx of an fd (AT_EMPTY_PATH, no follow). 0 or -errno. */
int backing_statx(int fd, struct statx *stx);
void statx_to_stat(const struct statx *stx, struct stat *st);

/*
 * A lookup candidate for name in directory dirfd: resolved, statx'd and, in
 * handle mode, turned into a handle (O_PATH fd kept only when the fs cannot
 * make handles: EOPNOTSUPP / EOVERFLOW). *st gets the attributes.
 * 0 or -errno.
 */
int backing_lookup(struct backing *b, uint64_t parent, int dirfd, const char *name,
		   struct inode **cand, struct stat *st);
/* The same for the shared dir itself. */
int backing_root(struct backing *b, struct inode **cand);

/* An O_PATH-like fd for an entry: its own fd (borrowed) or a fresh one. */
struct pfd {
	int fd;
	bool owned;
};

int backing_path_fd(struct backing *b, const struct inode *inode, struct pfd *pfd);
void pfd_release(struct pfd *pfd);

/* Reopen an entry with real open flags (regular files and dirs only). */
int backing_reopen(struct backing *b, const struct inode *inode, int flags);

/* Attributes of an entry. 0 or -errno. */
int backing_getattr(struct backing *b, const struct inode *inode, struct stat *st);

/* "/proc/self/fd/N" for fd, for the *at calls that need a path. */
void proc_fd_path(char *buf, size_t len, int fd);

#endif
