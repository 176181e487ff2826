// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Three harness modules that need no mount: attribution of surfaced ESTALE
 * (the join by thread and syscall window, the time-only join, masked and
 * unattributed counts, the JSON), cell options (defaults, every option and
 * its refusals, cross checks, the id, the repro command line and the params
 * object) and the tracefs text counter (sends joined with ends by unique).
 * Mounts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attrib.h"
#include "cell.h"
#include "compare.h"
#include "trace.h"
#include "unit.h"

#define SEC 1000000000ULL

/* ---- attrib ---- */

static struct attrib_reply reply(uint64_t t, uint32_t pid, const char *source, const char *detail)
{
	struct attrib_reply r = { .t_ns = t, .pid = pid };

	snprintf(r.source, sizeof(r.source), "%s", source);
	snprintf(r.detail, sizeof(r.detail), "%s", detail);
	return r;
}

/* attrib_json into a string (caller frees). */
static char *attrib_text(const struct attrib *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	attrib_json(a, f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(attrib_same_tid_in_window)
{
	struct attrib_reply r[] = { reply(1500, 10, "inject", "rule 1 errno") };
	struct attrib_seen s[] = { { .t_ns = 2000, .start_ns = 1000, .tid = 10 } };
	struct attrib a;

	attrib_join(&a, r, 1, s, 1, 1);
	ck_assert_int_eq(a.nkeys, 1);
	ck_assert_str_eq(a.key[0].source, "inject");
	ck_assert_str_eq(a.key[0].detail, "rule 1 errno");
	ck_assert_uint_eq(a.key[0].n, 1);
	ck_assert_uint_eq(a.kernel, 0);
	ck_assert_uint_eq(a.unattributed, 0);
	ck_assert_uint_eq(a.emitted, 1);
	ck_assert_uint_eq(a.masked, 0);
	ck_assert(r[0].used);
}
END_TEST

START_TEST(attrib_both_vfs_passes)
{
	/* Both ends of the window count; the last reply is what surfaced. */
	struct attrib_reply r[] = {
		reply(1000, 10, "host", "openat2"),
		reply(2000, 10, "inject", "rule 2 renode"),
	};
	struct attrib_seen s[] = { { .t_ns = 2000, .start_ns = 1000, .tid = 10 } };
	struct attrib a;

	attrib_join(&a, r, 2, s, 1, 1);
	ck_assert_int_eq(a.nkeys, 1);
	ck_assert_str_eq(a.key[0].source, "inject");
	ck_assert_str_eq(a.key[0].detail, "rule 2 renode");
	ck_assert_uint_eq(a.key[0].n, 1);
	ck_assert_uint_eq(a.kernel, 0);
	ck_assert_uint_eq(a.emitted, 2);
	ck_assert_uint_eq(a.masked, 0);
	ck_assert(r[0].used && r[1].used);
}
END_TEST

START_TEST(attrib_other_tid_or_outside_window)
{
	struct attrib_seen s[] = { { .t_ns = 2000, .start_ns = 1000, .tid = 10 } };
	struct attrib a;

	/* Another thread's reply inside the window: kernel-made, the reply masked. */
	{
		struct attrib_reply r[] = { reply(1500, 11, "inject", "rule 1 errno") };

		attrib_join(&a, r, 1, s, 1, 1);
		ck_assert_int_eq(a.nkeys, 0);
		ck_assert_uint_eq(a.kernel, 1);
		ck_assert_uint_eq(a.emitted, 1);
		ck_assert_uint_eq(a.masked, 1);
		ck_assert(!r[0].used);
	}
	/* Same thread, just before the start and just after the end. */
	{
		struct attrib_reply r[] = { reply(999, 10, "host", "statx"),
					    reply(2001, 10, "host", "statx") };

		attrib_join(&a, r, 2, s, 1, 1);
		ck_assert_int_eq(a.nkeys, 0);
		ck_assert_uint_eq(a.kernel, 1);
		ck_assert_uint_eq(a.emitted, 2);
		ck_assert_uint_eq(a.masked, 2);
		ck_assert(!r[0].used && !r[1].used);
	}
	/* No replies at all. */
	attrib_join(&a, NULL, 0, s, 1, 1);
	ck_assert_uint_eq(a.kernel, 1);
	ck_assert_uint_eq(a.emitted, 0);
	ck_assert_uint_eq(a.masked, 0);
}
END_TEST

START_TEST(attrib_time_only)
{
	/* No start: the last unused reply of any pid in [t - 1 s, t]. */
	struct attrib_reply r[] = {
		reply(4 * SEC - 1, 1, "inject", "too early"),
		reply(4 * SEC, 2, "host", "openat2"),
		reply(4 * SEC + SEC / 2, 3, "daemon", "rebind"),
		reply(5 * SEC + 1, 4, "inject", "too late"),
	};
	struct attrib_seen s[] = {
		{ .t_ns = 5 * SEC, .start_ns = 0, .tid = 99 },
		{ .t_ns = 5 * SEC, .start_ns = 0, .tid = 98 },
		{ .t_ns = 5 * SEC, .start_ns = 0, .tid = 97 },
	};
	struct attrib a;

	attrib_join(&a, r, 4, s, 3, 3);
	ck_assert_int_eq(a.nkeys, 2);
	ck_assert_str_eq(a.key[0].source, "daemon");
	ck_assert_str_eq(a.key[0].detail, "rebind");
	ck_assert_uint_eq(a.key[0].n, 1);
	ck_assert_str_eq(a.key[1].source, "host");
	ck_assert_str_eq(a.key[1].detail, "openat2");
	ck_assert_uint_eq(a.key[1].n, 1);
	ck_assert_uint_eq(a.kernel, 1);		/* the third found nothing left */
	ck_assert_uint_eq(a.emitted, 4);
	ck_assert_uint_eq(a.masked, 2);
	ck_assert(!r[0].used && r[1].used && r[2].used && !r[3].used);

	/* Within the first second of the clock: the window starts at 0. */
	{
		struct attrib_reply z[] = { reply(0, 5, "host", "statx") };
		struct attrib_seen e[] = { { .t_ns = 100, .start_ns = 0, .tid = 1 } };

		attrib_join(&a, z, 1, e, 1, 1);
		ck_assert_int_eq(a.nkeys, 1);
		ck_assert_str_eq(a.key[0].detail, "statx");
		ck_assert_uint_eq(a.kernel, 0);
		ck_assert_uint_eq(a.masked, 0);
	}
}
END_TEST

START_TEST(attrib_unattributed_and_masked)
{
	struct attrib_seen s[] = { { .t_ns = 2000, .start_ns = 1000, .tid = 10 } };
	struct attrib a;
	struct attrib_reply r[3];

	/* One used, two left over. total 2: one surfaced ESTALE not in the list
	 * may have used one of them, so only one is masked. */
	r[0] = reply(1500, 10, "inject", "rule 1 errno");
	r[1] = reply(3000, 20, "inject", "rule 1 errno");
	r[2] = reply(4000, 20, "inject", "rule 1 errno");
	attrib_join(&a, r, 3, s, 1, 2);
	ck_assert_uint_eq(a.unattributed, 1);
	ck_assert_uint_eq(a.emitted, 3);
	ck_assert_uint_eq(a.masked, 1);
	ck_assert_uint_eq(a.key[0].n, 1);

	/* More unattributed than left over: masked 0, not negative. */
	r[0].used = r[1].used = r[2].used = false;
	attrib_join(&a, r, 3, s, 1, 5);
	ck_assert_uint_eq(a.unattributed, 4);
	ck_assert_uint_eq(a.masked, 0);

	/* total below the list: nothing unattributed. */
	r[0].used = r[1].used = r[2].used = false;
	attrib_join(&a, r, 3, s, 1, 0);
	ck_assert_uint_eq(a.unattributed, 0);
	ck_assert_uint_eq(a.masked, 2);
}
END_TEST

START_TEST(attrib_sorts_replies)
{
	struct attrib_reply r[] = {
		reply(2000, 10, "inject", "middle"),
		reply(3000, 10, "inject", "after"),
		reply(500, 10, "inject", "before"),
		reply(1600, 10, "host", "openat2"),
	};
	struct attrib_seen s[] = { { .t_ns = 2500, .start_ns = 1500, .tid = 10 } };
	struct attrib a;

	attrib_join(&a, r, 4, s, 1, 1);
	ck_assert_uint_eq(r[0].t_ns, 500);
	ck_assert_uint_eq(r[1].t_ns, 1600);
	ck_assert_uint_eq(r[2].t_ns, 2000);
	ck_assert_uint_eq(r[3].t_ns, 3000);
	ck_assert(!r[0].used && r[1].used && r[2].used && !r[3].used);
	ck_assert_int_eq(a.nkeys, 1);
	ck_assert_str_eq(a.key[0].detail, "middle");
	ck_assert_uint_eq(a.kernel, 0);
	ck_assert_uint_eq(a.masked, 2);
}
END_TEST

START_TEST(attrib_many_events)
{
	/* Several threads and syscalls interleaved; a second syscall of the
	 * same thread does not reuse the first one's replies. */
	struct attrib_reply r[] = {
		reply(100, 1, "inject", "rule 1 errno"),
		reply(150, 2, "host", "open_by_handle_at"),
		reply(200, 1, "inject", "rule 1 errno"),
		reply(300, 1, "inject", "rule 1 errno"),
		reply(350, 3, "inject", "rule 1 errno"),	/* masked */
		reply(400, 2, "host", "open_by_handle_at"),
	};
	struct attrib_seen s[] = {
		{ .t_ns = 250, .start_ns = 50, .tid = 1 },	/* 100, 200 */
		{ .t_ns = 320, .start_ns = 100, .tid = 1 },	/* 300 */
		{ .t_ns = 420, .start_ns = 120, .tid = 2 },	/* 150, 400 */
		{ .t_ns = 420, .start_ns = 120, .tid = 4 },	/* kernel */
	};
	struct attrib a;

	attrib_join(&a, r, 6, s, 4, 4);
	ck_assert_int_eq(a.nkeys, 2);
	ck_assert_str_eq(a.key[0].detail, "rule 1 errno");
	ck_assert_uint_eq(a.key[0].n, 2);
	ck_assert_str_eq(a.key[1].source, "host");
	ck_assert_uint_eq(a.key[1].n, 1);
	ck_assert_uint_eq(a.kernel, 1);
	ck_assert_uint_eq(a.unattributed, 0);
	ck_assert_uint_eq(a.emitted, 6);
	ck_assert_uint_eq(a.masked, 1);
}
END_TEST

START_TEST(attrib_key_overflow)
{
	/* More distinct details than keys: the rest fold into "other", none lost. */
	enum { N = ATTRIB_KEYS + 6 };
	struct attrib_reply r[N];
	struct attrib_seen s[N];
	struct attrib a;
	uint64_t sum = 0;

	for (int i = 0; i < N; i++) {
		char d[32];

		snprintf(d, sizeof(d), "rule %d errno", i + 1);
		r[i] = reply(1000 + 10 * i, 7, "inject", d);
		s[i] = (struct attrib_seen){ .t_ns = 1005 + 10 * i, .start_ns = 1000 + 10 * i, .tid = 7 };
	}
	attrib_join(&a, r, N, s, N, N);
	ck_assert_int_eq(a.nkeys, ATTRIB_KEYS);
	for (int i = 0; i < a.nkeys; i++)
		sum += a.key[i].n;
	ck_assert_uint_eq(sum, N);
	ck_assert_str_eq(a.key[ATTRIB_KEYS - 1].detail, "other");
	ck_assert_uint_eq(a.key[ATTRIB_KEYS - 1].n, 7);
	ck_assert_uint_eq(a.masked, 0);
}
END_TEST

START_TEST(attrib_add_and_json)
{
	struct attrib a, b;
	char *t;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	t = attrib_text(&a);
	ck_assert_str_eq(t, "{\"inject\":{},\"host\":{},\"daemon\":{},\"kernel\":0,\"unattributed\":0}");
	free(t);

	a.nkeys = 1;
	strcpy(a.key[0].source, "inject");
	strcpy(a.key[0].detail, "rule 1 errno");
	a.key[0].n = 1;
	a.kernel = 1;
	a.unattributed = 2;
	a.emitted = 3;
	a.masked = 4;
	b.nkeys = 3;
	strcpy(b.key[0].source, "host");
	strcpy(b.key[0].detail, "openat2");
	b.key[0].n = 5;
	strcpy(b.key[1].source, "inject");
	strcpy(b.key[1].detail, "rule 1 errno");
	b.key[1].n = 2;
	strcpy(b.key[2].source, "daemon");
	strcpy(b.key[2].detail, "say \"hi\"\\");
	b.key[2].n = 6;
	b.kernel = 10;
	b.unattributed = 20;
	b.emitted = 30;
	b.masked = 40;
	attrib_add(&a, &b);
	ck_assert_int_eq(a.nkeys, 3);
	ck_assert_str_eq(a.key[0].detail, "rule 1 errno");
	ck_assert_uint_eq(a.key[0].n, 3);
	ck_assert_str_eq(a.key[1].detail, "openat2");
	ck_assert_uint_eq(a.key[1].n, 5);
	ck_assert_uint_eq(a.key[2].n, 6);
	ck_assert_uint_eq(a.kernel, 11);
	ck_assert_uint_eq(a.unattributed, 22);
	ck_assert_uint_eq(a.emitted, 33);
	ck_assert_uint_eq(a.masked, 44);
	/* b is unchanged. */
	ck_assert_uint_eq(b.key[1].n, 2);
	ck_assert_uint_eq(b.kernel, 10);

	t = attrib_text(&a);
	ck_assert_str_eq(t, "{\"inject\":{\"rule 1 errno\":3},\"host\":{\"openat2\":5},"
			    "\"daemon\":{\"say \\\"hi\\\"\\\\\":6},\"kernel\":11,\"unattributed\":22}");
	free(t);

	/* Two keys of one source, in key order. */
	attrib_add(&a, &(struct attrib){ .nkeys = 1, .key = { { "inject", "rule 9 evict", 1 } } });
	t = attrib_text(&a);
	ck_assert_str_eq(t, "{\"inject\":{\"rule 1 errno\":3,\"rule 9 evict\":1},\"host\":{\"openat2\":5},"
			    "\"daemon\":{\"say \\\"hi\\\"\\\\\":6},\"kernel\":11,\"unattributed\":22}");
	free(t);
}
END_TEST

/* ---- cell ---- */

static int set(struct cell *c, const char *name, const char *value, char *err, size_t len)
{
	err[0] = '\0';
	return cell_set(c, name, value, err, len);
}

static void set_ok(struct cell *c, const char *name, const char *value)
{
	char err[512];
	int ret = set(c, name, value, err, sizeof(err));

	ck_assert_msg(ret == 0, "--%s %s: %d %s", name, value ? value : "", ret, err);
}

/* Refused with -EINVAL and a one-line reason naming the option. */
static void set_bad(struct cell *c, const char *name, const char *value, const char *reason)
{
	char err[512], opt[64];
	int ret = set(c, name, value, err, sizeof(err));

	snprintf(opt, sizeof(opt), "--%s", name);
	ck_assert_msg(ret == -EINVAL, "--%s %s accepted (%d)", name, value ? value : "", ret);
	ck_assert_msg(strstr(err, opt) != NULL, "--%s %s: '%s'", name, value ? value : "", err);
	ck_assert_msg(!strchr(err, '\n'), "two lines: '%s'", err);
	if (reason)
		ck_assert_str_eq(err, reason);
}

static char *params_text(const struct cell *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	cell_params_json(c, f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static const char *profiles_dir(void)
{
	const char *d = getenv("STALEFS_PROFILES");

	ck_assert_msg(d && *d, "STALEFS_PROFILES is not set (run through meson test)");
	return d;
}

START_TEST(cell_defaults)
{
	struct cell c;
	char *t;

	cell_default(&c);
	ck_assert_str_eq(c.mode, "never");
	ck_assert_str_eq(c.privilege, "root");
	ck_assert_str_eq(c.cache, "auto");
	ck_assert_str_eq(c.profile, "none");
	ck_assert_int_eq(c.nrules, 0);
	ck_assert_str_eq(c.workload, "read");
	ck_assert(!c.overlay && !c.churn && !c.xattr && !c.until_estale);
	ck_assert(c.layer_every == 0);
	ck_assert_uint_eq(c.drop_caches_ms, 0);
	ck_assert_uint_eq(c.threads, 4);
	ck_assert_uint_eq(c.rounds, 1);
	ck_assert(c.seconds == 2.0);
	ck_assert_uint_eq(c.count, 0);
	ck_assert_uint_eq(c.reps, 1);
	ck_assert_uint_eq(c.seed, 1);
	ck_assert_uint_eq(c.objects, 200);
	ck_assert_uint_eq(c.max_links, 100);
	ck_assert_int_eq(c.expect, EXPECT_ANY);
	ck_assert(c.timeout == 0);
	ck_assert_str_eq(cell_expect_name(EXPECT_ANY), "any");
	ck_assert_str_eq(cell_expect_name(EXPECT_NONE), "none");
	ck_assert_str_eq(cell_expect_name(EXPECT_SOME), "some");

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

START_TEST(cell_virtiofsd_model_in_id_repro_and_params)
{
	struct cell c;
	char id[512], repro[2048], err[256];

	cell_default(&c);
	cell_id(&c, id, sizeof(id));
	ck_assert_ptr_null(strchr(id, '@'));	/* the default model is not named */
	set_ok(&c, "virtiofsd-version", "1.13.0");
	set_ok(&c, "rlimit-nofile", "800");
	cell_id(&c, id, sizeof(id));
	ck_assert_str_eq(id, "never/root/auto/none/read@1.13.0,nofile=800");
	cell_repro(&c, repro, sizeof(repro));
	ck_assert_ptr_nonnull(strstr(repro, " --virtiofsd-version 1.13.0 --rlimit-nofile 800 "));
	ck_assert_int_eq(cell_set(&c, "virtiofsd-version", "1.14.0", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(cell_set(&c, "rlimit-nofile", "-1", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(cell_set(&c, "rlimit-nofile", "99999999999", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(c.rlimit_nofile, 800);
	ck_assert_str_eq(c.version, "1.13.0");
	cell_free(&c);
}
END_TEST

START_TEST(cell_set_every_option)
{
	struct cell c, d;
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
	ck_assert_str_eq(c.mode, "prefer");
	ck_assert_str_eq(c.privilege, "userns");
	ck_assert_str_eq(c.cache, "metadata");
	ck_assert_str_eq(c.workload, "storm");
	ck_assert_int_eq(c.expect, EXPECT_SOME);
	ck_assert_str_eq(c.profile, "evict-storm");
	ck_assert_int_eq(c.nrules, 2);
	ck_assert_str_eq(c.rules[0], "evict:every=100,seed=7,as=estale");
	ck_assert_str_eq(c.rules[1], "errno:op=LOOKUP|GETATTR,path=/a \"b\",errno=ESTALE");
	ck_assert(c.xattr && c.until_estale);
	ck_assert(!c.overlay && !c.churn);
	ck_assert(c.timeout == 30);
	ck_assert_uint_eq(c.threads, 256);
	ck_assert_uint_eq(c.rounds, 3);
	ck_assert_uint_eq(c.count, 1000);
	ck_assert_uint_eq(c.reps, 3);
	ck_assert_uint_eq(c.seed, 42);
	ck_assert_uint_eq(c.objects, 5000);
	ck_assert_uint_eq(c.max_links, 7);

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

	/* A copy owns its rules. */
	ck_assert_int_eq(cell_copy(&d, &c), 0);
	ck_assert_int_eq(d.nrules, 2);
	ck_assert_ptr_ne(d.rules[0], c.rules[0]);
	ck_assert_str_eq(d.rules[1], c.rules[1]);
	cell_free(&c);
	ck_assert_int_eq(c.nrules, 0);
	ck_assert_str_eq(d.rules[0], "evict:every=100,seed=7,as=estale");
	cell_free(&d);

	/* --seconds drops an earlier --count; --layer-every implies churn. */
	cell_default(&c);
	set_ok(&c, "workload", "read");
	set_ok(&c, "count", "5");
	set_ok(&c, "seconds", "1.5");
	ck_assert_uint_eq(c.count, 0);
	ck_assert(c.seconds == 1.5);
	set_ok(&c, "layer-every", "0.5");
	ck_assert(c.churn);
	ck_assert(c.layer_every == 0.5);
	set_ok(&c, "drop-caches-ms", "100");
	ck_assert_uint_eq(c.drop_caches_ms, 100);
	set_ok(&c, "overlay", NULL);
	ck_assert(c.overlay);
	set_ok(&c, "expect", "none");
	ck_assert_int_eq(c.expect, EXPECT_NONE);
	set_ok(&c, "expect", "any");
	ck_assert_int_eq(c.expect, EXPECT_ANY);
	set_ok(&c, "seed", "0");
	ck_assert_uint_eq(c.seed, 0);
	set_ok(&c, "profile", "none");
	ck_assert_str_eq(c.profile, "none");
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

START_TEST(cell_set_refuses)
{
	struct cell c;
	char err[512];

	cell_default(&c);
	set_bad(&c, "mode", "sometimes", "bad --mode 'sometimes' (never|prefer|mandatory|fallback)");
	set_bad(&c, "privilege", "admin", "bad --privilege 'admin' (root|unprivileged|userns)");
	set_bad(&c, "cache", "", "bad --cache '' (auto|always|never|metadata)");
	set_bad(&c, "workload", "reads", "bad --workload 'reads' (read|storm|ostree)");
	set_bad(&c, "expect", "maybe", "bad --expect 'maybe' (any|none|some)");
	set_bad(&c, "threads", "0", "bad --threads '0' (1 to 256)");
	set_bad(&c, "threads", "257", NULL);
	set_bad(&c, "threads", "4x", NULL);
	set_bad(&c, "threads", "-3", NULL);
	set_bad(&c, "threads", "", NULL);
	set_bad(&c, "rounds", "0", "bad --rounds '0' (1 to 1000)");
	set_bad(&c, "rounds", "1001", NULL);
	set_bad(&c, "seconds", "-1", "bad --seconds '-1' (0.1 to 86400)");
	set_bad(&c, "seconds", "nan", NULL);
	set_bad(&c, "seconds", "inf", NULL);
	set_bad(&c, "seconds", "2s", NULL);
	set_bad(&c, "timeout", "0.5", NULL);
	set_bad(&c, "layer-every", "0", NULL);
	set_bad(&c, "drop-caches-ms", "3600001", NULL);
	set_bad(&c, "count", "0", "bad --count '0' (1 to 18446744073709551615)");
	set_bad(&c, "count", "18446744073709551616", NULL);	/* ERANGE */
	set_bad(&c, "reps", "100001", NULL);
	set_bad(&c, "seed", "-1", NULL);
	set_bad(&c, "objects", "0", NULL);
	set_bad(&c, "max-links", "65001", NULL);
	set_bad(&c, "profile", "nope",
		"bad --profile 'nope': no such profile (a file, or a name in inject/profiles)");
	set_bad(&c, "profile", "/no/such/file.rules", NULL);
	set_bad(&c, "inject", "bogus:x=1", NULL);
	set(&c, "inject", "bogus:x=1", err, sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "bad --inject 'bogus:x=1': unknown fault kind 'bogus'"));
	set_bad(&c, "inject", "errno:op=LOOKUP",
		"bad --inject 'errno:op=LOOKUP': errno: missing (errno:errno=ESTALE,...)");
	set_bad(&c, "inject", "evict:every", NULL);
	ck_assert_int_eq(c.nrules, 0);
	/* Flags take no value. */
	cell_default(&c);
	set_bad(&c, "overlay", "yes", "--overlay takes no value");
	set_bad(&c, "churn", "1", "--churn takes no value");
	set_bad(&c, "xattr", "", "--xattr takes no value");
	set_bad(&c, "until-estale", "x", "--until-estale takes no value");
	ck_assert(!c.overlay && !c.churn && !c.xattr && !c.until_estale);
	/* Not a cell option. */
	ck_assert_int_eq(set(&c, "out", "x.json", err, sizeof(err)), 1);
	ck_assert_int_eq(set(&c, "nope", NULL, err, sizeof(err)), 1);
	ck_assert_int_eq(set(&c, "Mode", "never", err, sizeof(err)), 1);
	/* At most CELL_MAX_RULES rules. */
	for (int i = 0; i < CELL_MAX_RULES; i++)
		set_ok(&c, "inject", "evict:every=3");
	set_bad(&c, "inject", "evict:every=3", "more than 16 --inject rules");
	ck_assert_int_eq(c.nrules, CELL_MAX_RULES);
	/* A small err buffer is cut, never overrun. */
	{
		char small[8];

		ck_assert_int_eq(cell_set(&c, "mode", "sometimes", small, sizeof(small)), -EINVAL);
		ck_assert_str_eq(small, "bad --m");
	}
	cell_free(&c);
}
END_TEST

/* A refused value leaves the cell as it was. */
START_TEST(cell_set_refused_value_changes_nothing)
{
	struct cell c, before;
	char err[512];

	cell_default(&c);
	set_ok(&c, "count", "100");
	set_ok(&c, "expect", "some");
	before = c;
	static const char *const bad[][2] = {
		{ "seconds", "0" }, { "layer-every", "0" }, { "expect", "maybe" },
		{ "threads", "0" }, { "reps", "0" }, { "max-links", "0" },
		{ "drop-caches-ms", "-1" }, { "rounds", "0" }, { "mode", "x" }, { "timeout", "0" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(set(&c, bad[i][0], bad[i][1], err, sizeof(err)), -EINVAL);
		ck_assert_msg(c.count == 100, "--%s %s: count %llu", bad[i][0], bad[i][1],
			      (unsigned long long)c.count);
		ck_assert_msg(!c.churn, "--%s %s set churn", bad[i][0], bad[i][1]);
		ck_assert_msg(c.expect == EXPECT_SOME, "--%s %s: expect %d", bad[i][0], bad[i][1],
			      (int)c.expect);
		ck_assert_msg(c.threads == before.threads && c.reps == before.reps &&
			      c.max_links == before.max_links && c.drop_caches_ms == before.drop_caches_ms &&
			      c.rounds == before.rounds,
			      "--%s %s: threads %u reps %u max_links %u drop_caches_ms %u rounds %u",
			      bad[i][0], bad[i][1], c.threads, c.reps, c.max_links, c.drop_caches_ms,
			      c.rounds);
		ck_assert_msg(strcmp(c.mode, before.mode) == 0 && c.seconds == before.seconds &&
			      c.layer_every == before.layer_every && c.timeout == before.timeout,
			      "--%s %s changed the cell", bad[i][0], bad[i][1]);
	}
}
END_TEST

START_TEST(cell_check_combinations)
{
	struct cell c;
	char err[512];

	cell_default(&c);
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), 0);
	set_ok(&c, "overlay", NULL);
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), 0);
	set_ok(&c, "workload", "storm");
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--overlay goes with --workload read only");

	cell_default(&c);
	set_ok(&c, "workload", "storm");
	set_ok(&c, "drop-caches-ms", "100");
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--drop-caches-ms goes with --workload read only");

	cell_default(&c);
	set_ok(&c, "workload", "storm");
	set_ok(&c, "churn", NULL);
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), 0);
	set_ok(&c, "workload", "ostree");
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "host actors (--churn, --layer-every, --dir-move-every, --submount-every, "
			 "--podman-every) need a generated tree (not --workload ostree)");

	cell_default(&c);
	set_ok(&c, "workload", "ostree");
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), 0);
	set_ok(&c, "rounds", "3");
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), 0);
	set_ok(&c, "workload", "read");
	ck_assert_int_eq(cell_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--rounds goes with --workload ostree only");
}
END_TEST

static void id_is(const struct cell *c, const char *want)
{
	char id[256];

	cell_id(c, id, sizeof(id));
	ck_assert_str_eq(id, want);
}

START_TEST(cell_ids)
{
	struct cell c;
	char path[4096];

	cell_default(&c);
	id_is(&c, "never/root/auto/none/read");

	set_ok(&c, "mode", "fallback");
	set_ok(&c, "privilege", "unprivileged");
	set_ok(&c, "cache", "always");
	set_ok(&c, "profile", "evict-storm");
	set_ok(&c, "overlay", NULL);
	set_ok(&c, "churn", NULL);
	id_is(&c, "fallback/unprivileged/always/evict-storm/read+overlay+churn");

	cell_default(&c);
	set_ok(&c, "layer-every", "0.5");
	set_ok(&c, "drop-caches-ms", "100");
	id_is(&c, "never/root/auto/none/read+churn+layers+drop");

	cell_default(&c);
	set_ok(&c, "workload", "storm");
	set_ok(&c, "inject", "evict:every=100,seed=7,as=estale");
	id_is(&c, "never/root/auto/1-rule/storm");
	/* A rule with a '/' in it does not look like a profile path. */
	set_ok(&c, "inject", "errno:path=/x/y.rules,errno=ESTALE");
	id_is(&c, "never/root/auto/2-rules/storm");
	set_ok(&c, "profile", "evict-storm");
	id_is(&c, "never/root/auto/evict-storm+2-rules/storm");
	cell_free(&c);

	/* A profile given as a path: its file name without .rules. */
	cell_default(&c);
	snprintf(path, sizeof(path), "%s/evict-storm.rules", profiles_dir());
	set_ok(&c, "profile", path);
	ck_assert_str_eq(c.profile, path);
	id_is(&c, "never/root/auto/evict-storm/read");
	/* ... and with rules: they still count. */
	set_ok(&c, "inject", "evict:every=3");
	set_ok(&c, "inject", "evict:every=5");
	id_is(&c, "never/root/auto/evict-storm+2-rules/read");
	cell_free(&c);

	/* A short buffer is cut, not overrun. */
	{
		char id[10];

		cell_default(&c);
		cell_id(&c, id, sizeof(id));
		ck_assert_str_eq(id, "never/roo");
	}
}
END_TEST

static void repro_is(const struct cell *c, const char *want)
{
	char buf[2048];

	cell_repro(c, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

START_TEST(cell_repros)
{
	struct cell c;
	char buf[2048], dir[256], want[2048];

	cell_default(&c);
	repro_is(&c, "stalefs run --mode never --workload read --seconds 2 --seed 1");

	set_ok(&c, "mode", "prefer");
	set_ok(&c, "privilege", "userns");
	set_ok(&c, "cache", "never");
	set_ok(&c, "profile", "evict-storm");
	set_ok(&c, "inject", "evict:every=100,seed=7,as=estale");
	set_ok(&c, "inject", "errno:op=LOOKUP|GETATTR,path=/it's a*,errno=ESTALE");
	set_ok(&c, "overlay", NULL);
	set_ok(&c, "layer-every", "0.5");
	set_ok(&c, "drop-caches-ms", "100");
	set_ok(&c, "xattr", NULL);
	set_ok(&c, "threads", "8");
	set_ok(&c, "count", "1000");
	set_ok(&c, "objects", "5000");
	set_ok(&c, "max-links", "7");
	set_ok(&c, "reps", "3");
	set_ok(&c, "until-estale", NULL);
	set_ok(&c, "seed", "42");
	set_ok(&c, "expect", "none");
	repro_is(&c, "stalefs run --mode prefer --privilege userns --cache never"
		     " --profile evict-storm --inject evict:every=100,seed=7,as=estale"
		     " --inject 'errno:op=LOOKUP|GETATTR,path=/it'\\''s a*,errno=ESTALE'"
		     " --workload read --overlay --layer-every 0.5 --drop-caches-ms 100 --xattr"
		     " --threads 8 --count 1000 --objects 5000 --max-links 7 --reps 3"
		     " --until-estale --seed 42 --expect none");

	/* Short buffers (cut inside the quoting too): terminated, never overrun
	 * (the buffer is exactly len bytes: the sanitizer build checks). */
	for (size_t len = 1; len < 260; len++) {
		char *small = malloc(len);

		ck_assert_ptr_nonnull(small);
		cell_repro(&c, small, len);
		ck_assert_uint_lt(strlen(small), len);
		ck_assert_int_eq(strncmp(small, "stalefs run", len - 1 < 11 ? len - 1 : 11), 0);
		free(small);
	}
	cell_free(&c);

	/* Churn without layers; a profile path with a space and a quote. */
	cell_default(&c);
	unit_mkdtemp(dir, sizeof(dir));
	{
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char path[512];

		ck_assert_int_ge(dfd, 0);
		unit_write_file(dfd, "o'my prof.rules", "evict:every=3\n");
		close(dfd);
		snprintf(path, sizeof(path), "%s/o'my prof.rules", dir);
		set_ok(&c, "profile", path);
		set_ok(&c, "churn", NULL);
		set_ok(&c, "workload", "storm");
		set_ok(&c, "seconds", "0.25");
		snprintf(want, sizeof(want), "stalefs run --mode never --profile '%s/o'\\''my prof.rules'"
			 " --workload storm --churn --seconds 0.25 --seed 1", dir);
		repro_is(&c, want);
		id_is(&c, "never/root/auto/o'my prof/storm+churn");
	}
	unit_rmtree(dir);
	cell_repro(&c, buf, sizeof(buf));
	ck_assert_int_eq(strncmp(buf, "stalefs run --mode ", 19), 0);

	cell_default(&c);
	set_ok(&c, "workload", "ostree");
	set_ok(&c, "rounds", "5");
	set_ok(&c, "threads", "1");
	repro_is(&c, "stalefs run --mode never --workload ostree --rounds 5 --threads 1 --seconds 2"
		     " --seed 1");
}
END_TEST

/* The repro reruns the cell: a --timeout that differs from the default is part of it. */
START_TEST(cell_repro_keeps_timeout)
{
	struct cell c;
	char buf[1024];

	cell_default(&c);
	set_ok(&c, "timeout", "30");
	cell_repro(&c, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, " --timeout 30") != NULL, "%s", buf);
}
END_TEST

/* ---- trace ---- */

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

static Suite *harness_suite(void)
{
	Suite *s = suite_create("harness");
	TCase *tc = tcase_create("attrib");

	tcase_add_test(tc, attrib_same_tid_in_window);
	tcase_add_test(tc, attrib_both_vfs_passes);
	tcase_add_test(tc, attrib_other_tid_or_outside_window);
	tcase_add_test(tc, attrib_time_only);
	tcase_add_test(tc, attrib_unattributed_and_masked);
	tcase_add_test(tc, attrib_sorts_replies);
	tcase_add_test(tc, attrib_many_events);
	tcase_add_test(tc, attrib_key_overflow);
	tcase_add_test(tc, attrib_add_and_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("cell");
	tcase_add_test(tc, cell_defaults);
	tcase_add_test(tc, cell_set_every_option);
	tcase_add_test(tc, cell_virtiofsd_model_in_id_repro_and_params);
	tcase_add_test(tc, cell_set_refuses);
	tcase_add_test(tc, cell_set_refused_value_changes_nothing);
	tcase_add_test(tc, cell_check_combinations);
	tcase_add_test(tc, cell_ids);
	tcase_add_test(tc, cell_repros);
	tcase_add_test(tc, cell_repro_keeps_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("vlog");
	tcase_add_test(tc, vlog_counts_replies_by_errno_and_op);
	suite_add_tcase(s, tc);

	tc = tcase_create("trace");
	tcase_add_test(tc, trace_counts_lines);
	tcase_add_test(tc, trace_long_lines);
	tcase_add_test(tc, trace_op_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(harness_suite());
}
