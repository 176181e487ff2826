/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole text files the harness reads back: logs, traces, results. */
#ifndef STALEFS_TEXTFILE_H
#define STALEFS_TEXTFILE_H

#include <stddef.h>

/* The file's bytes, NUL-terminated (malloc'd; *len without the NUL when
 * len is not NULL), or NULL with errno set. Works on tracefs files, whose
 * size stat() does not know. */
char *textfile_read(const char *path, size_t *len);
/* The last non-empty line (cut to len - 1 bytes), or "" when none. */
void textfile_last_line(const char *path, char *out, size_t len);

#endif
