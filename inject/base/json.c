// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON string output; see json.h. */
#include "json.h"

#include <math.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "build_config.h"

/* The length of the well-formed UTF-8 sequence at p (1 to 4), or 0: a stray
 * continuation byte, a cut-short or overlong sequence, a surrogate or more
 * than U+10FFFF. */
static int utf8_len(const unsigned char *p)
{
	unsigned int cp, n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (unsigned int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp < 0xe000))
		return 0;
	return (int)n;
}

void json_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int n = utf8_len(p);

		if (n == 0)
			fprintf(f, "\\udc%02x", *p++);	/* not UTF-8: surrogateescape */
		else if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p++);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p++);
		else
			for (; n; n--)
				fputc(*p++, f);
	}
	fputc('"', f);
}

void json_put_number(FILE *f, double v, int digits)
{
	if (isfinite(v))
		fprintf(f, "%.*g", digits, v);
	else
		fputs("null", f);
}

void json_origin_since(struct json_origin *o, double seconds)
{
	struct utsname u;
	time_t then = time(NULL) - (time_t)(seconds > 0 ? seconds + 0.5 : 0);
	struct tm tm;

	memset(o, 0, sizeof(*o));
	if (uname(&u) == 0) {
		snprintf(o->kernel, sizeof(o->kernel), "%s", u.release);
		snprintf(o->host, sizeof(o->host), "%s", u.nodename);
	}
	if (gmtime_r(&then, &tm))
		strftime(o->started, sizeof(o->started), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void json_origin_now(struct json_origin *o)
{
	json_origin_since(o, 0);
}

void json_put_origin(FILE *f, const char *schema, const struct json_origin *o)
{
	fputs("\"schema\":", f);
	json_put_string(f, schema);
	fputs(",\"stalefs\":", f);
	json_put_string(f, STALEFS_VERSION);
	fputs(",\"kernel\":", f);
	json_put_string(f, o->kernel);
	fputs(",\"host\":", f);
	json_put_string(f, o->host);
	fputs(",\"started\":", f);
	json_put_string(f, o->started);
}
