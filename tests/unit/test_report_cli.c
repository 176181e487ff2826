// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `stalefs report` the command (report_cli.c): it writes what the report
 * module renders for its inputs, exits 1 when a cell failed, 0 when none
 * did, 2 on bad input or usage, and leaves no half report behind. Mounts
 * nothing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "unit.h"

static const char failing[] =
	"{\"cell\":\"a\",\"params\":{\"mode\":\"never\"},\"status\":\"ran\",\"reps\":1,"
	"\"reps_ran\":1,\"calls\":{\"stat\":10},\"estale\":{\"stat\":3},\"estale_total\":3,"
	"\"verdict\":\"fail\",\"repro\":\"stalefs run a\",\"rep_results\":[{\"seed\":1,"
	"\"exit\":1,\"estale\":3}]}\n"
	"{\"cell\":\"b\",\"status\":\"ran\",\"verdict\":\"pass\"}\n";

#define PASS_LINE "{\"cell\":\"a\",\"status\":\"ran\",\"verdict\":\"pass\"}\n"

static int run_cli(const char *a1, const char *a2, const char *a3, const char *a4,
		   const char *a5, const char *a6)
{
	const char *args[] = { "report", a1, a2, a3, a4, a5, a6, NULL };
	int argc = 1;

	while (args[argc])
		argc++;
	return report_main(argc, (char **)args);
}

/* What the report module renders for text. */
static char *rendered(const char *text, enum report_format fmt)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r"), *out;
	struct report r;
	char err[256], *buf = NULL;
	size_t len = 0;

	ck_assert_ptr_nonnull(in);
	report_init(&r);
	ck_assert_msg(report_read(&r, in, "in", err, sizeof(err)) == 0, "%s", err);
	fclose(in);
	out = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(report_render(&r, fmt, NULL, out), 0);
	ck_assert_int_eq(fclose(out), 0);
	report_free(&r);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int ch;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(m);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	ck_assert_int_eq(fclose(m), 0);
	return buf;
}

START_TEST(the_command_writes_the_report_and_exits_by_the_worst_verdict)
{
	char dir[256], in[300], pass[300], bad[300], out[300], *got, *want;
	int dfd;

	unit_mkdtemp(dir, sizeof(dir));
	dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	unit_write_file(dfd, "in.jsonl", failing);
	unit_write_file(dfd, "pass.jsonl", PASS_LINE);
	unit_write_file(dfd, "bad.jsonl", PASS_LINE "not json\n");
	snprintf(in, sizeof(in), "%s/in.jsonl", dir);
	snprintf(pass, sizeof(pass), "%s/pass.jsonl", dir);
	snprintf(bad, sizeof(bad), "%s/bad.jsonl", dir);
	snprintf(out, sizeof(out), "%s/out", dir);

	ck_assert_int_eq(run_cli("--format", "json", "--out", out, in, NULL), 1);
	got = slurp(out);
	want = rendered(failing, REPORT_JSON);
	/* The same but for the time the report was made (its "started"). */
	ck_assert_ptr_nonnull(strstr(got, ",\"cells\":["));
	ck_assert_str_eq(strstr(got, ",\"cells\":["), strstr(want, ",\"cells\":["));
	free(got);
	free(want);
	ck_assert_int_eq(run_cli("--out", out, "--format=junit", pass, NULL, NULL), 0);
	ck_assert_int_eq(run_cli("--out", out, pass, in, "--format", "markdown"), 1);
	unlink(out);
	ck_assert_int_eq(run_cli("--out", out, pass, bad, NULL, NULL), 2);
	ck_assert_int_eq(access(out, F_OK), -1);	/* no half report */
	close(dfd);
	unit_rmtree(dir);
}
END_TEST

/* Every line at most width columns; the longest line's length. */
static size_t longest(const char *text)
{
	size_t max = 0;

	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n");

		if (n > max)
			max = n;
		s += n + (s[n] == '\n');
	}
	return max;
}

START_TEST(text_is_as_wide_as_columns_and_wide_gives_every_column)
{
	static const char cells[] =
		"{\"cell\":\"never/unprivileged/metadata/a-rather-long-profile-name/read+overlay+churn+two-path\","
		"\"status\":\"ran\",\"calls\":{\"stat\":100},\"estale\":{\"stat\":3},\"estale_total\":3,"
		"\"attribution\":{\"kernel\":3},\"verdict\":\"estale\"}\n"
		"{\"cell\":\"b\",\"status\":\"timeout\",\"reason\":\"no answer in 60 s\",\"verdict\":\"error\","
		"\"repro\":\"stalefs run b\"}\n";
	char dir[256], in[300], out[300], *got;
	int dfd;

	unit_mkdtemp(dir, sizeof(dir));
	dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	unit_write_file(dfd, "in.jsonl", cells);
	snprintf(in, sizeof(in), "%s/in.jsonl", dir);
	snprintf(out, sizeof(out), "%s/out", dir);

	ck_assert_int_eq(setenv("COLUMNS", "70", 1), 0);
	ck_assert_int_eq(run_cli("--out", out, in, NULL, NULL, NULL), 1);	/* error: exit 1 */
	got = slurp(out);
	ck_assert_msg(longest(got) <= 70, "%s", got);
	ck_assert_msg(strstr(got, "\nnever/unpriv") && strstr(got, ".."), "%s", got);
	ck_assert_msg(strstr(got, "  # b\n  stalefs run b\n"), "%s", got);
	free(got);
	ck_assert_int_eq(unsetenv("COLUMNS"), 0);
	ck_assert_int_eq(run_cli("--out", out, "--wide", in, NULL, NULL), 1);
	got = slurp(out);
	ck_assert_msg(strstr(got, "other errnos") && strstr(got, "emitted/masked"), "%s", got);
	ck_assert_msg(strstr(got, "\nnever/unprivileged/metadata/a-rather-long-profile-name/read+overlay+"
			      "churn+two-path  "), "%s", got);
	free(got);
	close(dfd);
	unit_rmtree(dir);
}
END_TEST

START_TEST(bad_input_and_usage_exit_2)
{
	char dir[256], pass[300], out[300];
	int dfd;

	unit_mkdtemp(dir, sizeof(dir));
	dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	unit_write_file(dfd, "pass.jsonl", PASS_LINE);
	snprintf(pass, sizeof(pass), "%s/pass.jsonl", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(run_cli("--out", out, "/nonexistent/cells.jsonl", NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cli("--format", "yaml", pass, NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cli("--bogus", pass, NULL, NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cli("--out", out, NULL, NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cli("--out", "/nonexistent/dir/out", pass, NULL, NULL, NULL), 2);
	close(dfd);
	unit_rmtree(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_cli");
	TCase *tc = tcase_create("report_cli");

	tcase_add_test(tc, the_command_writes_the_report_and_exits_by_the_worst_verdict);
	tcase_add_test(tc, text_is_as_wide_as_columns_and_wide_gives_every_column);
	tcase_add_test(tc, bad_input_and_usage_exit_2);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
