/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The doctor's look at `stalefs compare`'s pieces: the virtiofsd, QEMU,
 * guest kernel, its modules and busybox that ci/compare-setup.sh wrote to
 * paths.env (compare_paths.h), and the static guest workload compare would
 * pick (guest_find_workload): each one's path, whether it is there, and the
 * version of the programs (asked in a bounded child, and only when paths.env
 * is root's or ours and no one else may write it).
 */
#ifndef STALEFS_DOCTOR_COMPARE_H
#define STALEFS_DOCTOR_COMPARE_H

#include <stdbool.h>

enum {
	PIECE_VIRTIOFSD, PIECE_QEMU, PIECE_KERNEL, PIECE_MODULES, PIECE_BUSYBOX, PIECE_WORKLOAD,
	PIECE_COUNT
};

struct doctor_piece {
	const char *name;	/* "virtiofsd", "qemu", "kernel", "modules", "busybox", "guest_workload" */
	char path[4096];	/* "" when paths.env has none */
	bool exists;		/* there, and of the right kind (executable, readable, a dir) */
	char version[64];	/* "" when not a program or not asked */
	char note[200];		/* why not, or where it came from */
};

struct doctor_compare {
	char paths_env[4096];
	bool read;		/* paths.env was read */
	char why[400];		/* why not */
	unsigned int bad, unknown;	/* its refused lines, its keys we do not know */
	struct doctor_piece p[PIECE_COUNT];
};

struct doctor;
/* Fill d->cmp and the compare check. Before check_virtiofsd: it falls back
 * to paths.env's virtiofsd when none is on PATH. */
void check_compare(struct doctor *d);

#endif
