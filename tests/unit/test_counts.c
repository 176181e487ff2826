// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ESTALE buckets (workloads/counts.h): no ESTALE is lost past the bucket
 * limit (the overflow buckets take it), every bucket keeps its first event
 * and at most COUNTS_SAMPLES, the reservoir spreads the kept events over the
 * whole run, and the JSON parses with the totals it claims. Mounts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "jsonv.h"
#include "unit.h"

static const char *const op_names[] = { "stat", "read", "close" };
static const bool fd_ops[] = { false, true, true };

/* Event i: dir d/<i % 3000>, op (i / 3000) % 2, at t_ns i. The key (op, dir)
 * first appears at op * 3000 + dir. */
static void add_spread(struct counts_estale *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct wl_event ev = { .t_ns = i, .start_ns = i, .tid = 1, .op = (i / 3000) % 2 };

		snprintf(ev.path, sizeof(ev.path), "d/%llu/f", (unsigned long long)(i % 3000));
		counts_estale_add(c, &ev);
	}
}

static char *to_json(const struct counts_estale *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	fputc('{', f);
	counts_estale_json(f, c, op_names, fd_ops);
	fputc('}', f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(every_estale_counted_past_the_bucket_limit)
{
	static struct counts_estale c;
	uint64_t sum = 0, overflow = 0;
	size_t nb;

	counts_estale_init(&c, 1);
	add_spread(&c, 100000);
	nb = counts_estale_nbuckets(&c);
	ck_assert_uint_eq(c.total, 100000);
	/* 1024 keyed, then op 0's and op 1's overflow. */
	ck_assert_uint_eq(nb, COUNTS_BUCKETS_MAX + 2);
	for (size_t i = 0; i < nb; i++) {
		const struct counts_bucket *b = counts_estale_bucket(&c, i);
		uint64_t first = i < COUNTS_BUCKETS_MAX ? i : b->op == 0 ? COUNTS_BUCKETS_MAX : 3000;

		sum += b->n;
		ck_assert_uint_ge(b->kept, 1);
		ck_assert_uint_le(b->kept, COUNTS_SAMPLES);
		ck_assert_uint_eq(b->kept, b->n < COUNTS_SAMPLES ? b->n : COUNTS_SAMPLES);
		ck_assert_uint_eq(b->ev[0].t_ns, first);	/* the first one is always kept */
		for (unsigned int k = 0; k < b->kept; k++)
			ck_assert_int_eq(b->ev[k].op, b->op);
		if (strcmp(b->dir, "*") == 0) {
			ck_assert_uint_ge(i, COUNTS_BUCKETS_MAX);
			overflow += b->n;
		} else {
			char want[32];

			snprintf(want, sizeof(want), "d/%zu", i);
			ck_assert_str_eq(b->dir, want);
		}
	}
	ck_assert_uint_eq(sum, c.total);
	/* Keyed: op 0 over d/0 .. d/1023; the rest of op 0 and all of op 1 overflow. */
	ck_assert_str_eq(counts_estale_bucket(&c, 5)->dir, "d/5");
	ck_assert_uint_eq(overflow, 100000 - 1024 * 17);
	counts_estale_free(&c);
	ck_assert_uint_eq(counts_estale_nbuckets(&c), 0);
	ck_assert_uint_eq(c.total, 0);
}
END_TEST

START_TEST(json_parses_with_the_totals_it_claims)
{
	static struct counts_estale c;
	char err[256], *buf;
	size_t len, nev, nbk;
	uint64_t sum = 0, kept = 0, last_b = 0, last_t = 0;
	struct jv *v;
	const struct jv *ev, *bk;

	counts_estale_init(&c, 7);
	add_spread(&c, 100000);
	buf = to_json(&c, &len);
	v = jv_parse(buf, len, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s", err);
	ev = jv_get(v, "estale");
	bk = jv_get(v, "estale_buckets");
	ck_assert_uint_eq(jv_u64(jv_get(v, "estale_total"), 0), 100000);
	ck_assert_int_eq(ev->type, JV_ARR);
	ck_assert_int_eq(bk->type, JV_ARR);
	nev = ev->n;
	nbk = bk->n;
	ck_assert_uint_eq(nbk, COUNTS_BUCKETS_MAX + 2);
	for (size_t b = 0; b < nbk; b++) {
		sum += jv_u64(jv_get(&bk->items[b], "n"), 0);
		kept += jv_u64(jv_get(&bk->items[b], "kept"), 0);
	}
	ck_assert_uint_eq(sum, 100000);
	ck_assert_uint_eq(kept, nev);
	ck_assert_str_eq(jv_str(jv_get(&bk->items[nbk - 1], "dir"), ""), "*");
	ck_assert_str_eq(jv_str(jv_get(&bk->items[nbk - 1], "op"), ""), "read");
	ck_assert_str_eq(jv_str(jv_get(&bk->items[3], "dir"), ""), "d/3");
	for (size_t i = 0; i < nev; i++) {
		const struct jv *e = &ev->items[i];
		uint64_t b = jv_u64(jv_get(e, "bucket"), UINT64_MAX), t = jv_u64(jv_get(e, "t_ns"), 0);
		const char *op = jv_str(jv_get(e, "op"), "");

		ck_assert_uint_lt(b, nbk);
		ck_assert_str_eq(op, jv_str(jv_get(&bk->items[b], "op"), ""));
		/* fd ops name the path the fd was opened by. */
		ck_assert_ptr_nonnull(jv_get(e, strcmp(op, "read") == 0 ? "opened_by" : "path"));
		ck_assert_ptr_nonnull(jv_get(e, "start_ns"));
		ck_assert_ptr_nonnull(jv_get(e, "tid"));
		/* By bucket, then by time. */
		ck_assert(b > last_b || (b == last_b && (i == 0 || t >= last_t)));
		last_b = b;
		last_t = t;
	}
	jv_free(v);
	free(buf);
	counts_estale_free(&c);
}
END_TEST

START_TEST(same_seed_same_samples)
{
	static struct counts_estale a, b;
	size_t la, lb;
	char *ja, *jb;

	counts_estale_init(&a, 3);
	counts_estale_init(&b, 3);
	add_spread(&a, 20000);
	add_spread(&b, 20000);
	ja = to_json(&a, &la);
	jb = to_json(&b, &lb);
	ck_assert_str_eq(ja, jb);
	free(ja);
	free(jb);
	counts_estale_free(&a);
	counts_estale_free(&b);
}
END_TEST

START_TEST(reservoir_spreads_over_the_whole_run)
{
	static struct counts_estale c;
	const uint64_t n = 20000;
	uint64_t late = 0, samples = 0, late_seeds = 0;

	/* One bucket (same op, same dir) per run; 32 seeds. */
	for (uint64_t seed = 1; seed <= 32; seed++) {
		const struct counts_bucket *b;
		bool seen_late = false;

		counts_estale_init(&c, seed);
		for (uint64_t i = 0; i < n; i++) {
			struct wl_event ev = { .t_ns = i, .op = 0 };

			snprintf(ev.path, sizeof(ev.path), "dir/f%llu", (unsigned long long)(i % 97));
			counts_estale_add(&c, &ev);
		}
		ck_assert_uint_eq(counts_estale_nbuckets(&c), 1);
		b = counts_estale_bucket(&c, 0);
		ck_assert_str_eq(b->dir, "dir");
		ck_assert_uint_eq(b->n, n);
		ck_assert_uint_eq(b->kept, COUNTS_SAMPLES);
		ck_assert_uint_eq(b->ev[0].t_ns, 0);
		for (unsigned int k = 1; k < b->kept; k++) {
			samples++;
			if (b->ev[k].t_ns >= n - n / 10) {
				late++;
				seen_late = true;
			}
		}
		late_seeds += seen_late;
		counts_estale_free(&c);
	}
	/* Uniform over the run: 224 samples, ~22 in the last 10% (not 0, as a
	 * keep-the-first-ones buffer would give); each seed misses the last
	 * tenth with p = 0.9^7 ~ 0.48, so about half the seeds see it. */
	ck_assert_uint_eq(samples, 32 * (COUNTS_SAMPLES - 1));
	ck_assert_uint_ge(late, 10);
	ck_assert_uint_le(late, 45);
	ck_assert_uint_ge(late_seeds, 8);
}
END_TEST

START_TEST(dirs_of_paths)
{
	static struct counts_estale c;
	static const char *const paths[] = { "a/b/c", "top", "/abs", "a/b/d" };
	static const char *const dirs[] = { "a/b", ".", "/" };

	counts_estale_init(&c, 1);
	for (size_t i = 0; i < 4; i++) {
		struct wl_event ev = { .t_ns = i, .op = 2 };

		snprintf(ev.path, sizeof(ev.path), "%s", paths[i]);
		counts_estale_add(&c, &ev);
	}
	ck_assert_uint_eq(counts_estale_nbuckets(&c), 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_str_eq(counts_estale_bucket(&c, i)->dir, dirs[i]);
	ck_assert_uint_eq(counts_estale_bucket(&c, 0)->n, 2);
	ck_assert_ptr_null(counts_estale_bucket(&c, 3));
	counts_estale_free(&c);
}
END_TEST

static Suite *counts_suite(void)
{
	Suite *s = suite_create("counts");
	TCase *tc = tcase_create("estale");

	tcase_set_timeout(tc, 60);	/* ASan on a loaded 2-core machine */

	tcase_add_test(tc, every_estale_counted_past_the_bucket_limit);
	tcase_add_test(tc, json_parses_with_the_totals_it_claims);
	tcase_add_test(tc, same_seed_same_samples);
	tcase_add_test(tc, reservoir_spreads_over_the_whole_run);
	tcase_add_test(tc, dirs_of_paths);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(counts_suite());
}
