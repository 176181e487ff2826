// SPDX-License-Identifier: GPL-2.0-or-later
/* Scratch dirs; see scratch.h. */
#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mountinfo.h"

int scratch_has_mounts(const char *path)
{
	return mountinfo_has_below(path);
}

static int unlink_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void scratch_remove(const char *dir)
{
	/* FTW_MOUNT: a mount left below (it should not be) is not walked into. */
	nftw(dir, unlink_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

void scratch_keep(const char *dir)
{
	char pidfile[4200];

	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	unlink(pidfile);
}

static void sweep(const char *parent, const char *prefix)
{
	DIR *d = opendir(parent);
	struct dirent *de;
	size_t n = strlen(prefix);

	while (d && (de = readdir(d))) {
		char path[4200];
		FILE *f;
		int pid = 0;

		if (strncmp(de->d_name, prefix, n) != 0 || de->d_name[n] != '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/pid", parent, de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
		snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
		if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH && !scratch_has_mounts(path))
			scratch_remove(path);
	}
	if (d)
		closedir(d);
}

int scratch_make(const char *parent, const char *prefix, char *out, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char pidfile[4200];
	FILE *f;

	if (!parent)
		parent = tmp && *tmp ? tmp : "/tmp";
	sweep(parent, prefix);
	if ((size_t)snprintf(out, len, "%s/%s.XXXXXX", parent, prefix) >= len)
		return -ENAMETOOLONG;
	if (!mkdtemp(out))
		return -errno;
	snprintf(pidfile, sizeof(pidfile), "%s/pid", out);
	f = fopen(pidfile, "we");
	if (!f) {
		int e = -errno;

		rmdir(out);
		return e;
	}
	fprintf(f, "%d\n", getpid());
	fclose(f);
	return 0;
}
