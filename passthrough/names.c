// SPDX-License-Identifier: GPL-2.0-or-later
/* The table of recent names; see names.h. */
#include "names.h"

#include <errno.h>
#include <stdlib.h>

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h ? h : 1;
}

int names_init(struct names *t, unsigned int slots)
{
	size_t n = 1;

	*t = (struct names){ 0 };
	if (!slots)
		return 0;
	while (n < slots)
		n <<= 1;
	t->slot = calloc(n, sizeof(*t->slot));
	if (!t->slot)
		return -ENOMEM;
	t->nslots = n;
	for (int i = 0; i < NAMES_LOCKS; i++)
		pthread_mutex_init(&t->lock[i], NULL);
	return 0;
}

void names_destroy(struct names *t)
{
	if (!t->nslots)
		return;
	for (int i = 0; i < NAMES_LOCKS; i++)
		pthread_mutex_destroy(&t->lock[i]);
	free(t->slot);
	t->slot = NULL;
	t->nslots = 0;
}

size_t names_slot_bytes(void)
{
	return sizeof(struct name_slot);
}

static size_t slot_of(const struct names *t, uint64_t parent, uint64_t h)
{
	return (size_t)((h ^ (parent * 0x9e3779b97f4a7c15ULL)) >> 7) & (t->nslots - 1);
}

uint64_t names_peek(struct names *t, uint64_t parent, const char *name)
{
	uint64_t h, nodeid = 0;
	size_t i;

	if (!t->nslots)
		return 0;
	h = name_hash(name);
	i = slot_of(t, parent, h);
	pthread_mutex_lock(&t->lock[i % NAMES_LOCKS]);
	if (t->slot[i].parent == parent && t->slot[i].hash == h)
		nodeid = t->slot[i].nodeid;
	pthread_mutex_unlock(&t->lock[i % NAMES_LOCKS]);
	return nodeid;
}

bool names_note(struct names *t, uint64_t parent, const char *name, uint64_t nodeid,
		uint64_t generation, bool submount, struct name_change *c)
{
	uint64_t h;
	size_t i;
	struct name_slot *s;
	bool changed = false;

	if (!t->nslots)
		return false;
	h = name_hash(name);
	i = slot_of(t, parent, h);
	s = &t->slot[i];
	pthread_mutex_lock(&t->lock[i % NAMES_LOCKS]);
	if (s->parent == parent && s->hash == h &&
	    (s->nodeid != nodeid || s->generation != (uint32_t)generation ||
	     s->submount != (uint32_t)submount)) {
		c->old_nodeid = s->nodeid;
		c->old_generation = s->generation;
		c->old_submount = s->submount;
		changed = true;
	}
	*s = (struct name_slot){ .parent = parent, .hash = h, .nodeid = nodeid,
				 .generation = (uint32_t)generation, .submount = submount };
	pthread_mutex_unlock(&t->lock[i % NAMES_LOCKS]);
	return changed;
}
