/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The doctor's checks of filesystems: file handles on --dir (the daemon's
 * own startup probe, backing_probe, so doctor and `stalefs mount` agree),
 * an overlayfs test mount (in a child's private mount namespace) and
 * tracefs (fuse and syscall events, an instance made and removed at once).
 */
#ifndef STALEFS_DOCTOR_FS_H
#define STALEFS_DOCTOR_FS_H

#include "doctor_check.h"

void check_handles(struct doctor *d);
void check_overlay(struct doctor *d);
void check_tracefs(struct doctor *d);

#endif
