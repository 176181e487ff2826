// SPDX-License-Identifier: GPL-2.0-or-later
/* Guest memory regions: mapping, address translation, copies; see guestmem.h. */
#include "guestmem.h"
#include "errmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

void guestmem_init(struct guestmem *m)
{
	memset(m, 0, sizeof(*m));
}

/* Every sum the table will ever compute is checked here once, so the
 * lookups below can add without overflow. */
static int check_desc(const struct guestmem_desc *d, unsigned int i, char *why, size_t whylen)
{
	uint64_t end;

	if (d->size == 0)
		return errmsg(why, whylen, -EINVAL, "region %u has size 0", i);
	if (__builtin_add_overflow(d->gpa, d->size, &end))
		return errmsg(why, whylen, -EINVAL, "region %u: gpa 0x%llx + size 0x%llx overflows", i,
			   (unsigned long long)d->gpa, (unsigned long long)d->size);
	if (__builtin_add_overflow(d->uva, d->size, &end))
		return errmsg(why, whylen, -EINVAL, "region %u: uva 0x%llx + size 0x%llx overflows", i,
			   (unsigned long long)d->uva, (unsigned long long)d->size);
	if (__builtin_add_overflow(d->mmap_offset, d->size, &end) || end > SIZE_MAX)
		return errmsg(why, whylen, -EINVAL, "region %u: mmap_offset 0x%llx + size 0x%llx overflows", i,
			   (unsigned long long)d->mmap_offset, (unsigned long long)d->size);
	return 0;
}

static bool overlap(const struct guestmem_desc *a, const struct guestmem_desc *b)
{
	return a->gpa < b->gpa + b->size && b->gpa < a->gpa + a->size;
}

static void unmap_regions(struct guestmem_region *r, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		munmap(r[i].map, r[i].map_len);
}

int guestmem_map(struct guestmem *m, const struct guestmem_desc *d, const int *fds,
		 unsigned int n, char *why, size_t whylen)
{
	struct guestmem next;
	unsigned int i;
	int ret;

	if (n > GUESTMEM_MAX_REGIONS)
		return errmsg(why, whylen, -EINVAL, "%u regions, at most %u", n, GUESTMEM_MAX_REGIONS);
	for (i = 0; i < n; i++) {
		ret = check_desc(&d[i], i, why, whylen);
		if (ret)
			return ret;
		for (unsigned int j = 0; j < i; j++)
			if (overlap(&d[i], &d[j]))
				return errmsg(why, whylen, -EINVAL, "regions %u and %u overlap in guest memory",
					   j, i);
	}
	guestmem_init(&next);
	for (i = 0; i < n; i++) {
		struct guestmem_region *r = &next.r[i];

		r->d = d[i];
		r->map_len = d[i].mmap_offset + d[i].size;
		r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			      fds[i], 0);
		if (r->map == MAP_FAILED) {
			ret = -errno;
			snprintf(why, whylen, "mmap of region %u (%zu bytes): %s", i, r->map_len,
				 strerror(-ret));
			goto out_unmap;
		}
		r->host = (uint8_t *)r->map + d[i].mmap_offset;
		next.n = i + 1;
	}
	guestmem_clear(m);
	*m = next;
	return 0;

out_unmap:
	unmap_regions(next.r, i);
	return ret;
}

void guestmem_clear(struct guestmem *m)
{
	unmap_regions(m->r, m->n);
	guestmem_init(m);
}

/* The region holding byte addr (by gpa or uva), and addr's offset in it. */
static const struct guestmem_region *find(const struct guestmem *m, uint64_t addr, bool uva,
					  uint64_t *off)
{
	for (unsigned int i = 0; i < m->n; i++) {
		const struct guestmem_region *r = &m->r[i];
		uint64_t start = uva ? r->d.uva : r->d.gpa;

		if (addr >= start && addr - start < r->d.size) {
			*off = addr - start;
			return r;
		}
	}
	return NULL;
}

static void *translate(const struct guestmem *m, uint64_t addr, uint64_t len, bool uva)
{
	const struct guestmem_region *r;
	uint64_t off;

	if (len == 0)
		return NULL;
	r = find(m, addr, uva, &off);
	if (!r || len > r->d.size - off)
		return NULL;
	return r->host + off;
}

void *guestmem_gpa(const struct guestmem *m, uint64_t gpa, uint64_t len)
{
	return translate(m, gpa, len, false);
}

void *guestmem_uva(const struct guestmem *m, uint64_t uva, uint64_t len)
{
	return translate(m, uva, len, true);
}

/* One copy in either direction, region by region: a buffer the guest
 * describes as one range may be backed by two adjacent regions. */
static int copy(const struct guestmem *m, uint64_t gpa, uint8_t *buf, size_t len, bool to_guest)
{
	while (len) {
		const struct guestmem_region *r;
		uint64_t off, chunk;

		r = find(m, gpa, false, &off);
		if (!r)
			return -EFAULT;
		chunk = r->d.size - off;
		if (chunk > len)
			chunk = len;
		if (to_guest)
			memcpy(r->host + off, buf, chunk);
		else
			memcpy(buf, r->host + off, chunk);
		/* No wrap: a region never ends past 2^64 (check_desc). */
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int guestmem_read(const struct guestmem *m, uint64_t gpa, void *dst, size_t len)
{
	return copy(m, gpa, dst, len, false);
}

int guestmem_write(const struct guestmem *m, uint64_t gpa, const void *src, size_t len)
{
	return copy(m, gpa, (uint8_t *)src, len, true);
}
