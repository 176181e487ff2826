/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running one cell: for each repetition, make (or reuse) the tree, start
 * the daemon with the cell's mode, privilege, cache and faults, wait for
 * the mount, run the workload (and the host churn beside it), collect the
 * workload's result, the daemon's event log and stats and the kernel's
 * trace, then stop everything and unmount: always, also on failure,
 * timeout or SIGINT/SIGTERM of the harness (children carry a parent-death
 * signal, so even a SIGKILLed harness leaves no daemon or mount).
 *
 * The cell's result (run_result.h) is written as one JSON line, the cell
 * line (cellline.h) that `stalefs report` merges (README "Cell files").
 */
#ifndef STALEFS_RUN_H
#define STALEFS_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cell.h"
#include "run_result.h"

struct guest_opts;

struct run_opts {		/* how to run, not what (not part of the cell) */
	const char *workdir;	/* NULL: a temp dir under $TMPDIR */
	const char *tree;	/* reuse this tree (its manifest) as the shared dir */
	bool keep;		/* keep the work dir */
	int trace;		/* -1 off, 0 auto, 1 required */
	bool quiet;		/* no per-repetition lines on stderr */
	/* matrix --time-limit: when (mono_seconds()) the limit runs out; 0 none. A
	 * repetition still running then stops with RUN_TIMEOUT (exit 124). */
	double deadline;
	/* Set: pinpoint runs the cell in a QEMU guest behind virtio-fs against
	 * stalefs-virtiofsd (compare_guest.h) instead of on /dev/fuse. */
	const struct guest_opts *guest;
};

/* Run the cell. 0 with r filled in (whatever the status), or -errno when
 * the harness itself failed before anything ran (err says why). */
/* Before any cell: 0 when this process can mount (root, /dev/fuse opens),
 * else one line on stderr that says why and points at `stalefs doctor`, and
 * EXIT_CANNOT_RUN. cmd names the command in that line. */
int run_can_mount(const char *cmd);
int run_cell(const struct cell *c, const struct run_opts *o, struct run_result *r,
	     char *err, size_t errlen);
/* The cell line (cell_line_write(), cellline.h), for run's callers. */
void run_result_json(const struct cell *c, const struct run_result *r, FILE *f);
void run_result_json_as(const struct cell *c, const struct run_result *r, const char *backend,
			FILE *f);

#endif
