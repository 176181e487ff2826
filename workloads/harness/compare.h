/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `stalefs compare`'s table: per cell, stalefs (on /dev/fuse), virtiofsd
 * (in a QEMU guest) and stalefs-virtiofsd (the same guest, the same
 * transport, stalefs's model) side by side (text, markdown or JSON), and
 * whether they agree. The guest runner that
 * gives the virtiofsd side is compare_guest.h (included here for the
 * command, run_cli.c); virtiofsd's log is counted by compare_vlog.h.
 */
#ifndef STALEFS_COMPARE_H
#define STALEFS_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "cell.h"
#include "compare_guest.h"
#include "run.h"

/*
 * One row per cell, and whether it agrees. A row agrees when stalefs and
 * virtiofsd agree (both ran, the same effective mode, ESTALE, EBADF and EIO
 * in both or neither, no wrong bytes) and, when there is a third side, it
 * agrees with virtiofsd the same way and their ESTALE rates' 95% intervals
 * overlap (same guest, same transport: a rate that differs is a model
 * difference). When stalefs and virtiofsd disagree, the third side tells
 * which: agreeing with virtiofsd, the transport (/dev/fuse against
 * virtio-fs) made the difference and the row agrees (the model holds,
 * why says so); agreeing with stalefs, the model did and the row disagrees.
 * compare_table returns the number of rows that disagree.
 */
struct compare_row {
	const struct cell *c;
	const struct run_result *a;	/* stalefs */
	const struct run_result *b;	/* virtiofsd */
	const struct run_result *v;	/* stalefs-virtiofsd; NULL: not built */
};
enum { COMPARE_TEXT, COMPARE_MARKDOWN, COMPARE_JSON };
int compare_table(const struct compare_row *rows, int n, int format, FILE *f);
/* Whether a row agrees; why not in why. */
int compare_agree(const struct compare_row *row, char *why, size_t len);

#endif
