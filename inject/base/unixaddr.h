/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A unix socket address for a path of any length. sun_path holds 107 bytes;
 * a longer path (a deep --workdir) is reached through its directory: the
 * directory is opened O_PATH and the address becomes
 * "/proc/self/fd/N/NAME", which bind(2) and connect(2) resolve like any
 * path. The fd must stay open until the bind or connect is done.
 */
#ifndef STALEFS_UNIXADDR_H
#define STALEFS_UNIXADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Fill sa for path; *dirfd gets the directory fd to close afterwards, or
 * -1. 0, or -ENAMETOOLONG (even the name alone does not fit) / -errno
 * (the directory cannot be opened). */
int unixaddr_make(struct sockaddr_un *sa, const char *path, int *dirfd);
/* Whether something listens at sa (a connect succeeds): a live daemon's
 * socket, not one left by a killed daemon. */
bool unixaddr_answers(const struct sockaddr_un *sa, socklen_t salen);

#endif
