// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checking an ostree checkout (see ostree.h): walk OSTREEWL_DIR/co-K and
 * compare every name, type, symlink target and byte with the recorded
 * source tree (ostree_source.c); each call counted per op and errno,
 * every ESTALE kept as an event (ostree_count).
 */
#include "ostree_i.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* Everything below e counts as seen (it could not be looked at: the error
 * that stopped us is counted already). */
static void skip_subtree(struct ostree_run *run, struct ostree_entry *e)
{
	size_t len = strlen(e->rel);

	for (struct ostree_entry *x = e + 1; x < run->ents + run->nents; x++) {
		if (strncmp(x->rel, e->rel, len) != 0 || x->rel[len] != '/')
			break;
		x->seen = true;
	}
}

static void check_dir(struct ostree_run *run, int fd, char *path, size_t len, size_t reloff);

static void check_file(struct ostree_run *run, int dfd, const char *name, const char *path,
		       struct ostree_entry *e)
{
	struct ostreewl_result *r = run->r;
	uint64_t size;
	char hex[65];
	int fd, ret;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ostree_count(run, OSTREEWL_OPEN, fd < 0 ? errno : 0, path);
	if (fd < 0)
		return;
	ret = ostree_source_hash_fd(run, fd, hex, &size);
	ostree_count(run, OSTREEWL_READ, -ret, path);
	if (ret == 0) {
		r->files_checked++;
		r->bytes_checked += size;
		if (size != e->size || strcmp(hex, e->hash) != 0)
			r->mismatches++;
	}
	ostree_count(run, OSTREEWL_CLOSE, close(fd) < 0 ? errno : 0, path);
}

/* path[0..len) names the entry (relative to the root); its part from
 * reloff on is its name in the source tree. */
static void check_entry(struct ostree_run *run, int dfd, const char *name, char *path, size_t len,
			size_t reloff)
{
	struct ostreewl_result *r = run->r;
	char target[PATH_MAX];
	struct ostree_entry *e;
	struct stat st;
	ssize_t n;
	char type;
	int fd, err;

	err = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? errno : 0;
	ostree_count(run, OSTREEWL_STAT, err, path);
	e = ostree_source_find(run, path + reloff);
	if (!e) {
		if (!err) {
			r->extra++;
			r->mismatches++;
		}
		return;
	}
	e->seen = true;
	if (err) {
		skip_subtree(run, e);
		return;
	}
	type = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f' : '?';
	if (type != e->type) {
		r->mismatches++;
		skip_subtree(run, e);
		return;
	}
	switch (type) {
	case 'd':
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		ostree_count(run, OSTREEWL_OPEN, fd < 0 ? errno : 0, path);
		if (fd < 0)
			skip_subtree(run, e);
		else
			check_dir(run, fd, path, len, reloff);
		break;
	case 'l':
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
		ostree_count(run, OSTREEWL_READLINK, n < 0 ? errno : 0, path);
		if (n >= 0) {
			target[n] = '\0';
			r->symlinks_checked++;
			if (strcmp(target, e->target) != 0)
				r->mismatches++;
		}
		break;
	default:
		check_file(run, dfd, name, path, e);
		break;
	}
}

/* Check the directory open at fd (closed here); path as for check_entry. */
static void check_dir(struct ostree_run *run, int fd, char *path, size_t len, size_t reloff)
{
	struct dirent *de;
	DIR *d = fdopendir(fd);

	if (!d) {
		ostree_count(run, OSTREEWL_READDIR, errno, path);
		close(fd);
		return;
	}
	errno = 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			goto next;
		if (len + 1 + n >= PATH_MAX) {
			run->r->mismatches++;	/* no source name is that long */
			goto next;
		}
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, n + 1);
		check_entry(run, dirfd(d), de->d_name, path, len + 1 + n, reloff);
		path[len] = '\0';
next:
		errno = 0;
	}
	ostree_count(run, OSTREEWL_READDIR, errno, path);
	ostree_count(run, OSTREEWL_CLOSE, closedir(d) < 0 ? errno : 0, path);
}

/* See ostree_i.h. */
void ostree_check_checkout(struct ostree_run *run, unsigned int k)
{
	char path[PATH_MAX];
	size_t len;
	int fd;

	for (size_t i = 0; i < run->nents; i++)
		run->ents[i].seen = false;
	len = snprintf(path, sizeof(path), "%s/co-%u", OSTREEWL_DIR, k);
	fd = openat(run->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ostree_count(run, OSTREEWL_OPEN, fd < 0 ? errno : 0, path);
	if (fd < 0)
		return;
	check_dir(run, fd, path, len, len + 1);
	for (size_t i = 0; i < run->nents; i++) {
		if (!run->ents[i].seen) {
			run->r->missing++;
			run->r->mismatches++;
		}
	}
}
