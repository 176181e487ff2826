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
 *     one RENAME_EXCHANGE and delete the old one (a stop during the copy
 *     gives the swap up before the exchange: no change, nothing logged)
 * and, each on its own cadence, other host actors (no_names: only these):
 *   - dir-move (every dir_move_every_s): exchange a pair of twin directories
 *     (tree.h: the same files under usr/lib/twin-NN and usr/share/twin-NN)
 *     between their parents with one RENAME_EXCHANGE: every path keeps its
 *     bytes, the directory inodes change parents
 *   - submount (every submount_every_s): bind-mount one of the most-named
 *     directories onto itself (same bytes, a new mount ID), and at the next
 *     turn unmount it (submount-gone); needs CAP_SYS_ADMIN. Whatever ends
 *     churn (its end, SIGTERM, SIGINT) unmounts first. While it is up, the
 *     relinks and extra links leave names on either side of it alone (a
 *     link across mounts is EXDEV), and a layer swap or dir-move of a dir
 *     above it takes it down first (submount-gone), so the mount never
 *     moves away from the path it is unmounted by.
 *   - podman (every podman_every_s): what podman pull/tag/rmi/build do to
 *     container storage beside the layers in use: a new layer dir
 *     overlay/<64 hex>/diff/... with a few files and its overlay/l/<short>
 *     link (layer-add), overlay-layers/layers.json and
 *     overlay-images/images.json rewritten by rename over
 *     (metadata-rename), and the oldest added layer removed once more than
 *     two are there (layer-remove). The tree's own layers are never
 *     touched; what it added is removed when churn ends.
 *
 * With an events fd, the log starts with a header line per run
 * ({"schema":"host-events/1", the origin, "type":"header","actor":"churn",
 * "t_ns":...,"clock":"monotonic","pid":...}), then each change is logged as
 * it happens, one JSON line written with one write(2), so a killed run still
 * leaves every line of the changes it finished:
 *   {"t_ns":END,"start_ns":START,"actor":"churn","pid":PID,"op":"relink",
 *    "path":"deploy/..."}
 * op is relink, rename, link, layer-swap, dir-move, submount, submount-gone,
 * layer-add, layer-remove or metadata-rename; path is relative to the root
 * (the checkout name; for link the extra name; for layer-swap the layer dir
 * "overlay/<layer>"). rename, link and layer-swap add "from": the temp file
 * renamed over path, the object linked, the recreated layer exchanged with
 * path (dir-move: the twin it was exchanged with; metadata-rename: the
 * temp file). A change that failed adds "error":"ENOENT" (counted in errors, not
 * in its op's counter). Times are CLOCK_MONOTONIC (counts_now_ns).
 */
#ifndef STALEFS_CHURN_H
#define STALEFS_CHURN_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct churn_params {
	const char *root;
	double seconds;
	uint64_t seed;
	unsigned int pause_us;	/* between two changes */
	double layer_every_s;	/* 0, or swap in a recreated layer this often */
	int events_fd;		/* -1, or log each change here (O_APPEND) */
	bool no_names;		/* no relink/rename/link churn: only the actors below */
	double dir_move_every_s;	/* 0, or exchange twin directories this often */
	double submount_every_s;	/* 0, or a bind submount appears or goes this often */
	double podman_every_s;	/* 0, or podman-like storage activity this often */
};

struct churn_result {
	uint64_t relinks, renames, links, layer_swaps;	/* name churn, by op */
	uint64_t errors;	/* changes that failed (any op) */
	uint64_t dir_moves;	/* twin pairs exchanged */
	uint64_t submounts;	/* submount and submount-gone, each one */
	uint64_t podman_ops;	/* layer-add, layer-remove and metadata-rename, each one */
};

/* churn_run's answer when a submount cannot be made here (not root): exit 77. */
#define CHURN_CANNOT_RUN (-EPERM)
/* The host event log's schema (its header line). */
#define CHURN_EVENTS_SCHEMA "host-events/1"

/* Ask a running churn to stop and clean up (async-signal-safe). */
void churn_stop(void);

int churn_run(const struct churn_params *p, struct churn_result *r, char *err, size_t errlen);

#endif
