// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls checks on extended attributes (see syscalls_i.h): set, get, list
 * and remove, each seen on the backing file.
 */
#include "syscalls_i.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

static int expect_xattr_value(struct ctx *c, const char *path,
			      const char *value)
{
	size_t want = strlen(value);
	char buf[256];
	ssize_t n;

	n = getxattr(path, XATTR_NAME, NULL, 0);
	if (n < 0)
		return fail_sys(c, "getxattr(%s, %s, size 0)", path, XATTR_NAME);
	if ((size_t)n != want)
		return failf(c, "getxattr(%s, %s, size 0): expected %zu, got %zd",
			     path, XATTR_NAME, want, n);
	n = getxattr(path, XATTR_NAME, buf, sizeof(buf));
	if (n < 0)
		return fail_sys(c, "getxattr(%s, %s)", path, XATTR_NAME);
	if ((size_t)n != want || memcmp(buf, value, want) != 0)
		return failf(c, "getxattr(%s, %s): expected \"%s\", got \"%.*s\"",
			     path, XATTR_NAME, value, (int)n, buf);
	return 0;
}

static int expect_xattr_listed(struct ctx *c, const char *path, bool listed)
{
	char list[4096];
	bool found = false;
	ssize_t n = listxattr(path, list, sizeof(list));
	ssize_t i;

	if (n < 0)
		return fail_sys(c, "listxattr(%s)", path);
	for (i = 0; i < n; i += (ssize_t)strnlen(list + i, (size_t)(n - i)) + 1)
		if (!strncmp(list + i, XATTR_NAME, (size_t)(n - i)))
			found = true;
	if (found != listed)
		return failf(c, "listxattr(%s): expected %s %s in the list",
			     path, XATTR_NAME, listed ? "to be" : "not to be");
	return 0;
}

static int expect_xattr_gone(struct ctx *c, const char *path)
{
	char buf[64];

	if (expect_errno(c, getxattr(path, XATTR_NAME, buf, sizeof(buf)),
			 ENODATA, "getxattr(%s, %s) after removexattr", path,
			 XATTR_NAME))
		return -1;
	return expect_xattr_listed(c, path, false);
}

int xattrs_round_trip_to_backing(struct ctx *c)
{
	const char *expect = getenv("STALEFS_EXPECT_XATTR");
	struct pair f;
	int r;

	if (mkpair(c, "file", &f) || create_text(c, f.m, "xattr\n"))
		return -1;
	r = setxattr(f.m, XATTR_NAME, "v1", 2, 0);
	if (r < 0 && (errno == ENOTSUP || errno == ENOSYS)) {
		if (expect && !strcmp(expect, "1"))
			return fail_sys(c, "setxattr(%s, %s) with STALEFS_EXPECT_XATTR=1",
					f.m, XATTR_NAME);
		return skip_note(c, "xattr disabled on this mount");
	}
	if (r < 0)
		return fail_sys(c, "setxattr(%s, %s, \"v1\")", f.m, XATTR_NAME);
	if (expect_xattr_value(c, f.m, "v1") || expect_xattr_value(c, f.b, "v1") ||
	    expect_xattr_listed(c, f.m, true) || expect_xattr_listed(c, f.b, true))
		return -1;
	if (expect_errno(c, setxattr(f.m, XATTR_NAME, "v2", 2, XATTR_CREATE),
			 EEXIST, "setxattr(%s, %s, XATTR_CREATE) on an existing attribute",
			 f.m, XATTR_NAME))
		return -1;
	if (setxattr(f.m, XATTR_NAME, "v2-longer", 9, XATTR_REPLACE))
		return fail_sys(c, "setxattr(%s, %s, XATTR_REPLACE)", f.m, XATTR_NAME);
	if (expect_xattr_value(c, f.b, "v2-longer") ||
	    expect_xattr_value(c, f.m, "v2-longer"))
		return -1;
	if (removexattr(f.m, XATTR_NAME))
		return fail_sys(c, "removexattr(%s, %s)", f.m, XATTR_NAME);
	if (expect_xattr_gone(c, f.b) || expect_xattr_gone(c, f.m))
		return -1;
	return expect_errno(c, removexattr(f.m, XATTR_NAME), ENODATA,
			    "removexattr(%s, %s) a second time", f.m, XATTR_NAME);
}
