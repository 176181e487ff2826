/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File handles (name_to_handle_at / open_by_handle_at) and the mount-fd
 * table that open_by_handle_at needs: one O_RDONLY fd on the root of each
 * mount, found by mount ID through /proc/self/mountinfo, as virtiofsd's
 * MountFds does. Also the startup probe that decides whether handle mode
 * can be used at all.
 */
#ifndef STALEFS_FHANDLE_H
#define STALEFS_FHANDLE_H

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "htab.h"

/* Largest handle we keep (the kernel's MAX_HANDLE_SZ is 128). */
#define FHANDLE_MAX 128

/* Storage big enough for any struct file_handle we accept. */
union fhandle_buf {
	struct file_handle fh;
	unsigned char raw[sizeof(struct file_handle) + FHANDLE_MAX];
};

/*
 * Handle of the object fd refers to (an O_PATH fd is fine); *mnt_id gets
 * name_to_handle_at's mount ID. 0 or -errno.
 */
int fhandle_make(int fd, union fhandle_buf *out, uint64_t *mnt_id);

bool fhandle_eq(const struct file_handle *a, const struct file_handle *b);
uint64_t fhandle_hash(uint64_t mnt_id, const struct file_handle *fh);

struct mountfds {
	pthread_mutex_t lock;
	struct htab by_mnt_id;	/* lock; struct mountfd */
	int proc_self_fd;	/* immutable; O_PATH fd of /proc/self/fd */
	const char *mountinfo;	/* immutable; path, /proc/self/mountinfo */
};

int mountfds_init(struct mountfds *m, int proc_self_fd);
void mountfds_destroy(struct mountfds *m);

/*
 * The O_RDONLY fd on the root of mount mnt_id, opened on first use and kept
 * for the table's life. Borrowed: do not close it. fd or -errno.
 */
int mountfds_get(struct mountfds *m, uint64_t mnt_id);

/* open_by_handle_at on mount mnt_id. fd or -errno (source recorded). */
int fhandle_open(struct mountfds *m, uint64_t mnt_id, const struct file_handle *fh,
		 int flags);

#endif
