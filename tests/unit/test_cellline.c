// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cell line: a fully filled cell and result written and read back
 * compare field for field and write the same bytes again; the params
 * object byte for byte; lines that do not fit (truncated, an unknown
 * virtiofsd version, status or verdict, overlong strings, too many ops,
 * bad numbers, mistyped fields, rep_results that do not match reps_ran)
 * are refused with a reason; an older line without the newer fields reads
 * with the defaults. Mounts nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellline.h"
#include "unit.h"

/* A fully filled cell and result: every field off its default. */
static void fill(struct cell *c, struct run_result *r)
{
	cell_default(c);
	strcpy(c->mode, "fallback");
	strcpy(c->privilege, "userns");
	strcpy(c->cache, "metadata");
	strcpy(c->profile, "evict-storm");
	c->rules[0] = strdup("errno:op=READ,errno=ESTALE,count=5");
	c->rules[1] = strdup("evict:every=100,path=/a \"b\"\\c");
	c->nrules = 2;
	strcpy(c->version, "1.13.0");
	c->rlimit_nofile = 700;
	strcpy(c->workload, "read");
	c->overlay = c->churn = c->two_path = c->second_daemon = c->xattr = c->readonly = true;
	c->layer_every = 0.25;
	c->dir_move_every = 0.05;
	c->submount_every = 0.2;
	c->podman_every = 0.1;
	c->memory_pct = 50;
	c->drop_caches_ms = 100;
	c->threads = 8;
	c->rounds = 1;
	c->seconds = 1.5;
	c->count = 0;
	c->reps = 2;
	c->until_estale = true;
	c->seed = 42;
	c->objects = 970;
	c->max_links = 7;
	c->expect = EXPECT_SOME;
	c->timeout = 30;

	memset(r, 0, sizeof(*r));
	r->status = RUN_TIMEOUT;
	strcpy(r->reason, "the workload ran over 30 s \"quoted\"");
	strcpy(r->effective_mode, "never");
	strcpy(r->mode_reason, "no CAP_DAC_READ_SEARCH");
	r->reps_ran = 2;
	r->nops = 3;
	strcpy(r->op[0].name, "stat");
	r->op[0].calls = 100;
	r->op[0].estale = 7;
	strcpy(r->op[1].name, "open");
	r->op[1].calls = 90;
	r->op[1].nerr = 2;
	strcpy(r->op[1].err[0].name, "ENOENT");
	r->op[1].err[0].n = 3;
	strcpy(r->op[1].err[1].name, "EMFILE");
	r->op[1].err[1].n = 1;
	strcpy(r->op[2].name, "read");
	r->op[2].calls = 80;
	r->op[2].estale = 2;
	r->estale_total = 9;
	r->errors_total = 13;
	r->files = 95;
	r->bytes = 4123456;
	r->symlinks = 12;
	r->xattrs = 3;
	r->mismatches = 1;
	r->attrib.nkeys = 2;
	strcpy(r->attrib.key[0].source, "inject");
	strcpy(r->attrib.key[0].detail, "rule 1 errno");
	r->attrib.key[0].n = 5;
	strcpy(r->attrib.key[1].source, "host");
	strcpy(r->attrib.key[1].detail, "open_by_handle_at");
	r->attrib.key[1].n = 2;
	r->attrib.kernel = 1;
	r->attrib.unattributed = 1;
	r->attrib.emitted = 8;
	r->attrib.masked = 3;
	r->chains.n = 1;
	r->chains.total = 9;
	r->chains.complete = 5;
	r->chains.sampled = 6;
	r->chains.unsampled = 1;
	strcpy(r->chains.c[0].layer, "FUSE (the daemon's ESTALE, passed on)");
	strcpy(r->chains.c[0].reply, "READ answered ESTALE (inject rule 1 errno)");
	strcpy(r->chains.c[0].cause, "fault rule 1 errno");
	r->chains.c[0].complete = true;
	r->chains.c[0].n = 9;
	r->chains.c[0].sampled = 6;
	strcpy(r->chains.c[0].example, "read usr/share/d01/f00001");
	r->traced = true;
	r->emitted_trace = 8;
	r->trace_lost = 2;
	r->faults_fired = 5;
	r->mem_peak = 1 << 20;
	r->mem_squeezes = 4;
	r->mem_reclaimed = 4096;
	r->mem_hits = 2;
	r->ops_total = 3000;
	r->work_s = 1.5;
	r->duration_s = 2.25;
	r->setup_s = 0.5;
	r->teardown_s = 0.125;
	r->verdict = VERDICT_FAILED;
	strcpy(r->origin.kernel, "6.18.0-test");
	strcpy(r->origin.host, "host \"a\"");
	strcpy(r->origin.started, "2026-12-04T22:55:01Z");
	r->rep = calloc(2, sizeof(*r->rep));
	r->rep[0] = (struct run_rep){ .seed = 42, .exit = 1, .estale = 7, .errors = 10, .mismatches = 1 };
	r->rep[1] = (struct run_rep){ .seed = 43, .exit = 0, .estale = 2, .errors = 3, .mismatches = 0 };
}

static char *line_text(const struct cell *c, const struct run_result *r, const char *backend)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	cell_line_write(c, r, backend, f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static char *params_text(const struct cell *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	cell_line_params_write(c, f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static void free_filled(struct cell *c, struct run_result *r)
{
	cell_free(c);
	run_result_free(r);
}

/* The line of the filled cell with one piece of text replaced. */
static char *filled_with(const char *from, const char *to)
{
	struct cell c;
	struct run_result r;
	char *t, *p, *out;

	fill(&c, &r);
	t = line_text(&c, &r, NULL);
	free_filled(&c, &r);
	p = strstr(t, from);
	ck_assert_msg(p != NULL, "no '%s' in %s", from, t);
	ck_assert_int_ne(asprintf(&out, "%.*s%s%s", (int)(p - t), t, to, p + strlen(from)), -1);
	free(t);
	return out;
}

/* Refused with -EINVAL and a reason holding want. */
static void assert_refused(const char *text, const char *want)
{
	struct cell_line l;
	char err[512] = "";
	int ret = cell_line_read(&l, text, strlen(text), err, sizeof(err));

	ck_assert_msg(ret == -EINVAL, "accepted (%d): %.300s", ret, text);
	ck_assert_msg(strstr(err, want) != NULL, "reason '%s' has no '%s'", err, want);
	ck_assert_msg(!strchr(err, '\n'), "two lines: '%s'", err);
	ck_assert_int_eq(l.cell.nrules, 0);
	ck_assert_ptr_null(l.result.rep);
}

static void assert_refused_with(const char *from, const char *to, const char *want)
{
	char *t = filled_with(from, to);

	assert_refused(t, want);
	free(t);
}

START_TEST(cell_line_round_trips_every_field)
{
	struct cell c;
	struct run_result r;
	struct cell_line l;
	char err[512] = "", *t, *again;
	const struct cell *b = &l.cell;
	const struct run_result *s = &l.result;

	fill(&c, &r);
	t = line_text(&c, &r, NULL);
	ck_assert_msg(cell_line_read(&l, t, strlen(t), err, sizeof(err)) == 0, "%s", err);

	ck_assert_str_eq(l.backend, "stalefs");
	ck_assert_ptr_nonnull(strstr(t, "{\"schema\":\"cell/1\",\"stalefs\":\""));
	ck_assert_str_eq(s->origin.kernel, "6.18.0-test");
	ck_assert_str_eq(s->origin.host, "host \"a\"");
	ck_assert_str_eq(s->origin.started, "2026-12-04T22:55:01Z");
	ck_assert_str_eq(l.id, "fallback/userns/metadata/evict-storm+2-rules/read+overlay+2path+churn"
			 "+layers+dirmove+submount+podman+2daemons+drop+mem50+ro@1.13.0,nofile=700");
	ck_assert_ptr_nonnull(strstr(l.repro, "stalefs run --mode fallback --privilege userns "));
	ck_assert_ptr_nonnull(strstr(l.repro, " --timeout 30"));
	ck_assert(l.ops_per_s == 2000.0);

	ck_assert_str_eq(b->mode, c.mode);
	ck_assert_str_eq(b->privilege, c.privilege);
	ck_assert_str_eq(b->cache, c.cache);
	ck_assert_str_eq(b->profile, c.profile);
	ck_assert_int_eq(b->nrules, c.nrules);
	for (int i = 0; i < c.nrules; i++)
		ck_assert_str_eq(b->rules[i], c.rules[i]);
	ck_assert_str_eq(b->version, c.version);
	ck_assert_int_eq(b->rlimit_nofile, c.rlimit_nofile);
	ck_assert_str_eq(b->workload, c.workload);
	ck_assert(b->overlay && b->churn && b->two_path && b->second_daemon && b->xattr &&
		  b->readonly && b->until_estale);
	ck_assert(b->layer_every == c.layer_every && b->dir_move_every == c.dir_move_every &&
		  b->submount_every == c.submount_every && b->podman_every == c.podman_every);
	ck_assert_uint_eq(b->memory_pct, c.memory_pct);
	ck_assert_uint_eq(b->drop_caches_ms, c.drop_caches_ms);
	ck_assert_uint_eq(b->threads, c.threads);
	ck_assert_uint_eq(b->rounds, c.rounds);
	ck_assert(b->seconds == c.seconds);
	ck_assert_uint_eq(b->count, c.count);
	ck_assert_uint_eq(b->reps, c.reps);
	ck_assert_uint_eq(b->seed, c.seed);
	ck_assert_uint_eq(b->objects, c.objects);
	ck_assert_uint_eq(b->max_links, c.max_links);
	ck_assert_int_eq(b->expect, c.expect);
	ck_assert(b->timeout == 0);	/* not in the line (only in repro) */

	ck_assert_int_eq(s->status, r.status);
	ck_assert_str_eq(s->reason, r.reason);
	ck_assert_str_eq(s->effective_mode, r.effective_mode);
	ck_assert_str_eq(s->mode_reason, r.mode_reason);
	ck_assert_uint_eq(s->reps_ran, r.reps_ran);
	ck_assert_int_eq(s->nops, r.nops);
	for (int i = 0; i < r.nops; i++) {
		ck_assert_str_eq(s->op[i].name, r.op[i].name);
		ck_assert_uint_eq(s->op[i].calls, r.op[i].calls);
		ck_assert_uint_eq(s->op[i].estale, r.op[i].estale);
		ck_assert_int_eq(s->op[i].nerr, r.op[i].nerr);
		for (int e = 0; e < r.op[i].nerr; e++) {
			ck_assert_str_eq(s->op[i].err[e].name, r.op[i].err[e].name);
			ck_assert_uint_eq(s->op[i].err[e].n, r.op[i].err[e].n);
		}
	}
	ck_assert_uint_eq(s->estale_total, r.estale_total);
	ck_assert_uint_eq(s->errors_total, r.errors_total);
	ck_assert_uint_eq(s->files, r.files);
	ck_assert_uint_eq(s->bytes, r.bytes);
	ck_assert_uint_eq(s->symlinks, r.symlinks);
	ck_assert_uint_eq(s->xattrs, r.xattrs);
	ck_assert_uint_eq(s->mismatches, r.mismatches);
	ck_assert_int_eq(s->attrib.nkeys, r.attrib.nkeys);
	for (int i = 0; i < r.attrib.nkeys; i++) {
		ck_assert_str_eq(s->attrib.key[i].source, r.attrib.key[i].source);
		ck_assert_str_eq(s->attrib.key[i].detail, r.attrib.key[i].detail);
		ck_assert_uint_eq(s->attrib.key[i].n, r.attrib.key[i].n);
	}
	ck_assert_uint_eq(s->attrib.kernel, r.attrib.kernel);
	ck_assert_uint_eq(s->attrib.unattributed, r.attrib.unattributed);
	ck_assert_uint_eq(s->attrib.emitted, r.attrib.emitted);
	ck_assert_uint_eq(s->attrib.masked, r.attrib.masked);
	ck_assert_int_eq(s->chains.n, r.chains.n);
	ck_assert_uint_eq(s->chains.total, r.chains.total);
	ck_assert_uint_eq(s->chains.complete, r.chains.complete);
	ck_assert_uint_eq(s->chains.sampled, r.chains.sampled);
	ck_assert_uint_eq(s->chains.unsampled, r.chains.unsampled);
	ck_assert_str_eq(s->chains.c[0].layer, r.chains.c[0].layer);
	ck_assert_str_eq(s->chains.c[0].reply, r.chains.c[0].reply);
	ck_assert_str_eq(s->chains.c[0].cause, r.chains.c[0].cause);
	ck_assert_str_eq(s->chains.c[0].example, r.chains.c[0].example);
	ck_assert(s->chains.c[0].complete);
	ck_assert_uint_eq(s->chains.c[0].n, r.chains.c[0].n);
	ck_assert_uint_eq(s->chains.c[0].sampled, r.chains.c[0].sampled);
	ck_assert(s->traced);
	ck_assert_uint_eq(s->emitted_trace, r.emitted_trace);
	ck_assert_uint_eq(s->trace_lost, r.trace_lost);
	ck_assert_uint_eq(s->faults_fired, r.faults_fired);
	ck_assert_uint_eq(s->mem_peak, r.mem_peak);
	ck_assert_uint_eq(s->mem_squeezes, r.mem_squeezes);
	ck_assert_uint_eq(s->mem_reclaimed, r.mem_reclaimed);
	ck_assert_uint_eq(s->mem_hits, r.mem_hits);
	ck_assert(s->duration_s == r.duration_s && s->setup_s == r.setup_s &&
		  s->teardown_s == r.teardown_s);
	ck_assert_int_eq(s->verdict, r.verdict);
	for (unsigned int i = 0; i < r.reps_ran; i++) {
		ck_assert_uint_eq(s->rep[i].seed, r.rep[i].seed);
		ck_assert_int_eq(s->rep[i].exit, r.rep[i].exit);
		ck_assert_uint_eq(s->rep[i].estale, r.rep[i].estale);
		ck_assert_uint_eq(s->rep[i].errors, r.rep[i].errors);
		ck_assert_uint_eq(s->rep[i].mismatches, r.rep[i].mismatches);
	}

	/* Written again (ops/s as work over one second): the same bytes. */
	l.result.ops_total = (uint64_t)l.ops_per_s;
	l.result.work_s = 1;
	l.cell.timeout = c.timeout;
	again = line_text(&l.cell, &l.result, NULL);
	ck_assert_str_eq(again, t);
	free(again);
	free(t);
	cell_line_free(&l);
	free_filled(&c, &r);
}
END_TEST

START_TEST(a_backend_is_named_in_the_id_and_read_back)
{
	struct cell c;
	struct run_result r;
	struct cell_line l;
	char err[512] = "", *t;

	fill(&c, &r);
	r.traced = false;
	t = line_text(&c, &r, "virtiofsd");
	ck_assert_ptr_nonnull(strstr(t, "nofile=700@virtiofsd\",\"backend\":\"virtiofsd\","));
	ck_assert_ptr_nonnull(strstr(t, ",\"emitted_trace\":null,"));
	ck_assert_msg(cell_line_read(&l, t, strlen(t), err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(l.backend, "virtiofsd");
	ck_assert_ptr_nonnull(strstr(l.id, "@virtiofsd"));
	ck_assert(!l.result.traced);
	cell_line_free(&l);
	free(t);
	free_filled(&c, &r);
}
END_TEST

START_TEST(the_stalefs_virtiofsd_backend_is_read_back_whole)
{
	struct cell c;
	struct run_result r;
	struct cell_line l;
	char err[512] = "", *t;

	fill(&c, &r);
	t = line_text(&c, &r, "stalefs-virtiofsd");
	ck_assert_msg(cell_line_read(&l, t, strlen(t), err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(l.backend, "stalefs-virtiofsd");
	ck_assert_ptr_nonnull(strstr(l.id, "@stalefs-virtiofsd"));
	cell_line_free(&l);
	free(t);
	free_filled(&c, &r);
}
END_TEST

START_TEST(params_of_the_default_cell_are_byte_stable)
{
	struct cell c;
	char *t;

	cell_default(&c);
	t = params_text(&c);
	ck_assert_str_eq(t, "{\"mode\":\"never\",\"privilege\":\"root\",\"cache\":\"auto\","
			    "\"profile\":\"none\",\"rules\":[],\"virtiofsd_version\":\"1.13.2\",\"rlimit_nofile\":-1,"
			 "\"workload\":\"read\",\"overlay\":false,"
			    "\"churn\":false,\"layer_every\":0.000,\"drop_caches_ms\":0,\"xattr\":false,"
			    "\"threads\":4,\"rounds\":1,\"seconds\":2.000,\"count\":0,\"reps\":1,"
			    "\"until_estale\":false,\"seed\":1,\"objects\":200,\"max_links\":100,"
			    "\"expect\":\"any\","
			    "\"readonly\":false,\"two_path\":false,\"second_daemon\":false,\"memory_pressure\":0,"
			    "\"dir_move_every\":0.000,\"submount_every\":0.000,\"podman_every\":0.000}");
	free(t);
}
END_TEST

static void set_ok(struct cell *c, const char *name, const char *value)
{
	char err[512];
	int ret = cell_set(c, name, value, err, sizeof(err));

	ck_assert_msg(ret == 0, "--%s %s: %d %s", name, value ? value : "", ret, err);
}

START_TEST(params_carry_every_option_and_quote_rules)
{
	struct cell c;
	char *t;

	cell_default(&c);
	set_ok(&c, "mode", "prefer");
	set_ok(&c, "privilege", "userns");
	set_ok(&c, "cache", "metadata");
	set_ok(&c, "workload", "storm");
	set_ok(&c, "expect", "some");
	set_ok(&c, "profile", "evict-storm");
	set_ok(&c, "inject", "evict:every=100,seed=7,as=estale");
	set_ok(&c, "inject", "errno:op=LOOKUP|GETATTR,path=/a \"b\",errno=ESTALE");
	set_ok(&c, "xattr", NULL);
	set_ok(&c, "until-estale", NULL);
	set_ok(&c, "timeout", "30");
	set_ok(&c, "threads", "256");
	set_ok(&c, "rounds", "3");
	set_ok(&c, "count", "1000");
	set_ok(&c, "reps", "3");
	set_ok(&c, "seed", "42");
	set_ok(&c, "objects", "5000");
	set_ok(&c, "max-links", "7");
	t = params_text(&c);
	ck_assert_str_eq(t, "{\"mode\":\"prefer\",\"privilege\":\"userns\",\"cache\":\"metadata\","
			    "\"profile\":\"evict-storm\",\"rules\":[\"evict:every=100,seed=7,as=estale\","
			    "\"errno:op=LOOKUP|GETATTR,path=/a \\\"b\\\",errno=ESTALE\"],"
			    "\"virtiofsd_version\":\"1.13.2\",\"rlimit_nofile\":-1,"
			 "\"workload\":\"storm\",\"overlay\":false,\"churn\":false,"
			    "\"layer_every\":0.000,\"drop_caches_ms\":0,\"xattr\":true,\"threads\":256,"
			    "\"rounds\":3,\"seconds\":0.000,\"count\":1000,\"reps\":3,\"until_estale\":true,"
			    "\"seed\":42,\"objects\":5000,\"max_links\":7,\"expect\":\"some\","
			    "\"readonly\":false,\"two_path\":false,\"second_daemon\":false,\"memory_pressure\":0,"
			    "\"dir_move_every\":0.000,\"submount_every\":0.000,\"podman_every\":0.000}");
	free(t);

	cell_free(&c);

	cell_default(&c);
	set_ok(&c, "workload", "read");
	set_ok(&c, "seconds", "1.5");
	set_ok(&c, "layer-every", "0.5");
	set_ok(&c, "drop-caches-ms", "100");
	set_ok(&c, "overlay", NULL);
	set_ok(&c, "seed", "0");
	t = params_text(&c);
	ck_assert_str_eq(t, "{\"mode\":\"never\",\"privilege\":\"root\",\"cache\":\"auto\","
			    "\"profile\":\"none\",\"rules\":[],\"virtiofsd_version\":\"1.13.2\",\"rlimit_nofile\":-1,"
			 "\"workload\":\"read\",\"overlay\":true,"
			    "\"churn\":true,\"layer_every\":0.500,\"drop_caches_ms\":100,\"xattr\":false,"
			    "\"threads\":4,\"rounds\":1,\"seconds\":1.500,\"count\":0,\"reps\":1,"
			    "\"until_estale\":false,\"seed\":0,\"objects\":200,\"max_links\":100,"
			    "\"expect\":\"any\","
			    "\"readonly\":false,\"two_path\":false,\"second_daemon\":false,\"memory_pressure\":0,"
			    "\"dir_move_every\":0.000,\"submount_every\":0.000,\"podman_every\":0.000}");
	free(t);

	cell_free(&c);
}
END_TEST

START_TEST(a_truncated_line_is_refused)
{
	struct cell c;
	struct run_result r;
	struct cell_line l;
	char err[512], *t;
	size_t len;

	fill(&c, &r);
	t = line_text(&c, &r, NULL);
	len = strlen(t);
	/* Every cut short of the closing brace (the newline is optional). */
	for (size_t n = 0; n + 1 < len; n += n < 64 || len - n < 64 ? 1 : 13) {
		err[0] = '\0';
		ck_assert_msg(cell_line_read(&l, t, n, err, sizeof(err)) == -EINVAL,
			      "%zu of %zu bytes read", n, len);
		ck_assert_msg(err[0], "no reason at %zu bytes", n);
	}
	ck_assert_int_eq(cell_line_read(&l, t, len - 1, err, sizeof(err)), 0);
	cell_line_free(&l);
	free(t);
	free_filled(&c, &r);
}
END_TEST

START_TEST(unknown_versions_and_names_are_refused)
{
	assert_refused_with("\"virtiofsd_version\":\"1.13.0\"", "\"virtiofsd_version\":\"1.99.0\"",
			    "--virtiofsd-version '1.99.0'");
	assert_refused_with("\"mode\":\"fallback\"", "\"mode\":\"sometimes\"", "--mode 'sometimes'");
	assert_refused_with("\"cache\":\"metadata\"", "\"cache\":7", "\"cache\" is not a string");
	assert_refused_with("\"expect\":\"some\"", "\"expect\":\"most\"", "--expect 'most'");
	assert_refused_with("\"status\":\"timeout\"", "\"status\":\"maybe\"", "unknown status \"maybe\"");
	assert_refused_with("\"verdict\":\"failed\"", "\"verdict\":\"meh\"", "unknown verdict \"meh\"");
	assert_refused_with("\"schema\":\"cell/1\"", "\"schema\":\"cell/2\"",
			    "schema \"cell/2\" is not cell/1");
	assert_refused_with("\"errno:op=READ,errno=ESTALE,count=5\"", "\"errno:op=NOPE\"", "rule 1: ");
}
END_TEST

START_TEST(overlong_strings_are_refused_not_cut)
{
	char big[9000], *to;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_ne(asprintf(&to, "\"reason\":\"%.600s\"", big), -1);
	assert_refused_with("\"reason\":\"the workload ran over 30 s \\\"quoted\\\"\"", to,
			    "\"reason\" is longer than 511 bytes");
	free(to);
	ck_assert_int_ne(asprintf(&to, ",\"cell\":\"%.700s", big), -1);
	assert_refused_with(",\"cell\":\"fallback", to, "\"cell\" is longer than 599 bytes");
	free(to);
	ck_assert_int_ne(asprintf(&to, "\"repro\":\"%.8500s", big), -1);
	assert_refused_with("\"repro\":\"", to, "\"repro\" is longer than 8191 bytes");
	free(to);
	assert_refused_with("\"effective_mode\":\"never\"", "\"effective_mode\":\"never-ever-ever-ever\"",
			    "\"effective_mode\" is longer than 15 bytes");
	assert_refused_with("\"calls\":{\"stat\"", "\"calls\":{\"a_very_long_op_name\"",
			    "op name \"a_very_long_op_name\" is longer than 15 bytes");
	assert_refused_with("{\"ENOENT\":3", "{\"ENOENT_BUT_MUCH_LONGER_THAN_IT\":3",
			    "errno name \"ENOENT_BUT_MUCH_LONGER_THAN_IT\" is longer than 23 bytes");
	ck_assert_int_ne(asprintf(&to, "\"example\":\"%.500s\"", big), -1);
	assert_refused_with("\"example\":\"read usr/share/d01/f00001\"", to,
			    "\"example\" is longer than 399 bytes");
	free(to);
	ck_assert_int_ne(asprintf(&to, "\"inject\":{\"%.100s\":5", big), -1);
	assert_refused_with("\"inject\":{\"rule 1 errno\":5", to, "is longer than 95 bytes");
	free(to);
}
END_TEST

START_TEST(more_ops_than_a_result_holds_are_refused)
{
	char to[2048] = "\"calls\":{";

	for (int i = 0; i < RUN_OPS + 1; i++)
		snprintf(to + strlen(to), sizeof(to) - strlen(to), "\"op%d\":1,", i);
	assert_refused_with("\"calls\":{", to, "more than 16 ops");
}
END_TEST

START_TEST(negative_fractional_huge_or_mistyped_numbers_are_refused)
{
	assert_refused_with("\"estale_total\":9", "\"estale_total\":-9", "\"estale_total\" is not a whole");
	assert_refused_with("\"estale_total\":9", "\"estale_total\":9.5", "\"estale_total\" is not a whole");
	assert_refused_with("\"estale_total\":9", "\"estale_total\":1e300",
			    "\"estale_total\" is not a whole");
	assert_refused_with("\"estale_total\":9", "\"estale_total\":\"9\"",
			    "\"estale_total\" is not a whole");
	assert_refused_with("\"threads\":8", "\"threads\":0", "\"threads\" is not a whole number from 1");
	assert_refused_with("\"duration_s\":2.250", "\"duration_s\":-1", "\"duration_s\" is not a number");
	assert_refused_with("\"overlay\":true", "\"overlay\":1", "\"overlay\" is not true or false");
	assert_refused_with("\"integrity\":{", "\"integrity\":[],\"x\":{", "\"integrity\" is not an object");
	assert_refused_with("\"rules\":[", "\"rules\":{\"a\":1},\"y\":[", "\"rules\" is not an array");
}
END_TEST

START_TEST(rep_results_must_match_reps_ran)
{
	assert_refused_with("\"reps_ran\":2", "\"reps_ran\":1", "2 rep_results for 1 reps_ran");
	assert_refused_with("\"reps_ran\":2", "\"reps_ran\":3", "\"reps_ran\" is not a whole number");
	assert_refused_with("{\"seed\":42,\"exit\":1,\"estale\":7,\"errors\":10,\"mismatches\":1}",
			    "7", "rep_results 1 is not an object");
}
END_TEST

START_TEST(not_an_object_or_no_id_is_refused)
{
	assert_refused("[1,2]", "not a cell object");
	assert_refused("{\"params\":{}}", "no \"cell\" id");
	assert_refused("{\"cell\":\"\"}", "no \"cell\" id");
	assert_refused("", "");
}
END_TEST

START_TEST(an_older_line_without_newer_fields_reads_with_defaults)
{
	static const char old[] =
		"{\"cell\":\"never/root/never/none/read+overlay\",\"params\":{\"mode\":\"never\","
		"\"privilege\":\"root\",\"cache\":\"never\",\"profile\":\"none\",\"rules\":[],"
		"\"workload\":\"read\",\"overlay\":true,\"seconds\":1.000,\"reps\":1},"
		"\"status\":\"ran\",\"reps\":1,\"reps_ran\":1,\"calls\":{\"stat\":617},"
		"\"estale\":{},\"errors\":{},\"estale_total\":0,\"emitted_trace\":0,"
		"\"verdict\":\"pass\",\"rep_results\":[{\"seed\":1,\"exit\":0}]}\n";
	struct cell_line l;
	char err[512] = "";

	ck_assert_msg(cell_line_read(&l, old, strlen(old), err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(l.backend, "stalefs");
	ck_assert_str_eq(l.cell.version, "1.13.2");
	ck_assert_int_eq(l.cell.rlimit_nofile, -1);
	ck_assert_uint_eq(l.cell.threads, 4);
	ck_assert(l.cell.seconds == 1.0 && l.cell.overlay && !l.cell.readonly);
	ck_assert_int_eq(l.result.nops, 1);
	ck_assert_uint_eq(l.result.op[0].calls, 617);
	ck_assert(l.result.traced);
	ck_assert_uint_eq(l.result.mem_peak, 0);
	ck_assert_int_eq(l.result.rep[0].exit, 0);
	ck_assert_int_eq(l.result.verdict, VERDICT_CLEAN);
	cell_line_free(&l);
}
END_TEST

/* Lines before the verdict words said pass/fail/skip: pass with ESTALE is
 * estale, fail of a cell that did not finish is error. */
START_TEST(an_older_verdict_word_reads_as_the_new_one)
{
	static const struct {
		const char *status, *verdict;
		int estale;
		enum run_verdict want;
	} c[] = {
		{ "ran", "pass", 0, VERDICT_CLEAN }, { "ran", "pass", 3, VERDICT_ESTALE },
		{ "ran", "fail", 3, VERDICT_FAILED }, { "timeout", "fail", 0, VERDICT_ERROR },
		{ "cannot-run", "skip", 0, VERDICT_SKIPPED }, { "ran", "estale", 3, VERDICT_ESTALE },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char line[512], err[512] = "";
		struct cell_line l;

		snprintf(line, sizeof(line),
			 "{\"cell\":\"never/root/never/none/read\",\"status\":\"%s\",\"estale_total\":%d,"
			 "\"verdict\":\"%s\"}\n", c[i].status, c[i].estale, c[i].verdict);
		ck_assert_msg(cell_line_read(&l, line, strlen(line), err, sizeof(err)) == 0, "%s", err);
		ck_assert_msg(l.result.verdict == c[i].want, "%s/%s/%d: verdict %s", c[i].status, c[i].verdict,
			      c[i].estale, run_verdict_name(l.result.verdict));
		cell_line_free(&l);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cellline");
	TCase *tc = tcase_create("cellline");

	tcase_add_test(tc, cell_line_round_trips_every_field);
	tcase_add_test(tc, a_backend_is_named_in_the_id_and_read_back);
	tcase_add_test(tc, the_stalefs_virtiofsd_backend_is_read_back_whole);
	tcase_add_test(tc, params_of_the_default_cell_are_byte_stable);
	tcase_add_test(tc, params_carry_every_option_and_quote_rules);
	tcase_add_test(tc, a_truncated_line_is_refused);
	tcase_add_test(tc, unknown_versions_and_names_are_refused);
	tcase_add_test(tc, overlong_strings_are_refused_not_cut);
	tcase_add_test(tc, more_ops_than_a_result_holds_are_refused);
	tcase_add_test(tc, negative_fractional_huge_or_mistyped_numbers_are_refused);
	tcase_add_test(tc, rep_results_must_match_reps_ran);
	tcase_add_test(tc, not_an_object_or_no_id_is_refused);
	tcase_add_test(tc, an_older_line_without_newer_fields_reads_with_defaults);
	tcase_add_test(tc, an_older_verdict_word_reads_as_the_new_one);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
