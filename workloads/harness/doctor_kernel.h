/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The doctor's checks of the kernel and the user: capabilities, FUSE (the
 * device, fusermount3, libfuse, /etc/fuse.conf), user namespaces (probed in
 * a child), io_uring, drop_caches and a memory cgroup.
 */
#ifndef STALEFS_DOCTOR_KERNEL_H
#define STALEFS_DOCTOR_KERNEL_H

#include "doctor_check.h"

/* First: the other checks read d->f.sys_admin. */
void check_caps(struct doctor *d);
void check_fuse(struct doctor *d);
void check_userns(struct doctor *d);
void check_io_uring(struct doctor *d);
void check_drop_caches(struct doctor *d);
/* A group made and removed again, as --memory-pressure makes one. */
void check_memcg(struct doctor *d);

#endif
