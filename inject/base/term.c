// SPDX-License-Identifier: GPL-2.0-or-later
/* The terminal's width and folding text to it; see term.h. */
#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

bool term_is_tty(FILE *f)
{
	return f && isatty(fileno(f)) == 1;
}

int term_width(FILE *f)
{
	const char *cols = getenv("COLUMNS");
	struct winsize ws;

	if (cols && *cols) {
		char *end;
		long n = strtol(cols, &end, 10);

		if (*end == '\0' && n >= TERM_WIDTH_MIN && n <= TERM_WIDTH_MAX)
			return (int)n;
	}
	if (term_is_tty(f) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= TERM_WIDTH_MIN)
		return ws.ws_col > TERM_WIDTH_MAX ? TERM_WIDTH_MAX : ws.ws_col;
	return TERM_WIDTH_DEFAULT;
}

/* The length of the shell word at p: up to a space outside quotes. */
static size_t shell_word(const char *p)
{
	char quote = 0;
	size_t n = 0;

	for (; p[n] && (quote || p[n] != ' '); n++) {
		if (quote && p[n] == quote)
			quote = 0;
		else if (!quote && (p[n] == '\'' || p[n] == '"'))
			quote = p[n];
		else if (!quote && p[n] == '\\' && p[n + 1])
			n++;
	}
	return n;
}

/* Where to cut a word too long for the room left: a cell id or a path
 * after a '/', '+' or ',' in the line's last half, else at the room. */
static int cut_long(const char *p, int room)
{
	for (int i = room; i > room / 2; i--)
		if (p[i - 1] == '/' || p[i - 1] == '+' || p[i - 1] == ',')
			return i;
	return room;
}

/* Text (shell false) or a shell command (shell: words are shell words,
 * whole, broken lines end in " \\"). */
static void fold(FILE *f, const char *first, const char *cont, const char *text, int width,
		 bool shell)
{
	const char *brk = shell ? " \\\n" : "\n";
	int col = (int)strlen(first), contw = (int)strlen(cont), tail = shell ? 2 : 0;
	const char *p = text;

	if (width < contw + 10)
		width = contw + 10;
	fputs(first, f);
	for (bool start = true; *p; start = false) {
		int word = shell ? (int)shell_word(p) : (int)strcspn(p, " ");

		if (!start && col + 1 + word + tail > width) {
			fprintf(f, "%s%s", brk, cont);
			col = contw;
		} else if (!start) {
			fputc(' ', f);
			col++;
		}
		while (!shell && word > width - col) {	/* longer than what is left of a line */
			int cut = cut_long(p, width - col);

			fprintf(f, "%.*s\n%s", cut, p, cont);
			p += cut;
			word -= cut;
			col = contw;
		}
		fprintf(f, "%.*s", word, p);
		col += word;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

void term_fold(FILE *f, const char *first, const char *cont, const char *text, int width)
{
	char pad[64];

	if (!cont) {
		snprintf(pad, sizeof(pad), "%*s", (int)(strlen(first) < 63 ? strlen(first) : 63), "");
		cont = pad;
	}
	fold(f, first, cont, text, width, false);
}

void term_fold_command(FILE *f, const char *first, const char *cmd, int width)
{
	char pad[72];

	snprintf(pad, sizeof(pad), "%*s", (int)(strlen(first) < 63 ? strlen(first) : 63) + 4, "");
	fold(f, first, pad, cmd, width, true);
}
