// SPDX-License-Identifier: GPL-2.0-or-later
/* Named sets of cell options; see scenario.h. */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_config.h"
#include "errmsg.h"

int scenario_find(const char *name, char *buf, size_t len)
{
	const char *dirs[] = { getenv("STALEFS_SCENARIOS"), STALEFS_SRC_SCENARIOS,
			       STALEFS_INSTALLED_SCENARIOS };

	if (strchr(name, '/')) {
		snprintf(buf, len, "%s", name);
		return access(buf, R_OK) == 0 ? 0 : -ENOENT;
	}
	/* A name is a word: no way out of the scenario directories. */
	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(name))
		return -ENOENT;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		if ((size_t)snprintf(buf, len, "%s/%s.scenario", dirs[i], name) >= len)
			continue;
		if (access(buf, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

int scenario_apply_text(struct cell *c, const char *text, size_t len, const char *file,
			char *err, size_t errlen)
{
	char line[SCENARIO_LINE_MAX + 1], why[400];
	size_t pos = 0;
	unsigned int no = 0;

	if (memchr(text, '\0', len))
		return errmsg(err, errlen, -EINVAL, "scenario %s: a NUL byte", file);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *name, *value, *end;
		int ret;

		if (++no > SCENARIO_LINES_MAX)
			return errmsg(err, errlen, -EINVAL, "scenario %s: more than %d lines", file,
				      SCENARIO_LINES_MAX);
		if (n > SCENARIO_LINE_MAX)
			return errmsg(err, errlen, -EINVAL, "scenario %s:%u: a line over %d bytes", file,
				      no, SCENARIO_LINE_MAX);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		for (end = line + n; end > line && strchr(" \t\r", end[-1]); end--)
			;
		*end = '\0';
		name = line + strspn(line, " \t");
		if (!*name || *name == '#')
			continue;
		value = name + strcspn(name, " \t");
		if (*value) {
			*value++ = '\0';
			value += strspn(value, " \t");
		}
		ret = cell_set(c, name, *value ? value : NULL, why, sizeof(why));
		if (ret == 1)
			return errmsg(err, errlen, -EINVAL, "scenario %s:%u: '%s' is not a cell option",
				      file, no, name);
		if (ret < 0)
			return errmsg(err, errlen, -EINVAL, "scenario %s:%u: %s", file, no, why);
	}
	return cell_check(c, why, sizeof(why)) < 0
	       ? errmsg(err, errlen, -EINVAL, "scenario %s: %s", file, why) : 0;
}

int scenario_apply(struct cell *c, const char *name, char *err, size_t errlen)
{
	char path[4096], *text;
	size_t len;
	long size;
	FILE *f;
	int ret;

	if (scenario_find(name, path, sizeof(path)) < 0)
		return errmsg(err, errlen, -ENOENT, "no scenario '%s' (a file, or a name in "
			      "workloads/harness/scenarios: bcvk)", name);
	f = fopen(path, "re");
	if (!f)
		return errmsg(err, errlen, -ENOENT, "scenario %s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 ||
	    size > (long)SCENARIO_LINES_MAX * (SCENARIO_LINE_MAX + 1)) {
		fclose(f);
		return errmsg(err, errlen, -EINVAL, "scenario %s: not a regular file of at most %d "
			      "lines", path, SCENARIO_LINES_MAX);
	}
	text = malloc(size + 1);
	if (!text) {
		fclose(f);
		return errmsg(err, errlen, -ENOMEM, "out of memory");
	}
	len = fread(text, 1, size, f);
	fclose(f);
	ret = scenario_apply_text(c, text, len, path, err, errlen);
	free(text);
	return ret;
}
