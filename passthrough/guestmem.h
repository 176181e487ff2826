/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest memory, as a vhost-user front end (QEMU) shares it: up to
 * GUESTMEM_MAX_REGIONS regions, each a file descriptor (a memfd) that we
 * map, with the guest-physical address the guest uses in descriptors and the
 * front end's own virtual address it uses for ring addresses
 * (VHOST_USER_SET_MEM_TABLE, docs/interop/vhost-user.rst).
 *
 * Trust: every address and length here comes from the guest or the front
 * end. Nothing is dereferenced before guestmem_gpa/_uva have checked that
 * [addr, addr + len) lies inside one region, without overflow; copies that
 * cross from one region into an adjacent one go region by region.
 *
 * Locking: none inside. The owner (vhu.c) swaps tables under its memory
 * lock's write side and readers translate and copy under its read side.
 */
#ifndef STALEFS_GUESTMEM_H
#define STALEFS_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

#define GUESTMEM_MAX_REGIONS 8

/* One region as the front end describes it (the message's layout). */
struct guestmem_desc {
	uint64_t gpa;		/* guest physical address */
	uint64_t size;
	uint64_t uva;		/* the front end's virtual address */
	uint64_t mmap_offset;	/* where the region starts in the fd */
};

struct guestmem_region {
	struct guestmem_desc d;
	void *map;		/* mmap of [0, mmap_offset + size) of the fd */
	size_t map_len;
	uint8_t *host;		/* map + mmap_offset: the region's first byte */
};

struct guestmem {
	struct guestmem_region r[GUESTMEM_MAX_REGIONS];
	unsigned int n;
};

/* An empty table. */
void guestmem_init(struct guestmem *m);
/*
 * Map n regions from fds (the caller keeps and closes the fds). Regions
 * must have a size, must not overflow (gpa + size, uva + size, mmap_offset
 * + size) and must not overlap in guest-physical space. 0 and *m holds the
 * new table (the old one is unmapped), or -EINVAL / -errno with a one-line
 * reason in why and *m untouched.
 */
int guestmem_map(struct guestmem *m, const struct guestmem_desc *d, const int *fds,
		 unsigned int n, char *why, size_t whylen);
/* Unmap everything; *m is empty after. */
void guestmem_clear(struct guestmem *m);

/* The host address of [gpa, gpa + len) when all of it is inside one region,
 * else NULL. len 0 is refused. */
void *guestmem_gpa(const struct guestmem *m, uint64_t gpa, uint64_t len);
/* The same for a front-end virtual address (ring addresses). */
void *guestmem_uva(const struct guestmem *m, uint64_t uva, uint64_t len);

/* Copy len bytes from / to guest-physical gpa, crossing adjacent regions.
 * 0, or -EFAULT when any byte is outside guest memory (nothing is promised
 * about what was copied before the gap). */
int guestmem_read(const struct guestmem *m, uint64_t gpa, void *dst, size_t len);
int guestmem_write(const struct guestmem *m, uint64_t gpa, const void *src, size_t len);

#endif
