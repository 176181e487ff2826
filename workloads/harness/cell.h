/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One cell of the ESTALE matrix: the daemon's inode mode, privilege and
 * cache policy, the faults (a profile and/or rules), the workload and its
 * parameters, repetitions and the expectation. Parsed once from options
 * (shared by run, matrix and pinpoint), then read-only. A cell has a short
 * id ("never/root/auto/evict-storm/read+overlay") and a repro command line.
 */
#ifndef STALEFS_CELL_H
#define STALEFS_CELL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CELL_MAX_RULES 16

enum cell_expect { EXPECT_ANY, EXPECT_NONE, EXPECT_SOME };

struct cell {
	char mode[16];		/* never | prefer | mandatory | fallback */
	char privilege[16];	/* root | unprivileged | userns */
	char cache[16];		/* auto | always | never | metadata */
	char profile[128];	/* a profile name or file, or "none" */
	char *rules[CELL_MAX_RULES];	/* --inject rules (owned) */
	int nrules;
	char version[8];	/* virtiofsd modelled: 1.13.0 | 1.13.2 */
	int64_t rlimit_nofile;	/* the daemon's --rlimit-nofile; -1: its default */
	char workload[16];	/* read | storm | ostree */
	bool overlay;		/* read through an overlay over the layers */
	bool churn;		/* host-side name churn beside the workload */
	double layer_every;	/* churn: swap in a recreated layer this often (0: never) */
	/* More host actors (workload churn), each on its own cadence, 0: off. */
	double dir_move_every;	/* exchange twin directories between parents */
	double submount_every;	/* bind-mount a layer's directory onto itself and back */
	double podman_every;	/* new and removed layers, metadata renamed over */
	bool two_path;		/* overlay readers and direct readers at once */
	bool second_daemon;	/* a second daemon and its readers on the same storage */
	unsigned int memory_pct;	/* squeeze the readers' memory cgroup to PCT of its use */
	unsigned int drop_caches_ms;
	bool xattr;		/* the daemon's --xattr */
	bool readonly;		/* the daemon's --readonly (bcvk passes it) */
	unsigned int threads;
	unsigned int rounds;	/* ostree: checkout rounds (removed between rounds) */
	double seconds;		/* per repetition, unless count */
	uint64_t count;
	unsigned int reps;
	bool until_estale;	/* stop at the first repetition with ESTALE */
	uint64_t seed;		/* repetition r uses seed + r */
	uint64_t objects;
	unsigned int max_links;
	enum cell_expect expect;
	double timeout;		/* per repetition; 0: seconds + 60 */
};

void cell_default(struct cell *c);
/* Copy with its own rules. */
int cell_copy(struct cell *dst, const struct cell *src);
void cell_free(struct cell *c);

/* Set one option by its long name (without "--"); value NULL for flags.
 * 0, 1 when the name is not a cell option, or -EINVAL with a one-line
 * reason in err. */
int cell_set(struct cell *c, const char *name, const char *value, char *err, size_t errlen);
/* Checks across options (e.g. --overlay only with read). 0 or -EINVAL. */
int cell_check(const struct cell *c, char *err, size_t errlen);

/* Does a host actor change the storage (churn of any kind)? */
bool cell_host_changes(const struct cell *c);

/* "never/root/auto/none/read+overlay+churn" */
void cell_id(const struct cell *c, char *buf, size_t len);
/* A shell command that reruns the cell (options differing from defaults). */
void cell_repro(const struct cell *c, char *buf, size_t len);

const char *cell_expect_name(enum cell_expect e);

#endif
