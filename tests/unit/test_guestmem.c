// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest memory tables from memfds: regions that are empty, overflow or
 * overlap are refused; translation stays inside one region; copies cross
 * adjacent regions and fail at a gap.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guestmem.h"
#include "unit.h"

#define PAGE 4096

static int fds[2] = { -1, -1 };

static void setup(void)
{
	for (int i = 0; i < 2; i++) {
		fds[i] = memfd_create("guestmem-test", MFD_CLOEXEC);
		ck_assert_int_ge(fds[i], 0);
		ck_assert_int_eq(ftruncate(fds[i], 4 * PAGE), 0);
	}
}

static void teardown(void)
{
	for (int i = 0; i < 2; i++)
		close(fds[i]);
}

/* Two regions of 2 pages each, the second at mmap_offset one page. */
static void two_regions(struct guestmem_desc d[2], uint64_t gpa1)
{
	d[0] = (struct guestmem_desc){ .gpa = 0, .size = 2 * PAGE, .uva = 0x7f0000000000ULL,
				       .mmap_offset = 0 };
	d[1] = (struct guestmem_desc){ .gpa = gpa1, .size = 2 * PAGE, .uva = 0x7f1000000000ULL,
				       .mmap_offset = PAGE };
}

START_TEST(regions_map_and_translate_both_address_kinds)
{
	struct guestmem_desc d[2];
	struct guestmem m;
	char why[128] = "";
	uint8_t *p;

	two_regions(d, 0x100000);
	guestmem_init(&m);
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), 0);
	ck_assert_uint_eq(m.n, 2);
	p = guestmem_gpa(&m, 0x100000 + 10, 5);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(p, m.r[1].host + 10);
	/* mmap_offset: the region starts one page into its fd */
	ck_assert_int_eq(pwrite(fds[1], "abc", 3, PAGE + 10), 3);
	ck_assert_int_eq(memcmp(p, "abc", 3), 0);
	ck_assert_ptr_eq(guestmem_uva(&m, 0x7f1000000000ULL + 10, 5), p);
	ck_assert_ptr_eq(guestmem_gpa(&m, 2 * PAGE - 1, 1), m.r[0].host + 2 * PAGE - 1);
	guestmem_clear(&m);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_ptr_null(guestmem_gpa(&m, 0, 1));
}
END_TEST

START_TEST(addresses_outside_or_across_a_region_edge_do_not_translate)
{
	struct guestmem_desc d[2];
	struct guestmem m;
	char why[128];

	two_regions(d, 0x100000);
	guestmem_init(&m);
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), 0);
	ck_assert_ptr_null(guestmem_gpa(&m, 2 * PAGE, 1));		/* the gap */
	ck_assert_ptr_null(guestmem_gpa(&m, 2 * PAGE - 1, 2));		/* runs off the end */
	ck_assert_ptr_null(guestmem_gpa(&m, 0, 0));			/* empty */
	ck_assert_ptr_null(guestmem_gpa(&m, 10, UINT64_MAX));		/* wraps */
	ck_assert_ptr_null(guestmem_gpa(&m, UINT64_MAX, 2));
	ck_assert_ptr_null(guestmem_uva(&m, 0, 1));			/* a gpa is no uva */
	ck_assert_ptr_null(guestmem_uva(&m, 0x7f0000000000ULL - 1, 2));
	guestmem_clear(&m);
}
END_TEST

START_TEST(copies_cross_adjacent_regions)
{
	struct guestmem_desc d[2];
	struct guestmem m;
	char why[128], in[100], out[100];

	two_regions(d, 2 * PAGE);	/* the second region follows the first */
	guestmem_init(&m);
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), 0);
	for (int i = 0; i < 100; i++)
		in[i] = (char)i;
	ck_assert_int_eq(guestmem_write(&m, 2 * PAGE - 50, in, sizeof(in)), 0);
	ck_assert_int_eq(memcmp(m.r[0].host + 2 * PAGE - 50, in, 50), 0);
	ck_assert_int_eq(memcmp(m.r[1].host, in + 50, 50), 0);
	ck_assert_int_eq(guestmem_read(&m, 2 * PAGE - 50, out, sizeof(out)), 0);
	ck_assert_int_eq(memcmp(in, out, sizeof(in)), 0);
	ck_assert_int_eq(guestmem_read(&m, 0, out, 0), 0);
	/* ...but not past the end of the second one */
	ck_assert_int_eq(guestmem_read(&m, 4 * PAGE - 50, out, sizeof(out)), -EFAULT);
	/* a single translation still refuses the crossing */
	ck_assert_ptr_null(guestmem_gpa(&m, 2 * PAGE - 50, 100));
	guestmem_clear(&m);
}
END_TEST

START_TEST(a_copy_into_a_gap_fails)
{
	struct guestmem_desc d[2];
	struct guestmem m;
	char why[128], buf[100] = { 0 };

	two_regions(d, 0x100000);
	guestmem_init(&m);
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), 0);
	ck_assert_int_eq(guestmem_write(&m, 2 * PAGE - 50, buf, sizeof(buf)), -EFAULT);
	ck_assert_int_eq(guestmem_read(&m, 0x100000 - 1, buf, 2), -EFAULT);
	ck_assert_int_eq(guestmem_read(&m, 0x100000, buf, 2), 0);
	guestmem_clear(&m);
}
END_TEST

START_TEST(overflowing_region_descriptions_are_refused)
{
	struct guestmem_desc d[2];
	struct guestmem m;
	char why[128];

	guestmem_init(&m);
	two_regions(d, 0x100000);
	d[0].gpa = UINT64_MAX - PAGE;
	ck_assert_int_eq(guestmem_map(&m, d, fds, 1, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "gpa"));
	two_regions(d, 0x100000);
	d[0].uva = UINT64_MAX - 1;
	ck_assert_int_eq(guestmem_map(&m, d, fds, 1, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "uva"));
	two_regions(d, 0x100000);
	d[1].mmap_offset = UINT64_MAX - PAGE;
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "mmap_offset"));
	two_regions(d, 0x100000);
	d[0].size = 0;
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(guestmem_map(&m, d, fds, GUESTMEM_MAX_REGIONS + 1, why, sizeof(why)),
			 -EINVAL);
	ck_assert_uint_eq(m.n, 0);
}
END_TEST

START_TEST(overlapping_regions_are_refused)
{
	struct guestmem_desc d[2];
	struct guestmem m;
	char why[128];

	guestmem_init(&m);
	two_regions(d, 2 * PAGE - 1);
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "overlap"));
	two_regions(d, 0);
	d[1].size = 1;
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), -EINVAL);
	ck_assert_uint_eq(m.n, 0);
}
END_TEST

START_TEST(a_failed_map_leaves_the_old_table)
{
	struct guestmem_desc d[2];
	struct guestmem m;
	int badfds[2] = { fds[0], -1 };
	char why[128];

	guestmem_init(&m);
	two_regions(d, 0x100000);
	ck_assert_int_eq(guestmem_map(&m, d, fds, 1, why, sizeof(why)), 0);
	ck_assert_int_eq(guestmem_map(&m, d, badfds, 2, why, sizeof(why)), -EBADF);
	ck_assert_ptr_nonnull(strstr(why, "mmap"));
	ck_assert_uint_eq(m.n, 1);
	ck_assert_ptr_nonnull(guestmem_gpa(&m, 0, 1));
	/* a new table replaces the old one */
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), 0);
	ck_assert_uint_eq(m.n, 2);
	guestmem_clear(&m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guestmem");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, regions_map_and_translate_both_address_kinds);
	tcase_add_test(tc, addresses_outside_or_across_a_region_edge_do_not_translate);
	tcase_add_test(tc, copies_cross_adjacent_regions);
	tcase_add_test(tc, a_copy_into_a_gap_fails);
	tcase_add_test(tc, overflowing_region_descriptions_are_refused);
	tcase_add_test(tc, overlapping_regions_are_refused);
	tcase_add_test(tc, a_failed_map_leaves_the_old_table);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
