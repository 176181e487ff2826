// SPDX-License-Identifier: GPL-2.0-or-later
/* The inode store; see inode.h for the rules it keeps. */
#include "inode.h"

#include "fdlimit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fhandle.h"

static uint64_t ids_hash(const struct inode_ids *ids)
{
	return hash_u64(ids->ino ^ hash_u64(ids->dev ^ hash_u64(ids->mnt_id)));
}

static bool ids_eq(const struct inode_ids *a, const struct inode_ids *b)
{
	return a->ino == b->ino && a->dev == b->dev && a->mnt_id == b->mnt_id;
}

size_t inode_alloc_size(const struct inode *inode)
{
	return sizeof(*inode) + (inode->has_handle ? inode->fh.handle_bytes : 0);
}

struct inode *inode_new(const struct inode_ids *ids, uint32_t type, int fd,
			const struct file_handle *fh)
{
	size_t extra = fh ? fh->handle_bytes : 0;
	struct inode *inode = calloc(1, sizeof(*inode) + extra);

	if (!inode) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	inode->ids = *ids;
	inode->type = type;
	inode->fd = fd;
	if (fh) {
		inode->has_handle = true;
		memcpy(&inode->fh, fh, sizeof(*fh) + extra);
	}
	return inode;
}

static void inode_free(struct inode_store *s, struct inode *inode)
{
	if (inode->fd >= 0)
		close(inode->fd);
	if (inode->guest_fd && s)
		fdlimit_give(s->fdl);
	free(inode);
}

int store_init(struct inode_store *s)
{
	*s = (struct inode_store){ .next_nodeid = 2 };
	return -pthread_mutex_init(&s->lock, NULL);
}

/* Take inode out of the maps. Caller holds s->lock; returns true if the
 * maps' user reference was the last one and the entry must be freed. */
/* Out of by_ids / by_handle: no lookup can claim it any more. */
static void unclaimable_locked(struct inode_store *s, struct inode *inode)
{
	if (!inode->claimable)
		return;
	htab_remove(&s->by_ids, &inode->n_ids);
	if (inode->has_handle)
		htab_remove(&s->by_handle, &inode->n_handle);
	inode->claimable = false;
}

static void set_stale_locked(struct inode_store *s, struct inode *inode, int err, uint32_t rule)
{
	unclaimable_locked(s, inode);
	if (!__atomic_load_n(&inode->stale_err, __ATOMIC_RELAXED))
		__atomic_store_n(&s->nstale, s->nstale + 1, __ATOMIC_RELAXED);
	/* Read and written atomically everywhere, also under the lock: readers
	 * outside it (the request gate) load them without it (see the fields). */
	__atomic_store_n(&inode->stale_rule, rule, __ATOMIC_RELAXED);
	__atomic_store_n(&inode->stale_err, (uint8_t)err, __ATOMIC_RELAXED);
}

static bool unlink_locked(struct inode_store *s, struct inode *inode)
{
	unclaimable_locked(s, inode);
	htab_remove(&s->by_nodeid, &inode->n_nodeid);
	if (inode->has_handle)
		s->nhandles--;
	if (inode->fd >= 0)
		s->nfds--;
	if (__atomic_load_n(&inode->stale_err, __ATOMIC_RELAXED))
		__atomic_store_n(&s->nstale, s->nstale - 1, __ATOMIC_RELAXED);
	if (inode->nodeid != ROOT_NODEID) {
		unsigned int n = sizeof(s->freed) / sizeof(s->freed[0]);

		if (s->nfreed == n) {
			memmove(s->freed, s->freed + 1, (n - 1) * sizeof(s->freed[0]));
			memmove(s->freed_gen, s->freed_gen + 1, (n - 1) * sizeof(s->freed_gen[0]));
			s->nfreed--;
		}
		s->freed[s->nfreed] = inode->nodeid;
		s->freed_gen[s->nfreed++] = inode->generation;
	}
	inode->linked = false;
	inode->nlookup = 0;
	return --inode->users == 0;
}

static int link_locked(struct inode_store *s, struct inode *inode)
{
	int ret;

	/* virtiofsd 1.13.2 counts the fd of a new entry (never of a claim). */
	if (inode->fd >= 0 && s->fdl && !inode->guest_fd) {
		ret = fdlimit_take(s->fdl);
		if (ret < 0)
			return ret;
		inode->guest_fd = true;
	}
	ret = htab_insert(&s->by_nodeid, &inode->n_nodeid, hash_u64(inode->nodeid));
	if (ret < 0)
		return ret;
	ret = htab_insert(&s->by_ids, &inode->n_ids, ids_hash(&inode->ids));
	if (ret < 0)
		goto out_nodeid;
	if (inode->has_handle) {
		ret = htab_insert(&s->by_handle, &inode->n_handle,
				  fhandle_hash(inode->ids.mnt_id, &inode->fh));
		if (ret < 0)
			goto out_ids;
		s->nhandles++;
	}
	if (inode->fd >= 0)
		s->nfds++;
	inode->linked = true;
	inode->claimable = true;
	inode->users = 1;
	return 0;
out_ids:
	htab_remove(&s->by_ids, &inode->n_ids);
out_nodeid:
	htab_remove(&s->by_nodeid, &inode->n_nodeid);
	return ret;
}

static void clear_locked(struct inode_store *s, struct inode **freelist);
static void free_list(struct inode_store *s, struct inode *list);

/* Free every entry whose last user the maps held, after dropping the lock. */
static void clear_locked(struct inode_store *s, struct inode **freelist)
{
	for (size_t i = 0; i < s->by_nodeid.nbuckets; i++) {
		while (s->by_nodeid.buckets[i]) {
			struct inode *inode = container_of(s->by_nodeid.buckets[i],
							   struct inode, n_nodeid);

			if (unlink_locked(s, inode)) {
				/* reuse the nodeid hnode as the free-list link */
				inode->n_nodeid.next = (struct hnode *)*freelist;
				*freelist = inode;
			}
		}
	}
}

static void free_list(struct inode_store *s, struct inode *list)
{
	while (list) {
		struct inode *next = (struct inode *)list->n_nodeid.next;

		inode_free(s, list);
		list = next;
	}
}

void store_clear(struct inode_store *s)
{
	struct inode *freelist = NULL;

	pthread_mutex_lock(&s->lock);
	clear_locked(s, &freelist);
	pthread_mutex_unlock(&s->lock);
	free_list(s, freelist);
}

void store_destroy(struct inode_store *s)
{
	store_clear(s);
	htab_free(&s->by_nodeid);
	htab_free(&s->by_ids);
	htab_free(&s->by_handle);
	pthread_mutex_destroy(&s->lock);
}

static struct inode *find_locked(struct inode_store *s, uint64_t nodeid);

static struct inode *claim_locked(struct inode_store *s, const struct inode *cand)
{
	struct hnode *n;

	if (cand->has_handle) {
		uint64_t h = fhandle_hash(cand->ids.mnt_id, &cand->fh);

		for (n = htab_bucket(&s->by_handle, h); n; n = n->next) {
			struct inode *e = container_of(n, struct inode, n_handle);

			if (n->hash == h && e->ids.mnt_id == cand->ids.mnt_id &&
			    fhandle_eq(&e->fh, &cand->fh))
				return e;
		}
	}
	uint64_t h = ids_hash(&cand->ids);

	for (n = htab_bucket(&s->by_ids, h); n; n = n->next) {
		struct inode *e = container_of(n, struct inode, n_ids);

		/* Only an fd pins the inode: a handle entry's ino may be reused. */
		if (n->hash == h && ids_eq(&e->ids, &cand->ids) && e->fd >= 0)
			return e;
	}
	return NULL;
}

int store_lookup(struct inode_store *s, struct inode *cand, struct inode **out)
{
	return store_lookup_twisted(s, cand, TWIST_NONE, 0, 0, out, NULL, NULL);
}

int store_lookup_twisted(struct inode_store *s, struct inode *cand, enum store_twist twist,
			 int stale_err, uint32_t rule, struct inode **out, uint64_t *old,
			 uint64_t *gen)
{
	struct inode *found;
	int ret = 0;

	if (old)
		*old = 0;
	pthread_mutex_lock(&s->lock);
	found = claim_locked(s, cand);
	if (found && twist == TWIST_RENODE) {
		/* The name moves to a new nodeid; the old one answers stale_err. */
		set_stale_locked(s, found, stale_err, rule);
		if (old)
			*old = found->nodeid;
		found = NULL;
	}
	if (found) {
		/* Linked entries have nlookup > 0: nothing comes back from 0. */
		found->nlookup++;
		found->users++;
		*out = found;
		if (gen)
			*gen = found->generation;
		pthread_mutex_unlock(&s->lock);
		inode_free(s, cand);
		return 0;
	}
	if ((twist == TWIST_REUSE || twist == TWIST_REUSE_GEN) && s->nfreed &&
	    !find_locked(s, s->freed[s->nfreed - 1])) {
		s->nfreed--;
		cand->nodeid = s->freed[s->nfreed];
		cand->generation = s->freed_gen[s->nfreed] + (twist == TWIST_REUSE_GEN);
		if (old)
			*old = cand->nodeid;
	} else {
		cand->nodeid = s->next_nodeid++;
	}
	ret = link_locked(s, cand);
	if (ret == 0) {
		cand->nlookup = 1;
		cand->users++;
		*out = cand;
		if (gen)
			*gen = cand->generation;
	}
	pthread_mutex_unlock(&s->lock);
	if (ret < 0)
		inode_free(s, cand);
	return ret;
}

uint64_t store_bump_generation(struct inode_store *s, struct inode *inode)
{
	uint64_t gen;

	pthread_mutex_lock(&s->lock);
	gen = ++inode->generation;
	pthread_mutex_unlock(&s->lock);
	return gen;
}

int store_evict(struct inode_store *s, uint64_t nodeid, int err, uint32_t rule)
{
	struct inode *inode;
	bool last = false;

	pthread_mutex_lock(&s->lock);
	inode = find_locked(s, nodeid);
	if (inode && err == EBADF) {
		s->evicted[s->nevicted++ % STORE_EVICTED] = nodeid;
		last = unlink_locked(s, inode);
	}
	else if (inode)
		set_stale_locked(s, inode, err, rule);
	pthread_mutex_unlock(&s->lock);
	if (last)
		inode_free(s, inode);
	return inode ? 0 : -ENOENT;
}

int store_set_stale_ids(struct inode_store *s, const struct inode_ids *ids, int err, uint32_t rule)
{
	uint64_t h = ids_hash(ids);
	struct hnode *n, *next;
	int count = 0;

	pthread_mutex_lock(&s->lock);
	for (n = htab_bucket(&s->by_ids, h); n; n = next) {
		struct inode *e = container_of(n, struct inode, n_ids);

		next = n->next;
		if (n->hash == h && ids_eq(&e->ids, ids)) {
			set_stale_locked(s, e, err, rule);
			count++;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return count;
}

uint64_t store_peek_ids(struct inode_store *s, const struct inode_ids *ids)
{
	uint64_t h = ids_hash(ids), nodeid = 0;

	pthread_mutex_lock(&s->lock);
	for (struct hnode *n = htab_bucket(&s->by_ids, h); n && !nodeid; n = n->next)
		if (n->hash == h && ids_eq(&container_of(n, struct inode, n_ids)->ids, ids))
			nodeid = container_of(n, struct inode, n_ids)->nodeid;
	pthread_mutex_unlock(&s->lock);
	return nodeid;
}

bool store_holds(struct inode_store *s, const struct inode_ids *ids)
{
	return store_peek_ids(s, ids) != 0;
}

void inode_discard(struct inode *cand)
{
	inode_free(NULL, cand);	/* never linked: holds no guest-fd slot */
}

void store_restart(struct inode_store *s)
{
	struct inode *freelist = NULL;

	pthread_mutex_lock(&s->lock);
	clear_locked(s, &freelist);
	s->next_nodeid = 2;
	s->nfreed = 0;
	pthread_mutex_unlock(&s->lock);
	free_list(s, freelist);
}

void store_dump(struct inode_store *s, const char *lead, FILE *f)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->by_nodeid.nbuckets; i++) {
		for (struct hnode *n = s->by_nodeid.buckets[i]; n; n = n->next) {
			const struct inode *e = container_of(n, struct inode, n_nodeid);

			fprintf(f, "{%s%s\"nodeid\":%llu,\"nlookup\":%llu,\"generation\":%llu,"
				"\"ino\":%llu,\"dev\":%llu,\"mnt_id\":%llu,\"type\":%u,"
				"\"holds\":\"%s\",\"stale_errno\":%u}\n", lead, *lead ? "," : "",
				(unsigned long long)e->nodeid, (unsigned long long)e->nlookup,
				(unsigned long long)e->generation, (unsigned long long)e->ids.ino,
				(unsigned long long)e->ids.dev, (unsigned long long)e->ids.mnt_id,
				e->type >> 12, e->has_handle ? "handle" : "fd",
				__atomic_load_n(&e->stale_err, __ATOMIC_RELAXED));
		}
	}
	pthread_mutex_unlock(&s->lock);
}

int store_set_root(struct inode_store *s, struct inode *cand)
{
	struct inode *old = NULL;
	struct hnode *n;
	bool free_old = false;
	int ret;

	pthread_mutex_lock(&s->lock);
	for (n = htab_bucket(&s->by_nodeid, hash_u64(ROOT_NODEID)); n; n = n->next) {
		old = container_of(n, struct inode, n_nodeid);
		if (old->nodeid == ROOT_NODEID)
			break;
		old = NULL;
	}
	if (old)
		free_old = unlink_locked(s, old);
	cand->nodeid = ROOT_NODEID;
	ret = link_locked(s, cand);
	if (ret == 0)
		cand->nlookup = 2;
	pthread_mutex_unlock(&s->lock);
	if (free_old)
		inode_free(s, old);
	if (ret < 0)
		inode_free(s, cand);
	return ret;
}

static struct inode *find_locked(struct inode_store *s, uint64_t nodeid)
{
	uint64_t h = hash_u64(nodeid);

	for (struct hnode *n = htab_bucket(&s->by_nodeid, h); n; n = n->next) {
		struct inode *e = container_of(n, struct inode, n_nodeid);

		if (e->nodeid == nodeid)
			return e;
	}
	return NULL;
}

struct inode *store_get(struct inode_store *s, uint64_t nodeid)
{
	struct inode *inode;

	pthread_mutex_lock(&s->lock);
	inode = find_locked(s, nodeid);
	if (inode)
		inode->users++;
	pthread_mutex_unlock(&s->lock);
	return inode;
}

void store_put(struct inode_store *s, struct inode *inode)
{
	bool last;

	if (!inode)
		return;
	pthread_mutex_lock(&s->lock);
	last = --inode->users == 0;
	pthread_mutex_unlock(&s->lock);
	if (last)
		inode_free(s, inode);
}

static bool unref_locked(struct inode_store *s, struct inode *inode, uint64_t n)
{
	if (!inode->linked)
		return false;
	inode->nlookup = inode->nlookup > n ? inode->nlookup - n : 0;
	if (inode->nlookup == 0)
		return unlink_locked(s, inode);
	return false;
}

void store_forget(struct inode_store *s, uint64_t nodeid, uint64_t n)
{
	struct inode *inode;
	bool last = false;

	pthread_mutex_lock(&s->lock);
	inode = find_locked(s, nodeid);
	if (inode)
		last = unref_locked(s, inode, n);
	pthread_mutex_unlock(&s->lock);
	if (last)
		inode_free(s, inode);
}

void store_unref(struct inode_store *s, struct inode *inode, uint64_t n)
{
	bool last;

	pthread_mutex_lock(&s->lock);
	last = unref_locked(s, inode, n);
	pthread_mutex_unlock(&s->lock);
	if (last)
		inode_free(s, inode);
}

void store_counts(struct inode_store *s, struct store_counts *c)
{
	pthread_mutex_lock(&s->lock);
	c->entries = s->by_nodeid.count;
	c->stale = s->nstale;
	c->fds = s->nfds;
	c->handles = s->nhandles;
	c->next_nodeid = s->next_nodeid;
	pthread_mutex_unlock(&s->lock);
}

bool store_kernel_knows(struct inode_store *s, uint64_t nodeid)
{
	bool known;

	pthread_mutex_lock(&s->lock);
	known = find_locked(s, nodeid) != NULL;
	for (unsigned int i = 0; !known && i < STORE_EVICTED && i < s->nevicted; i++)
		known = s->evicted[i] == nodeid;
	pthread_mutex_unlock(&s->lock);
	return known;
}
