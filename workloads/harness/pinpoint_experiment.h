/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pinpoint's experiment table: each experiment a question, a cell and its
 * control (the same but for one condition), what is counted, and the
 * conclusion lines for either answer; and the mitigations a cause seen is
 * run again under (each applies to some cells and changes one condition).
 */
#ifndef STALEFS_PINPOINT_EXPERIMENT_H
#define STALEFS_PINPOINT_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "cell.h"

/* What a verdict counts: ESTALE calls, the daemon's ESTALE replies, EIO
 * calls, or (M_MODE) the inode mode that really ran. */
enum measure { M_ESTALE, M_EMITTED, M_EIO, M_MODE };

struct experiment {
	const char *name;
	const char *question;
	const char *scenario;	/* cell options from this scenario first (both cells), or NULL */
	const char *cell[16];	/* cell options, "name=value" or "flag" */
	const char *control[16];
	enum measure measure;
	const char *seen;	/* conclusion line when the effect was seen */
	const char *not_seen;	/* ... and when it was not */
	unsigned int group;	/* for the bcvk conclusion (G_*) */
};

enum { G_OTHER, G_FD_OLD, G_FD_NEW, G_SHAPE, G_HOST, G_PODMAN, G_SCENARIO };

#define NEXP 17
extern const struct experiment experiments[NEXP];

struct mitigation {
	const char *name;
	bool (*applies)(const struct cell *c);
	void (*apply)(struct cell *c);
};

#define NMIT 5
extern const struct mitigation mitigations[NMIT];

/* Build a cell: the scenario, then "name=value"/"flag" options over base.
 * "no-second-daemon" and "no-host-change" take those parts away. 0, or
 * -errno with err saying why. */
int experiment_build_cell(struct cell *c, const char *scenario, const char *const opts[],
			  const struct cell *base, char *err, size_t errlen);

/* Is name in the comma-separated list only (every name when only is NULL)? */
bool experiment_selected(const char *only, const char *name);

#endif
