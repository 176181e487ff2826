// SPDX-License-Identifier: GPL-2.0-or-later
/* Intrusive chained hash table: see htab.h. */
#include "htab.h"

#include <errno.h>
#include <stdlib.h>

uint64_t hash_u64(uint64_t x)
{
	/* splitmix64 finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t hash_bytes(uint64_t seed, const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return hash_u64(h);
}

static int htab_grow(struct htab *h)
{
	size_t n = h->nbuckets ? h->nbuckets * 2 : 64;
	struct hnode **nb = calloc(n, sizeof(*nb));

	if (!nb)
		return -ENOMEM;
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct hnode *e = h->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	}
	free(h->buckets);
	h->buckets = nb;
	h->nbuckets = n;
	return 0;
}

int htab_insert(struct htab *h, struct hnode *n, uint64_t hash)
{
	if (h->count >= h->nbuckets) {
		int ret = htab_grow(h);

		if (ret < 0 && h->nbuckets == 0)
			return ret;
		/* A failed grow with buckets present only lengthens chains. */
	}
	n->hash = hash;
	n->next = h->buckets[hash & (h->nbuckets - 1)];
	h->buckets[hash & (h->nbuckets - 1)] = n;
	h->count++;
	return 0;
}

void htab_remove(struct htab *h, struct hnode *n)
{
	struct hnode **pp = &h->buckets[n->hash & (h->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			h->count--;
			return;
		}
	}
}

struct hnode *htab_bucket(const struct htab *h, uint64_t hash)
{
	if (h->nbuckets == 0)
		return NULL;
	return h->buckets[hash & (h->nbuckets - 1)];
}

void htab_free(struct htab *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->nbuckets = 0;
	h->count = 0;
}
