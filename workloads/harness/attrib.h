/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attribution: who produced each ESTALE a workload saw. The daemon logs
 * every error reply with the calling thread (FUSE's in.h.pid is the tid),
 * CLOCK_MONOTONIC time, and its source (a fault rule, a host syscall, a
 * daemon rule). A surfaced ESTALE (the workload's event: tid, [start, end]
 * of the syscall) is joined with the daemon's ESTALE replies to that thread
 * inside the syscall's window: the last one is what surfaced (a path call
 * that surfaces ESTALE had both VFS passes fail), and all of them are used
 * up. None in the window: the kernel made it (overlayfs, export ops, a bad
 * inode). Daemon ESTALE replies left over were masked: the syscall they
 * belonged to still succeeded (the VFS retried with LOOKUP_REVAL). Events
 * without a start (io_uring completions run in io-wq workers, other tids)
 * join on time alone, in the second before they completed.
 */
#ifndef STALEFS_ATTRIB_H
#define STALEFS_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct attrib_reply {		/* one ESTALE reply from the daemon's event log */
	uint64_t t_ns;
	uint32_t pid;
	char source[16];	/* inject | host | daemon */
	char detail[96];	/* "rule 1 errno", "open_by_handle_at", ... */
	bool used;
};

struct attrib_seen {		/* one surfaced ESTALE from the workload */
	uint64_t t_ns, start_ns;	/* start_ns 0: unknown */
	int tid;
	uint64_t weight;	/* the ESTALE it stands for (its bucket's share); 0 counts 1 */
};

#define ATTRIB_KEYS 64

struct attrib {
	struct {
		char source[16];
		char detail[96];
		uint64_t n;
	} key[ATTRIB_KEYS];	/* surfaced ESTALE per daemon source and detail */
	int nkeys;
	uint64_t kernel;	/* surfaced with no daemon ESTALE in the window */
	uint64_t unattributed;	/* surfaced but not in the workload's event list */
	uint64_t emitted;	/* daemon ESTALE replies */
	uint64_t masked;	/* daemon ESTALE replies no surfaced ESTALE used */
};

/* The daemon's ESTALE replies (malloc'd, *n of them; NULL when none or the
 * file cannot be read) and the number of fired faults added to *faults,
 * from its event log (README "Event log"). */
struct attrib_reply *attrib_read_replies(const char *path, size_t *n, uint64_t *faults);
/* Join; replies is sorted by t_ns here (and its used flags set). total is
 * the workload's count of surfaced ESTALE (it may list fewer events). */
void attrib_join(struct attrib *a, struct attrib_reply *replies, size_t nreplies,
		 const struct attrib_seen *seen, size_t nseen, uint64_t total);
/*
 * Weights from the workload's buckets: a bucket's n shared out over its
 * sampled events (ev: the "estale" array, bk: "estale_buckets"; either may
 * be NULL, then every event weighs 1).
 */
struct jv;
void attrib_weigh(struct attrib_seen *seen, size_t nseen, const struct jv *ev, const struct jv *bk);
/* Add b's counts into a. */
void attrib_add(struct attrib *a, const struct attrib *b);
/* {"inject":{"rule 1 errno":5},"host":{...},"daemon":{...},"kernel":N,"unattributed":N} */
void attrib_json(const struct attrib *a, FILE *f);

#endif
