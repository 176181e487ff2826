/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scratch dirs of the harness and the workloads ($TMPDIR/PREFIX.XXXXXX):
 * each holds a "pid" file naming its owner, so that dirs left by a process
 * that was killed (SIGKILL cannot clean up) are swept by the next one that
 * makes a dir with the same prefix, when nothing is mounted below them.
 */
#ifndef STALEFS_SCRATCH_H
#define STALEFS_SCRATCH_H

#include <stddef.h>

/* Make parent/PREFIX.XXXXXX (parent NULL: $TMPDIR or /tmp) after sweeping
 * dead ones. 0 with the path in out, or -errno. */
int scratch_make(const char *parent, const char *prefix, char *out, size_t len);
/* Remove dir and everything below it, not crossing into mounts. */
void scratch_remove(const char *dir);
/* Keep dir for good: no later sweep removes it. */
void scratch_keep(const char *dir);
/* Is anything mounted at path or below it? */
int scratch_has_mounts(const char *path);

#endif
