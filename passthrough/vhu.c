// SPDX-License-Identifier: GPL-2.0-or-later
/* The vhost-user back end of the virtio-fs device; see vhu.h. */
#include "vhu.h"
#include "errmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

uint64_t vhu_features(void)
{
	return 1ULL << VHU_F_VERSION_1 | 1ULL << VHU_F_INDIRECT_DESC | 1ULL << VHU_F_EVENT_IDX |
	       1ULL << VHU_F_PROTOCOL_FEATURES;
}

uint64_t vhu_protocol_features(void)
{
	return 1ULL << VHU_PF_MQ | 1ULL << VHU_PF_REPLY_ACK;
}

static void queue_reset(struct vhu_queue *q)
{
	uint32_t gen = q->gen;

	if (q->kick_fd >= 0)
		close(q->kick_fd);
	if (q->call_fd >= 0)
		close(q->call_fd);
	if (q->err_fd >= 0)
		close(q->err_fd);
	memset(q, 0, sizeof(*q));
	q->kick_fd = q->call_fd = q->err_fd = -1;
	q->gen = gen;	/* chains of the old ring stay recognisable as such */
}

int vhu_init(struct vhu_dev *d, int sock, unsigned int nqueues)
{
	if (nqueues < 2 || nqueues > VHUMSG_MAX_QUEUES)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->sock = sock;
	d->nqueues = nqueues;
	guestmem_init(&d->mem);
	pthread_rwlock_init(&d->mem_lock, NULL);
	pthread_mutex_init(&d->q_lock, NULL);
	for (unsigned int i = 0; i < VHUMSG_MAX_QUEUES; i++) {
		d->q[i].kick_fd = d->q[i].call_fd = d->q[i].err_fd = -1;
	}
	return 0;
}

void vhu_destroy(struct vhu_dev *d)
{
	for (unsigned int i = 0; i < VHUMSG_MAX_QUEUES; i++)
		queue_reset(&d->q[i]);
	guestmem_clear(&d->mem);
	pthread_rwlock_destroy(&d->mem_lock);
	pthread_mutex_destroy(&d->q_lock);
}

static bool protocol_features_on(const struct vhu_dev *d)
{
	return d->features & (1ULL << VHU_F_PROTOCOL_FEATURES);
}

/* Start q when it has everything; called under mem_lock's write side. */
static void queue_try_start(struct vhu_dev *d, unsigned int i)
{
	struct vhu_queue *q = &d->q[i];
	char why[256];
	int ret;

	if (q->running || q->broken || !q->num || !q->addr_set || q->kick_fd < 0 || !q->enabled)
		return;
	pthread_mutex_lock(&d->q_lock);
	ret = vring_setup(&q->ring, &d->mem, q->num, q->desc, q->avail, q->used, q->base,
			  d->features & (1ULL << VHU_F_EVENT_IDX), why, sizeof(why));
	if (ret == 0) {
		q->running = true;
		q->gen++;
	}
	pthread_mutex_unlock(&d->q_lock);
	if (ret)
		log_err("vhost-user: queue %u cannot start: %s", i, why);
	else
		log_debug("vhost-user: queue %u running (%u entries)", i, q->num);
}

/* Stop q; the index where it stopped. Under mem_lock's write side, so no
 * worker is between pop and push of a copy; in-flight requests keep their
 * chain and are pushed by nobody once the ring is gone. */
static uint16_t queue_stop(struct vhu_dev *d, unsigned int i)
{
	struct vhu_queue *q = &d->q[i];
	uint16_t at;

	pthread_mutex_lock(&d->q_lock);
	at = q->running ? q->ring.last_avail : q->base;
	q->running = false;
	q->inflight = 0;
	pthread_mutex_unlock(&d->q_lock);
	if (q->kick_fd >= 0)
		close(q->kick_fd);
	q->kick_fd = -1;
	q->base = at;
	return at;
}

/* Take fd 0 of msg into *slot (closing what was there). */
static void take_fd(struct vhu_msg *msg, int *slot)
{
	if (*slot >= 0)
		close(*slot);
	*slot = -1;
	if (msg->nfds) {
		*slot = msg->fds[0];
		msg->fds[0] = -1;
	}
}

static int queue_index(const struct vhu_dev *d, uint32_t index, char *why, size_t whylen)
{
	if (index >= d->nqueues)
		return errmsg(why, whylen, -EINVAL, "queue %u (the device has %u)", index,
			      d->nqueues);
	return 0;
}

static int set_mem_table(struct vhu_dev *d, struct vhu_msg *msg, char *why, size_t whylen)
{
	struct guestmem next;
	int ret;

	guestmem_init(&next);
	ret = guestmem_map(&next, msg->u.mem.region, msg->fds, msg->u.mem.nregions, why, whylen);
	if (ret)
		return ret;
	/* Rings point into the old table: they are set up again in the new one. */
	for (unsigned int i = 0; i < d->nqueues; i++)
		if (d->q[i].running) {
			d->q[i].base = queue_stop(d, i);
		}
	guestmem_clear(&d->mem);
	d->mem = next;
	log_debug("vhost-user: memory table of %u regions", d->mem.n);
	return 0;
}

/* The messages that change the device; under mem_lock's write side. */
static int handle_locked(struct vhu_dev *d, struct vhu_msg *msg, char *why, size_t whylen)
{
	struct vhu_queue *q;
	uint32_t index;
	int ret;

	switch (msg->request) {
	case VHU_SET_FEATURES:
		if (msg->u.u64 & ~vhu_features())
			return errmsg(why, whylen, -EINVAL, "features 0x%llx not offered",
				      (unsigned long long)(msg->u.u64 & ~vhu_features()));
		if (!(msg->u.u64 & (1ULL << VHU_F_VERSION_1)))
			return errmsg(why, whylen, -EINVAL, "no VIRTIO_F_VERSION_1 (legacy rings)");
		d->features = msg->u.u64;
		return 0;
	case VHU_SET_PROTOCOL_FEATURES:
		if (msg->u.u64 & ~vhu_protocol_features())
			return errmsg(why, whylen, -EINVAL, "protocol features 0x%llx not offered",
				      (unsigned long long)(msg->u.u64 & ~vhu_protocol_features()));
		d->protocol_features = msg->u.u64;
		return 0;
	case VHU_SET_OWNER:
		d->owner = true;
		return 0;
	case VHU_RESET_OWNER:
		for (unsigned int i = 0; i < VHUMSG_MAX_QUEUES; i++) {
			queue_stop(d, i);
			queue_reset(&d->q[i]);
		}
		d->features = 0;
		return 0;
	case VHU_SET_MEM_TABLE:
		return set_mem_table(d, msg, why, whylen);
	case VHU_SET_VRING_NUM:
	case VHU_SET_VRING_BASE:
	case VHU_SET_VRING_ENABLE:
		index = msg->u.state.index;
		break;
	case VHU_SET_VRING_ADDR:
		index = msg->u.addr.index;
		break;
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
		index = (uint32_t)(msg->u.u64 & VHUMSG_VRING_IDX_MASK);
		break;
	default: {
		char nbuf[32];

		return errmsg(why, whylen, -ENOTSUP, "%s is not supported",
			      vhumsg_name(msg->request, nbuf, sizeof(nbuf)));
	}
	}
	ret = queue_index(d, index, why, whylen);
	if (ret)
		return ret;
	q = &d->q[index];
	switch (msg->request) {
	case VHU_SET_VRING_NUM:
		if (q->running)
			return errmsg(why, whylen, -EBUSY, "queue %u: size changed while running", index);
		if (!msg->u.state.num || msg->u.state.num > VRING_MAX_NUM ||
		    (msg->u.state.num & (msg->u.state.num - 1)))
			return errmsg(why, whylen, -EINVAL, "queue %u: size %u (a power of 2 up to %u)",
				      index, msg->u.state.num, VRING_MAX_NUM);
		q->num = msg->u.state.num;
		return 0;
	case VHU_SET_VRING_BASE:
		if (q->running)
			return errmsg(why, whylen, -EBUSY, "queue %u: base set while running", index);
		if (msg->u.state.num > UINT16_MAX)
			return errmsg(why, whylen, -EINVAL, "queue %u: base %u", index,
				      msg->u.state.num);
		q->base = (uint16_t)msg->u.state.num;
		return 0;
	case VHU_SET_VRING_ADDR:
		if (q->running)
			return errmsg(why, whylen, -EBUSY, "queue %u: addresses changed while running",
				      index);
		q->desc = msg->u.addr.desc;
		q->avail = msg->u.addr.avail;
		q->used = msg->u.addr.used;
		q->addr_set = true;
		break;
	case VHU_SET_VRING_KICK:
		if (!msg->nfds)
			return errmsg(why, whylen, -ENOTSUP, "queue %u: polling without a kick fd",
				      index);
		take_fd(msg, &q->kick_fd);
		/* Without protocol features a ring runs as soon as it is kicked. */
		if (!protocol_features_on(d))
			q->enabled = true;
		break;
	case VHU_SET_VRING_CALL:
		take_fd(msg, &q->call_fd);
		return 0;
	case VHU_SET_VRING_ERR:
		take_fd(msg, &q->err_fd);
		return 0;
	case VHU_SET_VRING_ENABLE:
		if (msg->u.state.num > 1)
			return errmsg(why, whylen, -EINVAL, "queue %u: enable %u", index,
				      msg->u.state.num);
		q->enabled = msg->u.state.num == 1;
		if (!q->enabled && q->running) {
			pthread_mutex_lock(&d->q_lock);
			q->running = false;	/* paused: the indices stay */
			q->base = q->ring.last_avail;
			pthread_mutex_unlock(&d->q_lock);
		}
		break;
	}
	queue_try_start(d, index);
	return 0;
}

int vhu_handle(struct vhu_dev *d, struct vhu_msg *msg, char *why, size_t whylen)
{
	bool ack = d->protocol_features & (1ULL << VHU_PF_REPLY_ACK);
	int ret = 0, sret = 0;

	why[0] = '\0';
	switch (msg->request) {
	case VHU_GET_FEATURES:
		sret = vhumsg_reply_u64(d->sock, msg, vhu_features());
		break;
	case VHU_GET_PROTOCOL_FEATURES:
		sret = vhumsg_reply_u64(d->sock, msg, vhu_protocol_features());
		break;
	case VHU_GET_QUEUE_NUM:
		sret = vhumsg_reply_u64(d->sock, msg, d->nqueues);
		break;
	case VHU_GET_VRING_BASE: {
		uint32_t index = msg->u.state.index;
		uint16_t at = 0;

		ret = queue_index(d, index, why, whylen);
		if (!ret) {
			pthread_rwlock_wrlock(&d->mem_lock);
			at = queue_stop(d, index);
			d->q[index].enabled = !protocol_features_on(d) ? false : d->q[index].enabled;
			pthread_rwlock_unlock(&d->mem_lock);
		}
		sret = vhumsg_reply_state(d->sock, msg, index, at);
		break;
	}
	default:
		pthread_rwlock_wrlock(&d->mem_lock);
		ret = handle_locked(d, msg, why, whylen);
		pthread_rwlock_unlock(&d->mem_lock);
		if (vhumsg_wants_reply(msg, ack))
			sret = vhumsg_reply_u64(d->sock, msg, ret ? 1 : 0);
	}
	vhumsg_close_fds(msg);
	return sret ? sret : ret;
}

int vhu_serve_one(struct vhu_dev *d)
{
	struct vhu_msg msg;
	char why[256], nbuf[32];
	int ret;

	ret = vhumsg_recv(d->sock, &msg, why, sizeof(why));
	if (ret == -EINVAL) {
		/* The stream may be out of step after a bad header: the front end
		 * is broken, as virtiofsd treats it. */
		log_err("vhost-user: bad message: %s", why);
		return -EPROTO;
	}
	if (ret <= 0)
		return ret;
	log_debug("vhost-user: %s", vhumsg_name(msg.request, nbuf, sizeof(nbuf)));
	ret = vhu_handle(d, &msg, why, sizeof(why));
	if (ret == -EPIPE || ret == -ECONNRESET)
		return ret;
	if (ret)
		log_err("vhost-user: %s refused: %s", vhumsg_name(msg.request, nbuf, sizeof(nbuf)),
			why[0] ? why : strerror(-ret));
	return 1;
}
