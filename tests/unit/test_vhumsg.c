// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-user messages from an untrusted front end: well-formed messages of
 * each shape parse, every malformed header, size, fd count and index is
 * refused with a reason and its fds closed, messages arrive with their fds
 * over a socket (a fake front end on a socketpair), EOF is 0, and replies
 * have the reply flag and the request's payload.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "vhumsg.h"

/* header + payload into buf; its length. */
static size_t frame(uint8_t *buf, uint32_t req, uint32_t flags, const void *p, uint32_t size)
{
	memcpy(buf, &req, 4);
	memcpy(buf + 4, &flags, 4);
	memcpy(buf + 8, &size, 4);
	if (size)
		memcpy(buf + 12, p, size);
	return 12 + size;
}

static int parse(struct vhu_msg *m, uint32_t req, uint32_t flags, const void *p, uint32_t size,
		 const int *fds, unsigned int nfds, char *why)
{
	uint8_t buf[12 + VHUMSG_MAX_PAYLOAD + 64];

	return vhumsg_parse(m, buf, frame(buf, req, flags, p, size), fds, nfds, why, 256);
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

START_TEST(well_formed_messages_of_each_shape_parse)
{
	struct vhu_msg m;
	char why[256];
	uint64_t u = 1ULL << 32;
	struct vhu_vring_state st = { .index = 1, .num = 1024 };
	struct vhu_vring_addr ad = { .index = 0, .desc = 0x1000, .used = 0x3000, .avail = 0x2000 };
	int fd = dup(0);

	ck_assert_int_eq(parse(&m, VHU_GET_FEATURES, 1, NULL, 0, NULL, 0, why), 0);
	ck_assert_int_eq(parse(&m, VHU_SET_FEATURES, 1, &u, 8, NULL, 0, why), 0);
	ck_assert_uint_eq(m.u.u64, 1ULL << 32);
	ck_assert_int_eq(parse(&m, VHU_SET_VRING_NUM, 1, &st, sizeof(st), NULL, 0, why), 0);
	ck_assert_uint_eq(m.u.state.num, 1024);
	ck_assert_int_eq(parse(&m, VHU_SET_VRING_ADDR, 1, &ad, sizeof(ad), NULL, 0, why), 0);
	ck_assert_uint_eq(m.u.addr.avail, 0x2000);
	u = 1;
	ck_assert_int_eq(parse(&m, VHU_SET_VRING_KICK, 1, &u, 8, &fd, 1, why), 0);
	ck_assert_uint_eq(m.nfds, 1);
	ck_assert_int_eq(m.fds[0], fd);
	vhumsg_close_fds(&m);
	ck_assert(!fd_open(fd));
	u = 1 | VHUMSG_VRING_NOFD;
	ck_assert_int_eq(parse(&m, VHU_SET_VRING_CALL, 1, &u, 8, NULL, 0, why), 0);
	/* Unknown requests pass the check (the device refuses them). */
	ck_assert_int_eq(parse(&m, 40, 1, "abcd", 4, NULL, 0, why), 0);
	ck_assert_str_eq(vhumsg_name(40, why, sizeof(why)), "request 40");
	ck_assert_str_eq(vhumsg_name(VHU_SET_MEM_TABLE, why, sizeof(why)), "SET_MEM_TABLE");
}
END_TEST

START_TEST(a_memory_table_needs_one_fd_per_region_and_the_exact_size)
{
	struct {
		uint32_t n, pad;
		struct guestmem_desc r[GUESTMEM_MAX_REGIONS + 1];
	} t = { .n = 2 };
	struct vhu_msg m;
	char why[256];
	int fds[3];

	for (int i = 0; i < 3; i++)
		fds[i] = dup(0);
	ck_assert_int_eq(parse(&m, VHU_SET_MEM_TABLE, 1, &t, 8 + 2 * 32, fds, 2, why), 0);
	ck_assert_uint_eq(m.u.mem.nregions, 2);
	vhumsg_close_fds(&m);
	ck_assert(!fd_open(fds[0]) && !fd_open(fds[1]));
	fds[0] = dup(0);
	ck_assert_int_eq(parse(&m, VHU_SET_MEM_TABLE, 1, &t, 8 + 2 * 32, &fds[0], 1, why), -EINVAL);
	ck_assert_msg(strstr(why, "1 fds for 2 regions"), "%s", why);
	ck_assert(!fd_open(fds[0]));	/* refused: its fds are closed */
	ck_assert_int_eq(parse(&m, VHU_SET_MEM_TABLE, 1, &t, 8 + 1 * 32, NULL, 0, why), -EINVAL);
	ck_assert_msg(strstr(why, "for 2 regions"), "%s", why);
	t.n = GUESTMEM_MAX_REGIONS + 1;
	ck_assert_int_eq(parse(&m, VHU_SET_MEM_TABLE, 1, &t, 8 + 9 * 32, NULL, 0, why), -EINVAL);
	ck_assert_msg(strstr(why, "9 regions"), "%s", why);
	t.n = 0;
	ck_assert_int_eq(parse(&m, VHU_SET_MEM_TABLE, 1, &t, 8, NULL, 0, why), -EINVAL);
	ck_assert_int_eq(parse(&m, VHU_SET_MEM_TABLE, 1, &t, 4, NULL, 0, why), -EINVAL);
	close(fds[2]);
}
END_TEST

START_TEST(bad_headers_sizes_fds_and_indexes_are_refused_with_a_reason)
{
	struct vhu_msg m;
	char why[256];
	uint8_t buf[64];
	uint64_t u = 0;
	struct vhu_vring_state st = { .index = VHUMSG_MAX_QUEUES, .num = 8 };
	int fd;

	ck_assert_int_eq(parse(&m, VHU_GET_FEATURES, 2, NULL, 0, NULL, 0, why), -EINVAL);
	ck_assert_msg(strstr(why, "version 2"), "%s", why);
	ck_assert_int_eq(parse(&m, VHU_GET_FEATURES, 1 | VHUMSG_FLAG_REPLY, NULL, 0, NULL, 0, why),
			 -EINVAL);
	ck_assert_int_eq(parse(&m, VHU_SET_FEATURES, 1, &u, 4, NULL, 0, why), -EINVAL);
	ck_assert_msg(strstr(why, "SET_FEATURES: payload of 4 bytes (want 8)"), "%s", why);
	ck_assert_int_eq(parse(&m, VHU_SET_VRING_NUM, 1, &st, sizeof(st), NULL, 0, why), -EINVAL);
	ck_assert_msg(strstr(why, "queue 16"), "%s", why);
	u = 0x200;	/* an unknown bit */
	ck_assert_int_eq(parse(&m, VHU_SET_VRING_KICK, 1, &u, 8, NULL, 0, why), -EINVAL);
	u = 0;		/* an fd is announced but none came */
	ck_assert_int_eq(parse(&m, VHU_SET_VRING_KICK, 1, &u, 8, NULL, 0, why), -EINVAL);
	fd = dup(0);	/* an fd that has no place */
	ck_assert_int_eq(parse(&m, VHU_GET_FEATURES, 1, NULL, 0, &fd, 1, why), -EINVAL);
	ck_assert(!fd_open(fd));
	/* The header says more than was sent, or is cut short. */
	frame(buf, VHU_SET_FEATURES, 1, &u, 8);
	ck_assert_int_eq(vhumsg_parse(&m, buf, 16, NULL, 0, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(vhumsg_parse(&m, buf, 11, NULL, 0, why, sizeof(why)), -EINVAL);
	u = VHUMSG_MAX_PAYLOAD + 1;
	memcpy(buf + 8, &u, 4);
	ck_assert_int_eq(vhumsg_parse(&m, buf, 20, NULL, 0, why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(messages_arrive_with_their_fds_and_replies_are_flagged)
{
	int sv[2], efd = dup(0);
	uint8_t buf[64];
	uint64_t u = 3, got;
	struct vhu_msg m;
	char why[256];
	uint32_t hdr[3];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	unit_send_fds(sv[0], buf, frame(buf, VHU_SET_VRING_CALL, 1 | VHUMSG_FLAG_NEED_REPLY, &u, 8),
		 &efd, 1);
	close(efd);
	ck_assert_int_eq(vhumsg_recv(sv[1], &m, why, sizeof(why)), 1);
	ck_assert_uint_eq(m.request, VHU_SET_VRING_CALL);
	ck_assert_uint_eq(m.nfds, 1);
	ck_assert(fd_open(m.fds[0]));
	ck_assert(vhumsg_wants_reply(&m, true));
	ck_assert(!vhumsg_wants_reply(&m, false));
	ck_assert_int_eq(vhumsg_reply_u64(sv[1], &m, 0), 0);
	vhumsg_close_fds(&m);
	ck_assert_int_eq(read(sv[0], hdr, 12), 12);
	ck_assert_uint_eq(hdr[0], VHU_SET_VRING_CALL);
	ck_assert_uint_eq(hdr[1], VHUMSG_VERSION | VHUMSG_FLAG_REPLY);
	ck_assert_uint_eq(hdr[2], 8);
	ck_assert_int_eq(read(sv[0], &got, 8), 8);
	ck_assert_uint_eq(got, 0);

	/* A payload sent in two pieces still makes one message. */
	frame(buf, VHU_SET_FEATURES, 1, &u, 8);
	ck_assert_int_eq(write(sv[0], buf, 14), 14);
	ck_assert_int_eq(write(sv[0], buf + 14, 6), 6);
	ck_assert_int_eq(vhumsg_recv(sv[1], &m, why, sizeof(why)), 1);
	ck_assert_uint_eq(m.u.u64, 3);

	/* A bad message is refused; then EOF is 0. */
	unit_send_fds(sv[0], buf, frame(buf, VHU_SET_FEATURES, 1, &u, 4), NULL, 0);
	ck_assert_int_eq(vhumsg_recv(sv[1], &m, why, sizeof(why)), -EINVAL);
	close(sv[0]);
	ck_assert_int_eq(vhumsg_recv(sv[1], &m, why, sizeof(why)), 0);
	close(sv[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vhumsg");
	TCase *tc = tcase_create("vhumsg");

	tcase_add_test(tc, well_formed_messages_of_each_shape_parse);
	tcase_add_test(tc, a_memory_table_needs_one_fd_per_region_and_the_exact_size);
	tcase_add_test(tc, bad_headers_sizes_fds_and_indexes_are_refused_with_a_reason);
	tcase_add_test(tc, messages_arrive_with_their_fds_and_replies_are_flagged);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
