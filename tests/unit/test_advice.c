// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Advice: each cause family of the chains (inject, daemon fd limit, kernel
 * overlay after host churn or without it, host, identity change) gives its
 * own words and a next step naming a real pinpoint experiment; the biggest
 * family wins; without chains the attribution counts decide; the verdict
 * sentence says the counts and fits its buffer. Mounts nothing.
 */
#include <stdio.h>
#include <string.h>

#include "advice.h"
#include "pinpoint_experiment.h"
#include "unit.h"

#define assert_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "no '%s' in: %s", (needle), (hay))

static void add(struct chains *cs, const char *layer, const char *reply, const char *cause,
		uint64_t n)
{
	struct chain *c = &cs->c[cs->n++];

	snprintf(c->layer, sizeof(c->layer), "%s", layer);
	snprintf(c->reply, sizeof(c->reply), "%s", reply);
	snprintf(c->cause, sizeof(c->cause), "%s", cause);
	c->n = n;
	cs->total += n;
}

static struct advice explain(const struct chains *cs, const char *mode, const char *cache)
{
	struct advice_in in = { .chains = cs, .estale = cs ? cs->total : 0, .calls = 1000,
				.mode = mode, .cache = cache, .verdict = VERDICT_ESTALE };
	struct advice a;

	advice_explain(&in, &a);
	return a;
}

/* The experiment named in next after "--only " is one pinpoint has. */
static void assert_real_experiment(const char *next)
{
	const char *p = strstr(next, "--only ");
	char name[64];
	bool found = false;

	if (!p)
		return;
	sscanf(p + 7, "%63[a-z0-9-]", name);
	for (int i = 0; i < NEXP; i++)
		found |= strcmp(experiments[i].name, name) == 0;
	ck_assert_msg(found, "no pinpoint experiment '%s'", name);
}

START_TEST(each_cause_family_has_its_words_and_next_step)
{
	static const struct {
		const char *layer, *reply, *cause, *mode, *who, *made, *next;
	} t[] = {
		{ "FUSE (the daemon's ESTALE, passed on)", "READ answered ESTALE (inject rule 1)",
		  "fault rule 1 errno", "never", "inject", "the injected faults (fault rule 1 errno)",
		  "drop --inject" },
		{ "overlayfs (lower revalidation)", "LOOKUP answered EMFILE (RLIMIT_NOFILE 700 reached)",
		  "no host change", "never", "daemon fd limit", "running out of fds",
		  "--only fd-limit-overlay" },
		{ "overlayfs (lower revalidation)", "LOOKUP answered ENOENT (host lookup)",
		  "host layer-swap", "never", "kernel overlay",
		  "the kernel's overlay after host churn (layer-swap)",
		  "cache=always, or no host change, or `stalefs pinpoint --only overlay-layer-swap`" },
		{ "overlayfs (lower revalidation)", "LOOKUP answered ENOENT (host lookup)",
		  "host rename", "never", "kernel overlay", "after host churn (rename)",
		  "--only overlay-churn" },
		{ "overlayfs (lower revalidation)", "LOOKUP answered ENOENT (inject x)",
		  "unknown", "never", "kernel overlay", "no host change", "--only overlay-revalidation" },
		{ "FUSE (the daemon's ESTALE, passed on)", "OPEN answered ESTALE (host open_by_handle_at)",
		  "host syscall open_by_handle_at", "mandatory", "host",
		  "the host replacing what the daemon held (open_by_handle_at)",
		  "--mode never (O_PATH), no host change, or `stalefs pinpoint --only handle-host-churn`" },
		{ "FUSE client (no ESTALE from the daemon)", "LOOKUP answered another nodeid",
		  "host submount", "never", "host", "(submount)", "--only submount" },
		{ "FUSE client (no ESTALE from the daemon)", "LOOKUP answered a new generation",
		  "unknown", "never", "identity change", "another inode", "--only generation" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct chains cs = { 0 };
		struct advice a;

		add(&cs, t[i].layer, t[i].reply, t[i].cause, 10);
		a = explain(&cs, t[i].mode, "auto");
		ck_assert_msg(strcmp(a.who, t[i].who) == 0, "%zu: who %s, want %s", i, a.who, t[i].who);
		assert_has(a.made_by, t[i].made);
		assert_has(a.next, t[i].next);
		assert_real_experiment(a.next);
	}
}
END_TEST

START_TEST(the_biggest_family_wins_and_cache_always_is_not_offered_twice)
{
	struct chains cs = { 0 };
	struct advice a;

	add(&cs, "FUSE (the daemon's ESTALE, passed on)", "READ answered ESTALE (inject r)",
	    "fault rule 1 errno", 5);
	add(&cs, "overlayfs (lower revalidation)", "LOOKUP answered ENOENT (host lookup)",
	    "host layer-swap", 7);
	add(&cs, "overlayfs (lower revalidation)", "LOOKUP answered ENOENT (host lookup)",
	    "host rename", 3);
	a = explain(&cs, "never", "always");
	ck_assert_int_eq(a.family, ADVICE_OVERLAY);
	assert_has(a.made_by, "layer-swap");	/* the biggest overlay chain's op */
	ck_assert_ptr_null(strstr(a.next, "cache=always"));
}
END_TEST

START_TEST(without_chains_the_attribution_counts_decide)
{
	struct advice_in in = { .estale = 10, .calls = 100, .kernel = 10, .verdict = VERDICT_ESTALE };
	struct advice a;

	advice_explain(&in, &a);
	ck_assert_int_eq(a.family, ADVICE_KERNEL);
	in.kernel = 2;
	in.emitted = 8;
	advice_explain(&in, &a);
	ck_assert_int_eq(a.family, ADVICE_DAEMON);
	in.emitted = 0;
	in.kernel = 0;
	advice_explain(&in, &a);
	ck_assert_int_eq(a.family, ADVICE_UNKNOWN);
	in.estale = 0;
	advice_explain(&in, &a);
	ck_assert_int_eq(a.family, ADVICE_NONE);
	ck_assert_str_eq(a.who, "-");
	ck_assert_str_eq(a.next, "");	/* estale verdict, no ESTALE: nothing to advise */
}
END_TEST

START_TEST(the_sentence_says_verdict_counts_maker_and_next_step)
{
	struct chains cs = { 0 };
	struct advice_in in = { .chains = &cs, .estale = 1628, .calls = 4315, .cache = "auto",
				.mode = "never", .verdict = VERDICT_ESTALE };
	struct advice a;
	char buf[512], small[40];

	add(&cs, "overlayfs (lower revalidation)", "LOOKUP answered ENOENT (host lookup)",
	    "host layer-swap", 1628);
	advice_explain(&in, &a);
	advice_sentence(&in, &a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "estale: 1628 ESTALE in 4315 calls (37.7%); made by the kernel's overlay "
			 "after host churn (layer-swap). What to try: cache=always, or no host change, "
			 "or `stalefs pinpoint --only overlay-layer-swap`.");
	advice_sentence(&in, &a, small, sizeof(small));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);

	in = (struct advice_in){ .calls = 20, .verdict = VERDICT_CLEAN };
	advice_explain(&in, &a);
	advice_sentence(&in, &a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "clean: no ESTALE in 20 calls.");
	in.verdict = VERDICT_SKIPPED;
	advice_explain(&in, &a);
	advice_sentence(&in, &a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "skipped: could not run here. What to try: `stalefs doctor` says what "
			 "this machine lacks.");
	in.verdict = VERDICT_ERROR;
	advice_explain(&in, &a);
	advice_sentence(&in, &a, buf, sizeof(buf));
	assert_has(buf, "error: the harness stopped");
	assert_has(buf, "repro line");
}
END_TEST

static Suite *advice_suite(void)
{
	Suite *s = suite_create("advice");
	TCase *tc = tcase_create("advice");

	tcase_add_test(tc, each_cause_family_has_its_words_and_next_step);
	tcase_add_test(tc, the_biggest_family_wins_and_cache_always_is_not_offered_twice);
	tcase_add_test(tc, without_chains_the_attribution_counts_decide);
	tcase_add_test(tc, the_sentence_says_verdict_counts_maker_and_next_step);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(advice_suite());
}
