// SPDX-License-Identifier: GPL-2.0-or-later
/* Whole text files; see textfile.h. */
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *textfile_read(const char *path, size_t *len)
{
	char *buf = NULL, chunk[65536];
	size_t n = 0;
	ssize_t k;
	FILE *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return NULL;
	m = open_memstream(&buf, &n);
	if (!m) {
		e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, k, m);
	if (k < 0)
		e = errno;
	close(fd);
	if (fclose(m) != 0 && !e)
		e = ENOMEM;
	if (e) {
		free(buf);
		errno = e;
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}

void textfile_last_line(const char *path, char *out, size_t len)
{
	char line[400];
	FILE *f = fopen(path, "re");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(out, len, "%s", line);
	}
	fclose(f);
}
