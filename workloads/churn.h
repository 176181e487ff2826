/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-side churn on a generated tree (on the backing dir, not through the
 * mount): names are moved to new inodes with the same content, so readers'
 * integrity checks stay valid while their cached names go stale.
 *   - relink: unlink a checkout name and link it again (same inode)
 *   - rename-over: copy the object to a temp file and rename it over the name
 *     (a new inode, same bytes)
 *   - extra links: add a hardlink to an object and drop it again
 *   - layer swap (every layer_every_s): recreate a whole layer as a copy
 *     (new inodes, same bytes, links, symlinks and xattrs), swap it in with
 *     one RENAME_EXCHANGE and delete the old one
 *
 * With an events fd, each change is logged as it happens, one JSON line
 * written with one write(2), so a killed run still leaves every line of the
 * changes it finished:
 *   {"t_ns":END,"start_ns":START,"actor":"churn","pid":PID,"op":"relink",
 *    "path":"deploy/..."}
 * op is relink, rename, link or layer-swap; path is relative to the root
 * (the checkout name; for link the extra name; for layer-swap the layer dir
 * "overlay/<layer>"). rename, link and layer-swap add "from": the temp file
 * renamed over path, the object linked, the recreated layer exchanged with
 * path. A change that failed adds "error":"ENOENT" (counted in errors, not
 * in its op's counter). Times are CLOCK_MONOTONIC (counts_now_ns).
 */
#ifndef STALEFS_CHURN_H
#define STALEFS_CHURN_H

#include <stddef.h>
#include <stdint.h>

struct churn_params {
	const char *root;
	double seconds;
	uint64_t seed;
	unsigned int pause_us;	/* between two changes */
	double layer_every_s;	/* 0, or swap in a recreated layer this often */
	int events_fd;		/* -1, or log each change here (O_APPEND) */
};

struct churn_result {
	uint64_t relinks, renames, links, layer_swaps, errors;
};

int churn_run(const struct churn_params *p, struct churn_result *r, char *err, size_t errlen);

#endif
