/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File-descriptor limits as virtiofsd has them (research: fdlimit notes in
 * README "virtiofsd's fd model"). At start, --rlimit-nofile sets soft = hard
 * (virtiofsd limits.rs: default min(1,000,000, fs.nr_open); 0 leaves the
 * limit alone; when the default cannot be set, the old hard limit is used
 * with one warning; an explicit value that cannot be set refuses the start).
 *
 * The guest-fd limit is virtiofsd 1.13.2's GuestFdSemaphore: the O_PATH fds
 * of new inode entries and the fds of OPEN/OPENDIR/CREATE handles share one
 * counter, limit = RLIMIT_NOFILE - (609 + max(thread pool, 1)); past it the
 * fd is closed and the request answers ENFILE. 1.13.0 has no such limit: its
 * fds run into RLIMIT_NOFILE and the host answers EMFILE. Guest fds are
 * counted in both models (for the event log); only 1.13.2 enforces.
 */
#ifndef STALEFS_FDLIMIT_H
#define STALEFS_FDLIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define FDLIMIT_DEFAULT 1000000ULL	/* virtiofsd limits.rs DEFAULT_NOFILE */
#define FDLIMIT_RESERVE 609ULL		/* MAX_MEM_SLOTS 509 + 100 */

struct fdlimit {
	uint64_t rlimit;		/* immutable after fdlimit_setup: soft limit in effect */
	uint64_t guest_limit;		/* immutable; UINT64_MAX: not enforced (1.13.0) */
	bool enforce;			/* immutable; the 1.13.2 model */
	uint64_t guest_used;		/* atomic; guest fds held now */
	uint64_t refused;		/* atomic; ENFILE answers of the guest limit */
	int logged;			/* atomic; the once-per-process error line */
	pthread_mutex_t count_lock;
	int count_fd;			/* count_lock; O_DIRECTORY fd of /proc/self/fd, or -1 */
	char warning[256];		/* immutable; said once the start succeeded ("" none) */
};

/*
 * Apply cfg's --rlimit-nofile the way virtiofsd does and work out the guest
 * limit for cfg's version. 0, or -errno with a one-line reason in err (a
 * refused start: explicit limit above fs.nr_open or not settable, or a limit
 * below the guest-fd reserve in the 1.13.2 model).
 */
int fdlimit_setup(struct fdlimit *fl, const struct config *cfg, char *err, size_t errlen);
void fdlimit_destroy(struct fdlimit *fl);
/* Log the setup's warnings (kept until the start is sure: a refused start says one line). */
void fdlimit_report(const struct fdlimit *fl);

/* Take a guest fd slot: 0, or -ENFILE (1.13.2 model, limit reached). */
int fdlimit_take(struct fdlimit *fl);
void fdlimit_give(struct fdlimit *fl);

/* The fds the process holds now (a getdents of /proc/self/fd), or -1. */
long fdlimit_open_fds(struct fdlimit *fl);

/*
 * For an EMFILE/ENFILE reply: which limit it hit, in words
 * ("RLIMIT_NOFILE 800 reached, 800 fds open (790 guest fds)") and as fields.
 */
struct fdlimit_note {
	const char *limit;	/* "RLIMIT_NOFILE", "guest-fd", "fs.file-max" */
	uint64_t limit_n;	/* 0 when unknown */
	long fds;		/* process fds, -1 unknown */
	uint64_t guest_fds;
};
void fdlimit_explain(struct fdlimit *fl, int err, bool from_guest_limit, struct fdlimit_note *n);

#endif
