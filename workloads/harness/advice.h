/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Advice: what a cell (or a whole report) came to, in words, and what to
 * try next. From the cause chains (chain.h: layer <- reply <- cause) and
 * the counts, the ESTALE is put down to one family, the one that made most
 * of it:
 *
 *   inject          a --inject rule or profile fired (expected: a fault test)
 *   daemon fd limit the daemon ran out of fds (RLIMIT_NOFILE, guest-fd
 *                   limit, fs.file-max) and answered EMFILE/ENFILE
 *   kernel overlay  overlayfs over the mount failed a lower revalidation
 *                   (after host churn: a layer swap or a rename)
 *   host            the host replaced what a file handle or nodeid named
 *                   (the daemon's ESTALE, passed on by FUSE)
 *   identity        a LOOKUP answered another nodeid, generation or submount,
 *                   no host event behind it (with one: host)
 *   kernel, daemon  no chain, only the attribution counts
 *   unknown         ESTALE seen, nothing explains it
 *
 * The next steps name `stalefs pinpoint` experiments and mitigations by the
 * names pinpoint_experiment.c gives them, so they can be run as written.
 * `stalefs run` calls this for its one cell, `stalefs report` for each row
 * and for the whole report.
 */
#ifndef STALEFS_ADVICE_H
#define STALEFS_ADVICE_H

#include <stddef.h>
#include <stdint.h>

#include "chain.h"
#include "run_result.h"

enum advice_family {
	ADVICE_NONE,		/* no ESTALE */
	ADVICE_INJECT,
	ADVICE_FD_LIMIT,
	ADVICE_OVERLAY,
	ADVICE_HOST,
	ADVICE_IDENTITY,
	ADVICE_KERNEL,
	ADVICE_DAEMON,
	ADVICE_UNKNOWN,
};

/* What advice is given from; chains may be NULL, strings NULL or "". */
struct advice_in {
	const struct chains *chains;
	uint64_t estale, calls;		/* surfaced ESTALE and calls made */
	uint64_t emitted, masked;	/* the daemon's ESTALE replies, and those FUSE hid */
	uint64_t kernel;		/* ESTALE the kernel made (attribution) */
	const char *mode;		/* the inode mode in effect */
	const char *cache;
	enum run_verdict verdict;
};

struct advice {
	enum advice_family family;
	char who[24];		/* for a table column: "inject", "kernel overlay", "-" */
	char made_by[160];	/* "the kernel's overlay after host churn (layer-swap)" */
	char next[240];		/* "cache=always, or `stalefs pinpoint --only overlay-layer-swap`" */
};

void advice_explain(const struct advice_in *in, struct advice *out);
/* "estale: 1628 ESTALE in 4315 calls (37.7%); made by X. What to try: Y."
 * (the parts that apply), at most len - 1 bytes. */
void advice_sentence(const struct advice_in *in, const struct advice *a, char *buf, size_t len);
/* The family's name ("kernel overlay"). */
const char *advice_family_name(enum advice_family f);

#endif
