// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmsg: /dev/kmsg records parsed from buffers (fields, escapes, cuts,
 * malformed records), what is marked, what is kept when there is no room,
 * the JSON. With the argument "device": a line written into /dev/kmsg
 * between open and collect comes back (77 when /dev/kmsg cannot be opened
 * or written).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kmsg.h"
#include "unit.h"

static int parse(const char *s, struct kmsg_rec *r)
{
	return kmsg_parse_record(s, strlen(s), r);
}

START_TEST(record_fields_are_read)
{
	struct kmsg_rec r;

	ck_assert_int_eq(parse("4,1234,5678901,-;fuse: something odd\n", &r), 0);
	ck_assert_uint_eq(r.facility, 0);
	ck_assert_uint_eq(r.level, 4);
	ck_assert_uint_eq(r.seq, 1234);
	ck_assert_uint_eq(r.usec, 5678901);
	ck_assert_int_eq(r.flags, '-');
	ck_assert_str_eq(r.text, "fuse: something odd");
	ck_assert(!r.truncated);
	ck_assert(r.marked);
}
END_TEST

START_TEST(facility_is_prio_shifted_by_three)
{
	struct kmsg_rec r;

	ck_assert_int_eq(parse("14,2,3,c;hello", &r), 0);	/* user.info, no newline */
	ck_assert_uint_eq(r.facility, 1);
	ck_assert_uint_eq(r.level, 6);
	ck_assert_int_eq(r.flags, 'c');
	ck_assert_str_eq(r.text, "hello");
	ck_assert_str_eq(kmsg_facility_name(r.facility), "user");
	ck_assert_str_eq(kmsg_level_name(r.level), "info");
	ck_assert_str_eq(kmsg_facility_name(200), "?");
}
END_TEST

START_TEST(continuation_lines_and_extra_header_fields_are_ignored)
{
	struct kmsg_rec r;

	ck_assert_int_eq(parse("3,7,8,-,caller=T42;usb 1-1: gone\n SUBSYSTEM=usb\n DEVICE=c189:1\n",
			       &r), 0);
	ck_assert_uint_eq(r.seq, 7);
	ck_assert_str_eq(r.text, "usb 1-1: gone");
}
END_TEST

START_TEST(record_without_semicolon_is_refused)
{
	struct kmsg_rec r;

	ck_assert_int_eq(parse("6,1,2,- no text separator\n", &r), -EINVAL);
	/* a ';' only in a KEY=VALUE line does not make a header */
	ck_assert_int_eq(parse("6,1,2,-\n K=a;b\n", &r), -EINVAL);
	ck_assert_int_eq(parse("", &r), -EINVAL);
}
END_TEST

START_TEST(records_with_missing_or_bad_fields_are_refused)
{
	static const char *const bad[] = {
		";text", "6;text", "6,1;text", "6,1,2;text", "6,1,2,;text", "6,1,2,,x;text",
		",1,2,-;text", "6,,2,-;text", "6,1,,-;text", "x,1,2,-;text", "6,1x,2,-;text",
		"-6,1,2,-;text", "6,1,2x,-;text",
	};
	struct kmsg_rec r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i], &r) == -EINVAL, "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(numbers_too_big_are_refused)
{
	struct kmsg_rec r;

	ck_assert_int_eq(parse("2147483647,18446744073709551615,18446744073709551615,-;x", &r), 0);
	ck_assert_uint_eq(r.seq, UINT64_MAX);
	ck_assert_uint_eq(r.level, 7);
	ck_assert_int_eq(parse("2147483648,1,2,-;x", &r), -ERANGE);
	ck_assert_int_eq(parse("6,18446744073709551616,2,-;x", &r), -ERANGE);
	ck_assert_int_eq(parse("6,1,99999999999999999999999999999,-;x", &r), -ERANGE);
}
END_TEST

START_TEST(hex_escapes_are_undone)
{
	struct kmsg_rec r;

	/* the kernel writes '\' and non-printables as \xNN */
	ck_assert_int_eq(parse("6,1,2,-;a\\x5cb\\x09c\\x1b[0m \\xc3\\xa9\n", &r), 0);
	ck_assert_str_eq(r.text, "a\\b\tc\x1b[0m \xc3\xa9");
}
END_TEST

START_TEST(nul_and_broken_escapes_stay_as_written)
{
	static const char rec[] = "6,1,2,-;a\\x00b\\xZZ\\x4\\x";
	static const char raw[] = "6,1,2,-;n\0l";
	struct kmsg_rec r;

	ck_assert_int_eq(kmsg_parse_record(rec, sizeof(rec) - 1, &r), 0);
	ck_assert_str_eq(r.text, "a\\x00b\\xZZ\\x4\\x");
	ck_assert_int_eq(kmsg_parse_record(raw, sizeof(raw) - 1, &r), 0);
	ck_assert_str_eq(r.text, "n\\x00l");
}
END_TEST

START_TEST(bytes_that_are_not_utf8_are_kept)
{
	struct kmsg_rec r;

	ck_assert_int_eq(parse("6,1,2,-;bad \xff\xfe \xc3(", &r), 0);
	ck_assert_str_eq(r.text, "bad \xff\xfe \xc3(");
}
END_TEST

START_TEST(long_text_is_cut_on_a_character_boundary)
{
	char rec[600];
	struct kmsg_rec r;
	int n = snprintf(rec, sizeof(rec), "6,1,2,-;");

	/* 239 'a' then a two-byte character: it would end at byte 241 */
	memset(rec + n, 'a', KMSG_TEXT_MAX - 1);
	n += KMSG_TEXT_MAX - 1;
	n += snprintf(rec + n, sizeof(rec) - (size_t)n, "\xc3\xa9 and more");
	ck_assert_int_eq(kmsg_parse_record(rec, (size_t)n, &r), 0);
	ck_assert(r.truncated);
	ck_assert_uint_eq(strlen(r.text), KMSG_TEXT_MAX - 1);
	/* exactly KMSG_TEXT_MAX is not cut */
	n = snprintf(rec, sizeof(rec), "6,1,2,-;");
	memset(rec + n, 'b', KMSG_TEXT_MAX);
	ck_assert_int_eq(kmsg_parse_record(rec, (size_t)n + KMSG_TEXT_MAX, &r), 0);
	ck_assert(!r.truncated);
	ck_assert_uint_eq(strlen(r.text), KMSG_TEXT_MAX);
}
END_TEST

START_TEST(parse_reads_nothing_past_len)
{
	/* the record is the first 12 bytes: ";" after them is not looked at */
	static const char buf[] = "6,1,2,-;abcdXXXX";
	struct kmsg_rec r;

	ck_assert_int_eq(kmsg_parse_record(buf, 12, &r), 0);
	ck_assert_str_eq(r.text, "abcd");
	ck_assert_int_eq(kmsg_parse_record(buf, 7, &r), -EINVAL);
}
END_TEST

START_TEST(what_matters_is_marked)
{
	static const char *const yes[] = {
		"fuse: Bad value for 'source'", "virtiofs virtio1: ...", "virtio-fs: tag <x> not found",
		"overlayfs: upper fs does not support file handles", "ESTALE on lookup",
		"NFS: Stale file handle", "Out of memory: Killed process 12 (oom_test)",
		"myprog invoked oom-killer: gfp_mask=0x0", "INFO: task a:1 blocked for more than 120 seconds.",
		"BUG: kernel NULL pointer dereference", "WARNING: CPU: 0 PID: 1 at fs/fuse/dir.c:1",
	};
	static const char *const no[] = {
		"connection refused", "eth0: link up", "a bug in my code", "warning: not the kernel's",
		"the room is bloom", "",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(kmsg_text_marked(yes[i]), "not marked: %s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!kmsg_text_marked(no[i]), "marked: %s", no[i]);
}
END_TEST

static void add(struct kmsg *k, uint64_t seq, const char *text)
{
	char rec[400];
	struct kmsg_rec r;

	snprintf(rec, sizeof(rec), "6,%llu,%llu,-;%s", (unsigned long long)seq,
		 (unsigned long long)seq * 1000, text);
	ck_assert_int_eq(parse(rec, &r), 0);
	kmsg_add(k, &r);
}

START_TEST(no_room_keeps_marked_messages_over_unmarked_ones)
{
	struct kmsg k;

	kmsg_init(&k, KMSG_ALL);
	for (unsigned int i = 0; i < KMSG_MAX_MSGS; i++)
		add(&k, i + 1, i == 0 ? "fuse: first" : "noise");
	add(&k, 100, "more noise");		/* dropped: no room */
	add(&k, 101, "BUG: late");		/* takes the oldest unmarked one's place */
	ck_assert_uint_eq(k.n, KMSG_MAX_MSGS);
	ck_assert_uint_eq(k.dropped, 2);
	ck_assert_str_eq(k.msgs[0].text, "fuse: first");
	ck_assert_uint_eq(k.msgs[1].seq, 3);	/* seq 2 went */
	ck_assert_str_eq(k.msgs[KMSG_MAX_MSGS - 1].text, "BUG: late");
}
END_TEST

START_TEST(marked_only_filter_drops_the_rest)
{
	struct kmsg k;

	kmsg_init(&k, KMSG_MARKED_ONLY);
	add(&k, 1, "eth0: link up");
	add(&k, 2, "overlayfs: odd");
	ck_assert_uint_eq(k.n, 1);
	ck_assert_uint_eq(k.dropped, 1);
	ck_assert_str_eq(k.msgs[0].text, "overlayfs: odd");
}
END_TEST

START_TEST(seq_gaps_count_as_lost)
{
	struct kmsg k;

	kmsg_init(&k, KMSG_ALL);
	add(&k, 10, "a");
	add(&k, 11, "b");
	add(&k, 15, "c");		/* 12, 13, 14 were overwritten */
	add(&k, 3, "d");		/* going back counts nothing */
	add(&k, 16, "e");
	ck_assert_uint_eq(k.lost, 3);
	add(&k, UINT64_MAX, "f");
	ck_assert_uint_eq(k.lost, 3 + UINT64_MAX - 17);
}
END_TEST

START_TEST(json_has_messages_and_counts)
{
	struct kmsg k;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	kmsg_init(&k, KMSG_ALL);
	k.read = true;
	add(&k, 7, "fuse: \"q\"");
	k.msgs[0].level = 4;
	k.lost = 2;
	kmsg_write_json(f, &k);
	fclose(f);
	ck_assert_str_eq(buf, "{\"read\":true,\"why\":\"\",\"messages\":[{\"t\":0.007000,\"facility\":\"kern\","
			 "\"level\":\"warn\",\"text\":\"fuse: \\\"q\\\"\",\"truncated\":false,"
			 "\"marked\":true}],\"dropped\":0,\"lost\":2,\"malformed\":0}");
	free(buf);
}
END_TEST

START_TEST(unopenable_device_says_why)
{
	struct kmsg k;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(kmsg_open_path(&k, "/nonexistent/kmsg", KMSG_ALL), -ENOENT);
	ck_assert_str_eq(k.why, "open /nonexistent/kmsg: No such file or directory");
	ck_assert_int_eq(kmsg_collect(&k), 0);
	kmsg_close(&k);
	f = open_memstream(&buf, &len);
	kmsg_write_json(f, &k);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "{\"read\":false,\"why\":\"open /nonexistent/kmsg: No such"));
	free(buf);
}
END_TEST

/* The device: open, write a line, collect, find it. */
static int device_test(void)
{
	char line[128], why[200];
	struct kmsg k;
	bool found = false;
	int fd, ret;

	if (kmsg_open(&k, KMSG_ALL) < 0) {
		snprintf(why, sizeof(why), "cannot read /dev/kmsg: %s", k.why);
		unit_skip_all(why);
	}
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, sizeof(why), "cannot write /dev/kmsg: %s", strerror(errno));
		unit_skip_all(why);
	}
	srand((unsigned int)time(NULL) ^ (unsigned int)getpid());
	snprintf(line, sizeof(line), "stalefs-kmsg-test %d-%d", (int)getpid(), rand());
	/* with its newline: a record without one stays open for a continuation
	 * and readers do not see it yet */
	line[strlen(line) + 1] = '\0';
	line[strlen(line)] = '\n';
	ret = (int)write(fd, line, strlen(line));
	line[strlen(line) - 1] = '\0';
	if (ret < 0) {
		/* printk.devkmsg=off, or its rate limit */
		snprintf(why, sizeof(why), "writing /dev/kmsg: %s", strerror(errno));
		close(fd);
		unit_skip_all(why);
	}
	close(fd);
	ret = kmsg_collect(&k);
	kmsg_close(&k);
	for (unsigned int i = 0; i < k.n; i++)
		found |= strcmp(k.msgs[i].text, line) == 0;
	if (ret < 0 || !found) {
		fprintf(stderr, "FAIL: \"%s\" not read back (collect %d, %u messages, %llu dropped: %s)\n",
			line, ret, k.n, (unsigned long long)k.dropped, k.why);
		return 1;
	}
	printf("ok: read back \"%s\" among %u messages\n", line, k.n);
	return 0;
}

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc, *keep;

	if (argc > 1 && strcmp(argv[1], "device") == 0)
		return device_test();
	s = suite_create("kmsg");
	tc = tcase_create("parse");
	keep = tcase_create("keep");
	tcase_add_test(tc, record_fields_are_read);
	tcase_add_test(tc, facility_is_prio_shifted_by_three);
	tcase_add_test(tc, continuation_lines_and_extra_header_fields_are_ignored);
	tcase_add_test(tc, record_without_semicolon_is_refused);
	tcase_add_test(tc, records_with_missing_or_bad_fields_are_refused);
	tcase_add_test(tc, numbers_too_big_are_refused);
	tcase_add_test(tc, hex_escapes_are_undone);
	tcase_add_test(tc, nul_and_broken_escapes_stay_as_written);
	tcase_add_test(tc, bytes_that_are_not_utf8_are_kept);
	tcase_add_test(tc, long_text_is_cut_on_a_character_boundary);
	tcase_add_test(tc, parse_reads_nothing_past_len);
	tcase_add_test(tc, what_matters_is_marked);
	suite_add_tcase(s, tc);
	tcase_add_test(keep, no_room_keeps_marked_messages_over_unmarked_ones);
	tcase_add_test(keep, marked_only_filter_drops_the_rest);
	tcase_add_test(keep, seq_gaps_count_as_lost);
	tcase_add_test(keep, json_has_messages_and_counts);
	tcase_add_test(keep, unopenable_device_says_why);
	suite_add_tcase(s, keep);
	return unit_run(s);
}
