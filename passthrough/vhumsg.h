/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user messages (QEMU's docs/interop/vhost-user.rst): the 12-byte
 * header (request, flags, size), the payload, and the file descriptors sent
 * with it (SCM_RIGHTS). This file frames, receives and checks messages and
 * builds replies; what a message does to the device is vhu.c's.
 *
 * Trust: everything received is untrusted. vhumsg_check() refuses a
 * message whose version is not 1, whose size is not the one its request
 * has (or above VHUMSG_MAX_PAYLOAD), that carries fds it should not or
 * lacks the ones it needs, or whose fields are out of range (a queue index
 * of VHUMSG_MAX_QUEUES or more, more than GUESTMEM_MAX_REGIONS regions);
 * the reason is one line. Received fds are always owned by the message:
 * vhumsg_close_fds() closes the ones the handler did not take.
 */
#ifndef STALEFS_VHUMSG_H
#define STALEFS_VHUMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guestmem.h"

enum vhu_request {
	VHU_GET_FEATURES = 1,
	VHU_SET_FEATURES = 2,
	VHU_SET_OWNER = 3,
	VHU_RESET_OWNER = 4,
	VHU_SET_MEM_TABLE = 5,
	VHU_SET_LOG_BASE = 6,
	VHU_SET_LOG_FD = 7,
	VHU_SET_VRING_NUM = 8,
	VHU_SET_VRING_ADDR = 9,
	VHU_SET_VRING_BASE = 10,
	VHU_GET_VRING_BASE = 11,
	VHU_SET_VRING_KICK = 12,
	VHU_SET_VRING_CALL = 13,
	VHU_SET_VRING_ERR = 14,
	VHU_GET_PROTOCOL_FEATURES = 15,
	VHU_SET_PROTOCOL_FEATURES = 16,
	VHU_GET_QUEUE_NUM = 17,
	VHU_SET_VRING_ENABLE = 18,
	VHU_REQUEST_MAX = 64,	/* anything at or above is unknown */
};

#define VHUMSG_VERSION 0x1
#define VHUMSG_FLAG_REPLY (1u << 2)
#define VHUMSG_FLAG_NEED_REPLY (1u << 3)
#define VHUMSG_HDR_SIZE 12
#define VHUMSG_MAX_PAYLOAD 4096
#define VHUMSG_MAX_FDS 8
#define VHUMSG_MAX_QUEUES 16	/* hiprio + up to 15 request queues */

/* SET_VRING_KICK/CALL/ERR: the index in bits 0-7, bit 8 = no fd. */
#define VHUMSG_VRING_IDX_MASK 0xffu
#define VHUMSG_VRING_NOFD (1u << 8)

struct vhu_vring_state {	/* NUM, BASE, GET_VRING_BASE, ENABLE */
	uint32_t index;
	uint32_t num;
};

struct vhu_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc, used, avail, log;	/* front-end virtual addresses */
};

struct vhu_msg {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
	union {
		uint64_t u64;
		struct vhu_vring_state state;
		struct vhu_vring_addr addr;
		struct {
			uint32_t nregions;
			uint32_t padding;
			struct guestmem_desc region[GUESTMEM_MAX_REGIONS];
		} mem;
		uint8_t raw[VHUMSG_MAX_PAYLOAD];
	} u;
	int fds[VHUMSG_MAX_FDS];
	unsigned int nfds;
};

/* Receive one message from the socket fd: 1 and *msg (checked with
 * vhumsg_check), 0 when the front end closed the connection, -EINVAL with
 * a reason in why (the message was bad: its fds are closed; the connection
 * may be unusable: a bad header leaves the stream out of step), or -errno. */
int vhumsg_recv(int fd, struct vhu_msg *msg, char *why, size_t whylen);

/* Check a message as received: header, size for its request, fds, ranges.
 * 0 or -EINVAL with a reason. Unknown requests, and the logging ones the
 * device does not offer, pass with any payload and fds: the device refuses
 * them and their fds are closed. */
int vhumsg_check(const struct vhu_msg *msg, char *why, size_t whylen);

/* Parse bytes (header + payload) with nfds fds into msg: what vhumsg_recv
 * does after reading. 0 or -EINVAL with a reason (the fds are then closed).
 * For tests and the fuzz target. */
int vhumsg_parse(struct vhu_msg *msg, const uint8_t *buf, size_t len, const int *fds,
		 unsigned int nfds, char *why, size_t whylen);

/* Whether the front end waits for a reply to this message: the requests
 * that have one (GET_*), or NEED_REPLY with REPLY_ACK negotiated. */
bool vhumsg_wants_reply(const struct vhu_msg *msg, bool reply_ack);

/* Send the reply to req: a u64 (GET_FEATURES, GET_PROTOCOL_FEATURES,
 * GET_QUEUE_NUM, and the REPLY_ACK status: 0 ok, 1 failed) or a vring state
 * (GET_VRING_BASE). 0 or -errno. */
int vhumsg_reply_u64(int fd, const struct vhu_msg *req, uint64_t v);
int vhumsg_reply_state(int fd, const struct vhu_msg *req, uint32_t index, uint32_t num);

/* Close the fds still in msg (set to -1 as a handler takes one). */
void vhumsg_close_fds(struct vhu_msg *msg);

/* "SET_MEM_TABLE" and the like, "request 99" for unknown ones. */
const char *vhumsg_name(uint32_t request, char *buf, size_t len);

#endif
