// SPDX-License-Identifier: GPL-2.0-or-later
/* The virtio-fs transport between libfuse's session and the vhost-user
 * device; see vfs.h. */
#include "vfs.h"
#include "errmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fuse.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "daemon_state.h"
#include "log.h"
#include "unixaddr.h"

/* A chain handed to libfuse and not yet answered. */
struct vfs_pend {
	struct vfs_pend *next;
	uint64_t unique;
	uint64_t nodeid;		/* for the log of what a hung guest waits on */
	uint32_t opcode;
	unsigned int queue;
	uint16_t head;
	uint32_t gen;			/* the ring's generation when popped */
	unsigned int nout;
	struct vring_seg seg[];		/* the chain's writable segments */
};

/* CLOCK_MONOTONIC in ms (clock.h), for the idle looks and the state log. */
static uint64_t mono_ms(void)
{
	return mono_ns() / 1000000;
}

static unsigned int bucket(uint64_t unique)
{
	return (unsigned int)((unique * 0x9e3779b97f4a7c15ULL) >> 54) & (VFS_PEND_BUCKETS - 1);
}

static void pend_add(struct vfs *v, struct vfs_pend *p)
{
	unsigned int b = bucket(p->unique);

	pthread_mutex_lock(&v->pend_lock);
	p->next = v->pend[b];
	v->pend[b] = p;
	pthread_mutex_unlock(&v->pend_lock);
}

static struct vfs_pend *pend_take(struct vfs *v, uint64_t unique)
{
	struct vfs_pend **pp, *p = NULL;

	pthread_mutex_lock(&v->pend_lock);
	for (pp = &v->pend[bucket(unique)]; *pp; pp = &(*pp)->next)
		if ((*pp)->unique == unique) {
			p = *pp;
			*pp = p->next;
			break;
		}
	pthread_mutex_unlock(&v->pend_lock);
	return p;
}

/* Hand head back to queue i with len bytes written and notify the driver if
 * it wants that. Under mem_lock's read side. A ring restarted since the pop
 * (another gen) does not get it: that chain is no longer the driver's. */
static void complete(struct vfs *v, unsigned int i, uint16_t head, uint32_t gen, uint32_t len)
{
	struct vhu_queue *q = &v->dev.q[i];
	bool notify = false;
	int call = -1;

	pthread_mutex_lock(&v->dev.q_lock);
	if (q->running && q->gen == gen) {
		vring_push(&q->ring, head, len);
		if (q->inflight)
			q->inflight--;
		notify = vring_should_notify(&q->ring);
		call = q->call_fd;
	}
	pthread_mutex_unlock(&v->dev.q_lock);
	if (notify && call >= 0) {
		uint64_t one = 1;

		if (write(call, &one, sizeof(one)) < 0)
			log_debug("virtio-fs: queue %u: call fd: %m", i);
	}
}

/* Pop the next head of any running queue, round robin. 1 with *qi, *head and
 * *gen set, or 0. Under mem_lock's read side. */
static int pop_any(struct vfs *v, unsigned int *qi, uint16_t *head, uint32_t *gen)
{
	struct vhu_dev *dev = &v->dev;
	char why[256];
	int ret = 0;

	pthread_mutex_lock(&dev->q_lock);
	for (unsigned int k = 0; k < dev->nqueues && ret == 0; k++) {
		unsigned int i = (v->rr + k) % dev->nqueues;
		struct vhu_queue *q = &dev->q[i];

		if (!q->running)
			continue;
		ret = vring_pop(&q->ring, head, why, sizeof(why));
		if (ret < 0) {
			q->running = false;
			q->broken = true;
			log_err("virtio-fs: queue %u stopped: %s", i, why);
			ret = 0;
			continue;
		}
		if (ret == 1) {
			q->inflight++;
			*qi = i;
			*gen = q->gen;
			v->rr = (i + 1) % dev->nqueues;
		}
	}
	pthread_mutex_unlock(&dev->q_lock);
	return ret;
}

static bool no_reply(uint32_t opcode)
{
	return opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET || opcode == FUSE_INTERRUPT;
}

/*
 * One request into buf: its length, or 0 when no queue has one. A chain
 * that cannot be a request (bad descriptors, too short, larger than buf) is
 * handed back empty and the next one is tried.
 */
static ssize_t take(struct vfs *v, void *buf, size_t len)
{
	struct vhu_dev *dev = &v->dev;
	struct vring_chain c;
	char why[256];
	ssize_t n = 0;

	pthread_rwlock_rdlock(&dev->mem_lock);
	for (;;) {
		const struct fuse_in_header *in = buf;
		struct vfs_pend *p;
		unsigned int qi = 0;
		uint16_t head = 0;
		uint32_t gen = 0;

		if (pop_any(v, &qi, &head, &gen) == 0) {
			n = 0;
			break;
		}
		if (vring_walk(&dev->q[qi].ring, &dev->mem, head, &c, why, sizeof(why)) < 0) {
			log_warn("virtio-fs: queue %u: %s: request dropped", qi, why);
			goto drop;
		}
		if (c.in_len < sizeof(*in) || c.in_len > len) {
			log_warn("virtio-fs: queue %u: a request of %llu bytes (%zu to %zu): dropped", qi,
				 (unsigned long long)c.in_len, sizeof(*in), len);
			goto drop;
		}
		n = vring_chain_read(&c, &dev->mem, buf, len);
		if (n < (ssize_t)sizeof(*in) || in->len != (uint64_t)n) {
			log_warn("virtio-fs: queue %u: request header says %u bytes, the chain has %zd: "
				 "dropped", qi, n >= (ssize_t)sizeof(*in) ? in->len : 0, n);
			goto drop;
		}
		__atomic_add_fetch(&v->requests, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&v->last_request_ms, mono_ms(), __ATOMIC_RELAXED);
		if (qi == 0 || no_reply(in->opcode)) {
			complete(v, qi, head, gen, 0);
			break;
		}
		p = malloc(sizeof(*p) + c.nout * sizeof(p->seg[0]));
		if (!p) {
			log_err("virtio-fs: out of memory for a request: dropped");
			goto drop;
		}
		*p = (struct vfs_pend){ .unique = in->unique, .nodeid = in->nodeid,
					.opcode = in->opcode, .queue = qi, .head = head, .gen = gen,
					.nout = c.nout };
		memcpy(p->seg, c.seg + c.nin, c.nout * sizeof(p->seg[0]));
		pend_add(v, p);
		break;
drop:
		__atomic_add_fetch(&v->dropped, 1, __ATOMIC_RELAXED);
		complete(v, qi, head, gen, 0);
	}
	pthread_rwlock_unlock(&dev->mem_lock);
	return n;
}

/* Reset the kick fds that have fired (without blocking: QEMU's eventfds may
 * be blocking ones, and their flags are shared with QEMU). */
static void drain_kicks(struct vfs *v)
{
	struct pollfd p[VHUMSG_MAX_QUEUES];
	unsigned int n = 0;
	uint64_t cnt;

	pthread_rwlock_rdlock(&v->dev.mem_lock);
	for (unsigned int i = 0; i < v->dev.nqueues; i++)
		if (v->dev.q[i].kick_fd >= 0)
			p[n++] = (struct pollfd){ .fd = v->dev.q[i].kick_fd, .events = POLLIN };
	if (n && poll(p, n, 0) > 0)
		for (unsigned int k = 0; k < n; k++)
			if ((p[k].revents & POLLIN) && read(p[k].fd, &cnt, sizeof(cnt)) < 0)
				log_debug("virtio-fs: kick fd: %m");
	pthread_rwlock_unlock(&v->dev.mem_lock);
}

/* fuse_custom_io.read: one request, or -1 with EAGAIN (the workers then poll
 * the session's fd, the epoll set of kick fds). */
static ssize_t vfs_read(int fd, void *buf, size_t len, void *userdata)
{
	struct vfs *v = ((struct daemon *)userdata)->vfs;
	ssize_t n = take(v, buf, len);

	(void)fd;
	if (n == 0) {
		/* Empty: reset the kicks, then look once more, so a request that
		 * came between the look and the reset is not left waiting for a
		 * kick that already happened. EVENT_IDX's avail_event was written
		 * by the last pop; the fence orders it before the second look. */
		drain_kicks(v);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		n = take(v, buf, len);
	}
	if (n > 0)
		return n;
	errno = EAGAIN;
	return -1;
}

void vfs_idle(struct vfs *v)
{
	uint64_t now = mono_ms();

	pthread_rwlock_rdlock(&v->dev.mem_lock);
	for (unsigned int i = 0; i < v->dev.nqueues; i++) {
		struct vhu_queue *q = &v->dev.q[i];
		bool waits;
		int call;

		pthread_mutex_lock(&v->dev.q_lock);
		/* A driver that is only slow to run its completion work also has
		 * used_event behind: only one still waiting on the same used
		 * index 100 ms later (whichever worker looks) lost its interrupt. */
		waits = q->running && vring_driver_waits(&q->ring);
		if (waits && !(v->idle_since_ms[i] && v->idle_used[i] == q->ring.used_idx)) {
			v->idle_since_ms[i] = now;
			v->idle_used[i] = q->ring.used_idx;
			waits = false;
		} else if (waits && now - v->idle_since_ms[i] < 100) {
			waits = false;	/* another worker's look, not 100 ms on */
		} else if (!waits) {
			v->idle_since_ms[i] = 0;
		}
		/* Entries waiting while we slept: their kick never came (the
		 * worker takes them as it goes back to reading). */
		if (q->running && vring_has_avail(&q->ring))
			__atomic_add_fetch(&v->unkicked, 1, __ATOMIC_RELAXED);
		call = q->call_fd;
		pthread_mutex_unlock(&v->dev.q_lock);
		if (waits && call >= 0) {
			uint64_t one = 1;

			__atomic_add_fetch(&v->renotified, 1, __ATOMIC_RELAXED);
			log_debug("virtio-fs: queue %u: the driver waits on entries already used: "
				  "interrupt sent again", i);
			if (write(call, &one, sizeof(one)) < 0)
				log_debug("virtio-fs: queue %u: call fd: %m", i);
		}
	}
	pthread_rwlock_unlock(&v->dev.mem_lock);
}

ssize_t vfs_send(struct vfs *v, const struct iovec *iov, int cnt)
{
	const struct fuse_out_header *out;
	struct fuse_out_header err;
	struct iovec eiov;
	struct vfs_pend *p;
	ssize_t total = 0, n;

	if (cnt < 1 || iov[0].iov_len < sizeof(*out))
		return -EINVAL;
	out = iov[0].iov_base;
	for (int i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	if (out->unique == 0)
		return -ENOSYS;	/* a notification: virtio-fs has no queue for them */
	p = pend_take(v, out->unique);
	if (!p) {
		log_debug("virtio-fs: reply to %llu, which is not in flight: dropped",
			  (unsigned long long)out->unique);
		return total;
	}
	pthread_rwlock_rdlock(&v->dev.mem_lock);
	n = vring_segs_write(p->seg, p->nout, &v->dev.mem, iov, cnt);
	if (n == -ENOSPC) {
		/* The guest gave less room than the reply needs: it gets EIO. */
		log_err("virtio-fs: a reply of %zd bytes to %llu does not fit its buffers: EIO", total,
			(unsigned long long)out->unique);
		err = (struct fuse_out_header){ .len = sizeof(err), .error = -EIO, .unique = out->unique };
		eiov = (struct iovec){ &err, sizeof(err) };
		n = vring_segs_write(p->seg, p->nout, &v->dev.mem, &eiov, 1);
	}
	if (n < 0) {
		log_err("virtio-fs: the reply to %llu points outside guest memory: dropped",
			(unsigned long long)out->unique);
		n = 0;
	}
	complete(v, p->queue, p->head, p->gen, (uint32_t)n);
	pthread_rwlock_unlock(&v->dev.mem_lock);
	free(p);
	__atomic_add_fetch(&v->replies, 1, __ATOMIC_RELAXED);
	return total;
}

/* fuse_custom_io.writev */
static ssize_t vfs_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	ssize_t n = vfs_send(((struct daemon *)userdata)->vfs, iov, count);

	(void)fd;
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

/* --- the socket ------------------------------------------------------- */

static int bind_addr(struct vfs *v, const char *path, const struct sockaddr_un *sap,
		     socklen_t salen, const char *group, char *why, size_t whylen)
{
	struct sockaddr_un sa = *sap;
	struct stat st;
	mode_t old;
	int s, ret;

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return errmsg(why, whylen, -EEXIST, "--socket-path '%s' exists and is not a socket",
				      path);
		if (unixaddr_answers(&sa, salen))
			return errmsg(why, whylen, -EADDRINUSE, "--socket-path '%s': another back end "
				      "is listening there", path);
		unlink(path);	/* left by a daemon that was killed */
	}
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errmsg(why, whylen, -errno, "socket: %s", strerror(errno));
	old = umask(group ? 0117 : 0177);
	ret = bind(s, (struct sockaddr *)&sa, salen) < 0 ? -errno : 0;
	umask(old);
	if (ret < 0) {
		close(s);
		return errmsg(why, whylen, ret, "--socket-path '%s': %s", path, strerror(-ret));
	}
	v->bound = true;
	if (group) {
		struct group *g = getgrnam(group);

		if (!g || chown(path, (uid_t)-1, g->gr_gid) < 0) {
			ret = g ? -errno : -EINVAL;
			close(s);
			return errmsg(why, whylen, ret, "--socket-group '%s': %s", group,
				      g ? strerror(-ret) : "no such group");
		}
	}
	if (listen(s, 1) < 0) {
		ret = -errno;
		close(s);
		return errmsg(why, whylen, ret, "listen: %s", strerror(-ret));
	}
	return s;
}

static int bind_path(struct vfs *v, const char *path, const char *group, char *why, size_t whylen)
{
	socklen_t salen = sizeof(struct sockaddr_un);
	struct sockaddr_un sa;
	int ret, dirfd;

	ret = unixaddr_make(&sa, path, &dirfd);
	if (ret < 0)
		return errmsg(why, whylen, ret, "--socket-path '%s': %s", path, strerror(-ret));
	ret = bind_addr(v, path, &sa, salen, group, why, whylen);
	if (dirfd >= 0)
		close(dirfd);
	return ret;
}

int vfs_listen(struct vfs *v, const struct config *cfg, char *why, size_t whylen)
{
	int ret, type = 0, acc = 0;
	socklen_t len = sizeof(type);

	memset(v, 0, sizeof(*v));
	v->cfg = cfg;
	v->listen_fd = v->conn_fd = v->epfd = -1;
	v->stop_pipe[0] = v->stop_pipe[1] = -1;
	for (unsigned int i = 0; i < VHUMSG_MAX_QUEUES; i++)
		v->kick_reg[i] = -1;
	pthread_mutex_init(&v->pend_lock, NULL);
	if (cfg->socket_fd >= 0) {
		if (getsockopt(cfg->socket_fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
		    type != SOCK_STREAM)
			return errmsg(why, whylen, -EINVAL, "--fd %d is not a stream socket",
				      cfg->socket_fd);
		len = sizeof(acc);
		if (getsockopt(cfg->socket_fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) < 0 || !acc)
			return errmsg(why, whylen, -EINVAL, "--fd %d is not a listening socket",
				      cfg->socket_fd);
		fcntl(cfg->socket_fd, F_SETFD, FD_CLOEXEC);
		v->listen_fd = cfg->socket_fd;
		return 0;
	}
	ret = bind_path(v, cfg->socket_path, cfg->socket_group, why, whylen);
	if (ret < 0)
		return ret;
	v->listen_fd = ret;
	return 0;
}

int vfs_accept(struct vfs *v, const sigset_t *waitset, int *sig)
{
	const struct timespec now = { 0, 0 };
	struct pollfd p = { .fd = v->listen_fd, .events = POLLIN };
	int ret;

	/* virtiofsd's words: scripts (and bcvk) wait for this line. */
	fprintf(stderr, "[stalefs-virtiofsd INFO] Waiting for vhost-user socket connection...\n");
	for (;;) {
		ret = sigtimedwait(waitset, NULL, &now);
		if (ret > 0 && ret != SIGUSR1 && ret != SIGUSR2) {
			*sig = ret;
			return -EINTR;
		}
		ret = poll(&p, 1, 200);
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret <= 0)
			continue;
		v->conn_fd = accept4(v->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (v->conn_fd >= 0)
			break;
		if (errno != EINTR && errno != ECONNABORTED)
			return -errno;
	}
	/* One front end: nobody else may connect while it is served. */
	close(v->listen_fd);
	v->listen_fd = -1;
	log_info("client connected, servicing requests");
	return vhu_init(&v->dev, v->conn_fd, VFS_NQUEUES);
}

/* The socket thread's view of the epoll set: before a message, take every
 * kick fd out (a message may close one, and an epoll entry outlives the fd
 * while QEMU holds the same eventfd); after it, put the running queues' in. */
static void kicks_unregister(struct vfs *v)
{
	for (unsigned int i = 0; i < VHUMSG_MAX_QUEUES; i++)
		if (v->kick_reg[i] >= 0) {
			epoll_ctl(v->epfd, EPOLL_CTL_DEL, v->kick_reg[i], NULL);
			v->kick_reg[i] = -1;
		}
}

static void kicks_register(struct vfs *v)
{
	for (unsigned int i = 0; i < v->dev.nqueues; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		int fd = v->dev.q[i].kick_fd;

		if (fd < 0 || !v->dev.q[i].running)
			continue;
		if (epoll_ctl(v->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
			v->kick_reg[i] = fd;
		else
			log_err("virtio-fs: queue %u: epoll: %m", i);
	}
}

/* vfs.h says what this tells apart; under no lock of ours on entry. */
void vfs_log_state(struct vfs *v)
{
	unsigned int pending = 0, shown = 0;
	uint64_t last = __atomic_load_n(&v->last_request_ms, __ATOMIC_RELAXED);

	pthread_rwlock_rdlock(&v->dev.mem_lock);
	pthread_mutex_lock(&v->dev.q_lock);
	for (unsigned int i = 0; i < v->dev.nqueues; i++) {
		const struct vhu_queue *q = &v->dev.q[i];
		struct vring_view w;

		if (!q->running)
			continue;
		vring_view(&q->ring, &w);
		log_info("virtio-fs: queue %u: driver avail %u (flags %#x), taken %u; used %u, "
			 "driver wants an interrupt after %u%s; %u in flight", i, w.avail_idx,
			 w.avail_flags, w.last_avail, w.used_idx, w.used_event,
			 q->ring.event_idx ? "" : " (no EVENT_IDX)", q->inflight);
	}
	pthread_mutex_unlock(&v->dev.q_lock);
	pthread_rwlock_unlock(&v->dev.mem_lock);
	pthread_mutex_lock(&v->pend_lock);
	for (unsigned int b = 0; b < VFS_PEND_BUCKETS; b++)
		for (const struct vfs_pend *p = v->pend[b]; p; p = p->next) {
			pending++;
			if (shown++ < 8)
				log_info("virtio-fs: no reply yet: request %llu, opcode %u, node %llu, "
					 "queue %u head %u", (unsigned long long)p->unique, p->opcode,
					 (unsigned long long)p->nodeid, p->queue, p->head);
		}
	pthread_mutex_unlock(&v->pend_lock);
	if (last)
		log_info("virtio-fs: %u requests without a reply; the last request came %.1f s ago",
			 pending, (mono_ms() - last) / 1000.0);
	else
		log_info("virtio-fs: %u requests without a reply; no request yet", pending);
}

static void *socket_thread(void *arg)
{
	struct vfs *v = arg;
	struct pollfd p[2] = { { .fd = v->conn_fd, .events = POLLIN },
			       { .fd = v->stop_pipe[0], .events = POLLIN } };
	int ret;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_err("virtio-fs: poll: %m");
			break;
		}
		if (p[1].revents)
			return NULL;	/* vfs_stop */
		kicks_unregister(v);
		ret = vhu_serve_one(&v->dev);
		kicks_register(v);
		if (ret == 0) {
			log_info("the front end closed the vhost-user connection: stopping");
			vfs_log_state(v);
			break;
		}
		if (ret < 0) {
			log_err("vhost-user connection: %s: stopping", strerror(-ret));
			break;
		}
	}
	fuse_session_exit(v->se);
	pthread_kill(v->main_tid, SIGUSR2);
	return (void *)1;
}

int vfs_attach(struct vfs *v, struct fuse_session *se)
{
	const struct fuse_custom_io io = { .read = vfs_read, .writev = vfs_writev };
	int ret;

	v->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (v->epfd < 0)
		return -errno;
	ret = fuse_session_custom_io(se, &io, v->epfd);
	if (ret < 0) {
		close(v->epfd);
		v->epfd = -1;
		return ret;
	}
	v->se = se;
	v->main_tid = pthread_self();
	if (pipe2(v->stop_pipe, O_CLOEXEC) < 0)
		return -errno;
	ret = pthread_create(&v->sock_tid, NULL, socket_thread, v);
	if (ret)
		return -ret;
	v->sock_started = true;
	return 0;
}

bool vfs_stop(struct vfs *v)
{
	void *res = NULL;

	if (!v->sock_started)
		return false;
	if (write(v->stop_pipe[1], "x", 1) < 0) {
		/* an empty pipe of ours: cannot fail */
	}
	pthread_join(v->sock_tid, &res);
	v->sock_started = false;
	kicks_unregister(v);
	log_info("virtio-fs: %llu requests, %llu replies, %llu bad chains dropped, %llu interrupts "
		 "sent again, %llu times requests found without a kick",
		 (unsigned long long)v->requests, (unsigned long long)v->replies,
		 (unsigned long long)v->dropped, (unsigned long long)v->renotified,
		 (unsigned long long)v->unkicked);
	return res != NULL;
}

void vfs_destroy(struct vfs *v)
{
	for (unsigned int b = 0; b < VFS_PEND_BUCKETS; b++)
		while (v->pend[b]) {
			struct vfs_pend *p = v->pend[b];

			v->pend[b] = p->next;
			free(p);
		}
	if (v->conn_fd >= 0) {
		vhu_destroy(&v->dev);
		close(v->conn_fd);
	}
	if (v->listen_fd >= 0)
		close(v->listen_fd);
	for (int i = 0; i < 2; i++)
		if (v->stop_pipe[i] >= 0)
			close(v->stop_pipe[i]);
	if (v->bound && v->cfg->socket_path)
		unlink(v->cfg->socket_path);
	pthread_mutex_destroy(&v->pend_lock);
}
