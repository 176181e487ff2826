// SPDX-License-Identifier: GPL-2.0-or-later
/* A split virtqueue, device side; see vring.h. */
#include "vring.h"
#include "errmsg.h"

#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define DESC_F_INDIRECT 4
#define AVAIL_F_NO_INTERRUPT 1

/* Offsets in the avail and used rings (virtio 1.x, 2.7 split virtqueues). */
#define AVAIL_FLAGS 0
#define AVAIL_IDX 2
#define AVAIL_RING(i) (4 + (size_t)(i) * 2)
#define USED_IDX 2
#define USED_RING(i) (4 + (size_t)(i) * 8)

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/*
 * Ring fields are aligned (vring_setup checks), so single atomic loads and
 * stores read and write each exactly once; the guest may change them at any
 * time and we must act on one value.
 */
static uint16_t load16(volatile uint8_t *p, int order)
{
	return le16toh(__atomic_load_n((volatile uint16_t *)p, order));
}

static void store16(volatile uint8_t *p, uint16_t v, int order)
{
	__atomic_store_n((volatile uint16_t *)p, htole16(v), order);
}

static void store32(volatile uint8_t *p, uint32_t v)
{
	__atomic_store_n((volatile uint32_t *)p, htole32(v), __ATOMIC_RELAXED);
}

/* A descriptor copied out once, byte by byte: an indirect table may sit at
 * any address, so wider loads could be misaligned. */
static void load_desc(const volatile uint8_t *p, struct desc *d)
{
	uint8_t b[16];

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = p[i];
	memcpy(&d->addr, b, 8);
	memcpy(&d->len, b + 8, 4);
	memcpy(&d->flags, b + 12, 2);
	memcpy(&d->next, b + 14, 2);
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

static int check_part(volatile uint8_t **host, const struct guestmem *m, const char *name,
		      uint64_t uva, uint64_t size, unsigned int align, char *why, size_t whylen)
{
	void *p;

	if (uva % align)
		return errmsg(why, whylen, -EINVAL, "%s ring at 0x%llx is not %u-aligned", name,
			   (unsigned long long)uva, align);
	p = guestmem_uva(m, uva, size);
	if (!p)
		return errmsg(why, whylen, -EINVAL,
			   "%s ring [0x%llx, +0x%llx) is not inside one memory region", name,
			   (unsigned long long)uva, (unsigned long long)size);
	/* An odd mmap_offset would misalign our view of an aligned address. */
	if ((uintptr_t)p % align)
		return errmsg(why, whylen, -EINVAL, "%s ring is not %u-aligned in our mapping",
			   name, align);
	*host = p;
	return 0;
}

int vring_setup(struct vring *r, const struct guestmem *m, unsigned int num, uint64_t desc,
		uint64_t avail, uint64_t used, uint16_t base, bool event_idx, char *why,
		size_t whylen)
{
	struct vring n = { 0 };
	int ret;

	if (num == 0 || num > VRING_MAX_NUM || (num & (num - 1)))
		return errmsg(why, whylen, -EINVAL, "queue size %u is not a power of 2 in [1, %u]",
			   num, VRING_MAX_NUM);
	ret = check_part(&n.desc, m, "descriptor", desc, VRING_DESC_SIZE(num), 16, why, whylen);
	if (!ret)
		ret = check_part(&n.avail, m, "available", avail, VRING_AVAIL_SIZE(num), 2, why,
				 whylen);
	if (!ret)
		ret = check_part(&n.used, m, "used", used, VRING_USED_SIZE(num), 4, why, whylen);
	if (ret)
		return ret;
	n.num = num;
	n.event_idx = event_idx;
	n.last_avail = base;
	n.used_idx = load16(n.used + USED_IDX, __ATOMIC_RELAXED);
	*r = n;
	return 0;
}

int vring_pop(struct vring *r, uint16_t *head, char *why, size_t whylen)
{
	uint16_t idx, pending, h;

	/* Acquire: the ring entries the driver wrote before idx are visible. */
	idx = load16(r->avail + AVAIL_IDX, __ATOMIC_ACQUIRE);
	pending = idx - r->last_avail;
	if (pending > r->num)
		return errmsg(why, whylen, -EIO, "available index %u is %u ahead of ours (%u), "
			   "more than the queue size %u", idx, pending, r->last_avail, r->num);
	if (pending == 0)
		return 0;
	h = load16(r->avail + AVAIL_RING(r->last_avail & (r->num - 1)), __ATOMIC_RELAXED);
	if (h >= r->num)
		return errmsg(why, whylen, -EIO, "available entry %u holds head %u, queue size %u",
			   r->last_avail, h, r->num);
	r->last_avail++;
	if (r->event_idx)
		store16(r->used + USED_RING(r->num), r->last_avail, __ATOMIC_RELAXED);
	*head = h;
	return 1;
}

/* Whether every byte of [gpa, gpa + len) is guest memory; a buffer may span
 * adjacent regions, which guestmem_read/_write copy across. */
static bool covered(const struct guestmem *m, uint64_t gpa, uint64_t len)
{
	while (len) {
		const struct guestmem_region *reg = NULL;
		uint64_t chunk;

		for (unsigned int i = 0; i < m->n && !reg; i++)
			if (gpa >= m->r[i].d.gpa && gpa - m->r[i].d.gpa < m->r[i].d.size)
				reg = &m->r[i];
		if (!reg)
			return false;
		chunk = reg->d.size - (gpa - reg->d.gpa);
		if (chunk >= len)
			return true;
		gpa += chunk;
		len -= chunk;
	}
	return true;
}

int vring_walk(const struct vring *r, const struct guestmem *m, uint16_t head,
	       struct vring_chain *c, char *why, size_t whylen)
{
	const volatile uint8_t *table = r->desc;
	unsigned int tsize = r->num, ndirect = 0, nindirect = 0;
	bool indirect = false;
	uint16_t i = head;
	struct desc d;

	c->head = head;
	c->nin = c->nout = 0;
	c->in_len = c->out_len = 0;
	if (head >= r->num)
		return errmsg(why, whylen, -EINVAL, "head %u, queue size %u", head, r->num);
	for (;;) {
		/* A chain visits each descriptor of its table once at most:
		 * more is a loop. */
		if (indirect ? ++nindirect > tsize : ++ndirect > r->num)
			return errmsg(why, whylen, -EINVAL, "chain %u loops (more than %u %s "
				   "descriptors)", head, tsize, indirect ? "indirect" : "direct");
		load_desc(table + (size_t)i * 16, &d);
		if (d.flags & DESC_F_INDIRECT) {
			void *t;

			if (indirect)
				return errmsg(why, whylen, -EINVAL, "chain %u: nested indirect table",
					   head);
			if (d.flags & DESC_F_NEXT)
				return errmsg(why, whylen, -EINVAL,
					   "chain %u: indirect descriptor %u has NEXT", head, i);
			if (d.len == 0 || d.len % 16 || d.len / 16 > VRING_CHAIN_MAX)
				return errmsg(why, whylen, -EINVAL, "chain %u: indirect table of %u "
					   "bytes (a multiple of 16, at most %u entries)", head,
					   d.len, VRING_CHAIN_MAX);
			t = guestmem_gpa(m, d.addr, d.len);
			if (!t)
				return errmsg(why, whylen, -EINVAL, "chain %u: indirect table at 0x%llx "
					   "+%u outside guest memory", head,
					   (unsigned long long)d.addr, d.len);
			table = t;
			tsize = d.len / 16;
			indirect = true;
			i = 0;
			continue;
		}
		if (d.len) {
			struct vring_seg *s;

			if (!covered(m, d.addr, d.len))
				return errmsg(why, whylen, -EINVAL, "chain %u: descriptor %u at 0x%llx "
					   "+%u outside guest memory", head, i,
					   (unsigned long long)d.addr, d.len);
			if (c->nin + c->nout >= VRING_CHAIN_MAX)
				return errmsg(why, whylen, -EINVAL, "chain %u: more than %u segments",
					   head, VRING_CHAIN_MAX);
			s = &c->seg[c->nin + c->nout];
			s->gpa = d.addr;
			s->len = d.len;
			if (d.flags & DESC_F_WRITE) {
				c->nout++;
				c->out_len += d.len;
			} else if (c->nout) {
				return errmsg(why, whylen, -EINVAL, "chain %u: readable descriptor %u "
					   "after a writable one", head, i);
			} else {
				c->nin++;
				c->in_len += d.len;
			}
		}
		if (!(d.flags & DESC_F_NEXT))
			return 0;
		if (d.next >= tsize)
			return errmsg(why, whylen, -EINVAL, "chain %u: next %u, table size %u", head,
				   d.next, tsize);
		i = d.next;
	}
}

ssize_t vring_chain_read(const struct vring_chain *c, const struct guestmem *m, void *buf,
			 size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;

	for (unsigned int k = 0; k < c->nin && done < len; k++) {
		size_t n = c->seg[k].len;

		if (n > len - done)
			n = len - done;
		if (guestmem_read(m, c->seg[k].gpa, p + done, n))
			return -EFAULT;
		done += n;
	}
	return done;
}

ssize_t vring_segs_write(const struct vring_seg *seg, unsigned int n,
			 const struct guestmem *m, const struct iovec *iov, int iovcnt)
{
	uint64_t total = 0, room = 0;
	unsigned int k = 0;
	uint32_t segoff = 0;

	for (unsigned int i = 0; i < n; i++)
		room += seg[i].len;
	for (int v = 0; v < iovcnt; v++) {
		if (iov[v].iov_len > room || total + iov[v].iov_len > room)
			return -ENOSPC;
		total += iov[v].iov_len;
	}
	for (int v = 0; v < iovcnt; v++) {
		const uint8_t *p = iov[v].iov_base;
		size_t left = iov[v].iov_len;

		while (left) {
			const struct vring_seg *s = &seg[k];
			size_t len = s->len - segoff;

			if (len > left)
				len = left;
			if (guestmem_write(m, s->gpa + segoff, p, len))
				return -EFAULT;
			p += len;
			left -= len;
			segoff += len;
			if (segoff == s->len) {
				k++;
				segoff = 0;
			}
		}
	}
	return total;
}

ssize_t vring_chain_write(const struct vring_chain *c, const struct guestmem *m,
			  const struct iovec *iov, int iovcnt)
{
	return vring_segs_write(c->seg + c->nin, c->nout, m, iov, iovcnt);
}

void vring_push(struct vring *r, uint16_t head, uint32_t len)
{
	volatile uint8_t *e = r->used + USED_RING(r->used_idx & (r->num - 1));

	store32(e, head);
	store32(e + 4, len);
	/* The element is visible before the index that hands it over. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->used_idx++;
	store16(r->used + USED_IDX, r->used_idx, __ATOMIC_RELAXED);
}

bool vring_should_notify(struct vring *r)
{
	uint16_t old, new, event;
	bool valid;

	/* Our used->idx store must be ordered before reading the driver's
	 * suppression state, or we could miss a wanted interrupt. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!r->event_idx)
		return !(load16(r->avail + AVAIL_FLAGS, __ATOMIC_RELAXED) & AVAIL_F_NO_INTERRUPT);
	old = r->signalled_used;
	new = r->used_idx;
	valid = r->signalled_valid;
	r->signalled_used = new;
	r->signalled_valid = true;
	if (!valid)
		return true;
	event = load16(r->avail + AVAIL_RING(r->num), __ATOMIC_RELAXED);
	/* vring_need_event(): event lies in [old, new). */
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

bool vring_has_avail(const struct vring *r)
{
	return load16(r->avail + AVAIL_IDX, __ATOMIC_ACQUIRE) != r->last_avail;
}

bool vring_driver_waits(const struct vring *r)
{
	uint16_t event;

	if (!r->event_idx)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	event = load16(r->avail + AVAIL_RING(r->num), __ATOMIC_RELAXED);
	/* event lies in [used_idx - num, used_idx): used, and not caught up. */
	return (uint16_t)(r->used_idx - 1 - event) < r->num;
}

void vring_view(const struct vring *r, struct vring_view *v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	v->avail_idx = load16(r->avail + AVAIL_IDX, __ATOMIC_RELAXED);
	v->avail_flags = load16(r->avail + AVAIL_FLAGS, __ATOMIC_RELAXED);
	v->used_event = r->event_idx ? load16(r->avail + AVAIL_RING(r->num), __ATOMIC_RELAXED) : 0;
	v->last_avail = r->last_avail;
	v->used_idx = r->used_idx;
}
