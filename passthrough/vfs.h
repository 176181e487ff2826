/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio-fs transport: libfuse's low-level session reads its requests
 * from, and writes its replies to, the virtqueues of a vhost-user-fs device
 * (vhu.h) instead of /dev/fuse, through fuse_session_custom_io (libfuse
 * 3.13 and later; without it this file is not built: HAVE_FUSE_CUSTOM_IO).
 * The ops, inode store, fault gate, events and stats are the same as for a
 * mount; only where the bytes come from and go to differs.
 *
 *	vfs_listen	bind --socket-path (or take --fd); a live socket is refused
 *	vfs_accept	wait for the one front end (QEMU); signals stop the wait
 *	vfs_attach	give the session our read/writev and start the socket thread
 *	vfs_stop	stop the socket thread (before fuse_session_destroy)
 *	vfs_destroy	close the connection, unmap guest memory, remove the socket
 *
 * Threads. The socket thread runs the vhost-user protocol. The session's fd
 * is an epoll set of the running queues' kick fds: the workers (daemon.c)
 * poll it and call fuse_session_receive_buf, whose read callback takes one
 * chain from a running queue (round robin), copies its readable part into
 * libfuse's buffer and files the chain as in flight under the request's
 * unique. The writev callback finds the chain by the reply's unique, copies
 * the reply into its writable part, hands it back (used ring) and signals
 * the call fd when the driver wants it. Requests that get no reply (all of
 * the hiprio queue: FORGET, BATCH_FORGET, INTERRUPT) are handed back as
 * soon as they are copied. When the front end goes away the socket thread
 * ends the session and wakes the main thread (SIGUSR2): the daemon exits,
 * as virtiofsd does.
 *
 * Trust: chains, lengths and ring indices come from the guest and are
 * checked by vring.c against the memory table; a bad chain is handed back
 * empty with a log line, a bad ring index stops that queue. A reply's
 * unique that is not in flight (a reply to FORGET, or to a request of a
 * ring that has since been reset) is dropped.
 *
 * Locking: the device's mem_lock (read side) is held while a chain or a
 * reply is copied, so memory and rings cannot change under the copy; its
 * q_lock covers pop and push; pend_lock covers the in-flight table. Order:
 * mem_lock, then q_lock or pend_lock (never both).
 */
#ifndef STALEFS_VFS_H
#define STALEFS_VFS_H

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "vhu.h"

#define VFS_NQUEUES 2		/* hiprio + one request queue, as virtiofsd 1.13 */
#define VFS_PEND_BUCKETS 1024	/* in-flight table; a power of 2 */

struct vfs_pend;

struct vfs {
	const struct config *cfg;	/* immutable */
	int listen_fd;			/* -1 once accepted */
	bool bound;			/* we made socket_path: remove it at the end */
	int conn_fd;			/* the front end; -1 before vfs_accept */
	int epfd;			/* the session's fd; libfuse closes it */
	struct fuse_session *se;	/* immutable after vfs_attach */
	pthread_t main_tid;		/* woken with SIGUSR2 on disconnect */
	pthread_t sock_tid;
	bool sock_started;
	int stop_pipe[2];		/* vfs_stop wakes the socket thread */
	int kick_reg[VHUMSG_MAX_QUEUES];	/* socket thread only: fds in epfd */
	unsigned int rr;		/* under dev.q_lock: the queue the next read tries first */
	pthread_mutex_t pend_lock;
	struct vfs_pend *pend[VFS_PEND_BUCKETS];	/* under pend_lock */
	uint64_t requests, replies, dropped;	/* atomic counters, for the log */
	uint64_t renotified;		/* atomic: interrupts sent again by vfs_idle */
	uint64_t unkicked;		/* atomic: vfs_idle found requests no kick announced */
	/* Under dev.q_lock: when vfs_idle first saw the driver wait on used
	 * entries (CLOCK_MONOTONIC ms, 0: it does not), at this used index. */
	uint64_t idle_since_ms[VHUMSG_MAX_QUEUES];
	uint16_t idle_used[VHUMSG_MAX_QUEUES];
	uint64_t last_request_ms;	/* atomic: CLOCK_MONOTONIC of the last request, 0: none */
	struct vhu_dev dev;
};

/* The worker found nothing to do for a while: a queue whose driver still
 * waits for an interrupt for entries already used, 100 ms after an idle look
 * first saw it and with no progress since, gets it (again). A guest's request never waits
 * forever on a lost interrupt; a spurious one costs it a look at an empty
 * ring. Counted in renotified; requests found that no kick announced are
 * counted in unkicked. */
void vfs_idle(struct vfs *v);
/* Log both sides of each running queue, the requests not answered yet and
 * how long ago the last one came: what a hung guest waits on (a lost
 * interrupt, a lost kick, a request without a reply, or none of those).
 * SIGUSR1 and the front end's leaving call it. */
void vfs_log_state(struct vfs *v);
/* Set up v for cfg and listen (socket_path or socket_fd). 0, or -errno
 * with a one-line reason in why (-EADDRINUSE: another back end answers). */
int vfs_listen(struct vfs *v, const struct config *cfg, char *why, size_t whylen);
/* Wait for the front end. 0 connected, -EINTR a signal of waitset arrived
 * (*sig says which), -errno otherwise. */
int vfs_accept(struct vfs *v, const sigset_t *waitset, int *sig);
/* Make se use the device; userdata of se must be what read/writev get
 * (the daemon); starts the socket thread. 0 / -errno. */
int vfs_attach(struct vfs *v, struct fuse_session *se);
/* Send a raw reply (an out header and its payload) through the device, as
 * the fault gate does for injected answers. Bytes sent, or -errno. */
ssize_t vfs_send(struct vfs *v, const struct iovec *iov, int cnt);
/* Stop the socket thread; true if the front end had gone away. */
bool vfs_stop(struct vfs *v);
void vfs_destroy(struct vfs *v);

#endif
