// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Faults that act on the whole daemon, shared by the request gate
 * (ops_fault.c), the unlink path (silly rename) and `stalefs ctl`: restart,
 * reload, rebind, silly rename and cleanup, kernel notifications. The state
 * they keep between firing and undoing lives here and nowhere else.
 */
#include "faults.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "daemon_state.h"
#include "errsrc.h"
#include "log.h"
#include "mountinfo.h"

#ifndef FUSE_NOTIFY_INC_EPOCH
#define FUSE_NOTIFY_INC_EPOCH 8
#endif
#ifndef FUSE_NOTIFY_PRUNE
#define FUSE_NOTIFY_PRUNE 9
#endif

int faults_restart(struct daemon *d)
{
	struct inode *root;
	int ret;

	store_restart(&d->store);
	ret = backing_root(&d->backing, &root);
	if (ret == 0)
		ret = store_set_root(&d->store, root);
	log_info("restart fault: store dropped, nodeids start over at 2");
	return ret;
}

int faults_reload(struct daemon *d, char *msg, size_t len)
{
	struct inode *root;
	int fd, ret;

	fd = open(d->cfg->shared_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(msg, len, "open %s: %s", d->cfg->shared_dir, strerror(errno));
		return ret;
	}
	/* The same fd number gets the new directory in one step (dup3), so a
	 * worker that dups root_fd meanwhile gets the old one or the new one,
	 * never a closed or reused number. */
	if (dup3(fd, d->backing.root_fd, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(msg, len, "dup3 over the root fd: %s", strerror(errno));
		close(fd);
		return ret;
	}
	close(fd);
	ret = backing_root(&d->backing, &root);
	if (ret == 0)
		ret = store_set_root(&d->store, root);
	snprintf(msg, len, ret ? "reloaded the root, setting it failed: %s" : "root re-resolved from %s",
		 ret ? strerror(-ret) : d->cfg->shared_dir);
	log_info("reload: %s", msg);
	return ret;
}

/*
 * A rebind is a bind mount over the shared dir, which a SIGKILL cannot undo.
 * While it stands, /run/stalefs/rebind.<hash of the dir> says whose it is:
 * "PID STARTTIME MNTID DIR" (the daemon's pid and its start time in
 * /proc/PID/stat, so a reused pid is not taken for it, and the bind's mount
 * ID). The next daemon started on that dir removes the bind only when its
 * daemon is gone and the top mount at the dir is still that bind: a mount
 * someone else put there, or the dir's own, is never touched.
 */
#define REBIND_DIR "/run/stalefs"
#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x1000U
#endif

static void rebind_record_path(const char *dir, char *out, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)dir; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	snprintf(out, len, REBIND_DIR "/rebind.%016llx", (unsigned long long)h);
}

/* The start time of pid (field 22 of /proc/PID/stat), 0 when unknown. */
static unsigned long long start_time(int pid)
{
	char p[64], buf[1024], *close_paren;
	unsigned long long t = 0;
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and ')': the fields start after the last ')'. */
	close_paren = strrchr(buf, ')');
	if (!close_paren || sscanf(close_paren + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
				   "%*u %*d %*d %*d %*d %*d %*d %llu", &t) != 1)
		return 0;
	return t;
}

/* The mount ID of the top mount at dir, 0 when unknown. */
static uint64_t mount_id(const char *dir)
{
	struct statx stx;

	if (statx(AT_FDCWD, dir, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

static void rebind_record(const char *dir)
{
	char path[128];
	FILE *f;
	int fd;

	rebind_record_path(dir, path, sizeof(path));
	if (mkdir(REBIND_DIR, 0700) < 0 && errno != EEXIST)
		goto fail;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto fail;
	}
	fprintf(f, "%d %llu %llu %s\n", (int)getpid(), start_time(getpid()),
		(unsigned long long)mount_id(dir), dir);
	if (fclose(f) == 0)
		return;
fail:
	log_warn("rebind: no record in %s (%m): a SIGKILL now leaves the bind over %s", REBIND_DIR,
		 dir);
}

void faults_sweep_rebind(const char *shared_dir)
{
	char dir[PATH_MAX], path[128], line[PATH_MAX + 80];
	unsigned long long started, mnt;
	int pid, off = 0;
	FILE *f;

	if (!realpath(shared_dir, dir))
		return;
	rebind_record_path(dir, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return;
	/* The record is ours (root, 0600), but read as untrusted text. */
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (sscanf(line, "%d %llu %llu %n", &pid, &started, &mnt, &off) != 3 || pid <= 0 || !off ||
	    strcmp(line + off, dir) != 0) {
		unlink(path);
		return;
	}
	if (started && start_time(pid) == started) {
		log_warn("shared dir %s: daemon %d has a rebind fault over it: this one shares what is "
			 "bound there", dir, pid);
		return;
	}
	if (!mnt || mount_id(dir) != mnt) {
		/* Undone since (by hand, or a cleanup), or another mount on top. */
		unlink(path);
		return;
	}
	if (umount2(dir, MNT_DETACH) == 0)
		log_warn("removed the rebind over %s that a killed daemon (pid %d) left", dir, pid);
	else
		log_warn("the rebind over %s that a killed daemon (pid %d) left: umount: %m", dir, pid);
	unlink(path);
}

int faults_rebind(struct daemon *d, const char *to, char *msg, size_t len)
{
	int ret = 0;

	pthread_mutex_lock(&d->faults.rebind_lock);
	if (d->faults.rebound[0]) {
		snprintf(msg, len, "already rebound over %s", d->faults.rebound);
	} else if (mount(to, d->cfg->shared_dir, NULL, MS_BIND, NULL) < 0) {
		ret = -errno;
		snprintf(msg, len, "bind %s over %s: %s", to, d->cfg->shared_dir, strerror(errno));
	} else {
		snprintf(d->faults.rebound, sizeof(d->faults.rebound), "%s", d->cfg->shared_dir);
		rebind_record(d->root_path);
		snprintf(msg, len, "bound %s over %s; the daemon keeps its old root", to,
			 d->cfg->shared_dir);
	}
	pthread_mutex_unlock(&d->faults.rebind_lock);
	log_info("rebind fault: %s", msg);
	return ret;
}

void faults_unrebind(struct daemon *d)
{
	pthread_mutex_lock(&d->faults.rebind_lock);
	if (d->faults.rebound[0]) {
		char path[128];

		if (umount2(d->faults.rebound, MNT_DETACH) < 0)
			log_warn("undoing the rebind of %s: %m", d->faults.rebound);
		rebind_record_path(d->root_path, path, sizeof(path));
		unlink(path);
	}
	d->faults.rebound[0] = '\0';
	pthread_mutex_unlock(&d->faults.rebind_lock);
}

int faults_silly_rename(struct daemon *d, int dirfd, const char *name, const struct inode_ids *ids,
			char *renamed, size_t len)
{
	struct faults *f = &d->faults;
	struct silly *sl;
	int ret;

	pthread_mutex_lock(&f->silly_lock);
	if (f->nsilly == f->silly_cap) {
		size_t cap = f->silly_cap ? f->silly_cap * 2 : 16;
		struct silly *p = realloc(f->silly, cap * sizeof(*p));

		if (!p) {
			ret = daemon_err("oom", -ENOMEM);
			goto out_unlock;
		}
		f->silly = p;
		f->silly_cap = cap;
	}
	sl = &f->silly[f->nsilly];
	sl->ids = *ids;
	snprintf(sl->name, sizeof(sl->name), ".nfs%016llx%08x", (unsigned long long)ids->ino,
		 f->silly_seq++);
	sl->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (sl->dirfd < 0) {
		ret = host_err("dup");
		goto out_unlock;
	}
	if (renameat(dirfd, name, dirfd, sl->name) < 0) {
		ret = host_err("renameat(silly)");
		goto out_close;
	}
	snprintf(renamed, len, "%s", sl->name);
	f->nsilly++;
	pthread_mutex_unlock(&f->silly_lock);
	return 0;

out_close:
	close(sl->dirfd);
out_unlock:
	pthread_mutex_unlock(&f->silly_lock);
	return ret;
}

int faults_silly_cleanup(struct daemon *d, const struct inject_fire *fire, char *msg, size_t len)
{
	size_t n, removed = 0, stale = 0;

	pthread_mutex_lock(&d->faults.silly_lock);
	n = d->faults.nsilly;
	for (size_t i = 0; i < n; i++) {
		struct silly *s = &d->faults.silly[i];

		/* The nightly `find -name '.nfs*' -delete` of an NFS server. */
		if (unlinkat(s->dirfd, s->name, 0) == 0)
			removed++;
		stale += store_set_stale_ids(&d->store, &s->ids, fire ? fire->err : ESTALE,
					     fire ? fire->rule_id : 0);
		close(s->dirfd);
	}
	d->faults.nsilly = 0;
	pthread_mutex_unlock(&d->faults.silly_lock);
	snprintf(msg, len, "removed %zu of %zu .nfs files; %zu entries now stale", removed, n, stale);
	return (int)removed;
}

/* --- kernel notifications, sent by their own thread: a notification sent
 * from inside a request handler can deadlock on the kernel's locks. --- */

static int notify_raw(struct daemon *d, int code, const uint64_t *ids, uint32_t n)
{
	struct fuse_out_header h = { .error = code, .unique = 0 };
	struct { uint32_t count, padding; uint64_t spare; } prune = { .count = n };
	struct iovec iov[3] = { { &h, sizeof(h) } };
	int cnt = 1;

	if (code == FUSE_NOTIFY_PRUNE) {
		iov[cnt++] = (struct iovec){ &prune, sizeof(prune) };
		iov[cnt++] = (struct iovec){ (void *)ids, n * sizeof(*ids) };
	}
	for (int i = 0; i < cnt; i++)
		h.len += iov[i].iov_len;
	return daemon_send(d, iov, cnt);
}

static int drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "2", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

static void notice_send(struct daemon *d, struct notice *n)
{
	char answer[320];
	int ret;

	switch (n->action) {
	case KEVICT_INVAL_ENTRY:
		ret = n->name[0] ? fuse_lowlevel_notify_inval_entry(d->se, n->nodeid, n->name,
								    strlen(n->name))
				 : -EINVAL;
		break;
	case KEVICT_INVAL_INODE:
		ret = fuse_lowlevel_notify_inval_inode(d->se, n->nodeid, 0, 0);
		break;
	case KEVICT_DELETE:
		ret = n->child && n->name[0]
			      ? fuse_lowlevel_notify_delete(d->se, n->nodeid, n->child, n->name,
							    strlen(n->name))
			      : -EINVAL;
		break;
	case KEVICT_PRUNE:
		ret = notify_raw(d, FUSE_NOTIFY_PRUNE, &n->nodeid, 1);
		break;
	case KEVICT_EPOCH:
		ret = notify_raw(d, FUSE_NOTIFY_INC_EPOCH, NULL, 0);
		break;
	case KEVICT_DROP_CACHES:
	default:
		ret = drop_caches();
		break;
	}
	snprintf(answer, sizeof(answer), "%s %s", kevict_action_name(n->action),
		 ret == 0 ? "sent" : strerror(-ret));
	inject_report(&d->inj, &n->fire, &n->pt, answer);
}

static void *notify_thread(void *arg)
{
	struct daemon *d = arg;

	pthread_mutex_lock(&d->faults.notify_lock);
	for (;;) {
		while (!d->faults.nnotices && !d->faults.notify_quit)
			pthread_cond_wait(&d->faults.notify_cond, &d->faults.notify_lock);
		if (d->faults.notify_quit)
			break;
		struct notice n = d->faults.notices[0];

		memmove(d->faults.notices, d->faults.notices + 1, --d->faults.nnotices * sizeof(n));
		pthread_mutex_unlock(&d->faults.notify_lock);
		n.pt.name = n.name[0] ? n.name : NULL;
		notice_send(d, &n);
		pthread_mutex_lock(&d->faults.notify_lock);
	}
	pthread_mutex_unlock(&d->faults.notify_lock);
	return NULL;
}

/* The child entry of (parent, name), for notify_delete; 0 if unknown. */
static uint64_t child_of(struct daemon *d, uint64_t parent, const char *name)
{
	struct inode *dir = store_get(&d->store, parent), *cand;
	uint64_t nodeid = 0;
	struct stat st;
	struct pfd pfd;

	if (!dir)
		return 0;
	if (backing_path_fd(&d->backing, dir, &pfd) == 0) {
		if (backing_lookup(&d->backing, parent, pfd.fd, name, &cand, &st) == 0) {
			nodeid = store_peek_ids(&d->store, &cand->ids);
			inode_discard(cand);
		}
		pfd_release(&pfd);
	}
	store_put(&d->store, dir);
	errsrc_reset();
	return nodeid;
}

int faults_kernel_evict(struct daemon *d, const struct inject_fire *fire,
			const struct inject_point *pt)
{
	struct notice n = { .action = fire->action, .nodeid = pt->nodeid, .fire = *fire,
			    .pt = *pt };
	int ret = 0;

	if (pt->name)
		snprintf(n.name, sizeof(n.name), "%s", pt->name);
	if (n.action == KEVICT_DELETE && pt->name)
		n.child = child_of(d, pt->nodeid, pt->name);
	pthread_mutex_lock(&d->faults.notify_lock);
	if (d->faults.nnotices == d->faults.notice_cap) {
		size_t cap = d->faults.notice_cap ? d->faults.notice_cap * 2 : 16;
		struct notice *p = cap <= 4096 ? realloc(d->faults.notices, cap * sizeof(*p)) : NULL;

		if (p) {
			d->faults.notices = p;
			d->faults.notice_cap = cap;
		}
	}
	if (d->faults.nnotices < d->faults.notice_cap) {
		d->faults.notices[d->faults.nnotices++] = n;
		pthread_cond_signal(&d->faults.notify_cond);
	} else {
		ret = -ENOMEM;	/* a storm larger than 4096 queued notices: drop */
	}
	pthread_mutex_unlock(&d->faults.notify_lock);
	return ret;
}

int faults_start(struct daemon *d)
{
	pthread_mutex_init(&d->faults.silly_lock, NULL);
	pthread_mutex_init(&d->faults.rebind_lock, NULL);
	pthread_mutex_init(&d->faults.notify_lock, NULL);
	pthread_cond_init(&d->faults.notify_cond, NULL);
	if (pthread_create(&d->faults.notify_tid, NULL, notify_thread, d) != 0)
		return -EAGAIN;
	d->faults.notify_started = true;
	return 0;
}

void faults_stop(struct daemon *d)
{
	if (d->faults.notify_started) {
		pthread_mutex_lock(&d->faults.notify_lock);
		d->faults.notify_quit = true;
		pthread_cond_signal(&d->faults.notify_cond);
		pthread_mutex_unlock(&d->faults.notify_lock);
		pthread_join(d->faults.notify_tid, NULL);
		d->faults.notify_started = false;
	}
	free(d->faults.notices);
	d->faults.notices = NULL;
	/* Leftover .nfs files stay on disk, like on NFS; their fds go. */
	pthread_mutex_lock(&d->faults.silly_lock);
	for (size_t i = 0; i < d->faults.nsilly; i++)
		close(d->faults.silly[i].dirfd);
	d->faults.nsilly = 0;
	free(d->faults.silly);
	d->faults.silly = NULL;
	pthread_mutex_unlock(&d->faults.silly_lock);
	faults_unrebind(d);
}
