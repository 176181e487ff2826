// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `stalefs profiles`: which fault profiles `--profile NAME` finds, and what
 * each one holds. The directories and their order are inject_find_profile's
 * ($STALEFS_PROFILES, the source tree's inject/profiles, the installed
 * profiles); a name found in an earlier one hides the later ones, as it
 * does for --profile. Profile files are read back as untrusted text: the
 * description reads at most DESC_READ bytes, rules at most RULE_TEXT_MAX.
 */
#include "profiles_cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_config.h"
#include "exitcode.h"
#include "inject.h"
#include "opts.h"
#include "rule.h"

#define DESC_READ 8192		/* bytes of a file read for its description */
#define LINE_WIDTH 120
#define NAME_COL_MAX 30
#define PROFILES_MAX 4096

/* Room for the first paragraph; a longer one is cut (and gets "..."). */
#define PARA_MAX 1024

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

/* The length of the UTF-8 character at s (before e), or 0 when it is not
 * one a terminal shows: a bad or cut sequence, or a C1 control (U+0080..9F). */
static size_t utf8_len(const unsigned char *s, const unsigned char *e)
{
	size_t n = *s >= 0xc2 && *s <= 0xdf ? 2 : *s >= 0xe0 && *s <= 0xef ? 3 :
		   *s >= 0xf0 && *s <= 0xf4 ? 4 : 0;

	if (!n || (size_t)(e - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return n;
}

/* Append [s, e) to para (used bytes so far), control bytes and bad UTF-8
 * as '?'. False when it did not all fit. */
static bool para_add(char *para, size_t *used, const char *s, const char *e)
{
	if (*used && *used < PARA_MAX - 1)
		para[(*used)++] = ' ';
	while (s < e) {
		unsigned char c = (unsigned char)*s;
		size_t n = c < 0x80 ? 1 : utf8_len((const unsigned char *)s, (const unsigned char *)e);

		if (*used + (n ? n : 1) > PARA_MAX - 1)
			return false;
		if (n == 1 && c >= 0x20 && c != 0x7f) {
			para[(*used)++] = (char)c;
		} else if (n > 1) {
			memcpy(para + *used, s, n);
			*used += n;
		} else {
			para[(*used)++] = '?';
			n = 1;
		}
		s += n;
	}
	return true;
}

/* The first sentence of para: its length (through the '.'), or all of it. */
static size_t sentence_len(const char *para, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (para[i] == '.' && para[i + 1] == ' ')
			return i + 1;
	return n;
}

/* The longest prefix of s (n bytes) that fits in room bytes, cut at a
 * space when there is one, never inside a UTF-8 sequence. */
static size_t cut_len(const char *s, size_t n, size_t room)
{
	size_t k = room < n ? room : n;

	if (k == n)
		return k;
	while (k && s[k] != ' ')
		k--;
	if (!k) {	/* one long word: cut it, at a character boundary */
		k = room;
		while (k && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	while (k && strchr(" ,;:", s[k - 1]))
		k--;
	return k;
}

int profile_describe(const char *text, size_t len, char *out, size_t outlen, size_t width)
{
	const char *p = text, *end, *nul;
	char para[PARA_MAX];
	size_t used = 0, n, k;
	bool whole = true;

	if (outlen < 8 || width < 8)
		return -EINVAL;
	if (width > outlen - 1)
		width = outlen - 1;
	out[0] = '\0';
	nul = text ? memchr(text, '\0', len) : NULL;
	end = text ? (nul ? nul : text + len) : text;
	for (const char *next; p && p < end && whole; p = next) {
		const char *e = line_end(p, end), *s = p;

		next = e < end ? e + 1 : end;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (s == e) {		/* a blank line */
			if (used)
				break;
			continue;
		}
		if (*s != '#')
			break;
		for (s++; s < e && (*s == '#' || *s == ' ' || *s == '\t'); s++)
			;
		if (s == e) {		/* "#": a paragraph break */
			if (used)
				break;
			continue;
		}
		if ((size_t)(e - s) >= 24 && strncmp(s, "SPDX-License-Identifier:", 24) == 0)
			continue;
		whole = para_add(para, &used, s, e);
		if (sentence_len(para, used) < used)
			break;		/* the first sentence is complete */
	}
	if (!used)
		return -ENOENT;
	n = sentence_len(para, used);
	/* Cut short only when the paragraph was and no '.' ended it inside. */
	if ((n < used || whole) && n <= width) {
		memcpy(out, para, n);
		out[n] = '\0';
		return 0;
	}
	k = cut_len(para, n, width - 3);
	memcpy(out, para, k);
	memcpy(out + k, "...", 4);
	return 0;
}

struct profile {
	char name[NAME_MAX + 1];
	char path[PATH_MAX];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct profile *)a)->name, ((const struct profile *)b)->name);
}

static bool known(const struct profile *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return true;
	return false;
}

/* Every NAME.rules in dir not already in *v. 0 or -ENOMEM; a missing
 * directory adds nothing. */
static int collect_dir(const char *dir, struct profile **v, size_t *n, size_t *cap)
{
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);
	int ret = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && *n < PROFILES_MAX) {
		size_t len = strlen(de->d_name);
		struct profile *p;

		if (de->d_name[0] == '.' || len <= 6 || strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 16;
			struct profile *nv = realloc(*v, c * sizeof(**v));

			if (!nv) {
				ret = -ENOMEM;
				break;
			}
			*v = nv;
			*cap = c;
		}
		p = &(*v)[*n];
		snprintf(p->name, sizeof(p->name), "%.*s", (int)(len - 6), de->d_name);
		if (known(*v, *n, p->name))
			continue;
		if ((size_t)snprintf(p->path, sizeof(p->path), "%s/%s", dir, de->d_name) >= sizeof(p->path))
			continue;
		if (stat(p->path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		(*n)++;
	}
	closedir(d);
	return ret;
}

static void describe_file(const char *path, char *out, size_t outlen, size_t width)
{
	char buf[DESC_READ];
	ssize_t k;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), ret;

	if (fd < 0) {
		snprintf(out, outlen, "(cannot read: %s)", strerror(errno));
		return;
	}
	while (got < sizeof(buf) && (k = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)k;
	close(fd);
	ret = profile_describe(buf, got, out, outlen, width);
	if (ret == -ENOENT)
		snprintf(out, outlen, "(no leading comment)");
	else if (ret < 0)
		snprintf(out, outlen, "?");
}

static int list_profiles(bool paths)
{
	const char *dirs[] = { getenv("STALEFS_PROFILES"), STALEFS_SRC_PROFILES,
			       STALEFS_INSTALLED_PROFILES };
	struct profile *v = NULL;
	size_t n = 0, cap = 0, namew = 0;
	char desc[LINE_WIDTH + 1];
	int ret = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && ret == 0; i++)
		if (dirs[i] && *dirs[i])
			ret = collect_dir(dirs[i], &v, &n, &cap);
	if (ret < 0) {
		fprintf(stderr, "stalefs profiles: %s\n", strerror(-ret));
		free(v);
		return EXIT_INTERNAL;
	}
	if (!n) {
		fprintf(stderr, "stalefs profiles: no NAME.rules in $STALEFS_PROFILES, %s or %s\n",
			STALEFS_SRC_PROFILES, STALEFS_INSTALLED_PROFILES);
		return EXIT_FAIL;
	}
	qsort(v, n, sizeof(*v), by_name);
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].name) > namew)
			namew = strlen(v[i].name);
	if (namew > NAME_COL_MAX)
		namew = NAME_COL_MAX;
	for (size_t i = 0; i < n; i++) {
		size_t w = strlen(v[i].name) > namew ? strlen(v[i].name) : namew;

		if (paths) {
			printf("%-*s  %s\n", (int)w, v[i].name, v[i].path);
			continue;
		}
		if (w + 2 + 8 > LINE_WIDTH) {	/* a name that leaves no room */
			printf("%s\n", v[i].name);
			continue;
		}
		describe_file(v[i].path, desc, sizeof(desc), LINE_WIDTH - w - 2);
		printf("%-*s  %s\n", (int)w, v[i].name, desc);
	}
	free(v);
	return EXIT_OK;
}

static int copy_file(FILE *f)
{
	char buf[8192];
	size_t k;

	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, k, stdout);
	return ferror(f) ? -EIO : 0;
}

/* The rules of the file, one a line, as the daemon reads them: comments,
 * blank lines and surrounding blanks dropped; every rule must parse. */
static int print_rules(FILE *f, const char *path)
{
	char *line = NULL, err[256];
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, ret = EXIT_OK;

	while ((len = getline(&line, &cap, f)) > 0) {
		struct rule r;
		char *s = line, *e;

		lineno++;
		if (memchr(line, '\0', (size_t)len)) {
			fprintf(stderr, "stalefs profiles: %s:%d: a NUL byte\n", path, lineno);
			ret = EXIT_FAIL;
			break;
		}
		s += strspn(s, " \t");
		e = s + strcspn(s, "#\r\n");
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		if (!*s)
			continue;
		if (e - s >= RULE_TEXT_MAX) {
			fprintf(stderr, "stalefs profiles: %s:%d: a rule longer than %d bytes\n", path,
				lineno, RULE_TEXT_MAX - 1);
			ret = EXIT_FAIL;
			break;
		}
		if (rule_parse(s, &r, err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs profiles: %s:%d: %s\n", path, lineno, err);
			ret = EXIT_FAIL;
			break;
		}
		printf("%s\n", s);
	}
	if (ret == EXIT_OK && ferror(f)) {
		fprintf(stderr, "stalefs profiles: %s: %s\n", path, strerror(EIO));
		ret = EXIT_FAIL;
	}
	free(line);
	return ret;
}

static int show_profile(const char *name, bool comments)
{
	char path[PATH_MAX];
	FILE *f;
	int ret;

	if (!*name || inject_find_profile(name, path, sizeof(path)) < 0) {
		fprintf(stderr, "stalefs profiles: no profile '%s' (`stalefs profiles` lists them)\n", name);
		return EXIT_USAGE;
	}
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "stalefs profiles: %s: %s\n", path, strerror(errno));
		return EXIT_FAIL;
	}
	if (comments) {
		ret = copy_file(f) < 0 ? EXIT_FAIL : EXIT_OK;
		if (ret)
			fprintf(stderr, "stalefs profiles: %s: %s\n", path, strerror(EIO));
	} else {
		ret = print_rules(f, path);
	}
	fclose(f);
	return ret;
}

enum { OPT_PATHS = 1, OPT_COMMENTS };

static const struct opt profiles_tab[] = {
	{ OPT_PATHS, "paths", OPT_FLAG, NULL, NULL,
	  .help = "list each profile's file instead of its description" },
	{ OPT_COMMENTS, "comments", OPT_FLAG, NULL, NULL,
	  .help = "with NAME: print the file as it is, comments included" },
};

static const char profiles_synopsis[] = "stalefs profiles [--paths] | stalefs profiles [--comments] NAME";

int profiles_main(int argc, char **argv)
{
	bool paths = false, comments = false;
	char about[1024];
	struct opts o;
	int id, ret;

	snprintf(about, sizeof(about),
		 "The fault profiles `--profile NAME` finds, one a line: NAME and the first sentence of the\n"
		 "file's leading comment. It looks in $STALEFS_PROFILES, then %s,\n"
		 "then %s, for NAME.rules; the first one found is used.\n"
		 "With NAME (or a file's path): its rules, one a line, without comments, as the daemon reads\n"
		 "them; exit 1 at the first one that does not parse, 2 when there is no such profile.\n",
		 STALEFS_SRC_PROFILES, STALEFS_INSTALLED_PROFILES);
	if (opts_init(&o, "stalefs profiles", profiles_tab,
		      sizeof(profiles_tab) / sizeof(profiles_tab[0]), argc, argv) < 0) {
		fprintf(stderr, "stalefs profiles: %s\n", strerror(ENOMEM));
		return EXIT_INTERNAL;
	}
	while ((id = opts_next(&o)) > 0) {
		if (id == OPT_PATHS)
			paths = true;
		else if (id == OPT_COMMENTS)
			comments = true;
	}
	ret = opts_finish(&o, id, profiles_synopsis, about);
	if (ret < 0 && argc - o.optind > 1) {
		fprintf(stderr, "stalefs profiles: one NAME at most (usage: %s)\n", profiles_synopsis);
		ret = EXIT_USAGE;
	} else if (ret < 0 && argc > o.optind && paths) {
		fprintf(stderr, "stalefs profiles: --paths lists; it takes no NAME\n");
		ret = EXIT_USAGE;
	} else if (ret < 0 && argc == o.optind && comments) {
		fprintf(stderr, "stalefs profiles: --comments needs a NAME\n");
		ret = EXIT_USAGE;
	} else if (ret < 0) {
		ret = argc > o.optind ? show_profile(argv[o.optind], comments) : list_profiles(paths);
	}
	opts_fini(&o);
	return ret;
}
