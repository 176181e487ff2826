// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host-side churn (see churn.h): the run, the name churn (relink, rename
 * over, extra links) and the file helpers the actors share. The layer swap
 * is in churn_layer.c, the other host actors in churn_actors.c.
 */
#include "churn_i.h"
#include "clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "counts.h"
#include "json.h"
#include "manifest.h"
#include "tree.h"

/* mkdir -p of the directory part of path, relative to dirfd. */
int churn_mkparents(int dirfd, const char *path)
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
int churn_remove_tree(int dirfd, const char *name)
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
			if (de->type == DT_DIR ? churn_remove_tree(fd, de->name) < 0
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
int churn_copy_file(int rootfd, const char *src, const char *dst, int xattrs)
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
	ret = churn_copy_file(rootfd, src, tmp, xattrs);
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

bool churn_stopping(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_RELAXED);
}

/* One change as a JSON line on fd, in one write (see churn.h). e: 0 or -errno. */
void churn_log_header(int fd)
{
	struct json_origin o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (fd < 0 || !(f = open_memstream(&buf, &len)))
		return;
	json_origin_now(&o);
	fputc('{', f);
	json_put_origin(f, CHURN_EVENTS_SCHEMA, &o);
	fprintf(f, ",\"type\":\"header\",\"actor\":\"churn\",\"t_ns\":%llu,\"clock\":\"monotonic\","
		"\"pid\":%d}\n", (unsigned long long)mono_ns(), (int)getpid());
	if (fclose(f) == 0 && write(fd, buf, len) < 0) {
		/* Nothing to do: the readers take a log without its header too. */
	}
	free(buf);
}

void churn_log_change(int fd, uint64_t start, const char *op, const char *path,
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
		"\"op\":\"%s\",\"path\":", (unsigned long long)mono_ns(),
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

/* Is path dir itself or below it (both relative to the root)? */
bool churn_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int churn_run(const struct churn_params *p, struct churn_result *r, char *err, size_t errlen)
{
	char mpath[4096], line[4400], extra[4300];
	char **paths = NULL, **objs = NULL, **all = NULL;
	struct churn_layers ls = { 0 };
	struct churn_actors act = { .mounted = -1 };
	size_t nall = 0, acap = 0;
	double next_move, next_sub, next_pod;
	size_t n = 0, cap = 0, lcap = 0;
	uint64_t s = p->seed;
	double end, next_swap;
	unsigned int next_layer = 0;
	int rootfd, ret = 0;
	FILE *f;

	memset(r, 0, sizeof(*r));
	churn_log_header(p->events_fd);
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
		if (p->dir_move_every_s > 0 && churn_actors_twins_note(&act, rel) < 0) {
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
		if (p->layer_every_s > 0 && churn_layers_add(&ls, &lcap, rel, hash, target) < 0) {
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
	if (p->layer_every_s > 0 && (!ls.n || churn_layers_index(&ls) < 0)) {
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
	if (p->submount_every_s > 0 && churn_actors_submount_pick(&act, p->root, all, nall) < 0) {
		ret = -EINVAL;
		snprintf(err, errlen, "manifest %s names no directory to mount over", mpath);
		goto out;
	}
	end = mono_seconds() + p->seconds;
	next_swap = p->layer_every_s > 0 ? mono_seconds() + p->layer_every_s : end + 1;
	next_move = p->dir_move_every_s > 0 ? mono_seconds() + p->dir_move_every_s : end + 1;
	next_sub = p->submount_every_s > 0 ? mono_seconds() + p->submount_every_s : end + 1;
	next_pod = p->podman_every_s > 0 ? mono_seconds() + p->podman_every_s : end + 1;
	while (mono_seconds() < end && !churn_stopping()) {
		size_t i = manifest_rand(&s) % n;
		int what = manifest_rand(&s) % 3, e = 0;
		double now = mono_seconds();

		uint64_t start = mono_ns();

		if (now >= next_move) {
			churn_actors_dir_move(&act, rootfd, p->events_fd, r);
			next_move = now + p->dir_move_every_s;
			continue;
		}
		if (now >= next_sub) {
			if (churn_actors_submount_turn(&act, p->events_fd, r) == CHURN_CANNOT_RUN) {
				ret = CHURN_CANNOT_RUN;
				snprintf(err, errlen, "a bind submount: %s (needs CAP_SYS_ADMIN)",
					 strerror(EPERM));
				goto out;
			}
			next_sub = now + p->submount_every_s;
			continue;
		}
		if (now >= next_pod) {
			churn_actors_podman_turn(&act, rootfd, &s, p->events_fd, r);
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

		if (mono_seconds() >= next_swap) {
			char fresh[300];

			churn_actors_submount_clear(&act, ls.dir[next_layer], p->events_fd, r);
			start = mono_ns();
			e = churn_layers_swap(rootfd, &ls, next_layer);
			if (e == -ECANCELED)	/* stopped before the exchange: no change */
				continue;
			snprintf(fresh, sizeof(fresh), "%s.churn-new", ls.dir[next_layer]);
			churn_log_change(p->events_fd, start, "layer-swap", ls.dir[next_layer], fresh, e);
			next_layer = (next_layer + 1) % ls.n;
			next_swap = mono_seconds() + p->layer_every_s;
			if (e)
				r->errors++;
			else
				r->layer_swaps++;
			continue;
		}
		/* link(2) across mounts is EXDEV: while a submount is up, the links
		 * leave the names on either side of it alone (rename-over copies). */
		if (what != 1 && churn_actors_submount_rel(&act) &&
		    (churn_path_under(paths[i], churn_actors_submount_rel(&act)) ||
		     churn_path_under(objs[i], churn_actors_submount_rel(&act))))
			continue;
		if (what == 0) {
			if (unlinkat(rootfd, paths[i], 0) < 0 ||
			    linkat(rootfd, objs[i], rootfd, paths[i], 0) < 0)
				e = -errno;
			else
				r->relinks++;
			churn_log_change(p->events_fd, start, "relink", paths[i], NULL, e);
		} else if (what == 1) {
			e = rename_over(rootfd, objs[i], paths[i], ls.xattrs);
			if (!e)
				r->renames++;
			snprintf(extra, sizeof(extra), "%s.churn-tmp", paths[i]);
			churn_log_change(p->events_fd, start, "rename", paths[i], extra, e);
		} else {
			snprintf(extra, sizeof(extra), "%s.churn-link", paths[i]);
			if (linkat(rootfd, objs[i], rootfd, extra, 0) < 0 || unlinkat(rootfd, extra, 0) < 0)
				e = -errno;
			else
				r->links++;
			churn_log_change(p->events_fd, start, "link", extra, objs[i], e);
		}
		if (e)
			r->errors++;
		if (p->pause_us)
			usleep(p->pause_us);
	}
out:
	churn_actors_cleanup(&act, rootfd, p->events_fd, r);
	for (size_t i = 0; i < nall; i++)
		free(all[i]);
	free(all);
	for (size_t i = 0; i < n; i++) {
		free(paths[i]);
		free(objs[i]);
	}
	free(paths);
	free(objs);
	churn_layers_free(&ls);
	close(rootfd);
	return ret;
}
