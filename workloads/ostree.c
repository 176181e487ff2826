// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ostree workload's run (see ostree.h): setup, the rounds of checkouts,
 * fsck and checks, our own counted rm -rf, and the result. Running ostree is
 * in ostree_cmd.c, the source tree in ostree_source.c, the check of a
 * checkout in ostree_check.c (ostree_i.h joins them).
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
#include "ostree_i.h"
#include "clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "counts.h"
#include "errmsg.h"
#include "json.h"

_Static_assert(OSTREEWL_OP_COUNT <= COUNTS_OPS_MAX, "ESTALE buckets are per op");

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

/* See ostree_i.h. */
void ostree_count(struct ostree_run *run, enum ostreewl_op op, int e, const char *path)
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
	ev = (struct wl_event){ .t_ns = mono_ns(), .tid = (int)syscall(SYS_gettid), .op = op };
	snprintf(ev.path, sizeof(ev.path), "%s", path);
	counts_estale_add(&r->estale, &ev);	/* one thread: no lock */
}

/* ---- rm -rf ---- */

struct name {
	char *name;
	unsigned char type;
};

/* Remove name (at dfd; path[0..len) is it relative to the root), counted. */
static void rm_rf(struct ostree_run *run, int dfd, const char *name, char *path, size_t len,
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
		ostree_count(run, OSTREEWL_STAT, e, path);
		if (e)
			return;
		type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
	}
	if (type != DT_DIR) {
		ostree_count(run, OSTREEWL_UNLINK, unlinkat(dfd, name, 0) < 0 ? errno : 0, path);
		return;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	ostree_count(run, OSTREEWL_OPEN, fd < 0 ? errno : 0, path);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0) {
			ostree_count(run, OSTREEWL_READDIR, errno, path);
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
	ostree_count(run, OSTREEWL_READDIR, errno, path);
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
	ostree_count(run, OSTREEWL_CLOSE, closedir(d) < 0 ? errno : 0, path);
	ostree_count(run, OSTREEWL_RMDIR, unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? errno : 0, path);
}

/* rm -rf of rel (relative to the root), counted, if it is there. */
static void remove_rel(struct ostree_run *run, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	if (fstatat(run->rootfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			ostree_count(run, OSTREEWL_STAT, errno, rel);
		return;
	}
	snprintf(path, sizeof(path), "%s", rel);
	rm_rf(run, run->rootfd, rel, path, strlen(path), S_ISDIR(st.st_mode) ? DT_DIR : DT_REG);
}

/* The host temp dir with the source, uncounted. */
static void remove_src(struct ostree_run *run)
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

static void run_rounds(struct ostree_run *run)
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

			snprintf(dest, sizeof(dest), "%s/%s/co-%u", p->root, OSTREEWL_DIR, k);
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
			done[k] = ostree_cmd_step(run, OSTREEWL_CHECKOUT, k, argv);
		}
		ostree_cmd_step(run, OSTREEWL_FSCK, 0, fsck);
		for (unsigned int k = 1; k <= p->checkouts; k++)
			if (done[k])
				ostree_check_checkout(run, k);
		if (run->round == p->rounds && !p->cleanup)
			break;
		for (unsigned int k = 1; k <= p->checkouts; k++) {
			snprintf(rel, sizeof(rel), "%s/co-%u", OSTREEWL_DIR, k);
			remove_rel(run, rel);
		}
	}
	free(done);
}

int ostreewl_run(const struct ostreewl_params *p, struct ostreewl_result *r, char *err,
		 size_t errlen)
{
	struct ostree_run run = { .p = p, .r = r, .rootfd = -1, .srcfd = -1 };
	char mode_opt[64], tree_opt[PATH_MAX + 16];
	struct stat st;
	double t0 = mono_seconds();
	int ret;

	memset(r, 0, sizeof(*r));
	counts_estale_init(&r->estale, p->seed);
	err[0] = '\0';
	if (!p->root || !p->checkouts || !p->rounds || !p->max_links ||
	    p->mode >= OSTREEWL_MODE_COUNT)
		return errmsg(err, errlen, -EINVAL,
			    "need a root, and checkouts, rounds and max-links of at least 1");
	ret = ostree_cmd_find(p->ostree ? p->ostree : "ostree", run.ostree, sizeof(run.ostree));
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
	ostree_cmd_version(&run);
	run.rootfd = open(p->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run.rootfd < 0) {
		ret = errmsg(err, errlen, -errno, "root %s: %s", p->root, strerror(errno));
		goto out;
	}
	if (fstatat(run.rootfd, OSTREEWL_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!p->force) {
			ret = errmsg(err, errlen, -EEXIST, "%s/%s exists (remove it, or --force)",
				   p->root, OSTREEWL_DIR);
			goto out;
		}
		remove_rel(&run, OSTREEWL_DIR);	/* uncounted: not part of the workload */
		if (fstatat(run.rootfd, OSTREEWL_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			ret = errmsg(err, errlen, -EIO, "could not remove %s/%s", p->root, OSTREEWL_DIR);
			goto out;
		}
	}
	ret = ostree_source_make(&run, err, errlen);
	if (ret < 0)
		goto out;
	if (mkdirat(run.rootfd, OSTREEWL_DIR, 0755) < 0) {
		ret = errmsg(err, errlen, -errno, "mkdir %s/%s: %s", p->root, OSTREEWL_DIR, strerror(errno));
		goto out;
	}

	run.counting = true;
	snprintf(run.repo_opt, sizeof(run.repo_opt), "--repo=%s/%s/repo", p->root, OSTREEWL_DIR);
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mode_names[p->mode]);
	snprintf(tree_opt, sizeof(tree_opt), "--tree=dir=%s", run.src);
	{
		const char *init[] = { run.ostree, run.repo_opt, "init", mode_opt, NULL };
		const char *commit[] = { run.ostree, run.repo_opt, "commit", "--branch=" BRANCH,
					 "--no-xattrs", "--timestamp=@0", tree_opt, NULL };

		if (ostree_cmd_step(&run, OSTREEWL_INIT, 0, init) &&
		    ostree_cmd_step(&run, OSTREEWL_COMMIT, 0, commit))
			run_rounds(&run);
	}
	run.round = 0;
	if (p->cleanup)
		remove_rel(&run, OSTREEWL_DIR);
	run.counting = false;
out:
	if (run.src[0])
		remove_src(&run);
	ostree_source_free(&run);
	free(run.buf);
	if (run.srcfd >= 0)
		close(run.srcfd);
	if (run.rootfd >= 0)
		close(run.rootfd);
	r->seconds = mono_seconds() - t0;
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

	fputc('{', f);
	counts_json_origin(f, r->seconds);
	fputs(",\"workload\":\"ostree\",\"params\":{\"root\":", f);
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
