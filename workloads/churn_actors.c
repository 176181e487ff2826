// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Churn's other host actors (see churn.h), each on its own cadence: the
 * dir-move of twin directories, a bind submount that comes and goes, and
 * podman-like activity in container storage beside the layers in use.
 */
#include "churn_i.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "counts.h"
#include "manifest.h"
#include "tree.h"

/* Note a twin dir from a manifest name ".../usr/lib/twin-NN/tK". */
int churn_actors_twins_note(struct churn_actors *a, const char *rel)
{
	const char *t = strstr(rel, TREE_TWIN_A), *slash;
	size_t dir;

	if (!t)
		return 0;
	slash = strchr(t + strlen(TREE_TWIN_A), '/');
	if (!slash)
		return 0;
	dir = slash - rel;
	if (dir >= sizeof(a->twin[0][0]) - 16)
		return 0;
	for (unsigned int i = 0; i < a->ntwins; i++)
		if (strncmp(a->twin[i][0], rel, dir) == 0 && !a->twin[i][0][dir])
			return 0;
	if (a->ntwins == TWINS_MAX)
		return 0;
	if (!a->twin) {
		a->twin = calloc(TWINS_MAX, sizeof(*a->twin));
		if (!a->twin)
			return -ENOMEM;
	}
	snprintf(a->twin[a->ntwins][0], sizeof(a->twin[0][0]), "%.*s", (int)dir, rel);
	/* The partner: usr/lib/twin-NN -> usr/share/twin-NN. */
	snprintf(a->twin[a->ntwins][1], sizeof(a->twin[0][1]), "%.*s%s%s", (int)(t - rel), rel,
		 TREE_TWIN_B, t + strlen(TREE_TWIN_A));
	a->twin[a->ntwins][1][strlen(a->twin[a->ntwins][1]) - strlen(slash)] = '\0';
	a->ntwins++;
	return 0;
}

/* The SUBMOUNT_DIRS directories with the most manifest names (the readers
 * cross them most), as absolute paths. */
struct dircount {
	char *dir;
	unsigned int n;
};

int churn_actors_submount_pick(struct churn_actors *a, const char *root, char **names,
			       size_t n)
{
	struct dircount *d = calloc(n ? n : 1, sizeof(*d));
	size_t nd = 0;
	char abs[PATH_MAX];

	if (!d)
		return -ENOMEM;
	if (!realpath(root, abs)) {
		free(d);
		return -errno;
	}
	/* A directory's names mostly come together in the manifest: count runs. */
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(names[i], '/');
		size_t len = slash ? (size_t)(slash - names[i]) : 0;

		if (!len)
			continue;
		if (nd && strlen(d[nd - 1].dir) == len && strncmp(d[nd - 1].dir, names[i], len) == 0) {
			d[nd - 1].n++;
			continue;
		}
		d[nd].dir = strndup(names[i], len);
		d[nd++].n = 1;
	}
	for (a->nsub = 0; a->nsub < SUBMOUNT_DIRS; a->nsub++) {
		size_t best = nd;

		for (size_t i = 0; i < nd; i++)
			if (d[i].dir && (best == nd || d[i].n > d[best].n))
				best = i;
		if (best == nd)
			break;
		a->subroot = strlen(abs) + 1;
		if ((size_t)snprintf(a->subdir[a->nsub], sizeof(a->subdir[0]), "%s/%s", abs,
				     d[best].dir) >= sizeof(a->subdir[0]))
			a->nsub--;	/* too long to mount: the next one */
		free(d[best].dir);
		d[best].dir = NULL;
	}
	for (size_t i = 0; i < nd; i++)
		free(d[i].dir);
	free(d);
	return a->nsub ? 0 : -EINVAL;
}

/* The mounted dir relative to the root, or NULL. */
const char *churn_actors_submount_rel(const struct churn_actors *a)
{
	return a->mounted >= 0 ? a->subdir[a->mounted] + a->subroot : NULL;
}

/* One turn: mount the next dir onto itself, or take the mounted one away. */
int churn_actors_submount_turn(struct churn_actors *a, int events_fd, struct churn_result *r)
{
	uint64_t start = mono_ns();
	int e = 0;

	if (a->mounted >= 0) {
		const char *dir = a->subdir[a->mounted];

		if (umount2(dir, MNT_DETACH) < 0)
			e = -errno;
		churn_log_change(events_fd, start, "submount-gone", dir + a->subroot, NULL, e);
		a->mounted = -1;
	} else {
		unsigned int k = a->next_sub++ % a->nsub;

		if (mount(a->subdir[k], a->subdir[k], NULL, MS_BIND, NULL) < 0) {
			e = -errno;
			if (e == -EPERM)
				return e;
		} else {
			a->mounted = k;
		}
		churn_log_change(events_fd, start, "submount", a->subdir[k] + a->subroot, NULL, e);
	}
	if (e)
		r->errors++;
	else
		r->submounts++;
	return 0;
}

/*
 * Before a rename that moves rel (a layer swap, a dir-move): take the
 * submount down when it is rel or below it. Renaming a mountpoint is EBUSY,
 * and a mount carried along under an ancestor would no longer be at the
 * path that umount2 is given, so it would be left behind.
 */
void churn_actors_submount_clear(struct churn_actors *a, const char *rel, int events_fd,
				 struct churn_result *r)
{
	const char *m = churn_actors_submount_rel(a);

	if (m && churn_path_under(m, rel))
		churn_actors_submount_turn(a, events_fd, r);
}

void churn_actors_dir_move(struct churn_actors *a, int rootfd, int events_fd,
			   struct churn_result *r)
{
	char (*pair)[4096] = a->twin[a->next_twin++ % a->ntwins];
	uint64_t start;
	int e = 0;

	churn_actors_submount_clear(a, pair[0], events_fd, r);
	churn_actors_submount_clear(a, pair[1], events_fd, r);
	start = mono_ns();
	if (syscall(SYS_renameat2, rootfd, pair[0], rootfd, pair[1], RENAME_EXCHANGE) < 0)
		e = -errno;
	churn_log_change(events_fd, start, "dir-move", pair[0], pair[1], e);
	if (e)
		r->errors++;
	else
		r->dir_moves++;
}

/* Write text to rel by a temp file, fsync and rename over it (c/storage's way). */
static int write_over(int rootfd, const char *rel, const char *text, char *tmp, size_t tmplen)
{
	int fd, ret = 0;
	size_t len = strlen(text);

	snprintf(tmp, tmplen, "%s.tmp%d", rel, (int)getpid());
	fd = openat(rootfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		ret = -EIO;
	close(fd);
	if (!ret && renameat(rootfd, tmp, rootfd, rel) < 0)
		ret = -errno;
	if (ret)
		unlinkat(rootfd, tmp, 0);
	return ret;
}

static void podman_metadata(struct churn_actors *a, int rootfd, int events_fd,
			    struct churn_result *r)
{
	static const char *const files[] = { "overlay-layers/layers.json", "overlay-images/images.json" };
	char text[PODMAN_MAX * 96 + 64], tmp[300];
	size_t n;

	for (int f = 0; f < 2; f++) {
		uint64_t start = mono_ns();
		int e;

		n = snprintf(text, sizeof(text), "[");
		for (unsigned int i = 0; i < a->nadded && n < sizeof(text); i++)
			n += snprintf(text + n, sizeof(text) - n, "%s{\"id\":\"%s\"}", i ? "," : "",
				      a->added[i]);
		if (n < sizeof(text))
			snprintf(text + n, sizeof(text) - n, "]\n");
		e = write_over(rootfd, files[f], text, tmp, sizeof(tmp));
		churn_log_change(events_fd, start, "metadata-rename", files[f], tmp, e);
		if (e)
			r->errors++;
		else
			r->podman_ops++;
	}
}

static int podman_remove(struct churn_actors *a, int rootfd, unsigned int i)
{
	char dir[300], link[300];
	int ret;

	snprintf(dir, sizeof(dir), "overlay/%s", a->added[i]);
	snprintf(link, sizeof(link), "overlay/l/S%.25s", a->added[i]);
	unlinkat(rootfd, link, 0);
	ret = churn_remove_tree(rootfd, dir);
	memmove(a->added[i], a->added[i + 1], (a->nadded - i - 1) * sizeof(a->added[0]));
	a->nadded--;
	return ret;
}

/* One turn: add a layer (and drop the oldest past PODMAN_KEEP), rename the metadata. */
void churn_actors_podman_turn(struct churn_actors *a, int rootfd, uint64_t *rng, int events_fd,
			      struct churn_result *r)
{
	char id[65], dir[400], file[500], link[300], target[300];
	uint64_t start = mono_ns();
	int e = 0;

	for (int k = 0; k < 4; k++)
		snprintf(id + 16 * k, sizeof(id) - 16 * k, "%016llx",
			 (unsigned long long)manifest_rand(rng));
	if (a->nadded == PODMAN_MAX)
		podman_remove(a, rootfd, 0);
	snprintf(dir, sizeof(dir), "overlay/%s/diff/usr/lib/podman-%llu", id,
		 (unsigned long long)a->serial++);
	e = churn_mkparents(rootfd, strcat(strcpy(file, dir), "/x"));
	if (!e && mkdirat(rootfd, dir, 0755) < 0 && errno != EEXIST)
		e = -errno;
	for (int k = 0; !e && k < 3; k++) {
		int fd;

		snprintf(file, sizeof(file), "%s/f%d", dir, k);
		fd = openat(rootfd, file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, id, 64) != 64)
			e = -EIO;
		if (fd >= 0)
			close(fd);
	}
	if (!e) {
		if (mkdirat(rootfd, "overlay/l", 0755) == 0)
			a->made_l = true;
		snprintf(link, sizeof(link), "overlay/l/S%.25s", id);
		snprintf(target, sizeof(target), "../%s/diff", id);
		if (symlinkat(target, rootfd, link) < 0)
			e = -errno;
	}
	snprintf(a->added[a->nadded++], sizeof(a->added[0]), "%s", id);
	snprintf(dir, sizeof(dir), "overlay/%s", id);
	churn_log_change(events_fd, start, "layer-add", dir, NULL, e);
	if (e)
		r->errors++;
	else
		r->podman_ops++;
	if (mkdirat(rootfd, "overlay-layers", 0755) == 0)
		a->made_layers = true;
	if (mkdirat(rootfd, "overlay-images", 0755) == 0)
		a->made_images = true;
	podman_metadata(a, rootfd, events_fd, r);
	if (a->nadded > PODMAN_KEEP) {
		start = mono_ns();
		snprintf(dir, sizeof(dir), "overlay/%s", a->added[0]);
		e = podman_remove(a, rootfd, 0);
		churn_log_change(events_fd, start, "layer-remove", dir, NULL, e);
		if (e)
			r->errors++;
		else
			r->podman_ops++;
		podman_metadata(a, rootfd, events_fd, r);
	}
}

/* Undo what the actors leave: the submount, the layers and files podman added. */
void churn_actors_cleanup(struct churn_actors *a, int rootfd, int events_fd,
			  struct churn_result *r)
{
	if (a->mounted >= 0)
		churn_actors_submount_turn(a, events_fd, r);
	while (a->nadded)
		podman_remove(a, rootfd, 0);
	if (a->made_layers) {
		unlinkat(rootfd, "overlay-layers/layers.json", 0);
		unlinkat(rootfd, "overlay-layers", AT_REMOVEDIR);
	}
	if (a->made_images) {
		unlinkat(rootfd, "overlay-images/images.json", 0);
		unlinkat(rootfd, "overlay-images", AT_REMOVEDIR);
	}
	if (a->made_l)
		unlinkat(rootfd, "overlay/l", AT_REMOVEDIR);
	free(a->twin);
}
