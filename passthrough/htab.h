/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small intrusive chained hash table. Nodes live inside the objects they
 * index (one struct hnode per index), so an object can sit in several tables
 * at no extra allocation. The caller supplies the hash and compares keys
 * while walking one bucket; no table operation takes a lock.
 */
#ifndef STALEFS_HTAB_H
#define STALEFS_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct hnode {
	struct hnode *next;
	uint64_t hash;
};

struct htab {
	struct hnode **buckets;
	size_t nbuckets;	/* power of two, or 0 before the first insert */
	size_t count;
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Insert; grows the table at load factor 1. 0 or -ENOMEM. */
int htab_insert(struct htab *h, struct hnode *n, uint64_t hash);
/* Remove a node known to be in the table. */
void htab_remove(struct htab *h, struct hnode *n);
/* First node of the bucket for hash (walk with ->next, compare ->hash first). */
struct hnode *htab_bucket(const struct htab *h, uint64_t hash);
void htab_free(struct htab *h);

/* 64-bit mixing for integer keys, and FNV-1a for byte strings. */
uint64_t hash_u64(uint64_t x);
uint64_t hash_bytes(uint64_t seed, const void *p, size_t len);

#endif
