// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Directory streams: opendir, readdir, readdirplus, releasedir, fsyncdir.
 * READDIRPLUS does a full lookup (+1 nlookup) for every entry but "." and
 * "..", which go out with nodeid 0; an entry that does not fit in the reply
 * gives its reference back at once (virtiofsd server.rs).
 */
#include <dirent.h>
#include <errno.h>
#include <linux/fuse.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errsrc.h"
#include "ops.h"

struct dir_stream {
	DIR *dp;		/* owned by the one request that uses it at a time */
	off_t offset;		/* position of entry (or of the next readdir) */
	struct dirent *entry;	/* read but not yet sent, or NULL */
};

void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *d = req_begin(req, OP_OPENDIR);
	struct dir_stream *ds;
	struct inode *inode;
	int ret, fd;

	ds = calloc(1, sizeof(*ds));
	if (!ds) {
		ret = daemon_err("malloc", -ENOMEM);
		goto out_err;
	}
	ret = op_get_inode(d, ino, &inode);
	if (ret < 0)
		goto out_free;
	fd = op_guest_open(d, inode, O_RDONLY | O_DIRECTORY);
	store_put(&d->store, inode);
	if (fd < 0) {
		ret = fd;
		goto out_free;
	}
	ds->dp = fdopendir(fd);
	if (!ds->dp) {
		ret = host_err("fdopendir");
		op_guest_close(d, fd);
		goto out_free;
	}
	fi->fh = (uintptr_t)ds;
	if (d->cfg->dir_cache) {
		fi->cache_readdir = 1;
		fi->keep_cache = 1;
	}
	reply_done(d, OP_OPENDIR);
	if (fuse_reply_open(req, fi) != 0) {
		closedir(ds->dp);
		fdlimit_give(&d->fdl);
		free(ds);
	}
	return;
out_free:
	free(ds);
out_err:
	reply_err(req, OP_OPENDIR, ino, NULL, ret);
}

static bool is_dot_or_dotdot(const char *name)
{
	return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* Entries of one READDIRPLUS reply: their lookups are given back if the
 * reply cannot be sent. */
struct sent {
	struct inode **v;
	size_t n, cap;
};

/* Add one entry to p (rem bytes left). Returns its size (> rem: did not fit)
 * or -errno; a plus entry that does not fit gives its lookup back, one that
 * fits joins sent. */
static ssize_t add_entry(fuse_req_t req, struct inode *dir, struct dirent *de, char *p,
			 size_t rem, bool plus, struct sent *sent)
{
	struct daemon *d = fuse_req_userdata(req);
	struct fuse_entry_param e;
	struct inode *inode;
	size_t size;
	int ret;

	if (!plus) {
		struct stat st = { .st_ino = de->d_ino, .st_mode = DTTOIF(de->d_type) };

		return fuse_add_direntry(req, p, rem, de->d_name, &st, de->d_off);
	}
	if (is_dot_or_dotdot(de->d_name)) {
		memset(&e, 0, sizeof(e));
		e.attr.st_ino = de->d_ino;
		e.attr.st_mode = DTTOIF(de->d_type);
		return fuse_add_direntry_plus(req, p, rem, de->d_name, &e, de->d_off);
	}
	ret = op_do_lookup(d, dir, de->d_name, &e, &inode);
	if (ret < 0)
		return ret;
	size = fuse_add_direntry_plus(req, p, rem, de->d_name, &e, de->d_off);
	if (size <= rem && op_lookup_submount()) {
		/* libfuse 3.14 cannot set attr flags: patch the entry it wrote. */
		((struct fuse_direntplus *)p)->entry_out.attr.flags |= FUSE_ATTR_SUBMOUNT;
		stats_count(&d->submounts_sent, 1);
	}
	if (size <= rem && sent->n == sent->cap) {
		size_t cap = sent->cap ? sent->cap * 2 : 32;
		struct inode **v = realloc(sent->v, cap * sizeof(*v));

		if (v) {
			sent->v = v;
			sent->cap = cap;
		} else {
			size = rem + 1;	/* no room to track it: end the reply here */
		}
	}
	if (size > rem) {
		store_unref(&d->store, inode, 1);
		store_put(&d->store, inode);
	} else {
		sent->v[sent->n++] = inode;
	}
	return size;
}

static void do_readdir(fuse_req_t req, enum op op, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi, bool plus)
{
	struct daemon *d = fuse_req_userdata(req);
	struct dir_stream *ds = (struct dir_stream *)(uintptr_t)fi->fh;
	struct inode *dir = NULL;
	struct sent sent = { 0 };
	size_t rem = size;
	bool lost = false;
	char *buf, *p;
	int ret = 0;

	buf = p = malloc(size ? size : 1);
	if (!buf) {
		reply_err(req, op, ino, NULL, daemon_err("malloc", -ENOMEM));
		return;
	}
	if (plus) {
		ret = op_get_inode(d, ino, &dir);
		if (ret < 0)
			goto out;
	}
	if (off != ds->offset) {
		seekdir(ds->dp, off);
		ds->entry = NULL;
		ds->offset = off;
	}
	for (;;) {
		ssize_t n;

		if (!ds->entry) {
			errno = 0;
			ds->entry = readdir(ds->dp);
			if (!ds->entry) {
				if (errno)
					ret = host_err("readdir");
				break;
			}
		}
		n = add_entry(req, dir, ds->entry, p, rem, plus, &sent);
		if (n < 0) {
			ret = (int)n;
			break;
		}
		if ((size_t)n > rem)
			break;
		p += n;
		rem -= n;
		ds->offset = ds->entry->d_off;
		ds->entry = NULL;
	}
out:
	store_put(&d->store, dir);
	/* An error after some entries: send those, the error comes next time. */
	if (ret < 0 && rem == size) {
		reply_err(req, op, ino, NULL, ret);
	} else {
		reply_done(d, op);
		lost = fuse_reply_buf(req, buf, size - rem) != 0;
	}
	for (size_t i = 0; i < sent.n; i++) {
		if (lost)
			store_unref(&d->store, sent.v[i], 1);	/* the kernel never saw them */
		store_put(&d->store, sent.v[i]);
	}
	free(sent.v);
	free(buf);
}

void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	req_begin(req, OP_READDIR);
	do_readdir(req, OP_READDIR, ino, size, off, fi, false);
}

void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	req_begin(req, OP_READDIRPLUS);
	do_readdir(req, OP_READDIRPLUS, ino, size, off, fi, true);
}

void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct dir_stream *ds = (struct dir_stream *)(uintptr_t)fi->fh;

	struct daemon *d = req_begin(req, OP_RELEASEDIR);

	closedir(ds->dp);
	fdlimit_give(&d->fdl);
	free(ds);
	reply_err(req, OP_RELEASEDIR, ino, NULL, 0);
}

void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct dir_stream *ds = (struct dir_stream *)(uintptr_t)fi->fh;
	int fd = dirfd(ds->dp), ret;

	req_begin(req, OP_FSYNCDIR);
	ret = datasync ? fdatasync(fd) : fsync(fd);
	reply_err(req, OP_FSYNCDIR, ino, NULL, ret < 0 ? host_err("fsync") : 0);
}
