// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The counters document and the error-event lines: stable JSON for a fixed
 * input, escaped names, errno names, and where an error came from; both
 * start with their schema and origin, the event log with a header line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_config.h"
#include "errname.h"
#include "errsrc.h"
#include "json.h"
#include "stats.h"
#include "unit.h"

static char *slurp(FILE *f)
{
	static char buf[8192];
	size_t n;

	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

static const struct json_origin fixed_origin = {
	.kernel = "6.1.0", .host = "h", .started = "2026-12-04T22:55:01Z",
};

START_TEST(counters_document_is_stable)
{
	struct inode_store store;
	struct stats st;
	struct stats_mode m = { .requested = "fallback", .effective = "never",
				.reason = "open_by_handle_at(shared dir): \"EPERM\"",
				.cache = "never", .readdirplus = 0 };
	FILE *f = tmpfile();

	ck_assert_int_eq(store_init(&store), 0);
	ck_assert_int_eq(stats_init(&st, NULL), 0);
	st.origin = fixed_origin;
	stats_count(&st.requests[OP_LOOKUP], 3);
	stats_count(&st.ok[OP_LOOKUP], 2);
	stats_count(&st.forgets, 5);
	struct error_event ev = { .op = OP_LOOKUP, .nodeid = 1, .err = ESTALE };

	stats_error_event(&st, &ev);
	stats_write_json(&st, &store, &m, f);
	ck_assert_str_eq(slurp(f),
		"{\"schema\":\"stats/1\",\"stalefs\":\"" STALEFS_VERSION "\",\"kernel\":\"6.1.0\","
		"\"host\":\"h\",\"started\":\"2026-12-04T22:55:01Z\","
		"\"inode_mode\":{\"requested\":\"fallback\",\"effective\":\"never\","
		"\"reason\":\"open_by_handle_at(shared dir): \\\"EPERM\\\"\"},\"cache\":\"never\","
		"\"readdirplus\":false,\"store\":{\"entries\":0,\"fds\":0,\"handles\":0,"
		"\"stale\":0,\"next_nodeid\":2},\"forgotten\":5,\"faults\":0,"
		"\"requests\":{\"LOOKUP\":3},"
		"\"ok\":{\"LOOKUP\":2},\"errors\":{\"ESTALE\":1}}\n");
	fclose(f);
	stats_destroy(&st);
	store_destroy(&store);
}
END_TEST

START_TEST(error_event_names_op_errno_and_source)
{
	char path[] = "/tmp/stalefs-events.XXXXXX";
	struct stats st;
	char line[1024];
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(stats_init(&st, path), 0);
	errsrc_reset();
	errno = ESTALE;
	ck_assert_int_eq(host_err("open_by_handle_at"), -ESTALE);
	struct error_event ev = { .op = OP_GETATTR, .nodeid = 77, .name = "a\"b\n",
				  .err = ESTALE, .source = errsrc_current.kind,
				  .detail = errsrc_current.detail, .pid = 42 };

	stats_error_event(&st, &ev);
	stats_destroy(&st);
	f = fdopen(fd, "r");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));	/* the header */
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
	/* Everything after the timestamp is fixed. */
	char *rest = strstr(line, ",\"type\"");

	ck_assert_ptr_nonnull(rest);
	ck_assert_str_eq(rest,
		",\"type\":\"error\",\"op\":\"GETATTR\",\"nodeid\":77,\"name\":\"a\\\"b\\u000a\",\"errno\":116,"
		"\"err\":\"ESTALE\",\"source\":\"host\",\"detail\":\"open_by_handle_at\",\"pid\":42}\n");
}
END_TEST

START_TEST(event_log_starts_with_a_header_per_daemon)
{
	char path[] = "/tmp/stalefs-events.XXXXXX";
	char line[1024], want[256];
	struct stats st;
	FILE *f;
	int fd = mkstemp(path), headers = 0, lines = 0;

	ck_assert_int_ge(fd, 0);
	for (int run = 0; run < 2; run++) {	/* a second daemon appends its own */
		ck_assert_int_eq(stats_init(&st, path), 0);
		struct error_event ev = { .op = OP_LOOKUP, .nodeid = 1, .err = ENOENT };

		stats_error_event(&st, &ev);
		stats_destroy(&st);
	}
	f = fdopen(fd, "r");
	snprintf(want, sizeof(want), "{\"schema\":\"events/1\",\"stalefs\":\"%s\",\"kernel\":",
		 STALEFS_VERSION);
	while (fgets(line, sizeof(line), f)) {
		if (lines++ % 2 == 0) {
			ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "not a header: %s", line);
			ck_assert_ptr_nonnull(strstr(line, ",\"type\":\"header\",\"t_ns\":"));
			ck_assert_ptr_nonnull(strstr(line, "\"started\":\"20"));
			headers++;
		} else {
			ck_assert_ptr_nonnull(strstr(line, "\"type\":\"error\""));
		}
	}
	fclose(f);
	unlink(path);
	ck_assert_int_eq(headers, 2);
	ck_assert_int_eq(lines, 4);
}
END_TEST

START_TEST(first_error_source_wins)
{
	errsrc_reset();
	ck_assert_int_eq(daemon_err("unknown-nodeid", -EBADF), -EBADF);
	errno = EIO;
	ck_assert_int_eq(host_err("statx"), -EIO);
	ck_assert_str_eq(errsrc_current.kind, ERRSRC_DAEMON);
	ck_assert_str_eq(errsrc_current.detail, "unknown-nodeid");
	errsrc_reset();
	ck_assert_ptr_null(errsrc_current.kind);
}
END_TEST

START_TEST(unknown_errno_gets_a_number)
{
	char buf[16];

	ck_assert_str_eq(errname(ESTALE, buf, sizeof(buf)), "ESTALE");
	ck_assert_str_eq(errname(4000, buf, sizeof(buf)), "E4000");
}
END_TEST

static Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, counters_document_is_stable);
	tcase_add_test(tc, error_event_names_op_errno_and_source);
	tcase_add_test(tc, event_log_starts_with_a_header_per_daemon);
	tcase_add_test(tc, first_error_source_wins);
	tcase_add_test(tc, unknown_errno_gets_a_number);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(stats_suite());
}
