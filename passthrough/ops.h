/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FUSE operations. Each op does its work through 0 / -errno helpers and
 * ends in exactly one reply_* call; reply_err() in ops.c is the one place
 * that turns an error into a FUSE reply (and into a counter and an event).
 */
#ifndef STALEFS_OPS_H
#define STALEFS_OPS_H

#include <fuse_lowlevel.h>

#include "creds.h"
#include "daemon_state.h"
#include "stats.h"

extern const struct fuse_lowlevel_ops stalefs_ops;

/* Start of every op: count it, clear the error source. */
struct daemon *req_begin(fuse_req_t req, enum op op);

/* Reply with -neg_errno (0 is a success reply for ops that answer with none). */
void reply_err(fuse_req_t req, enum op op, uint64_t nodeid, const char *name, int neg_errno);
/* The counter and event-log part of an error reply (reply_err and the fault
 * gate's raw replies share it). */
void reply_err_event(struct daemon *d, enum op op, uint64_t nodeid, const char *name, int err,
		     uint32_t pid);

/*
 * The fault gate (ops_fault.c): sees every raw request before libfuse
 * dispatches it, carries out request-level faults, and answers injected
 * errnos itself. true if it replied (the request must not be processed).
 */
bool op_fault_gate(struct daemon *d, const struct fuse_buf *buf);

/* Count a success for op. */
void reply_done(struct daemon *d, enum op op);

/* The entry for nodeid with a user reference, or -EBADF (virtiofsd: ebadf()). */
int op_get_inode(struct daemon *d, uint64_t nodeid, struct inode **out);
/*
 * An entry and an O_PATH-like fd for it, held together: the fd may be the
 * entry's own, so the entry's user reference must outlive its use.
 */
struct op_fd {
	struct inode *inode;
	struct pfd pfd;
};

/* Get nodeid (-EBADF if unknown) and its path fd. 0 or -errno. */
int op_open_path(struct daemon *d, uint64_t nodeid, struct op_fd *of);
/* Release the fd, then the entry. Safe on a zeroed or failed op_fd. */
void op_close_path(struct daemon *d, struct op_fd *of);

/*
 * A guest fd (OPEN, OPENDIR, CREATE): the entry reopened with flags and
 * counted against the guest-fd limit (virtiofsd 1.13.2: opened first, then
 * counted; closed again and ENFILE past the limit). fd or -errno.
 */
int op_guest_open(struct daemon *d, const struct inode *inode, int flags);
/* Close a guest fd and give its slot back. */
void op_guest_close(struct daemon *d, int fd);

/* The caller's uid, gid and (up to max) supplementary groups. */
void op_req_creds(fuse_req_t req, struct creds *c, gid_t *groups, int max);
/* -EROFS under --readonly, else 0. */
int op_check_writable(struct daemon *d);
/*
 * Set-id bits go as the backing filesystem takes them from this caller: a
 * write, truncation or allocation of a regular file with S_ISUID or S_ISGID,
 * asked by a uid other than 0, runs under the caller's fsuid, fsgid and
 * groups (which drops CAP_FSETID for the thread), so the filesystem clears
 * what it clears for that caller natively (a non-owner's write, setgid
 * without group-exec by one not in the group). Other calls run as the daemon.
 * Call creds_leave(saved) after the syscall. libfuse 3.14 cannot negotiate
 * KILLPRIV_V2, so the kernel does not tell us; this needs no telling.
 */
void op_as_setid_caller(fuse_req_t req, int fd, struct creds_saved *saved);

/*
 * LOOKUP name in parent: resolve, claim or make the entry (+1 nlookup) and
 * fill e. *out gets a user reference. 0 or -errno.
 */
int op_do_lookup(struct daemon *d, struct inode *parent, const char *name,
		 struct fuse_entry_param *e, struct inode **out);
/* Did the last op_do_lookup on this thread answer a submount root to announce? */
bool op_lookup_submount(void);
/* struct stat to the wire's fuse_attr (flags 0). */
struct fuse_attr;
void attr_from_stat(struct fuse_attr *a, const struct stat *st);
/* Send an entry reply; give the lookup reference back if it cannot be sent. */
void reply_entry(fuse_req_t req, enum op op, struct inode *inode,
		 const struct fuse_entry_param *e);

/* The per-area op handlers wired into stalefs_ops. */
void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets);
void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		struct fuse_file_info *fi);
void op_readlink(fuse_req_t req, fuse_ino_t ino);
void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
	       const char *newname, unsigned int flags);
void op_statfs(fuse_req_t req, fuse_ino_t ino);
void op_access(fuse_req_t req, fuse_ino_t ino, int mask);

void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	       struct fuse_file_info *fi);
void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *in_buf, off_t off,
		  struct fuse_file_info *fi);
void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
		  struct fuse_file_info *fi);
void op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			struct fuse_file_info *fi_in, fuse_ino_t ino_out, off_t off_out,
			struct fuse_file_info *fi_out, size_t len, int flags);
void op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence, struct fuse_file_info *fi);

void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi);
void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);

void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
		 size_t size, int flags);
void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

#endif
