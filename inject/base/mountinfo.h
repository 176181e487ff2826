/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one reader of /proc/self/mountinfo: each line's mount ID, mount point
 * (its octal escapes undone: "\040" is a space) and filesystem type. Lines
 * are untrusted text: a line without the " - " separator or its fields is
 * skipped.
 */
#ifndef STALEFS_MOUNTINFO_H
#define STALEFS_MOUNTINFO_H

#include <stdbool.h>
#include <stdint.h>

struct mountinfo_entry {
	uint64_t id;		/* the mount ID (statx STATX_MNT_ID) */
	const char *mnt;	/* the mount point, unescaped */
	const char *fstype;
};

/* fn for each mount of file (NULL: /proc/self/mountinfo) until it returns
 * non-zero: that value, 0 at the end, or -errno when the file cannot be read. */
int mountinfo_each(const char *file, int (*fn)(const struct mountinfo_entry *e, void *arg),
		   void *arg);
/* Undo mountinfo's octal escapes in place. */
void mountinfo_unescape(char *s);
/* Is path a mount point? */
bool mountinfo_is_mount(const char *path);
/* Is anything mounted on path or below it? */
bool mountinfo_has_below(const char *path);

#endif
