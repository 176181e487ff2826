// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's life: open the shared dir, set the privilege condition, run
 * the handle probe, (fork to the background,) mount with auto_unmount so the
 * mount goes away even on SIGKILL, serve until unmount or SIGTERM, write the
 * final stats. Order matters: --unprivileged drops its capability before
 * the probe; --userns can only be entered after mounting, so its probe runs
 * then, and a refused start unmounts again.
 */
#include "daemon.h"
#include "build_config.h"
#include "clock.h"

#include "ctl.h"
#include "daemon_state.h"
#include "faults.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "creds.h"
#include "log.h"
#include "ops.h"
#include "privs.h"
#include "errsrc.h"
#if HAVE_FUSE_CUSTOM_IO
#include "vfs.h"
#endif

void daemon_stats_mode(const struct daemon *d, struct stats_mode *m)
{
	*m = (struct stats_mode){
		.requested = d->cfg->inode_mode_fallback ? "fallback"
							 : inode_mode_name(d->cfg->inode_mode),
		.effective = inode_mode_name(d->backing.mode),
		.reason = d->backing.mode_reason,
		.cache = cache_policy_name(d->cfg->cache),
		.readdirplus = d->cfg->readdirplus,
		.version = virtiofsd_version_name(d->cfg->virtiofsd_version),
		.rlimit = d->fdl.rlimit,
		.guest_limit = d->fdl.enforce ? d->fdl.guest_limit : 0,
		.guest_fds = __atomic_load_n(&d->fdl.guest_used, __ATOMIC_RELAXED),
		.guest_refused = __atomic_load_n(&d->fdl.refused, __ATOMIC_RELAXED),
		.announce_submounts = d->cfg->announce_submounts,
		.submounts_offered = __atomic_load_n(&d->submounts_offered, __ATOMIC_ACQUIRE),
		.submounts_sent = __atomic_load_n(&d->submounts_sent, __ATOMIC_RELAXED),
		.identity_changes = __atomic_load_n(&d->identity_changes, __ATOMIC_RELAXED),
		.identity_slots = d->names.nslots,
	};
}

static void write_stats(struct daemon *d)
{
	struct stats_mode m;
	int ret;

	if (!d->cfg->stats_path)
		return;
	daemon_stats_mode(d, &m);
	ret = stats_write_file(&d->stats, &d->store, &m, d->cfg->stats_path);
	if (ret < 0)
		log_warn("writing stats to %s: %s", d->cfg->stats_path, strerror(-ret));
}

/*
 * Fork; the parent waits for one status byte from the child (0 = mounted
 * and serving) and exits with it. Returns the fd the child reports on.
 */
static int background(void)
{
	int p[2];
	pid_t pid;
	unsigned char status;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &status, 1) != 1)
			status = EXIT_FAIL;
		/* A failed start: the daemon is gone before its caller hears so. */
		if (status != 0)
			waitpid(pid, NULL, 0);
		_exit(status);
	}
	close(p[0]);
	setsid();
	return p[1];
}

/*
 * Once serving in the background: nothing of the caller's may stay open, or
 * `out=$(stalefs mount ...)` would wait for us. stderr stays if it is a file.
 */
static void detach_stdio(void)
{
	struct stat st;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return;
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	if (fstat(STDERR_FILENO, &st) < 0 || !S_ISREG(st.st_mode))
		dup2(null, STDERR_FILENO);
	close(null);
	if (chdir("/") < 0) {
		/* not fatal: the mount and the shared dir are held by fds */
	}
}

static void report(int *status_fd, unsigned char code)
{
	if (*status_fd < 0)
		return;
	if (write(*status_fd, &code, 1) < 0) {
		/* the parent is gone; nothing to tell */
	}
	close(*status_fd);
	*status_fd = -1;
}

static void log_mode(const struct daemon *d)
{
	const struct config *cfg = d->cfg;

	log_info("inode-file-handles: requested %s, in effect %s (%s); cache %s, readdirplus %s, "
		 "threads %u%s%s",
		 cfg->inode_mode_fallback ? "fallback" : inode_mode_name(cfg->inode_mode),
		 inode_mode_name(d->backing.mode), d->backing.mode_reason,
		 cache_policy_name(cfg->cache), cfg->readdirplus ? "on" : "off",
		 cfg->thread_pool_size, cfg->unprivileged ? ", unprivileged" : "",
		 cfg->userns ? ", user namespace" : "");
}

int daemon_path_of(struct daemon *d, uint64_t nodeid, const char *name, char *buf, size_t len)
{
	char link[32], host[4096];
	struct inode *inode = store_get(&d->store, nodeid);
	size_t rootlen = strlen(d->root_path);
	ssize_t n;
	int fd;

	if (!inode)
		return -ENOENT;
	/* Not backing_path_fd: its fault hooks must not run from inside the engine. */
	fd = inode->fd >= 0 ? inode->fd
			    : fhandle_open(&d->backing.mounts, inode->ids.mnt_id, &inode->fh, O_PATH);
	if (fd < 0) {
		store_put(&d->store, inode);
		return fd;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, host, sizeof(host) - 1);
	if (fd != inode->fd)
		close(fd);
	store_put(&d->store, inode);
	if (n < 0)
		return -errno;
	host[n] = '\0';
	if (strncmp(host, d->root_path, rootlen) != 0 || (host[rootlen] && host[rootlen] != '/'))
		return -EXDEV;	/* not under the shared dir (e.g. deleted) */
	snprintf(buf, len, "%s%s%s", host + rootlen, name ? "/" : "", name ? name : "");
	if (!buf[0])
		snprintf(buf, len, "/");
	return 0;
}

/* inject_target.path_of */
static int path_of(void *arg, uint64_t nodeid, const char *name, char *buf, size_t len)
{
	return daemon_path_of(arg, nodeid, name, buf, len);
}

static void log_fault(void *arg, const struct inject_event *ev)
{
	struct daemon *d = arg;

	stats_fault_event(&d->stats, ev);
	log_debug("fault #%llu rule %u %s: %s nodeid %llu: %s", (unsigned long long)ev->seq,
		  ev->rule_id, fault_kind_name(ev->kind), op_name(ev->op),
		  (unsigned long long)ev->nodeid, ev->answer);
}

int daemon_send(struct daemon *d, const struct iovec *iov, int cnt)
{
#if HAVE_FUSE_CUSTOM_IO
	if (d->vfs) {
		ssize_t n = vfs_send(d->vfs, iov, cnt);

		return n < 0 ? (int)n : 0;
	}
#endif
	return writev(fuse_session_fd(d->se), iov, cnt) < 0 ? -errno : 0;
}

/* The engine with --inject rules and --profile files. 0 or -errno. */
static int daemon_inject_init(struct daemon *d)
{
	const struct inject_target t = {
		.arg = d, .path_of = path_of, .log = log_fault,
		/* No FUSE_NOTIFY_* reaches a virtio-fs guest. */
		.refused_kinds = d->cfg->vhost_user ? 1u << FAULT_KERNEL_EVICT : 0,
		.refused_why = "it sends FUSE notifications, and virtio-fs has no notification queue "
			       "(use evict or restart to make entries stale behind virtio-fs)",
	};
	char err[512];
	int ret = inject_init(&d->inj, &t);

	for (unsigned int i = 0; ret == 0 && i < d->cfg->nprofiles; i++) {
		ret = inject_add_file(&d->inj, d->cfg->profiles[i], err, sizeof(err));
		if (ret < 0)
			log_err("--profile: %s", err);
		else
			ret = 0;
	}
	for (unsigned int i = 0; ret == 0 && i < d->cfg->nrules; i++) {
		ret = inject_add(&d->inj, d->cfg->rules[i], err, sizeof(err));
		if (ret < 0)
			log_err("--inject: %s", err);
		else
			ret = 0;
	}
	d->backing.inj = &d->inj;
	return ret;
}

static int probe(struct daemon *d)
{
	int ret = backing_probe(&d->backing, d->cfg->inode_mode);

	if (ret < 0) {
		if (d->cfg->inode_mode == INODE_MODE_MANDATORY)
			log_err("--inode-file-handles=mandatory: file handles do not work here: %s",
				d->backing.mode_reason);
		else
			log_err("--inode-file-handles=%s: the handle probe failed: %s",
				inode_mode_name(d->cfg->inode_mode), d->backing.mode_reason);
		return ret;
	}
	log_mode(d);
	return 0;
}

/* The probe child's side of probe_in_child_userns: it starts in its own user
 * namespace and writes the mode reason down the pipe. */
struct probe_child {
	const struct config *cfg;
	int wfd;
};

static int probe_child(void *arg)
{
	const struct probe_child *pc = arg;
	struct backing b;
	int ret;

	log_set_level(LOG_LVL_ERROR);	/* the daemon logs the outcome once */
	ret = privs_map_userns();
	if (ret < 0) {
		snprintf(b.mode_reason, sizeof(b.mode_reason), "%s", strerror(-ret));
		if (write(pc->wfd, b.mode_reason, strlen(b.mode_reason)) < 0) {
			/* the parent reads what it can */
		}
		_exit(ECHILD);
	}
	ret = backing_init(&b, pc->cfg->shared_dir);
	if (ret == 0) {
		ret = backing_probe(&b, pc->cfg->inode_mode);
		if (write(pc->wfd, b.mode_reason, strlen(b.mode_reason)) < 0)
			ret = -errno;
	}
	/* ECHILD: the namespace itself could not be entered. */
	_exit(ret < 0 ? -ret : 0);
}

/*
 * --userns can only be entered after mounting, but a refused start must not
 * mount at all: run the probe first in a child made in its own user
 * namespace. A raw clone(CLONE_NEWUSER) with fork's semantics (no new stack)
 * rather than fork + unshare: unshare refuses a process with threads, and a
 * fork's child may have one (ThreadSanitizer starts its background thread
 * there); no stack switch keeps ASan quiet. 0, or -errno with the reason in
 * d->backing.mode_reason (-ECHILD: no user namespace here).
 */
static int probe_in_child_userns(struct daemon *d)
{
	struct probe_child pc = { .cfg = d->cfg };
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pc.wfd = p[1];
	fflush(NULL);
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		probe_child(&pc);	/* does not return */
	if (pid < 0) {
		snprintf(d->backing.mode_reason, sizeof(d->backing.mode_reason), "%s",
			 strerror(errno));
		close(p[0]);
		close(p[1]);
		return -ECHILD;
	}
	close(p[1]);
	n = read(p[0], d->backing.mode_reason, sizeof(d->backing.mode_reason) - 1);
	d->backing.mode_reason[n > 0 ? n : 0] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status))
		return -EIO;
	return -WEXITSTATUS(status);
}

static uint64_t mono_us(void)
{
	return mono_ns() / 1000;
}

struct loop {
	struct daemon *d;
	int wake[2];		/* written once at shutdown: every worker wakes */
	pthread_t main_tid;
	int error;		/* atomic; a worker saw the session fail */
};

/*
 * A worker: read a request, let the fault gate see it, hand it to libfuse.
 * --thread-pool-size=0 runs one worker (serial, virtiofsd's default); N runs
 * N. The fd is non-blocking and workers sleep in poll() together with the
 * wake pipe, so shutdown reaches all of them. --busy-poll=US keeps a worker
 * reading for US microseconds before it sleeps.
 */
static void *worker(void *arg)
{
	struct loop *lp = arg;
	struct daemon *d = lp->d;
	struct fuse_buf fbuf = { .mem = NULL };
	int fd = fuse_session_fd(d->se), res;
	uint64_t idle_since = 0;

	while (!fuse_session_exited(d->se)) {
		res = fuse_session_receive_buf(d->se, &fbuf);
		if (res == -EINTR)
			continue;
		if (res == -EAGAIN) {
			struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
					       { .fd = lp->wake[0], .events = POLLIN } };

			if (!idle_since)
				idle_since = mono_us();
			if (mono_us() - idle_since < d->cfg->busy_poll_us)
				continue;
			/* Behind virtio-fs, idle for 100 ms: vfs_idle re-checks the
			 * driver's interrupt requests. */
			res = poll(p, 2, d->vfs ? 100 : -1);
			if (res < 0 && errno != EINTR)
				break;
			if (res == 0 && d->vfs)
				vfs_idle(d->vfs);
			continue;
		}
		if (res < 0)
			__atomic_store_n(&lp->error, 1, __ATOMIC_RELAXED);
		if (res <= 0)
			break;	/* 0: unmounted (ENODEV) or exited */
		idle_since = 0;
		if (!op_fault_gate(d, &fbuf))
			fuse_session_process_buf(d->se, &fbuf);
	}
	free(fbuf.mem);
	fuse_session_exit(d->se);
	pthread_kill(lp->main_tid, SIGUSR2);	/* the main thread wakes and stops all */
	return NULL;
}

/*
 * Serve until SIGTERM/SIGINT/SIGHUP or unmount. The main thread only waits
 * for signals (SIGUSR1 writes the stats and, behind virtio-fs, logs the
 * queues); workers block every signal.
 * Returns 0 for a clean stop, -EIO if a worker saw the session fail.
 */
static int serve(struct daemon *d, const sigset_t *waitset)
{
	unsigned int n = d->cfg->thread_pool_size ? d->cfg->thread_pool_size : 1;
	struct loop lp = { .d = d, .main_tid = pthread_self() };
	pthread_t *tids = calloc(n, sizeof(*tids));
	unsigned int started = 0;
	int fd = fuse_session_fd(d->se), sig;

	if (!tids || pipe2(lp.wake, O_CLOEXEC) < 0) {
		free(tids);
		return -errno;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (; started < n; started++)
		if (pthread_create(&tids[started], NULL, worker, &lp) != 0)
			break;
	while (started && !fuse_session_exited(d->se)) {
		if (sigwait(waitset, &sig) != 0)
			continue;
		if (sig == SIGUSR1) {
			write_stats(d);
			if (d->vfs)
				vfs_log_state(d->vfs);
		}
		else if (sig != SIGUSR2)
			fuse_session_exit(d->se);
	}
	fuse_session_exit(d->se);
	if (write(lp.wake[1], "x", 1) < 0) {
		/* the pipe is ours and empty: cannot fail */
	}
	for (unsigned int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	close(lp.wake[0]);
	close(lp.wake[1]);
	free(tids);
	fuse_session_reset(d->se);
	return started == 0 ? -EAGAIN : lp.error ? -EIO : 0;
}

int daemon_run(const struct config *cfg)
{
	struct daemon d = { .cfg = cfg };
#if HAVE_FUSE_CUSTOM_IO
	struct vfs vfs;
#endif
	char *fuse_argv[] = { "stalefs", "-o",
			      "fsname=stalefs,subtype=stalefs,default_permissions,allow_other,auto_unmount",
			      cfg->debug ? "-d" : NULL, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(cfg->debug ? 4 : 3, fuse_argv);
	int status_fd = -1, code = EXIT_FAIL, ret;
	bool in_userns = false, served = false;
	sigset_t set;

	/* Every thread blocks these; the main thread takes them with sigwait in
	 * serve(). Blocked from the start, so an early SIGUSR1 cannot kill us. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_set_level(cfg->log_level);
	if (cfg->inode_mode_fallback)
		log_warn("--inode-file-handles=fallback is deprecated, use prefer");
	umask(0);	/* the kernel already applied the caller's umask */
	/* READ and READDIR buffers are 128 KiB to 1 MiB: keep them on the heap
	 * for reuse instead of an mmap and page faults per request. */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	creds_init();
	/* Fork first: /proc/self/fd and the handle probe belong to the daemon process. */
	if (!cfg->foreground) {
		status_fd = background();
		if (status_fd < 0) {
			log_err("fork: %s", strerror(-status_fd));
			return EXIT_FAIL;
		}
	}

	/* virtiofsd sets the fd limit before the rest of its setup. */
	{
		char why[512];

		ret = fdlimit_setup(&d.fdl, cfg, why, sizeof(why));
		if (ret < 0) {
			log_err("%s", why);
			code = EXIT_USAGE;
			goto out_fdlimit;
		}
	}
	faults_sweep_rebind(cfg->shared_dir);	/* before the dir is opened */
	ret = backing_init(&d.backing, cfg->shared_dir);
	if (ret < 0) {
		log_err("shared dir '%s': %s", cfg->shared_dir, strerror(-ret));
		code = EXIT_USAGE;
		goto out_fdlimit;
	}
	if (!realpath(cfg->shared_dir, d.root_path))
		snprintf(d.root_path, sizeof(d.root_path), "%s", cfg->shared_dir);
	d.ctl_fd = -1;
	ret = store_init(&d.store);
	d.store.fdl = &d.fdl;
	if (ret == 0)
		ret = names_init(&d.names, cfg->identity_names);
	if (ret == 0)
		ret = stats_init(&d.stats, cfg->events_path);
	if (ret == 0)
		ret = daemon_inject_init(&d);
	if (ret < 0) {
		log_err("setting up: %s%s%s", strerror(-ret), cfg->events_path ? ": events file " : "",
			cfg->events_path ? cfg->events_path : "");
		code = EXIT_USAGE;
		goto out_stats;	/* each destroy takes a part never set up (d is zeroed) */
	}
	if (cfg->unprivileged) {
		ret = privs_drop_dac_read_search();
		if (ret < 0) {
			log_err("--unprivileged: dropping CAP_DAC_READ_SEARCH: %s", strerror(-ret));
			goto out_stats;
		}
	}
	if (cfg->userns && cfg->vhost_user) {
		/* No mount to make first: enter the namespace now, as virtiofsd
		 * started under `unshare -Ur` would be. */
		ret = privs_enter_userns();
		if (ret < 0) {
			log_err("--userns: cannot enter a user namespace here: %s", strerror(-ret));
			code = EXIT_CANNOT_RUN;
			goto out_stats;
		}
		in_userns = true;
		if (probe(&d) < 0) {
			code = EXIT_CANNOT_RUN;
			goto out_stats;
		}
	} else if (cfg->userns) {
		ret = probe_in_child_userns(&d);
		if (ret == -ECHILD) {
			log_err("--userns: cannot enter a user namespace here: %s", d.backing.mode_reason);
			code = EXIT_CANNOT_RUN;
			goto out_stats;
		}
		if (ret < 0) {
			log_err("--inode-file-handles=%s: file handles do not work here: %s",
				inode_mode_name(cfg->inode_mode), d.backing.mode_reason);
			code = EXIT_CANNOT_RUN;
			goto out_stats;
		}
	} else if (probe(&d) < 0) {
		code = EXIT_CANNOT_RUN;
		goto out_stats;
	}
	if (cfg->vhost_user) {
#if HAVE_FUSE_CUSTOM_IO
		char why[512];

		ret = vfs_listen(&vfs, cfg, why, sizeof(why));
		d.vfs = &vfs;
		if (ret < 0) {
			log_err("%s", why);
			code = EXIT_USAGE;
			goto out_vfs;
		}
#else
		log_err("this build has no virtio-fs transport: libfuse %d.%d has no "
			"fuse_session_custom_io (3.13 and later have it)", FUSE_MAJOR_VERSION,
			FUSE_MINOR_VERSION);
		code = EXIT_CANNOT_RUN;
		goto out_stats;
#endif
	} else if (access("/dev/fuse", R_OK | W_OK) < 0) {
		log_err("/dev/fuse: %s (modprobe fuse; a container needs --device /dev/fuse)",
			strerror(errno));
		code = EXIT_CANNOT_RUN;
		goto out_stats;
	}
	d.se = fuse_session_new(&args, &stalefs_ops, sizeof(stalefs_ops), &d);
	if (!d.se) {
		log_err("cannot create the FUSE session");
		goto out_vfs;
	}
	if (cfg->vhost_user) {
#if HAVE_FUSE_CUSTOM_IO
		int sig = 0;

		ret = vfs_accept(&vfs, &set, &sig);
		if (ret == -EINTR) {
			log_info("%s before a front end connected: stopping", strsignal(sig));
			code = 0;
			goto out_session;
		}
		if (ret == 0)
			ret = vfs_attach(&vfs, d.se);
		if (ret < 0) {
			log_err("vhost-user: %s", strerror(-ret));
			goto out_session;
		}
#endif
	} else {
		if (fuse_session_mount(d.se, cfg->mountpoint) != 0) {
			log_err("cannot mount on '%s'", cfg->mountpoint);
			goto out_session;
		}
		if (cfg->userns) {
			ret = privs_enter_userns();
			if (ret < 0) {
				log_err("--userns: %s", strerror(-ret));
				goto out_unmount;
			}
			in_userns = true;
			if (probe(&d) < 0) {
				code = EXIT_CANNOT_RUN;
				goto out_unmount;
			}
		}
	}
	if (faults_start(&d) < 0 ||
	    (cfg->control_path && ctl_start(&d, cfg->control_path) < 0)) {
		code = cfg->control_path ? EXIT_USAGE : EXIT_FAIL;
		goto out_faults;
	}

	fdlimit_report(&d.fdl);
	report(&status_fd, 0);
	if (!cfg->foreground)
		detach_stdio();
	ret = serve(&d, &set);
	code = ret == 0 ? 0 : EXIT_FAIL;
	served = true;
out_faults:
	ctl_stop(&d, cfg->control_path);
	faults_stop(&d);
out_unmount:
	/* In a user namespace umount2 fails; closing the fd lets fusermount3 do it. */
	if (!in_userns && !cfg->vhost_user)
		fuse_session_unmount(d.se);
out_session:
#if HAVE_FUSE_CUSTOM_IO
	/* The socket thread uses the session: it stops first. */
	if (d.vfs)
		vfs_stop(&vfs);
#endif
	fuse_session_destroy(d.se);	/* calls op_destroy: the store empties */
	/* The last stats show the store as DESTROY left it. */
	if (served)
		write_stats(&d);
out_vfs:
#if HAVE_FUSE_CUSTOM_IO
	if (d.vfs)
		vfs_destroy(&vfs);
#endif
out_stats:
	inject_destroy(&d.inj);
	stats_destroy(&d.stats);
	store_destroy(&d.store);
	names_destroy(&d.names);
	backing_destroy(&d.backing);
out_fdlimit:
	fdlimit_destroy(&d.fdl);
	report(&status_fd, code ? code : EXIT_FAIL);
	fuse_opt_free_args(&args);
	return code;
}
