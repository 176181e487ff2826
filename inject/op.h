/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FUSE operation names, shared by inject/ (rules select ops by name)
 * and passthrough/ (counters are kept per op). No FUSE headers needed.
 */
#ifndef STALEFS_OP_H
#define STALEFS_OP_H

#define OP_LIST(X) \
	X(INIT) X(DESTROY) X(LOOKUP) X(FORGET) X(BATCH_FORGET) X(GETATTR) \
	X(SETATTR) X(READLINK) X(MKNOD) X(MKDIR) X(UNLINK) X(RMDIR) \
	X(SYMLINK) X(RENAME) X(LINK) X(OPEN) X(CREATE) X(READ) X(WRITE) \
	X(FLUSH) X(RELEASE) X(FSYNC) X(OPENDIR) X(READDIR) X(READDIRPLUS) \
	X(RELEASEDIR) X(FSYNCDIR) X(STATFS) X(ACCESS) X(SETXATTR) \
	X(GETXATTR) X(LISTXATTR) X(REMOVEXATTR) X(FALLOCATE) \
	X(COPY_FILE_RANGE) X(LSEEK) X(FLOCK)

#define OP_ENUM(name) OP_##name,
enum op { OP_LIST(OP_ENUM) OP_COUNT };
#undef OP_ENUM

const char *op_name(enum op op);
/* Case-insensitive; -1 if unknown. */
int op_parse(const char *name);

#endif
