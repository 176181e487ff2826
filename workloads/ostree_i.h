/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the ostree workload: the state of one run and the calls its
 * files make to each other.
 *   ostree.c         the run: setup, rounds, rm -rf, counting, the result
 *   ostree_cmd.c     running the ostree command and capturing its output
 *   ostree_source.c  the source tree: made, committed, recorded name by name
 *   ostree_check.c   checking a checkout against the recorded source
 * One thread: nothing here is locked.
 */
#ifndef STALEFS_OSTREE_I_H
#define STALEFS_OSTREE_I_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ostree.h"

#define OSTREEWL_DIR "stalefs-ostree"	/* under the root */

/* One name of the source tree, relative to its root. */
struct ostree_entry {
	char *rel;
	char type;		/* 'f' file, 'l' symlink, 'd' directory */
	uint64_t size;
	char hash[65];		/* files */
	char *target;		/* symlinks */
	bool seen;		/* in the checkout being checked */
};

/* A step's output: the last OSTREEWL_OUTPUT_MAX bytes and a few line counts. */
struct ostree_capture {
	char ring[OSTREEWL_OUTPUT_MAX];
	uint64_t total;
	char line[1024];	/* the current line (its start, if long) */
	size_t linelen;
	uint64_t stale, corrupted;
	bool no_user_xattr;
};

/* One run: made and freed by ostreewl_run, one thread. */
struct ostree_run {
	const struct ostreewl_params *p;
	struct ostreewl_result *r;
	char ostree[PATH_MAX];	/* the binary */
	int rootfd, srcfd;
	char src[PATH_MAX];	/* the host temp dir with the source tree */
	char repo_opt[PATH_MAX + 16];
	struct ostree_entry *ents;
	size_t nents, cap;
	unsigned int round;
	bool counting;		/* count ops (not in setup or when removing the temp dir) */
	char *buf;
	size_t buflen;
	struct ostree_capture out;
};

/* ostree.c */
/* Count one op; e: 0 or an errno. path: relative to the root. */
void ostree_count(struct ostree_run *run, enum ostreewl_op op, int e, const char *path);

/* ostree_cmd.c */
/* Run argv (stdout and stderr into run->out). 0 with *status its exit code
 * (128+N for signal N, 127 when exec failed), or -errno. */
int ostree_cmd_run(struct ostree_run *run, const char *const argv[], int *status);
/* One ostree step, counted; a failure is kept with its output's tail.
 * true when it ran and exited 0. */
bool ostree_cmd_step(struct ostree_run *run, enum ostreewl_step s, unsigned int checkout,
		     const char *const argv[]);
/* The binary: name with a slash as is, else the first match on $PATH; or -ENOENT. */
int ostree_cmd_find(const char *name, char *out, size_t len);
/* r->version from `ostree --version`, or "unknown". */
void ostree_cmd_version(struct ostree_run *run);

/* ostree_source.c */
/* Make the source tree in a host temp dir (run->src, run->srcfd) and record
 * it in run->ents, sorted; 0 or -errno with a reason in err. */
int ostree_source_make(struct ostree_run *run, char *err, size_t errlen);
/* The recorded entry for rel (relative to the source root), or NULL. */
struct ostree_entry *ostree_source_find(struct ostree_run *run, const char *rel);
/* SHA-256 (hex) and size of what fd reads to its end; 0 or -errno. */
int ostree_source_hash_fd(struct ostree_run *run, int fd, char hex[65], uint64_t *size);
/* Free run->ents. */
void ostree_source_free(struct ostree_run *run);

/* ostree_check.c */
/* Check OSTREEWL_DIR/co-K against the source: every name there, every byte. */
void ostree_check_checkout(struct ostree_run *run, unsigned int k);

#endif
