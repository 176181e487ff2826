// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the vhost-user message parser: the first byte says how many fds come
 * with the message (0-9, dups of /dev/null), the rest is header + payload.
 * A parsed message must pass its own check again, and every fd must be
 * closed afterwards (parse failures close them; here the caller does).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "vhumsg.h"

static int null_fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds[VHUMSG_MAX_FDS + 1];
	unsigned int nfds;
	struct vhu_msg m;
	char why[256];

	if (null_fd < 0)
		null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (size < 1 || null_fd < 0)
		return 0;
	nfds = data[0] % (VHUMSG_MAX_FDS + 2);
	for (unsigned int i = 0; i < nfds; i++)
		fds[i] = dup(null_fd);
	if (vhumsg_parse(&m, data + 1, size - 1, fds, nfds, why, sizeof(why)) == 0) {
		if (vhumsg_check(&m, why, sizeof(why)) != 0)
			abort();
		(void)vhumsg_wants_reply(&m, true);
		vhumsg_close_fds(&m);
	} else if (!why[0]) {
		abort();	/* a refusal always says why */
	}
	/* No fd may be left open: the next dup must get the lowest again. */
	{
		int probe = dup(null_fd);

		if (nfds && probe > fds[0])
			abort();
		close(probe);
	}
	return 0;
}

size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	static const uint32_t reqs[] = { VHU_GET_FEATURES, VHU_SET_FEATURES, VHU_SET_MEM_TABLE,
					 VHU_SET_VRING_NUM, VHU_SET_VRING_ADDR, VHU_SET_VRING_KICK,
					 VHU_SET_VRING_ENABLE, VHU_GET_VRING_BASE };
	uint32_t req = reqs[r % (sizeof(reqs) / sizeof(reqs[0]))], flags = 1, size;
	uint8_t payload[8 + 8 * 32] = { 0 };
	uint32_t n = 1 + (r >> 8) % 8;

	switch (req) {
	case VHU_SET_MEM_TABLE:
		memcpy(payload, &n, 4);
		size = 8 + n * 32;
		buf[0] = (uint8_t)n;
		break;
	case VHU_SET_VRING_KICK:
		size = 8;
		buf[0] = 1;
		break;
	case VHU_SET_VRING_ADDR:
		size = sizeof(struct vhu_vring_addr);
		buf[0] = 0;
		break;
	case VHU_SET_VRING_NUM:
	case VHU_SET_VRING_ENABLE:
	case VHU_GET_VRING_BASE:
		size = 8;
		buf[0] = 0;
		break;
	case VHU_SET_FEATURES:
		size = 8;
		buf[0] = 0;
		break;
	default:
		size = 0;
		buf[0] = 0;
	}
	if (len < 1 + 12 + size)
		return 0;
	memcpy(buf + 1, &req, 4);
	memcpy(buf + 5, &flags, 4);
	memcpy(buf + 9, &size, 4);
	memcpy(buf + 13, payload, size);
	return 13 + size;
}
