/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A split virtqueue (virtio 1.x, VIRTIO_F_VERSION_1: little-endian rings) as
 * the device side sees it: the driver's descriptor table and available
 * ring, and our used ring. Indirect descriptors (VIRTIO_RING_F_INDIRECT_DESC)
 * are followed; EVENT_IDX is optional (vring.event_idx).
 *
 * Trust: the rings and the descriptors are guest memory, which the guest may
 * change while we read it. Each field is read once into a local copy and
 * checked there: a head or a next index at or above num, a descriptor
 * outside guest memory, a chain longer than VRING_CHAIN_MAX or num (a loop),
 * an indirect table that is empty, not a multiple of 16 bytes, nested, or
 * combined with NEXT, a readable descriptor after a writable one, or an
 * available index more than num ahead of ours: each fails that chain (or
 * the queue) with a one-line reason, never the process.
 *
 * Locking: none inside; vhu.c serialises pop and push on one queue.
 */
#ifndef STALEFS_VRING_H
#define STALEFS_VRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "guestmem.h"

#define VRING_MAX_NUM 32768	/* the largest split queue (a power of 2) */
#define VRING_CHAIN_MAX 1024	/* descriptors in one chain, indirect ones included */

/* The ring layout's sizes in bytes for num entries (for the address checks). */
#define VRING_DESC_SIZE(num) ((uint64_t)(num) * 16)
#define VRING_AVAIL_SIZE(num) (6 + (uint64_t)(num) * 2)
#define VRING_USED_SIZE(num) (6 + (uint64_t)(num) * 8)

struct vring_seg {
	uint64_t gpa;
	uint32_t len;
};

/* One chain: nin device-readable segments, then nout device-writable ones. */
struct vring_chain {
	uint16_t head;
	unsigned int nin, nout;
	uint64_t in_len, out_len;	/* their total lengths */
	struct vring_seg seg[VRING_CHAIN_MAX];	/* in first, then out */
};

struct vring {
	uint16_t num;		/* entries, a power of 2 */
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	/* Host addresses of the three parts (guestmem_uva checked their sizes). */
	volatile uint8_t *desc, *avail, *used;
	uint16_t last_avail;	/* the next available entry we take */
	uint16_t used_idx;	/* our used->idx */
	uint16_t signalled_used;	/* used_idx when we last notified (EVENT_IDX) */
	bool signalled_valid;
};

/*
 * Point r at rings of num entries whose parts are at the front end's virtual
 * addresses desc/avail/used, checked against m (sizes above; alignment 16,
 * 2 and 4). num must be a power of 2 in [1, VRING_MAX_NUM]. last_avail is
 * set to base (VHOST_USER_SET_VRING_BASE); used_idx is read from the used
 * ring. 0, or -EINVAL with a reason in why.
 */
int vring_setup(struct vring *r, const struct guestmem *m, unsigned int num, uint64_t desc,
		uint64_t avail, uint64_t used, uint16_t base, bool event_idx, char *why,
		size_t whylen);

/* Take the next available head: 1 and *head, 0 when none, -EIO (why says)
 * when the driver's index is more than num ahead of ours or the head is out
 * of range (the queue is broken: stop using it). */
int vring_pop(struct vring *r, uint16_t *head, char *why, size_t whylen);
/* EVENT_IDX: whether the driver's used_event names an entry we have already
 * used (it waits for an interrupt it should have had). False without
 * EVENT_IDX. */
bool vring_driver_waits(const struct vring *r);

/* Walk the chain at head into c, checking every descriptor against m.
 * 0, or -EINVAL with a reason in why (give the head back with len 0). */
int vring_walk(const struct vring *r, const struct guestmem *m, uint16_t head,
	       struct vring_chain *c, char *why, size_t whylen);

/* Copy the chain's readable bytes into buf (at most len); the count copied
 * or -EFAULT. Writes the reply iov into the writable segments; the bytes
 * written, or -EFAULT, or -ENOSPC when they do not fit. */
ssize_t vring_chain_read(const struct vring_chain *c, const struct guestmem *m, void *buf,
			 size_t len);
ssize_t vring_chain_write(const struct vring_chain *c, const struct guestmem *m,
			  const struct iovec *iov, int iovcnt);
/* The same into n writable segments kept from a chain (a reply written
 * after the chain itself is gone). */
ssize_t vring_segs_write(const struct vring_seg *seg, unsigned int n,
			 const struct guestmem *m, const struct iovec *iov, int iovcnt);

/* Give head back with len bytes written. */
void vring_push(struct vring *r, uint16_t head, uint32_t len);
/* After pushes: whether the driver wants an interrupt now (NO_INTERRUPT
 * flag, or used_event with EVENT_IDX). */
bool vring_should_notify(struct vring *r);
/* Whether entries are waiting (avail->idx != last_avail). */
bool vring_has_avail(const struct vring *r);

/* Both sides' indexes at one moment, for the log when a guest hangs: the
 * driver's avail->idx, avail->flags and used_event (EVENT_IDX), and ours. */
struct vring_view {
	uint16_t avail_idx, avail_flags, used_event;
	uint16_t last_avail, used_idx;
};
void vring_view(const struct vring *r, struct vring_view *v);

#endif
