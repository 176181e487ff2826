// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pinpoint's experiments (the hypotheses of bcvk #157, research
 * virtiofsd.md section 6) and mitigations; see pinpoint_experiment.h.
 */
#include "pinpoint_experiment.h"

#include <string.h>

#include "scenario.h"

/* bcvk's configuration: virtiofsd 1.13.0, rootless (O_PATH), fallback, cache=never. */
#define BCVK "mode=fallback", "privilege=userns", "cache=never", "virtiofsd-version=1.13.0"

const struct experiment experiments[] = {
	{
		"fd-limit-overlay",
		"In bcvk's configuration, with a guest overlay and no host change at all, does "
		"virtiofsd 1.13.0 running out of fds give ESTALE?",
		NULL,
		{ BCVK, "workload=read", "overlay", "rlimit-nofile=700", "objects=1500", "max-links=20" },
		{ BCVK, "workload=read", "overlay", "objects=1500", "max-links=20" },
		M_ESTALE,
		"virtiofsd 1.13.0 at its fd limit (one O_PATH fd per inode the guest pins): "
		"revalidation LOOKUPs answer EMFILE and the guest's overlay makes ESTALE of them, "
		"with no host change",
		"1.13.0 at a 700-fd limit under an overlay: no ESTALE",
		G_FD_OLD,
	},
	{
		"fd-limit-overlay-1.13.2",
		"The same fd exhaustion in the 1.13.2 model (its guest-fd limit): ESTALE?",
		NULL,
		{ "mode=fallback", "privilege=userns", "cache=never", "virtiofsd-version=1.13.2",
		  "workload=read", "overlay", "rlimit-nofile=700", "objects=1500", "max-links=20" },
		{ "mode=fallback", "privilege=userns", "cache=never", "virtiofsd-version=1.13.2",
		  "workload=read", "overlay", "objects=1500", "max-links=20" },
		M_ESTALE,
		"virtiofsd 1.13.2 at its guest-fd limit still gave ESTALE under the overlay",
		"1.13.2's guest-fd limit answers ENFILE to new guest fds before the host runs out: "
		"no ESTALE under the overlay (failed opens instead)",
		G_FD_NEW,
	},
	{
		"bcvk",
		"bcvk's whole shape (stalefs run --scenario bcvk: 1.13.0, rootless, two-path on the "
		"970-link tree, a second daemon, podman on the host): ESTALE, against the guest alone?",
		"bcvk",
		{ NULL },
		{ "no-second-daemon", "no-host-change" },
		M_ESTALE,
		"bcvk's whole shape gave ESTALE",
		"bcvk's whole shape at the daemon's default fd limit: no ESTALE",
		G_SCENARIO,
	},
	{
		"two-path",
		"Do overlay readers and direct readers of the same layers at once (guest podman and "
		"skopeo), with no host change, give ESTALE?",
		NULL,
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=970" },
		{ BCVK, "workload=read", "objects=1500", "max-links=970" },
		M_ESTALE,
		"reading the layers through the overlay and directly at once gave ESTALE with no "
		"host change",
		"two-path reading (overlay and direct at once) with no host change: no ESTALE",
		G_SHAPE,
	},
	{
		"two-daemons",
		"Does a second daemon with its own readers on the same storage (two VM tests at "
		"once) give ESTALE?",
		NULL,
		{ BCVK, "workload=read", "two-path", "second-daemon", "objects=1500", "max-links=970" },
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=970" },
		M_ESTALE,
		"a second daemon on the same storage gave ESTALE",
		"a second daemon and its readers on the same storage: no ESTALE (each daemon's "
		"inodes are its own; reads change nothing)",
		G_SHAPE,
	},
	{
		"memory-pressure",
		"Does memory pressure on the readers (their memory cgroup reclaimed to half every "
		"0.1 s) give ESTALE under the two-path workload?",
		NULL,
		{ BCVK, "workload=read", "two-path", "memory-pressure=50", "objects=1500",
		  "max-links=970" },
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=970" },
		M_ESTALE,
		"memory pressure on the readers (reclaimed dentries and inodes, FORGETs) gave ESTALE",
		"memory pressure on the readers: no ESTALE (reclaim and FORGET alone do not make it)",
		G_SHAPE,
	},
	{
		"podman-host",
		"Does podman-like host activity (new layer dirs, removed layers, metadata renamed "
		"over) give ESTALE to guests reading other layers?",
		NULL,
		{ BCVK, "workload=read", "two-path", "podman-every=0.1", "objects=1500",
		  "max-links=970" },
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=970" },
		M_ESTALE,
		"podman-like host activity beside the layers the guest reads gave ESTALE",
		"podman-like host activity (layers added and removed, metadata renamed) beside the "
		"layers the guest reads: no ESTALE",
		G_PODMAN,
	},
	{
		"submount",
		"Does a submount appearing and disappearing on a directory the guest reads (a bind "
		"mount of it onto itself: same bytes, new mount ID) give ESTALE?",
		NULL,
		{ BCVK, "workload=read", "two-path", "submount-every=0.2", "objects=1500",
		  "max-links=20" },
		{ BCVK, "workload=read", "two-path", "objects=1500", "max-links=20" },
		M_ESTALE,
		"a submount appearing on a directory the guest reads: a new identity for the "
		"directory, and ESTALE",
		"a submount appearing and disappearing on a directory the guest reads: no ESTALE",
		G_HOST,
	},
	{
		"dir-move",
		"Do directories moved between parents on the host, while readers walk both places, "
		"give ESTALE on the plain mount (d_splice_alias)?",
		NULL,
		{ BCVK, "workload=read", "dir-move-every=0.05", "objects=60", "max-links=10",
		  "threads=8" },
		{ BCVK, "workload=read", "objects=60", "max-links=10", "threads=8" },
		M_ESTALE,
		"directories exchanged between parents on the host gave ESTALE on the plain mount "
		"(the kernel's d_splice_alias meets the directory under its old parent)",
		"directories moved between parents on the host: no ESTALE on the plain mount (the "
		"kernel moved the directory's dentry; nothing held its rename lock)",
		G_HOST,
	},
	{
		"unprivileged-prefer",
		"What inode mode really runs unprivileged with --inode-file-handles=prefer (bcvk's "
		"fallback)?",
		NULL,
		{ "mode=prefer", "privilege=unprivileged", "workload=read" },
		{ "mode=prefer", "privilege=root", "workload=read" },
		M_MODE,
		"unprivileged prefer/fallback really runs as never (O_PATH): handle-mode ESTALE "
		"cannot happen there",
		"unprivileged prefer kept file handles",
		G_OTHER,
	},
	{
		"overlay-churn",
		"Does an overlayfs over the mount (the bcvk guest-podman shape) turn host-side "
		"churn into ESTALE that the daemon never sent?",
		NULL,
		{ "mode=never", "cache=never", "workload=read", "overlay", "churn" },
		{ "mode=never", "cache=never", "workload=read", "churn" },
		M_ESTALE,
		"overlayfs over the mount with names moved to new inodes on the host: ESTALE made "
		"by the kernel's overlay, none from the daemon; the bare mount under the same churn "
		"shows none",
		"overlayfs over the mount with host churn: no ESTALE",
		G_HOST,
	},
	{
		"overlay-layer-swap",
		"Does recreating a whole layer on the host while the guest's overlay has it as a "
		"lower give lasting ESTALE?",
		NULL,
		{ "mode=never", "cache=never", "workload=read", "overlay", "layer-every=0.5" },
		{ "mode=never", "cache=never", "workload=read", "layer-every=0.5" },
		M_ESTALE,
		"a layer removed and recreated on the host under a guest overlay: every name in it "
		"answers ESTALE from then on (the overlay's lower root is a deleted directory)",
		"layer swaps under the overlay: no ESTALE",
		G_HOST,
	},
	{
		"overlay-revalidation",
		"Does a failed revalidation LOOKUP (ENOENT on both VFS passes) surface as ESTALE "
		"through overlayfs and as ENOENT on the bare mount?",
		NULL,
		{ "mode=never", "cache=never", "workload=read", "overlay", "profile=bcvk-overlay" },
		{ "mode=never", "cache=never", "workload=read", "profile=bcvk-overlay" },
		M_ESTALE,
		"an ENOENT on an object's revalidation comes out of overlayfs as ESTALE (bare: ENOENT)",
		"failed revalidation through the overlay: no ESTALE",
		G_OTHER,
	},
	{
		"handle-host-churn",
		"Does file-handle mode give ESTALE when the host deletes and recreates names, where "
		"O_PATH mode does not?",
		NULL,
		{ "mode=mandatory", "cache=auto", "workload=read", "churn" },
		{ "mode=never", "cache=auto", "workload=read", "churn" },
		M_EMITTED,
		"file-handle mode with host deletion and recreation: the daemon answers ESTALE "
		"(open_by_handle_at of a freed inode) on cached nodeids, O_PATH mode never does; "
		"path calls retry with a fresh LOOKUP and mask it",
		"file-handle mode under host churn: the daemon answered no more ESTALE than O_PATH mode",
		G_OTHER,
	},
	{
		"generation",
		"Does a generation change on a live nodeid give EIO rather than ESTALE?",
		NULL,
		{ "mode=never", "cache=never", "workload=read", "threads=8",
		  "inject=gen-bump:op=LOOKUP,every=5" },
		{ "mode=never", "cache=never", "workload=read", "threads=8" },
		M_EIO,
		"a generation mismatch gives EIO on fds of the old inode, not ESTALE",
		"generation bumps: no EIO",
		G_OTHER,
	},
	{
		"forget-storm",
		"Do 970-link objects under FORGET storms and concurrent lookups give ESTALE in "
		"O_PATH mode?",
		NULL,
		{ "mode=never", "cache=auto", "workload=read", "max-links=970", "threads=8",
		  "drop-caches-ms=50" },
		{ "mode=never", "cache=auto", "workload=read", "max-links=970", "threads=8" },
		M_ESTALE,
		"FORGET storms on 970-link objects in O_PATH mode gave ESTALE",
		"970-link objects under FORGET storms and concurrent lookups in O_PATH mode: no "
		"ESTALE (the daemon's refcounts hold)",
		G_SHAPE,
	},
	{
		"silly-rename",
		"Does O_PATH mode on storage that silly-renames unlinked-but-held inodes, and later "
		"cleans them up, give ESTALE (the ostree CLI, 2 rounds)?",
		NULL,
		{ "mode=never", "workload=ostree", "rounds=2", "objects=100", "profile=nfs-silly-rename" },
		{ "mode=never", "workload=ostree", "rounds=2", "objects=100" },
		M_ESTALE,
		"O_PATH mode on silly-renaming storage: ESTALE after the .nfs files are cleaned up",
		"silly-rename with cleanup: no ESTALE",
		G_OTHER,
	},
};

static bool fd_limited(const struct cell *c)
{
	return c->rlimit_nofile >= 0;
}

static void fd_unlimit(struct cell *c)
{
	c->rlimit_nofile = -1;
}

static bool old_model(const struct cell *c)
{
	return strcmp(c->version, "1.13.0") == 0;
}

static void new_model(struct cell *c)
{
	strcpy(c->version, "1.13.2");
}

static bool not_always(const struct cell *c)
{
	return strcmp(c->cache, "always") != 0;
}

static void cache_always(struct cell *c)
{
	strcpy(c->cache, "always");
}

static bool no_handles(const struct cell *c)
{
	return strcmp(c->mode, "mandatory") != 0 || strcmp(c->privilege, "root") != 0;
}

static void handles_as_root(struct cell *c)
{
	strcpy(c->mode, "mandatory");
	strcpy(c->privilege, "root");
}

static void host_still(struct cell *c)
{
	c->churn = false;
	c->layer_every = c->dir_move_every = c->submount_every = c->podman_every = 0;
}

const struct mitigation mitigations[] = {
	{ "higher fd limit", fd_limited, fd_unlimit },
	{ "1.13.2 model", old_model, new_model },
	{ "cache=always", not_always, cache_always },
	{ "file handles as root", no_handles, handles_as_root },
	{ "no host change", cell_host_changes, host_still },
};

int experiment_build_cell(struct cell *c, const char *scenario, const char *const opts[],
			  const struct cell *base, char *err, size_t errlen)
{
	char name[64];
	int ret;

	ret = cell_copy(c, base);
	if (!ret && scenario) {
		double seconds = c->seconds;

		ret = scenario_apply(c, scenario, err, errlen);
		c->seconds = seconds;	/* pinpoint's plan decides the time */
	}
	for (int i = 0; !ret && i < 16 && opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');

		if (strcmp(opts[i], "no-second-daemon") == 0) {
			c->second_daemon = false;
			continue;
		}
		if (strcmp(opts[i], "no-host-change") == 0) {
			host_still(c);
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - opts[i] : (long)strlen(opts[i])),
			 opts[i]);
		ret = cell_set(c, name, eq ? eq + 1 : NULL, err, errlen);
	}
	if (!ret)
		ret = cell_check(c, err, errlen);
	return ret;
}

bool experiment_selected(const char *only, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = only; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return !only;
}
