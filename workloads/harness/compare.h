/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The same cell against the real virtiofsd: the tree generated with the
 * cell's seed, the host churn beside it, and the workload run inside a QEMU
 * guest whose /mnt is virtiofsd's share (workloads/guest/stalefs-guest.sh),
 * with the matching flags: --inode-file-handles, --cache, --xattr, and the
 * privilege (root; userns: virtiofsd in `unshare -Ur`, the rootless-podman
 * way; unprivileged: root without CAP_DAC_READ_SEARCH, through setpriv).
 * virtiofsd's debug log is the server-side view: its replies per opcode
 * and errno, joined to their requests by unique, tell ESTALE it sent from
 * ESTALE the guest kernel made.
 */
#ifndef STALEFS_COMPARE_H
#define STALEFS_COMPARE_H

#include <stdio.h>

#include "cell.h"
#include "run.h"

struct guest_opts {
	const char *runner;	/* stalefs-guest.sh; NULL: found next to the sources */
	const char *workload_bin;	/* the static workload; NULL: the runner's default */
	const char *paths_env;	/* ci/compare-setup.sh's paths.env; NULL: the runner's default */
	double timeout;		/* per guest run; 0: seconds + 120 */
	bool keep;
};

/* Run the cell against virtiofsd. 0 with r filled in (whatever the
 * status: cannot-run when a piece is missing or virtiofsd refuses the
 * cell), or -errno when the harness itself failed (err says why). */
int guest_run_cell(const struct cell *c, const struct guest_opts *g, struct run_result *r,
		   char *err, size_t errlen);
/* Cells virtiofsd cannot have: faults (they are stalefs's). 0 or -EINVAL. */
int guest_check_cell(const struct cell *c, char *err, size_t errlen);

/* Count virtiofsd's replies in its debug log (exposed for the unit tests):
 * ESTALE replies into r->attrib.emitted, replies per errno into *errors
 * (ENOENT..., by errno number up to 255), and whether it gave up on file
 * handles (its probe failed: prefer then runs as never). */
struct vlog_counts {
	uint64_t requests, replies, errors;
	uint64_t by_errno[256];
	uint64_t estale_by_op[64];
	char estale_op_names[64][24];
	int handles_disabled;
};
int vlog_count_text(const char *text, struct vlog_counts *v);

/* One row per cell: stalefs and virtiofsd side by side, and whether they
 * agree. Returns the number of cells that disagree. */
struct compare_row {
	const struct cell *c;
	const struct run_result *a;	/* stalefs */
	const struct run_result *b;	/* virtiofsd */
};
enum { COMPARE_TEXT, COMPARE_MARKDOWN, COMPARE_JSON };
int compare_table(const struct compare_row *rows, int n, int format, FILE *f);
/* Whether a row agrees; why not in why. */
int compare_agree(const struct compare_row *row, char *why, size_t len);

#endif
