// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cell options: defaults, every option and its refusals, cross checks, the
 * id and the repro command line; the guest-shape and host-actor options.
 * (The params object of the cell line: test_cellline.c.)
 * Mounts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell.h"
#include "unit.h"

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

static const char *profiles_dir(void)
{
	const char *d = getenv("STALEFS_PROFILES");

	ck_assert_msg(d && *d, "STALEFS_PROFILES is not set (run through meson test)");
	return d;
}

START_TEST(defaults_are_the_documented_ones)
{
	struct cell c;

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
}
END_TEST

START_TEST(the_virtiofsd_model_is_named_in_id_and_repro)
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

START_TEST(every_option_sets_its_field_and_a_copy_owns_its_rules)
{
	struct cell c, d;

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
	cell_free(&c);
}
END_TEST

START_TEST(bad_values_are_refused_with_a_reason)
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
START_TEST(a_refused_value_changes_nothing)
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

START_TEST(options_that_do_not_go_together_are_refused)
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

START_TEST(ids_name_every_condition)
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

START_TEST(repro_lines_rerun_the_cell)
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
START_TEST(repro_keeps_the_timeout)
{
	struct cell c;
	char buf[1024];

	cell_default(&c);
	set_ok(&c, "timeout", "30");
	cell_repro(&c, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, " --timeout 30") != NULL, "%s", buf);
}
END_TEST

START_TEST(guest_shape_and_host_actors_are_set_named_and_rerun)
{
	struct cell c;
	char id[600], repro[8192];

	cell_default(&c);
	set_ok(&c, "two-path", NULL);
	ck_assert(c.two_path && c.overlay);
	set_ok(&c, "second-daemon", NULL);
	set_ok(&c, "readonly", NULL);
	set_ok(&c, "memory-pressure", "50");
	set_ok(&c, "dir-move-every", "0.05");
	set_ok(&c, "submount-every", "0.2");
	set_ok(&c, "podman-every", "0.1");
	ck_assert(cell_host_changes(&c));
	ck_assert(!c.churn);
	cell_id(&c, id, sizeof(id));
	ck_assert_str_eq(id, "never/root/auto/none/read+overlay+2path+dirmove+submount+podman+2daemons+mem50+ro");
	cell_repro(&c, repro, sizeof(repro));
	for (const char *want = " --two-path| --second-daemon| --memory-pressure 50| --dir-move-every 0.05|"
				" --submount-every 0.2| --podman-every 0.1| --readonly"; *want;) {
		size_t n = strcspn(want, "|");
		char one[64];

		snprintf(one, sizeof(one), "%.*s", (int)n, want);
		ck_assert_msg(strstr(repro, one), "%s not in %s", one, repro);
		want += n + (want[n] == '|');
	}
	set_bad(&c, "memory-pressure", "5", "bad --memory-pressure '5' (10 to 99)");
	set_bad(&c, "podman-every", "0", "bad --podman-every '0' (0.01 to 3600)");
	cell_free(&c);
	cell_default(&c);
	set_ok(&c, "workload", "ostree");
	set_ok(&c, "podman-every", "1");
	ck_assert_int_eq(cell_check(&c, id, sizeof(id)), -EINVAL);
	cell_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cell");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, defaults_are_the_documented_ones);
	tcase_add_test(tc, the_virtiofsd_model_is_named_in_id_and_repro);
	tcase_add_test(tc, every_option_sets_its_field_and_a_copy_owns_its_rules);
	tcase_add_test(tc, bad_values_are_refused_with_a_reason);
	tcase_add_test(tc, a_refused_value_changes_nothing);
	tcase_add_test(tc, options_that_do_not_go_together_are_refused);
	tcase_add_test(tc, ids_name_every_condition);
	tcase_add_test(tc, repro_lines_rerun_the_cell);
	tcase_add_test(tc, repro_keeps_the_timeout);
	tcase_add_test(tc, guest_shape_and_host_actors_are_set_named_and_rerun);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
