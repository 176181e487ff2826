// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-thread credential switching. glibc's setgroups() changes every thread
 * of the process, so the raw syscall is used; setfsuid/setfsgid are per
 * thread already. Dropping fsuid 0 also drops the CAP_FS_MASK capabilities
 * for that thread, which is why only the creating syscall runs switched
 * (open_by_handle_at of the parent must happen before).
 */
#include "creds.h"

#include <errno.h>
#include <grp.h>
#include <unistd.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>

#include "errsrc.h"

static gid_t own_groups[64];
static int own_ngroups;
static int groups_denied;	/* atomic; setgroups answered EPERM (user namespace) */

void creds_init(void)
{
	int n = getgroups(64, own_groups);

	own_ngroups = n < 0 ? 0 : n;
}

static int set_groups(int n, const gid_t *list)
{
	return syscall(SYS_setgroups, (size_t)n, list) < 0 ? -errno : 0;
}

int creds_enter(const struct creds *c, struct creds_saved *saved)
{
	*saved = (struct creds_saved){ 0 };
	if (c->groups && !__atomic_load_n(&groups_denied, __ATOMIC_RELAXED)) {
		int ret = set_groups(c->ngroups, c->groups);

		if (ret == -EPERM)
			__atomic_store_n(&groups_denied, 1, __ATOMIC_RELAXED);
		else if (ret < 0)
			return errsrc_set(ERRSRC_HOST, "setgroups", ret);
		else
			saved->groups_changed = true;
	}
	setfsgid(c->gid);
	if ((gid_t)setfsgid((gid_t)-1) != c->gid)
		goto out_fail;
	setfsuid(c->uid);
	if ((uid_t)setfsuid((uid_t)-1) != c->uid) {
		setfsgid(getegid());
		goto out_fail;
	}
	saved->changed = true;
	return 0;
out_fail:
	if (saved->groups_changed)
		set_groups(own_ngroups, own_groups);
	saved->groups_changed = false;
	/* The id is not mapped here (a user namespace): as setfsuid(2) says, EINVAL-like. */
	return daemon_err("setfsuid", -EPERM);
}

void creds_leave(struct creds_saved *saved)
{
	if (saved->changed) {
		setfsuid(geteuid());
		setfsgid(getegid());
	}
	if (saved->groups_changed)
		set_groups(own_ngroups, own_groups);
	saved->changed = saved->groups_changed = false;
}
