// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel's messages during a cell; see kmsg.h. */
#include "kmsg.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

/* A bound on one collect: a kernel logging faster than we read would keep
 * us here for ever. What is left stays in the ring for the next collect. */
#define KMSG_COLLECT_MAX 100000

void kmsg_init(struct kmsg *k, enum kmsg_filter filter)
{
	memset(k, 0, sizeof(*k));
	k->fd = -1;
	k->filter = filter;
}

int kmsg_open_path(struct kmsg *k, const char *path, enum kmsg_filter filter)
{
	int ret;

	kmsg_init(k, filter);
	k->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		ret = -errno;
		snprintf(k->why, sizeof(k->why), "open %s: %s", path, strerror(-ret));
		return ret;
	}
	/* /dev/kmsg: the next read gives the first record logged after this. */
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		ret = -errno;
		snprintf(k->why, sizeof(k->why), "seek to the end of %s: %s", path, strerror(-ret));
		goto out_close;
	}
	k->read = true;
	return 0;
out_close:
	close(k->fd);
	k->fd = -1;
	return ret;
}

int kmsg_open(struct kmsg *k, enum kmsg_filter filter)
{
	return kmsg_open_path(k, "/dev/kmsg", filter);
}

void kmsg_close(struct kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

int kmsg_collect(struct kmsg *k)
{
	char buf[KMSG_RECORD_MAX];
	struct kmsg_rec r;
	int ret;

	if (k->fd < 0)
		return 0;
	for (long count = 0; count < KMSG_COLLECT_MAX; count++) {
		ssize_t n = read(k->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;	/* no more */
		if (n < 0 && errno == EPIPE) {
			/* The ring wrapped past our position: the next record's
			 * seq tells how many went; with no seq yet, at least one. */
			if (!k->have_seq)
				k->lost++;
			continue;
		}
		if (n < 0) {
			ret = -errno;
			/* EINVAL: a record longer than buf; the kernel does not
			 * move past it, so reading on would loop. */
			snprintf(k->why, sizeof(k->why), "reading /dev/kmsg: %s%s", strerror(-ret),
				 ret == -EINVAL ? " (a record longer than 8 KiB)" : "");
			return ret;
		}
		if (n == 0)
			return 0;
		if (kmsg_parse_record(buf, (size_t)n, &r) < 0) {
			k->malformed++;
			continue;
		}
		kmsg_add(k, &r);
	}
	snprintf(k->why, sizeof(k->why), "stopped after %d records", KMSG_COLLECT_MAX);
	return -E2BIG;
}

/* A decimal number at *p (before end), at most max: 0 with *p past it,
 * -EINVAL with no digit, -ERANGE when it is bigger. */
static int parse_number(const char **p, const char *end, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (; s < end && isdigit((unsigned char)*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

/* One comma-ended number field. */
static int parse_field(const char **p, const char *end, uint64_t max, uint64_t *out)
{
	int ret = parse_number(p, end, max, out);

	if (ret < 0)
		return ret;
	if (*p >= end || **p != ',')
		return -EINVAL;
	(*p)++;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Cut o bytes of text back to the start of a UTF-8 character that did not
 * fit whole. Invalid UTF-8 is left as it is. */
static size_t utf8_boundary(const unsigned char *t, size_t o)
{
	size_t j = o, need;

	while (j > 0 && o - j < 3 && (t[j - 1] & 0xc0) == 0x80)
		j--;
	if (j == 0)
		return o;
	need = (t[j - 1] & 0xe0) == 0xc0 ? 2 : (t[j - 1] & 0xf0) == 0xe0 ? 3
	       : (t[j - 1] & 0xf8) == 0xf0 ? 4 : 0;
	if (need && j - 1 + need > o)
		return j - 1;
	return o;
}

/* The text from s to end, escapes undone, into out->text. */
static void parse_text(const char *s, const char *end, struct kmsg_rec *out)
{
	unsigned char *t = (unsigned char *)out->text;
	size_t o = 0;

	while (s < end && *s != '\n') {
		const char *piece = s;
		size_t plen = 1;
		int hi, lo;

		if (*s == '\\' && end - s >= 4 && s[1] == 'x' && (hi = hex_digit(s[2])) >= 0 &&
		    (lo = hex_digit(s[3])) >= 0 && (hi || lo)) {
			unsigned char c = (unsigned char)(hi << 4 | lo);

			if (o + 1 > KMSG_TEXT_MAX)
				goto out_truncated;
			t[o++] = c;
			s += 4;
			continue;
		}
		if (*s == '\0') {
			piece = "\\x00";	/* a NUL would end the string */
			plen = 4;
		}
		if (o + plen > KMSG_TEXT_MAX)
			goto out_truncated;
		memcpy(t + o, piece, plen);
		o += plen;
		s++;
	}
	t[o] = '\0';
	return;
out_truncated:
	out->truncated = true;
	o = utf8_boundary(t, o);
	t[o] = '\0';
}

int kmsg_parse_record(const char *buf, size_t len, struct kmsg_rec *out)
{
	const char *p = buf, *end = buf + len, *nl, *semi;
	uint64_t prio, v;
	int ret;

	memset(out, 0, sizeof(*out));
	/* The header is the first line up to its ';'. */
	nl = memchr(buf, '\n', len);
	semi = memchr(buf, ';', (size_t)((nl ? nl : end) - buf));
	if (!semi)
		return -EINVAL;
	ret = parse_field(&p, semi, INT32_MAX, &prio);
	if (ret < 0)
		return ret;
	out->facility = (unsigned int)(prio >> 3);
	out->level = (unsigned int)(prio & 7);
	ret = parse_field(&p, semi, UINT64_MAX, &v);
	if (ret < 0)
		return ret;
	out->seq = v;
	ret = parse_number(&p, semi, UINT64_MAX, &v);
	if (ret < 0)
		return ret;
	out->usec = v;
	/* flags, then maybe more fields (caller=T123) the kernel may add */
	if (p >= semi || *p != ',' || p + 1 >= semi || p[1] == ',')
		return -EINVAL;
	out->flags = p[1];
	parse_text(semi + 1, end, out);
	out->marked = kmsg_text_marked(out->text);
	return 0;
}

bool kmsg_text_marked(const char *text)
{
	static const struct {
		const char *word;
		bool exact_case;
	} words[] = {
		{ "fuse", false }, { "virtiofs", false }, { "virtio-fs", false }, { "virtio_fs", false },
		{ "overlay", false }, { "estale", false }, { "stale", false }, { "oom", false },
		{ "blocked for more than", false }, { "BUG", true }, { "WARNING", true },
	};

	for (size_t i = 0; text[i]; i++) {
		if (i && isalnum((unsigned char)text[i - 1]))
			continue;	/* words start a word: "refused" is no fuse */
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			size_t n = strlen(words[w].word);

			if (words[w].exact_case ? strncmp(text + i, words[w].word, n) == 0
			    : strncasecmp(text + i, words[w].word, n) == 0)
				return true;
		}
	}
	return false;
}

void kmsg_add(struct kmsg *k, const struct kmsg_rec *r)
{
	unsigned int i;

	if (k->have_seq && r->seq > k->last_seq && r->seq - k->last_seq > 1)
		k->lost += r->seq - k->last_seq - 1;
	if (!k->have_seq || r->seq > k->last_seq) {
		k->last_seq = r->seq;
		k->have_seq = true;
	}
	if (k->filter == KMSG_MARKED_ONLY && !r->marked) {
		k->dropped++;
		return;
	}
	if (k->n < KMSG_MAX_MSGS) {
		k->msgs[k->n++] = *r;
		return;
	}
	k->dropped++;
	if (!r->marked)
		return;
	for (i = 0; i < k->n && k->msgs[i].marked; i++)
		;
	if (i == k->n)
		return;		/* all marked: the new one goes */
	memmove(&k->msgs[i], &k->msgs[i + 1], (k->n - i - 1) * sizeof(k->msgs[0]));
	k->msgs[k->n - 1] = *r;
}

const char *kmsg_level_name(unsigned int level)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err", "warn", "notice",
					     "info", "debug" };

	return level < 8 ? names[level] : "?";
}

const char *kmsg_facility_name(unsigned int facility)
{
	static const char *const names[] = { "kern", "user", "mail", "daemon", "auth", "syslog",
					     "lpr", "news", "uucp", "cron", "authpriv", "ftp" };
	static const char *const local[] = { "local0", "local1", "local2", "local3", "local4",
					     "local5", "local6", "local7" };

	if (facility < 12)
		return names[facility];
	if (facility >= 16 && facility < 24)
		return local[facility - 16];
	return "?";
}

void kmsg_write_json(FILE *f, const struct kmsg *k)
{
	fprintf(f, "{\"read\":%s,\"why\":", k->read ? "true" : "false");
	json_put_string(f, k->why);
	fputs(",\"messages\":[", f);
	for (unsigned int i = 0; i < k->n; i++) {
		const struct kmsg_rec *r = &k->msgs[i];

		fprintf(f, "%s{\"t\":%llu.%06llu,\"facility\":\"%s\",\"level\":\"%s\",\"text\":",
			i ? "," : "", (unsigned long long)(r->usec / 1000000),
			(unsigned long long)(r->usec % 1000000), kmsg_facility_name(r->facility),
			kmsg_level_name(r->level));
		json_put_string(f, r->text);
		fprintf(f, ",\"truncated\":%s,\"marked\":%s}", r->truncated ? "true" : "false",
			r->marked ? "true" : "false");
	}
	fprintf(f, "],\"dropped\":%llu,\"lost\":%llu,\"malformed\":%llu}",
		(unsigned long long)k->dropped, (unsigned long long)k->lost,
		(unsigned long long)k->malformed);
}
