/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The terminal a stream writes to: whether it is one, and how wide the
 * lines written for people may be. COLUMNS wins when it is set to a
 * sensible width; else the tty's own width; else 120 (a file, a pipe, CI
 * logs).
 */
#ifndef STALEFS_TERM_H
#define STALEFS_TERM_H

#include <stdbool.h>
#include <stdio.h>

#define TERM_WIDTH_DEFAULT 120
#define TERM_WIDTH_MIN 40
#define TERM_WIDTH_MAX 1000

/* f may be NULL: no terminal (a file that is not open yet). */
bool term_is_tty(FILE *f);
/* The width to wrap at, in TERM_WIDTH_MIN..TERM_WIDTH_MAX. */
int term_width(FILE *f);
/* Write text on f, folded at spaces so no line passes width columns; the
 * first line starts with first (e.g. "  next: "), the others with cont (NULL:
 * as many spaces as first). A word longer than a line is cut where it must,
 * after a '/', '+' or ',' when one is in the line's last half.
 * Ends with '\n'. */
void term_fold(FILE *f, const char *first, const char *cont, const char *text, int width);
/* A shell command, folded as the shell reads it: breaks only at spaces
 * outside quotes, each broken line ending in " \\", so the folded lines paste
 * back into a shell as the same command. */
void term_fold_command(FILE *f, const char *first, const char *cmd, int width);

#endif
