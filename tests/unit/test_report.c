// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `stalefs report`: the Wilson interval, merging of cells that share an id,
 * the four renderers (JSON and JUnit byte for byte, text and Markdown by
 * their content), XML and Markdown escaping, the 1 MiB Markdown cap,
 * and refusal of malformed lines with file:line (the command's exit codes:
 * test_report_cli.c). Mounts nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"
#include "report.h"
#include "report_render.h"
#include "unit.h"

/*
 * Three cells: "a" is clean (its mode fell back from prefer to never), "b"
 * comes in two lines with the same params (a blank line and an unknown
 * field in between) that merge into one failed cell, "c" could not run.
 * Old verdict words (pass, fail, skip) and new ones (estale) are mixed.
 */
static const char fixture[] =
	"{\"schema\":\"cell/1\",\"stalefs\":\"0.1.0\",\"kernel\":\"6.1.0-k\",\"host\":\"h1\","
	"\"started\":\"2026-12-04T10:00:00Z\",\"cell\":\"a\","
	"\"params\":{\"mode\":\"prefer\",\"expect\":\"none\","
	"\"rules\":[\"errno:op=READ,errno=ESTALE\"]},\"status\":\"ran\",\"effective_mode\":\"never\","
	"\"mode_reason\":\"no handles\",\"reps\":1,\"reps_ran\":1,\"calls\":{\"stat\":10,"
	"\"open\":10},\"estale\":{\"stat\":0},\"estale_total\":0,\"emitted\":0,"
	"\"emitted_trace\":0,\"verdict\":\"pass\",\"duration_s\":1.5,\"ops_per_s\":100,"
	"\"repro\":\"stalefs run a\",\"rep_results\":[{\"seed\":1,\"exit\":0}]}\n"
	"{\"host\":\"h2\",\"started\":\"2026-12-04T09:00:00Z\",\"cell\":\"b\","
	"\"params\":{\"mode\":\"never\"},\"status\":\"ran\","
	"\"effective_mode\":\"never\",\"reps\":1,\"reps_ran\":1,\"calls\":{\"stat\":100,"
	"\"open\":100},\"estale\":{\"stat\":7,\"open\":3},\"errors\":{\"open\":{\"ENOENT\":2,"
	"\"EIO\":1}},\"estale_total\":10,\"integrity\":{\"files\":5,\"mismatches\":1},"
	"\"emitted\":4,\"emitted_trace\":4,\"masked\":1,"
	"\"attribution\":{\"inject\":{\"rule 1 errno\":4},\"host\":{\"open_by_handle_at\":2},"
	"\"kernel\":4},\"faults_fired\":4,\"ops_per_s\":200,\"duration_s\":1,"
	"\"verdict\":\"fail\",\"repro\":\"stalefs run b --seed 1\","
	"\"rep_results\":[{\"seed\":1,\"exit\":1,\"estale\":10,\"errors\":13,"
	"\"mismatches\":1}],\"unknown\":{\"x\":[1,2]}}\n"
	"\n"
	"{\"cell\":\"c\",\"params\":{\"mode\":\"mandatory\"},\"status\":\"cannot-run\","
	"\"reason\":\"needs CAP_DAC_READ_SEARCH & <root>\",\"reps\":1,\"emitted_trace\":null,"
	"\"verdict\":\"skip\",\"duration_s\":0.01}\n"
	"{\"cell\":\"b\",\"params\":{\"mode\":\"never\"},\"status\":\"ran\","
	"\"effective_mode\":\"never\",\"reps\":1,\"reps_ran\":1,\"calls\":{\"stat\":100,"
	"\"readdir\":50},\"estale\":{\"stat\":5,\"readdir\":2},"
	"\"errors\":{\"open\":{\"ENOENT\":1}},\"estale_total\":7,\"emitted\":1,"
	"\"emitted_trace\":null,\"attribution\":{\"kernel\":7},\"ops_per_s\":100,"
	"\"duration_s\":3,\"verdict\":\"estale\",\"rep_results\":[{\"seed\":2,\"exit\":1,"
	"\"estale\":7,\"errors\":8,\"mismatches\":0}]}\n";

/* After the report's origin (schema, stalefs, kernel, host, started). */
static const char expect_json[] =
	",\"cells\":[\n"
	"{\"cell\":\"a\",\"line_id\":\"a\",\"backend\":\"stalefs\",\"params\":{\"mode\":\"pr"
	"efer\",\"privilege\":\"root\",\"cache\":\"auto\",\"profile\":\"none\",\"rules\":["
	"\"errno:op=READ,errno=ESTALE\"],\"virtiofsd_version\":\"1.13.2\",\"rlimit"
	"_nofile\":-1,\"workload\":\"read\",\"overlay\":false,\"churn\":false,\"layer"
	"_every\":0.000,\"drop_caches_ms\":0,\"xattr\":false,\"threads\":4,\"rounds"
	"\":1,\"seconds\":2.000,\"count\":0,\"reps\":1,\"until_estale\":false,\"seed\""
	":1,\"objects\":200,\"max_links\":100,\"expect\":\"none\",\"readonly\":false,"
	"\"two_path\":false,\"second_daemon\":false,\"memory_pressure\":0,\"dir_mo"
	"ve_every\":0.000,\"submount_every\":0.000,\"podman_every\":0.000},\"star"
	"ted\":\"2026-12-04T10:00:00Z\",\"host\":\"h1\",\"kernel\":\"6.1.0-k\",\"status"
	"\":\"ran\",\"reason\":\"\",\"effective_mode\":\"never\",\"mode_reason\":\"no han"
	"dles\",\"reps\":1,\"reps_ran\":1,\"merged\":1,\"calls\":{\"stat\":10,\"open\":1"
	"0},\"calls_total\":20,\"estale\":{\"stat\":0,\"open\":0},\"errors\":{},\"esta"
	"le_total\":0,\"estale_rate\":0,\"ci95\":[0,0.161125],\"integrity\":{\"file"
	"s\":0,\"bytes\":0,\"symlinks\":0,\"xattrs\":0,\"mismatches\":0},\"emitted\":0"
	",\"emitted_trace\":0,\"masked\":0,\"attribution\":{\"inject\":{},\"host\":{}"
	",\"daemon\":{},\"kernel\":0,\"unattributed\":0},\"faults_fired\":0,\"ops_pe"
	"r_s\":100,\"duration_s\":1.5,\"setup_s\":0,\"teardown_s\":0,\"chains\":{\"to"
	"tal\":0,\"complete\":0,\"sampled\":0,\"unsampled\":0,\"list\":[]},\"verdict\""
	":\"clean\",\"repro\":\"stalefs run a\",\"rep_results\":[{\"seed\":1,\"exit\":0"
	",\"estale\":0,\"errors\":0,\"mismatches\":0}]},\n"
	"{\"cell\":\"b\",\"line_id\":\"b\",\"backend\":\"stalefs\",\"params\":{\"mode\":\"ne"
	"ver\",\"privilege\":\"root\",\"cache\":\"auto\",\"profile\":\"none\",\"rules\":[]"
	",\"virtiofsd_version\":\"1.13.2\",\"rlimit_nofile\":-1,\"workload\":\"read\""
	",\"overlay\":false,\"churn\":false,\"layer_every\":0.000,\"drop_caches_ms"
	"\":0,\"xattr\":false,\"threads\":4,\"rounds\":1,\"seconds\":2.000,\"count\":0"
	",\"reps\":1,\"until_estale\":false,\"seed\":1,\"objects\":200,\"max_links\":"
	"100,\"expect\":\"any\",\"readonly\":false,\"two_path\":false,\"second_daemo"
	"n\":false,\"memory_pressure\":0,\"dir_move_every\":0.000,\"submount_ever"
	"y\":0.000,\"podman_every\":0.000},\"started\":\"2026-12-04T09:00:00Z\",\"h"
	"ost\":\"h2\",\"kernel\":\"\",\"status\":\"ran\",\"reason\":\"\",\"effective_mode\":"
	"\"never\",\"mode_reason\":\"\",\"reps\":2,\"reps_ran\":2,\"merged\":2,\"calls\":"
	"{\"stat\":200,\"open\":100,\"readdir\":50},\"calls_total\":350,\"estale\":{\""
	"stat\":12,\"open\":3,\"readdir\":2},\"errors\":{\"open\":{\"ENOENT\":3,\"EIO\":"
	"1}},\"estale_total\":17,\"estale_rate\":0.0485714,\"ci95\":[0.0305438,0."
	"0764009],\"integrity\":{\"files\":5,\"bytes\":0,\"symlinks\":0,\"xattrs\":0,"
	"\"mismatches\":1},\"emitted\":5,\"emitted_trace\":null,\"masked\":1,\"attri"
	"bution\":{\"inject\":{\"rule 1 errno\":4},\"host\":{\"open_by_handle_at\":2"
	"},\"daemon\":{},\"kernel\":11,\"unattributed\":0},\"faults_fired\":4,\"ops_"
	"per_s\":125,\"duration_s\":4,\"setup_s\":0,\"teardown_s\":0,\"chains\":{\"to"
	"tal\":0,\"complete\":0,\"sampled\":0,\"unsampled\":0,\"list\":[]},\"verdict\""
	":\"failed\",\"repro\":\"stalefs run b --seed 1\",\"rep_results\":[{\"seed\":"
	"1,\"exit\":1,\"estale\":10,\"errors\":13,\"mismatches\":1},{\"seed\":2,\"exit"
	"\":1,\"estale\":7,\"errors\":8,\"mismatches\":0}]},\n"
	"{\"cell\":\"c\",\"line_id\":\"c\",\"backend\":\"stalefs\",\"params\":{\"mode\":\"ma"
	"ndatory\",\"privilege\":\"root\",\"cache\":\"auto\",\"profile\":\"none\",\"rules"
	"\":[],\"virtiofsd_version\":\"1.13.2\",\"rlimit_nofile\":-1,\"workload\":\"r"
	"ead\",\"overlay\":false,\"churn\":false,\"layer_every\":0.000,\"drop_cache"
	"s_ms\":0,\"xattr\":false,\"threads\":4,\"rounds\":1,\"seconds\":2.000,\"coun"
	"t\":0,\"reps\":1,\"until_estale\":false,\"seed\":1,\"objects\":200,\"max_lin"
	"ks\":100,\"expect\":\"any\",\"readonly\":false,\"two_path\":false,\"second_d"
	"aemon\":false,\"memory_pressure\":0,\"dir_move_every\":0.000,\"submount_"
	"every\":0.000,\"podman_every\":0.000},\"started\":\"\",\"host\":\"\",\"kernel\""
	":\"\",\"status\":\"cannot-run\",\"reason\":\"needs CAP_DAC_READ_SEARCH & <r"
	"oot>\",\"effective_mode\":\"\",\"mode_reason\":\"\",\"reps\":1,\"reps_ran\":0,\""
	"merged\":1,\"calls\":{},\"calls_total\":0,\"estale\":{},\"errors\":{},\"esta"
	"le_total\":0,\"estale_rate\":0,\"ci95\":[0,1],\"integrity\":{\"files\":0,\"b"
	"ytes\":0,\"symlinks\":0,\"xattrs\":0,\"mismatches\":0},\"emitted\":0,\"emitt"
	"ed_trace\":null,\"masked\":0,\"attribution\":{\"inject\":{},\"host\":{},\"da"
	"emon\":{},\"kernel\":0,\"unattributed\":0},\"faults_fired\":0,\"ops_per_s\""
	":0,\"duration_s\":0.01,\"setup_s\":0,\"teardown_s\":0,\"chains\":{\"total\":"
	"0,\"complete\":0,\"sampled\":0,\"unsampled\":0,\"list\":[]},\"verdict\":\"ski"
	"pped\",\"repro\":\"\",\"rep_results\":[]}\n"
	"],\n"
	"\"totals\":{\"cells\":3,\"clean\":1,\"estale\":0,\"failed\":1,\"skipped\":1,\"e"
	"rror\":0,\"calls\":370,\"estale_total\":17,\"estale_rate\":0.0459459,\"ci9"
	"5\":[0.0288815,0.0723418],\"mismatches\":1,\"emitted\":5,\"masked\":1,\"fa"
	"ults_fired\":4,\"duration_s\":5.51}}\n";

/* The stalefs version replaced by V. */
static const char expect_junit[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<testsuites name=\"T &lt;&amp;&gt;\" tests=\"3\" failures=\"1\" errors=\"0\""
	" skipped=\"1\" time=\"5.510\">\n"
	"  <testsuite name=\"T &lt;&amp;&gt;\" tests=\"3\" failures=\"1\" errors=\"0\""
	" skipped=\"1\" time=\"5.510\" timestamp=\"2026-12-04T09:00:00\" hostname=\"h1, h2\">\n"
	"    <properties>\n"
	"      <property name=\"stalefs\" value=\"V\"/>\n"
	"      <property name=\"kernel\" value=\"6.1.0-k\"/>\n"
	"    </properties>\n"
	"    <testcase classname=\"stalefs.matrix\" name=\"a\" time=\"1.500\">\n"
	"      <properties>\n"
	"        <property name=\"backend\" value=\"stalefs\"/>\n"
	"        <property name=\"mode\" value=\"prefer\"/>\n"
	"        <property name=\"rules\" value=\"errno:op=READ,errno=ESTALE\"/>\n"
	"        <property name=\"expect\" value=\"none\"/>\n"
	"      </properties>\n"
	"      <system-out>a: mode never (asked prefer), verdict clean, 20 calls, 0"
	" surfaced ESTALE 0% [0%, 16.1%], 0 mismatches, emitted/masked 0/0, 100 ops/s,"
	" mode: no handles</system-out>\n"
	"    </testcase>\n"
	"    <testcase classname=\"stalefs.matrix\" name=\"b\" time=\"4.000\">\n"
	"      <properties>\n"
	"        <property name=\"backend\" value=\"stalefs\"/>\n"
	"      </properties>\n"
	"      <failure message=\"17 surfaced ESTALE in 350 calls (4.86% [3.05%, 7.64%]),"
	" 1 integrity mismatches\" type=\"failed\">status: ran\n"
	"mode: never\n"
	"surfaced ESTALE: 17 of 350 calls, 4.86% [3.05%, 7.64%]\n"
	"by op: stat 12, open 3, readdir 2\n"
	"other errnos: open ENOENT 3, open EIO 1\n"
	"integrity mismatches: 1\n"
	"attribution: kernel 11, inject rule 1 errno 4, host open_by_handle_at 2\n"
	"emitted/masked: 5/1\n"
	"faults fired: 4\n"
	"reps ran: 2 of 2\n"
	"repro: stalefs run b --seed 1\n"
	"</failure>\n"
	"      <system-out>b: mode never, verdict failed, 350 calls, 17 surfaced ESTALE"
	" 4.86% [3.05%, 7.64%] (stat 12, open 3, readdir 2), other errnos open ENOENT 3,"
	" open EIO 1, 1 mismatches, attribution kernel 11, inject rule 1 errno 4, host"
	" open_by_handle_at 2, emitted/masked 5/1, 125 ops/s</system-out>\n"
	"    </testcase>\n"
	"    <testcase classname=\"stalefs.matrix\" name=\"c\" time=\"0.010\">\n"
	"      <properties>\n"
	"        <property name=\"backend\" value=\"stalefs\"/>\n"
	"        <property name=\"mode\" value=\"mandatory\"/>\n"
	"      </properties>\n"
	"      <skipped message=\"needs CAP_DAC_READ_SEARCH &amp; &lt;root&gt;\"/>\n"
	"      <system-out>c: mode - (asked mandatory), verdict skipped, cannot-run:"
	" needs CAP_DAC_READ_SEARCH &amp; &lt;root&gt;</system-out>\n"
	"    </testcase>\n"
	"  </testsuite>\n"
	"</testsuites>\n";

#define OK_LINE2(id) "{\"cell\":\"" id "\",\"status\":\"ran\",\"verdict\":\"pass\"}"

static void load(struct report *r, const char *text, const char *name)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	char err[512] = "";

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(report_read(r, f, name, err, sizeof(err)) == 0, "%s", err);
	fclose(f);
}

/* The report's own origin, fixed for byte-stable output. */
static void fix_origin(struct report *r)
{
	snprintf(r->made.kernel, sizeof(r->made.kernel), "6.1.0-test");
	snprintf(r->made.host, sizeof(r->made.host), "testhost");
	snprintf(r->made.started, sizeof(r->made.started), "2026-12-04T12:00:00Z");
}

/* The error of reading text, or NULL when it was read. */
static int load_err(const char *text, const char *name, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct report r;
	int ret;

	ck_assert_ptr_nonnull(f);
	report_init(&r);
	ret = report_read(&r, f, name, err, errlen);
	report_free(&r);
	fclose(f);
	return ret;
}

static char *render(const struct report *r, enum report_format fmt, const char *title)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(report_render(r, fmt, title, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static char *markdown(const struct report *r, size_t max, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(report_markdown(r, NULL, max, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

#define assert_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "no '%s' in:\n%s", (needle), (hay))
#define assert_near(a, b) ck_assert_msg(fabs((a) - (b)) < 5e-5, "%.6f != %.6f", (a), (b))

START_TEST(wilson_interval_and_percentages_match_known_values)
{
	struct report_ci ci;
	char buf[32];

	ci = report_wilson(0, 10);
	ck_assert(ci.lo == 0);
	assert_near(ci.hi, 0.2775);
	ci = report_wilson(5, 10);
	assert_near(ci.lo, 0.2366);
	assert_near(ci.hi, 0.7634);
	ci = report_wilson(1940, 15000);
	assert_near(ci.lo, 0.12406);
	assert_near(ci.hi, 0.13480);
	ci = report_wilson(10, 10);
	assert_near(ci.lo, 0.7225);
	ck_assert(ci.hi == 1);
	ci = report_wilson(0, 0);
	ck_assert(ci.lo == 0 && ci.hi == 1);
	ci = report_wilson(12, 10);	/* inconsistent input: capped at n */
	ck_assert(ci.hi == 1);

	report_pct(buf, sizeof(buf), 1940.0 / 15000);
	ck_assert_str_eq(buf, "12.9%");
	report_pct(buf, sizeof(buf), 0.000097);
	ck_assert_str_eq(buf, "0.00970%");
	report_pct(buf, sizeof(buf), 0.05);
	ck_assert_str_eq(buf, "5.00%");
	report_pct(buf, sizeof(buf), 0);
	ck_assert_str_eq(buf, "0%");
	report_pct(buf, sizeof(buf), 1);
	ck_assert_str_eq(buf, "100%");
}
END_TEST

START_TEST(lines_with_one_cell_id_merge_into_one_cell)
{
	struct report r;
	const struct report_cell *b;
	struct report_totals t;

	report_init(&r);
	load(&r, fixture, "fixture");
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(r.cells[0].id, "a");
	ck_assert_str_eq(r.cells[1].id, "b");
	ck_assert_str_eq(r.cells[2].id, "c");
	b = &r.cells[1];
	ck_assert_uint_eq(b->merged, 2);
	ck_assert_str_eq(b->params.mode, "never");	/* the first line's params */
	ck_assert_uint_eq(report_cell_calls(b), 350);
	ck_assert_uint_eq(b->calls.n, 3);
	ck_assert_str_eq(b->calls.v[2].key, "readdir");
	ck_assert_uint_eq(b->calls.v[0].n, 200);
	ck_assert_uint_eq(b->estale_total, 17);
	ck_assert_uint_eq(b->estale.v[0].n, 12);
	ck_assert_uint_eq(b->nerrors, 1);
	ck_assert_str_eq(b->errors[0].op, "open");
	ck_assert_uint_eq(b->errors[0].by_errno.v[0].n, 3);	/* ENOENT 2 + 1 */
	ck_assert_uint_eq(b->errors[0].by_errno.v[1].n, 1);	/* EIO */
	ck_assert_uint_eq(b->integrity.mismatches, 1);
	ck_assert_uint_eq(b->emitted, 5);
	ck_assert(b->trace_seen && b->trace_missing);	/* one shard had no tracefs */
	ck_assert_uint_eq(b->masked, 1);
	ck_assert_uint_eq(b->kernel, 11);
	ck_assert_uint_eq(b->inject.v[0].n, 4);
	ck_assert_uint_eq(b->host.v[0].n, 2);
	ck_assert_uint_eq(b->faults_fired, 4);
	ck_assert_uint_eq(b->reps_ran, 2);
	ck_assert(fabs(b->duration_s - 4) < 1e-9);
	ck_assert(fabs(b->ops_per_s - 125) < 1e-9);	/* weighted by duration */
	ck_assert_int_eq(b->verdict, VERDICT_FAILED);	/* fail (old word) beats estale */
	ck_assert_str_eq(b->origin.started, "2026-12-04T09:00:00Z");
	ck_assert_str_eq(b->origin.host, "h2");
	ck_assert_uint_eq(b->nrep_results, 2);
	ck_assert_uint_eq(b->rep_results[1].seed, 2);
	ck_assert_uint_eq(b->rep_results[1].estale, 7);
	ck_assert_int_eq(r.cells[2].verdict, VERDICT_SKIPPED);
	ck_assert_str_eq(r.cells[2].status, "cannot-run");
	report_totals(&r, &t);
	ck_assert_uint_eq(t.cells, 3);
	ck_assert_uint_eq(t.clean, 1);
	ck_assert_uint_eq(t.with_estale, 0);
	ck_assert_uint_eq(t.errored, 0);
	ck_assert_uint_eq(t.failed, 1);
	ck_assert_uint_eq(t.skipped, 1);
	ck_assert_uint_eq(t.calls, 370);
	ck_assert_uint_eq(t.estale, 17);
	ck_assert(report_failed(&r));

	/* Verdicts: clean (pass) beats skipped; a cell that ran with the trace keeps it. */
	load(&r, "{\"cell\":\"d\",\"verdict\":\"skip\",\"emitted_trace\":3,\"status\":\"ran\"}\n"
		 "{\"cell\":\"d\",\"verdict\":\"pass\",\"status\":\"ran\",\"emitted_trace\":2}\n"
		 "{\"cell\":\"f\",\"verdict\":\"skip\",\"status\":\"cannot-run\"}\n", "more");
	ck_assert_uint_eq(r.n, 5);
	ck_assert_int_eq(r.cells[3].verdict, VERDICT_CLEAN);
	ck_assert_uint_eq(report_cell_calls(&r.cells[3]), 0);
	ck_assert(r.cells[3].trace_seen && !r.cells[3].trace_missing);
	ck_assert_uint_eq(r.cells[3].emitted_trace, 5);
	ck_assert_int_eq(r.cells[4].verdict, VERDICT_SKIPPED);
	ck_assert_uint_eq(r.nwarn, 0);
	report_free(&r);
}
END_TEST

#define VLINE(id, status, verdict) \
	"{\"cell\":\"" id "\",\"status\":\"" status "\",\"verdict\":\"" verdict "\"}\n"

START_TEST(merged_verdict_is_the_worst_skipped_clean_estale_failed_error)
{
	static const char *const order[] = { "skipped", "clean", "estale", "failed", "error" };
	struct report r;

	/* Each pair: the worse comes first or second; the merge keeps it. */
	for (int lo = 0; lo < 5; lo++) {
		for (int hi = lo; hi < 5; hi++) {
			char text[512];

			snprintf(text, sizeof(text), VLINE("x", "ran", "%s") VLINE("x", "ran", "%s")
				 VLINE("y", "ran", "%s") VLINE("y", "ran", "%s"),
				 order[lo], order[hi], order[hi], order[lo]);
			report_init(&r);
			load(&r, text, "v");
			ck_assert_uint_eq(r.n, 2);
			ck_assert_str_eq(run_verdict_name(r.cells[0].verdict), order[hi]);
			ck_assert_str_eq(run_verdict_name(r.cells[1].verdict), order[hi]);
			ck_assert(report_failed(&r) == (hi >= 3));
			report_free(&r);
		}
	}
}
END_TEST

START_TEST(runs_with_one_id_but_other_rules_or_xattr_are_not_summed)
{
	/* One id, three runs: other --inject rules, then --xattr. */
	static const char text[] =
		"{\"cell\":\"never/root/auto/none/read\",\"params\":{\"rules\":[\"evict:every=3\"]},"
		"\"status\":\"ran\",\"calls\":{\"stat\":10},\"estale\":{\"stat\":1},\"estale_total\":1,"
		"\"verdict\":\"estale\",\"repro\":\"stalefs run --inject evict:every=3\"}\n"
		"{\"cell\":\"never/root/auto/none/read\",\"params\":{\"rules\":[\"evict:every=5\"]},"
		"\"status\":\"ran\",\"calls\":{\"stat\":20},\"estale\":{\"stat\":2},\"estale_total\":2,"
		"\"verdict\":\"estale\",\"repro\":\"stalefs run --inject evict:every=5\"}\n"
		"{\"cell\":\"never/root/auto/none/read\",\"params\":{\"rules\":[\"evict:every=3\"],"
		"\"xattr\":true},\"status\":\"ran\",\"calls\":{\"stat\":40},\"verdict\":\"clean\","
		"\"repro\":\"stalefs run --inject evict:every=3 --xattr\"}\n"
		/* The first run again: it merges with the first. */
		"{\"cell\":\"never/root/auto/none/read\",\"params\":{\"rules\":[\"evict:every=3\"]},"
		"\"status\":\"ran\",\"calls\":{\"stat\":10},\"verdict\":\"clean\"}\n";
	struct report r;
	char *out;

	report_init(&r);
	load(&r, text, "runs");
	ck_assert_uint_eq(r.n, 3);
	ck_assert_uint_eq(report_cell_calls(&r.cells[0]), 20);
	ck_assert_uint_eq(r.cells[0].merged, 2);
	ck_assert_uint_eq(report_cell_calls(&r.cells[1]), 20);
	ck_assert_uint_eq(report_cell_calls(&r.cells[2]), 40);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_msg(strncmp(r.cells[i].id, "never/root/auto/none/read #", 27) == 0, "%s",
			      r.cells[i].id);
		ck_assert_uint_eq(strlen(r.cells[i].id), 27 + 4);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(r.cells[i].id, r.cells[j].id);
	}
	ck_assert_str_eq(r.cells[1].repro, "stalefs run --inject evict:every=5");
	ck_assert_str_eq(r.cells[2].repro, "stalefs run --inject evict:every=3 --xattr");
	ck_assert_uint_eq(r.nwarn, 2);
	assert_has(r.warn[0], "(first: rules)");
	assert_has(r.warn[1], "(first: xattr)");
	assert_has(r.warn[1], "shown apart as #");
	out = render(&r, REPORT_JSON, NULL);
	assert_has(out, "\"line_id\":\"never/root/auto/none/read\",\"backend\":\"stalefs\"");
	assert_has(out, "\"xattr\":true");
	free(out);
	report_free(&r);

	/* Another backend is another cell too. */
	report_init(&r);
	load(&r, "{\"cell\":\"c\",\"status\":\"ran\",\"verdict\":\"clean\"}\n"
		 "{\"cell\":\"c\",\"backend\":\"virtiofsd\",\"status\":\"ran\",\"verdict\":\"clean\"}\n",
		 "backends");
	ck_assert_uint_eq(r.n, 2);
	assert_has(r.warn[0], "(first: backend)");
	report_free(&r);
}
END_TEST

START_TEST(json_output_is_byte_stable)
{
	struct report r;
	char *out, err[256];
	struct jv *v;

	static const char origin[] = "\",\"kernel\":\"6.1.0-test\",\"host\":\"testhost\","
				     "\"started\":\"2026-12-04T12:00:00Z\"";
	const char *rest;

	report_init(&r);
	fix_origin(&r);
	load(&r, fixture, "fixture");
	out = render(&r, REPORT_JSON, NULL);
	ck_assert_msg(strncmp(out, "{\"schema\":\"report/1\",\"stalefs\":\"", 31) == 0, "%s", out);
	rest = strstr(out, origin);
	ck_assert_ptr_nonnull(rest);
	ck_assert_str_eq(rest + strlen(origin), expect_json);
	v = jv_parse(out, strlen(out), err, sizeof(err));
	ck_assert_msg(v != NULL, "%s", err);
	ck_assert_uint_eq(jv_u64(jv_path(v, "totals.estale_total"), 0), 17);
	ck_assert_str_eq(jv_str(jv_get(v, "schema"), ""), "report/1");
	jv_free(v);
	free(out);
	report_free(&r);
}
END_TEST

START_TEST(json_output_of_huge_numbers_reads_back)
{
	/* %.3f once printed 1e100 as 101 digits, which the reader refuses; the
	 * cell reader now stops at 2^53, and the largest it takes round-trip. */
	static const char line[] =
		"{\"cell\":\"h\",\"params\":{\"seconds\":9007199254740992},\"status\":\"ran\","
		"\"verdict\":\"pass\",\"duration_s\":9007199254740992,\"ops_per_s\":9e15}\n"
		"{\"cell\":\"i\",\"status\":\"ran\",\"verdict\":\"pass\",\"duration_s\":9007199254740992}\n";
	struct report r;
	char *out, err[256];
	struct jv *v;

	report_init(&r);
	load(&r, line, "huge");
	out = render(&r, REPORT_JSON, NULL);
	assert_has(out, "\"seconds\":9007199254740992.000");
	v = jv_parse(out, strlen(out), err, sizeof(err));
	ck_assert_msg(v != NULL, "%s", err);
	ck_assert(jv_num(jv_path(v, "totals.duration_s"), 0) > 1.8e16);
	ck_assert_int_eq(load_err("{\"cell\":\"h\",\"params\":{\"seconds\":1e100}}\n", "c", err,
				  sizeof(err)), -EINVAL);
	assert_has(err, "\"seconds\" is not a number from 0 to 2^53");
	jv_free(v);
	free(out);
	report_free(&r);
}
END_TEST

START_TEST(torn_last_line_is_skipped_and_counted)
{
	/* A writer killed mid-line leaves a last line without its newline. */
	static const char text[] = OK_LINE2("a") "\n" OK_LINE2("b") "\n{\"cell\":\"c\",\"stat";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct report r;
	char err[256] = "";

	ck_assert_ptr_nonnull(f);
	report_init(&r);
	ck_assert_msg(report_read(&r, f, "t", err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.torn, 1);
	report_free(&r);
	fclose(f);
	/* The same line with its newline is a bad line, not a torn one. */
	ck_assert_int_eq(load_err(OK_LINE2("a") "\n{\"cell\":\"c\",\"stat\n", "t", err, sizeof(err)),
			 -EINVAL);
}
END_TEST

START_TEST(junit_output_is_byte_stable)
{
	struct report r;
	char *out;

	char *v;

	report_init(&r);
	load(&r, fixture, "fixture");
	out = render(&r, REPORT_JUNIT, "T <&>");
	v = strstr(out, "name=\"stalefs\" value=\"");
	ck_assert_ptr_nonnull(v);
	v += strlen("name=\"stalefs\" value=\"");
	memmove(v + 1, v + strcspn(v, "\""), strlen(v + strcspn(v, "\"")) + 1);
	*v = 'V';
	ck_assert_str_eq(out, expect_junit);
	free(out);
	report_free(&r);
}
END_TEST

/* Every line of text at most width columns. */
static void assert_fits(const char *text, size_t width)
{
	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n");

		ck_assert_msg(n <= width, "%zu columns > %zu: %.*s", n, width, (int)n, s);
		s += n + (s[n] == '\n');
	}
}

START_TEST(text_and_markdown_show_rows_totals_and_repro_lines)
{
	struct report r;
	char *out;

	report_init(&r);
	load(&r, fixture, "fixture");
	out = render(&r, REPORT_TEXT, NULL);
	ck_assert_msg(strncmp(out, "failed: 1 of 3 cells saw ESTALE (17 in 370 calls); made by the kernel "
			      "(no ESTALE from the daemon). 1 failed: repro line\nbelow.", 115) == 0,
		      "%s", out);
	assert_has(out, "What to try: `stalefs pinpoint`");
	assert_has(out, "\ncell  mode       verdict  ESTALE/calls  rate [95% CI]         made by\n");
	assert_has(out, "\na     never      clean            0/20  0% [0%, 16.1%]\n");
	assert_has(out, "\nb     never      failed         17/350  4.86% [3.05%, 7.64%]  kernel\n");
	assert_has(out, "\nc     mandatory  skipped             -  -\n");
	assert_has(out, "total: 3 cells: 1 clean, 0 estale, 1 failed, 1 skipped, 0 error; 17 surfaced "
			"ESTALE in 370 calls (4.59% [2.89%, 7.23%]);\n");
	assert_has(out, "\nwhy (kernel layer <- daemon answer <- cause):\nb\n  failed: 17 ESTALE in 350");
	assert_has(out, "\nnotes:\na\n  mode: no handles\nc\n  cannot-run: needs CAP_DAC_READ_SEARCH "
			"& <root>\n");
	assert_has(out, "reproduce the failed and error cells:\n  # b\n  stalefs run b --seed 1\n");
	ck_assert_ptr_null(strstr(out, "stalefs run a"));	/* clean: no repro */
	ck_assert_ptr_null(strstr(out, " \n"));		/* no trailing blanks */
	assert_fits(out, 120);
	free(out);

	/* --wide: every column, as before. */
	out = NULL;
	{
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		ck_assert_int_eq(report_text(&r, 120, true, f), 0);
		ck_assert_int_eq(fclose(f), 0);
	}
	assert_has(out, "cell  mode                  verdict  calls  ESTALE  rate [95% CI]");
	assert_has(out, "b     never                 failed     350      17  4.86% [3.05%, 7.64%]"
			"  stat 12, open 3, readdir 2  open ENOENT 3, open EIO 1");
	assert_has(out, "kernel 11, inject rule 1 errno 4, host open_by_handle_at 2  5/1");
	free(out);

	out = render(&r, REPORT_MARKDOWN, NULL);
	ck_assert_msg(strncmp(out, "## stalefs ESTALE matrix\n\n3 cells: 1 clean, 0 estale, 1 failed, "
			      "1 skipped, 0 error; 17 surfaced ESTALE", 87) == 0, "%s", out);
	assert_has(out, ".\n\nfailed: 1 of 3 cells saw ESTALE (17 in 370 calls); made by the kernel (no "
			"ESTALE from the daemon). 1 failed: repro line below.");
	assert_has(out, "| cell | mode | verdict | calls | ESTALE | rate [95% CI] |");
	assert_has(out, "|---|---|---|--:|--:|---|");
	assert_has(out, "| b | never | failed | 350 | 17 | 4.86% [3.05%, 7.64%] | stat 12, open 3, "
			"readdir 2 |");
	assert_has(out, "| c | - (asked mandatory) | skipped | - |");
	assert_has(out, "\n### Per operation\n");
	assert_has(out, "| b | stat | 12 | 200 | 6.00% [3.47%, 10.2%] |\n");
	assert_has(out, "| b | readdir | 2 | 50 | 4.00% [1.10%, 13.5%] |\n");
	assert_has(out, "\n### Reproduce\n\n```sh\n# b\nstalefs run b --seed 1\n```\n");
	ck_assert_ptr_null(strstr(out, "Truncated"));
	free(out);
	out = render(&r, REPORT_MARKDOWN, "nightly | x86");
	ck_assert_msg(strncmp(out, "## nightly \\| x86\n", 18) == 0, "%s", out);
	free(out);
	report_free(&r);
}
END_TEST

static char *text(const struct report *r, unsigned int width, bool wide)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(report_text(r, width, wide, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(text_fits_its_width_cutting_long_ids_and_wrapping_repro_lines)
{
#define LONG_ID "never/unprivileged/metadata/bcvk-overlay-with-a-long-profile-name/" \
		"read+overlay+churn+two-path+second-daemon@virtiofsd"
	static const char line[] =
		"{\"cell\":\"" LONG_ID "\",\"backend\":\"virtiofsd\",\"params\":{\"mode\":\"never\","
		"\"overlay\":true,\"churn\":true},\"status\":\"ran\",\"effective_mode\":\"never\","
		"\"calls\":{\"stat\":4315},\"estale\":{\"stat\":1628},\"estale_total\":1628,"
		"\"chains\":{\"total\":1628,\"complete\":1628,\"list\":[{\"layer\":\"overlayfs (lower "
		"revalidation)\",\"reply\":\"LOOKUP answered ENOENT (host lookup)\",\"cause\":\"host "
		"layer-swap\",\"complete\":true,\"n\":1628,\"sampled\":3,\"example\":\"stat "
		"objects/ab/cd; host layer-swap of overlay/l1 3.2 ms before\"}]},\"verdict\":\"failed\","
		"\"repro\":\"stalefs run --mode never --privilege unprivileged --cache metadata --profile "
		"bcvk-overlay-with-a-long-profile-name --overlay --churn --layer-every 0.5 --inject "
		"'evict:every=3, x' --two-path --second-daemon --backend virtiofsd --expect none\"}\n";
	static const unsigned int widths[] = { 120, 100, 80 };
	struct report r;
	char *out;

	report_init(&r);
	load(&r, line, "long");
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		out = text(&r, widths[i], false);
		assert_fits(out, widths[i]);
		assert_has(out, "\nnever/unprivi");
		assert_has(out, "..");
		assert_has(out, "kernel overlay\n");	/* made by */
		assert_has(out, "overlay-layer-swap`");
		assert_has(out, " \\\n  ");		/* the repro line continued */
		assert_has(out, "'evict:every=3, x'");	/* never broken inside quotes */
		free(out);
	}
	out = text(&r, 120, false);
	assert_has(out, "failed: 1 of 1 cell saw ESTALE (1628 in 4315 calls); made by the kernel's overlay "
			"after host churn");
	free(out);
	out = text(&r, 120, true);
	assert_has(out, "\n" LONG_ID "  never");	/* --wide: the whole id */
	free(out);
	report_free(&r);
#undef LONG_ID
}
END_TEST

START_TEST(junit_escapes_xml_and_replaces_bad_bytes)
{
	static const char line[] =
		"{\"cell\":\"x<&>\\\"'y\\u00e9\\u0001\",\"verdict\":\"fail\",\"status\":\"error\","
		"\"reason\":\"a<b & c>\\\"d'\",\"repro\":\"stalefs run --rule 'x' && echo <ok>\","
		"\"calls\":{\"stat\":2},\"estale\":{\"stat\":1}}\n"
		"{\"cell\":\"s&\",\"verdict\":\"skip\",\"status\":\"cannot-run\","
		"\"reason\":\"no <tracefs>\"}\n";
	struct report r;
	char *out;

	report_init(&r);
	load(&r, line, "x");
	out = render(&r, REPORT_JUNIT, "a\"b");
	/* Old lines: fail with status error reads as error. */
	assert_has(out, "<testsuites name=\"a&quot;b\" tests=\"2\" failures=\"0\" errors=\"1\"");
	assert_has(out, "name=\"x&lt;&amp;&gt;&quot;&apos;y\xc3\xa9?\" time=\"0.000\">");
	assert_has(out, "<error message=\"error: a&lt;b &amp; c&gt;&quot;d&apos;\" type=\"error\">");
	assert_has(out, "repro: stalefs run --rule &apos;x&apos; &amp;&amp; echo &lt;ok&gt;\n"
			"</error>");
	assert_has(out, "<skipped message=\"no &lt;tracefs&gt;\"/>");
	assert_has(out, "name=\"s&amp;\"");
	ck_assert_ptr_null(strstr(out, "<ok>"));
	ck_assert_ptr_null(strstr(out, "\x01"));
	free(out);
	report_free(&r);
}
END_TEST

START_TEST(markdown_escapes_pipes_and_line_breaks)
{
	static const char line[] =
		"{\"cell\":\"a|b\",\"verdict\":\"fail\",\"status\":\"timeout\","
		"\"reason\":\"x|y\\nz\",\"repro\":\"stalefs run | tee\","
		"\"calls\":{\"st|at\":2},\"estale\":{\"st|at\":1}}\n";
	struct report r;
	char *out;

	report_init(&r);
	load(&r, line, "x");
	out = render(&r, REPORT_MARKDOWN, NULL);
	assert_has(out, "| a\\|b | - (asked never) | error | 2 | 1 |");	/* fail + timeout */
	assert_has(out, "st\\|at 1");
	assert_has(out, "timeout: x\\|y z |\n");
	assert_has(out, "| a\\|b | st\\|at | 1 | 2 |");
	assert_has(out, "```sh\n# a\\|b\nstalefs run | tee\n```");	/* code is verbatim */
	free(out);
	report_free(&r);
}
END_TEST

/* The Markdown's chart GitHub draws: a Mermaid xychart-beta bar per cell
 * that ran (rate in percent), labels that cannot end the quoted string,
 * long ids kept by their end, at most 30 bars and a word on the rest. */
START_TEST(markdown_has_a_mermaid_bar_chart_of_the_rates)
{
	static const char lines[] =
		"{\"cell\":\"a\\\"b[c]\",\"verdict\":\"estale\",\"status\":\"ran\",\"calls\":{\"stat\":200},"
		"\"estale\":{\"stat\":10}}\n"
		"{\"cell\":\"never/root/auto/none/read+overlay+2path@1.13.0\",\"verdict\":\"clean\","
		"\"status\":\"ran\",\"calls\":{\"stat\":100}}\n"
		"{\"cell\":\"skipped\",\"verdict\":\"skip\",\"status\":\"cannot-run\"}\n";
	struct report r;
	char *out, *many;
	size_t len = 0;
	FILE *f;

	report_init(&r);
	load(&r, lines, "x");
	out = render(&r, REPORT_MARKDOWN, NULL);
	assert_has(out, "```mermaid\nxychart-beta\n  title \"ESTALE rate per cell (%)\"\n"
			"  x-axis [\"a_b_c_\", \"../read+overlay+2path@1.13.0\"]\n"
			"  y-axis \"ESTALE %\" 0 --> 5.5\n  bar [5, 0]\n```\n");
	free(out);
	report_free(&r);

	f = open_memstream(&many, &len);
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 31; i++)
		fprintf(f, "{\"cell\":\"c%02d\",\"verdict\":\"clean\",\"status\":\"ran\",\"calls\":{\"stat\":9}}\n", i);
	fclose(f);
	report_init(&r);
	load(&r, many, "many");
	out = render(&r, REPORT_MARKDOWN, NULL);
	assert_has(out, "\"c29\"]\n");
	ck_assert_ptr_null(strstr(out, "\"c30\""));
	assert_has(out, "(the chart shows the first 30 of 31 cells that ran)");
	free(out);
	free(many);
	report_free(&r);
}
END_TEST

/* The HTML page: no script, the chart's groups carry the cell and its rate
 * as data attributes, and untrusted text is escaped everywhere. */
START_TEST(html_page_has_rate_groups_with_data_and_escapes_ids)
{
	static const char lines[] =
		"{\"cell\":\"<a&\\\"b'>\",\"verdict\":\"estale\",\"status\":\"ran\",\"calls\":{\"stat\":200},"
		"\"estale\":{\"stat\":10},\"repro\":\"stalefs run --inject '<x>'\"}\n";
	struct report r;
	char *out, *buf = NULL;
	size_t len = 0;
	static const char *const dates[] = { "2026-12-03T04:17:00Z", "2026-12-04T04:17:00Z" };
	static const double rate[] = { 0.01, 0.05 }, lo[] = { 0.005, 0.03 }, hi[] = { 0.02, 0.08 };
	FILE *f;

	report_init(&r);
	load(&r, lines, "x");
	out = render(&r, REPORT_HTML, NULL);
	ck_assert(strncmp(out, "<!DOCTYPE html>", 15) == 0);
	ck_assert_ptr_null(strstr(out, "<script"));
	ck_assert_ptr_null(strstr(out, "<a&"));
	assert_has(out, "<g class=\"rate\" data-cell=\"&lt;a&amp;&quot;b&#39;&gt;\" data-rate=\"0.05\" data-lo=\"");
	assert_has(out, "stalefs run --inject &#39;&lt;x&gt;&#39;");
	free(out);
	report_free(&r);

	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	report_svg_trend(f, "c<1>", dates, rate, lo, hi, 2, 600, 120);
	fclose(f);
	assert_has(buf, "<g class=\"trend\" data-cell=\"c&lt;1&gt;\">");
	assert_has(buf, "data-date=\"2026-12-04T04:17:00Z\" data-rate=\"0.05\"");
	ck_assert_int_eq((int)(strstr(buf, "<circle") != NULL) + (int)(strstr(strstr(buf, "<circle") + 1, "<circle") != NULL), 2);
	free(buf);
}
END_TEST

START_TEST(markdown_stays_under_1mib_dropping_detail_then_rows)
{
	FILE *f;
	char *text = NULL, *out;
	size_t tlen = 0, len, full;
	struct report r;

	f = open_memstream(&text, &tlen);
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "{\"cell\":\"never/root/never/profile-%05d/read+overlay+churn\","
			"\"status\":\"ran\",\"effective_mode\":\"never\",\"params\":{\"mode\":\"never\"},"
			"\"calls\":{\"stat\":4000,\"open\":3000,\"read\":2900},"
			"\"estale\":{\"stat\":1000,\"open\":900},\"estale_total\":1900,"
			"\"attribution\":{\"kernel\":1900},\"verdict\":\"%s\","
			"\"repro\":\"stalefs run --mode never --seed %d\"}\n",
			i, i % 2 ? "fail" : "pass", i);
	ck_assert_int_eq(fclose(f), 0);
	report_init(&r);
	load(&r, text, "big");
	free(text);
	ck_assert_uint_eq(r.n, 20000);

	out = markdown(&r, REPORT_MARKDOWN_MAX, &len);
	ck_assert_uint_lt(len, REPORT_MARKDOWN_MAX);
	ck_assert_uint_eq(strlen(out), len);
	assert_has(out, "20000 cells: 0 clean, 10000 estale, 10000 failed, 0 skipped, 0 error");
	/* The failed (odd) cells are kept first: all of them before any estale one. */
	ck_assert_ptr_null(strstr(out, "| estale |"));
	ck_assert_ptr_null(strstr(out, "| never/root/never/profile-00000/"));
	ck_assert_ptr_null(strstr(out, "### Per operation"));
	assert_has(out, "### Reproduce\n\n```sh\n# never/root/never/profile-00001/");
	assert_has(out, "\n_Truncated to stay under 1 MiB: per-operation detail left out; ");
	assert_has(out, " of 20000 rows left out (failed and error cells kept first, then estale; "
			"all are in the other formats)._\n");
	ck_assert_str_eq(out + len - 3, "._\n");
	free(out);

	/* Just too big for everything: only the per-op detail goes. */
	out = markdown(&r, SIZE_MAX, &full);
	assert_has(out, "### Per operation");
	ck_assert_ptr_null(strstr(out, "Truncated"));
	free(out);
	out = markdown(&r, full - 1, &len);
	ck_assert_uint_lt(len, full);
	ck_assert_ptr_null(strstr(out, "### Per operation"));
	assert_has(out, "per-operation detail left out._\n");
	ck_assert_ptr_null(strstr(out, "rows left out"));
	assert_has(out, "profile-19999");
	free(out);
	report_free(&r);
}
END_TEST

START_TEST(malformed_lines_are_refused_naming_file_and_line)
{
#define OK_LINE(id) "{\"cell\":\"" id "\",\"status\":\"ran\",\"verdict\":\"pass\"}"
	char err[512];

	ck_assert_int_eq(load_err(OK_LINE("a") "\n\n{\"cell\":\"b\",\n", "cells.jsonl", err,
				  sizeof(err)), -EINVAL);
	ck_assert_msg(strncmp(err, "cells.jsonl:3: ", 15) == 0, "%s", err);
	ck_assert_int_eq(load_err("[1]\n", "c", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "c:1: not a cell object");
	ck_assert_int_eq(load_err("\n{\"calls\":{}}\n", "c", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "c:2: no \"cell\" id");
	ck_assert_int_eq(load_err(OK_LINE("a") " x\n", "c", err, sizeof(err)), -EINVAL);
	ck_assert_msg(strncmp(err, "c:1: ", 5) == 0, "%s", err);
	/* What run never writes is refused, not read as zero (cellline.h). */
	ck_assert_int_eq(load_err("{\"cell\":\"a\",\"verdict\":\"pass\"}\n", "c", err,
				  sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "status"), "%s", err);
	ck_assert_int_eq(load_err("{\"cell\":\"e\",\"status\":\"ran\",\"verdict\":\"weird\"}\n",
				  "c", err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "weird"), "%s", err);
	ck_assert_int_eq(load_err("{\"cell\":\"d\",\"status\":\"ran\",\"verdict\":\"pass\","
				  "\"calls\":{\"stat\":\"y\"}}\n", "c", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(load_err("{\"cell\":\"d\",\"status\":\"ran\",\"verdict\":\"pass\","
				  "\"params\":{\"mode\":\"IGNORED\"}}\n", "c", err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "IGNORED"), "%s", err);
	/* Blank lines, CRLF and no final newline are fine. */
	ck_assert_int_eq(load_err("\r\n  \n" OK_LINE("a") "\r\n" OK_LINE("b"), "c", err,
				  sizeof(err)), 0);
#undef OK_LINE
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, wilson_interval_and_percentages_match_known_values);
	tcase_add_test(tc, lines_with_one_cell_id_merge_into_one_cell);
	tcase_add_test(tc, merged_verdict_is_the_worst_skipped_clean_estale_failed_error);
	tcase_add_test(tc, runs_with_one_id_but_other_rules_or_xattr_are_not_summed);
	tcase_add_test(tc, json_output_is_byte_stable);
	tcase_add_test(tc, json_output_of_huge_numbers_reads_back);
	tcase_add_test(tc, torn_last_line_is_skipped_and_counted);
	tcase_add_test(tc, junit_output_is_byte_stable);
	tcase_add_test(tc, text_and_markdown_show_rows_totals_and_repro_lines);
	tcase_add_test(tc, text_fits_its_width_cutting_long_ids_and_wrapping_repro_lines);
	tcase_add_test(tc, junit_escapes_xml_and_replaces_bad_bytes);
	tcase_add_test(tc, markdown_escapes_pipes_and_line_breaks);
	tcase_add_test(tc, markdown_has_a_mermaid_bar_chart_of_the_rates);
	tcase_add_test(tc, html_page_has_rate_groups_with_data_and_escapes_ids);
	tcase_add_test(tc, markdown_stays_under_1mib_dropping_detail_then_rows);
	tcase_add_test(tc, malformed_lines_are_refused_naming_file_and_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(report_suite());
}
