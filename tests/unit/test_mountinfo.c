// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one mountinfo reader: mount IDs, mount points with their octal
 * escapes undone (a space is \040), filesystem types after optional fields;
 * malformed lines are skipped; the walk stops at the first non-zero answer;
 * the process's own mountinfo has "/".
 */
#include <stdio.h>
#include <string.h>

#include "mountinfo.h"
#include "unit.h"

struct seen {
	int n;
	char mnt[8][256];
	char fstype[8][32];
	unsigned long long id[8];
};

static int collect(const struct mountinfo_entry *e, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		snprintf(s->mnt[s->n], sizeof(s->mnt[0]), "%s", e->mnt);
		snprintf(s->fstype[s->n], sizeof(s->fstype[0]), "%s", e->fstype);
		s->id[s->n] = e->id;
		s->n++;
	}
	return 0;
}

static int stop_at_2(const struct mountinfo_entry *e, void *arg)
{
	(void)arg;
	return e->id == 2 ? 7 : 0;
}

START_TEST(escapes_fields_and_bad_lines)
{
	char dir[4096], path[4200];
	struct seen s = { 0 };
	FILE *f;

	unit_mkdtemp(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/mountinfo", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	      "2 1 0:50 / /tmp/a\\040b rw master:3 shared:4 - fuse.stalefs stalefs rw\n"
	      "garbage without a separator\n"
	      "x 1 0:1 / /bad rw - tmpfs t rw\n"
	      "3 1 0:51 / /short - \n"
	      "4 1 0:52 / /tmp/tab\\011here rw - overlay overlay rw\n", f);
	fclose(f);
	ck_assert_int_eq(mountinfo_each(path, collect, &s), 0);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.mnt[0], "/");
	ck_assert_str_eq(s.fstype[0], "ext4");
	ck_assert_str_eq(s.mnt[1], "/tmp/a b");
	ck_assert_str_eq(s.fstype[1], "fuse.stalefs");
	ck_assert_uint_eq(s.id[1], 2);
	ck_assert_str_eq(s.mnt[2], "/tmp/tab\there");
	ck_assert_int_eq(mountinfo_each(path, stop_at_2, NULL), 7);
	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_lt(mountinfo_each(path, collect, &s), 0);
	unit_rmtree(dir);
}
END_TEST

START_TEST(own_mounts_have_the_root)
{
	ck_assert(mountinfo_is_mount("/"));
	ck_assert(mountinfo_has_below("/"));
	ck_assert(!mountinfo_is_mount("/no/such/mount/point"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mountinfo");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, escapes_fields_and_bad_lines);
	tcase_add_test(tc, own_mounts_have_the_root);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
