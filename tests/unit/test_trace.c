// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tracefs text counter: sends joined with ends by unique, long lines,
 * op names.
 * Mounts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"
#include "unit.h"

static const char trace_text[] =
	"# tracer: nop\n"
	"#\n"
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"#              | |         |   |||||     |         |\n"
	"  stalefs-1234  [001] ..... 12.345678: fuse_request_send: connection 39 req 12 opcode 1 "
	"(FUSE_LOOKUP) len 45\n"
	"  stalefs-1240  [000] ..... 12.345700: fuse_request_end: connection 39 req 12 len 16 "
	"error -116\n"
	"  cat-1300  [002] ..... 12.400000: fuse_request_send: connection 39 req 14 opcode 15 "
	"(FUSE_READ) len 80\n"
	"  cat-1300  [002] ..... 12.400010: fuse_request_send: connection 39 req 16 opcode 3 "
	"(FUSE_GETATTR) len 56\n"
	"  stalefs-1241  [000] ..... 12.400100: fuse_request_end: connection 39 req 16 len 120 "
	"error 0\n"
	"  stalefs-1242  [003] ..... 12.400110: fuse_request_end: connection 39 req 14 len 16 "
	"error -116\n"
	"  cat-1300  [002] ..... 12.400400: fuse_request_send: connection 39 req 18 opcode 14 "
	"(FUSE_OPEN) len 48\n"
	"  stalefs-1241  [000] ..... 12.400500: fuse_request_end: connection 39 req 18 len 16 "
	"error -2\n"
	/* An end without its send (the send was before tracing started): op 0. */
	"  stalefs-1241  [000] ..... 12.400600: fuse_request_end: connection 39 req 2 len 16 "
	"error -116\n"
	/* Comments never count. */
	"# fuse_request_end: connection 39 req 12 len 16 error -116\n"
	"#  stalefs-1 [0] ..... 1.0: fuse_request_send: connection 39 req 40 opcode 1 (X) len 1\n"
	/* An opcode past the table counts under op 0. */
	"  stalefs-1241  [000] ..... 12.400700: fuse_request_send: connection 39 req 20 "
	"opcode 200 (UNKNOWN) len 40\n"
	"  stalefs-1241  [000] ..... 12.400800: fuse_request_end: connection 39 req 20 len 16 "
	"error -116\n"
	/* Malformed: not counted. */
	"  stalefs-1241  [000] ..... 12.400900: fuse_request_end: connection 39 req 22 len 16\n"
	"  stalefs-1241  [000] ..... 12.401000: fuse_request_send: connection x req 22\n"
	"\n"
	/* The last line has no newline. */
	"  stalefs-1250  [001] ..... 12.500000: fuse_request_send: connection 39 req 24 opcode 52 "
	"(FUSE_STATX) len 64";

START_TEST(trace_counts_lines)
{
	struct trace_counts c;
	uint64_t sum = 0;

	ck_assert_int_eq(trace_count_text(trace_text, &c), 0);
	ck_assert_uint_eq(c.requests, 6);	/* 12 14 16 18 20 24 */
	ck_assert_uint_eq(c.replies, 6);	/* 12 16 14 18 2 20 */
	ck_assert_uint_eq(c.errors, 5);
	ck_assert_uint_eq(c.estale, 4);
	ck_assert_uint_eq(c.estale_op[1], 1);	/* LOOKUP */
	ck_assert_uint_eq(c.estale_op[15], 1);	/* READ */
	ck_assert_uint_eq(c.estale_op[0], 2);	/* req 2, opcode 200 */
	for (int i = 0; i < TRACE_OPS; i++)
		sum += c.estale_op[i];
	ck_assert_uint_eq(sum, c.estale);
	ck_assert_uint_eq(c.lost, 0);

	/* Nothing at all; the counts of an earlier call are cleared. */
	ck_assert_int_eq(trace_count_text("", &c), 0);
	ck_assert_uint_eq(c.requests + c.replies + c.errors + c.estale + c.estale_op[1], 0);
	ck_assert_int_eq(trace_count_text("\n\n# x\n", &c), 0);
	ck_assert_uint_eq(c.requests + c.replies, 0);
}
END_TEST

START_TEST(trace_long_lines)
{
	/* Lines past the copy buffer: no crash, and the lines after them count. */
	size_t big = 5000;
	char *text = malloc(3 * big + 2048), *p = text;
	struct trace_counts c;

	ck_assert_ptr_nonnull(text);
	memset(p, 'x', big);
	p += big;
	p += sprintf(p, "\n  stalefs-1  [000] ..... 1.0: fuse_request_send: connection 1 req 8 "
		     "opcode 1 (FUSE_LOOKUP) len 45\n");
	/* A long line whose event starts well past 512 bytes. */
	memset(p, ' ', big);
	p += big;
	p += sprintf(p, "fuse_request_end: connection 1 req 8 len 16 error -116");
	memset(p, 'y', big);
	p += big;
	p += sprintf(p, "\n  stalefs-1  [000] ..... 1.1: fuse_request_end: connection 1 req 8 len 16 "
		     "error -116\n");
	/* A long last line without a newline. */
	memset(p, 'z', 600);
	p += 600;
	*p = '\0';
	ck_assert_int_eq(trace_count_text(text, &c), 0);
	ck_assert_uint_eq(c.requests, 1);
	/* The cut line may or may not count; nothing else does. */
	ck_assert_uint_ge(c.replies, 1);
	ck_assert_uint_le(c.replies, 2);
	ck_assert_uint_eq(c.estale, c.replies);
	ck_assert_uint_eq(c.estale_op[1], c.replies);
	free(text);
}
END_TEST

START_TEST(trace_op_names)
{
	ck_assert_str_eq(trace_op_name(1), "LOOKUP");
	ck_assert_str_eq(trace_op_name(3), "GETATTR");
	ck_assert_str_eq(trace_op_name(15), "READ");
	ck_assert_str_eq(trace_op_name(44), "READDIRPLUS");
	ck_assert_str_eq(trace_op_name(52), "STATX");
	ck_assert_ptr_null(trace_op_name(0));
	ck_assert_ptr_null(trace_op_name(7));	/* no opcode 7 */
	ck_assert_ptr_null(trace_op_name(53));
	ck_assert_ptr_null(trace_op_name(TRACE_OPS));
	ck_assert_ptr_null(trace_op_name(200));
	ck_assert_ptr_null(trace_op_name(~0u));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("count");

	tcase_add_test(tc, trace_counts_lines);
	tcase_add_test(tc, trace_long_lines);
	tcase_add_test(tc, trace_op_names);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
