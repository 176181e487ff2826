// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls checks on names (see syscalls_i.h): mkdir and rmdir, unlink,
 * symlinks, hardlinks, the rename variants, mkfifo and readdir.
 */
#include "syscalls_i.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int do_renameat2(const char *from, const char *to, unsigned int flags)
{
#if GLIBC_AT_LEAST(2, 28)
	return renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
#else
	return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
#endif
}

int mkdir_and_rmdir_mirror_backing(struct ctx *c)
{
	struct stat ms, bs;
	struct pair d, f;

	if (mkpair(c, "dir", &d) || mkpair(c, "dir/file", &f))
		return -1;
	if (mkdir(d.m, 0750))
		return fail_sys(c, "mkdir(%s, 0750)", d.m);
	if (lstat_pair(c, &d, &ms, &bs) ||
	    expect_mode(c, "lstat", d.m, &ms, S_IFDIR, 0750) ||
	    expect_mode(c, "lstat", d.b, &bs, S_IFDIR, 0750) ||
	    expect_same_ino(c, d.m, &ms, d.b, &bs))
		return -1;
	if (expect_errno(c, mkdir(d.m, 0750), EEXIST,
			 "mkdir(%s) on an existing directory", d.m))
		return -1;
	if (create_text(c, f.m, "x\n"))
		return -1;
	if (expect_errno(c, rmdir(d.m), ENOTEMPTY,
			 "rmdir(%s) on a non-empty directory", d.m) ||
	    lstat_ok(c, d.b, &bs))
		return -1;
	if (unlink(f.m))
		return fail_sys(c, "unlink(%s)", f.m);
	if (rmdir(d.m))
		return fail_sys(c, "rmdir(%s)", d.m);
	if (expect_absent(c, d.m) || expect_absent(c, d.b))
		return -1;
	return 0;
}

int unlink_removes_backing_name(struct ctx *c)
{
	struct pair f, missing;

	if (mkpair(c, "file", &f) || mkpair(c, "missing", &missing) ||
	    create_text(c, f.m, "bye\n") || expect_content(c, f.b, "bye\n", 4))
		return -1;
	if (unlink(f.m))
		return fail_sys(c, "unlink(%s)", f.m);
	if (expect_absent(c, f.b) || expect_absent(c, f.m))
		return -1;
	if (expect_errno(c, unlink(missing.m), ENOENT,
			 "unlink(%s) of a missing name", missing.m) ||
	    expect_errno(c, unlink(f.m), ENOENT,
			 "unlink(%s) a second time", f.m))
		return -1;
	return 0;
}

static int expect_readlink(struct ctx *c, const char *path, const char *target)
{
	char buf[PATH_MAX];
	size_t want = strlen(target);
	ssize_t n = readlink(path, buf, sizeof(buf));

	if (n < 0)
		return fail_sys(c, "readlink(%s)", path);
	if ((size_t)n != want || memcmp(buf, target, want) != 0)
		return failf(c, "readlink(%s): expected \"%s\" (%zu bytes), got \"%.*s\" (%zd bytes)",
			     path, target, want, (int)n, buf, n);
	return 0;
}

static int symlink_round_trip(struct ctx *c, const char *name,
			      const char *target)
{
	struct stat ms, bs;
	struct pair l;

	if (mkpair(c, name, &l))
		return -1;
	if (symlink(target, l.m))
		return fail_sys(c, "symlink(\"%s\", %s)", target, l.m);
	if (expect_readlink(c, l.m, target) || expect_readlink(c, l.b, target))
		return -1;
	if (lstat_pair(c, &l, &ms, &bs) ||
	    expect_type(c, "lstat", l.m, &ms, S_IFLNK) ||
	    expect_type(c, "lstat", l.b, &bs, S_IFLNK) ||
	    expect_size(c, "lstat", l.m, &ms, (off_t)strlen(target)))
		return -1;
	return 0;
}

int symlink_targets_read_back_exactly(struct ctx *c)
{
	if (symlink_round_trip(c, "relative", "some/../relative") ||
	    symlink_round_trip(c, "absolute", "/nonexistent/x"))
		return -1;
	return 0;
}

int hardlink_shares_backing_inode(struct ctx *c)
{
	struct stat ma, mb, ba, bb;
	struct pair a, b;

	if (mkpair(c, "a", &a) || mkpair(c, "b", &b) ||
	    create_text(c, a.m, "linked\n"))
		return -1;
	if (link(a.m, b.m))
		return fail_sys(c, "link(%s, %s)", a.m, b.m);
	if (lstat_pair(c, &a, &ma, &ba) || lstat_pair(c, &b, &mb, &bb))
		return -1;
	if (expect_nlink(c, "lstat", a.m, &ma, 2) ||
	    expect_nlink(c, "lstat", b.m, &mb, 2) ||
	    expect_nlink(c, "lstat", a.b, &ba, 2) ||
	    expect_nlink(c, "lstat", b.b, &bb, 2))
		return -1;
	if (ma.st_ino != mb.st_ino)
		return failf(c, "lstat: %s has st_ino %llu but its hard link %s has %llu",
			     a.m, (unsigned long long)ma.st_ino, b.m,
			     (unsigned long long)mb.st_ino);
	if (expect_same_ino(c, a.m, &ma, a.b, &ba) ||
	    expect_same_ino(c, b.m, &mb, b.b, &bb) ||
	    expect_content(c, b.b, "linked\n", 7))
		return -1;
	return 0;
}

/* The path holds text on both sides of the mount. */
static int expect_text_pair(struct ctx *c, const struct pair *p,
			    const char *text)
{
	if (expect_content(c, p->b, text, strlen(text)) ||
	    expect_content(c, p->m, text, strlen(text)))
		return -1;
	return 0;
}

int rename_variants_apply_to_backing(struct ctx *c)
{
	struct pair a, b, x, d;
	struct stat ms, bs;

	if (mkpair(c, "a", &a) || mkpair(c, "b", &b) ||
	    mkpair(c, "x", &x) || mkpair(c, "d", &d))
		return -1;
	/* plain rename */
	if (create_text(c, a.m, "A\n"))
		return -1;
	if (rename(a.m, b.m))
		return fail_sys(c, "rename(%s, %s)", a.m, b.m);
	if (expect_absent(c, a.b) || expect_absent(c, a.m) ||
	    expect_text_pair(c, &b, "A\n"))
		return -1;
	/* rename over an existing file */
	if (create_text(c, x.m, "X\n"))
		return -1;
	if (rename(x.m, b.m))
		return fail_sys(c, "rename(%s, %s) over an existing file", x.m, b.m);
	if (expect_absent(c, x.b) || expect_text_pair(c, &b, "X\n"))
		return -1;
	/* RENAME_NOREPLACE onto an existing name */
	if (create_text(c, d.m, "D\n"))
		return -1;
	if (expect_errno(c, do_renameat2(d.m, b.m, RENAME_NOREPLACE), EEXIST,
			 "renameat2(%s, %s, RENAME_NOREPLACE)", d.m, b.m) ||
	    expect_text_pair(c, &b, "X\n") || expect_text_pair(c, &d, "D\n"))
		return -1;
	/* RENAME_EXCHANGE */
	if (do_renameat2(d.m, b.m, RENAME_EXCHANGE))
		return fail_sys(c, "renameat2(%s, %s, RENAME_EXCHANGE)", d.m, b.m);
	if (expect_text_pair(c, &b, "D\n") || expect_text_pair(c, &d, "X\n"))
		return -1;
	if (lstat_pair(c, &b, &ms, &bs) ||
	    expect_same_ino(c, b.m, &ms, b.b, &bs))
		return -1;
	return 0;
}

static int expect_fifo_pair(struct ctx *c, const struct pair *p, mode_t perm)
{
	struct stat ms, bs;

	if (lstat_pair(c, p, &ms, &bs) ||
	    expect_mode(c, "lstat", p->m, &ms, S_IFIFO, perm) ||
	    expect_mode(c, "lstat", p->b, &bs, S_IFIFO, perm))
		return -1;
	return 0;
}

int mkfifo_creates_backing_fifo(struct ctx *c)
{
	struct pair f1, f2;

	if (mkpair(c, "fifo", &f1) || mkpair(c, "fifo-mknod", &f2))
		return -1;
	if (mkfifo(f1.m, 0640))
		return fail_sys(c, "mkfifo(%s, 0640)", f1.m);
	if (expect_fifo_pair(c, &f1, 0640))
		return -1;
	if (mknod(f2.m, S_IFIFO | 0600, 0))
		return fail_sys(c, "mknod(%s, S_IFIFO|0600)", f2.m);
	return expect_fifo_pair(c, &f2, 0600);
}

static int cmp_dent(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name,
		      ((const struct dent *)b)->name);
}

/* Read a directory into ents (sorted by name). */
static int list_dir(struct ctx *c, const char *path, struct dent *ents,
		    size_t *n)
{
	DIR *d = opendir(path);
	int ret = 0;

	*n = 0;
	if (!d)
		return fail_sys(c, "opendir(%s)", path);
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				ret = fail_sys(c, "readdir(%s)", path);
			break;
		}
		if (*n == MAX_DENTS) {
			ret = failf(c, "readdir(%s): more than %d entries",
				    path, MAX_DENTS);
			break;
		}
		snprintf(ents[*n].name, sizeof(ents[*n].name), "%s", de->d_name);
		ents[*n].ino = de->d_ino;
		(*n)++;
	}
	closedir(d);
	if (ret == 0)
		qsort(ents, *n, sizeof(*ents), cmp_dent);
	return ret;
}

static bool has_dent(const struct dent *ents, size_t n, const char *name)
{
	struct dent key;

	snprintf(key.name, sizeof(key.name), "%s", name);
	return bsearch(&key, ents, n, sizeof(*ents), cmp_dent) != NULL;
}

/* d_ino from the mount and st_ino through the mount match backing st_ino. */
static int expect_dent_ino(struct ctx *c, const struct dent *e)
{
	struct stat ms, bs;
	struct pair p;

	if (mkpair(c, e->name, &p) || lstat_pair(c, &p, &ms, &bs))
		return -1;
	if (e->ino != 0 && e->ino != bs.st_ino)
		return failf(c, "readdir(%s): d_ino of '%s' is %llu, but %s has st_ino %llu",
			     c->mdir, e->name, (unsigned long long)e->ino,
			     p.b, (unsigned long long)bs.st_ino);
	return expect_same_ino(c, p.m, &ms, p.b, &bs);
}

int readdir_lists_backing_entries(struct ctx *c)
{
	struct dent ments[MAX_DENTS], bents[MAX_DENTS];
	size_t mn, bn, i;
	char name[16];
	struct pair p;

	for (i = 0; i < READDIR_FILES; i++) {
		snprintf(name, sizeof(name), "f%02zu", i);
		if (mkpair(c, name, &p) || create_file(c, p.m, 0644, NULL, 0))
			return -1;
	}
	if (list_dir(c, c->mdir, ments, &mn) || list_dir(c, c->bdir, bents, &bn))
		return -1;
	if (!has_dent(ments, mn, ".") || !has_dent(ments, mn, ".."))
		return failf(c, "readdir(%s): '.' or '..' is missing", c->mdir);
	for (i = 0; i < READDIR_FILES; i++) {
		snprintf(name, sizeof(name), "f%02zu", i);
		if (!has_dent(ments, mn, name))
			return failf(c, "readdir(%s): '%s' is missing", c->mdir, name);
	}
	if (mn != READDIR_FILES + 2)
		return failf(c, "readdir(%s): expected %d entries, got %zu",
			     c->mdir, READDIR_FILES + 2, mn);
	/* Compare names with backing, ignoring whether backing shows . and .. */
	for (i = 0; i < bn; i++)
		if (!has_dent(ments, mn, bents[i].name))
			return failf(c, "readdir: backing %s has '%s', the mount does not",
				     c->bdir, bents[i].name);
	for (i = 0; i < mn; i++) {
		if (!strcmp(ments[i].name, ".") || !strcmp(ments[i].name, ".."))
			continue;
		if (!has_dent(bents, bn, ments[i].name))
			return failf(c, "readdir: the mount lists '%s', backing %s does not",
				     ments[i].name, c->bdir);
		if (expect_dent_ino(c, &ments[i]))
			return -1;
	}
	return 0;
}
