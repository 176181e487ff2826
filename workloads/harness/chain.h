/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cause chains: for every ESTALE a workload saw, the kernel layer that made
 * it, the daemon reply that invalidated the dentry, and the host event,
 * limit or fault rule behind that reply. Read from three logs:
 *
 *  - the workload's document: sampled ESTALE events (thread, syscall window,
 *    path, bucket) and the buckets (op x directory) counting every ESTALE;
 *  - the daemon's event log: error replies (with the limit hit for
 *    EMFILE/ENFILE, the host path for name lookups), identity changes (a
 *    name answered with another nodeid, generation or submount flag) and
 *    fired faults;
 *  - the host actors' logs (churn): what they did, to which path, when.
 *
 * A sample is joined with the daemon's answers to its thread inside its
 * syscall window (an ESTALE reply that FUSE passed through, or the failed
 * or changed LOOKUP behind a kernel-made one); with none in the window, with
 * the last answer for its path before it (an overlay dentry stays bound to
 * the dead lower dentry, so later calls fail without a new answer). Each
 * bucket's count is shared out over the chains of its samples (largest
 * remainder), so every counted ESTALE gets a chain, estimated from samples
 * when the workload kept only some of them.
 */
#ifndef STALEFS_CHAIN_H
#define STALEFS_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct jv;

/* One line of the daemon's or a host actor's log. */
struct chain_evt {
	uint64_t t_ns;		/* when it ended */
	uint64_t start_ns;	/* 'h': when it began (a layer swap takes a while), else t_ns */
	uint32_t pid;
	char type;		/* 'e' error reply, 'i' identity change, 'f' fault, 'h' host */
	int err;		/* 'e': errno */
	char op[24];		/* FUSE op, fault kind ('f'), host op ('h') */
	uint64_t nodeid;	/* 'e','f': the request's nodeid; 'i': the new nodeid */
	uint64_t old_nodeid;	/* 'i'; 'e': the nodeid the kernel held for the name ("known") */
	unsigned int rule;	/* 'f' */
	char source[16];	/* 'e' */
	char detail[96];	/* 'e': detail; 'i': change; 'f': answer */
	char limit[24];		/* 'e': RLIMIT_NOFILE | guest-fd | fs.file-max, or "" */
	uint64_t limit_n;
	long fds;
	uint64_t guest_fds;
	char name[128];		/* 'e','f': the request's name, or "" */
	char path[320];		/* normalised: no leading '/', no " (deleted)"; "" if none */
	char from[320];		/* 'h': the other path of a rename or layer swap, or "" */
};

/* Answers by the last component of their path, for path lookups. */
struct chain_key {
	uint64_t hash;		/* of the path's last component */
	size_t idx;		/* into ev; ascending within one hash */
};

struct chain_in {
	struct chain_evt *ev;	/* daemon and host events, by time */
	size_t n;
	struct chain_key *keys;	/* answers with a path, by (hash, time) */
	size_t nkeys;
	bool host_logged;	/* a host actor ran and logged (churn) */
	bool overlay;		/* the workload read through an overlay over the mount */
};

/* Read the logs (either may be NULL or missing). 0 or -errno. */
int chain_load(struct chain_in *in, const char *daemon_events, const char *host_events);
void chain_in_free(struct chain_in *in);

struct chain {
	char layer[64];		/* "overlayfs (lower revalidation)", ... */
	char reply[200];	/* "LOOKUP answered EMFILE (RLIMIT_NOFILE 800 reached)" */
	char cause[200];	/* "no host change", "host churn rename", "rule 2 evict" */
	bool complete;		/* all three links named */
	uint64_t n;		/* ESTALE given this chain */
	uint64_t sampled;	/* samples that showed it */
	char example[400];	/* one sample, in words (path, numbers) */
};

#define CHAINS_MAX 32

struct chains {
	struct chain c[CHAINS_MAX];	/* the last one takes the overflow */
	int n;
	uint64_t total;		/* ESTALE counted */
	uint64_t complete;	/* ... with a complete chain */
	uint64_t sampled;	/* samples joined */
	uint64_t unsampled;	/* counted in no bucket with a sample */
};

/*
 * Explain the sampled ESTALE events ev (the workload's "estale" array) into
 * out (zeroed first): event i stands for weight[i] ESTALE (its bucket's
 * share, attrib_weigh; NULL or 0: 1). Whatever of total the weights do not
 * cover is "(not sampled)".
 */
void chain_explain(struct chains *out, const struct chain_in *in, const struct jv *ev,
		   const uint64_t *weight, uint64_t total);
/* Add b into a (repetitions of one cell). */
void chains_add(struct chains *a, const struct chains *b);
/* "chains":{"total":N,"complete":N,...,"list":[{...},...]} (without the key). */
void chains_json(const struct chains *c, FILE *f);
/* Read chains_json's output back. */
void chains_from_json(struct chains *c, const struct jv *v);
/* "  N ESTALE: layer <- reply <- cause; e.g. ..." lines, biggest first, each
 * at most width columns. */
void chains_print(const struct chains *c, FILE *f, const char *indent, int width);
/* The chain text "layer <- reply <- cause". */
void chain_text(const struct chain *c, char *buf, size_t len);

#endif
