/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live counters (requests per op, replies per errno) and the JSON-lines
 * event log with one line per error reply. Counters are updated with relaxed
 * atomics from any thread; the event log has its own lock.
 */
#ifndef STALEFS_STATS_H
#define STALEFS_STATS_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "fdlimit.h"
#include "inode.h"
#include "inject.h"
#include "json.h"
#include "op.h"

/* Schema names (man/stalefs-formats.5; workloads/harness/schemas/). */
#define STATS_SCHEMA "stats/1"		/* --stats FILE and the control socket's `stats` */
#define STATS_EVENTS_SCHEMA "events/1"	/* --events FILE */
#define STATS_STORE_SCHEMA "ctl-store/1"	/* each line of the control socket's `store` */

#define ERRNO_SLOTS 256		/* errno values counted one by one; larger ones go to slot 0 of "other" */

struct stats {
	uint64_t requests[OP_COUNT];	/* atomic */
	uint64_t ok[OP_COUNT];		/* atomic; replies without error */
	uint64_t errors[ERRNO_SLOTS];	/* atomic; error replies by errno */
	uint64_t forgets;		/* atomic; nlookup given back by (BATCH_)FORGET */
	uint64_t faults;		/* atomic; faults fired */
	pthread_mutex_t events_lock;
	FILE *events;			/* events_lock; NULL when not logging */
	struct json_origin origin;	/* set by stats_init: this daemon's start */
};

/*
 * events_path may be NULL. The event log (schema events/1) is appended to;
 * each daemon that opens it first writes a "type":"header" line with the
 * schema, the origin and the monotonic time it started at. 0 or -errno.
 */
int stats_init(struct stats *st, const char *events_path);
void stats_destroy(struct stats *st);

static inline void stats_count(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

struct error_event {
	enum op op;
	uint64_t nodeid;
	const char *name;	/* may be NULL */
	int err;		/* positive errno */
	const char *source;	/* ERRSRC_HOST, ERRSRC_DAEMON, or NULL */
	const char *detail;
	uint32_t pid;		/* the calling process */
	const char *path;	/* "/rel/path" of (nodeid, name) under the shared dir, or NULL */
	const struct fdlimit_note *limit;	/* EMFILE / ENFILE: the limit hit, or NULL */
	uint64_t known;		/* a name lookup: the nodeid the kernel holds for it (0: none) */
};

void stats_error_event(struct stats *st, const struct error_event *ev);
/* A fired fault, as a "type":"fault" line. */
void stats_fault_event(struct stats *st, const struct inject_event *ev);

/* A LOOKUP-like answer that differs from the last one for the same name. */
struct identity_event {
	enum op op;
	uint64_t parent;
	const char *name;
	const char *path;	/* may be NULL */
	const char *change;	/* "nodeid", "generation", "submount" */
	uint64_t old_nodeid, nodeid;
	uint64_t old_generation, generation;
	bool old_submount, submount;
	uint32_t pid;
};

/* A "type":"identity" line. */
void stats_identity_event(struct stats *st, const struct identity_event *ev);

/* What took effect, for the stats document. */
struct stats_mode {
	const char *requested;
	const char *effective;
	const char *reason;
	const char *cache;
	int readdirplus;
	const char *version;		/* virtiofsd release modelled */
	uint64_t rlimit;		/* RLIMIT_NOFILE in effect */
	uint64_t guest_limit;		/* 0: none (1.13.0) */
	uint64_t guest_fds, guest_refused;
	bool announce_submounts, submounts_offered;
	uint64_t submounts_sent;
	uint64_t identity_changes, identity_slots;
};

/* Write the counters as one JSON document (schema stats/1) to f. */
void stats_write_json(struct stats *st, struct inode_store *store,
		      const struct stats_mode *mode, FILE *f);
/* Same, atomically replacing path (write to path.tmp, rename). 0 or -errno. */
int stats_write_file(struct stats *st, struct inode_store *store,
		     const struct stats_mode *mode, const char *path);


#endif
