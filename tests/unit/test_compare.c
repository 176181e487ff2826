// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compare_vlog: virtiofsd's debug log as compare reads it: replies counted
 * by errno, ESTALE joined to its request's opcode by unique, the
 * file-handle fallback line. Mounts nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	Suite *s = suite_create("compare_vlog");
	TCase *tc = tcase_create("vlog");

	tcase_add_test(tc, requests_replies_and_errors_are_counted);
	tcase_add_test(tc, error_replies_are_counted_by_errno);
	tcase_add_test(tc, estale_reply_is_joined_to_its_request_opcode);
	tcase_add_test(tc, estale_reply_to_an_unseen_request_counts_as_unknown_opcode);
	tcase_add_test(tc, file_handle_fallback_line_marks_handles_disabled);
	tcase_add_test(tc, log_without_errors_counts_replies_only);
	tcase_add_test(tc, empty_log_counts_nothing);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
