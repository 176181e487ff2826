/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of recent names: for each (parent nodeid, name) the daemon
 * answered, the nodeid, generation and submount flag it gave last. A LOOKUP
 * whose answer differs tells the kernel that its dentry is no longer valid
 * (fuse_dentry_revalidate: another nodeid, generation or file type), which
 * overlayfs turns into ESTALE for a lower layer; the daemon logs it as an
 * identity change. Memory is bounded: a direct-mapped table of 32-byte
 * slots, where a newer name takes an older one's slot (so a change is
 * missed only for a name not looked up since N other names were).
 */
#ifndef STALEFS_NAMES_H
#define STALEFS_NAMES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct name_slot {
	uint64_t parent;	/* 0: empty */
	uint64_t hash;		/* of the name */
	uint64_t nodeid;
	uint32_t generation;	/* low 32 bits */
	uint32_t submount;	/* 0 / 1 */
};

#define NAMES_LOCKS 64

struct names {
	struct name_slot *slot;		/* slot i under lock[i % NAMES_LOCKS] */
	size_t nslots;			/* immutable; a power of two, 0: off */
	pthread_mutex_t lock[NAMES_LOCKS];
};

/* The answer before this one, when it differs. */
struct name_change {
	uint64_t old_nodeid;
	uint64_t old_generation;
	bool old_submount;
};

/* slots is rounded up to a power of two; 0 turns tracking off. 0 / -errno. */
int names_init(struct names *t, unsigned int slots);
void names_destroy(struct names *t);

/* The bytes one tracked name costs. */
size_t names_slot_bytes(void);

/*
 * Record the answer for (parent, name). true if the table held a different
 * answer for the same name (old values in *c); false for a first answer, an
 * equal one, or tracking off.
 */
bool names_note(struct names *t, uint64_t parent, const char *name, uint64_t nodeid,
		uint64_t generation, bool submount, struct name_change *c);


/* The nodeid last answered for (parent, name), or 0 (none, or tracking off). */
uint64_t names_peek(struct names *t, uint64_t parent, const char *name);

#endif
