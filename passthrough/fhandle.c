// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File handles and the mount-fd table (see fhandle.h). A mount root is found
 * by its ID in mountinfo, opened with O_PATH, checked with statx (same
 * mount ID, a directory or regular file; EIO otherwise, like virtiofsd), and
 * reopened O_RDONLY through /proc/self/fd.
 */
#include "fhandle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "build_config.h"
#include "errsrc.h"
#include "mountinfo.h"
#include "log.h"

struct mountfd {
	struct hnode node;
	uint64_t mnt_id;
	int fd;
};

int fhandle_make(int fd, union fhandle_buf *out, uint64_t *mnt_id)
{
	int id;

	out->fh.handle_bytes = FHANDLE_MAX;
	if (name_to_handle_at(fd, "", &out->fh, &id, AT_EMPTY_PATH) < 0)
		return host_err("name_to_handle_at");
	*mnt_id = (uint64_t)id;
	return 0;
}

bool fhandle_eq(const struct file_handle *a, const struct file_handle *b)
{
	return a->handle_type == b->handle_type && a->handle_bytes == b->handle_bytes &&
	       memcmp(a->f_handle, b->f_handle, a->handle_bytes) == 0;
}

uint64_t fhandle_hash(uint64_t mnt_id, const struct file_handle *fh)
{
	uint64_t seed = hash_u64(mnt_id ^ ((uint64_t)(uint32_t)fh->handle_type << 32));

	return hash_bytes(seed, fh->f_handle, fh->handle_bytes);
}

int mountfds_init(struct mountfds *m, int proc_self_fd)
{
	*m = (struct mountfds){ .proc_self_fd = proc_self_fd,
				.mountinfo = "/proc/self/mountinfo" };
	return -pthread_mutex_init(&m->lock, NULL);
}

void mountfds_destroy(struct mountfds *m)
{
	for (size_t i = 0; i < m->by_mnt_id.nbuckets; i++) {
		struct hnode *n = m->by_mnt_id.buckets[i], *next;

		for (; n; n = next) {
			struct mountfd *mf = container_of(n, struct mountfd, node);

			next = n->next;
			close(mf->fd);
			free(mf);
		}
	}
	htab_free(&m->by_mnt_id);
	pthread_mutex_destroy(&m->lock);
}

struct find_id {
	uint64_t id;
	char *buf;
	size_t len;
};

static int find_id(const struct mountinfo_entry *e, void *arg)
{
	struct find_id *f = arg;

	if (e->id != f->id)
		return 0;
	snprintf(f->buf, f->len, "%s", e->mnt);
	return 1;
}

/* Mount point path of mnt_id into buf. 0 or -errno. */
static int mountinfo_find(const char *mountinfo, uint64_t mnt_id, char *buf, size_t len)
{
	struct find_id f = { mnt_id, buf, len };
	int ret = mountinfo_each(mountinfo, find_id, &f);

	if (ret < 0) {
		errno = -ret;
		return host_err("open(mountinfo)");
	}
	return ret == 1 ? 0 : -ENOENT;
}

static int mountfd_open(struct mountfds *m, uint64_t mnt_id)
{
	char path[4096], procname[32];
	struct statx stx;
	int pfd, fd, ret;

	ret = mountinfo_find(m->mountinfo, mnt_id, path, sizeof(path));
	if (ret < 0)
		return daemon_err("mount-not-found", ret);	/* no-op if host_err ran */
	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return host_err("open(mount root)");
	if (statx(pfd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT,
		  STATX_TYPE | STATX_MNT_ID, &stx) < 0) {
		ret = host_err("statx(mount root)");
		goto out_close;
	}
#ifdef HAVE_STATX_MNT_ID
	if ((stx.stx_mask & STATX_MNT_ID) && stx.stx_mnt_id != mnt_id) {
		ret = daemon_err("mount-root-id-mismatch", -EIO);
		goto out_close;
	}
#endif
	if (!S_ISDIR(stx.stx_mode) && !S_ISREG(stx.stx_mode)) {
		ret = daemon_err("mount-root-type", -EIO);
		goto out_close;
	}
	snprintf(procname, sizeof(procname), "%d", pfd);
	fd = openat(m->proc_self_fd, procname, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = host_err("open(mount root, O_RDONLY)");
		goto out_close;
	}
	ret = fd;
out_close:
	close(pfd);
	return ret;
}

int mountfds_get(struct mountfds *m, uint64_t mnt_id)
{
	uint64_t hash = hash_u64(mnt_id);
	struct mountfd *mf;
	struct hnode *n;
	int ret;

	pthread_mutex_lock(&m->lock);
	for (n = htab_bucket(&m->by_mnt_id, hash); n; n = n->next) {
		mf = container_of(n, struct mountfd, node);
		if (mf->mnt_id == mnt_id) {
			ret = mf->fd;
			goto out_unlock;
		}
	}
	ret = mountfd_open(m, mnt_id);
	if (ret < 0) {
		log_warn("cannot open root of mount %llu for file handles: %s",
			 (unsigned long long)mnt_id, strerror(-ret));
		goto out_unlock;
	}
	mf = calloc(1, sizeof(*mf));
	if (!mf) {
		close(ret);
		ret = -ENOMEM;
		goto out_unlock;
	}
	mf->mnt_id = mnt_id;
	mf->fd = ret;
	if (htab_insert(&m->by_mnt_id, &mf->node, hash) < 0) {
		close(mf->fd);
		free(mf);
		ret = -ENOMEM;
	}
out_unlock:
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int fhandle_open(struct mountfds *m, uint64_t mnt_id, const struct file_handle *fh,
		 int flags)
{
	int mfd = mountfds_get(m, mnt_id);
	int fd;

	if (mfd < 0)
		return mfd;
	fd = open_by_handle_at(mfd, (struct file_handle *)fh, flags | O_CLOEXEC);
	if (fd < 0)
		return host_err("open_by_handle_at");
	return fd;
}
