// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Capability and user-namespace changes with raw capget/capset (no libcap).
 * The capability is also removed from the bounding set so that no exec'd
 * helper gets it back.
 */
#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static int caps_get(struct __user_cap_header_struct *h, struct __user_cap_data_struct d[2])
{
	*h = (struct __user_cap_header_struct){ .version = _LINUX_CAPABILITY_VERSION_3 };
	return syscall(SYS_capget, h, d) < 0 ? -errno : 0;
}

int privs_has_dac_read_search(void)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];

	if (caps_get(&h, d) < 0)
		return 0;
	return (d[0].effective & (1u << CAP_DAC_READ_SEARCH)) != 0;
}

int privs_drop_dac_read_search(void)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	uint32_t bit = 1u << CAP_DAC_READ_SEARCH;
	int ret = caps_get(&h, d);

	if (ret < 0)
		return ret;
	if (prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) < 0 && errno != EPERM)
		return -errno;
	d[0].effective &= ~bit;
	d[0].permitted &= ~bit;
	d[0].inheritable &= ~bit;
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(text))
		ret = -EIO;
	close(fd);
	return ret;
}

int privs_map_userns(void)
{
	int ret;

	ret = write_file("/proc/self/setgroups", "deny");
	if (ret == 0)
		ret = write_file("/proc/self/uid_map", "0 0 1\n");
	if (ret == 0)
		ret = write_file("/proc/self/gid_map", "0 0 1\n");
	return ret;
}

int privs_enter_userns(void)
{
	if (unshare(CLONE_NEWUSER) < 0)
		return -errno;
	return privs_map_userns();
}
