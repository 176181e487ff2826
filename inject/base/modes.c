// SPDX-License-Identifier: GPL-2.0-or-later
/* The names of inode modes, cache policies, privileges and versions (modes.h). */
#include "modes.h"

#include <errno.h>
#include <string.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char modes_inode_list[] = "never|prefer|mandatory|fallback";
const char modes_cache_list[] = "auto|always|never|metadata";
const char modes_privilege_list[] = "root|unprivileged|userns";
const char modes_version_list[] = "1.13.0|1.13.2";

static int lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -EINVAL;
}

static const char *const mode_names[] = {
	[INODE_MODE_NEVER] = "never",
	[INODE_MODE_PREFER] = "prefer",
	[INODE_MODE_MANDATORY] = "mandatory",
};

static const char *const cache_names[] = {
	[CACHE_AUTO] = "auto",
	[CACHE_ALWAYS] = "always",
	[CACHE_NEVER] = "never",
	[CACHE_METADATA] = "metadata",
};

static const char *const privilege_names[] = {
	[PRIV_ROOT] = "root",
	[PRIV_UNPRIVILEGED] = "unprivileged",
	[PRIV_USERNS] = "userns",
};

static const char *const version_names[] = {
	[VIRTIOFSD_1_13_0] = "1.13.0",
	[VIRTIOFSD_1_13_2] = "1.13.2",
};

const char *virtiofsd_version_name(enum virtiofsd_version v)
{
	return version_names[v];
}

int virtiofsd_version_parse(const char *name)
{
	return lookup(version_names, N(version_names), name);
}

const char *inode_mode_name(enum inode_mode mode)
{
	return mode_names[mode];
}

const char *cache_policy_name(enum cache_policy cache)
{
	return cache_names[cache];
}

int inode_mode_parse(const char *name, bool *was_fallback)
{
	bool dummy;

	if (!was_fallback)
		was_fallback = &dummy;
	*was_fallback = false;
	if (strcmp(name, "fallback") == 0) {
		*was_fallback = true;
		return INODE_MODE_PREFER;
	}
	return lookup(mode_names, N(mode_names), name);
}

int cache_policy_parse(const char *name)
{
	return lookup(cache_names, N(cache_names), name);
}

const char *privilege_name(enum privilege p)
{
	return privilege_names[p];
}

int privilege_parse(const char *name)
{
	return lookup(privilege_names, N(privilege_names), name);
}
