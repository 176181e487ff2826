// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ostree workload's source tree (see ostree.h): a seeded tree_generate()
 * tree in a host temp dir, which `ostree commit` takes in, recorded name by
 * name (type, size and SHA-256, symlink target) and sorted so that a
 * checkout can be checked against it (ostree_check.c).
 */
#include "ostree_i.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "errmsg.h"
#include "sha256.h"
#include "tree.h"

/* strcmp, but '/' sorts before every other byte, so a directory's subtree
 * directly follows its name. */
static int path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = *a == '/' ? 1 : (unsigned char)*a, y = *b == '/' ? 1 : (unsigned char)*b;

		if (x != y || !x)
			return x - y;
	}
}

static int entry_cmp(const void *a, const void *b)
{
	return path_cmp(((const struct ostree_entry *)a)->rel, ((const struct ostree_entry *)b)->rel);
}

static int entry_key_cmp(const void *key, const void *e)
{
	return path_cmp(key, ((const struct ostree_entry *)e)->rel);
}

struct ostree_entry *ostree_source_find(struct ostree_run *run, const char *rel)
{
	return bsearch(rel, run->ents, run->nents, sizeof(*run->ents), entry_key_cmp);
}

static struct ostree_entry *add_entry(struct ostree_run *run, const char *rel, char type)
{
	struct ostree_entry *e;

	if (run->nents == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 1024;
		struct ostree_entry *grown = realloc(run->ents, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		run->ents = grown;
		run->cap = cap;
	}
	e = &run->ents[run->nents];
	*e = (struct ostree_entry){ .rel = strdup(rel), .type = type };
	if (!e->rel)
		return NULL;
	run->nents++;
	return e;
}

int ostree_source_hash_fd(struct ostree_run *run, int fd, char hex[65], uint64_t *size)
{
	unsigned char digest[32];
	struct sha256 h;
	ssize_t k;

	*size = 0;
	sha256_init(&h);
	while ((k = read(fd, run->buf, run->buflen)) > 0) {
		sha256_update(&h, run->buf, k);
		*size += k;
	}
	if (k < 0)
		return -errno;
	sha256_final(&h, digest);
	sha256_to_hex(digest, hex);
	return 0;
}

/* Record the source tree below rel ("" for its root). */
static int walk_src(struct ostree_run *run, const char *rel, char *err, size_t errlen)
{
	char child[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	struct stat st;
	struct ostree_entry *e;
	int fd, ret = 0;
	ssize_t n;
	DIR *d;

	fd = openat(run->srcfd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		ret = errmsg(err, errlen, -errno, "source %s/%s: %s", run->src, rel, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	while (ret == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "",
				     de->d_name) >= sizeof(child)) {
			ret = errmsg(err, errlen, -ENAMETOOLONG, "source path too long under %s", rel);
			break;
		}
		if (fstatat(run->srcfd, child, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = errmsg(err, errlen, -errno, "source %s: %s", child, strerror(errno));
			break;
		}
		e = add_entry(run, child, S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : 'f');
		if (!e) {
			ret = errmsg(err, errlen, -ENOMEM, "out of memory");
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			ret = walk_src(run, child, err, errlen);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlinkat(run->srcfd, child, target, sizeof(target) - 1);
			if (n < 0) {
				ret = errmsg(err, errlen, -errno, "source %s: %s", child, strerror(errno));
				break;
			}
			target[n] = '\0';
			e->target = strdup(target);
			if (!e->target)
				ret = errmsg(err, errlen, -ENOMEM, "out of memory");
		} else {
			int ffd = openat(run->srcfd, child, O_RDONLY | O_CLOEXEC);

			ret = ffd < 0 ? -errno : ostree_source_hash_fd(run, ffd, e->hash, &e->size);
			if (ffd >= 0)
				close(ffd);
			if (ret < 0)
				errmsg(err, errlen, ret, "source %s: %s", child, strerror(-ret));
		}
	}
	closedir(d);
	return ret;
}

int ostree_source_make(struct ostree_run *run, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	struct tree_params tp;
	struct tree_summary ts;
	int ret;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(run->src, sizeof(run->src), "%s/stalefs-ostree-src.XXXXXX", tmp) >=
	    sizeof(run->src)) {
		run->src[0] = '\0';
		return errmsg(err, errlen, -ENAMETOOLONG, "TMPDIR is too long");
	}
	if (!mkdtemp(run->src)) {
		ret = errmsg(err, errlen, -errno, "mkdtemp %s: %s", run->src, strerror(errno));
		run->src[0] = '\0';
		return ret;
	}
	tree_params_default(&tp);
	tp.objects = run->p->objects;
	tp.max_links = run->p->max_links;
	tp.seed = run->p->seed;
	tp.layers = 1;
	tp.checkouts = 1;
	ret = tree_generate(run->src, &tp, &ts, err, errlen);
	if (ret < 0)
		return ret;
	run->r->src_names = ts.names;
	run->r->src_bytes = ts.bytes;
	memcpy(run->r->src_hash, ts.hash, sizeof(ts.hash));
	run->srcfd = open(run->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run->srcfd < 0)
		return errmsg(err, errlen, -errno, "%s: %s", run->src, strerror(errno));
	ret = walk_src(run, "", err, errlen);
	if (ret < 0)
		return ret;
	qsort(run->ents, run->nents, sizeof(*run->ents), entry_cmp);
	return 0;
}

void ostree_source_free(struct ostree_run *run)
{
	for (size_t i = 0; i < run->nents; i++) {
		free(run->ents[i].rel);
		free(run->ents[i].target);
	}
	free(run->ents);
}
