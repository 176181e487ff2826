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
#include <linux/fs.h>
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

/*
 * Recreate layer l as overlay/<layer>.churn-new (first name of each content
 * copied, the others hardlinked to it, symlinks made again), exchange it
 * with the live layer in one step and delete the old inodes: every name of
 * the layer now leads to a new inode with the same bytes.
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
	/* After the exchange "fresh" names the old layer. */
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
	char **paths = NULL, **objs = NULL;
	struct layers ls = { 0 };
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
	end = counts_now() + p->seconds;
	next_swap = p->layer_every_s > 0 ? counts_now() + p->layer_every_s : end + 1;
	while (counts_now() < end) {
		size_t i = manifest_rand(&s) % n;
		int what = manifest_rand(&s) % 3, e = 0;

		uint64_t start = counts_now_ns();

		if (counts_now() >= next_swap) {
			char fresh[300];

			e = swap_layer(rootfd, &ls, next_layer);
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
