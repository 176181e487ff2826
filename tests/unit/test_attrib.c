// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attribution of surfaced ESTALE: the join by thread and syscall window, the
 * time-only join, masked and unattributed counts, key overflow, the JSON.
 * Mounts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attrib.h"
#include "unit.h"

#define SEC 1000000000ULL

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

int main(void)
{
	Suite *s = suite_create("attrib");
	TCase *tc = tcase_create("join");

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
	return unit_run(s);
}
