/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The same cell against the real virtiofsd: the tree generated with the
 * cell's seed, the host churn beside it, and the workload run inside a QEMU
 * guest whose /mnt is virtiofsd's share (workloads/guest/stalefs-guest.sh),
 * with the matching flags: --inode-file-handles, --cache, --xattr, and the
 * privilege (root; userns: virtiofsd in `unshare -Ur`, the rootless-podman
 * way; unprivileged: root without CAP_DAC_READ_SEARCH, through setpriv).
 * virtiofsd's debug log (compare_vlog.h) is the server-side view.
 *
 * With guest_opts.daemon set, the guest's daemon is stalefs-virtiofsd
 * instead (the third column of `stalefs compare`: stalefs's model behind
 * the same transport, in the same guest): its event log and stats are the
 * server-side view, and unprivileged is its own --unprivileged.
 */
#ifndef STALEFS_COMPARE_GUEST_H
#define STALEFS_COMPARE_GUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "cell.h"
#include "run.h"

struct guest_opts {
	const char *runner;	/* stalefs-guest.sh; NULL: found next to the sources */
	const char *workload_bin;	/* the static workload; NULL: the runner's default */
	const char *paths_env;	/* ci/compare-setup.sh's paths.env; NULL: the runner's default */
	const char *daemon;	/* stalefs-virtiofsd to run instead of virtiofsd; NULL: virtiofsd */
	double timeout;		/* per guest run; 0: seconds + 120 */
	bool keep;
};

/* Run the cell against virtiofsd. 0 with r filled in (whatever the
 * status: cannot-run when a piece is missing or virtiofsd refuses the
 * cell), or -errno when the harness itself failed (err says why). */
int guest_run_cell(const struct cell *c, const struct guest_opts *g, struct run_result *r,
		   char *err, size_t errlen);
/* stalefs-virtiofsd next to this stalefs executable: 0 with its path, or
 * -ENOENT (not built: libfuse older than 3.13, or not installed); out then
 * holds the path looked at, or "" when there is none. */
int guest_find_daemon(char *out, size_t len);
#define GUEST_WORKLOAD_NAME "stalefs-guest-workload"

/* Where the static guest workload was found, or where it was looked for. */
struct guest_workload {
	char path[4096];	/* "" when none */
	const char *source;	/* how it was found: "$STALEFS_GUEST_WORKLOAD", "next to this stalefs", ... */
	char looked[1024];	/* the paths looked at, ", "-separated (cut when long) */
};
/* The static workload the guest runs: $STALEFS_GUEST_WORKLOAD when set
 * (even when it is not there: then it is an error, not a fallback), else
 * stalefs-guest-workload next to this stalefs executable, in its workloads/
 * (the build dir), in ../libexec/stalefs or ../lib/stalefs beside it, in the
 * configured install's libexec/stalefs or lib/stalefs, and last in the
 * source tree's build/workloads/. 0 with w->path, or -ENOENT with
 * w->looked. */
int guest_find_workload(struct guest_workload *w);
/* The same with the executable's dir given (NULL: skip those). */
int guest_find_workload_from(const char *self_dir, struct guest_workload *w);
/* Cells a guest cannot run against stalefs-virtiofsd (its faults it can):
 * 0 or -EINVAL with the reason. */
int guest_check_cell_ours(const struct cell *c, char *err, size_t errlen);
/* Cells virtiofsd cannot have: faults (they are stalefs's). 0 or -EINVAL. */
int guest_check_cell(const struct cell *c, char *err, size_t errlen);

#endif
