// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host access for the inode modes (see backing.h). O_PATH entries are
 * reopened through /proc/self/fd, which follows the inode and so keeps
 * working after the last name is unlinked; handle entries are opened with
 * open_by_handle_at on every use, which answers ESTALE once the inode is
 * gone (virtiofsd.md §2-3).
 */
#include "backing.h"

#include "build_config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "errsrc.h"
#include "fault.h"
#include "log.h"

#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif
#ifndef HAVE_LINUX_OPENAT2_H
struct open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

void proc_fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

int backing_init(struct backing *b, const char *shared_dir)
{
	int ret;

	*b = (struct backing){ .root_fd = -1, .proc_self_fd = -1 };
	b->root_fd = open(shared_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (b->root_fd < 0)
		return host_err("open(shared dir)");
	b->proc_self_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (b->proc_self_fd < 0) {
		ret = host_err("open(/proc/self/fd)");
		goto out_root;
	}
	ret = mountfds_init(&b->mounts, b->proc_self_fd);
	if (ret < 0)
		goto out_proc;
	return 0;
out_proc:
	close(b->proc_self_fd);
out_root:
	close(b->root_fd);
	return ret;
}

void backing_destroy(struct backing *b)
{
	mountfds_destroy(&b->mounts);
	close(b->proc_self_fd);
	close(b->root_fd);
}

int backing_statx(int fd, struct statx *stx)
{
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_STATX_SYNC_AS_STAT,
		  STATX_BASIC_STATS | STATX_MNT_ID, stx) < 0)
		return host_err("statx");
	return 0;
}

void statx_to_stat(const struct statx *stx, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(stx->stx_dev_major, stx->stx_dev_minor);
	st->st_ino = stx->stx_ino;
	st->st_mode = stx->stx_mode;
	st->st_nlink = stx->stx_nlink;
	st->st_uid = stx->stx_uid;
	st->st_gid = stx->stx_gid;
	st->st_rdev = makedev(stx->stx_rdev_major, stx->stx_rdev_minor);
	st->st_size = stx->stx_size;
	st->st_blksize = stx->stx_blksize;
	st->st_blocks = stx->stx_blocks;
	st->st_atim.tv_sec = stx->stx_atime.tv_sec;
	st->st_atim.tv_nsec = stx->stx_atime.tv_nsec;
	st->st_mtim.tv_sec = stx->stx_mtime.tv_sec;
	st->st_mtim.tv_nsec = stx->stx_mtime.tv_nsec;
	st->st_ctim.tv_sec = stx->stx_ctime.tv_sec;
	st->st_ctim.tv_nsec = stx->stx_ctime.tv_nsec;
}

/*
 * The mount ID statx gave (STATX_MNT_ID, Linux 5.8). glibc before 2.39 has
 * no stx_mnt_id member: the kernel's struct statx has it at byte 0x90, in
 * what glibc calls __statx_pad2 (the kernel ABI does not move it).
 */
#define STATX_MNT_ID_OFFSET 0x90
#define STATX_MNT_ID_BIT 0x00001000U

static uint64_t statx_mnt_id(const struct statx *stx)
{
	uint64_t id;

	if (!(stx->stx_mask & STATX_MNT_ID_BIT))
		return 0;
#ifdef HAVE_STATX_MNT_ID
	id = stx->stx_mnt_id;
#else
	_Static_assert(sizeof(struct statx) >= STATX_MNT_ID_OFFSET + sizeof(uint64_t),
		       "struct statx is the kernel's size");
	memcpy(&id, (const char *)stx + STATX_MNT_ID_OFFSET, sizeof(id));
#endif
	return id;
}

int backing_probe(struct backing *b, enum inode_mode requested)
{
	union fhandle_buf hb;
	uint64_t mnt_id, h_mnt_id;
	struct statx stx;
	int ret, fd, mfd;

	b->requested = requested;
	b->mode = requested;
	if (requested == INODE_MODE_NEVER) {
		snprintf(b->mode_reason, sizeof(b->mode_reason), "requested");
		return 0;
	}
	/* As virtiofsd's check_working_file_handles: only "no handle" and a
	 * failing open_by_handle_at disable handles; other errors are fatal. */
	ret = backing_statx(b->root_fd, &stx);
	if (ret < 0) {
		snprintf(b->mode_reason, sizeof(b->mode_reason), "statx(shared dir): %s",
			 strerror(-ret));
		goto out_fatal;
	}
	ret = fhandle_make(b->root_fd, &hb, &h_mnt_id);
	if (ret < 0) {
		snprintf(b->mode_reason, sizeof(b->mode_reason),
			 "name_to_handle_at(shared dir): %s", strerror(-ret));
		if (ret == -EOPNOTSUPP || ret == -EOVERFLOW)
			goto out_fallback;
		goto out_fatal;
	}
	mnt_id = statx_mnt_id(&stx) ? statx_mnt_id(&stx) : h_mnt_id;
	mfd = mountfds_get(&b->mounts, mnt_id);
	if (mfd < 0) {
		ret = mfd;
		snprintf(b->mode_reason, sizeof(b->mode_reason), "opening the mount root: %s",
			 strerror(-ret));
		goto out_fatal;
	}
	fd = open_by_handle_at(mfd, &hb.fh, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(b->mode_reason, sizeof(b->mode_reason),
			 "open_by_handle_at(shared dir): %s", strerror(-ret));
		goto out_fallback;
	}
	close(fd);
	snprintf(b->mode_reason, sizeof(b->mode_reason), "root handle opens");
	errsrc_reset();
	return 0;
out_fallback:
	errsrc_reset();
	if (requested == INODE_MODE_MANDATORY)
		return ret;
	log_warn("File handles do not appear safe to use, disabling file handles altogether (%s)",
		 b->mode_reason);
	b->mode = INODE_MODE_NEVER;
	return 0;
out_fatal:
	errsrc_reset();
	return ret;
}

static bool name_is_component(const char *name)
{
	return name[0] && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

int backing_resolve(struct backing *b, uint64_t parent, int dirfd, const char *name)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (!name_is_component(name))
		return daemon_err("invalid-name", -EINVAL);
	fd = fault_check(b->inj, FAULT_HOST_ESTALE, parent, name, HOST_OPENAT2);
	if (fd < 0)
		return fd;
	if (!__atomic_load_n(&b->no_openat2, __ATOMIC_RELAXED)) {
		fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS)
			return host_err("openat2");
		__atomic_store_n(&b->no_openat2, 1, __ATOMIC_RELAXED);
		log_info("openat2 is missing; lookups use openat of single components");
	}
	/* One checked component with O_NOFOLLOW cannot leave dirfd. */
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return host_err("openat");
	return fd;
}

int backing_create(struct backing *b, int dirfd, const char *name, int flags, mode_t mode)
{
	int fd;

	(void)b;
	if (!name_is_component(name))
		return daemon_err("invalid-name", -EINVAL);
	fd = openat(dirfd, name, (flags & ~O_NOFOLLOW) | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
	return fd < 0 ? host_err("openat(O_CREAT)") : fd;
}

/* Turn a resolved O_PATH fd into a candidate entry; consumes fd. */
static int make_candidate(struct backing *b, uint64_t parent, const char *name, int fd,
			  struct inode **cand, struct stat *st)
{
	const struct file_handle *fh = NULL;
	struct inode_ids ids;
	union fhandle_buf hb;
	uint64_t h_mnt_id = 0;
	struct statx stx;
	int ret;

	ret = fault_check(b->inj, FAULT_HOST_ESTALE, parent, name, HOST_STATX);
	if (ret == 0)
		ret = backing_statx(fd, &stx);
	if (ret < 0)
		goto out_close;
	statx_to_stat(&stx, st);
	ids = (struct inode_ids){ .ino = stx.stx_ino, .dev = st->st_dev,
				  .mnt_id = statx_mnt_id(&stx) };
	if (b->mode != INODE_MODE_NEVER) {
		ret = fhandle_make(fd, &hb, &h_mnt_id);
		if (ret == 0) {
			fh = &hb.fh;
		} else if (ret == -EOPNOTSUPP || ret == -EOVERFLOW) {
			/* This filesystem cannot make handles: O_PATH for this inode. */
			errsrc_reset();
			if (!__atomic_exchange_n(&b->fallback_logged, 1, __ATOMIC_RELAXED))
				log_warn("name_to_handle_at: %s on dev %u:%u; using O_PATH fds there",
					 strerror(-ret), stx.stx_dev_major, stx.stx_dev_minor);
		} else {
			goto out_close;
		}
		if (!ids.mnt_id)
			ids.mnt_id = h_mnt_id;
	}
	if (fh) {
		/* A handle entry keeps no fd. */
		close(fd);
		fd = -1;
	}
	*cand = inode_new(&ids, stx.stx_mode & S_IFMT, fd, fh);
	return *cand ? 0 : daemon_err("oom", -ENOMEM);
out_close:
	close(fd);
	return ret;
}

int backing_lookup(struct backing *b, uint64_t parent, int dirfd, const char *name,
		   struct inode **cand, struct stat *st)
{
	int fd = backing_resolve(b, parent, dirfd, name);

	if (fd < 0)
		return fd;
	return make_candidate(b, parent, name, fd, cand, st);
}

int backing_root(struct backing *b, struct inode **cand)
{
	struct stat st;
	int fd = fcntl(b->root_fd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return host_err("dup(shared dir)");
	return make_candidate(b, 0, NULL, fd, cand, &st);
}

int backing_path_fd(struct backing *b, const struct inode *inode, struct pfd *pfd)
{
	int fd;

	if (inode->fd >= 0) {
		*pfd = (struct pfd){ .fd = inode->fd, .owned = false };
		return 0;
	}
	fd = fault_check(b->inj, FAULT_HANDLE_DECODE, inode->nodeid, NULL, 0);
	if (fd < 0)
		return fd;
	fd = fhandle_open(&b->mounts, inode->ids.mnt_id, &inode->fh, O_PATH);
	if (fd < 0)
		return fd;
	*pfd = (struct pfd){ .fd = fd, .owned = true };
	return 0;
}

void pfd_release(struct pfd *pfd)
{
	if (pfd->owned && pfd->fd >= 0)
		close(pfd->fd);
	pfd->fd = -1;
	pfd->owned = false;
}

int backing_reopen(struct backing *b, const struct inode *inode, int flags)
{
	char name[16];
	int fd;

	/* Only regular files and directories (CVE-2020-35517). */
	if (inode->type != S_IFREG && inode->type != S_IFDIR)
		return daemon_err("unsafe-inode-type", -EBADF);
	flags &= ~(O_NOFOLLOW | O_CREAT | O_EXCL | O_NOCTTY);
	flags |= O_CLOEXEC;
	fd = inode->fd < 0 ? fault_check(b->inj, FAULT_HANDLE_DECODE, inode->nodeid, NULL, 0)
			   : fault_check(b->inj, FAULT_HOST_ESTALE, inode->nodeid, NULL, HOST_REOPEN);
	if (fd < 0)
		return fd;
	if (inode->fd < 0)
		return fhandle_open(&b->mounts, inode->ids.mnt_id, &inode->fh, flags);
	snprintf(name, sizeof(name), "%d", inode->fd);
	fd = openat(b->proc_self_fd, name, flags);
	if (fd < 0)
		return host_err("open(/proc/self/fd)");
	return fd;
}

int backing_getattr(struct backing *b, const struct inode *inode, struct stat *st)
{
	struct statx stx;
	struct pfd pfd;
	int ret = backing_path_fd(b, inode, &pfd);

	if (ret < 0)
		return ret;
	ret = fault_check(b->inj, FAULT_HOST_ESTALE, inode->nodeid, NULL, HOST_STATX);
	if (ret == 0)
		ret = backing_statx(pfd.fd, &stx);
	if (ret == 0)
		statx_to_stat(&stx, st);
	pfd_release(&pfd);
	return ret;
}
