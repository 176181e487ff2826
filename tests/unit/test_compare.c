// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compare_vlog: virtiofsd's debug log as compare reads it: replies counted
 * by errno, ESTALE joined to its request's opcode by unique, the
 * file-handle fallback line. compare_agree: the verdict of a row with two
 * or three sides. Mounts nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "compare_paths.h"
#include "compare_vlog.h"
#include "unit.h"

/* A run: an ENOENT lookup, an ESTALE read, an OK getattr, an ESTALE reply
 * to a request the log never showed, and virtiofsd giving up on handles. */
static const char log_text[] =
	"[2026-11-21T20:00:00Z INFO  virtiofsd] Waiting for vhost-user socket connection...\n"
	"[...Z DEBUG virtiofsd::server] Received request: opcode=Lookup (1), inode=1, unique=4, pid=93\n"
	"[...Z DEBUG virtiofsd::server] Replying ERROR, header: OutHeader { error: -2 (No such file or directory), unique: 4, len: 16 }\n"
	"[...Z DEBUG virtiofsd::server] Received request: opcode=Getattr (3), inode=7, unique=6, pid=93\n"
	"[...Z DEBUG virtiofsd::server] Received request: opcode=Read (15), inode=7, unique=8, pid=94\n"
	"[...Z DEBUG virtiofsd::server] Replying ERROR, header: OutHeader { error: -116 (Stale file handle), unique: 8, len: 16 }\n"
	"[...Z DEBUG virtiofsd::server] Replying OK, header: OutHeader { len: 136, error: 0, unique: 6 }\n"
	"[...Z DEBUG virtiofsd::server] Replying ERROR, header: OutHeader { error: -116 (Stale file handle), unique: 99, len: 16 }\n"
	"[...Z WARN  virtiofsd] File handles do not appear safe to use, disabling file handles altogether\n";

START_TEST(requests_replies_and_errors_are_counted)
{
	struct vlog_counts v;

	ck_assert_int_eq(vlog_count_text(log_text, &v), 0);
	ck_assert_uint_eq(v.requests, 3);
	ck_assert_uint_eq(v.replies, 4);
	ck_assert_uint_eq(v.errors, 3);
}
END_TEST

START_TEST(error_replies_are_counted_by_errno)
{
	struct vlog_counts v;

	ck_assert_int_eq(vlog_count_text(log_text, &v), 0);
	ck_assert_uint_eq(v.by_errno[ENOENT], 1);
	ck_assert_uint_eq(v.by_errno[ESTALE], 2);
	ck_assert_uint_eq(v.by_errno[0], 0);
}
END_TEST

START_TEST(estale_reply_is_joined_to_its_request_opcode)
{
	struct vlog_counts v;

	ck_assert_int_eq(vlog_count_text(log_text, &v), 0);
	ck_assert_str_eq(v.estale_op_names[0], "Read");
	ck_assert_uint_eq(v.estale_by_op[0], 1);
}
END_TEST

START_TEST(estale_reply_to_an_unseen_request_counts_as_unknown_opcode)
{
	struct vlog_counts v;

	ck_assert_int_eq(vlog_count_text(log_text, &v), 0);
	ck_assert_str_eq(v.estale_op_names[1], "?");	/* no request seen for unique 99 */
	ck_assert_uint_eq(v.estale_by_op[1], 1);
	ck_assert_str_eq(v.estale_op_names[2], "");
}
END_TEST

START_TEST(error_values_out_of_range_count_as_unknown_errno)
{
	/* INT_MIN once overflowed its negation; longer numbers overflowed %d. */
	static const char t[] =
		"Replying ERROR, header: OutHeader { error: -2147483648 (x), unique: 1, len: 16 }\n"
		"Replying ERROR, header: OutHeader { error: -99999999999999999999999 (x), unique: 2 }\n"
		"Replying ERROR, header: OutHeader { error: 2147483647 (x), unique: 3, len: 16 }\n"
		"Replying ERROR, header: OutHeader { error: -300 (x), unique: 4, len: 16 }\n"
		"Replying ERROR, header: OutHeader { error: -116 (Stale file handle), unique: 5 }\n"
		"Replying ERROR, header: OutHeader { error: x, unique: 6, len: 16 }\n";
	struct vlog_counts v;

	ck_assert_int_eq(vlog_count_text(t, &v), 0);
	ck_assert_uint_eq(v.replies, 5);
	ck_assert_uint_eq(v.errors, 5);
	ck_assert_uint_eq(v.by_errno[0], 4);
	ck_assert_uint_eq(v.by_errno[ESTALE], 1);
}
END_TEST

START_TEST(file_handle_fallback_line_marks_handles_disabled)
{
	struct vlog_counts v;

	ck_assert_int_eq(vlog_count_text(log_text, &v), 0);
	ck_assert_int_eq(v.handles_disabled, 1);
}
END_TEST

START_TEST(log_without_errors_counts_replies_only)
{
	static const char text[] =
		"[...Z DEBUG virtiofsd::server] Received request: opcode=Getattr (3), inode=1, unique=2, pid=1\n"
		"[...Z DEBUG virtiofsd::server] Replying OK, header: OutHeader { len: 136, error: 0, unique: 2 }";
	struct vlog_counts v;

	ck_assert_int_eq(vlog_count_text(text, &v), 0);
	ck_assert_uint_eq(v.requests, 1);
	ck_assert_uint_eq(v.replies, 1);
	ck_assert_uint_eq(v.errors, 0);
	ck_assert_int_eq(v.handles_disabled, 0);
}
END_TEST

START_TEST(empty_log_counts_nothing)
{
	struct vlog_counts v;

	memset(&v, 0xff, sizeof(v));
	ck_assert_int_eq(vlog_count_text("", &v), 0);
	ck_assert_uint_eq(v.requests, 0);
	ck_assert_uint_eq(v.replies, 0);
	ck_assert_uint_eq(v.errors, 0);
	ck_assert_int_eq(v.handles_disabled, 0);
}
END_TEST

/* A side that ran in mode with estale of calls reads ESTALE. */
static struct run_result side(const char *mode, uint64_t estale, uint64_t calls)
{
	struct run_result r;

	memset(&r, 0, sizeof(r));
	r.status = RUN_RAN;
	snprintf(r.effective_mode, sizeof(r.effective_mode), "%s", mode);
	snprintf(r.op[0].name, sizeof(r.op[0].name), "read");
	r.op[0].calls = calls;
	r.op[0].estale = estale;
	r.nops = 1;
	r.estale_total = estale;
	return r;
}

/* One verdict: sides as (mode, ESTALE, calls); v.calls 0: no third side. */
struct agree_case {
	const char *name;
	struct { const char *mode; uint64_t estale, calls; } a, b, v;
	int ok;
	const char *why;	/* a part of the reason */
};

static const struct agree_case agree_cases[] = {
	{ "the same seen on both sides", { "never", 0, 5000 }, { "never", 0, 900 }, { 0 }, 1, "" },
	{ "ESTALE on one side only", { "never", 0, 5000 }, { "never", 7, 900 }, { 0 }, 0,
	  "ESTALE in virtiofsd only" },
	{ "modes differ", { "prefer", 0, 5000 }, { "never", 0, 900 }, { 0 }, 0,
	  "mode: stalefs ran prefer, virtiofsd never" },
	{ "the third side agrees with virtiofsd", { "never", 0, 5000 }, { "never", 7, 900 },
	  { "never", 6, 800 }, 1, "the transport differs, not the model" },
	{ "the third side agrees with stalefs", { "never", 0, 5000 }, { "never", 7, 900 },
	  { "never", 0, 800 }, 0, "the model differs" },
	{ "rates apart in the same guest (1% against 30%)", { "never", 50, 5000 },
	  { "never", 10, 1000 }, { "never", 300, 1000 }, 0, "rates differ in the same guest" },
	{ "rates that overlap in the same guest", { "never", 50, 5000 }, { "never", 10, 1000 },
	  { "never", 12, 1000 }, 1, "" },
};

START_TEST(verdicts_name_what_differs_and_which_layer)
{
	const struct agree_case *k = &agree_cases[_i];
	struct run_result a = side(k->a.mode, k->a.estale, k->a.calls);
	struct run_result b = side(k->b.mode, k->b.estale, k->b.calls);
	struct run_result v = side(k->v.mode ? k->v.mode : "", k->v.estale, k->v.calls);
	struct compare_row row = { .a = &a, .b = &b, .v = k->v.calls ? &v : NULL };
	char why[512];

	memset(why, 'x', sizeof(why));	/* a reason is always written, even "" */
	ck_assert_msg(compare_agree(&row, why, sizeof(why)) == k->ok, "%s: %s", k->name, why);
	ck_assert_msg(memchr(why, '\0', sizeof(why)), "%s: no reason written", k->name);
	ck_assert_msg(k->why[0] || !why[0], "%s: '%s' where none was due", k->name, why);
	ck_assert_msg(strstr(why, k->why), "%s: '%s' lacks '%s'", k->name, why, k->why);
}
END_TEST

START_TEST(third_side_that_cannot_run_leaves_the_two_side_verdict)
{
	struct run_result a = side("never", 0, 5000), b = side("never", 0, 900), v;
	struct compare_row row = { .a = &a, .b = &b, .v = &v };
	char why[512];

	memset(&v, 0, sizeof(v));
	v.status = RUN_CANNOT;
	ck_assert_int_eq(compare_agree(&row, why, sizeof(why)), 1);
}
END_TEST

START_TEST(a_side_that_failed_blames_neither_model_nor_transport)
{
	struct run_result a = side("never", 0, 5000), b = side("never", 0, 900),
			  v = side("never", 0, 900);
	struct compare_row row = { .a = &a, .b = &b, .v = &v };
	char why[512];

	b.status = RUN_ERROR;
	ck_assert_int_eq(compare_agree(&row, why, sizeof(why)), 0);
	ck_assert_ptr_null(strstr(why, "model"));
	ck_assert_ptr_null(strstr(why, "transport"));
	ck_assert_ptr_nonnull(strstr(why, "virtiofsd error"));
}
END_TEST


/* An executable stand-in for the static workload at dir/sub. */
static void make_workload(const char *dir, const char *sub)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	ck_assert_int_eq(mkdir(path, 0755) == 0 || errno == EEXIST, 1);
	snprintf(path, sizeof(path), "%s/%s/" GUEST_WORKLOAD_NAME, dir, sub);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

START_TEST(guest_workload_is_found_in_the_build_dir_of_the_executable)
{
	struct guest_workload w;
	char dir[4096], want[4200];

	unsetenv("STALEFS_GUEST_WORKLOAD");
	unit_mkdtemp(dir, sizeof(dir));
	make_workload(dir, "workloads");
	ck_assert_int_eq(guest_find_workload_from(dir, &w), 0);
	snprintf(want, sizeof(want), "%s/workloads/" GUEST_WORKLOAD_NAME, dir);
	ck_assert_str_eq(w.path, want);
	ck_assert_str_eq(w.source, "this stalefs's build dir");
	/* one right next to the executable comes first */
	make_workload(dir, ".");
	ck_assert_int_eq(guest_find_workload_from(dir, &w), 0);
	ck_assert_str_eq(w.source, "next to this stalefs");
	unit_rmtree(dir);
}
END_TEST

START_TEST(guest_workload_of_an_install_is_found_in_libexec)
{
	struct guest_workload w;
	char dir[4096], bin[4200];

	unsetenv("STALEFS_GUEST_WORKLOAD");
	unit_mkdtemp(dir, sizeof(dir));
	make_workload(dir, "libexec");
	make_workload(dir, "libexec/stalefs");
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	ck_assert_int_eq(mkdir(bin, 0755), 0);
	ck_assert_int_eq(guest_find_workload_from(bin, &w), 0);
	ck_assert_ptr_nonnull(strstr(w.path, "/libexec/stalefs/" GUEST_WORKLOAD_NAME));
	ck_assert_str_eq(w.source, "installed beside this stalefs");
	unit_rmtree(dir);
}
END_TEST

START_TEST(guest_workload_env_wins_even_when_wrong)
{
	struct guest_workload w;
	char dir[4096], env[4200];

	unit_mkdtemp(dir, sizeof(dir));
	make_workload(dir, "workloads");
	make_workload(dir, "other");
	snprintf(env, sizeof(env), "%s/other/" GUEST_WORKLOAD_NAME, dir);
	setenv("STALEFS_GUEST_WORKLOAD", env, 1);
	ck_assert_int_eq(guest_find_workload_from(dir, &w), 0);
	ck_assert_str_eq(w.path, env);
	ck_assert_str_eq(w.source, "$STALEFS_GUEST_WORKLOAD");
	setenv("STALEFS_GUEST_WORKLOAD", "/nonexistent/wl", 1);
	ck_assert_int_eq(guest_find_workload_from(dir, &w), -ENOENT);
	ck_assert_str_eq(w.path, "");
	ck_assert_str_eq(w.looked, "$STALEFS_GUEST_WORKLOAD=/nonexistent/wl");
	unsetenv("STALEFS_GUEST_WORKLOAD");
	unit_rmtree(dir);
}
END_TEST

START_TEST(missing_guest_workload_names_where_it_looked)
{
	struct guest_workload w;
	char dir[1024], want[2200];

	unsetenv("STALEFS_GUEST_WORKLOAD");
	unit_mkdtemp(dir, sizeof(dir));
	if (guest_find_workload_from(dir, &w) == 0) {
		/* this machine has an install or a source-tree build/: only the
		 * empty dir must not have given it */
		ck_assert_msg(strncmp(w.path, dir, strlen(dir)) != 0, "found %s", w.path);
		unit_rmtree(dir);
		return;
	}
	ck_assert_str_eq(w.path, "");
	snprintf(want, sizeof(want), "%s/" GUEST_WORKLOAD_NAME ", %s/workloads/" GUEST_WORKLOAD_NAME ", ",
		 dir, dir);
	ck_assert_msg(strncmp(w.looked, want, strlen(want)) == 0, "looked: %s", w.looked);
	ck_assert_ptr_nonnull(strstr(w.looked, "/libexec/stalefs/" GUEST_WORKLOAD_NAME));
	ck_assert_ptr_nonnull(strstr(w.looked, "/build/workloads/" GUEST_WORKLOAD_NAME));
	unit_rmtree(dir);
}
END_TEST

static void parse_paths(const char *text, struct compare_paths *p)
{
	compare_paths_parse(text, strlen(text), p);
}

START_TEST(paths_env_as_compare_setup_writes_it_is_read)
{
	static const char text[] =
		"virtiofsd=/var/cache/stalefs-compare/virtiofsd-root/virtiofsd\n"
		"kernel=/var/cache/stalefs-compare/kernel/6.1.0-57-cloud-amd64/root/boot/vmlinuz-6.1.0-57-cloud-amd64\n"
		"qemu=/usr/bin/qemu-system-x86_64\n"
		"busybox=/bin/busybox\n"
		"modules=/var/cache/stalefs-compare/kernel/6.1.0-57-cloud-amd64/root/lib/modules/6.1.0-57\n";
	static struct compare_paths p;

	parse_paths(text, &p);
	ck_assert_str_eq(p.path[CP_VIRTIOFSD], "/var/cache/stalefs-compare/virtiofsd-root/virtiofsd");
	ck_assert_str_eq(p.path[CP_QEMU], "/usr/bin/qemu-system-x86_64");
	ck_assert_str_eq(p.path[CP_BUSYBOX], "/bin/busybox");
	ck_assert_ptr_nonnull(strstr(p.path[CP_KERNEL], "vmlinuz-6.1.0-57-cloud-amd64"));
	ck_assert_ptr_nonnull(strstr(p.path[CP_MODULES], "/lib/modules/"));
	ck_assert_uint_eq(p.bad, 0);
	ck_assert_uint_eq(p.unknown, 0);
}
END_TEST

START_TEST(paths_env_quotes_are_undone_as_the_shell_does)
{
	static struct compare_paths p;

	parse_paths("virtiofsd=/opt/my\\ dir/virtiofsd\nqemu='/opt/q q/qemu'\n"
		    "kernel=\"/k/a\\\"b\\\\c\\d\"\nbusybox=/b/x'y z'w\r\n", &p);
	ck_assert_str_eq(p.path[CP_VIRTIOFSD], "/opt/my dir/virtiofsd");
	ck_assert_str_eq(p.path[CP_QEMU], "/opt/q q/qemu");
	ck_assert_str_eq(p.path[CP_KERNEL], "/k/a\"b\\c\\d");
	ck_assert_str_eq(p.path[CP_BUSYBOX], "/b/xy zw");
	ck_assert_uint_eq(p.bad, 0);
}
END_TEST

START_TEST(paths_env_lines_that_are_not_plain_words_are_refused)
{
	static const char *const bad[] = {
		"virtiofsd=$'/a\\nb'", "virtiofsd=$(reboot)", "virtiofsd=`id`", "virtiofsd=/a b",
		"virtiofsd='/open", "virtiofsd=\"/open", "virtiofsd=/a\\", "virtiofsd=/a;rm",
		"virtiofsd", "=x", "1virtiofsd=/a", "virtio fsd=/a", " virtiofsd=/a", "virtiofsd=\"$HOME\"",
	};
	static struct compare_paths p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_paths(bad[i], &p);
		ck_assert_msg(p.bad == 1 && !p.path[CP_VIRTIOFSD][0], "accepted: %s", bad[i]);
	}
	compare_paths_parse("virtiofsd=/a\0b\n", 15, &p);
	ck_assert_uint_eq(p.bad, 1);
	ck_assert_str_eq(p.path[CP_VIRTIOFSD], "");
}
END_TEST

START_TEST(paths_env_comments_unknown_keys_and_repeats)
{
	static struct compare_paths p;

	parse_paths("# written by ci/compare-setup.sh\n\nfoo=/x\nqemu=/first\nqemu=/second", &p);
	ck_assert_str_eq(p.path[CP_QEMU], "/second");
	ck_assert_uint_eq(p.unknown, 1);
	ck_assert_uint_eq(p.bad, 0);
	ck_assert_str_eq(p.path[CP_VIRTIOFSD], "");
}
END_TEST

START_TEST(paths_env_values_too_long_are_refused)
{
	static char text[3 * COMPARE_PATH_MAX];
	static struct compare_paths p;
	int n = snprintf(text, sizeof(text), "qemu=/");

	memset(text + n, 'q', COMPARE_PATH_MAX);
	parse_paths(text, &p);
	ck_assert_uint_eq(p.bad, 1);
	ck_assert_str_eq(p.path[CP_QEMU], "");
	memset(text + n, 'q', 2 * COMPARE_PATH_MAX);	/* longer than a line may be */
	parse_paths(text, &p);
	ck_assert_uint_eq(p.bad, 1);
}
END_TEST

START_TEST(paths_env_file_that_is_missing_or_huge_says_why)
{
	static struct compare_paths p;
	char dir[1024], path[1200], why[1400];
	FILE *f;

	ck_assert_int_eq(compare_paths_read("/nonexistent/paths.env", &p, why, sizeof(why)), -ENOENT);
	ck_assert_str_eq(why, "open /nonexistent/paths.env: No such file or directory");
	unit_mkdtemp(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/paths.env", dir);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs("qemu=/q\n", f);
	fclose(f);
	ck_assert_int_eq(compare_paths_read(path, &p, why, sizeof(why)), 0);
	ck_assert_str_eq(p.path[CP_QEMU], "/q");
	f = fopen(path, "ae");
	for (int i = 0; i < 70 * 1024; i++)
		fputc('#', f);
	fclose(f);
	ck_assert_int_eq(compare_paths_read(path, &p, why, sizeof(why)), -EFBIG);
	ck_assert_ptr_nonnull(strstr(why, "larger than 64 KiB"));
	unit_rmtree(dir);
}
END_TEST

START_TEST(paths_env_location_follows_the_cache_variable)
{
	char file[256];

	setenv("STALEFS_COMPARE_CACHE", "/srv/cache", 1);
	compare_paths_file(file, sizeof(file));
	ck_assert_str_eq(file, "/srv/cache/paths.env");
	unsetenv("STALEFS_COMPARE_CACHE");
	compare_paths_file(file, sizeof(file));
	ck_assert_str_eq(file, "/var/cache/stalefs-compare/paths.env");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare_vlog");
	TCase *tc = tcase_create("vlog");

	tcase_add_test(tc, requests_replies_and_errors_are_counted);
	tcase_add_test(tc, error_replies_are_counted_by_errno);
	tcase_add_test(tc, estale_reply_is_joined_to_its_request_opcode);
	tcase_add_test(tc, estale_reply_to_an_unseen_request_counts_as_unknown_opcode);
	tcase_add_test(tc, error_values_out_of_range_count_as_unknown_errno);
	tcase_add_test(tc, file_handle_fallback_line_marks_handles_disabled);
	tcase_add_test(tc, log_without_errors_counts_replies_only);
	tcase_add_test(tc, empty_log_counts_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("agree");
	tcase_add_loop_test(tc, verdicts_name_what_differs_and_which_layer, 0,
			    (int)(sizeof(agree_cases) / sizeof(agree_cases[0])));
	tcase_add_test(tc, third_side_that_cannot_run_leaves_the_two_side_verdict);
	tcase_add_test(tc, a_side_that_failed_blames_neither_model_nor_transport);
	suite_add_tcase(s, tc);
	tc = tcase_create("guest_workload");
	tcase_add_test(tc, guest_workload_is_found_in_the_build_dir_of_the_executable);
	tcase_add_test(tc, guest_workload_of_an_install_is_found_in_libexec);
	tcase_add_test(tc, guest_workload_env_wins_even_when_wrong);
	tcase_add_test(tc, missing_guest_workload_names_where_it_looked);
	suite_add_tcase(s, tc);
	tc = tcase_create("paths_env");
	tcase_add_test(tc, paths_env_as_compare_setup_writes_it_is_read);
	tcase_add_test(tc, paths_env_quotes_are_undone_as_the_shell_does);
	tcase_add_test(tc, paths_env_lines_that_are_not_plain_words_are_refused);
	tcase_add_test(tc, paths_env_comments_unknown_keys_and_repeats);
	tcase_add_test(tc, paths_env_values_too_long_are_refused);
	tcase_add_test(tc, paths_env_file_that_is_missing_or_huge_says_why);
	tcase_add_test(tc, paths_env_location_follows_the_cache_variable);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
