// SPDX-License-Identifier: GPL-2.0-or-later
/* vhost-user messages: framing, checks and replies; see vhumsg.h. */
#include "vhumsg.h"
#include "errmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const names[] = {
	[VHU_GET_FEATURES] = "GET_FEATURES",
	[VHU_SET_FEATURES] = "SET_FEATURES",
	[VHU_SET_OWNER] = "SET_OWNER",
	[VHU_RESET_OWNER] = "RESET_OWNER",
	[VHU_SET_MEM_TABLE] = "SET_MEM_TABLE",
	[VHU_SET_LOG_BASE] = "SET_LOG_BASE",
	[VHU_SET_LOG_FD] = "SET_LOG_FD",
	[VHU_SET_VRING_NUM] = "SET_VRING_NUM",
	[VHU_SET_VRING_ADDR] = "SET_VRING_ADDR",
	[VHU_SET_VRING_BASE] = "SET_VRING_BASE",
	[VHU_GET_VRING_BASE] = "GET_VRING_BASE",
	[VHU_SET_VRING_KICK] = "SET_VRING_KICK",
	[VHU_SET_VRING_CALL] = "SET_VRING_CALL",
	[VHU_SET_VRING_ERR] = "SET_VRING_ERR",
	[VHU_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
	[VHU_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
	[VHU_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
	[VHU_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
};

const char *vhumsg_name(uint32_t request, char *buf, size_t len)
{
	if (request < sizeof(names) / sizeof(names[0]) && names[request])
		return names[request];
	snprintf(buf, len, "request %u", request);
	return buf;
}

/* What each known request carries: its payload size (-1: none checked
 * here, see below) and how many fds (-1: 0 or 1, by the index's NOFD bit). */
struct shape {
	int size;
	int fds;
};

static struct shape shape_of(uint32_t request)
{
	switch (request) {
	case VHU_GET_FEATURES:
	case VHU_SET_OWNER:
	case VHU_RESET_OWNER:
	case VHU_GET_PROTOCOL_FEATURES:
	case VHU_GET_QUEUE_NUM:
		return (struct shape){ 0, 0 };
	case VHU_SET_FEATURES:
	case VHU_SET_PROTOCOL_FEATURES:
		return (struct shape){ 8, 0 };
	case VHU_SET_VRING_NUM:
	case VHU_SET_VRING_BASE:
	case VHU_GET_VRING_BASE:
	case VHU_SET_VRING_ENABLE:
		return (struct shape){ (int)sizeof(struct vhu_vring_state), 0 };
	case VHU_SET_VRING_ADDR:
		return (struct shape){ (int)sizeof(struct vhu_vring_addr), 0 };
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
		return (struct shape){ 8, -1 };
	case VHU_SET_MEM_TABLE:
		return (struct shape){ -1, -1 };
	default:
		/* Unknown, or not offered (SET_LOG_BASE, SET_LOG_FD): any size and
		 * fds; the device refuses it and the fds are closed. */
		return (struct shape){ -2, 0 };
	}
}

static int check_queue(uint32_t index, const char *name, char *why, size_t whylen)
{
	if (index >= VHUMSG_MAX_QUEUES)
		return errmsg(why, whylen, -EINVAL, "%s: queue %u (at most %u queues)", name, index,
			   VHUMSG_MAX_QUEUES);
	return 0;
}

int vhumsg_check(const struct vhu_msg *msg, char *why, size_t whylen)
{
	struct shape sh = shape_of(msg->request);
	char nbuf[32];
	const char *name = vhumsg_name(msg->request, nbuf, sizeof(nbuf));
	unsigned int want_fds;

	if ((msg->flags & 0x3) != VHUMSG_VERSION)
		return errmsg(why, whylen, -EINVAL, "%s: version %u (want %u)", name, msg->flags & 0x3,
			   VHUMSG_VERSION);
	if (msg->flags & VHUMSG_FLAG_REPLY)
		return errmsg(why, whylen, -EINVAL, "%s: a reply sent to the back end", name);
	if (msg->size > VHUMSG_MAX_PAYLOAD)
		return errmsg(why, whylen, -EINVAL, "%s: payload of %u bytes (at most %u)", name, msg->size,
			   VHUMSG_MAX_PAYLOAD);
	if (msg->nfds > VHUMSG_MAX_FDS)
		return errmsg(why, whylen, -EINVAL, "%s: %u fds (at most %u)", name, msg->nfds, VHUMSG_MAX_FDS);
	if (sh.size == -2)
		return 0;
	if (msg->request == VHU_SET_MEM_TABLE) {
		uint32_t n = msg->u.mem.nregions;

		if (msg->size < 8)
			return errmsg(why, whylen, -EINVAL, "%s: payload of %u bytes (want at least 8)", name,
				   msg->size);
		if (n == 0 || n > GUESTMEM_MAX_REGIONS)
			return errmsg(why, whylen, -EINVAL, "%s: %u regions (1 to %u)", name, n,
				   GUESTMEM_MAX_REGIONS);
		if (msg->size != 8 + n * sizeof(struct guestmem_desc))
			return errmsg(why, whylen, -EINVAL, "%s: payload of %u bytes for %u regions (want %zu)",
				   name, msg->size, n, 8 + n * sizeof(struct guestmem_desc));
		if (msg->nfds != n)
			return errmsg(why, whylen, -EINVAL, "%s: %u fds for %u regions", name, msg->nfds, n);
		return 0;
	}
	if (msg->size != (uint32_t)sh.size)
		return errmsg(why, whylen, -EINVAL, "%s: payload of %u bytes (want %d)", name, msg->size, sh.size);
	if (sh.fds == -1) {
		uint64_t v = msg->u.u64;

		want_fds = v & VHUMSG_VRING_NOFD ? 0 : 1;
		if (v & ~(uint64_t)(VHUMSG_VRING_IDX_MASK | VHUMSG_VRING_NOFD))
			return errmsg(why, whylen, -EINVAL, "%s: unknown bits in 0x%llx", name, (unsigned long long)v);
		if (check_queue(v & VHUMSG_VRING_IDX_MASK, name, why, whylen))
			return -EINVAL;
	} else {
		want_fds = (unsigned int)sh.fds;
	}
	if (msg->nfds != want_fds)
		return errmsg(why, whylen, -EINVAL, "%s: %u fds (want %u)", name, msg->nfds, want_fds);
	switch (msg->request) {
	case VHU_SET_VRING_NUM:
	case VHU_SET_VRING_BASE:
	case VHU_GET_VRING_BASE:
	case VHU_SET_VRING_ENABLE:
		return check_queue(msg->u.state.index, name, why, whylen);
	case VHU_SET_VRING_ADDR:
		return check_queue(msg->u.addr.index, name, why, whylen);
	}
	return 0;
}

static void close_all(const int *fds, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int vhumsg_parse(struct vhu_msg *msg, const uint8_t *buf, size_t len, const int *fds,
		 unsigned int nfds, char *why, size_t whylen)
{
	memset(msg, 0, offsetof(struct vhu_msg, fds));
	msg->nfds = 0;
	if (nfds > VHUMSG_MAX_FDS) {
		close_all(fds, nfds);
		return errmsg(why, whylen, -EINVAL, "%u fds (at most %u)", nfds, VHUMSG_MAX_FDS);
	}
	for (unsigned int i = 0; i < nfds; i++)
		msg->fds[i] = fds[i];
	msg->nfds = nfds;
	if (len < VHUMSG_HDR_SIZE) {
		vhumsg_close_fds(msg);
		return errmsg(why, whylen, -EINVAL, "a message of %zu bytes (the header is %d)", len,
			   VHUMSG_HDR_SIZE);
	}
	memcpy(&msg->request, buf, 4);
	memcpy(&msg->flags, buf + 4, 4);
	memcpy(&msg->size, buf + 8, 4);
	if (msg->size > VHUMSG_MAX_PAYLOAD || msg->size != len - VHUMSG_HDR_SIZE) {
		char nbuf[32];

		vhumsg_close_fds(msg);
		return errmsg(why, whylen, -EINVAL, "%s: payload of %u bytes, %zu sent (at most %u)",
			   vhumsg_name(msg->request, nbuf, sizeof(nbuf)), msg->size,
			   len - VHUMSG_HDR_SIZE, VHUMSG_MAX_PAYLOAD);
	}
	memcpy(msg->u.raw, buf + VHUMSG_HDR_SIZE, msg->size);
	if (vhumsg_check(msg, why, whylen)) {
		vhumsg_close_fds(msg);
		return -EINVAL;
	}
	return 0;
}

/* Read exactly len bytes (the payload after a header). 0, -EPIPE at EOF, -errno. */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = read(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int vhumsg_recv(int fd, struct vhu_msg *msg, char *why, size_t whylen)
{
	uint8_t buf[VHUMSG_HDR_SIZE + VHUMSG_MAX_PAYLOAD];
	char cbuf[CMSG_SPACE(sizeof(int) * VHUMSG_MAX_FDS)];
	struct iovec iov = { buf, VHUMSG_HDR_SIZE };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	int fds[VHUMSG_MAX_FDS * 2];
	unsigned int nfds = 0;
	uint32_t size;
	ssize_t n;
	int ret;

	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && nfds < sizeof(fds) / sizeof(fds[0]); i++)
			memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	if (n == 0) {
		close_all(fds, nfds);
		return 0;
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		close_all(fds, nfds);
		return errmsg(why, whylen, -EINVAL, "more than %u fds with one message", VHUMSG_MAX_FDS);
	}
	if (n != VHUMSG_HDR_SIZE) {
		close_all(fds, nfds);
		return errmsg(why, whylen, -EINVAL, "a header of %zd bytes (want %d) before the end", n,
			   VHUMSG_HDR_SIZE);
	}
	memcpy(&size, buf + 8, 4);
	if (size > VHUMSG_MAX_PAYLOAD) {
		close_all(fds, nfds);
		return errmsg(why, whylen, -EINVAL, "a payload of %u bytes (at most %u)", size,
			   VHUMSG_MAX_PAYLOAD);
	}
	ret = read_full(fd, buf + VHUMSG_HDR_SIZE, size);
	if (ret) {
		close_all(fds, nfds);
		return ret == -EPIPE ? 0 : ret;
	}
	ret = vhumsg_parse(msg, buf, VHUMSG_HDR_SIZE + size, fds, nfds, why, whylen);
	return ret ? ret : 1;
}

bool vhumsg_wants_reply(const struct vhu_msg *msg, bool reply_ack)
{
	switch (msg->request) {
	case VHU_GET_FEATURES:
	case VHU_GET_PROTOCOL_FEATURES:
	case VHU_GET_QUEUE_NUM:
	case VHU_GET_VRING_BASE:
		return true;
	}
	return reply_ack && (msg->flags & VHUMSG_FLAG_NEED_REPLY);
}

static int send_reply(int fd, const struct vhu_msg *req, const void *payload, uint32_t size)
{
	uint8_t buf[VHUMSG_HDR_SIZE + sizeof(struct vhu_vring_state) + 8];
	uint32_t flags = VHUMSG_VERSION | VHUMSG_FLAG_REPLY;
	size_t len = VHUMSG_HDR_SIZE + size, off = 0;

	memcpy(buf, &req->request, 4);
	memcpy(buf + 4, &flags, 4);
	memcpy(buf + 8, &size, 4);
	memcpy(buf + VHUMSG_HDR_SIZE, payload, size);
	while (off < len) {
		ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

int vhumsg_reply_u64(int fd, const struct vhu_msg *req, uint64_t v)
{
	return send_reply(fd, req, &v, sizeof(v));
}

int vhumsg_reply_state(int fd, const struct vhu_msg *req, uint32_t index, uint32_t num)
{
	struct vhu_vring_state s = { .index = index, .num = num };

	return send_reply(fd, req, &s, sizeof(s));
}

void vhumsg_close_fds(struct vhu_msg *msg)
{
	for (unsigned int i = 0; i < msg->nfds && i < VHUMSG_MAX_FDS; i++) {
		if (msg->fds[i] >= 0)
			close(msg->fds[i]);
		msg->fds[i] = -1;
	}
	msg->nfds = 0;
}
