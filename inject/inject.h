/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fault-injection engine: a list of rules (rule.h), each with its own
 * counters and seeded random state, asked at each hook point of the daemon
 * "does a fault of this kind fire here?". It only decides and counts; the
 * daemon carries the fault out through its own code and then reports what it
 * answered, which the engine turns into an event for the log. No FUSE here:
 * the daemon reaches the engine through struct inject_target's callbacks.
 *
 * Locking: inj->lock guards the rule list and every rule's state. The fast
 * path (no rule of the asked kind) reads one atomic mask and takes no lock.
 */
#ifndef STALEFS_INJECT_H
#define STALEFS_INJECT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "op.h"
#include "rule.h"

/* What happened when a fault fired, for the event log. */
struct inject_event {
	uint64_t seq;		/* 1, 2, ... per engine */
	unsigned int rule_id;
	enum fault_kind kind;
	enum op op;
	uint64_t nodeid;
	const char *name;	/* may be NULL */
	const char *rule_text;
	const char *answer;	/* "ESTALE", "evicted", "renamed to .nfs...", ... */
	const char *path;	/* the target's "/rel/path" when the daemon knew it, or NULL */
};

struct inject_target {
	void *arg;
	/* "/rel/path" of nodeid (plus "/name" when name is given), for path=
	 * rules. 0 or -errno (the rule then does not select). */
	int (*path_of)(void *arg, uint64_t nodeid, const char *name, char *buf, size_t len);
	/* A fault fired: log it. May be NULL. */
	void (*log)(void *arg, const struct inject_event *ev);
	/* Fault kinds this daemon cannot carry out (bit 1 << kind): inject_add
	 * refuses their rules with refused_why, e.g. kernel-evict on virtio-fs,
	 * which has no notification queue. */
	uint32_t refused_kinds;
	const char *refused_why;
};

/* Where the daemon asks. */
struct inject_point {
	enum op op;
	uint64_t nodeid;	/* the request's nodeid (the parent for name ops) */
	const char *name;	/* the name for name ops, else NULL */
	unsigned int syscall;	/* host-estale: the HOST_* syscall about to run */
	const char *path;	/* the target's "/rel/path" for the event log, or NULL */
};

/* The decision: a copy of what the daemon needs, valid after the lock. */
struct inject_fire {
	uint64_t seq;
	unsigned int rule_id;
	enum fault_kind kind;
	int err;
	uint32_t delay_ms;
	enum kevict_action action;
	bool gen;
	char rule_text[RULE_TEXT_MAX];
	char to[RULE_PATH_MAX];
};

struct inject_rule;

struct inject {
	pthread_mutex_t lock;
	struct inject_rule *rules;	/* lock; in order of adding */
	size_t nrules, cap;		/* lock */
	unsigned int next_id;		/* lock */
	uint64_t seq;			/* lock */
	unsigned int active;		/* atomic; bit per kind with a rule */
	struct inject_target target;	/* immutable */
};

int inject_init(struct inject *inj, const struct inject_target *target);
void inject_destroy(struct inject *inj);

/* Add a rule; its id (1, 2, ...) or -EINVAL with the reason in err. */
int inject_add(struct inject *inj, const char *text, char *err, size_t errlen);
/* Add every rule of a profile file: one per line, '#' comments. Count or -errno. */
int inject_add_file(struct inject *inj, const char *path, char *err, size_t errlen);
/* A profile by file name, or by name in $STALEFS_PROFILES, the source
 * tree's inject/profiles or the installed profiles dir: its path in buf.
 * 0 or -ENOENT. */
int inject_find_profile(const char *name, char *buf, size_t len);
void inject_clear(struct inject *inj);

/* Is any rule of this kind present? (lock-free) */
bool inject_active(struct inject *inj, enum fault_kind kind);

/*
 * Does a fault of kind fire at pt? The first rule (in order) that fires
 * wins; its counters move. true and *fire filled, or false.
 */
bool inject_match(struct inject *inj, enum fault_kind kind, const struct inject_point *pt,
		  struct inject_fire *fire);

/* The next fault's seq, for a fault fired outside inject_match (`ctl fire`):
 * one numbering for every fault of the engine. */
uint64_t inject_next_seq(struct inject *inj);

/* Report what a fired fault did (the event log line). */
void inject_report(struct inject *inj, const struct inject_fire *fire,
		   const struct inject_point *pt, const char *answer);

/* The rules and their counters as JSON lines. */
void inject_list(struct inject *inj, FILE *f);

/* Counters of rule id (for tests): 0 or -ENOENT. */
int inject_counters(struct inject *inj, unsigned int id, uint64_t *matched, uint64_t *fired);

#endif
