// SPDX-License-Identifier: GPL-2.0-or-later
/* Host-side churn; see churn.h. */
#include "churn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <limits.h>
#include <linux/fs.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "counts.h"
#include "json.h"
#include "manifest.h"
#include "tree.h"

/* A name of the tree (any kind), for layer swaps. */
struct lname {
	char *path;
	char *target;		/* symlink target, or NULL */
	char hash[65];
	unsigned int layer;	/* index into the layer list */
	long first;		/* the first file name of this content in this layer, or -1 */
};

struct layers {
	char (*dir)[256];	/* "overlay/<layer>" */
	unsigned int n;
	struct lname *names;
	size_t nnames;
	int xattrs;		/* objects carry TREE_XATTR */
};

/* mkdir -p of the directory part of path, relative to dirfd. */
static int mkparents(int dirfd, const char *path)
{
	char buf[4600];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *q = strchr(buf + 1, '/'); q; q = strchr(q + 1, '/')) {
		*q = '\0';
		if (mkdirat(dirfd, buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*q = '/';
	}
	return 0;
}

/* rm -rf below dirfd's name (the name itself too). */
static int remove_tree(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), ret = 0;
	char buf[8192];
	long n;

	if (fd < 0)
		return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
	for (int removed = 1; removed;) {
		removed = 0;
		n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type;
				 char name[]; } *de = (void *)(buf + off);

			off += de->reclen;
			if (strcmp(de->name, ".") == 0 || strcmp(de->name, "..") == 0)
				continue;
			if (de->type == DT_DIR ? remove_tree(fd, de->name) < 0
					       : unlinkat(fd, de->name, 0) < 0)
				ret = -EIO;
			else
				removed = 1;
		}
		/* The directory changed under the cursor: read it again from the start. */
		lseek(fd, 0, SEEK_SET);
	}
	close(fd);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && !ret)
		ret = -errno;
	return ret;
}

/* Copy one file's bytes (and the tree's xattr) into a new file. */
static int copy_file(int rootfd, const char *src, const char *dst, int xattrs)
{
	char buf[65536], xv[64];
	int in, out, ret = 0;
	ssize_t n;

	in = openat(rootfd, src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = openat(rootfd, dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		goto out_in;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	if (!ret && xattrs) {
		n = fgetxattr(in, TREE_XATTR, xv, sizeof(xv));
		if (n >= 0 && fsetxattr(out, TREE_XATTR, xv, n, 0) < 0)
			ret = -errno;
	}
	if (close(out) < 0 && !ret)
		ret = -errno;
out_in:
	close(in);
	return ret;
}

/* Copy src (bytes and the tree's xattr) to a temp name next to dst and
 * rename it over dst. */
static int rename_over(int rootfd, const char *src, const char *dst, int xattrs)
{
	char tmp[4200];
	int ret;

	snprintf(tmp, sizeof(tmp), "%s.churn-tmp", dst);
	unlinkat(rootfd, tmp, 0);
	ret = copy_file(rootfd, src, tmp, xattrs);
	if (!ret && renameat(rootfd, tmp, rootfd, dst) < 0)
		ret = -errno;
	if (ret)
		unlinkat(rootfd, tmp, 0);
	return ret;
}

static int stop_flag;	/* atomic; set by churn_stop() */

void churn_stop(void)
{
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELAXED);
}

static bool stopping(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_RELAXED);
}

/*
 * Recreate layer l as overlay/<layer>.churn-new (first name of each content
 * copied, the others hardlinked to it, symlinks made again), exchange it
 * with the live layer in one step and delete the old inodes: every name of
 * the layer now leads to a new inode with the same bytes. A stop (SIGTERM)
 * during the copy gives up before the exchange: -ECANCELED, nothing the
 * readers see has changed (the copy can take seconds, and the harness
 * waits only so long before SIGKILL, which would leave a submount behind).
 */
static int swap_layer(int rootfd, const struct layers *ls, unsigned int l)
{
	char fresh[300], to[4600], first[4600];
	int ret = 0;

	snprintf(fresh, sizeof(fresh), "%s.churn-new", ls->dir[l]);
	remove_tree(rootfd, fresh);
	if (mkdirat(rootfd, fresh, 0755) < 0)
		return -errno;
	for (size_t i = 0; !ret && i < ls->nnames; i++) {
		const struct lname *n = &ls->names[i];
		const char *rest = n->path + strlen(ls->dir[l]);

		if (n->layer != l)
			continue;
		if (stopping()) {
			ret = -ECANCELED;
			break;
		}
		snprintf(to, sizeof(to), "%s%s", fresh, rest);
		ret = mkparents(rootfd, to);
		if (ret)
			break;
		if (n->target) {
			if (symlinkat(n->target, rootfd, to) < 0)
				ret = -errno;
			continue;
		}
		if (n->first >= 0) {
			snprintf(first, sizeof(first), "%s%s", fresh,
				 ls->names[n->first].path + strlen(ls->dir[l]));
			ret = linkat(rootfd, first, rootfd, to, 0) < 0 ? -errno : 0;
		} else {
			ret = copy_file(rootfd, n->path, to, ls->xattrs);
		}
	}
	if (!ret && syscall(SYS_renameat2, rootfd, fresh, rootfd, ls->dir[l], RENAME_EXCHANGE) < 0)
		ret = -errno;
	/* After the exchange "fresh" names the old layer (else the partial copy). */
	if (remove_tree(rootfd, fresh) < 0 && !ret)
		ret = -EIO;
	return ret;
}

/* One change as a JSON line on fd, in one write (see churn.h). e: 0 or -errno. */
static void log_change(int fd, uint64_t start, const char *op, const char *path,
		       const char *from, int e)
{
	char line[12288], eb[16];
	size_t len = 0;
	FILE *f;

	if (fd < 0)
		return;
	f = fmemopen(line, sizeof(line), "w");
	if (!f)
		return;
	setvbuf(f, NULL, _IONBF, 0);	/* no buffer of its own: len is all in line */
	fprintf(f, "{\"t_ns\":%llu,\"start_ns\":%llu,\"actor\":\"churn\",\"pid\":%d,"
		"\"op\":\"%s\",\"path\":", (unsigned long long)counts_now_ns(),
		(unsigned long long)start, (int)getpid(), op);
	json_put_string(f, path);
	if (from) {
		fputs(",\"from\":", f);
		json_put_string(f, from);
	}
	if (e)
		fprintf(f, ",\"error\":\"%s\"", counts_errno_name(-e, eb, sizeof(eb)));
	fputs("}\n", f);
	if (!ferror(f))
		len = (size_t)ftell(f);
	fclose(f);
	/* A line cut short by the buffer is dropped rather than written broken. */
	if (len && len < sizeof(line) - 1 && line[len - 1] == '\n' &&
	    write(fd, line, len) < 0) {
		/* Nothing to do: the counters on stdout still hold. */
	}
}

/* ---- the other host actors ---- */

#define TWINS_MAX 256
#define SUBMOUNT_DIRS 4		/* the most-named directories take turns */
#define PODMAN_KEEP 2		/* added layers kept before the oldest goes */
#define PODMAN_MAX 64

struct actors {
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

/* Note a twin dir from a manifest name ".../usr/lib/twin-NN/tK". */
static int twins_note(struct actors *a, const char *rel)
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

static int submount_pick(struct actors *a, const char *root, char **names, size_t n)
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

/* Is path dir itself or below it (both relative to the root)? */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The mounted dir relative to the root, or NULL. */
static const char *submount_rel(const struct actors *a)
{
	return a->mounted >= 0 ? a->subdir[a->mounted] + a->subroot : NULL;
}

/* One turn: mount the next dir onto itself, or take the mounted one away. */
static int submount_turn(struct actors *a, int events_fd, struct churn_result *r)
{
	uint64_t start = counts_now_ns();
	int e = 0;

	if (a->mounted >= 0) {
		const char *dir = a->subdir[a->mounted];

		if (umount2(dir, MNT_DETACH) < 0)
			e = -errno;
		log_change(events_fd, start, "submount-gone", dir + a->subroot, NULL, e);
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
		log_change(events_fd, start, "submount", a->subdir[k] + a->subroot, NULL, e);
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
static void submount_clear(struct actors *a, const char *rel, int events_fd,
			   struct churn_result *r)
{
	const char *m = submount_rel(a);

	if (m && path_under(m, rel))
		submount_turn(a, events_fd, r);
}

static void dir_move(struct actors *a, int rootfd, int events_fd, struct churn_result *r)
{
	char (*pair)[4096] = a->twin[a->next_twin++ % a->ntwins];
	uint64_t start;
	int e = 0;

	submount_clear(a, pair[0], events_fd, r);
	submount_clear(a, pair[1], events_fd, r);
	start = counts_now_ns();
	if (syscall(SYS_renameat2, rootfd, pair[0], rootfd, pair[1], RENAME_EXCHANGE) < 0)
		e = -errno;
	log_change(events_fd, start, "dir-move", pair[0], pair[1], e);
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

static void podman_metadata(struct actors *a, int rootfd, int events_fd, struct churn_result *r)
{
	static const char *const files[] = { "overlay-layers/layers.json", "overlay-images/images.json" };
	char text[PODMAN_MAX * 96 + 64], tmp[300];
	size_t n;

	for (int f = 0; f < 2; f++) {
		uint64_t start = counts_now_ns();
		int e;

		n = snprintf(text, sizeof(text), "[");
		for (unsigned int i = 0; i < a->nadded && n < sizeof(text); i++)
			n += snprintf(text + n, sizeof(text) - n, "%s{\"id\":\"%s\"}", i ? "," : "",
				      a->added[i]);
		if (n < sizeof(text))
			snprintf(text + n, sizeof(text) - n, "]\n");
		e = write_over(rootfd, files[f], text, tmp, sizeof(tmp));
		log_change(events_fd, start, "metadata-rename", files[f], tmp, e);
		if (e)
			r->errors++;
		else
			r->podman_ops++;
	}
}

static int podman_remove(struct actors *a, int rootfd, unsigned int i)
{
	char dir[300], link[300];
	int ret;

	snprintf(dir, sizeof(dir), "overlay/%s", a->added[i]);
	snprintf(link, sizeof(link), "overlay/l/S%.25s", a->added[i]);
	unlinkat(rootfd, link, 0);
	ret = remove_tree(rootfd, dir);
	memmove(a->added[i], a->added[i + 1], (a->nadded - i - 1) * sizeof(a->added[0]));
	a->nadded--;
	return ret;
}

/* One turn: add a layer (and drop the oldest past PODMAN_KEEP), rename the metadata. */
static void podman_turn(struct actors *a, int rootfd, uint64_t *rng, int events_fd,
			struct churn_result *r)
{
	char id[65], dir[400], file[500], link[300], target[300];
	uint64_t start = counts_now_ns();
	int e = 0;

	for (int k = 0; k < 4; k++)
		snprintf(id + 16 * k, sizeof(id) - 16 * k, "%016llx",
			 (unsigned long long)manifest_rand(rng));
	if (a->nadded == PODMAN_MAX)
		podman_remove(a, rootfd, 0);
	snprintf(dir, sizeof(dir), "overlay/%s/diff/usr/lib/podman-%llu", id,
		 (unsigned long long)a->serial++);
	e = mkparents(rootfd, strcat(strcpy(file, dir), "/x"));
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
	log_change(events_fd, start, "layer-add", dir, NULL, e);
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
		start = counts_now_ns();
		snprintf(dir, sizeof(dir), "overlay/%s", a->added[0]);
		e = podman_remove(a, rootfd, 0);
		log_change(events_fd, start, "layer-remove", dir, NULL, e);
		if (e)
			r->errors++;
		else
			r->podman_ops++;
		podman_metadata(a, rootfd, events_fd, r);
	}
}

/* Undo what the actors leave: the submount, the layers and files podman added. */
static void actors_cleanup(struct actors *a, int rootfd, int events_fd, struct churn_result *r)
{
	if (a->mounted >= 0)
		submount_turn(a, events_fd, r);
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

static const struct lname *sort_lnames;	/* for qsort's comparator only */

static int by_layer_hash(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct lname *x = &sort_lnames[i], *y = &sort_lnames[j];
	int c = (x->layer > y->layer) - (x->layer < y->layer);

	if (!c)
		c = strcmp(x->hash, y->hash);
	return c ? c : (i > j) - (i < j);
}

/* Remember one manifest name for layer swaps. */
static int layers_add(struct layers *ls, size_t *cap, const char *rel, const char *hash,
		      const char *target)
{
	const char *layer = rel + strlen("overlay/"), *slash;
	struct lname *n;

	slash = strncmp(rel, "overlay/", 8) == 0 ? strchr(layer, '/') : NULL;
	if (!slash || slash - rel >= 256)
		return 0;
	if (!ls->n || strncmp(ls->dir[ls->n - 1], rel, slash - rel) != 0 ||
	    ls->dir[ls->n - 1][slash - rel]) {
		void *grown = realloc(ls->dir, (ls->n + 1) * sizeof(*ls->dir));

		if (!grown)
			return -ENOMEM;
		ls->dir = grown;
		snprintf(ls->dir[ls->n++], sizeof(ls->dir[0]), "%.*s", (int)(slash - rel), rel);
	}
	if (ls->nnames == *cap) {
		void *grown = realloc(ls->names, (*cap ? *cap * 2 : 1024) * sizeof(*ls->names));

		if (!grown)
			return -ENOMEM;
		ls->names = grown;
		*cap = *cap ? *cap * 2 : 1024;
	}
	n = &ls->names[ls->nnames++];
	*n = (struct lname){ .path = strdup(rel), .target = target ? strdup(target) : NULL,
			     .layer = ls->n - 1, .first = -1 };
	snprintf(n->hash, sizeof(n->hash), "%s", hash);
	return n->path ? 0 : -ENOMEM;
}

/* For each file name, the first file name of the same content in its layer. */
static int layers_index(struct layers *ls)
{
	size_t *idx = calloc(ls->nnames ? ls->nnames : 1, sizeof(*idx)), head = 0;

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < ls->nnames; i++)
		idx[i] = i;
	sort_lnames = ls->names;
	qsort(idx, ls->nnames, sizeof(*idx), by_layer_hash);
	for (size_t k = 0; k < ls->nnames; k++) {
		struct lname *n = &ls->names[idx[k]];

		if (n->target)
			continue;
		if (head < k && ls->names[idx[head]].layer == n->layer &&
		    !ls->names[idx[head]].target && strcmp(ls->names[idx[head]].hash, n->hash) == 0)
			n->first = idx[head];
		else
			head = k;
	}
	free(idx);
	return 0;
}

int churn_run(const struct churn_params *p, struct churn_result *r, char *err, size_t errlen)
{
	char mpath[4096], line[4400], extra[4300];
	char **paths = NULL, **objs = NULL, **all = NULL;
	struct layers ls = { 0 };
	struct actors act = { .mounted = -1 };
	size_t nall = 0, acap = 0;
	double next_move, next_sub, next_pod;
	size_t n = 0, cap = 0, lcap = 0;
	uint64_t s = p->seed;
	double end, next_swap;
	unsigned int next_layer = 0;
	int rootfd, ret = 0;
	FILE *f;

	memset(r, 0, sizeof(*r));
	rootfd = open(p->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		snprintf(err, errlen, "root %s: %s", p->root, strerror(errno));
		return -errno;
	}
	snprintf(mpath, sizeof(mpath), "%s/%s", p->root, TREE_MANIFEST);
	f = fopen(mpath, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "manifest %s: %s", mpath, strerror(errno));
		goto out;
	}
	/* Checkout names (under deploy/) with the object each one names. */
	while (fgets(line, sizeof(line), f)) {
		char *rel = strtok(line, "\t"), *hash = strtok(NULL, "\t\n");
		char *size = strtok(NULL, "\t\n"), *target = strtok(NULL, "\n");

		if (rel && hash && strcmp(rel, "#xattr") == 0 && strcmp(hash, TREE_XATTR) == 0)
			ls.xattrs = 1;
		if (!rel || !hash || !size || rel[0] == '#')
			continue;
		if (p->dir_move_every_s > 0 && twins_note(&act, rel) < 0) {
			ret = -ENOMEM;
			snprintf(err, errlen, "out of memory");
			fclose(f);
			goto out;
		}
		if (p->submount_every_s > 0) {	/* every name, for the most-named dirs */
			if (nall == acap) {
				char **g = realloc(all, (acap ? acap * 2 : 1024) * sizeof(*all));

				if (!g) {
					ret = -ENOMEM;
					snprintf(err, errlen, "out of memory");
					fclose(f);
					goto out;
				}
				all = g;
				acap = acap ? acap * 2 : 1024;
			}
			all[nall] = strdup(rel);
			if (all[nall])
				nall++;
		}
		if (p->layer_every_s > 0 && layers_add(&ls, &lcap, rel, hash, target) < 0) {
			ret = -ENOMEM;
			snprintf(err, errlen, "out of memory");
			fclose(f);
			goto out;
		}
		/* Files only: a symlink's name is left alone. */
		if (target || !strstr(rel, "/deploy/"))
			continue;
		if (n == cap) {
			char **gp = realloc(paths, (cap ? cap * 2 : 1024) * sizeof(*paths)), **go;

			if (gp)
				paths = gp;
			go = gp ? realloc(objs, (cap ? cap * 2 : 1024) * sizeof(*objs)) : NULL;
			if (go)
				objs = go;
			if (!gp || !go) {
				ret = -ENOMEM;
				snprintf(err, errlen, "out of memory");
				fclose(f);
				goto out;
			}
			cap = cap ? cap * 2 : 1024;
		}
		paths[n] = strdup(rel);
		/* The object is .../repo/objects/XX/rest.file of the same layer. */
		char *cut = strstr(rel, "/deploy/");

		snprintf(extra, sizeof(extra), "%.*s/repo/objects/%.2s/%s.file", (int)(cut - rel), rel,
			 hash, hash + 2);
		objs[n++] = strdup(extra);
	}
	fclose(f);
	if (!n) {
		ret = -EINVAL;
		snprintf(err, errlen, "manifest %s has no checkout names", mpath);
		goto out;
	}
	if (p->layer_every_s > 0 && (!ls.n || layers_index(&ls) < 0)) {
		ret = ls.n ? -ENOMEM : -EINVAL;
		snprintf(err, errlen, ls.n ? "out of memory" : "manifest %s names no layers", mpath);
		goto out;
	}
	if (p->dir_move_every_s > 0 && !act.ntwins) {
		ret = -EINVAL;
		snprintf(err, errlen, "--dir-move-every needs a tree with twin directories (workload gen "
			 "--twins N); %s has none", mpath);
		goto out;
	}
	if (p->submount_every_s > 0 && submount_pick(&act, p->root, all, nall) < 0) {
		ret = -EINVAL;
		snprintf(err, errlen, "manifest %s names no directory to mount over", mpath);
		goto out;
	}
	end = counts_now() + p->seconds;
	next_swap = p->layer_every_s > 0 ? counts_now() + p->layer_every_s : end + 1;
	next_move = p->dir_move_every_s > 0 ? counts_now() + p->dir_move_every_s : end + 1;
	next_sub = p->submount_every_s > 0 ? counts_now() + p->submount_every_s : end + 1;
	next_pod = p->podman_every_s > 0 ? counts_now() + p->podman_every_s : end + 1;
	while (counts_now() < end && !stopping()) {
		size_t i = manifest_rand(&s) % n;
		int what = manifest_rand(&s) % 3, e = 0;
		double now = counts_now();

		uint64_t start = counts_now_ns();

		if (now >= next_move) {
			dir_move(&act, rootfd, p->events_fd, r);
			next_move = now + p->dir_move_every_s;
			continue;
		}
		if (now >= next_sub) {
			if (submount_turn(&act, p->events_fd, r) == CHURN_CANNOT_RUN) {
				ret = CHURN_CANNOT_RUN;
				snprintf(err, errlen, "a bind submount: %s (needs CAP_SYS_ADMIN)",
					 strerror(EPERM));
				goto out;
			}
			next_sub = now + p->submount_every_s;
			continue;
		}
		if (now >= next_pod) {
			podman_turn(&act, rootfd, &s, p->events_fd, r);
			next_pod = now + p->podman_every_s;
			continue;
		}
		if (p->no_names && now < next_swap) {	/* only the actors: wait for the next one */
			double next = next_move < next_sub ? next_move : next_sub;

			next = next < next_pod ? next : next_pod;
			next = next < next_swap ? next : next_swap;
			next = next < end ? next : end;
			if (next > now)
				usleep((useconds_t)((next - now > 0.01 ? 0.01 : next - now) * 1e6) + 1);
			continue;
		}

		if (counts_now() >= next_swap) {
			char fresh[300];

			submount_clear(&act, ls.dir[next_layer], p->events_fd, r);
			start = counts_now_ns();
			e = swap_layer(rootfd, &ls, next_layer);
			if (e == -ECANCELED)	/* stopped before the exchange: no change */
				continue;
			snprintf(fresh, sizeof(fresh), "%s.churn-new", ls.dir[next_layer]);
			log_change(p->events_fd, start, "layer-swap", ls.dir[next_layer], fresh, e);
			next_layer = (next_layer + 1) % ls.n;
			next_swap = counts_now() + p->layer_every_s;
			if (e)
				r->errors++;
			else
				r->layer_swaps++;
			continue;
		}
		/* link(2) across mounts is EXDEV: while a submount is up, the links
		 * leave the names on either side of it alone (rename-over copies). */
		if (what != 1 && submount_rel(&act) &&
		    (path_under(paths[i], submount_rel(&act)) || path_under(objs[i], submount_rel(&act))))
			continue;
		if (what == 0) {
			if (unlinkat(rootfd, paths[i], 0) < 0 ||
			    linkat(rootfd, objs[i], rootfd, paths[i], 0) < 0)
				e = -errno;
			else
				r->relinks++;
			log_change(p->events_fd, start, "relink", paths[i], NULL, e);
		} else if (what == 1) {
			e = rename_over(rootfd, objs[i], paths[i], ls.xattrs);
			if (!e)
				r->renames++;
			snprintf(extra, sizeof(extra), "%s.churn-tmp", paths[i]);
			log_change(p->events_fd, start, "rename", paths[i], extra, e);
		} else {
			snprintf(extra, sizeof(extra), "%s.churn-link", paths[i]);
			if (linkat(rootfd, objs[i], rootfd, extra, 0) < 0 || unlinkat(rootfd, extra, 0) < 0)
				e = -errno;
			else
				r->links++;
			log_change(p->events_fd, start, "link", extra, objs[i], e);
		}
		if (e)
			r->errors++;
		if (p->pause_us)
			usleep(p->pause_us);
	}
out:
	actors_cleanup(&act, rootfd, p->events_fd, r);
	for (size_t i = 0; i < nall; i++)
		free(all[i]);
	free(all);
	for (size_t i = 0; i < n; i++) {
		free(paths[i]);
		free(objs[i]);
	}
	free(paths);
	free(objs);
	for (size_t i = 0; i < ls.nnames; i++) {
		free(ls.names[i].path);
		free(ls.names[i].target);
	}
	free(ls.names);
	free(ls.dir);
	close(rootfd);
	return ret;
}
