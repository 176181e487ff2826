// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtiofsd's debug log as compare reads it: replies joined to requests by
 * unique, ESTALE by op, the file-handle fallback line.
 * Mounts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "unit.h"

/* virtiofsd's debug log: replies joined to requests by unique. */
START_TEST(vlog_counts_replies_by_errno_and_op)
{
	static const char text[] =
		"[2026-11-21T20:00:00Z INFO  virtiofsd] Waiting for vhost-user socket connection...\n"
		"[...Z DEBUG virtiofsd::server] Received request: opcode=Lookup (1), inode=1, unique=4, pid=93\n"
		"[...Z DEBUG virtiofsd::server] Replying ERROR, header: OutHeader { error: -2 (No such file or directory), unique: 4, len: 16 }\n"
		"[...Z DEBUG virtiofsd::server] Received request: opcode=Getattr (3), inode=7, unique=6, pid=93\n"
		"[...Z DEBUG virtiofsd::server] Received request: opcode=Read (15), inode=7, unique=8, pid=94\n"
		"[...Z DEBUG virtiofsd::server] Replying ERROR, header: OutHeader { error: -116 (Stale file handle), unique: 8, len: 16 }\n"
		"[...Z DEBUG virtiofsd::server] Replying OK, header: OutHeader { len: 136, error: 0, unique: 6 }\n"
		"[...Z DEBUG virtiofsd::server] Replying ERROR, header: OutHeader { error: -116 (Stale file handle), unique: 99, len: 16 }\n"
		"[...Z WARN  virtiofsd] File handles do not appear safe to use, disabling file handles altogether\n";
	struct vlog_counts v;

	ck_assert_int_eq(vlog_count_text(text, &v), 0);
	ck_assert_uint_eq(v.requests, 3);
	ck_assert_uint_eq(v.replies, 4);
	ck_assert_uint_eq(v.errors, 3);
	ck_assert_uint_eq(v.by_errno[ENOENT], 1);
	ck_assert_uint_eq(v.by_errno[ESTALE], 2);
	ck_assert_str_eq(v.estale_op_names[0], "Read");
	ck_assert_uint_eq(v.estale_by_op[0], 1);
	ck_assert_str_eq(v.estale_op_names[1], "?");	/* no request seen for unique 99 */
	ck_assert_uint_eq(v.estale_by_op[1], 1);
	ck_assert_int_eq(v.handles_disabled, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("vlog");

	tcase_add_test(tc, vlog_counts_replies_by_errno_and_op);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
