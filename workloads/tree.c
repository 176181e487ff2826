// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tree generator; see tree.h. Everything random comes from one
 * splitmix64 stream seeded by the seed, in a fixed order, so the same
 * parameters give the same bytes, names and links.
 */
#include "tree.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "sha256.h"

struct gen {
	uint64_t rng;
	int rootfd;
	FILE *manifest;		/* the manifest, being written */
	struct sha256 mhash;	/* ... and its hash */
	struct tree_summary *s;
	bool xattrs;		/* the root's filesystem takes user xattrs */
	char *err;
	size_t errlen;
};

static uint64_t next(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int fail(struct gen *g, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct gen *g, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->err, g->errlen, fmt, ap);
	va_end(ap);
	return ret;
}

void tree_params_default(struct tree_params *p)
{
	*p = (struct tree_params){ .objects = 2000, .max_links = 970, .layers = 2,
				   .checkouts = 3, .seed = 1 };
}

/* mkdir -p relative to rootfd. */
static int mkdirs(struct gen *g, const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdirat(g->rootfd, buf, 0755) < 0 && errno != EEXIST)
				return fail(g, -errno, "mkdir %s: %s", buf, strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

/* One name: path, hash and size of the content, and for a symlink its
 * target (the hash and size are then those of the file it leads to). */
static void manifest_add(struct gen *g, const char *path, const char *hash, size_t size,
			 const char *target)
{
	char line[4400];
	int n = target ? snprintf(line, sizeof(line), "%s\t%s\t%zu\t%s\n", path, hash, size, target)
		       : snprintf(line, sizeof(line), "%s\t%s\t%zu\n", path, hash, size);

	fputs(line, g->manifest);
	sha256_update(&g->mhash, line, n);
	g->s->names++;
}

/* Object sizes: an OS tree is mostly small files with a long tail. */
static size_t object_size(struct gen *g)
{
	uint64_t r = next(g) % 1000;

	if (r < 600)
		return next(g) % 4096;
	if (r < 900)
		return 4096 + next(g) % (60 * 1024);
	if (r < 990)
		return 65536 + next(g) % (448 * 1024);
	return 512 * 1024 + next(g) % (1536 * 1024);
}

struct object {
	char path[512];		/* relative to root */
	char hash[65];
	size_t size;
	uint32_t names;
};

static int write_object(struct gen *g, const char *objdir, struct object *o, unsigned char *buf)
{
	int fd, ret = 0;

	o->size = object_size(g);
	for (size_t i = 0; i < o->size; i += 8) {
		uint64_t r = next(g);

		memcpy(buf + i, &r, o->size - i < 8 ? o->size - i : 8);
	}
	sha256_hex(buf, o->size, o->hash);
	snprintf(o->path, sizeof(o->path), "%s/%.2s", objdir, o->hash);
	ret = mkdirs(g, o->path);
	if (ret < 0)
		return ret;
	snprintf(o->path, sizeof(o->path), "%s/%.2s/%s.file", objdir, o->hash, o->hash + 2);
	fd = openat(g->rootfd, o->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return 1;	/* same content twice (e.g. two empty files): one object */
		return fail(g, -errno, "create %s: %s", o->path, strerror(errno));
	}
	if (write(fd, buf, o->size) != (ssize_t)o->size)
		ret = fail(g, -EIO, "write %s: %s", o->path, strerror(errno));
	if (ret == 0 && g->xattrs) {
		char val[TREE_XATTR_LEN + 1];

		tree_xattr_value(o->hash, val);
		if (fsetxattr(fd, TREE_XATTR, val, TREE_XATTR_LEN, 0) < 0)
			ret = fail(g, -errno, "setxattr %s: %s", o->path, strerror(errno));
	}
	close(fd);
	if (ret == 0) {
		o->names = 1;
		g->s->files++;
		g->s->bytes += o->size;
		manifest_add(g, o->path, o->hash, o->size, NULL);
	}
	return ret;
}

static int link_object(struct gen *g, struct object *o, const char *path)
{
	if (linkat(g->rootfd, o->path, g->rootfd, path, 0) < 0)
		return fail(g, -errno, "link %s -> %s: %s", path, o->path, strerror(errno));
	o->names++;
	g->s->links++;
	manifest_add(g, path, o->hash, o->size, NULL);
	return 0;
}

/* A symlink in the checkout's usr/bin to one of its files (ostree trees
 * carry many: usr/bin/sh -> bash and the like). */
static int symlink_object(struct gen *g, const struct object *o, const char *bindir,
			  const char *target, uint64_t i)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/s%05llu", bindir, (unsigned long long)i);
	if (symlinkat(target, g->rootfd, path) < 0)
		return fail(g, -errno, "symlink %s -> %s: %s", path, target, strerror(errno));
	g->s->symlinks++;
	manifest_add(g, path, o->hash, o->size, target);
	return 0;
}

static int gen_layer(struct gen *g, const struct tree_params *p, uint32_t layer, uint64_t nobj,
		     unsigned char *buf)
{
	char base[256], objdir[320], dir[512], path[640], bindir[512], target[64], first[65] = "";
	struct object *objs = calloc(nobj ? nobj : 1, sizeof(*objs));
	uint64_t made = 0, hot = nobj < 3 ? nobj : 3;
	int ret = 0;

	if (!objs)
		return fail(g, -ENOMEM, "out of memory");
	snprintf(base, sizeof(base), "overlay/l%02u%012llx/diff/sysroot/ostree", layer,
		 (unsigned long long)(next(g) & 0xffffffffffffULL));
	snprintf(objdir, sizeof(objdir), "%s/repo/objects", base);
	ret = mkdirs(g, objdir);
	for (uint64_t i = 0; ret == 0 && i < nobj; i++) {
		ret = write_object(g, objdir, &objs[made], buf);
		if (ret == 0)
			made++;
		if (ret == 1)
			ret = 0;
	}
	/* Each checkout names every object once (checkout -H), in 64 dirs. */
	for (uint32_t c = 0; ret == 0 && c < p->checkouts; c++) {
		char csum[65];
		uint64_t r = next(g);

		sha256_hex(&r, sizeof(r), csum);
		if (c == 0)
			memcpy(first, csum, sizeof(first));
		snprintf(bindir, sizeof(bindir), "%s/deploy/os/deploy/%s.0/usr/bin", base, csum);
		ret = mkdirs(g, bindir);
		for (uint64_t i = 0; ret == 0 && i < made; i++) {
			snprintf(dir, sizeof(dir), "%s/deploy/os/deploy/%s.0/usr/share/d%02llu", base,
				 csum, (unsigned long long)(i % 64));
			if (i < 64)
				ret = mkdirs(g, dir);
			snprintf(path, sizeof(path), "%s/f%05llu", dir, (unsigned long long)i);
			if (ret == 0 && objs[i].names < p->max_links) {
				ret = link_object(g, &objs[i], path);
				snprintf(target, sizeof(target), "../share/d%02llu/f%05llu",
					 (unsigned long long)(i % 64), (unsigned long long)i);
				if (ret == 0 && i < TREE_SYMLINKS)
					ret = symlink_object(g, &objs[i], bindir, target, i);
			}
		}
		/* The hot objects get their remaining names, spread over locales. */
		for (uint64_t h = 0; ret == 0 && h < hot; h++) {
			uint32_t want = p->max_links / p->checkouts + (c < p->max_links % p->checkouts);
			uint32_t k = 0;

			while (ret == 0 && objs[h].names < p->max_links && k < want) {
				if (k % 100 == 0) {
					snprintf(dir, sizeof(dir),
						 "%s/deploy/os/deploy/%s.0/usr/share/locale/l%03u/LC_MESSAGES",
						 base, csum, k / 100);
					ret = mkdirs(g, dir);
				}
				snprintf(path, sizeof(path), "%s/h%llu-%u.mo", dir, (unsigned long long)h, k);
				if (ret == 0)
					ret = link_object(g, &objs[h], path);
				k++;
			}
		}
	}
	/* The twin directories, in the first checkout, after everything else. */
	for (uint32_t t = 0; ret == 0 && made && first[0] && t < p->twins; t++) {
		static const char *const side[] = { TREE_TWIN_A, TREE_TWIN_B };

		for (int k = 0; ret == 0 && k < 2; k++) {
			snprintf(dir, sizeof(dir), "%s/deploy/os/deploy/%s.0%s%02u", base, first, side[k],
				 t);
			ret = mkdirs(g, dir);
			for (uint32_t j = 0; ret == 0 && j < TREE_TWIN_FILES; j++) {
				struct object *o = &objs[(t * TREE_TWIN_FILES + j) % made];

				snprintf(path, sizeof(path), "%s/t%u", dir, j);
				ret = link_object(g, o, path);	/* may pass max-links by a few */
			}
		}
	}
	free(objs);
	return ret;
}

int tree_generate(const char *root, const struct tree_params *p, struct tree_summary *s,
		  char *err, size_t errlen)
{
	struct gen g = { .rng = p->seed, .s = s, .err = err, .errlen = errlen };
	unsigned char digest[32], *buf;
	int ret = 0, mfd;

	memset(s, 0, sizeof(*s));
	err[0] = '\0';
	if (!p->layers || !p->checkouts || !p->max_links)
		return fail(&g, -EINVAL, "layers, checkouts and max-links must be at least 1");
	if (p->max_links > 65000)
		return fail(&g, -EINVAL, "max-links %u is over ext4's 65000", p->max_links);
	if (mkdir(root, 0755) < 0 && errno != EEXIST)
		return fail(&g, -errno, "mkdir %s: %s", root, strerror(errno));
	g.rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (g.rootfd < 0)
		return fail(&g, -errno, "%s: %s", root, strerror(errno));
	mfd = openat(g.rootfd, TREE_MANIFEST, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (mfd < 0) {
		ret = fail(&g, -errno, "%s/%s: %s (generate into an empty directory)", root,
			   TREE_MANIFEST, strerror(errno));
		goto out_root;
	}
	g.manifest = fdopen(mfd, "w");
	buf = malloc(2 * 1024 * 1024 + 8);
	if (!g.manifest || !buf) {
		ret = fail(&g, -ENOMEM, "out of memory");
		goto out_manifest;
	}
	/* Objects carry a user xattr where the filesystem takes one (tmpfs
	 * before 6.6 does not); a header line says so. Header lines start
	 * with '#' and stay out of the tree hash, which is the same on any
	 * filesystem. */
	g.xattrs = fsetxattr(mfd, TREE_XATTR, "probe", 5, 0) == 0;
	if (g.xattrs) {
		fremovexattr(mfd, TREE_XATTR);
		fprintf(g.manifest, "#xattr\t%s\n", TREE_XATTR);
	}
	s->xattrs = g.xattrs;
	sha256_init(&g.mhash);
	for (uint32_t l = 0; ret == 0 && l < p->layers; l++)
		ret = gen_layer(&g, p, l, p->objects / p->layers + (l < p->objects % p->layers), buf);
	free(buf);
	sha256_final(&g.mhash, digest);
	sha256_to_hex(digest, s->hash);
out_manifest:
	if (g.manifest) {
		if (fclose(g.manifest) != 0 && ret == 0)
			ret = fail(&g, -errno, "writing the manifest: %s", strerror(errno));
	} else {
		close(mfd);
	}
out_root:
	close(g.rootfd);
	return ret;
}

void tree_xattr_value(const char *hash, char out[TREE_XATTR_LEN + 1])
{
	snprintf(out, TREE_XATTR_LEN + 1, "sha256=%.16s", hash);
}
