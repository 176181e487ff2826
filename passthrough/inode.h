/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inode store, modelled on virtiofsd 1.13's inode_store.rs.
 *
 * An entry is found by FUSE nodeid, by (ino, dev, mnt_id) and, for entries
 * that hold a file handle, by (mnt_id, handle). A lookup claims an existing
 * entry by handle first and by ids only when the entry holds an O_PATH fd
 * (an fd pins its inode, so its ino cannot have been reused; a handle-only
 * entry may outlive its inode). Nodeids count up from 2 and are never reused,
 * not even after FUSE_INIT clears the store. The generation is always 0.
 *
 * Two counters are kept apart: nlookup, the kernel's references (+1 per
 * LOOKUP-like reply, -n per FORGET; at 0 the entry leaves the maps and is
 * never revived), and users, the references of code in flight (the maps hold
 * one). The fd is closed when users drops to 0.
 */
#ifndef STALEFS_INODE_H
#define STALEFS_INODE_H

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "htab.h"

#define ROOT_NODEID 1
#define STORE_EVICTED 1024

struct fdlimit;

struct inode_ids {
	uint64_t ino;
	uint64_t dev;
	uint64_t mnt_id;
};

struct inode {
	struct hnode n_nodeid;		/* store->lock; in by_nodeid while linked */
	struct hnode n_ids;		/* store->lock; in by_ids while linked */
	struct hnode n_handle;		/* store->lock; in by_handle while linked, if has_handle */
	uint64_t nodeid;		/* immutable once linked */
	uint64_t generation;		/* store->lock; 0 as in virtiofsd 1.13 unless injected */
	struct inode_ids ids;		/* immutable */
	uint64_t nlookup;		/* store->lock; the kernel's count: untrusted */
	uint32_t users;			/* store->lock; code in flight, +1 while linked */
	uint32_t type;			/* immutable; S_IFMT bits */
	int fd;				/* immutable; O_PATH fd, or -1 for a handle entry */
	bool linked;			/* store->lock; in the maps */
	bool has_handle;		/* immutable */
	bool claimable;			/* store->lock; in by_ids (and by_handle) */
	bool guest_fd;			/* store->lock; holds a guest-fd slot (fdlimit) */
	uint8_t stale_err;		/* written under store->lock, read with or without it;
					 * atomic everywhere. injected: every request answers it */
	uint32_t stale_rule;		/* as stale_err; the rule that made it stale */
	struct file_handle fh;		/* immutable; valid if has_handle; bytes follow */
};

struct inode_store {
	pthread_mutex_t lock;
	struct htab by_nodeid;		/* lock */
	struct htab by_ids;		/* lock */
	struct htab by_handle;		/* lock */
	uint64_t next_nodeid;		/* lock; from 2, never reset, never reused */
	uint64_t nfds;			/* lock; linked entries holding an fd */
	uint64_t nhandles;		/* lock; linked entries holding a handle */
	uint64_t nstale;		/* lock; linked entries with stale_err (atomic read) */
	uint64_t freed[16];		/* lock; recently freed (nodeid, generation) pairs, */
	uint64_t freed_gen[16];		/*   newest last, for the nodeid-reuse fault */
	unsigned int nfreed;		/* lock */
	uint64_t evicted[STORE_EVICTED];	/* lock; nodeids evicted by faults (ring) */
	unsigned int nevicted;		/* lock; evictions so far */
	struct fdlimit *fdl;		/* immutable once serving; guest-fd accounting or NULL */
};

struct store_counts {
	uint64_t stale;
	uint64_t entries;
	uint64_t fds;
	uint64_t handles;
	uint64_t next_nodeid;
};

int store_init(struct inode_store *s);
/* Unlink every entry (FUSE_INIT, FUSE_DESTROY); the nodeid counter stays. */
void store_clear(struct inode_store *s);
void store_destroy(struct inode_store *s);

/*
 * A candidate entry for a lookup: takes ownership of fd (an O_PATH fd, or -1
 * with a handle). fh may be NULL. Returns NULL (and closes fd) on ENOMEM.
 */
struct inode *inode_new(const struct inode_ids *ids, uint32_t type, int fd,
			const struct file_handle *fh);

/*
 * Claim an existing entry for cand (nlookup+1) or link cand as a new entry
 * with the next nodeid and nlookup 1. Either way *out holds one user
 * reference for the caller (store_put it) and cand belongs to the store.
 * 0 or -ENOMEM.
 */
int store_lookup(struct inode_store *s, struct inode *cand, struct inode **out);

/*
 * Fault injection (inject/): the same lookup with a twist, and changes to
 * live entries that virtiofsd 1.13 never makes.
 */
enum store_twist {
	TWIST_NONE,
	TWIST_REUSE,		/* a new entry takes the newest freed nodeid */
	TWIST_REUSE_GEN,	/* ... with that nodeid's generation + 1 */
	TWIST_RENODE,		/* an existing entry is replaced by a new nodeid;
				 * the old one stays, stale (see store_set_stale) */
};
/* *old gets the replaced or reused nodeid (0 if none); *gen (if not NULL) the
 * entry's generation, read under the same lock hold as the lookup. */
int store_lookup_twisted(struct inode_store *s, struct inode *cand, enum store_twist twist,
			 int stale_err, uint32_t rule, struct inode **out, uint64_t *old,
			 uint64_t *gen);
/* Bump the entry's generation; returns the new one. */
uint64_t store_bump_generation(struct inode_store *s, struct inode *inode);
/*
 * Evict nodeid: with EBADF the entry leaves the store (virtiofsd's answer for
 * an unknown nodeid); with another errno it stays only to answer that errno
 * and to take the kernel's FORGETs. 0 or -ENOENT.
 */
int store_evict(struct inode_store *s, uint64_t nodeid, int err, uint32_t rule);
/* Make every entry with these ids answer err (0: none found). Returns the count. */
int store_set_stale_ids(struct inode_store *s, const struct inode_ids *ids, int err, uint32_t rule);
/* Is an entry with these ids (fd or handle) in the store? Its nodeid or 0. */
bool store_holds(struct inode_store *s, const struct inode_ids *ids);
uint64_t store_peek_ids(struct inode_store *s, const struct inode_ids *ids);
/*
 * Does the kernel still hold nodeid: linked, or evicted by a fault (the
 * daemon dropped it, the kernel did not)? A forgotten nodeid is not held.
 */
bool store_kernel_knows(struct inode_store *s, uint64_t nodeid);
/* Free a candidate that was never given to the store. */
void inode_discard(struct inode *cand);
/* A server restart: every entry dropped, nodeids start over at 2. */
void store_restart(struct inode_store *s);

/* Link cand as the root: nodeid 1, nlookup 2. Replaces any old root. */
int store_set_root(struct inode_store *s, struct inode *cand);

/* The entry for nodeid with a user reference, or NULL (unknown: EBADF). */
struct inode *store_get(struct inode_store *s, uint64_t nodeid);
void store_put(struct inode_store *s, struct inode *inode);

/* FORGET: nlookup -= n, saturating; at 0 unlink. Unknown nodeids are ignored. */
void store_forget(struct inode_store *s, uint64_t nodeid, uint64_t n);
/* Give back n kernel references taken by store_lookup (reply not sent). */
void store_unref(struct inode_store *s, struct inode *inode, uint64_t n);

void store_counts(struct inode_store *s, struct store_counts *c);

/* One JSON line per entry (nodeid, nlookup, ino, type, fd/handle, generation),
 * each starting with lead ("" or members ending before a comma: the schema). */
void store_dump(struct inode_store *s, const char *lead, FILE *f);

/* Bytes the store spends per entry (entry + its handle bytes). */
size_t inode_alloc_size(const struct inode *inode);

#endif
