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

void term_fold(FILE *f, const char *first, const char *cont, const char *text, int width)
{
	char pad[64];
	int col = (int)strlen(first), contw;
	const char *p = text;

	if (!cont) {
		snprintf(pad, sizeof(pad), "%*s", col < 63 ? col : 63, "");
		cont = pad;
	}
	contw = (int)strlen(cont);
	if (width < contw + 10)
		width = contw + 10;
	fputs(first, f);
	for (bool start = true; *p; start = false) {
		int word = (int)strcspn(p, " ");

		if (!start && col + 1 + word > width) {
			fprintf(f, "\n%s", cont);
			col = contw;
		} else if (!start) {
			fputc(' ', f);
			col++;
		}
		while (word > width - col) {	/* longer than what is left of a line */
			int cut = width - col;

			/* A cell id or path: after a '/', '+' or ',' in the line's last half. */
			for (int i = cut; i > cut / 2; i--)
				if (p[i - 1] == '/' || p[i - 1] == '+' || p[i - 1] == ',') {
					cut = i;
					break;
				}

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

void term_fold_command(FILE *f, const char *first, const char *cmd, int width)
{
	int col = (int)strlen(first), indent = col + 4;
	const char *p = cmd;

	fputs(first, f);
	for (bool start = true; *p; start = false) {
		int word = (int)shell_word(p);

		/* Room for the word and, unless it is the last, " \\". */
		if (!start && col + 1 + word + 2 > width) {
			fprintf(f, " \\\n%*s", indent, "");
			col = indent;
		} else if (!start) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", word, p);
		col += word;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}
