// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The inode store keeps virtiofsd 1.13's rules: keys, claim order,
 * refcounts, nodeid numbering and generation. Candidates are built by hand
 * (fake ids and handles), so nothing here touches a real inode.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "inode.h"
#include "unit.h"

static struct inode_store store;

static void setup(void)
{
	ck_assert_int_eq(store_init(&store), 0);
}

static void teardown(void)
{
	store_destroy(&store);
}

static int some_fd(void)
{
	int fd = open("/", O_PATH | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* A handle of type 1 whose 8 bytes spell (ino, gen) like ext4's. */
static struct file_handle *handle(uint32_t ino, uint32_t gen)
{
	static unsigned char buf[sizeof(struct file_handle) + 8];
	struct file_handle *fh = (struct file_handle *)buf;

	fh->handle_bytes = 8;
	fh->handle_type = 1;
	memcpy(fh->f_handle, &ino, 4);
	memcpy(fh->f_handle + 4, &gen, 4);
	return fh;
}

static struct inode *fd_cand(uint64_t ino)
{
	struct inode_ids ids = { .ino = ino, .dev = 7, .mnt_id = 30 };

	return inode_new(&ids, S_IFREG, some_fd(), NULL);
}

static struct inode *fh_cand(uint64_t ino, uint32_t gen)
{
	struct inode_ids ids = { .ino = ino, .dev = 7, .mnt_id = 30 };

	return inode_new(&ids, S_IFREG, -1, handle(ino, gen));
}

/* store_lookup and drop the caller's user reference; returns the nodeid. */
static uint64_t lookup(struct inode *cand)
{
	struct inode *out;
	uint64_t nodeid;

	ck_assert_ptr_nonnull(cand);
	ck_assert_int_eq(store_lookup(&store, cand, &out), 0);
	nodeid = out->nodeid;
	store_put(&store, out);
	return nodeid;
}

static uint64_t nlookup_of(uint64_t nodeid)
{
	struct inode *i = store_get(&store, nodeid);
	uint64_t n;

	ck_assert_ptr_nonnull(i);
	n = i->nlookup;
	store_put(&store, i);
	return n;
}

START_TEST(nodeids_start_at_2_and_count_up)
{
	ck_assert_uint_eq(lookup(fd_cand(100)), 2);
	ck_assert_uint_eq(lookup(fd_cand(101)), 3);
	ck_assert_uint_eq(lookup(fh_cand(102, 1)), 4);
}
END_TEST

START_TEST(root_is_nodeid_1_with_nlookup_2)
{
	struct inode_ids ids = { .ino = 2, .dev = 7, .mnt_id = 30 };
	struct inode *root = inode_new(&ids, S_IFDIR, some_fd(), NULL);

	ck_assert_int_eq(store_set_root(&store, root), 0);
	ck_assert_uint_eq(nlookup_of(ROOT_NODEID), 2);
	/* The root does not take a nodeid from the counter. */
	ck_assert_uint_eq(lookup(fd_cand(100)), 2);
}
END_TEST

START_TEST(hardlinks_claim_one_entry_by_ids_in_fd_mode)
{
	uint64_t first = lookup(fd_cand(500));

	for (int i = 0; i < 969; i++)
		ck_assert_uint_eq(lookup(fd_cand(500)), first);
	ck_assert_uint_eq(nlookup_of(first), 970);
	struct store_counts c;

	store_counts(&store, &c);
	ck_assert_uint_eq(c.entries, 1);
	ck_assert_uint_eq(c.fds, 1);	/* the 969 extra O_PATH fds were closed */
}
END_TEST

START_TEST(hardlinks_claim_one_entry_by_handle)
{
	uint64_t first = lookup(fh_cand(600, 9));

	ck_assert_uint_eq(lookup(fh_cand(600, 9)), first);
	ck_assert_uint_eq(nlookup_of(first), 2);
}
END_TEST

START_TEST(handle_entry_is_not_claimed_by_ids)
{
	/* A handle entry may outlive its inode, so equal ids do not match it. */
	uint64_t h = lookup(fh_cand(700, 1));
	uint64_t f = lookup(fd_cand(700));

	ck_assert_uint_ne(h, f);
	ck_assert_uint_eq(nlookup_of(h), 1);
}
END_TEST

START_TEST(fd_entry_is_claimed_by_ids_before_a_new_handle_entry)
{
	/* An fd entry (e.g. per-inode fallback) pins the inode: ids match it. */
	uint64_t f = lookup(fd_cand(710));

	ck_assert_uint_eq(lookup(fh_cand(710, 1)), f);
	ck_assert_uint_eq(nlookup_of(f), 2);
}
END_TEST

START_TEST(new_generation_handle_makes_a_new_entry)
{
	/* ino reused with a new generation: a different handle, a new nodeid. */
	uint64_t a = lookup(fh_cand(720, 1));
	uint64_t b = lookup(fh_cand(720, 2));

	ck_assert_uint_ne(a, b);
}
END_TEST

START_TEST(generation_is_always_0)
{
	struct inode *out;

	ck_assert_int_eq(store_lookup(&store, fd_cand(800), &out), 0);
	ck_assert_uint_eq(out->generation, 0);
	store_put(&store, out);
}
END_TEST

START_TEST(forget_subtracts_and_removes_at_0)
{
	uint64_t n = lookup(fd_cand(900));

	lookup(fd_cand(900));
	lookup(fd_cand(900));
	store_forget(&store, n, 2);
	ck_assert_uint_eq(nlookup_of(n), 1);
	store_forget(&store, n, 1);
	ck_assert_ptr_null(store_get(&store, n));
}
END_TEST

START_TEST(forget_saturates_and_removes)
{
	uint64_t n = lookup(fd_cand(901));

	store_forget(&store, n, 1000);
	ck_assert_ptr_null(store_get(&store, n));
	/* Forgetting it again, or an unknown nodeid, is ignored. */
	store_forget(&store, n, 1);
	store_forget(&store, 123456, 1);
}
END_TEST

START_TEST(entry_never_comes_back_from_0)
{
	uint64_t n = lookup(fd_cand(902));
	uint64_t again;

	store_forget(&store, n, 1);
	again = lookup(fd_cand(902));
	ck_assert_uint_ne(again, n);
	ck_assert_uint_gt(again, n);
	ck_assert_ptr_null(store_get(&store, n));
}
END_TEST

START_TEST(in_flight_user_keeps_fd_until_put)
{
	uint64_t n = lookup(fd_cand(903));
	struct inode *held = store_get(&store, n);

	ck_assert_ptr_nonnull(held);
	store_forget(&store, n, 1);
	/* Unlinked from the maps, but still usable by the op holding it. */
	ck_assert_ptr_null(store_get(&store, n));
	ck_assert_int_ge(fcntl(held->fd, F_GETFD), 0);
	store_put(&store, held);
}
END_TEST

START_TEST(unref_gives_back_a_readdirplus_reference)
{
	struct inode *out;
	uint64_t n = lookup(fd_cand(904));

	ck_assert_int_eq(store_lookup(&store, fd_cand(904), &out), 0);
	ck_assert_uint_eq(out->nlookup, 2);
	store_unref(&store, out, 1);	/* entry did not fit in the reply */
	ck_assert_uint_eq(out->nlookup, 1);
	store_put(&store, out);
	ck_assert_uint_eq(nlookup_of(n), 1);
}
END_TEST

START_TEST(unknown_nodeid_is_not_found)
{
	ck_assert_ptr_null(store_get(&store, 2));
	ck_assert_ptr_null(store_get(&store, 0));
	ck_assert_ptr_null(store_get(&store, UINT64_MAX));
}
END_TEST

START_TEST(nodeids_are_not_reused_after_clear)
{
	uint64_t a = lookup(fd_cand(1000));

	store_clear(&store);	/* FUSE_INIT / DESTROY */
	ck_assert_ptr_null(store_get(&store, a));
	ck_assert_uint_eq(lookup(fd_cand(1000)), a + 1);
}
END_TEST

START_TEST(twisted_lookup_reports_the_generation_it_replies_with)
{
	struct inode *out;
	uint64_t old, gen = 99, first;

	/* A plain lookup: generation 0, like virtiofsd 1.13. */
	ck_assert_int_eq(store_lookup_twisted(&store, fd_cand(1100), TWIST_NONE, 0, 0, &out, &old,
					      &gen), 0);
	ck_assert_uint_eq(gen, 0);
	ck_assert_uint_eq(old, 0);
	first = out->nodeid;
	store_put(&store, out);
	store_forget(&store, first, 1);
	/* nodeid-reuse with gen: the freed nodeid comes back one generation on. */
	ck_assert_int_eq(store_lookup_twisted(&store, fd_cand(1101), TWIST_REUSE_GEN, 0, 0, &out,
					      &old, &gen), 0);
	ck_assert_uint_eq(out->nodeid, first);
	ck_assert_uint_eq(old, first);
	ck_assert_uint_eq(gen, 1);
	store_put(&store, out);
	/* The same ids again claim the entry and report its generation. */
	ck_assert_int_eq(store_lookup_twisted(&store, fd_cand(1101), TWIST_NONE, 0, 0, &out, &old,
					      &gen), 0);
	ck_assert_uint_eq(out->nodeid, first);
	ck_assert_uint_eq(gen, 1);
	store_put(&store, out);
}
END_TEST

START_TEST(store_survives_many_entries)
{
	/* Growth and removal at scale: every nodeid stays reachable. */
	for (uint64_t i = 0; i < 20000; i++)
		ck_assert_uint_eq(lookup(fh_cand(10000 + i, 1)), 2 + i);
	for (uint64_t i = 0; i < 20000; i += 2)
		store_forget(&store, 2 + i, 1);
	for (uint64_t i = 0; i < 20000; i++) {
		struct inode *e = store_get(&store, 2 + i);

		if (i % 2)
			ck_assert_ptr_nonnull(e);
		else
			ck_assert_ptr_null(e);
		store_put(&store, e);
	}
	struct store_counts c;

	store_counts(&store, &c);
	ck_assert_uint_eq(c.entries, 10000);
	ck_assert_uint_eq(c.handles, 10000);
	ck_assert_uint_eq(c.fds, 0);
}
END_TEST

/* The control socket's store lines: each starts with the lead it is given
 * (the schema and origin), or with the entry when the lead is empty. */
START_TEST(dump_lines_start_with_the_lead)
{
	char buf[1024] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	ck_assert_uint_eq(lookup(fh_cand(100, 1)), 2);
	store_dump(&store, "\"schema\":\"ctl-store/1\"", f);
	store_dump(&store, "", f);
	fclose(f);
	ck_assert_str_eq(buf,
		"{\"schema\":\"ctl-store/1\",\"nodeid\":2,\"nlookup\":1,\"generation\":0,\"ino\":100,"
		"\"dev\":7,\"mnt_id\":30,\"type\":8,\"holds\":\"handle\",\"stale_errno\":0}\n"
		"{\"nodeid\":2,\"nlookup\":1,\"generation\":0,\"ino\":100,"
		"\"dev\":7,\"mnt_id\":30,\"type\":8,\"holds\":\"handle\",\"stale_errno\":0}\n");
}
END_TEST

static Suite *inode_suite(void)
{
	Suite *s = suite_create("inode");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nodeids_start_at_2_and_count_up);
	tcase_add_test(tc, dump_lines_start_with_the_lead);
	tcase_add_test(tc, root_is_nodeid_1_with_nlookup_2);
	tcase_add_test(tc, hardlinks_claim_one_entry_by_ids_in_fd_mode);
	tcase_add_test(tc, hardlinks_claim_one_entry_by_handle);
	tcase_add_test(tc, handle_entry_is_not_claimed_by_ids);
	tcase_add_test(tc, fd_entry_is_claimed_by_ids_before_a_new_handle_entry);
	tcase_add_test(tc, new_generation_handle_makes_a_new_entry);
	tcase_add_test(tc, generation_is_always_0);
	tcase_add_test(tc, forget_subtracts_and_removes_at_0);
	tcase_add_test(tc, forget_saturates_and_removes);
	tcase_add_test(tc, entry_never_comes_back_from_0);
	tcase_add_test(tc, in_flight_user_keeps_fd_until_put);
	tcase_add_test(tc, unref_gives_back_a_readdirplus_reference);
	tcase_add_test(tc, unknown_nodeid_is_not_found);
	tcase_add_test(tc, nodeids_are_not_reused_after_clear);
	tcase_add_test(tc, twisted_lookup_reports_the_generation_it_replies_with);
	tcase_add_test(tc, store_survives_many_entries);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(inode_suite());
}
