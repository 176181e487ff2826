// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The split virtqueue against a fake driver: rings and buffers are built by
 * hand in memfd guest memory (two regions with a gap), then popped, walked,
 * copied and pushed. Every malformed chain must fail with a reason.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guestmem.h"
#include "unit.h"
#include "vring.h"

#define REGION 0x10000
#define GPA1 0x100000		/* region 1, after a gap */
#define UVA0 0x7f0000000000ULL
#define DESC 0x0
#define AVAIL 0x1000
#define USED 0x2000
#define NUM 8

#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4

static int fds[2] = { -1, -1 };
static struct guestmem m;
static struct vring r;
static struct vring_chain c;
static char why[256];
static uint16_t avail_idx;

static uint8_t *host(uint64_t gpa)
{
	uint8_t *p = guestmem_gpa(&m, gpa, 1);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void put16(uint64_t gpa, uint16_t v)
{
	v = htole16(v);
	memcpy(host(gpa), &v, 2);
}

static uint16_t get16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, host(gpa), 2);
	return le16toh(v);
}

static uint32_t get32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, host(gpa), 4);
	return le32toh(v);
}

/* A descriptor at table gpa (the ring's table or an indirect one). */
static void desc_at(uint64_t table, unsigned int i, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	uint8_t *p = host(table + 16 * i);
	uint64_t a = htole64(addr);
	uint32_t l = htole32(len);

	flags = htole16(flags);
	next = htole16(next);
	memcpy(p, &a, 8);
	memcpy(p + 8, &l, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static void desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	desc_at(DESC, i, addr, len, flags, next);
}

/* The driver offers head. */
static void offer(uint16_t head)
{
	put16(AVAIL + 4 + 2 * (avail_idx % NUM), head);
	avail_idx++;
	put16(AVAIL + 2, avail_idx);
}

static void ring_setup(bool event_idx)
{
	ck_assert_int_eq(vring_setup(&r, &m, NUM, UVA0 + DESC, UVA0 + AVAIL, UVA0 + USED, 0,
				     event_idx, why, sizeof(why)), 0);
}

/* Offer head, pop it and walk it; the walk's result. */
static int offer_and_walk(uint16_t head)
{
	uint16_t h = 0xffff;

	offer(head);
	ck_assert_int_eq(vring_pop(&r, &h, why, sizeof(why)), 1);
	ck_assert_uint_eq(h, head);
	why[0] = 0;
	return vring_walk(&r, &m, h, &c, why, sizeof(why));
}

static void setup(void)
{
	struct guestmem_desc d[2] = {
		{ .gpa = 0, .size = REGION, .uva = UVA0, .mmap_offset = 0 },
		{ .gpa = GPA1, .size = REGION, .uva = UVA0 + GPA1, .mmap_offset = 0 },
	};

	for (int i = 0; i < 2; i++) {
		fds[i] = memfd_create("vring-test", MFD_CLOEXEC);
		ck_assert_int_ge(fds[i], 0);
		ck_assert_int_eq(ftruncate(fds[i], REGION), 0);
	}
	guestmem_init(&m);
	ck_assert_int_eq(guestmem_map(&m, d, fds, 2, why, sizeof(why)), 0);
	avail_idx = 0;
	ring_setup(false);
}

static void teardown(void)
{
	guestmem_clear(&m);
	for (int i = 0; i < 2; i++)
		close(fds[i]);
}

START_TEST(a_chain_of_readable_then_writable_segments_is_walked_and_copied)
{
	char buf[64] = { 0 };
	struct iovec iov[2] = { { "hello", 5 }, { "0123456789", 10 } };

	memcpy(host(0x4000), "request-", 8);
	memcpy(host(GPA1 + 0x100), "body", 4);
	desc(0, 0x4000, 8, F_NEXT, 5);
	desc(5, GPA1 + 0x100, 4, F_NEXT, 2);
	desc(2, 0x5000, 10, F_WRITE | F_NEXT, 3);
	desc(3, GPA1 + 0x200, 10, F_WRITE, 0);
	ck_assert_msg(offer_and_walk(0) == 0, "%s", why);
	ck_assert_uint_eq(c.head, 0);
	ck_assert_uint_eq(c.nin, 2);
	ck_assert_uint_eq(c.nout, 2);
	ck_assert_uint_eq(c.in_len, 12);
	ck_assert_uint_eq(c.out_len, 20);
	ck_assert_int_eq(vring_chain_read(&c, &m, buf, sizeof(buf)), 12);
	ck_assert_str_eq(buf, "request-body");
	ck_assert_int_eq(vring_chain_read(&c, &m, buf, 3), 3);
	ck_assert_int_eq(vring_chain_write(&c, &m, iov, 2), 15);
	ck_assert_int_eq(memcmp(host(0x5000), "hello01234", 10), 0);
	ck_assert_int_eq(memcmp(host(GPA1 + 0x200), "56789", 5), 0);
	ck_assert_int_eq(vring_pop(&r, &(uint16_t){ 0 }, why, sizeof(why)), 0);
}
END_TEST

START_TEST(a_reply_larger_than_the_writable_segments_is_enospc)
{
	char big[21] = { 0 };
	struct iovec iov[2] = { { big, 10 }, { big, 11 } };

	desc(0, 0x4000, 8, F_NEXT, 1);
	desc(1, 0x5000, 20, F_WRITE, 0);
	ck_assert_msg(offer_and_walk(0) == 0, "%s", why);
	ck_assert_int_eq(vring_chain_write(&c, &m, iov, 2), -ENOSPC);
	ck_assert_int_eq(vring_chain_write(&c, &m, iov, 1), 10);
	ck_assert_int_eq(vring_chain_write(&c, &m, iov, 0), 0);
}
END_TEST

START_TEST(an_indirect_chain_is_followed_and_zero_length_entries_are_skipped)
{
	char buf[16] = { 0 };

	memcpy(host(0x4000), "ind", 3);
	desc(1, 0x6000, 4 * 16, F_INDIRECT, 0);
	desc_at(0x6000, 0, 0x4000, 3, F_NEXT, 2);
	desc_at(0x6000, 2, 0x4100, 0, F_NEXT, 3);
	desc_at(0x6000, 3, GPA1, 100, F_WRITE, 0);
	ck_assert_msg(offer_and_walk(1) == 0, "%s", why);
	ck_assert_uint_eq(c.nin, 1);
	ck_assert_uint_eq(c.nout, 1);
	ck_assert_uint_eq(c.seg[1].gpa, GPA1);
	ck_assert_int_eq(vring_chain_read(&c, &m, buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "ind");
}
END_TEST

START_TEST(a_chain_that_loops_fails)
{
	desc(0, 0x4000, 8, F_NEXT, 1);
	desc(1, 0x4000, 8, F_NEXT, 0);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "loops"));
	/* zero-length descriptors add no segment but still count */
	desc(2, 0x4000, 0, F_NEXT, 2);
	ck_assert_int_eq(offer_and_walk(2), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "loops"));
	/* and inside an indirect table */
	desc(3, 0x6000, 32, F_INDIRECT, 0);
	desc_at(0x6000, 0, 0x4000, 8, F_NEXT, 1);
	desc_at(0x6000, 1, 0x4000, 8, F_NEXT, 0);
	ck_assert_int_eq(offer_and_walk(3), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "loops"));
}
END_TEST

START_TEST(a_head_at_or_above_num_breaks_the_queue)
{
	uint16_t h;

	offer(NUM);
	ck_assert_int_eq(vring_pop(&r, &h, why, sizeof(why)), -EIO);
	ck_assert_ptr_nonnull(strstr(why, "head"));
	ck_assert_int_eq(vring_walk(&r, &m, NUM, &c, why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(a_next_at_or_above_the_table_size_fails_the_chain)
{
	desc(0, 0x4000, 8, F_NEXT, NUM);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "next"));
	desc(1, 0x6000, 32, F_INDIRECT, 0);
	desc_at(0x6000, 0, 0x4000, 8, F_NEXT, 2);
	ck_assert_int_eq(offer_and_walk(1), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "next"));
}
END_TEST

START_TEST(a_nested_indirect_table_fails)
{
	desc(0, 0x6000, 16, F_INDIRECT, 0);
	desc_at(0x6000, 0, 0x7000, 16, F_INDIRECT, 0);
	desc_at(0x7000, 0, 0x4000, 8, 0, 0);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "nested"));
}
END_TEST

START_TEST(an_indirect_descriptor_with_next_fails)
{
	desc(0, 0x6000, 16, F_INDIRECT | F_NEXT, 1);
	desc_at(0x6000, 0, 0x4000, 8, 0, 0);
	desc(1, 0x4000, 8, 0, 0);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "NEXT"));
}
END_TEST

START_TEST(an_indirect_table_that_is_empty_ragged_or_too_long_fails)
{
	desc_at(0x6000, 0, 0x4000, 8, 0, 0);
	desc(0, 0x6000, 24, F_INDIRECT, 0);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "multiple of 16"));
	desc(0, 0x6000, 0, F_INDIRECT, 0);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	desc(0, 0x0, 16 * (VRING_CHAIN_MAX + 1), F_INDIRECT, 0);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	desc(0, REGION - 16, 32, F_INDIRECT, 0);	/* runs off region 0 */
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "outside"));
}
END_TEST

START_TEST(more_segments_than_the_chain_limit_fail)
{
	/* one direct segment, then a full indirect table: 1025 in all */
	desc(0, 0x4000, 1, F_NEXT, 1);
	desc(1, 0x8000, 16 * VRING_CHAIN_MAX, F_INDIRECT, 0);
	for (unsigned int i = 0; i < VRING_CHAIN_MAX; i++)
		desc_at(0x8000, i, 0x4000, 1, i + 1 < VRING_CHAIN_MAX ? F_NEXT : 0, i + 1);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "segments"));
	/* the table alone is fine */
	desc(2, 0x8000, 16 * VRING_CHAIN_MAX, F_INDIRECT, 0);
	ck_assert_msg(offer_and_walk(2) == 0, "%s", why);
	ck_assert_uint_eq(c.nin, VRING_CHAIN_MAX);
}
END_TEST

START_TEST(a_readable_descriptor_after_a_writable_one_fails)
{
	desc(0, 0x4000, 8, F_WRITE | F_NEXT, 1);
	desc(1, 0x4100, 8, 0, 0);
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "after a writable"));
}
END_TEST

START_TEST(a_descriptor_outside_guest_memory_fails_the_chain)
{
	desc(0, REGION, 8, 0, 0);		/* in the gap */
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "outside"));
	desc(0, REGION - 4, 8, 0, 0);		/* crosses out of region 0 */
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	desc(0, GPA1 + REGION - 4, 8, F_WRITE, 0);	/* out of region 1 */
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	desc(0, UINT64_MAX - 3, 8, 0, 0);	/* wraps */
	ck_assert_int_eq(offer_and_walk(0), -EINVAL);
	desc(0, 0x4000, 0, 0, 0);		/* empty is no access at all */
	ck_assert_msg(offer_and_walk(0) == 0, "%s", why);
	ck_assert_uint_eq(c.nin + c.nout, 0);
}
END_TEST

START_TEST(an_available_index_more_than_num_ahead_breaks_the_queue)
{
	uint16_t h;

	desc(0, 0x4000, 8, 0, 0);
	put16(AVAIL + 2, NUM);
	ck_assert_int_eq(vring_pop(&r, &h, why, sizeof(why)), 1);
	put16(AVAIL + 2, NUM + 2);
	ck_assert_int_eq(vring_pop(&r, &h, why, sizeof(why)), -EIO);
	ck_assert_ptr_nonnull(strstr(why, "ahead"));
	ck_assert(vring_has_avail(&r));
}
END_TEST

START_TEST(pushed_heads_appear_in_the_used_ring)
{
	put16(USED + 2, 6);	/* a ring that was in use before (set_vring_base) */
	ring_setup(false);
	ck_assert_uint_eq(r.used_idx, 6);
	vring_push(&r, 3, 100);
	vring_push(&r, 1, 0);
	vring_push(&r, 7, 4096);
	ck_assert_uint_eq(get16(USED + 2), 9);
	ck_assert_uint_eq(get32(USED + 4 + 8 * 6), 3);
	ck_assert_uint_eq(get32(USED + 4 + 8 * 6 + 4), 100);
	ck_assert_uint_eq(get32(USED + 4 + 8 * 7), 1);
	ck_assert_uint_eq(get32(USED + 4 + 8 * 7 + 4), 0);
	ck_assert_uint_eq(get32(USED + 4), 7);	/* wrapped to slot 0 */
	ck_assert_uint_eq(get32(USED + 8), 4096);
}
END_TEST

START_TEST(no_interrupt_suppresses_notification)
{
	vring_push(&r, 0, 1);
	ck_assert(vring_should_notify(&r));
	put16(AVAIL, 1);
	vring_push(&r, 0, 1);
	ck_assert(!vring_should_notify(&r));
	put16(AVAIL, 0);
	ck_assert(vring_should_notify(&r));
}
END_TEST

START_TEST(event_idx_notifies_when_used_passes_used_event)
{
	uint16_t h;

	ring_setup(true);
	desc(0, 0x4000, 8, 0, 0);
	offer(0);
	offer(0);
	ck_assert_int_eq(vring_pop(&r, &h, why, sizeof(why)), 1);
	ck_assert_int_eq(vring_pop(&r, &h, why, sizeof(why)), 1);
	ck_assert_uint_eq(get16(USED + 4 + 8 * NUM), 2);	/* avail_event */
	put16(AVAIL + 4 + 2 * NUM, 5);				/* used_event */
	vring_push(&r, 0, 0);
	ck_assert(vring_should_notify(&r));	/* the first time always */
	vring_push(&r, 0, 0);
	ck_assert(!vring_should_notify(&r));	/* used 2, wants 6 */
	ck_assert(!vring_should_notify(&r));	/* nothing new */
	for (int i = 0; i < 3; i++)
		vring_push(&r, 0, 0);
	ck_assert(!vring_should_notify(&r));	/* used 5: event 5 not yet passed */
	vring_push(&r, 0, 0);
	ck_assert(vring_should_notify(&r));	/* used 6 passes event 5 */
	vring_push(&r, 0, 0);
	ck_assert(!vring_should_notify(&r));
	/* NO_INTERRUPT is ignored with EVENT_IDX */
	put16(AVAIL, 1);
	put16(AVAIL + 4 + 2 * NUM, 7);
	vring_push(&r, 0, 0);
	ck_assert(vring_should_notify(&r));
}
END_TEST

START_TEST(a_driver_waiting_on_an_entry_already_used_is_seen)
{
	ring_setup(true);
	for (int i = 0; i < 10; i++)
		vring_push(&r, 0, 0);			/* used 10 */
	put16(AVAIL + 4 + 2 * NUM, 10);			/* caught up: waits for the 11th */
	ck_assert(!vring_driver_waits(&r));
	put16(AVAIL + 4 + 2 * NUM, 8);			/* waits for the 9th, used already */
	ck_assert(vring_driver_waits(&r));
	put16(AVAIL + 4 + 2 * NUM, 9);
	ck_assert(vring_driver_waits(&r));
	put16(AVAIL + 4 + 2 * NUM, 11);			/* ahead of us */
	ck_assert(!vring_driver_waits(&r));
	put16(AVAIL + 4 + 2 * NUM, (uint16_t)(10 - NUM - 1));	/* further back than a ring */
	ck_assert(!vring_driver_waits(&r));
}
END_TEST

START_TEST(without_event_idx_no_driver_is_seen_waiting)
{
	ring_setup(false);
	vring_push(&r, 0, 0);
	put16(AVAIL + 4 + 2 * NUM, 0);
	ck_assert(!vring_driver_waits(&r));
}
END_TEST

START_TEST(rings_outside_memory_misaligned_or_of_a_bad_size_are_refused)
{
	struct vring v;

	ck_assert_int_eq(vring_setup(&v, &m, 6, UVA0, UVA0 + AVAIL, UVA0 + USED, 0, false, why,
				     sizeof(why)), -EINVAL);
	ck_assert_int_eq(vring_setup(&v, &m, 0, UVA0, UVA0 + AVAIL, UVA0 + USED, 0, false, why,
				     sizeof(why)), -EINVAL);
	ck_assert_int_eq(vring_setup(&v, &m, VRING_MAX_NUM * 2, UVA0, UVA0 + AVAIL, UVA0 + USED,
				     0, false, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(vring_setup(&v, &m, NUM, UVA0 + 8, UVA0 + AVAIL, UVA0 + USED, 0, false,
				     why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "aligned"));
	ck_assert_int_eq(vring_setup(&v, &m, NUM, UVA0, UVA0 + AVAIL + 1, UVA0 + USED, 0, false,
				     why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(vring_setup(&v, &m, NUM, UVA0, UVA0 + AVAIL, UVA0 + USED + 2, 0, false,
				     why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(vring_setup(&v, &m, NUM, UVA0, UVA0 + AVAIL, UVA0 + REGION - 16, 0,
				     false, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "used"));
	ck_assert_int_eq(vring_setup(&v, &m, NUM, 0, UVA0 + AVAIL, UVA0 + USED, 0, false,
				     why, sizeof(why)), -EINVAL);	/* a gpa is no uva */
}
END_TEST

START_TEST(the_ring_starts_at_the_base_it_is_given)
{
	uint16_t h;

	ck_assert_int_eq(vring_setup(&r, &m, NUM, UVA0 + DESC, UVA0 + AVAIL, UVA0 + USED, 65535,
				     false, why, sizeof(why)), 0);
	ck_assert(vring_has_avail(&r));		/* avail idx 0 != 65535 */
	avail_idx = 65535;
	offer(4);				/* wraps to 0 */
	ck_assert_int_eq(vring_pop(&r, &h, why, sizeof(why)), 1);
	ck_assert_uint_eq(h, 4);
	ck_assert(!vring_has_avail(&r));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vring");
	TCase *tc = tcase_create("chains");
	TCase *tq = tcase_create("queue");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_chain_of_readable_then_writable_segments_is_walked_and_copied);
	tcase_add_test(tc, a_reply_larger_than_the_writable_segments_is_enospc);
	tcase_add_test(tc, an_indirect_chain_is_followed_and_zero_length_entries_are_skipped);
	tcase_add_test(tc, a_chain_that_loops_fails);
	tcase_add_test(tc, a_next_at_or_above_the_table_size_fails_the_chain);
	tcase_add_test(tc, a_nested_indirect_table_fails);
	tcase_add_test(tc, an_indirect_descriptor_with_next_fails);
	tcase_add_test(tc, an_indirect_table_that_is_empty_ragged_or_too_long_fails);
	tcase_add_test(tc, more_segments_than_the_chain_limit_fail);
	tcase_add_test(tc, a_readable_descriptor_after_a_writable_one_fails);
	tcase_add_test(tc, a_descriptor_outside_guest_memory_fails_the_chain);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tq, setup, teardown);
	tcase_add_test(tq, a_head_at_or_above_num_breaks_the_queue);
	tcase_add_test(tq, an_available_index_more_than_num_ahead_breaks_the_queue);
	tcase_add_test(tq, pushed_heads_appear_in_the_used_ring);
	tcase_add_test(tq, no_interrupt_suppresses_notification);
	tcase_add_test(tq, event_idx_notifies_when_used_passes_used_event);
	tcase_add_test(tq, a_driver_waiting_on_an_entry_already_used_is_seen);
	tcase_add_test(tq, without_event_idx_no_driver_is_seen_waiting);
	tcase_add_test(tq, rings_outside_memory_misaligned_or_of_a_bad_size_are_refused);
	tcase_add_test(tq, the_ring_starts_at_the_base_it_is_given);
	suite_add_tcase(s, tq);
	return unit_run(s);
}
