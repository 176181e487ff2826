// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/self/mountinfo; see mountinfo.h. */
#include "mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mountinfo_unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

int mountinfo_each(const char *file, int (*fn)(const struct mountinfo_entry *e, void *arg),
		   void *arg)
{
	FILE *f = fopen(file ? file : "/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	if (!f)
		return -errno;
	/* id parent major:minor root mountpoint options [optional...] - fstype source opts */
	while (!ret && getline(&line, &cap, f) > 0) {
		char *save = NULL, *tok, *mnt = NULL, *fstype, *sep = strstr(line, " - "), *end;
		struct mountinfo_entry e;
		int field = 0;

		if (!sep)
			continue;
		*sep = '\0';
		fstype = strtok_r(sep + 3, " \n", &save);
		save = NULL;
		errno = 0;
		e.id = strtoull(line, &end, 10);
		if (end == line || errno)
			continue;
		for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			if (++field == 5)
				mnt = tok;
		if (!mnt || !fstype)
			continue;
		mountinfo_unescape(mnt);
		e.mnt = mnt;
		e.fstype = fstype;
		ret = fn(&e, arg);
	}
	free(line);
	fclose(f);
	return ret;
}

struct match {
	const char *path;
	size_t len;
	bool below;		/* also mounts below path */
};

static int matches(const struct mountinfo_entry *e, void *arg)
{
	const struct match *m = arg;

	return strncmp(e->mnt, m->path, m->len) == 0 &&
	       (e->mnt[m->len] == '\0' || (m->below && e->mnt[m->len] == '/'));
}

bool mountinfo_is_mount(const char *path)
{
	struct match m = { path, strlen(path), false };

	return mountinfo_each(NULL, matches, &m) == 1;
}

bool mountinfo_has_below(const char *path)
{
	struct match m = { path, strlen(path), true };

	return mountinfo_each(NULL, matches, &m) == 1;
}
