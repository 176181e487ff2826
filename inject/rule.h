/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault rules: `KIND[:key=value,...]`, parsed once into a struct rule.
 *
 *   errno:op=GETATTR,path=/objects/ab/x.file,errno=ESTALE,sticky=2
 *   evict:every=100,seed=7,as=estale
 *   kernel-evict:action=prune,op=LOOKUP,every=50
 *
 * Selectors (every kind): op= (FUSE op names, '|'-separated), path= (glob
 * under the shared dir), nodeid=; when: after=N (skip the first N matches),
 * every=N (then every Nth), count=N (at most N fires), prob=P with seed=S,
 * sticky=N (after a fire, the next N matches of the same nodeid and op fire
 * too: beats the kernel's LOOKUP_REVAL retry). Kind-specific keys are listed
 * in rule.c's table. Parsing never touches global state.
 */
#ifndef STALEFS_RULE_H
#define STALEFS_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "op.h"

enum fault_kind {
	FAULT_EVICT,		/* drop the daemon's entry: later requests EBADF (as=estale: ESTALE) */
	FAULT_KERNEL_EVICT,	/* make the kernel let go (notify, prune, epoch, drop caches) */
	FAULT_GEN_BUMP,		/* next lookup reports a new generation */
	FAULT_NODEID_REUSE,	/* a new entry takes a freed nodeid */
	FAULT_RENODE,		/* the name gets a new nodeid; the old one answers ESTALE */
	FAULT_SILLY_RENAME,	/* unlink of a held inode renames it to .nfsXXXX */
	FAULT_SILLY_CLEANUP,	/* remove .nfsXXXX files; their inodes then answer ESTALE */
	FAULT_ERRNO,		/* answer an errno */
	FAULT_DELAY,		/* hold the request */
	FAULT_HANDLE_DECODE,	/* open_by_handle_at fails (ESTALE or EPERM) */
	FAULT_HOST_ESTALE,	/* O_PATH-mode host syscalls answer ESTALE */
	FAULT_REBIND,		/* a bind mount over the shared dir's path */
	FAULT_RESTART,		/* the server restarts: store dropped, nodeids start over */
	FAULT_KIND_COUNT
};

enum kevict_action {
	KEVICT_INVAL_ENTRY,
	KEVICT_INVAL_INODE,
	KEVICT_DELETE,
	KEVICT_PRUNE,
	KEVICT_EPOCH,
	KEVICT_DROP_CACHES,
};

/* host-estale: which host syscalls fail (bit mask). */
#define HOST_OPENAT2 0x1u
#define HOST_STATX 0x2u
#define HOST_REOPEN 0x4u
#define HOST_ALL (HOST_OPENAT2 | HOST_STATX | HOST_REOPEN)

#define RULE_TEXT_MAX 256
#define RULE_PATH_MAX 256

struct rule {
	unsigned int id;		/* set by the engine */
	enum fault_kind kind;
	char text[RULE_TEXT_MAX];	/* as given */
	uint64_t ops;			/* bit (1 << op); 0 = any op */
	char path[RULE_PATH_MAX];	/* glob on "/rel/path"; "" = any */
	uint64_t nodeid;		/* 0 = any */
	uint64_t after, every, count;	/* every 0 = each match; count 0 = no limit */
	double prob;			/* 1.0 unless prob= */
	uint64_t seed;
	uint32_t sticky;
	int err;			/* positive errno to answer */
	uint32_t delay_ms;
	enum kevict_action action;
	unsigned int syscalls;		/* host-estale: HOST_* mask */
	bool gen;			/* nodeid-reuse: also bump the generation */
	char to[RULE_PATH_MAX];		/* rebind: the directory bound over the shared dir */
};

/* Parse text into r. 0, or -EINVAL with "KEY: reason" (or the kind) in err. */
int rule_parse(const char *text, struct rule *r, char *err, size_t errlen);

const char *fault_kind_name(enum fault_kind kind);
const char *kevict_action_name(enum kevict_action action);

/* Does the rule select this op / nodeid / path? (path NULL: not known) */
bool rule_selects(const struct rule *r, enum op op, uint64_t nodeid, const char *path);
bool rule_wants_path(const struct rule *r);

#endif
