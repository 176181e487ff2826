// SPDX-License-Identifier: GPL-2.0-or-later
/* One cell of the matrix; see cell.h. */
#include "cell.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "inject.h"
#include "modes.h"
#include "rule.h"

static const char *const workloads[] = { "read", "storm", "ostree", NULL };
static const char *const expects[] = { "any", "none", "some", NULL };

void cell_default(struct cell *c)
{
	*c = (struct cell){ .threads = 4, .rounds = 1, .seconds = 2.0, .reps = 1, .seed = 1, .objects = 200,
			    .max_links = 100, .expect = EXPECT_ANY, .rlimit_nofile = -1 };
	strcpy(c->version, "1.13.2");
	strcpy(c->mode, "never");
	strcpy(c->privilege, "root");
	strcpy(c->cache, "auto");
	strcpy(c->profile, "none");
	strcpy(c->workload, "read");
}

int cell_copy(struct cell *dst, const struct cell *src)
{
	*dst = *src;
	for (int i = 0; i < src->nrules; i++) {
		dst->rules[i] = strdup(src->rules[i]);
		if (!dst->rules[i]) {
			dst->nrules = i;
			cell_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

void cell_free(struct cell *c)
{
	for (int i = 0; i < c->nrules; i++)
		free(c->rules[i]);
	c->nrules = 0;
}

const char *cell_expect_name(enum cell_expect e)
{
	return expects[e];
}

static int one_of(const char *name, const char *v, const char *const set[], char *out,
		  size_t outlen, char *err, size_t errlen)
{
	char list[128] = "";

	for (int i = 0; set[i]; i++) {
		if (strcmp(v, set[i]) == 0) {
			snprintf(out, outlen, "%s", v);
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? "|" : "",
			 set[i]);
	}
	return errmsg(err, errlen, -EINVAL, "bad --%s '%s' (%s)", name, v, list);
}

/* A mode, cache, privilege or version: the daemon's own parser (modes.h) decides. */
static int daemon_word(const char *name, const char *v, int (*parse)(const char *), const char *list,
		       char *out, size_t outlen, char *err, size_t errlen)
{
	if (parse(v) < 0 || strlen(v) >= outlen)
		return errmsg(err, errlen, -EINVAL, "bad --%s '%s' (%s)", name, v, list);
	snprintf(out, outlen, "%s", v);
	return 0;
}

static int inode_mode_word(const char *v)
{
	return inode_mode_parse(v, NULL);
}

static int number(const char *name, const char *v, double min, double max, double *out,
		  char *err, size_t errlen)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || end == v || !(d >= min && d <= max))
		return errmsg(err, errlen, -EINVAL, "bad --%s '%s' (%g to %g)", name, v, min, max);
	*out = d;
	return 0;
}

static int whole(const char *name, const char *v, uint64_t min, uint64_t max, uint64_t *out,
		 char *err, size_t errlen)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || end == v || *v == '-' || n < min || n > max)
		return errmsg(err, errlen, -EINVAL, "bad --%s '%s' (%llu to %llu)", name, v,
			    (unsigned long long)min, (unsigned long long)max);
	*out = n;
	return 0;
}

int cell_set(struct cell *c, const char *name, const char *v, char *err, size_t errlen)
{
	static const char *const flags[] = { "overlay", "churn", "xattr", "until-estale", "two-path",
					     "second-daemon", "readonly", NULL };
	uint64_t n;
	int ret;

	for (int i = 0; flags[i]; i++)
		if (strcmp(name, flags[i]) == 0 && v)
			return errmsg(err, errlen, -EINVAL, "--%s takes no value", name);
	if (strcmp(name, "mode") == 0)
		return daemon_word(name, v, inode_mode_word, modes_inode_list, c->mode, sizeof(c->mode),
				   err, errlen);
	if (strcmp(name, "privilege") == 0)
		return daemon_word(name, v, privilege_parse, modes_privilege_list, c->privilege,
				   sizeof(c->privilege), err, errlen);
	if (strcmp(name, "cache") == 0)
		return daemon_word(name, v, cache_policy_parse, modes_cache_list, c->cache,
				   sizeof(c->cache), err, errlen);
	if (strcmp(name, "virtiofsd-version") == 0)
		return daemon_word(name, v, virtiofsd_version_parse, modes_version_list, c->version,
				   sizeof(c->version), err, errlen);
	if (strcmp(name, "rlimit-nofile") == 0) {
		ret = whole(name, v, 0, 1073741816, &n, err, errlen);
		if (!ret)
			c->rlimit_nofile = (int64_t)n;
		return ret;
	}
	if (strcmp(name, "workload") == 0)
		return one_of(name, v, workloads, c->workload, sizeof(c->workload), err, errlen);
	if (strcmp(name, "expect") == 0) {
		char e[8];

		ret = one_of(name, v, expects, e, sizeof(e), err, errlen);
		if (!ret)
			c->expect = strcmp(e, "none") == 0 ? EXPECT_NONE
				    : strcmp(e, "some") == 0 ? EXPECT_SOME : EXPECT_ANY;
		return ret;
	}
	if (strcmp(name, "profile") == 0) {
		char path[4096];

		if (strcmp(v, "none") != 0 && inject_find_profile(v, path, sizeof(path)) < 0)
			return errmsg(err, errlen, -EINVAL, "bad --profile '%s': no such profile (a file, or a "
				    "name in inject/profiles)", v);
		if (strlen(v) >= sizeof(c->profile))
			return errmsg(err, errlen, -EINVAL, "--profile '%s' is too long", v);
		strcpy(c->profile, v);
		return 0;
	}
	if (strcmp(name, "inject") == 0) {
		struct rule r;
		char why[256];

		if (c->nrules == CELL_MAX_RULES)
			return errmsg(err, errlen, -EINVAL, "more than %d --inject rules", CELL_MAX_RULES);
		if (rule_parse(v, &r, why, sizeof(why)) < 0)
			return errmsg(err, errlen, -EINVAL, "bad --inject '%s': %s", v, why);
		c->rules[c->nrules] = strdup(v);
		if (!c->rules[c->nrules])
			return -ENOMEM;
		c->nrules++;
		return 0;
	}
	if (strcmp(name, "overlay") == 0)
		return c->overlay = true, 0;
	if (strcmp(name, "churn") == 0)
		return c->churn = true, 0;
	if (strcmp(name, "xattr") == 0)
		return c->xattr = true, 0;
	if (strcmp(name, "until-estale") == 0)
		return c->until_estale = true, 0;
	if (strcmp(name, "two-path") == 0)
		return c->two_path = c->overlay = true, 0;
	if (strcmp(name, "readonly") == 0)
		return c->readonly = true, 0;
	if (strcmp(name, "second-daemon") == 0)
		return c->second_daemon = true, 0;
	if (strcmp(name, "dir-move-every") == 0)
		return number(name, v, 0.01, 3600, &c->dir_move_every, err, errlen);
	if (strcmp(name, "submount-every") == 0)
		return number(name, v, 0.01, 3600, &c->submount_every, err, errlen);
	if (strcmp(name, "podman-every") == 0)
		return number(name, v, 0.01, 3600, &c->podman_every, err, errlen);
	if (strcmp(name, "memory-pressure") == 0) {
		ret = whole(name, v, 10, 99, &n, err, errlen);
		if (!ret)
			c->memory_pct = n;
		return ret;
	}
	if (strcmp(name, "layer-every") == 0) {
		ret = number(name, v, 0.05, 3600, &c->layer_every, err, errlen);
		if (!ret)
			c->churn = true;
		return ret;
	}
	if (strcmp(name, "seconds") == 0) {
		ret = number(name, v, 0.1, 86400, &c->seconds, err, errlen);
		if (!ret)
			c->count = 0;
		return ret;
	}
	if (strcmp(name, "timeout") == 0)
		return number(name, v, 1, 86400, &c->timeout, err, errlen);
	if (strcmp(name, "drop-caches-ms") == 0) {
		ret = whole(name, v, 0, 3600000, &n, err, errlen);
		if (!ret)
			c->drop_caches_ms = n;
		return ret;
	}
	if (strcmp(name, "threads") == 0) {
		ret = whole(name, v, 1, 256, &n, err, errlen);
		if (!ret)
			c->threads = n;
		return ret;
	}
	if (strcmp(name, "rounds") == 0) {
		ret = whole(name, v, 1, 1000, &n, err, errlen);
		if (!ret)
			c->rounds = n;
		return ret;
	}
	if (strcmp(name, "count") == 0)
		return whole(name, v, 1, UINT64_MAX, &c->count, err, errlen);
	if (strcmp(name, "reps") == 0) {
		ret = whole(name, v, 1, 100000, &n, err, errlen);
		if (!ret)
			c->reps = n;
		return ret;
	}
	if (strcmp(name, "seed") == 0)
		return whole(name, v, 0, UINT64_MAX / 2, &c->seed, err, errlen);
	if (strcmp(name, "objects") == 0)
		return whole(name, v, 1, 10000000, &c->objects, err, errlen);
	if (strcmp(name, "max-links") == 0) {
		ret = whole(name, v, 1, 65000, &n, err, errlen);
		if (!ret)
			c->max_links = n;
		return ret;
	}
	return 1;
}

int cell_check(const struct cell *c, char *err, size_t errlen)
{
	if (c->overlay && strcmp(c->workload, "read") != 0)
		return errmsg(err, errlen, -EINVAL, "--overlay goes with --workload read only");
	if (c->drop_caches_ms && strcmp(c->workload, "read") != 0)
		return errmsg(err, errlen, -EINVAL, "--drop-caches-ms goes with --workload read only");
	if (c->rounds != 1 && strcmp(c->workload, "ostree") != 0)
		return errmsg(err, errlen, -EINVAL, "--rounds goes with --workload ostree only");
	if (cell_host_changes(c) && strcmp(c->workload, "ostree") == 0)
		return errmsg(err, errlen, -EINVAL, "host actors (--churn, --layer-every, --dir-move-every, "
			      "--submount-every, --podman-every) need a generated tree (not --workload ostree)");
	if (c->two_path && c->threads < 2)
		return errmsg(err, errlen, -EINVAL, "--two-path needs at least 2 threads");
	if (c->memory_pct && strcmp(c->workload, "read") != 0)
		return errmsg(err, errlen, -EINVAL, "--memory-pressure goes with --workload read only");
	if (c->second_daemon && strcmp(c->workload, "read") != 0)
		return errmsg(err, errlen, -EINVAL, "--second-daemon goes with --workload read only");
	return 0;
}

bool cell_host_changes(const struct cell *c)
{
	return c->churn || c->layer_every > 0 || c->dir_move_every > 0 || c->submount_every > 0 ||
	       c->podman_every > 0;
}

void cell_id(const struct cell *c, char *buf, size_t len)
{
	char prof[128], faults[160];
	const char *base = strrchr(c->profile, '/') ? strrchr(c->profile, '/') + 1 : c->profile;
	size_t n = strlen(base);

	/* A profile given as a path: its file name without .rules. */
	if (n > 6 && strcmp(base + n - 6, ".rules") == 0)
		n -= 6;
	snprintf(prof, sizeof(prof), "%.*s", (int)n, base);
	if (c->nrules && strcmp(c->profile, "none") != 0)
		snprintf(faults, sizeof(faults), "%s+%d-rule%s", prof, c->nrules, c->nrules > 1 ? "s" : "");
	else if (c->nrules)
		snprintf(faults, sizeof(faults), "%d-rule%s", c->nrules, c->nrules > 1 ? "s" : "");
	else
		snprintf(faults, sizeof(faults), "%s", prof);
	char model[48] = "";

	/* The virtiofsd model only when it is not the default one. */
	if (strcmp(c->version, "1.13.2") != 0 || c->rlimit_nofile >= 0) {
		int m = snprintf(model, sizeof(model), "@%s", c->version);

		if (c->rlimit_nofile >= 0)
			snprintf(model + m, sizeof(model) - m, ",nofile=%lld", (long long)c->rlimit_nofile);
	}
	char mem[16] = "";

	if (c->memory_pct)
		snprintf(mem, sizeof(mem), "+mem%u", c->memory_pct);
	snprintf(buf, len, "%s/%s/%s/%s/%s%s%s%s%s%s%s%s%s%s%s%s%s", c->mode, c->privilege, c->cache,
		 faults, c->workload, c->overlay ? "+overlay" : "", c->two_path ? "+2path" : "",
		 c->churn ? "+churn" : "", c->layer_every > 0 ? "+layers" : "",
		 c->dir_move_every > 0 ? "+dirmove" : "", c->submount_every > 0 ? "+submount" : "",
		 c->podman_every > 0 ? "+podman" : "", c->second_daemon ? "+2daemons" : "",
		 c->drop_caches_ms ? "+drop" : "", mem, c->readonly ? "+ro" : "", model);
}

/* Append to buf, shell-quoting the value when it needs it. */
static void arg(char *buf, size_t len, const char *name, const char *v)
{
	size_t n = strlen(buf);

	if (n >= len - 1)
		return;
	if (!v) {
		snprintf(buf + n, len - n, " --%s", name);
		return;
	}
	if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:=/+@") ==
	    strlen(v)) {
		snprintf(buf + n, len - n, " --%s %s", name, v);
		return;
	}
	snprintf(buf + n, len - n, " --%s '", name);
	for (const char *p = v; *p && strlen(buf) < len - 6; p++) {
		n = strlen(buf);
		if (*p == '\'')
			snprintf(buf + n, len - n, "'\\''");
		else
			snprintf(buf + n, len - n, "%c", *p);
	}
	n = strlen(buf);
	snprintf(buf + n, len - n, "'");
}

void cell_repro(const struct cell *c, char *buf, size_t len)
{
	struct cell d;
	char v[64];

	cell_default(&d);
	snprintf(buf, len, "stalefs run");
	arg(buf, len, "mode", c->mode);
	if (strcmp(c->privilege, d.privilege))
		arg(buf, len, "privilege", c->privilege);
	if (strcmp(c->cache, d.cache))
		arg(buf, len, "cache", c->cache);
	if (strcmp(c->profile, d.profile))
		arg(buf, len, "profile", c->profile);
	for (int i = 0; i < c->nrules; i++)
		arg(buf, len, "inject", c->rules[i]);
	if (strcmp(c->version, d.version))
		arg(buf, len, "virtiofsd-version", c->version);
	if (c->rlimit_nofile >= 0) {
		snprintf(v, sizeof(v), "%lld", (long long)c->rlimit_nofile);
		arg(buf, len, "rlimit-nofile", v);
	}
	arg(buf, len, "workload", c->workload);
	if (c->two_path)
		arg(buf, len, "two-path", NULL);
	else if (c->overlay)
		arg(buf, len, "overlay", NULL);
	if (c->second_daemon)
		arg(buf, len, "second-daemon", NULL);
	if (c->memory_pct) {
		snprintf(v, sizeof(v), "%u", c->memory_pct);
		arg(buf, len, "memory-pressure", v);
	}
	if (c->dir_move_every > 0) {
		snprintf(v, sizeof(v), "%g", c->dir_move_every);
		arg(buf, len, "dir-move-every", v);
	}
	if (c->submount_every > 0) {
		snprintf(v, sizeof(v), "%g", c->submount_every);
		arg(buf, len, "submount-every", v);
	}
	if (c->podman_every > 0) {
		snprintf(v, sizeof(v), "%g", c->podman_every);
		arg(buf, len, "podman-every", v);
	}
	if (c->layer_every > 0) {
		snprintf(v, sizeof(v), "%g", c->layer_every);
		arg(buf, len, "layer-every", v);
	} else if (c->churn) {
		arg(buf, len, "churn", NULL);
	}
	if (c->drop_caches_ms) {
		snprintf(v, sizeof(v), "%u", c->drop_caches_ms);
		arg(buf, len, "drop-caches-ms", v);
	}
	if (c->xattr)
		arg(buf, len, "xattr", NULL);
	if (c->readonly)
		arg(buf, len, "readonly", NULL);
	if (c->rounds != d.rounds) {
		snprintf(v, sizeof(v), "%u", c->rounds);
		arg(buf, len, "rounds", v);
	}
	if (c->threads != d.threads) {
		snprintf(v, sizeof(v), "%u", c->threads);
		arg(buf, len, "threads", v);
	}
	if (c->count) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)c->count);
		arg(buf, len, "count", v);
	} else {
		snprintf(v, sizeof(v), "%g", c->seconds);
		arg(buf, len, "seconds", v);
	}
	if (c->objects != d.objects) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)c->objects);
		arg(buf, len, "objects", v);
	}
	if (c->max_links != d.max_links) {
		snprintf(v, sizeof(v), "%u", c->max_links);
		arg(buf, len, "max-links", v);
	}
	if (c->reps != 1) {
		snprintf(v, sizeof(v), "%u", c->reps);
		arg(buf, len, "reps", v);
	}
	if (c->until_estale)
		arg(buf, len, "until-estale", NULL);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->seed);
	arg(buf, len, "seed", v);
	if (c->expect != EXPECT_ANY)
		arg(buf, len, "expect", expects[c->expect]);
	if (c->timeout) {
		snprintf(v, sizeof(v), "%g", c->timeout);
		arg(buf, len, "timeout", v);
	}
}
