/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * errno names, both ways, for every part of stalefs: "ESTALE" for ESTALE
 * (glibc's strerrorname_np), "E4095" for a number without a name; and back
 * from a name or a number (rule text, cell lines: untrusted).
 */
#ifndef STALEFS_ERRNAME_H
#define STALEFS_ERRNAME_H

#include <stddef.h>

/* The name of errno e (positive); buf holds "E<n>" when it has none. */
const char *errname(int e, char *buf, size_t len);
/* The kernel takes FUSE replies with errors 1 .. ERRNAME_MAX only (it refuses
 * 512, ERESTARTSYS, and above, and the request is then never answered). */
#define ERRNAME_MAX 511
/* The errno a name ("ESTALE") or a number ("116") stands for, 1 ..
 * ERRNAME_MAX, or -1. */
int errname_parse(const char *name);

#endif
