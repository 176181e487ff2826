/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtiofsd's debug log as compare reads it, the server-side view of a
 * guest run: its replies per errno, ESTALE replies joined to their requests
 * by unique (so by opcode), and whether it gave up on file handles (its
 * probe failed: prefer then runs as never).
 */
#ifndef STALEFS_COMPARE_VLOG_H
#define STALEFS_COMPARE_VLOG_H

#include <stdint.h>

struct vlog_counts {
	uint64_t requests, replies, errors;
	uint64_t by_errno[256];		/* replies per errno number; 0: out of range */
	uint64_t estale_by_op[64];	/* ESTALE replies of estale_op_names[k] */
	char estale_op_names[64][24];	/* "?" when the request was not seen */
	int handles_disabled;
};

/* Count the replies in a whole log's text. 0 or -ENOMEM. */
int vlog_count_text(const char *text, struct vlog_counts *v);

#endif
