/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vhost-user back end of a virtio-fs device: what each front-end
 * message (vhumsg.h) does to the device's features, guest memory
 * (guestmem.h) and queues (vring.h). Queue 0 is virtio-fs's hiprio queue
 * (FORGET, BATCH_FORGET, INTERRUPT), queues 1.. are request queues.
 *
 * Offered: VIRTIO_F_VERSION_1, VIRTIO_RING_F_INDIRECT_DESC,
 * VIRTIO_RING_F_EVENT_IDX, VHOST_USER_F_PROTOCOL_FEATURES; protocol
 * features MQ and REPLY_ACK. Not offered, and refused if sent: dirty-page
 * logging (SET_LOG_BASE/FD), the back-end request channel, inflight
 * tracking, memory slots, config space (QEMU holds virtio-fs's config).
 *
 * A queue runs when it has a size, addresses, a kick fd and (with protocol
 * features) SET_VRING_ENABLE 1; GET_VRING_BASE stops it and returns where
 * it stopped. A message that is malformed or does not fit the device's
 * state is refused with a log line (and a failure status under REPLY_ACK);
 * it never takes the process down.
 *
 * Locking: the thread that reads the socket calls vhu_handle. mem_lock's
 * write side covers changes of the memory table and of a queue's rings; the
 * workers that copy requests and replies take its read side. q_lock covers
 * each queue's indices (pop, push) and its in-flight count.
 */
#ifndef STALEFS_VHU_H
#define STALEFS_VHU_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "guestmem.h"
#include "vhumsg.h"
#include "vring.h"

#define VHU_F_INDIRECT_DESC 28
#define VHU_F_EVENT_IDX 29
#define VHU_F_PROTOCOL_FEATURES 30
#define VHU_F_VERSION_1 32
#define VHU_PF_MQ 0
#define VHU_PF_REPLY_ACK 3

struct vhu_queue {
	/* Set by messages (socket thread), under mem_lock's write side. */
	unsigned int num;
	uint64_t desc, avail, used;	/* front-end virtual addresses */
	uint16_t base;			/* SET_VRING_BASE */
	int kick_fd, call_fd, err_fd;	/* -1: none */
	bool addr_set, enabled;
	bool running;			/* ring set up; workers may pop */
	bool broken;			/* a bad index: stopped until reset */
	/* Under q_lock. */
	struct vring ring;
	unsigned int inflight;		/* popped, not yet pushed */
	uint32_t gen;			/* +1 each time the ring starts: a chain popped
					 * under another gen must not be pushed */
};

struct vhu_dev {
	int sock;			/* the connection to the front end */
	unsigned int nqueues;		/* queues this device has (hiprio + requests) */
	uint64_t features;		/* acked by SET_FEATURES */
	uint64_t protocol_features;	/* acked by SET_PROTOCOL_FEATURES */
	bool owner;
	pthread_rwlock_t mem_lock;
	pthread_mutex_t q_lock;
	struct guestmem mem;		/* under mem_lock */
	struct vhu_queue q[VHUMSG_MAX_QUEUES];
};

/* A device with nqueues queues (2 .. VHUMSG_MAX_QUEUES) on connection sock
 * (not owned). 0 or -EINVAL. */
int vhu_init(struct vhu_dev *d, int sock, unsigned int nqueues);
/* Unmap memory and close the queues' fds (not sock). */
void vhu_destroy(struct vhu_dev *d);

/* Receive and act on one message, replying where the front end waits.
 * 1 handled (also a refused message: the device goes on), 0 the front end
 * closed the connection, -errno the connection failed. */
int vhu_serve_one(struct vhu_dev *d);
/* Act on a received message (it owns msg's fds). 0, or -EINVAL / -errno
 * with why set: the message was refused. Replies are sent here. */
int vhu_handle(struct vhu_dev *d, struct vhu_msg *msg, char *why, size_t whylen);

/* The supported feature sets, for GET_FEATURES and GET_PROTOCOL_FEATURES. */
uint64_t vhu_features(void);
uint64_t vhu_protocol_features(void);

#endif
