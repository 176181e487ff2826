// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the virtqueue against a hostile driver. The first byte picks the
 * queue size (a power of 2, 1-256), the second EVENT_IDX and the base; the
 * rest is copied to guest address 0, where the descriptor table, available
 * ring and used ring sit back to back. Guest memory is a 64 KiB region with
 * a 4 KiB one right after it (copies cross), mapped once. Every available
 * head is popped, walked, read and written, and every head of the table is
 * walked as well: none of it may crash or touch memory outside the regions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "guestmem.h"
#include "vring.h"

#define MEM0 0x10000
#define MEM1 0x1000
#define UVA 0x7f0000000000ULL

static struct guestmem mem;
static bool mapped;
static struct vring_chain chain;

static bool map_once(void)
{
	struct guestmem_desc d[2] = {
		{ .gpa = 0, .size = MEM0, .uva = UVA, .mmap_offset = 0 },
		{ .gpa = MEM0, .size = MEM1, .uva = UVA + MEM0, .mmap_offset = 0 },
	};
	int fds[2];
	char why[128];
	int ret;

	fds[0] = memfd_create("fuzz-vring-0", MFD_CLOEXEC);
	fds[1] = memfd_create("fuzz-vring-1", MFD_CLOEXEC);
	if (fds[0] < 0 || fds[1] < 0 || ftruncate(fds[0], MEM0) || ftruncate(fds[1], MEM1))
		abort();
	guestmem_init(&mem);
	ret = guestmem_map(&mem, d, fds, 2, why, sizeof(why));
	close(fds[0]);
	close(fds[1]);
	return ret == 0;
}

/* The ring parts' guest addresses for num entries: back to back, aligned. */
static void layout(unsigned int num, uint64_t *desc, uint64_t *avail, uint64_t *used)
{
	*desc = 0;
	*avail = VRING_DESC_SIZE(num);
	*used = (*avail + VRING_AVAIL_SIZE(num) + 3) & ~3ULL;
}

static void check_chain(const struct vring_chain *c, const char *why)
{
	uint64_t in = 0, out = 0;

	if (c->nin + c->nout > VRING_CHAIN_MAX)
		abort();
	for (unsigned int i = 0; i < c->nin + c->nout; i++) {
		if (c->seg[i].len == 0)
			abort();
		*(i < c->nin ? &in : &out) += c->seg[i].len;
	}
	if (in != c->in_len || out != c->out_len || why[0])
		abort();
}

static void use_chain(const struct vring_chain *c, const uint8_t *data, size_t size)
{
	static uint8_t buf[512];
	struct iovec iov[2];
	ssize_t n;

	n = vring_chain_read(c, &mem, buf, sizeof(buf));
	if (n < 0 || (size_t)n > sizeof(buf) || (uint64_t)n > c->in_len)
		abort();
	iov[0] = (struct iovec){ (void *)data, size < 200 ? size : 200 };
	iov[1] = (struct iovec){ buf, (size_t)n };
	n = vring_chain_write(c, &mem, iov, 2);
	if (n != -ENOSPC && (n < 0 || (uint64_t)n > c->out_len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t dirty;
	uint64_t desc, avail, used;
	unsigned int num;
	struct vring r;
	char why[256];
	uint16_t head;
	int ret;

	if (!mapped && !(mapped = map_once()))
		abort();
	if (size < 2)
		return 0;
	num = 1u << (data[0] % 9);
	memset(mem.r[0].host, 0, dirty);
	dirty = size - 2 < MEM0 ? size - 2 : MEM0;
	memcpy(mem.r[0].host, data + 2, dirty);
	layout(num, &desc, &avail, &used);
	if (vring_setup(&r, &mem, num, UVA + desc, UVA + avail, UVA + used, data[1] >> 1,
			data[1] & 1, why, sizeof(why)))
		abort();
	for (unsigned int k = 0; k <= num; k++) {
		why[0] = 0;
		ret = vring_pop(&r, &head, why, sizeof(why));
		if (ret < 0 && !why[0])
			abort();
		if (ret <= 0)
			break;
		if (head >= num)
			abort();
		if (vring_walk(&r, &mem, head, &chain, why, sizeof(why)) == 0) {
			check_chain(&chain, why);
			use_chain(&chain, data, size);
			vring_push(&r, head, chain.out_len);
		} else {
			if (!why[0])
				abort();
			vring_push(&r, head, 0);
		}
		(void)vring_should_notify(&r);
	}
	(void)vring_has_avail(&r);
	for (unsigned int h = 0; h < num; h++) {
		why[0] = 0;
		if (vring_walk(&r, &mem, h, &chain, why, sizeof(why)) == 0) {
			check_chain(&chain, why);
			use_chain(&chain, data, size);
		} else if (!why[0]) {
			abort();
		}
	}
	return 0;
}

/* A queue of 8 with chains of 1-3 descriptors into both regions, some
 * indirect, and the available ring offering them. */
size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	const unsigned int num = 8;
	uint64_t desc, avail, used;
	size_t need;
	uint8_t *m;

	layout(num, &desc, &avail, &used);
	need = 2 + 0x400;
	if (len < need)
		return 0;
	memset(buf, 0, need);
	buf[0] = 3;			/* 1 << 3 */
	buf[1] = (uint8_t)(r & 1);
	m = buf + 2;
	for (unsigned int i = 0; i < num; i++) {
		uint8_t *d = m + desc + 16 * i;
		uint64_t addr = (r >> (i * 3)) % 3 == 0 ? MEM0 - 8 : 0x200 + 0x20 * i;
		uint32_t dlen = 16;
		uint16_t flags = (i % 3 == 2 ? 2 : 0) | (i % 3 != 2 ? 1 : 0);
		uint16_t next = i + 1 < num ? i + 1 : 0;

		if (i == 6 && (r & 2)) {
			addr = 0x300;	/* an indirect table of two */
			dlen = 32;
			flags = 4;
			m[0x300 + 12] = 1;
			m[0x300 + 14] = 1;
			m[0x300 + 16] = 0x80;
			m[0x300 + 24] = 4;
			m[0x300 + 28] = 2;
		}
		memcpy(d, &addr, 8);
		memcpy(d + 8, &dlen, 4);
		memcpy(d + 12, &flags, 2);
		memcpy(d + 14, &next, 2);
	}
	for (unsigned int i = 0; i < 3; i++)
		m[avail + 4 + 2 * i] = (uint8_t)(i * 3);
	m[avail + 2] = (uint8_t)(1 + (r >> 32) % 3);
	return need;
}
