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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "creds.h"
#include "log.h"
#include "ops.h"
#include "privs.h"

void daemon_stats_mode(const struct daemon *d, struct stats_mode *m)
{
	*m = (struct stats_mode){
		.requested = d->cfg->inode_mode_fallback ? "fallback"
							 : inode_mode_name(d->cfg->inode_mode),
		.effective = inode_mode_name(d->backing.mode),
		.reason = d->backing.mode_reason,
		.cache = cache_policy_name(d->cfg->cache),
		.readdirplus = d->cfg->readdirplus,
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

/* SIGUSR1: write the stats file; SIGUSR2 (from daemon_run): stop. */
static void *stats_thread(void *arg)
{
	struct daemon *d = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	for (;;) {
		if (sigwait(&set, &sig) != 0 || sig == SIGUSR2)
			return NULL;
		write_stats(d);
	}
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
			_exit(EXIT_RUNTIME);
		_exit(status);
	}
	close(p[0]);
	setsid();
	return p[1];
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

static int probe(struct daemon *d)
{
	int ret = backing_probe(&d->backing, d->cfg->inode_mode);

	if (ret < 0) {
		log_err("--inode-file-handles=mandatory: file handles do not work here: %s",
			d->backing.mode_reason);
		return ret;
	}
	log_mode(d);
	return 0;
}

/*
 * --userns can only be entered after mounting, but a refused start must not
 * mount at all: run the probe first in a child that enters its own user
 * namespace. 0, or -errno with the reason in d->backing.mode_reason.
 */
static int probe_in_child_userns(struct daemon *d)
{
	struct backing b;
	int p[2], ret, status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(p[0]);
		close(p[1]);
		return ret;
	}
	if (pid == 0) {
		close(p[0]);
		log_set_level(LOG_LVL_ERROR);	/* the daemon logs the outcome once */
		ret = privs_enter_userns();
		if (ret == 0)
			ret = backing_init(&b, d->cfg->shared_dir);
		if (ret == 0) {
			ret = backing_probe(&b, d->cfg->inode_mode);
			if (write(p[1], b.mode_reason, strlen(b.mode_reason)) < 0)
				ret = -errno;
		}
		_exit(ret < 0 ? -ret : 0);
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
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * The serial loop (virtiofsd's default: one thread). With --busy-poll=US the
 * thread keeps reading /dev/fuse without sleeping for US microseconds after
 * each request, so a client issuing requests back to back does not pay a
 * cross-CPU wake-up per request. It changes timing only, never semantics.
 */
static int serial_loop(struct daemon *d)
{
	struct fuse_buf fbuf = { .mem = NULL };
	unsigned int spin = d->cfg->busy_poll_us;
	int fd = fuse_session_fd(d->se), res = 0;
	uint64_t idle_since = 0;

	if (spin && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		spin = 0;
	while (!fuse_session_exited(d->se)) {
		res = fuse_session_receive_buf(d->se, &fbuf);
		if (res == -EINTR)
			continue;
		if (res == -EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (!idle_since)
				idle_since = mono_us();
			if (mono_us() - idle_since < spin)
				continue;
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				break;
			continue;
		}
		if (res <= 0)
			break;
		idle_since = 0;
		fuse_session_process_buf(d->se, &fbuf);
	}
	free(fbuf.mem);
	fuse_session_reset(d->se);
	return res < 0 && res != -EAGAIN ? res : 0;
}

static int session_loop(struct daemon *d)
{
	unsigned int n = d->cfg->thread_pool_size;

	if (n == 0)
		return serial_loop(d);
#if FUSE_USE_VERSION >= 312
	struct fuse_loop_config *lc = fuse_loop_cfg_create();
	int ret;

	if (!lc)
		return -ENOMEM;
	fuse_loop_cfg_set_max_threads(lc, n);
	fuse_loop_cfg_set_idle_threads(lc, n);
	ret = fuse_session_loop_mt(d->se, lc);
	fuse_loop_cfg_destroy(lc);
	return ret;
#else
	struct fuse_loop_config lc = { .clone_fd = 0, .max_idle_threads = n };

	return fuse_session_loop_mt(d->se, &lc);
#endif
}

int daemon_run(const struct config *cfg)
{
	struct daemon d = { .cfg = cfg };
	char *fuse_argv[] = { "stalefs", "-o",
			      "fsname=stalefs,subtype=stalefs,default_permissions,allow_other,auto_unmount",
			      cfg->debug ? "-d" : NULL, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(cfg->debug ? 4 : 3, fuse_argv);
	int status_fd = -1, code = EXIT_RUNTIME, ret;
	pthread_t stats_tid;
	bool stats_started = false;

	sigset_t set;

	/* SIGUSR1/2 are for the stats thread; blocked from the start (an early
	 * SIGUSR1 must not kill us) and in every thread created later. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
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
			return EXIT_RUNTIME;
		}
	}

	ret = backing_init(&d.backing, cfg->shared_dir);
	if (ret < 0) {
		log_err("shared dir '%s': %s", cfg->shared_dir, strerror(-ret));
		code = EXIT_USAGE;
		goto out_report;
	}
	ret = store_init(&d.store);
	if (ret == 0)
		ret = stats_init(&d.stats, cfg->events_path);
	if (ret < 0) {
		log_err("setting up: %s%s%s", strerror(-ret), cfg->events_path ? ": events file " : "",
			cfg->events_path ? cfg->events_path : "");
		code = EXIT_USAGE;
		goto out_backing;
	}
	if (cfg->unprivileged) {
		ret = privs_drop_dac_read_search();
		if (ret < 0) {
			log_err("--unprivileged: dropping CAP_DAC_READ_SEARCH: %s", strerror(-ret));
			goto out_stats;
		}
	}
	if (cfg->userns) {
		ret = probe_in_child_userns(&d);
		if (ret < 0 && cfg->inode_mode == INODE_MODE_MANDATORY) {
			log_err("--inode-file-handles=mandatory: file handles do not work here: %s",
				d.backing.mode_reason);
			code = EXIT_USAGE;
			goto out_stats;
		}
	} else if (probe(&d) < 0) {
		code = EXIT_USAGE;
		goto out_stats;
	}
	d.se = fuse_session_new(&args, &stalefs_ops, sizeof(stalefs_ops), &d);
	if (!d.se) {
		log_err("cannot create the FUSE session");
		goto out_stats;
	}
	if (fuse_set_signal_handlers(d.se) != 0)
		goto out_session;
	if (fuse_session_mount(d.se, cfg->mountpoint) != 0) {
		log_err("cannot mount on '%s'", cfg->mountpoint);
		goto out_signals;
	}
	if (cfg->userns) {
		ret = privs_enter_userns();
		if (ret < 0) {
			log_err("--userns: %s", strerror(-ret));
			goto out_unmount;
		}
		if (probe(&d) < 0) {
			code = EXIT_USAGE;
			goto out_unmount;
		}
	}

	if (pthread_create(&stats_tid, NULL, stats_thread, &d) == 0)
		stats_started = true;

	report(&status_fd, 0);
	if (!cfg->foreground && chdir("/") < 0) {
		/* not fatal: the mount and the shared dir are held by fds */
	}
	ret = session_loop(&d);
	code = ret == 0 ? 0 : EXIT_RUNTIME;
	if (stats_started) {
		pthread_kill(stats_tid, SIGUSR2);
		pthread_join(stats_tid, NULL);
	}
	write_stats(&d);
out_unmount:
	/* In a user namespace umount2 fails; closing the fd lets fusermount3 do it. */
	if (!cfg->userns)
		fuse_session_unmount(d.se);
out_signals:
	fuse_remove_signal_handlers(d.se);
out_session:
	fuse_session_destroy(d.se);
out_stats:
	stats_destroy(&d.stats);
	store_destroy(&d.store);
out_backing:
	backing_destroy(&d.backing);
out_report:
	report(&status_fd, code ? code : EXIT_RUNTIME);
	fuse_opt_free_args(&args);
	return code;
}
