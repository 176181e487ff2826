// SPDX-License-Identifier: GPL-2.0-or-later
/* The readers; see reader.h. */
#include "reader.h"
#include "clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "counts.h"
#include "errmsg.h"
#include "json.h"
#include "manifest.h"
#include "scratch.h"
#include "sha256.h"
#include "tree.h"

struct run {
	const struct reader_params *p;
	struct manifest m;
	int rootfd;
	struct manifest direct;	/* two_path: the names on the plain mount */
	int directfd;		/* two_path: the plain root, else -1 */
	char ovl[4096];		/* the overlay's tmpfs, when reading through one */
	double deadline;
	pthread_mutex_t lock;	/* guards r */
	int stop;		/* atomic; readers are done */
	struct reader_result *r;
};

static const char *const rop_names[ROP_COUNT] = {
	"stat", "open", "read", "close", "readdir", "readlink", "getxattr",
};

/* Ops on an open fd: their events name the path the fd was opened by. */
static const bool fd_ops[ROP_COUNT] = { [ROP_READ] = true, [ROP_CLOSE] = true };

_Static_assert(ROP_COUNT <= COUNTS_OPS_MAX, "ESTALE buckets are per op");

static int stop_all;	/* atomic; set by reader_stop() */

void reader_stop(void)
{
	__atomic_store_n(&stop_all, 1, __ATOMIC_RELAXED);
}

static bool stopping(void)
{
	return __atomic_load_n(&stop_all, __ATOMIC_RELAXED);
}

const char *rop_name(enum rop op)
{
	return rop_names[op];
}

void reader_params_default(struct reader_params *p)
{
	*p = (struct reader_params){ .threads = 4, .seconds = 5.0, .seed = 1, .hot_pct = 50 };
}

/* When the calling thread's current syscall began (for ESTALE events: the
 * harness joins them with the daemon's replies inside [start, end]). */
static __thread uint64_t op_start;

static void begin(void)
{
	op_start = mono_ns();
}

static void count(struct run *run, enum rop op, int e, const char *path)
{
	pthread_mutex_lock(&run->lock);
	if (!e) {
		run->r->ok[op]++;
	} else {
		run->r->err[op][e < COUNTS_ERRNO_MAX ? e : 0]++;
		if (e == ESTALE) {
			struct wl_event ev = { .t_ns = mono_ns(), .start_ns = op_start,
					       .tid = (int)syscall(SYS_gettid), .op = op };

			snprintf(ev.path, sizeof(ev.path), "%s", path);
			counts_estale_add(&run->r->estale, &ev);
		}
	}
	pthread_mutex_unlock(&run->lock);
}


/* One round on one name: stat, open, read all (checked), close. */
static void checked(struct run *run, uint64_t *counter, bool good)
{
	pthread_mutex_lock(&run->lock);
	(*counter)++;
	if (!good)
		run->r->mismatches++;
	pthread_mutex_unlock(&run->lock);
}

/*
 * The path a following call (stat, open, getxattr) really reaches: for a
 * symlink name its target, resolved against the link's directory (the
 * manifest's targets are relative), so an ESTALE event names the file the
 * kernel failed on. buf gets it; n->path when it is no symlink.
 */
static const char *followed(const struct mname *n, char *buf, size_t len)
{
	const char *slash = strrchr(n->path, '/'), *t = n->target;
	size_t dir = slash ? (size_t)(slash - n->path) : 0;

	if (!t || t[0] == '/' || dir >= len)
		return n->path;
	memcpy(buf, n->path, dir);
	buf[dir] = '\0';
	while (strncmp(t, "../", 3) == 0) {
		char *up = strrchr(buf, '/');

		if (up)
			*up = '\0';
		else
			buf[0] = '\0';
		t += 3;
	}
	while (strncmp(t, "./", 2) == 0)
		t += 2;
	if (strlen(buf) + 1 + strlen(t) + 1 > len)
		return n->path;
	if (buf[0])
		strcat(buf, "/");
	strcat(buf, t);
	return buf;
}

/* readlink of a symlink name, getxattr of the object's xattr. */
static void round_meta(struct run *run, int rootfd, const struct mname *n, bool xattr_too)
{
	char got[4096];
	ssize_t k;

	if (n->target) {
		begin();
		k = readlinkat(rootfd, n->path, got, sizeof(got) - 1);
		count(run, ROP_READLINK, k < 0 ? errno : 0, n->path);
		if (k >= 0) {
			got[k] = '\0';
			checked(run, &run->r->links_checked, strcmp(got, n->target) == 0);
		}
	}
	if (xattr_too && run->m.xattrs) {
		char want[TREE_XATTR_LEN + 1], path[4200], real[4096];

		/* getxattr has no *at form; /proc/self/fd/N/path resolves from the root fd. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", rootfd, n->path);
		begin();
		k = getxattr(path, TREE_XATTR, got, sizeof(got));
		if (k < 0 && errno == EOPNOTSUPP) {
			pthread_mutex_lock(&run->lock);
			run->r->xattr_unsupported++;
			pthread_mutex_unlock(&run->lock);
			return;
		}
		count(run, ROP_GETXATTR, k < 0 ? errno : 0, followed(n, real, sizeof(real)));
		if (k >= 0) {
			tree_xattr_value(n->hash, want);
			checked(run, &run->r->xattrs_checked,
				k == TREE_XATTR_LEN && memcmp(got, want, k) == 0);
		}
	}
}

static void round_once(struct run *run, int rootfd, const struct mname *n, char *buf,
		       size_t buflen, bool readdir_too, bool xattr_too)
{
	unsigned char digest[32];
	char hex[65];
	struct sha256 h;
	struct stat st;
	uint64_t got = 0;
	ssize_t k;
	int fd, e = 0;

	char real[4096];
	const char *reached = followed(n, real, sizeof(real));

	begin();
	e = fstatat(rootfd, n->path, &st, 0) < 0 ? errno : 0;
	count(run, ROP_STAT, e, reached);
	begin();
	fd = openat(rootfd, n->path, O_RDONLY | O_CLOEXEC);
	count(run, ROP_OPEN, fd < 0 ? errno : 0, reached);
	if (fd >= 0) {
		sha256_init(&h);
		for (begin(); (k = read(fd, buf, buflen)) > 0; begin()) {
			sha256_update(&h, buf, k);
			got += k;
		}
		e = k < 0 ? errno : 0;
		count(run, ROP_READ, e, reached);
		if (!e) {
			sha256_final(&h, digest);
			sha256_to_hex(digest, hex);
			pthread_mutex_lock(&run->lock);
			run->r->files_checked++;
			run->r->bytes_checked += got;
			if (got != n->size || strcmp(hex, n->hash) != 0)
				run->r->mismatches++;
			pthread_mutex_unlock(&run->lock);
		}
		begin();
		e = close(fd) < 0 ? errno : 0;
		count(run, ROP_CLOSE, e, reached);
	}
	round_meta(run, rootfd, n, xattr_too);
	if (readdir_too) {
		const char *slash = strrchr(n->path, '/');
		char dir[4096];
		struct dirent *de;
		DIR *d;

		/* a name at the top of the tree has no '/': its dir is the root */
		if (slash)
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - n->path), n->path);
		else
			snprintf(dir, sizeof(dir), ".");
		begin();
		fd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = fd < 0 ? NULL : fdopendir(fd);
		if (!d) {
			count(run, ROP_READDIR, errno, dir);
			if (fd >= 0)
				close(fd);
			return;
		}
		errno = 0;
		begin();
		while ((de = readdir(d)))
			;
		count(run, ROP_READDIR, errno, dir);
		closedir(d);
	}
}

/*
 * Read through an overlayfs: its lower layers are the tree's
 * overlay/<layer>/diff dirs (the last layer on top, as container storage
 * stacks them), a tmpfs holds upper and work. Both are mounted in a private
 * mount namespace (single-threaded here), so they vanish with this process
 * whatever kills it. Names are rewritten to the merged view.
 */
static int overlay_mount(struct run *run, const char *root, char *err, size_t errlen)
{
	char abs[4096], opts[4096], path[4200];	/* mount(2) takes one page of options */
	size_t used = 0, kept = 0;
	char (*layers)[256] = calloc(1024, sizeof(*layers));
	unsigned int nl = 0;
	int ret = 0, fd;

	if (!layers)
		return errmsg(err, errlen, -ENOMEM, "out of memory");
	if (!realpath(root, abs)) {
		ret = errmsg(err, errlen, -errno, "root %s: %s", root, strerror(errno));
		goto out;
	}
	/* The layers, in manifest order, and the names rewritten to the merged view. */
	for (size_t i = 0; i < run->m.n; i++) {
		char *p = run->m.names[i].path, *layer = p + strlen("overlay/"), *slash;

		slash = strncmp(p, "overlay/", 8) == 0 ? strchr(layer, '/') : NULL;
		if (!slash || strncmp(slash, "/diff/", 6) != 0 || slash - layer >= 256) {
			free(p);
			free(run->m.names[i].target);
			continue;
		}
		if (!nl || strncmp(layers[nl - 1], layer, slash - layer) != 0 ||
		    layers[nl - 1][slash - layer]) {
			if (nl == 1024) {
				/* Names from i on are untouched: free them, keep the rewritten. */
				for (size_t j = i; j < run->m.n; j++) {
					free(run->m.names[j].path);
					free(run->m.names[j].target);
				}
				run->m.n = kept;
				ret = errmsg(err, errlen, -EINVAL, "overlay: more than 1024 layers");
				goto out;
			}
			snprintf(layers[nl++], sizeof(layers[0]), "%.*s", (int)(slash - layer), layer);
		}
		run->m.names[kept] = run->m.names[i];
		run->m.names[kept].path = strdup(slash + 6);
		free(p);
		kept++;
	}
	run->m.n = kept;
	if (!nl || !kept) {
		ret = errmsg(err, errlen, -EINVAL, "overlay: the manifest names no overlay/<layer>/diff files");
		goto out;
	}
	used = snprintf(opts, sizeof(opts), "lowerdir=");
	for (unsigned int l = nl; l-- > 0 && used < sizeof(opts);)
		used += snprintf(opts + used, sizeof(opts) - used, "%s%s/overlay/%s/diff",
				 l == nl - 1 ? "" : ":", abs, layers[l]);
	if (used >= sizeof(opts) - 200) {	/* room for upperdir and workdir */
		ret = errmsg(err, errlen, -E2BIG, "overlay: %u layers under %s do not fit the "
			   "mount options (one page)", nl, abs);
		goto out;
	}
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		ret = errmsg(err, errlen, READER_CANNOT_RUN, "overlay: a private mount namespace: %s",
			   strerror(errno));
		goto out;
	}
	/* A scratch dir (its pid file lets the next run sweep it after a SIGKILL). */
	ret = scratch_make(NULL, "stalefs-overlay", run->ovl, sizeof(run->ovl));
	if (ret < 0) {
		ret = errmsg(err, errlen, ret, "overlay: a scratch dir: %s", strerror(-ret));
		run->ovl[0] = '\0';
		goto out;
	}
	if (mount("tmpfs", run->ovl, "tmpfs", 0, "mode=0755") < 0) {
		ret = errmsg(err, errlen, READER_CANNOT_RUN, "overlay: tmpfs: %s", strerror(errno));
		goto out;
	}
	used += snprintf(opts + used, sizeof(opts) - used, ",upperdir=%s/upper,workdir=%s/work",
			 run->ovl, run->ovl);
	snprintf(path, sizeof(path), "%s/merged", run->ovl);
	if (used >= sizeof(opts)) {
		ret = errmsg(err, errlen, -E2BIG, "overlay: the mount options do not fit one page");
		goto out;
	}
	if (mkdirat(AT_FDCWD, path, 0755) < 0 ||
	    mkdirat(AT_FDCWD, strcat(strcpy(abs, run->ovl), "/upper"), 0755) < 0 ||
	    mkdirat(AT_FDCWD, strcat(strcpy(abs, run->ovl), "/work"), 0755) < 0) {
		ret = errmsg(err, errlen, -errno, "overlay: mkdir: %s", strerror(errno));
		goto out;
	}
	if (mount("overlay", path, "overlay", 0, opts) < 0) {
		ret = errmsg(err, errlen, READER_CANNOT_RUN, "overlay: mount over %u layers: %s", nl,
			   strerror(errno));
		goto out;
	}
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = errmsg(err, errlen, -errno, "overlay: %s: %s", path, strerror(errno));
		goto out;
	}
	close(run->rootfd);
	run->rootfd = fd;
out:
	free(layers);
	return ret;
}

static void overlay_unmount(struct run *run)
{
	char path[4200];

	if (!run->ovl[0])
		return;
	snprintf(path, sizeof(path), "%s/merged", run->ovl);
	umount2(path, MNT_DETACH);
	umount2(run->ovl, MNT_DETACH);
	scratch_remove(run->ovl);
}

/* The guest-side cache dropper: evicts unused dentries and inodes so the
 * kernel sends FORGET storms while the readers run. */
static void *dropper_thread(void *arg)
{
	struct run *run = arg;
	int fd;

	while (mono_seconds() < run->deadline && !__atomic_load_n(&run->stop, __ATOMIC_RELAXED) &&
	       !stopping()) {
		usleep(run->p->drop_caches_ms * 1000);
		fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, "2", 1) == 1) {
			pthread_mutex_lock(&run->lock);
			run->r->drops++;
			pthread_mutex_unlock(&run->lock);
		}
		close(fd);
	}
	return NULL;
}

struct thread_arg {
	struct run *run;
	unsigned int index;
};

static void *reader_thread(void *arg)
{
	struct thread_arg *ta = arg;
	struct run *run = ta->run;
	const struct reader_params *p = run->p;
	uint64_t s = p->seed * 1000003 + ta->index, rounds = 0;
	size_t buflen = 1 << 20;
	char *buf = malloc(buflen);

	bool direct = run->directfd >= 0 && ta->index % 2 == 1;
	const struct manifest *m = direct ? &run->direct : &run->m;
	int rootfd = direct ? run->directfd : run->rootfd;

	while (buf && !stopping() && (p->count ? rounds < p->count : mono_seconds() < run->deadline)) {
		size_t i = manifest_pick(m, &s, p->hot_pct);

		round_once(run, rootfd, &m->names[i], buf, buflen, rounds % 8 == 7, rounds % 4 == 1);
		rounds++;
	}
	free(buf);
	return NULL;
}

int reader_run(const struct reader_params *p, struct reader_result *r, char *err, size_t errlen)
{
	struct run run = { .p = p, .r = r, .directfd = -1 };
	char mpath[4096];
	pthread_t *tids, dropper;
	bool dropping = false;
	struct thread_arg *args;
	double t0;
	int ret;

	memset(r, 0, sizeof(*r));
	counts_estale_init(&r->estale, p->seed);
	err[0] = '\0';
	if (!p->threads)
		return errmsg(err, errlen, -EINVAL, "threads must be at least 1");
	run.rootfd = open(p->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run.rootfd < 0)
		return errmsg(err, errlen, -errno, "root %s: %s", p->root, strerror(errno));
	snprintf(mpath, sizeof(mpath), "%s/%s", p->root, TREE_MANIFEST);
	ret = manifest_load(&run.m, p->manifest ? p->manifest : mpath, err, errlen);
	if (ret < 0)
		goto out;
	if (p->drop_caches_ms && access("/proc/sys/vm/drop_caches", W_OK) < 0) {
		ret = errmsg(err, errlen, READER_CANNOT_RUN, "cannot drop caches: %s (needs root)",
			   strerror(errno));
		goto out;
	}
	if (p->two_path && (!p->overlay || p->threads < 2)) {
		ret = errmsg(err, errlen, -EINVAL, "two paths need the overlay and at least 2 threads");
		goto out;
	}
	if (p->two_path) {	/* before the overlay rewrites the names */
		ret = manifest_load(&run.direct, p->manifest ? p->manifest : mpath, err, errlen);
		if (ret < 0)
			goto out;
		run.directfd = dup(run.rootfd);
		if (run.directfd < 0 || manifest_find_hot(&run.direct) < 0) {
			ret = errmsg(err, errlen, -errno, "root %s: %s", p->root, strerror(errno));
			goto out;
		}
	}
	if (p->overlay) {
		ret = overlay_mount(&run, p->root, err, errlen);
		if (ret < 0)
			goto out;
	}
	if (p->overlay && manifest_find_hot(&run.m) < 0) {
		ret = errmsg(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	pthread_mutex_init(&run.lock, NULL);
	tids = calloc(p->threads, sizeof(*tids));
	args = calloc(p->threads, sizeof(*args));
	t0 = mono_seconds();
	run.deadline = t0 + p->seconds;
	if (p->drop_caches_ms)
		dropping = pthread_create(&dropper, NULL, dropper_thread, &run) == 0;
	for (unsigned int i = 0; tids && args && i < p->threads; i++) {
		args[i] = (struct thread_arg){ .run = &run, .index = i };
		pthread_create(&tids[i], NULL, reader_thread, &args[i]);
	}
	for (unsigned int i = 0; tids && args && i < p->threads; i++)
		pthread_join(tids[i], NULL);
	__atomic_store_n(&run.stop, 1, __ATOMIC_RELAXED);
	if (dropping)
		pthread_join(dropper, NULL);
	r->seconds = mono_seconds() - t0;
	free(tids);
	free(args);
	pthread_mutex_destroy(&run.lock);
out:
	close(run.rootfd);
	if (run.directfd >= 0)
		close(run.directfd);
	overlay_unmount(&run);
	manifest_free(&run.m);
	manifest_free(&run.direct);
	return ret;
}

void reader_result_free(struct reader_result *r)
{
	counts_estale_free(&r->estale);
}

uint64_t reader_errors(const struct reader_result *r)
{
	uint64_t n = 0;

	for (int op = 0; op < ROP_COUNT; op++)
		for (int e = 0; e < COUNTS_ERRNO_MAX; e++)
			n += r->err[op][e];
	return n;
}

void reader_json(const struct reader_params *p, const struct reader_result *r, FILE *f)
{
	uint64_t total = 0;

	fputc('{', f);
	counts_json_origin(f, r->seconds);
	fputs(",\"workload\":\"read\",\"params\":{\"root\":", f);
	json_put_string(f, p->root);
	fprintf(f, ",\"threads\":%u,\"seconds\":%.3f,\"count\":%llu,\"seed\":%llu,\"hot_pct\":%u,"
		"\"drop_caches_ms\":%u,\"overlay\":%s,\"two_path\":%s},",
		p->threads, p->seconds, (unsigned long long)p->count, (unsigned long long)p->seed,
		p->hot_pct, p->drop_caches_ms, p->overlay ? "true" : "false",
		p->two_path ? "true" : "false");
	fputs("\"ops\":{", f);
	for (int op = 0; op < ROP_COUNT; op++) {
		counts_json_op(f, op == 0, rop_names[op], r->ok[op], r->err[op], &total);
		if (op == ROP_GETXATTR)
			fprintf(f, ",\"unsupported\":%llu", (unsigned long long)r->xattr_unsupported);
		fputc('}', f);
	}
	fprintf(f, "},\"integrity\":{\"files\":%llu,\"bytes\":%llu,\"symlinks\":%llu,"
		"\"xattrs\":%llu,\"mismatches\":%llu},",
		(unsigned long long)r->files_checked, (unsigned long long)r->bytes_checked,
		(unsigned long long)r->links_checked, (unsigned long long)r->xattrs_checked,
		(unsigned long long)r->mismatches);
	counts_estale_json(f, &r->estale, rop_names, fd_ops);
	fprintf(f, ",\"drops\":%llu,\"duration_s\":%.3f,\"ops_total\":%llu,\"ops_per_s\":%.1f}\n",
		(unsigned long long)r->drops, r->seconds, (unsigned long long)total,
		r->seconds > 0 ? total / r->seconds : 0.0);
}

void reader_summary(const struct reader_result *r, FILE *f)
{
	uint64_t ok = 0;

	for (int op = 0; op < ROP_COUNT; op++)
		ok += r->ok[op];
	fprintf(f, "read: %llu ok, %llu errors (%llu ESTALE), %llu files / %llu bytes checked, "
		"%llu mismatches, %.1f s\n", (unsigned long long)ok,
		(unsigned long long)reader_errors(r), (unsigned long long)r->estale.total,
		(unsigned long long)r->files_checked, (unsigned long long)r->bytes_checked,
		(unsigned long long)r->mismatches, r->seconds);
}
