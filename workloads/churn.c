// SPDX-License-Identifier: GPL-2.0-or-later
/* Host-side churn; see churn.h. */
#include "churn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tree.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Copy src to a temp name next to dst and rename it over dst. */
static int rename_over(int rootfd, const char *src, const char *dst)
{
	char tmp[4200], buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s.churn-tmp", dst);
	in = openat(rootfd, src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = openat(rootfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	close(in);
	if (close(out) < 0 && !ret)
		ret = -errno;
	if (!ret && renameat(rootfd, tmp, rootfd, dst) < 0)
		ret = -errno;
	if (ret)
		unlinkat(rootfd, tmp, 0);
	return ret;
}

int churn_run(const struct churn_params *p, struct churn_result *r, char *err, size_t errlen)
{
	char mpath[4096], line[4400], extra[4300];
	char **paths = NULL, **objs = NULL;
	size_t n = 0, cap = 0;
	uint64_t s = p->seed;
	double end;
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
		char *rel = strtok(line, "\t"), *hash = strtok(NULL, "\t");

		if (!rel || !hash || !strstr(rel, "/deploy/"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			paths = realloc(paths, cap * sizeof(*paths));
			objs = realloc(objs, cap * sizeof(*objs));
			if (!paths || !objs) {
				ret = -ENOMEM;
				snprintf(err, errlen, "out of memory");
				fclose(f);
				goto out;
			}
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
	end = now() + p->seconds;
	while (now() < end) {
		size_t i = rnd(&s) % n;
		int what = rnd(&s) % 3, e = 0;

		if (what == 0) {
			if (unlinkat(rootfd, paths[i], 0) < 0 ||
			    linkat(rootfd, objs[i], rootfd, paths[i], 0) < 0)
				e = -errno;
			else
				r->relinks++;
		} else if (what == 1) {
			e = rename_over(rootfd, objs[i], paths[i]);
			if (!e)
				r->renames++;
		} else {
			snprintf(extra, sizeof(extra), "%s.churn-link", paths[i]);
			if (linkat(rootfd, objs[i], rootfd, extra, 0) < 0 || unlinkat(rootfd, extra, 0) < 0)
				e = -errno;
			else
				r->links++;
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
	close(rootfd);
	return ret;
}
