/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory pressure on the readers, as a guest under memory pressure has it:
 * a memory cgroup (v1 memory controller or v2 memory.high, whichever the
 * machine has) made below the harness's own cgroup, the workloads moved into
 * it, and a squeeze: every call of memcg_squeeze() lowers the limit to a
 * fraction of what the group uses now (never below a floor), so the kernel
 * reclaims the group's dentries and inodes (the FUSE client then FORGETs
 * them) while its anonymous memory stays (no OOM kill: v1 refuses a limit it
 * cannot reclaim to, EBUSY, and the old limit stays; v2's memory.high
 * throttles instead of killing).
 *
 * The group is named stalefs-<pid>-<n>; memcg_destroy() moves what is left
 * to the parent and removes it; memcg_create() first removes groups of dead
 * harnesses (a SIGKILLed run cannot clean up after itself).
 */
#ifndef STALEFS_MEMCG_H
#define STALEFS_MEMCG_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

struct memcg {
	char dir[560];		/* the group, "" when none */
	char parent[512];	/* where memcg_destroy moves processes back to */
	int v2;			/* cgroup v2 (memory.high), else v1 (limit_in_bytes) */
	uint64_t floor;		/* no squeeze when the group uses less than this */
	uint64_t peak;		/* the most the group used at a squeeze */
	uint64_t squeezes;	/* limits the kernel reclaimed down to */
	uint64_t reclaimed;	/* bytes the squeezes freed */
};

/* Make a group. 0; -ENOTSUP with the reason in err when the machine has no
 * memory controller one can write to (not root, no controller); -errno. */
int memcg_create(struct memcg *m, uint64_t floor_bytes, char *err, size_t errlen);
/* Move pid (and, later, its threads' children) into the group. 0 or -errno. */
int memcg_add(struct memcg *m, pid_t pid);
/* Reclaim the group down to pct percent of its current use, then lift the limit. */
void memcg_squeeze(struct memcg *m, unsigned int pct);
/* How often the group hit its limit (v1 failcnt, v2 memory.events high). */
uint64_t memcg_hits(const struct memcg *m);
/* Move what is left to the parent and remove the group. Safe to call twice. */
void memcg_destroy(struct memcg *m);

#endif
