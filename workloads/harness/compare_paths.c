// SPDX-License-Identifier: GPL-2.0-or-later
/* compare's pieces from paths.env; see compare_paths.h. */
#include "compare_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATHS_FILE_MAX (64 * 1024)
#define PATHS_LINE_MAX (COMPARE_PATH_MAX + 64)

const char *const compare_path_keys[CP_COUNT] = {
	[CP_VIRTIOFSD] = "virtiofsd", [CP_KERNEL] = "kernel", [CP_QEMU] = "qemu",
	[CP_BUSYBOX] = "busybox", [CP_MODULES] = "modules",
};

void compare_paths_file(char *out, size_t len)
{
	const char *cache = getenv("STALEFS_COMPARE_CACHE");

	snprintf(out, len, "%s/paths.env", cache && *cache ? cache : "/var/cache/stalefs-compare");
}

static bool is_name_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

/* One shell word from s (n bytes) without its quotes into out: 0, or
 * -EINVAL when it is not a plain word (an expansion, a blank outside
 * quotes, an open quote, a NUL) or does not fit. */
static int unquote(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i = 0, o = 0;
	char q = 0;	/* the open quote, or 0 */

	while (i < n) {
		char c = s[i++];

		if (c == '\0')
			return -EINVAL;
		if (q == '\'') {
			if (c == '\'') {
				q = 0;
				continue;
			}
		} else if (c == '\\') {
			if (i == n || s[i] == '\0')
				return -EINVAL;
			c = s[i++];
			if (q == '"' && !strchr("\\\"$`", c)) {
				/* inside "...", other backslashes are kept */
				if (o + 1 >= outlen)
					return -EINVAL;
				out[o++] = '\\';
			}
		} else if (c == '$' || c == '`') {
			return -EINVAL;	/* $'...', $VAR, $(...): not a plain word */
		} else if (q == '"' && c == '"') {
			q = 0;
			continue;
		} else if (!q && (c == '\'' || c == '"')) {
			q = c;
			continue;
		} else if (!q && strchr(" \t;&|<>()", c)) {
			return -EINVAL;
		}
		if (o + 1 >= outlen)
			return -EINVAL;
		out[o++] = c;
	}
	if (q)
		return -EINVAL;
	out[o] = '\0';
	return 0;
}

static void parse_line(const char *s, size_t n, struct compare_paths *out)
{
	char value[COMPARE_PATH_MAX];
	size_t k = 0;

	if (n && s[n - 1] == '\r')
		n--;
	if (n == 0 || s[0] == '#')
		return;
	if (n > PATHS_LINE_MAX) {
		out->bad++;
		return;
	}
	while (k < n && is_name_char(s[k], k == 0))
		k++;
	if (k == 0 || k == n || s[k] != '=' || unquote(s + k + 1, n - k - 1, value, sizeof(value)) < 0) {
		out->bad++;
		return;
	}
	for (int i = 0; i < CP_COUNT; i++)
		if (strlen(compare_path_keys[i]) == k && memcmp(s, compare_path_keys[i], k) == 0) {
			memcpy(out->path[i], value, strlen(value) + 1);
			return;
		}
	out->unknown++;
}

void compare_paths_parse(const char *text, size_t len, struct compare_paths *out)
{
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		parse_line(p, n, out);
		p += n + (nl != NULL);
	}
}

int compare_paths_read(const char *file, struct compare_paths *out, char *why, size_t whylen)
{
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, ret = 0;

	memset(out, 0, sizeof(*out));
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "open %s: %s", file, strerror(-ret));
		return ret;
	}
	buf = malloc(PATHS_FILE_MAX + 1);
	if (!buf) {
		ret = -ENOMEM;
		snprintf(why, whylen, "out of memory");
		goto out_close;
	}
	do {	/* one byte more than the bound tells a file that is too big */
		n = read(fd, buf + len, PATHS_FILE_MAX + 1 - len);
		if (n > 0)
			len += (size_t)n;
	} while (n > 0 && len < PATHS_FILE_MAX + 1);
	if (n < 0) {
		ret = -errno;
		snprintf(why, whylen, "reading %s: %s", file, strerror(-ret));
		goto out_free;
	}
	if (len > PATHS_FILE_MAX) {
		ret = -EFBIG;
		snprintf(why, whylen, "%s is larger than %d KiB", file, PATHS_FILE_MAX / 1024);
		goto out_free;
	}
	compare_paths_parse(buf, len, out);
out_free:
	free(buf);
out_close:
	close(fd);
	return ret;
}
