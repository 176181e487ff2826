// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The engine decides deterministically: after/every/count/prob/sticky, first
 * matching rule wins, counters move, path selectors ask the target, events
 * carry the rule, and every shipped profile parses. A fake target stands in
 * for the daemon.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inject.h"
#include "unit.h"

static struct inject inj;
static struct inject_event last;
static int nlogged, npaths;

static int fake_path(void *arg, uint64_t nodeid, const char *name, char *buf, size_t len)
{
	(void)arg;
	npaths++;
	if (nodeid == 999)
		return -ENOENT;
	snprintf(buf, len, "/dir%llu%s%s", (unsigned long long)nodeid, name ? "/" : "",
		 name ? name : "");
	return 0;
}

static void fake_log(void *arg, const struct inject_event *ev)
{
	(void)arg;
	last = *ev;
	nlogged++;
}

static void setup(void)
{
	struct inject_target t = { .path_of = fake_path, .log = fake_log };

	ck_assert_int_eq(inject_init(&inj, &t), 0);
	nlogged = npaths = 0;
}

static void teardown(void)
{
	inject_destroy(&inj);
}

static bool ask(enum fault_kind kind, enum op op, uint64_t nodeid, struct inject_fire *f)
{
	struct inject_point pt = { .op = op, .nodeid = nodeid };

	return inject_match(&inj, kind, &pt, f);
}

/* The pattern of fires over n identical requests, as a string of 0/1. */
static const char *pattern(unsigned int n, enum op op, uint64_t nodeid)
{
	static char buf[256];
	struct inject_fire f;

	for (unsigned int i = 0; i < n; i++)
		buf[i] = ask(FAULT_ERRNO, op, nodeid, &f) ? '1' : '0';
	buf[n] = '\0';
	return buf;
}

static void add(const char *text)
{
	char err[256];

	ck_assert_msg(inject_add(&inj, text, err, sizeof(err)) > 0, "%s: %s", text, err);
}

START_TEST(no_rule_never_fires_and_takes_no_path)
{
	struct inject_fire f;

	ck_assert(!inject_active(&inj, FAULT_ERRNO));
	ck_assert(!ask(FAULT_ERRNO, OP_GETATTR, 2, &f));
	ck_assert_int_eq(npaths, 0);
}
END_TEST

START_TEST(after_every_count_shape_the_pattern)
{
	add("errno:errno=EIO,after=2,every=3,count=2");
	ck_assert_str_eq(pattern(14, OP_READ, 5), "00001001000000");
}
END_TEST

START_TEST(sticky_repeats_on_the_same_nodeid_and_op)
{
	add("errno:errno=ESTALE,count=1,sticky=2");
	ck_assert_str_eq(pattern(5, OP_GETATTR, 5), "11100");
	inject_clear(&inj);
	add("errno:errno=ESTALE,count=1,sticky=2");
	/* Another nodeid in between does not get the sticky repeats. */
	struct inject_fire f;

	ck_assert(ask(FAULT_ERRNO, OP_GETATTR, 5, &f));
	ck_assert(!ask(FAULT_ERRNO, OP_GETATTR, 6, &f));
	ck_assert(ask(FAULT_ERRNO, OP_GETATTR, 5, &f));
}
END_TEST

START_TEST(same_seed_same_faults)
{
	char a[256], b[256];

	add("errno:errno=EIO,prob=0.3,seed=1234");
	snprintf(a, sizeof(a), "%s", pattern(200, OP_READ, 2));
	inject_clear(&inj);
	add("errno:errno=EIO,prob=0.3,seed=1234");
	snprintf(b, sizeof(b), "%s", pattern(200, OP_READ, 2));
	ck_assert_str_eq(a, b);
	/* Roughly the asked rate, and a different seed gives another pattern. */
	int ones = 0;

	for (int i = 0; i < 200; i++)
		ones += a[i] == '1';
	ck_assert_int_gt(ones, 30);
	ck_assert_int_lt(ones, 90);
	inject_clear(&inj);
	add("errno:errno=EIO,prob=0.3,seed=99");
	ck_assert_str_ne(pattern(200, OP_READ, 2), a);
}
END_TEST

START_TEST(first_matching_rule_wins_and_counters_move)
{
	struct inject_fire f;
	uint64_t matched, fired;

	add("errno:op=LOOKUP,errno=ENOENT,every=2");
	add("errno:errno=EIO");
	ck_assert(ask(FAULT_ERRNO, OP_LOOKUP, 1, &f));
	ck_assert_uint_eq(f.rule_id, 2);	/* rule 1 matched but did not fire */
	ck_assert_int_eq(f.err, EIO);
	ck_assert(ask(FAULT_ERRNO, OP_LOOKUP, 1, &f));
	ck_assert_uint_eq(f.rule_id, 1);
	ck_assert_int_eq(f.err, ENOENT);
	ck_assert(ask(FAULT_ERRNO, OP_GETATTR, 1, &f));
	ck_assert_uint_eq(f.rule_id, 2);
	ck_assert_int_eq(inject_counters(&inj, 1, &matched, &fired), 0);
	ck_assert_uint_eq(matched, 2);
	ck_assert_uint_eq(fired, 1);
	ck_assert_int_eq(inject_counters(&inj, 2, &matched, &fired), 0);
	ck_assert_uint_eq(matched, 2);
	ck_assert_uint_eq(fired, 2);
	ck_assert_int_eq(inject_counters(&inj, 3, &matched, &fired), -ENOENT);
	ck_assert_uint_eq(f.seq, 3);
}
END_TEST

START_TEST(kinds_do_not_mix)
{
	struct inject_fire f;

	add("evict");
	ck_assert(inject_active(&inj, FAULT_EVICT));
	ck_assert(!ask(FAULT_ERRNO, OP_GETATTR, 2, &f));
	ck_assert(ask(FAULT_EVICT, OP_GETATTR, 2, &f));
	ck_assert_int_eq(f.kind, FAULT_EVICT);
	ck_assert_int_eq(f.err, EBADF);
}
END_TEST

START_TEST(path_rules_ask_the_target_once)
{
	struct inject_point pt = { .op = OP_LOOKUP, .nodeid = 4, .name = "x.file" };
	struct inject_fire f;

	add("errno:path=/dir4/*.file,errno=ENOENT");
	add("errno:path=/dir4/y,errno=EIO");
	ck_assert(inject_match(&inj, FAULT_ERRNO, &pt, &f));
	ck_assert_uint_eq(f.rule_id, 1);
	ck_assert_int_eq(npaths, 1);
	pt.name = "y";
	ck_assert(inject_match(&inj, FAULT_ERRNO, &pt, &f));
	ck_assert_uint_eq(f.rule_id, 2);
	pt.nodeid = 999;	/* no path: a path rule does not select */
	ck_assert(!inject_match(&inj, FAULT_ERRNO, &pt, &f));
}
END_TEST

START_TEST(host_estale_selects_by_syscall)
{
	struct inject_point pt = { .op = OP_GETATTR, .nodeid = 2, .syscall = HOST_OPENAT2 };
	struct inject_fire f;

	add("host-estale:syscall=statx");
	ck_assert(!inject_match(&inj, FAULT_HOST_ESTALE, &pt, &f));
	pt.syscall = HOST_STATX;
	ck_assert(inject_match(&inj, FAULT_HOST_ESTALE, &pt, &f));
	ck_assert_int_eq(f.err, ESTALE);
}
END_TEST

START_TEST(report_logs_the_rule)
{
	struct inject_point pt = { .op = OP_OPEN, .nodeid = 8, .name = NULL };
	struct inject_fire f;

	add("errno:op=OPEN,errno=EMFILE");
	ck_assert(inject_match(&inj, FAULT_ERRNO, &pt, &f));
	inject_report(&inj, &f, &pt, "EMFILE");
	ck_assert_int_eq(nlogged, 1);
	ck_assert_uint_eq(last.rule_id, 1);
	ck_assert_str_eq(last.rule_text, "errno:op=OPEN,errno=EMFILE");
	ck_assert_str_eq(last.answer, "EMFILE");
	ck_assert_int_eq(last.op, OP_OPEN);
	ck_assert_uint_eq(last.nodeid, 8);
}
END_TEST

START_TEST(list_shows_rules_and_counters)
{
	char buf[1024] = { 0 };
	struct inject_fire f;
	FILE *m = fmemopen(buf, sizeof(buf) - 1, "w");

	add("errno:errno=EIO,every=2");
	ask(FAULT_ERRNO, OP_READ, 2, &f);
	ask(FAULT_ERRNO, OP_READ, 2, &f);
	inject_list(&inj, m);
	fclose(m);
	ck_assert_str_eq(buf, "{\"id\":1,\"kind\":\"errno\",\"rule\":\"errno:errno=EIO,every=2\","
			      "\"matched\":2,\"fired\":1}\n");
}
END_TEST

START_TEST(shipped_profiles_parse)
{
	const char *dir = getenv("STALEFS_PROFILES");
	char path[1024], err[512];
	struct dirent *de;
	int files = 0;
	DIR *d;

	ck_assert_ptr_nonnull(dir);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		if (!strstr(de->d_name, ".rules"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ck_assert_msg(inject_add_file(&inj, path, err, sizeof(err)) > 0, "%s", err);
		files++;
	}
	closedir(d);
	ck_assert_int_ge(files, 6);
}
END_TEST

START_TEST(profile_error_names_file_and_line)
{
	char path[] = "/tmp/stalefs-profile.XXXXXX", err[512];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("# comment\n\nevict   # trailing comment\nerrno:errno=NOPE\n", f);
	fclose(f);
	ck_assert_int_eq(inject_add_file(&inj, path, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, ":4: errno: unknown errno 'NOPE'"));
	unlink(path);
}
END_TEST

static Suite *inject_suite(void)
{
	Suite *s = suite_create("inject");
	TCase *tc = tcase_create("engine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_rule_never_fires_and_takes_no_path);
	tcase_add_test(tc, after_every_count_shape_the_pattern);
	tcase_add_test(tc, sticky_repeats_on_the_same_nodeid_and_op);
	tcase_add_test(tc, same_seed_same_faults);
	tcase_add_test(tc, first_matching_rule_wins_and_counters_move);
	tcase_add_test(tc, kinds_do_not_mix);
	tcase_add_test(tc, path_rules_ask_the_target_once);
	tcase_add_test(tc, host_estale_selects_by_syscall);
	tcase_add_test(tc, report_logs_the_rule);
	tcase_add_test(tc, list_shows_rules_and_counters);
	tcase_add_test(tc, shipped_profiles_parse);
	tcase_add_test(tc, profile_error_names_file_and_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(inject_suite());
}
