// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vhost-user device against a fake front end on a socketpair, with
 * guest memory in a memfd: QEMU's start-up sequence (features, owner,
 * memory table, queue size/base/addresses/kick/call, enable) makes a
 * queue run, a chain the fake driver makes available is popped and walked,
 * GET_VRING_BASE stops the queue where it was, and what the device cannot
 * take (features it did not offer, a ring outside guest memory, a queue it
 * does not have, logging) is refused with a failure status under REPLY_ACK
 * while the device goes on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "vhu.h"

#define MEM_SIZE (1 << 20)
#define GPA_BASE 0x100000ULL	/* guest physical */
#define UVA_BASE 0x7f0000000000ULL	/* the front end's virtual */
#define NUM 8
#define DESC_OFF 0x1000
#define AVAIL_OFF 0x2000
#define USED_OFF 0x3000
#define BUF_OFF 0x10000

struct fake {
	int sv[2];
	int memfd;
	uint8_t *mem;		/* the driver's view of guest memory */
	struct vhu_dev dev;
};

static void send_msg(struct fake *f, uint32_t req, uint32_t flags, const void *p, uint32_t size,
		     const int *fds, unsigned int nfds)
{
	uint8_t buf[12 + 512];

	memcpy(buf, &req, 4);
	memcpy(buf + 4, &flags, 4);
	memcpy(buf + 8, &size, 4);
	if (size)
		memcpy(buf + 12, p, size);
	unit_send_fds(f->sv[0], buf, 12 + size, fds, nfds);
	ck_assert_int_eq(vhu_serve_one(&f->dev), 1);
}

/* The u64 of the reply to req. */
static uint64_t reply_u64(struct fake *f, uint32_t req)
{
	uint32_t hdr[3];
	uint64_t v;

	ck_assert_int_eq(read(f->sv[0], hdr, 12), 12);
	ck_assert_uint_eq(hdr[0], req);
	ck_assert_uint_eq(hdr[1], VHUMSG_VERSION | VHUMSG_FLAG_REPLY);
	ck_assert_uint_eq(hdr[2], 8);
	ck_assert_int_eq(read(f->sv[0], &v, 8), 8);
	return v;
}

static void u64_msg(struct fake *f, uint32_t req, uint64_t v, const int *fds, unsigned int nfds)
{
	send_msg(f, req, VHUMSG_VERSION | VHUMSG_FLAG_NEED_REPLY, &v, 8, fds, nfds);
}

static void state_msg(struct fake *f, uint32_t req, uint32_t index, uint32_t num)
{
	struct vhu_vring_state s = { index, num };

	send_msg(f, req, VHUMSG_VERSION | VHUMSG_FLAG_NEED_REPLY, &s, sizeof(s), NULL, 0);
}

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->sv), 0);
	f->memfd = memfd_create("guest", MFD_CLOEXEC);
	ck_assert_int_ge(f->memfd, 0);
	ck_assert_int_eq(ftruncate(f->memfd, MEM_SIZE), 0);
	f->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->memfd, 0);
	ck_assert_ptr_ne(f->mem, MAP_FAILED);
	ck_assert_int_eq(vhu_init(&f->dev, f->sv[1], 2), 0);
}

static void fake_fini(struct fake *f)
{
	vhu_destroy(&f->dev);
	munmap(f->mem, MEM_SIZE);
	close(f->memfd);
	close(f->sv[0]);
	close(f->sv[1]);
}

/* QEMU's order: features, protocol features, owner, memory, then the queue. */
static void start_queue(struct fake *f, unsigned int qi, int kick, int call)
{
	struct guestmem_desc r = { .gpa = GPA_BASE, .size = MEM_SIZE, .uva = UVA_BASE };
	struct {
		uint32_t n, pad;
		struct guestmem_desc r;
	} table = { 1, 0, r };
	struct vhu_vring_addr a = { .index = qi, .desc = UVA_BASE + DESC_OFF,
				    .avail = UVA_BASE + AVAIL_OFF, .used = UVA_BASE + USED_OFF };
	uint64_t feat;

	send_msg(f, VHU_GET_FEATURES, VHUMSG_VERSION, NULL, 0, NULL, 0);
	feat = reply_u64(f, VHU_GET_FEATURES);
	ck_assert(feat & (1ULL << VHU_F_VERSION_1));
	ck_assert(feat & (1ULL << VHU_F_PROTOCOL_FEATURES));
	send_msg(f, VHU_GET_PROTOCOL_FEATURES, VHUMSG_VERSION, NULL, 0, NULL, 0);
	ck_assert_uint_eq(reply_u64(f, VHU_GET_PROTOCOL_FEATURES), vhu_protocol_features());
	/* Acked without NEED_REPLY: no reply comes. */
	send_msg(f, VHU_SET_PROTOCOL_FEATURES, VHUMSG_VERSION, &(uint64_t){ vhu_protocol_features() },
		 8, NULL, 0);
	send_msg(f, VHU_GET_QUEUE_NUM, VHUMSG_VERSION, NULL, 0, NULL, 0);
	ck_assert_uint_eq(reply_u64(f, VHU_GET_QUEUE_NUM), 2);
	send_msg(f, VHU_SET_OWNER, VHUMSG_VERSION | VHUMSG_FLAG_NEED_REPLY, NULL, 0, NULL, 0);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_OWNER), 0);
	u64_msg(f, VHU_SET_FEATURES, (1ULL << VHU_F_VERSION_1) | (1ULL << VHU_F_PROTOCOL_FEATURES),
		NULL, 0);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_FEATURES), 0);
	send_msg(f, VHU_SET_MEM_TABLE, VHUMSG_VERSION | VHUMSG_FLAG_NEED_REPLY, &table,
		 sizeof(table), &f->memfd, 1);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_MEM_TABLE), 0);
	state_msg(f, VHU_SET_VRING_NUM, qi, NUM);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_VRING_NUM), 0);
	state_msg(f, VHU_SET_VRING_BASE, qi, 0);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_VRING_BASE), 0);
	send_msg(f, VHU_SET_VRING_ADDR, VHUMSG_VERSION | VHUMSG_FLAG_NEED_REPLY, &a, sizeof(a),
		 NULL, 0);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_VRING_ADDR), 0);
	u64_msg(f, VHU_SET_VRING_KICK, qi, &kick, 1);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_VRING_KICK), 0);
	u64_msg(f, VHU_SET_VRING_CALL, qi, &call, 1);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_VRING_CALL), 0);
	ck_assert(!f->dev.q[qi].running);	/* protocol features: disabled until enabled */
	state_msg(f, VHU_SET_VRING_ENABLE, qi, 1);
	ck_assert_uint_eq(reply_u64(f, VHU_SET_VRING_ENABLE), 0);
}

/* The fake driver: one chain of a 16-byte readable and a 32-byte writable
 * buffer at head 0, made available. */
static void make_available(struct fake *f)
{
	uint8_t *d = f->mem + DESC_OFF;
	uint64_t a0 = GPA_BASE + BUF_OFF, a1 = GPA_BASE + BUF_OFF + 0x100;
	uint32_t l0 = 16, l1 = 32;
	uint16_t fl0 = 1, fl1 = 2, n0 = 1, n1 = 0, idx = 1, head = 0;

	memcpy(d, &a0, 8);
	memcpy(d + 8, &l0, 4);
	memcpy(d + 12, &fl0, 2);
	memcpy(d + 14, &n0, 2);
	memcpy(d + 16, &a1, 8);
	memcpy(d + 24, &l1, 4);
	memcpy(d + 28, &fl1, 2);
	memcpy(d + 30, &n1, 2);
	memcpy(f->mem + AVAIL_OFF + 4, &head, 2);
	__atomic_store_n((uint16_t *)(f->mem + AVAIL_OFF + 2), idx, __ATOMIC_RELEASE);
	memcpy(f->mem + BUF_OFF, "fuse request....", 16);
}

START_TEST(qemus_start_up_sequence_makes_a_queue_run_and_its_chains_walk)
{
	struct fake f;
	int kick = eventfd(0, EFD_CLOEXEC), call = eventfd(0, EFD_CLOEXEC);
	struct vring_chain *c = malloc(sizeof(*c));
	struct iovec iov = { "reply", 5 };
	char why[256], buf[64];
	uint16_t head, used_idx;
	uint32_t used_len;

	fake_init(&f);
	start_queue(&f, 1, kick, call);
	ck_assert(f.dev.q[1].running);
	make_available(&f);
	ck_assert(vring_has_avail(&f.dev.q[1].ring));
	ck_assert_int_eq(vring_pop(&f.dev.q[1].ring, &head, why, sizeof(why)), 1);
	ck_assert_int_eq(vring_walk(&f.dev.q[1].ring, &f.dev.mem, head, c, why, sizeof(why)), 0);
	ck_assert_uint_eq(c->nin, 1);
	ck_assert_uint_eq(c->nout, 1);
	ck_assert_int_eq(vring_chain_read(c, &f.dev.mem, buf, sizeof(buf)), 16);
	ck_assert_int_eq(memcmp(buf, "fuse request....", 16), 0);
	ck_assert_int_eq(vring_chain_write(c, &f.dev.mem, &iov, 1), 5);
	vring_push(&f.dev.q[1].ring, head, 5);
	ck_assert_int_eq(memcmp(f.mem + BUF_OFF + 0x100, "reply", 5), 0);
	used_idx = __atomic_load_n((uint16_t *)(f.mem + USED_OFF + 2), __ATOMIC_ACQUIRE);
	memcpy(&used_len, f.mem + USED_OFF + 8, 4);
	ck_assert_uint_eq(used_idx, 1);
	ck_assert_uint_eq(used_len, 5);

	/* GET_VRING_BASE stops the queue at the next entry to take. */
	state_msg(&f, VHU_GET_VRING_BASE, 1, 0);
	{
		uint32_t hdr[3];
		struct vhu_vring_state s;

		ck_assert_int_eq(read(f.sv[0], hdr, 12), 12);
		ck_assert_uint_eq(hdr[0], VHU_GET_VRING_BASE);
		ck_assert_uint_eq(hdr[2], sizeof(s));
		ck_assert_int_eq(read(f.sv[0], &s, sizeof(s)), (ssize_t)sizeof(s));
		ck_assert_uint_eq(s.index, 1);
		ck_assert_uint_eq(s.num, 1);
	}
	ck_assert(!f.dev.q[1].running);
	free(c);
	close(kick);
	close(call);
	fake_fini(&f);
}
END_TEST

START_TEST(what_the_device_cannot_take_is_refused_and_it_goes_on)
{
	struct fake f;
	struct vhu_vring_addr a = { .index = 1, .desc = 0x10, .avail = 0x20, .used = 0x40 };
	int kick = eventfd(0, EFD_CLOEXEC), call = eventfd(0, EFD_CLOEXEC);

	fake_init(&f);
	start_queue(&f, 0, kick, call);
	/* features never offered */
	u64_msg(&f, VHU_SET_FEATURES, 1ULL << 40, NULL, 0);
	ck_assert_uint_ne(reply_u64(&f, VHU_SET_FEATURES), 0);
	/* a queue the device does not have */
	state_msg(&f, VHU_SET_VRING_NUM, 5, NUM);
	ck_assert_uint_ne(reply_u64(&f, VHU_SET_VRING_NUM), 0);
	/* a size that is not a power of 2 */
	state_msg(&f, VHU_SET_VRING_NUM, 1, 12);
	ck_assert_uint_ne(reply_u64(&f, VHU_SET_VRING_NUM), 0);
	/* logging is not offered */
	u64_msg(&f, VHU_SET_LOG_BASE, 0, NULL, 0);
	ck_assert_uint_ne(reply_u64(&f, VHU_SET_LOG_BASE), 0);
	/* rings outside guest memory: accepted as addresses, the queue does not start */
	state_msg(&f, VHU_SET_VRING_NUM, 1, NUM);
	ck_assert_uint_eq(reply_u64(&f, VHU_SET_VRING_NUM), 0);
	send_msg(&f, VHU_SET_VRING_ADDR, VHUMSG_VERSION | VHUMSG_FLAG_NEED_REPLY, &a, sizeof(a),
		 NULL, 0);
	ck_assert_uint_eq(reply_u64(&f, VHU_SET_VRING_ADDR), 0);
	{
		int k2 = dup(kick);

		u64_msg(&f, VHU_SET_VRING_KICK, 1, &k2, 1);
		close(k2);
	}
	ck_assert_uint_eq(reply_u64(&f, VHU_SET_VRING_KICK), 0);
	state_msg(&f, VHU_SET_VRING_ENABLE, 1, 1);
	ck_assert_uint_eq(reply_u64(&f, VHU_SET_VRING_ENABLE), 0);
	ck_assert(!f.dev.q[1].running);
	ck_assert(f.dev.q[0].running);	/* the good queue is untouched */
	/* A malformed message breaks the stream: the device says so. */
	{
		uint32_t hdr[3] = { VHU_SET_FEATURES, 1, 99999 };

		ck_assert_int_eq(write(f.sv[0], hdr, 12), 12);
		ck_assert_int_eq(vhu_serve_one(&f.dev), -EPROTO);
	}
	close(kick);
	close(call);
	fake_fini(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vhu");
	TCase *tc = tcase_create("vhu");

	tcase_add_test(tc, qemus_start_up_sequence_makes_a_queue_run_and_its_chains_walk);
	tcase_add_test(tc, what_the_device_cannot_take_is_refused_and_it_goes_on);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
