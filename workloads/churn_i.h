/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to churn (see churn.h): what its files share.
 *   churn.c         the run: the manifest, the name churn (relink, rename,
 *                   link), the cadence of the others, events; file helpers
 *   churn_layer.c   the layer swap: a layer recreated and exchanged
 *   churn_actors.c  the other host actors: dir-move, submount, podman
 * One thread: nothing here is locked.
 */
#ifndef STALEFS_CHURN_I_H
#define STALEFS_CHURN_I_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churn.h"

/* A name of the tree (any kind), for layer swaps. */
struct churn_lname {
	char *path;
	char *target;		/* symlink target, or NULL */
	char hash[65];
	unsigned int layer;	/* index into the layer list */
	long first;		/* the first file name of this content in this layer, or -1 */
};

struct churn_layers {
	char (*dir)[256];	/* "overlay/<layer>" */
	unsigned int n;
	struct churn_lname *names;
	size_t nnames;
	int xattrs;		/* objects carry TREE_XATTR */
};

#define TWINS_MAX 256
#define SUBMOUNT_DIRS 4		/* the most-named directories take turns */
#define PODMAN_KEEP 2		/* added layers kept before the oldest goes */
#define PODMAN_MAX 64

struct churn_actors {
	/* dir-move: pairs of twin dirs, relative to the root */
	char (*twin)[2][4096];
	unsigned int ntwins, next_twin;
	/* submount: absolute paths of candidate dirs; the one mounted now */
	char subdir[SUBMOUNT_DIRS][PATH_MAX];
	size_t subroot;		/* subdir[k] + subroot is the dir relative to the root */
	unsigned int nsub, next_sub;
	int mounted;		/* index into subdir, -1 none */
	/* podman: the layers added (ids), oldest first */
	char added[PODMAN_MAX][65];
	unsigned int nadded;
	uint64_t serial;
	bool made_l, made_layers, made_images;	/* dirs we created, removed at the end */
};

/* churn.c */
/* mkdir -p of the directory part of path, relative to dirfd; 0 or -errno. */
int churn_mkparents(int dirfd, const char *path);
/* rm -rf below dirfd's name (the name itself too); 0 or -errno. */
int churn_remove_tree(int dirfd, const char *name);
/* Copy one file's bytes (and the tree's xattr when xattrs) into a new file
 * dst; 0 or -errno. */
int churn_copy_file(int rootfd, const char *src, const char *dst, int xattrs);
/* churn_stop() was called. */
bool churn_stopping(void);
/* The log's first line (fd -1: none): schema CHURN_EVENTS_SCHEMA, the
 * origin, "type":"header", t_ns now and the pid (see churn.h). */
void churn_log_header(int fd);
/* One change as a JSON line on fd (-1: none), in one write (see churn.h).
 * start: mono_ns() when it began; from: NULL or the other name;
 * e: 0 or -errno. */
void churn_log_change(int fd, uint64_t start, const char *op, const char *path,
		      const char *from, int e);
/* Is path dir itself or below it (both relative to the root)? */
bool churn_path_under(const char *path, const char *dir);

/* churn_layer.c */
/* Remember one manifest name (its object's hash, its symlink target or
 * NULL) for layer swaps; *cap: ls->names' capacity. 0 or -ENOMEM. */
int churn_layers_add(struct churn_layers *ls, size_t *cap, const char *rel, const char *hash,
		     const char *target);
/* For each file name, the first file name of the same content in its layer. */
int churn_layers_index(struct churn_layers *ls);
/* Swap in a recreated layer l (see churn_layer.c); 0, -ECANCELED when
 * stopped before the exchange, or -errno. */
int churn_layers_swap(int rootfd, const struct churn_layers *ls, unsigned int l);
void churn_layers_free(struct churn_layers *ls);

/* churn_actors.c */
/* Note a twin dir from a manifest name ".../usr/lib/twin-NN/tK"; 0 or -ENOMEM. */
int churn_actors_twins_note(struct churn_actors *a, const char *rel);
/* Choose the SUBMOUNT_DIRS directories with the most of the n names; 0, or
 * -errno (-EINVAL: none). */
int churn_actors_submount_pick(struct churn_actors *a, const char *root, char **names,
			       size_t n);
/* The mounted dir relative to the root, or NULL. */
const char *churn_actors_submount_rel(const struct churn_actors *a);
/* One turn: mount the next dir onto itself, or take the mounted one away.
 * 0 (a failure is counted in r->errors), or -EPERM when mount(2) is not
 * allowed here (CHURN_CANNOT_RUN). */
int churn_actors_submount_turn(struct churn_actors *a, int events_fd, struct churn_result *r);
/* Before a rename that moves rel: take the submount down when it is rel or below. */
void churn_actors_submount_clear(struct churn_actors *a, const char *rel, int events_fd,
				 struct churn_result *r);
/* Exchange the next pair of twin dirs. */
void churn_actors_dir_move(struct churn_actors *a, int rootfd, int events_fd,
			   struct churn_result *r);
/* One podman turn: add a layer (and drop the oldest past PODMAN_KEEP), rename the metadata. */
void churn_actors_podman_turn(struct churn_actors *a, int rootfd, uint64_t *rng, int events_fd,
			      struct churn_result *r);
/* Undo what the actors leave: the submount, the layers and files podman added. */
void churn_actors_cleanup(struct churn_actors *a, int rootfd, int events_fd,
			  struct churn_result *r);

#endif
