// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ostree workload; see ostree.h.
 *
 * What the repo modes need from the target (ostree 2022.7, Debian 12, on a
 * stalefs mount, run as root):
 *
 *   bare-user       stores each object's uid/gid/mode in the user.ostreemeta
 *                   xattr, and `ostree init` already sets one: without
 *                   `stalefs mount --xattr` (off by default, as in virtiofsd)
 *                   init fails with "fsetxattr(user.ostreemeta): Operation
 *                   not supported"; --no-xattrs on commit does not help. The
 *                   result then carries a hint. With --xattr everything works.
 *   bare-user-only  needs no xattrs: works on a default mount.
 *   bare            needs no xattrs for a source without any (ours, as we
 *                   commit with --no-xattrs), but chowns objects: root, or
 *                   the runner's own uid.
 *   archive         needs no xattrs; objects are compressed, so a checkout
 *                   is always a copy.
 *
 * Checkout flags: bare-user and bare-user-only take -U (user mode) -H
 * (require hardlinks); bare takes -H alone (ostree refuses -U with -H on a
 * bare repo: "Bare repository mode cannot hardlink in user checkout mode");
 * archive takes -U alone (-H would always fail).
 *
 * The commit is made with --no-xattrs (the host temp dir may carry
 * security labels we do not want in the result) and --timestamp=@0, so the
 * commit checksum depends only on the tree.
 */
#include "ostree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "counts.h"
#include "errmsg.h"
#include "json.h"
#include "sha256.h"
#include "tree.h"

_Static_assert(OSTREEWL_OP_COUNT <= COUNTS_OPS_MAX, "ESTALE buckets are per op");

#define WL_DIR "stalefs-ostree"		/* under the root */
#define BRANCH "stalefs/test"

static const char *const mode_names[OSTREEWL_MODE_COUNT] = {
	"bare", "bare-user", "bare-user-only", "archive"
};
static const char *const step_names[OSTREEWL_STEP_COUNT] = {
	"init", "commit", "checkout", "fsck"
};
static const char *const op_names[OSTREEWL_OP_COUNT] = {
	"stat", "open", "read", "close", "readdir", "readlink", "unlink", "rmdir"
};

/* One name of the source tree, relative to its root. */
struct entry {
	char *rel;
	char type;		/* 'f' file, 'l' symlink, 'd' directory */
	uint64_t size;
	char hash[65];		/* files */
	char *target;		/* symlinks */
	bool seen;		/* in the checkout being checked */
};

/* A step's output: the last OSTREEWL_OUTPUT_MAX bytes and a few line counts. */
struct capture {
	char ring[OSTREEWL_OUTPUT_MAX];
	uint64_t total;
	char line[1024];	/* the current line (its start, if long) */
	size_t linelen;
	uint64_t stale, corrupted;
	bool no_user_xattr;
};

struct run {
	const struct ostreewl_params *p;
	struct ostreewl_result *r;
	char ostree[PATH_MAX];	/* the binary */
	int rootfd, srcfd;
	char src[PATH_MAX];	/* the host temp dir with the source tree */
	char repo_opt[PATH_MAX + 16];
	struct entry *ents;
	size_t nents, cap;
	unsigned int round;
	bool counting;		/* count ops (not in setup or when removing the temp dir) */
	char *buf;
	size_t buflen;
	struct capture out;
};

const char *ostreewl_mode_name(enum ostreewl_mode m)
{
	return m < OSTREEWL_MODE_COUNT ? mode_names[m] : "?";
}

int ostreewl_mode_parse(const char *s)
{
	for (int m = 0; m < OSTREEWL_MODE_COUNT; m++)
		if (strcmp(s, mode_names[m]) == 0)
			return m;
	return -EINVAL;
}

void ostreewl_params_default(struct ostreewl_params *p)
{
	*p = (struct ostreewl_params){ .objects = 200, .max_links = 50, .seed = 1,
				       .mode = OSTREEWL_BARE_USER, .checkouts = 3, .rounds = 1 };
}

/* e: 0 or an errno. path: relative to the root. */
static void count(struct run *run, enum ostreewl_op op, int e, const char *path)
{
	struct ostreewl_result *r = run->r;
	struct wl_event ev;

	if (!run->counting)
		return;
	if (!e) {
		r->ok[op]++;
		return;
	}
	r->err[op][e < COUNTS_ERRNO_MAX ? e : 0]++;
	if (e != ESTALE)
		return;
	ev = (struct wl_event){ .t_ns = counts_now_ns(), .tid = (int)syscall(SYS_gettid), .op = op };
	snprintf(ev.path, sizeof(ev.path), "%s", path);
	counts_estale_add(&r->estale, &ev);	/* one thread: no lock */
}

/* ---- running ostree ---- */

static void capture_reset(struct capture *c)
{
	c->total = 0;
	c->linelen = 0;
	c->stale = c->corrupted = 0;
	c->no_user_xattr = false;
}

static void capture_line(struct capture *c)
{
	c->line[c->linelen] = '\0';
	c->linelen = 0;
	if (strstr(c->line, "Stale file handle"))
		c->stale++;
	/* fsck --all: "In commits X: fsck content object Y: Corrupted file object; ..." */
	if (strstr(c->line, ": fsck ") || strstr(c->line, "Corrupted"))
		c->corrupted++;
	if (strstr(c->line, "user.ostreemeta") && strstr(c->line, "not supported"))
		c->no_user_xattr = true;
}

static void capture_feed(struct capture *c, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = b[i] ? b[i] : '?';

		c->ring[c->total++ % OSTREEWL_OUTPUT_MAX] = ch;
		if (ch == '\n')
			capture_line(c);
		else if (c->linelen < sizeof(c->line) - 1)
			c->line[c->linelen++] = ch;
	}
}

/* The kept tail as a string: whole lines when it was cut, no partial UTF-8
 * sequence at the start, no trailing white space. */
static void capture_tail(const struct capture *c, char out[OSTREEWL_OUTPUT_MAX + 1])
{
	bool cut = c->total > OSTREEWL_OUTPUT_MAX;
	size_t n = cut ? OSTREEWL_OUTPUT_MAX : c->total;
	size_t start = cut ? c->total % OSTREEWL_OUTPUT_MAX : 0;
	char *p = out, *nl;

	for (size_t i = 0; i < n; i++)
		out[i] = c->ring[(start + i) % OSTREEWL_OUTPUT_MAX];
	out[n] = '\0';
	if (cut) {
		nl = strchr(out, '\n');
		if (nl && nl[1])
			p = nl + 1;
		else
			while ((*p & 0xc0) == 0x80)
				p++;
	}
	memmove(out, p, strlen(p) + 1);
	for (n = strlen(out); n && strchr(" \t\r\n", out[n - 1]); n--)
		out[n - 1] = '\0';
}

/* Run argv (stdout and stderr into run->out). 0 with *status its exit code
 * (128+N for signal N, 127 when exec failed), or -errno. */
static int run_cmd(struct run *run, const char *const argv[], int *status)
{
	char buf[4096];
	int pfd[2], st, e;
	ssize_t n;
	pid_t pid;

	capture_reset(&run->out);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		e = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return e;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		setenv("LC_ALL", "C", 1);	/* "Stale file handle", not a translation */
		execvp(argv[0], (char *const *)argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		n = read(pfd[0], buf, sizeof(buf));
		if (n > 0)
			capture_feed(&run->out, buf, n);
		else if (n == 0 || errno != EINTR)
			break;
	}
	if (run->out.linelen)
		capture_line(&run->out);
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
	return 0;
}

/* One ostree step, counted; a failure is kept with its output's tail. */
static bool step(struct run *run, enum ostreewl_step s, unsigned int checkout,
		 const char *const argv[])
{
	struct ostreewl_result *r = run->r;
	struct ostreewl_stepstat *st = &r->steps[s];
	double t0 = counts_now();
	int status = 0, ret;

	ret = run_cmd(run, argv, &status);
	st->seconds += counts_now() - t0;
	st->stale_lines += run->out.stale;
	if (s == OSTREEWL_FSCK)
		r->fsck_corrupted += run->out.corrupted;
	if (ret == 0 && status == 0) {
		st->ok++;
		return true;
	}
	st->failed++;
	if (run->out.no_user_xattr && !r->hint[0])
		snprintf(r->hint, sizeof(r->hint),
			 "mode %s needs user xattrs and the target has none (stalefs mount "
			 "--xattr, or --mode=bare-user-only)", mode_names[run->p->mode]);
	if (r->nfailures < OSTREEWL_FAILURES_MAX) {
		struct ostreewl_failure *f = &r->failures[r->nfailures];

		f->step = s;
		f->round = run->round;
		f->checkout = checkout;
		f->exit = ret < 0 ? -1 : status;
		if (ret < 0)
			snprintf(f->output, sizeof(f->output), "could not run %s: %s", argv[0],
				 strerror(-ret));
		else
			capture_tail(&run->out, f->output);
	}
	r->nfailures++;
	return false;
}

/* The binary: name with a slash as is, else the first match on $PATH. */
static int find_ostree(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;

	if (strchr(name, '/')) {
		if (access(name, X_OK) < 0)
			return -errno;
		snprintf(out, len, "%s", name);
		return 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		int dlen;

		colon = strchrnul(p, ':');
		dlen = (int)(colon - p);
		snprintf(out, len, "%.*s/%s", dlen ? dlen : 1, dlen ? p : ".", name);
		if (access(out, X_OK) == 0 && stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		if (!*colon)
			break;
	}
	return -ENOENT;
}

/* `ostree --version`: "libostree:\n Version: '2022.7'\n ..." */
static void read_version(struct run *run)
{
	const char *argv[] = { run->ostree, "--version", NULL };
	char text[OSTREEWL_OUTPUT_MAX + 1], *v, *q;
	int status;

	snprintf(run->r->version, sizeof(run->r->version), "unknown");
	if (run_cmd(run, argv, &status) < 0 || status != 0)
		return;
	capture_tail(&run->out, text);
	v = strstr(text, "Version: '");
	if (!v)
		return;
	v += strlen("Version: '");
	q = strchr(v, '\'');
	if (q)
		snprintf(run->r->version, sizeof(run->r->version), "%.*s", (int)(q - v), v);
}

/* ---- the source tree ---- */

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
	return path_cmp(((const struct entry *)a)->rel, ((const struct entry *)b)->rel);
}

static int entry_key_cmp(const void *key, const void *e)
{
	return path_cmp(key, ((const struct entry *)e)->rel);
}

static struct entry *find_entry(struct run *run, const char *rel)
{
	return bsearch(rel, run->ents, run->nents, sizeof(*run->ents), entry_key_cmp);
}

static struct entry *add_entry(struct run *run, const char *rel, char type)
{
	struct entry *e;

	if (run->nents == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 1024;
		struct entry *grown = realloc(run->ents, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		run->ents = grown;
		run->cap = cap;
	}
	e = &run->ents[run->nents];
	*e = (struct entry){ .rel = strdup(rel), .type = type };
	if (!e->rel)
		return NULL;
	run->nents++;
	return e;
}

static int hash_fd(struct run *run, int fd, char hex[65], uint64_t *size)
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
static int walk_src(struct run *run, const char *rel, char *err, size_t errlen)
{
	char child[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	struct stat st;
	struct entry *e;
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

			ret = ffd < 0 ? -errno : hash_fd(run, ffd, e->hash, &e->size);
			if (ffd >= 0)
				close(ffd);
			if (ret < 0)
				errmsg(err, errlen, ret, "source %s: %s", child, strerror(-ret));
		}
	}
	closedir(d);
	return ret;
}

static int make_source(struct run *run, char *err, size_t errlen)
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

/* ---- checking a checkout ---- */

/* Everything below e counts as seen (it could not be looked at: the error
 * that stopped us is counted already). */
static void skip_subtree(struct run *run, struct entry *e)
{
	size_t len = strlen(e->rel);

	for (struct entry *x = e + 1; x < run->ents + run->nents; x++) {
		if (strncmp(x->rel, e->rel, len) != 0 || x->rel[len] != '/')
			break;
		x->seen = true;
	}
}

static void check_dir(struct run *run, int fd, char *path, size_t len, size_t reloff);

static void check_file(struct run *run, int dfd, const char *name, const char *path,
		       struct entry *e)
{
	struct ostreewl_result *r = run->r;
	uint64_t size;
	char hex[65];
	int fd, ret;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	count(run, OSTREEWL_OPEN, fd < 0 ? errno : 0, path);
	if (fd < 0)
		return;
	ret = hash_fd(run, fd, hex, &size);
	count(run, OSTREEWL_READ, -ret, path);
	if (ret == 0) {
		r->files_checked++;
		r->bytes_checked += size;
		if (size != e->size || strcmp(hex, e->hash) != 0)
			r->mismatches++;
	}
	count(run, OSTREEWL_CLOSE, close(fd) < 0 ? errno : 0, path);
}

/* path[0..len) names the entry (relative to the root); its part from
 * reloff on is its name in the source tree. */
static void check_entry(struct run *run, int dfd, const char *name, char *path, size_t len,
			size_t reloff)
{
	struct ostreewl_result *r = run->r;
	char target[PATH_MAX];
	struct entry *e;
	struct stat st;
	ssize_t n;
	char type;
	int fd, err;

	err = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? errno : 0;
	count(run, OSTREEWL_STAT, err, path);
	e = find_entry(run, path + reloff);
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
		count(run, OSTREEWL_OPEN, fd < 0 ? errno : 0, path);
		if (fd < 0)
			skip_subtree(run, e);
		else
			check_dir(run, fd, path, len, reloff);
		break;
	case 'l':
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
		count(run, OSTREEWL_READLINK, n < 0 ? errno : 0, path);
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
static void check_dir(struct run *run, int fd, char *path, size_t len, size_t reloff)
{
	struct dirent *de;
	DIR *d = fdopendir(fd);

	if (!d) {
		count(run, OSTREEWL_READDIR, errno, path);
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
	count(run, OSTREEWL_READDIR, errno, path);
	count(run, OSTREEWL_CLOSE, closedir(d) < 0 ? errno : 0, path);
}

/* Check WL_DIR/co-K against the source: every name there, every byte. */
static void check_checkout(struct run *run, unsigned int k)
{
	char path[PATH_MAX];
	size_t len;
	int fd;

	for (size_t i = 0; i < run->nents; i++)
		run->ents[i].seen = false;
	len = snprintf(path, sizeof(path), "%s/co-%u", WL_DIR, k);
	fd = openat(run->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	count(run, OSTREEWL_OPEN, fd < 0 ? errno : 0, path);
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

/* ---- rm -rf ---- */

struct name {
	char *name;
	unsigned char type;
};

/* Remove name (at dfd; path[0..len) is it relative to the root), counted. */
static void rm_rf(struct run *run, int dfd, const char *name, char *path, size_t len,
		  unsigned char type)
{
	struct name *names = NULL;
	size_t nnames = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	int fd, e;
	DIR *d;

	if (type == DT_UNKNOWN) {
		e = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? errno : 0;
		count(run, OSTREEWL_STAT, e, path);
		if (e)
			return;
		type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
	}
	if (type != DT_DIR) {
		count(run, OSTREEWL_UNLINK, unlinkat(dfd, name, 0) < 0 ? errno : 0, path);
		return;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	count(run, OSTREEWL_OPEN, fd < 0 ? errno : 0, path);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0) {
			count(run, OSTREEWL_READDIR, errno, path);
			close(fd);
		}
		return;
	}
	/* All names first: removing while reading may make readdir skip some. */
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			goto next;
		if (nnames == cap) {
			struct name *grown = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (!grown)
				break;
			names = grown;
		}
		names[nnames].name = strdup(de->d_name);
		if (!names[nnames].name)
			break;
		names[nnames++].type = de->d_type;
next:
		errno = 0;
	}
	count(run, OSTREEWL_READDIR, errno, path);
	for (size_t i = 0; i < nnames; i++) {
		size_t n = strlen(names[i].name);

		if (len + 1 + n < PATH_MAX) {
			path[len] = '/';
			memcpy(path + len + 1, names[i].name, n + 1);
			rm_rf(run, dirfd(d), names[i].name, path, len + 1 + n, names[i].type);
			path[len] = '\0';
		}
		free(names[i].name);
	}
	free(names);
	count(run, OSTREEWL_CLOSE, closedir(d) < 0 ? errno : 0, path);
	count(run, OSTREEWL_RMDIR, unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? errno : 0, path);
}

/* rm -rf of rel (relative to the root), counted, if it is there. */
static void remove_rel(struct run *run, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	if (fstatat(run->rootfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			count(run, OSTREEWL_STAT, errno, rel);
		return;
	}
	snprintf(path, sizeof(path), "%s", rel);
	rm_rf(run, run->rootfd, rel, path, strlen(path), S_ISDIR(st.st_mode) ? DT_DIR : DT_REG);
}

/* The host temp dir with the source, uncounted. */
static void remove_src(struct run *run)
{
	char parent[PATH_MAX], path[PATH_MAX];
	const char *slash = strrchr(run->src, '/');
	int pfd;

	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - run->src), run->src);
	pfd = open(*parent ? parent : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return;
	snprintf(path, sizeof(path), "%s", slash + 1);
	run->counting = false;
	rm_rf(run, pfd, slash + 1, path, strlen(path), DT_DIR);
	close(pfd);
}

/* ---- the run ---- */

static void run_rounds(struct run *run)
{
	const struct ostreewl_params *p = run->p;
	char dest[PATH_MAX + 16], rel[64];
	bool *done = calloc(p->checkouts + 1, sizeof(*done));
	const char *fsck[] = { run->ostree, run->repo_opt, "fsck", "--all", NULL };

	if (!done)
		return;
	for (run->round = 1; run->round <= p->rounds; run->round++) {
		for (unsigned int k = 1; k <= p->checkouts; k++) {
			const char *argv[8];
			int n = 0;

			snprintf(dest, sizeof(dest), "%s/%s/co-%u", p->root, WL_DIR, k);
			argv[n++] = run->ostree;
			argv[n++] = run->repo_opt;
			argv[n++] = "checkout";
			if (p->mode != OSTREEWL_BARE)
				argv[n++] = "-U";
			if (p->mode != OSTREEWL_ARCHIVE)
				argv[n++] = "-H";
			argv[n++] = BRANCH;
			argv[n++] = dest;
			argv[n] = NULL;
			done[k] = step(run, OSTREEWL_CHECKOUT, k, argv);
		}
		step(run, OSTREEWL_FSCK, 0, fsck);
		for (unsigned int k = 1; k <= p->checkouts; k++)
			if (done[k])
				check_checkout(run, k);
		if (run->round == p->rounds && !p->cleanup)
			break;
		for (unsigned int k = 1; k <= p->checkouts; k++) {
			snprintf(rel, sizeof(rel), "%s/co-%u", WL_DIR, k);
			remove_rel(run, rel);
		}
	}
	free(done);
}

int ostreewl_run(const struct ostreewl_params *p, struct ostreewl_result *r, char *err,
		 size_t errlen)
{
	struct run run = { .p = p, .r = r, .rootfd = -1, .srcfd = -1 };
	char mode_opt[64], tree_opt[PATH_MAX + 16];
	struct stat st;
	double t0 = counts_now();
	int ret;

	memset(r, 0, sizeof(*r));
	counts_estale_init(&r->estale, p->seed);
	err[0] = '\0';
	if (!p->root || !p->checkouts || !p->rounds || !p->max_links ||
	    p->mode >= OSTREEWL_MODE_COUNT)
		return errmsg(err, errlen, -EINVAL,
			    "need a root, and checkouts, rounds and max-links of at least 1");
	ret = find_ostree(p->ostree ? p->ostree : "ostree", run.ostree, sizeof(run.ostree));
	if (ret < 0) {
		if (!p->ostree) {
			r->not_installed = true;
			return errmsg(err, errlen, ret, "ostree is not installed (apt-get install ostree)");
		}
		return errmsg(err, errlen, ret, "--ostree %s: %s", p->ostree, strerror(-ret));
	}
	run.buflen = 1 << 20;
	run.buf = malloc(run.buflen);
	if (!run.buf)
		return errmsg(err, errlen, -ENOMEM, "out of memory");
	read_version(&run);
	run.rootfd = open(p->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run.rootfd < 0) {
		ret = errmsg(err, errlen, -errno, "root %s: %s", p->root, strerror(errno));
		goto out;
	}
	if (fstatat(run.rootfd, WL_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!p->force) {
			ret = errmsg(err, errlen, -EEXIST, "%s/%s exists (remove it, or --force)",
				   p->root, WL_DIR);
			goto out;
		}
		remove_rel(&run, WL_DIR);	/* uncounted: not part of the workload */
		if (fstatat(run.rootfd, WL_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			ret = errmsg(err, errlen, -EIO, "could not remove %s/%s", p->root, WL_DIR);
			goto out;
		}
	}
	ret = make_source(&run, err, errlen);
	if (ret < 0)
		goto out;
	if (mkdirat(run.rootfd, WL_DIR, 0755) < 0) {
		ret = errmsg(err, errlen, -errno, "mkdir %s/%s: %s", p->root, WL_DIR, strerror(errno));
		goto out;
	}

	run.counting = true;
	snprintf(run.repo_opt, sizeof(run.repo_opt), "--repo=%s/%s/repo", p->root, WL_DIR);
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mode_names[p->mode]);
	snprintf(tree_opt, sizeof(tree_opt), "--tree=dir=%s", run.src);
	{
		const char *init[] = { run.ostree, run.repo_opt, "init", mode_opt, NULL };
		const char *commit[] = { run.ostree, run.repo_opt, "commit", "--branch=" BRANCH,
					 "--no-xattrs", "--timestamp=@0", tree_opt, NULL };

		if (step(&run, OSTREEWL_INIT, 0, init) && step(&run, OSTREEWL_COMMIT, 0, commit))
			run_rounds(&run);
	}
	run.round = 0;
	if (p->cleanup)
		remove_rel(&run, WL_DIR);
	run.counting = false;
out:
	if (run.src[0])
		remove_src(&run);
	for (size_t i = 0; i < run.nents; i++) {
		free(run.ents[i].rel);
		free(run.ents[i].target);
	}
	free(run.ents);
	free(run.buf);
	if (run.srcfd >= 0)
		close(run.srcfd);
	if (run.rootfd >= 0)
		close(run.rootfd);
	r->seconds = counts_now() - t0;
	return ret;
}

void ostreewl_result_free(struct ostreewl_result *r)
{
	counts_estale_free(&r->estale);
}

uint64_t ostreewl_errors(const struct ostreewl_result *r)
{
	uint64_t n = 0;

	for (int op = 0; op < OSTREEWL_OP_COUNT; op++)
		for (int e = 0; e < COUNTS_ERRNO_MAX; e++)
			n += r->err[op][e];
	return n;
}

bool ostreewl_failed(const struct ostreewl_result *r)
{
	return r->nfailures || ostreewl_errors(r) || r->mismatches || r->fsck_corrupted;
}


void ostreewl_json(const struct ostreewl_params *p, const struct ostreewl_result *r, FILE *f)
{
	static const bool fd_ops[OSTREEWL_OP_COUNT] = {
		[OSTREEWL_READ] = true, [OSTREEWL_CLOSE] = true, [OSTREEWL_READDIR] = true,
	};
	uint64_t total = 0;

	fputs("{\"workload\":\"ostree\",\"params\":{\"root\":", f);
	json_put_string(f, p->root);
	fprintf(f, ",\"objects\":%llu,\"max_links\":%u,\"seed\":%llu,\"mode\":\"%s\","
		"\"checkouts\":%u,\"rounds\":%u,\"cleanup\":%s,\"ostree_version\":",
		(unsigned long long)p->objects, p->max_links, (unsigned long long)p->seed,
		ostreewl_mode_name(p->mode), p->checkouts, p->rounds, p->cleanup ? "true" : "false");
	json_put_string(f, r->version);
	fprintf(f, "},\"source\":{\"names\":%llu,\"bytes\":%llu,\"tree_hash\":\"%s\"},\"steps\":{",
		(unsigned long long)r->src_names, (unsigned long long)r->src_bytes, r->src_hash);
	for (int s = 0; s < OSTREEWL_STEP_COUNT; s++) {
		const struct ostreewl_stepstat *st = &r->steps[s];

		fprintf(f, "%s\"%s\":{\"ok\":%llu,\"failed\":%llu,\"stale_lines\":%llu,", s ? "," : "",
			step_names[s], (unsigned long long)st->ok, (unsigned long long)st->failed,
			(unsigned long long)st->stale_lines);
		if (s == OSTREEWL_FSCK)
			fprintf(f, "\"corrupted\":%llu,", (unsigned long long)r->fsck_corrupted);
		fprintf(f, "\"seconds\":%.3f}", st->seconds);
	}
	fputs("},\"failures\":[", f);
	for (uint64_t i = 0; i < r->nfailures && i < OSTREEWL_FAILURES_MAX; i++) {
		const struct ostreewl_failure *fl = &r->failures[i];

		fprintf(f, "%s{\"step\":\"%s\",\"round\":%u,\"checkout\":%u,\"exit\":%d,\"output\":",
			i ? "," : "", step_names[fl->step], fl->round, fl->checkout, fl->exit);
		json_put_string(f, fl->output);
		fputc('}', f);
	}
	fprintf(f, "],\"failures_total\":%llu,\"hint\":", (unsigned long long)r->nfailures);
	if (r->hint[0])
		json_put_string(f, r->hint);
	else
		fputs("null", f);
	fputs(",\"ops\":{", f);
	for (int op = 0; op < OSTREEWL_OP_COUNT; op++) {
		counts_json_op(f, op == 0, op_names[op], r->ok[op], r->err[op], &total);
		fputc('}', f);
	}
	fprintf(f, "},\"integrity\":{\"files\":%llu,\"bytes\":%llu,\"symlinks\":%llu,"
		"\"mismatches\":%llu,\"missing\":%llu,\"extra\":%llu},",
		(unsigned long long)r->files_checked, (unsigned long long)r->bytes_checked,
		(unsigned long long)r->symlinks_checked, (unsigned long long)r->mismatches,
		(unsigned long long)r->missing, (unsigned long long)r->extra);
	counts_estale_json(f, &r->estale, op_names, fd_ops);
	fprintf(f, ",\"duration_s\":%.3f}\n", r->seconds);
}

void ostreewl_summary(const struct ostreewl_result *r, FILE *f)
{
	uint64_t ok = 0;

	for (int op = 0; op < OSTREEWL_OP_COUNT; op++)
		ok += r->ok[op];
	fputs("ostree: steps ok", f);
	for (int s = 0; s < OSTREEWL_STEP_COUNT; s++)
		fprintf(f, "%s %s %llu/%llu", s ? "," : "", step_names[s],
			(unsigned long long)r->steps[s].ok,
			(unsigned long long)(r->steps[s].ok + r->steps[s].failed));
	fprintf(f, "; %llu corrupted objects; %llu ops ok, %llu errors (%llu ESTALE); "
		"%llu files / %llu bytes / %llu symlinks checked, %llu mismatches; %.1f s\n",
		(unsigned long long)r->fsck_corrupted, (unsigned long long)ok,
		(unsigned long long)ostreewl_errors(r), (unsigned long long)r->estale.total,
		(unsigned long long)r->files_checked, (unsigned long long)r->bytes_checked,
		(unsigned long long)r->symlinks_checked, (unsigned long long)r->mismatches,
		r->seconds);
	for (uint64_t i = 0; i < r->nfailures && i < 3; i++) {
		const struct ostreewl_failure *fl = &r->failures[i];
		const char *last = strrchr(fl->output, '\n');

		fprintf(f, "ostree: %s failed (exit %d): %s\n", step_names[fl->step], fl->exit,
			last ? last + 1 : fl->output);
	}
	if (r->hint[0])
		fprintf(f, "ostree: hint: %s\n", r->hint);
}
