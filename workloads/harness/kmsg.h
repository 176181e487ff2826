/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's messages during a cell: kmsg_open() at its start opens
 * /dev/kmsg at its end, kmsg_collect() at the cell's end reads what the
 * kernel logged since (one record per read(2): "prio,seq,usec,flags[,...];
 * text\n" and optional " KEY=VALUE\n" lines), keeps at most KMSG_MAX_MSGS of
 * them cut to KMSG_TEXT_MAX bytes, and marks the ones that matter to an
 * ESTALE hunt (fuse, virtiofs, overlay, ESTALE, stale, oom, hung tasks,
 * BUG, WARNING). What it could not keep is counted: dropped (no room, or
 * filtered out), lost (overwritten in the kernel's ring before we read
 * them), malformed. When /dev/kmsg cannot be opened (not root, a
 * container, dmesg_restrict) the reason is kept for "not read: <why>".
 *
 * /dev/kmsg is untrusted input: kmsg_parse_record() takes a buffer and its
 * length, reads nothing past it, and is fuzzed (tests/fuzz/fuzz_kmsg.c).
 */
#ifndef STALEFS_KMSG_H
#define STALEFS_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KMSG_MAX_MSGS 32
#define KMSG_TEXT_MAX 240
/* The kernel's records are at most 8 KiB with their KEY=VALUE lines
 * (CONSOLE_EXT_LOG_MAX); a smaller buffer makes read(2) fail EINVAL. */
#define KMSG_RECORD_MAX 8192

/* One record. text has the kernel's \xNN escapes undone (but \x00, which
 * would end the string, stays as it is), and is cut to KMSG_TEXT_MAX bytes
 * on a UTF-8 character boundary; truncated says so. */
struct kmsg_rec {
	unsigned int facility;	/* prio >> 3: 0 kern, 1 user (a write to /dev/kmsg), ... */
	unsigned int level;	/* prio & 7: 0 emerg .. 7 debug */
	uint64_t seq;
	uint64_t usec;		/* since boot, CLOCK_MONOTONIC */
	char flags;		/* '-', or 'c' for a continued line */
	bool truncated;
	bool marked;		/* mentions what matters to us (kmsg_text_marked) */
	char text[KMSG_TEXT_MAX + 1];
};

enum kmsg_filter { KMSG_ALL, KMSG_MARKED_ONLY };

struct kmsg {
	int fd;			/* -1 when not open */
	bool read;		/* /dev/kmsg was opened: the counts mean something */
	char why[160];		/* why not, when !read */
	enum kmsg_filter filter;
	unsigned int n;
	struct kmsg_rec msgs[KMSG_MAX_MSGS];	/* oldest first */
	uint64_t dropped;	/* seen but not kept: no room, or filtered out */
	uint64_t lost;		/* overwritten in the ring before they were read */
	uint64_t malformed;	/* records kmsg_parse_record refused */
	bool have_seq;		/* last_seq is set: gaps after it are lost records */
	uint64_t last_seq;
};

/* A struct kmsg that has read nothing, with no device open. */
void kmsg_init(struct kmsg *k, enum kmsg_filter filter);
/* Open /dev/kmsg at its end: later kmsg_collect() calls read only records
 * logged from now on. 0, or -errno with k->why set ("open /dev/kmsg:
 * Operation not permitted"); k stays usable (collect does nothing, the JSON
 * says read:false). */
int kmsg_open(struct kmsg *k, enum kmsg_filter filter);
/* The same on another path (tests). */
int kmsg_open_path(struct kmsg *k, const char *path, enum kmsg_filter filter);
/* Read every record logged since kmsg_open (or the last collect). 0, or
 * -errno when a read failed in a way that ends the reading (k->why says it;
 * what was read is kept). */
int kmsg_collect(struct kmsg *k);
void kmsg_close(struct kmsg *k);

/* Parse one record: buf holds len bytes as one read(2) of /dev/kmsg gave
 * them (no NUL needed; nothing past len is read). 0, -EINVAL when it is not
 * "prio,seq,usec,flags[,...];text" (a field missing or not a number, no
 * ';'), -ERANGE when a number does not fit (prio above 2^31 - 1, seq or
 * usec above 2^64 - 1). */
int kmsg_parse_record(const char *buf, size_t len, struct kmsg_rec *out);
/* Whether text mentions fuse, virtiofs (virtio-fs, virtio_fs), overlay,
 * ESTALE or stale, oom, "blocked for more than", BUG or WARNING: words
 * matched at a word start, any case, but BUG and WARNING in capitals only
 * (the kernel's "BUG:" and "WARNING:"). */
bool kmsg_text_marked(const char *text);
/* Keep r (kmsg_collect does this for each record): when there is no room, a
 * marked record takes the place of the oldest unmarked one, else it is
 * dropped. Seq gaps since the last record count as lost. */
void kmsg_add(struct kmsg *k, const struct kmsg_rec *r);

/* "emerg" .. "debug" */
const char *kmsg_level_name(unsigned int level);
/* "kern", "user", ..., "local7", "?" beyond */
const char *kmsg_facility_name(unsigned int facility);

/* {"read":true,"why":"","messages":[{"t":12.345678,"facility":"kern",
 * "level":"warn","text":"...","truncated":false,"marked":true}],
 * "dropped":0,"lost":0,"malformed":0} */
void kmsg_write_json(FILE *f, const struct kmsg *k);

#endif
