// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The same cell against the real virtiofsd in a QEMU guest; see
 * compare_guest.h. guest_run_cell() is a ladder of named steps over one
 * struct guest_run: find the runner, make the work dir and the tree, write
 * the unprivileged wrapper, build the runner's command line, start the host
 * churn, run the guest, read what it left.
 */
#include "compare_guest.h"
#include "clock.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "attrib.h"
#include "build_config.h"
#include "counts.h"
#include "jsonv.h"
#include "proc.h"
#include "scratch.h"
#include "textfile.h"
#include "tree.h"

#include "compare_paths.h"
#include "compare_vlog.h"

int guest_check_cell(const struct cell *c, char *err, size_t errlen)
{
	if (c->nrules || strcmp(c->profile, "none") != 0) {
		snprintf(err, errlen, "faults are stalefs's own: compare cells without --profile/--inject");
		return -EINVAL;
	}
	if (strcmp(c->version, "1.13.2") != 0 || c->rlimit_nofile >= 0) {
		snprintf(err, errlen, "the real side is virtiofsd 1.13.2 at its default fd limit: compare "
			 "cells without --virtiofsd-version 1.13.0 or --rlimit-nofile");
		return -EINVAL;
	}
	if (strcmp(c->workload, "ostree") == 0) {
		snprintf(err, errlen, "the guest has no ostree command: compare read or storm");
		return -EINVAL;
	}
	if (c->reps != 1 || c->until_estale) {
		snprintf(err, errlen, "compare runs one repetition a cell (no --reps, --until-estale)");
		return -EINVAL;
	}
	return 0;
}

/* This stalefs executable's dir: 0, or -ENOENT. */
static int guest_self_dir(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len ? len - 1 : 0);
	char *slash;

	if (n <= 0)
		return -ENOENT;
	out[n] = '\0';
	slash = strrchr(out, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return 0;
}

/* NAME in this stalefs executable's dir: 0 with its path when executable. */
static int guest_find_next_to_self(const char *name, char *out, size_t len)
{
	char self[PATH_MAX];

	if (len)
		out[0] = '\0';
	if (guest_self_dir(self, sizeof(self)) < 0)
		return -ENOENT;
	if ((size_t)snprintf(out, len, "%s/%s", self, name) >= len)
		return -ENAMETOOLONG;
	return access(out, X_OK) == 0 ? 0 : -ENOENT;
}

/* Whether path is an executable regular file. */
static bool guest_is_exe(const char *path)
{
	struct stat st;

	return access(path, X_OK) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Look at dir/name: 0 with w filled in when it is there, else add it to
 * w->looked and -ENOENT. */
static int guest_try_workload(struct guest_workload *w, const char *dir, const char *source)
{
	size_t used = strlen(w->looked);
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/" GUEST_WORKLOAD_NAME, dir) < sizeof(path) &&
	    guest_is_exe(path)) {
		snprintf(w->path, sizeof(w->path), "%s", path);
		w->source = source;
		return 0;
	}
	if (used + 2 + strlen(path) < sizeof(w->looked)) {	/* else the list stays cut */
		if (used) {
			memcpy(w->looked + used, ", ", 2);
			used += 2;
		}
		memcpy(w->looked + used, path, strlen(path) + 1);
	}
	return -ENOENT;
}

int guest_find_workload_from(const char *self_dir, struct guest_workload *w)
{
	const char *env = getenv("STALEFS_GUEST_WORKLOAD");
	char dir[PATH_MAX];

	memset(w, 0, sizeof(*w));
	if (env && *env) {
		/* set: it wins, and a wrong one is an error, not a fallback */
		snprintf(w->looked, sizeof(w->looked), "$STALEFS_GUEST_WORKLOAD=%s", env);
		if (!guest_is_exe(env))
			return -ENOENT;
		snprintf(w->path, sizeof(w->path), "%s", env);
		w->source = "$STALEFS_GUEST_WORKLOAD";
		return 0;
	}
	if (self_dir) {
		/* a build dir (stalefs at its top, the workload in workloads/) or
		 * a dir holding both */
		if (guest_try_workload(w, self_dir, "next to this stalefs") == 0)
			return 0;
		snprintf(dir, sizeof(dir), "%s/workloads", self_dir);
		if (guest_try_workload(w, dir, "this stalefs's build dir") == 0)
			return 0;
		/* an install moved as a whole: PREFIX/bin/stalefs */
		int up = (int)(strrchr(self_dir, '/') ? strrchr(self_dir, '/') - self_dir : 0);

		snprintf(dir, sizeof(dir), "%.*s/libexec/stalefs", up, self_dir);
		if (guest_try_workload(w, dir, "installed beside this stalefs") == 0)
			return 0;
		snprintf(dir, sizeof(dir), "%.*s/lib/stalefs", up, self_dir);
		if (guest_try_workload(w, dir, "installed beside this stalefs") == 0)
			return 0;
	}
	if (guest_try_workload(w, STALEFS_LIBEXEC_DIR, "installed") == 0 ||
	    guest_try_workload(w, STALEFS_LIB_DIR, "installed") == 0)
		return 0;
	/* the old default: a build dir named build in the source tree */
	if (guest_try_workload(w, STALEFS_SRC_GUEST "/../../build/workloads", "the source tree's build/") == 0)
		return 0;
	return -ENOENT;
}

int guest_find_workload(struct guest_workload *w)
{
	char self[PATH_MAX];

	return guest_find_workload_from(guest_self_dir(self, sizeof(self)) == 0 ? self : NULL, w);
}

int guest_find_daemon(char *out, size_t len)
{
	if (!HAVE_FUSE_CUSTOM_IO) {
		if (len)
			out[0] = '\0';
		return -ENOENT;
	}
	return guest_find_next_to_self("stalefs-virtiofsd", out, len);
}

/* One guest run: the cell, its work dir and the paths in it, and the
 * runner's command line with the strings it points to. */
struct guest_run {
	const struct cell *c;
	const struct guest_opts *g;
	struct run_result *r;
	double t0;
	double limit;		/* the guest's --timeout, seconds */
	bool over;		/* r->status is decided: nothing more to run */
	char dir[PATH_MAX - 64], backing[PATH_MAX], wl[PATH_MAX], vlog[PATH_MAX], rerr[PATH_MAX],
	     wrapper[PATH_MAX], runner[PATH_MAX], penv[PATH_MAX];
	char events[PATH_MAX], stats[PATH_MAX];		/* stalefs-virtiofsd's */
	char events_arg[PATH_MAX + 16], stats_arg[PATH_MAX + 16];
	char threads[16], amount[32], sd[32], drop[16], tmo[32], secs[32], every[32];
	char ver[40], nofile[40], prof[200], inj[CELL_MAX_RULES][4200], wlbin[PATH_MAX];
	char *argv[64 + 2 * CELL_MAX_RULES];
	int argc;
	pid_t churn;		/* the host churn, 0: none */
};

/* The run ends with status st, for the reason given. */
static void guest_over(struct guest_run *gr, enum run_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void guest_over(struct guest_run *gr, enum run_status st, const char *fmt, ...)
{
	va_list ap;

	gr->r->status = st;
	va_start(ap, fmt);
	vsnprintf(gr->r->reason, sizeof(gr->r->reason), fmt, ap);
	va_end(ap);
	gr->over = true;
}

int guest_check_cell_ours(const struct cell *c, char *err, size_t errlen)
{
	const char *what = strcmp(c->workload, "ostree") == 0 ? "the guest has no ostree command"
			   : c->reps != 1 || c->until_estale ? "one repetition a guest (no --reps, "
			   "--until-estale)"
			   : c->second_daemon ? "one daemon a guest (no --second-daemon)"
			   : c->memory_pct ? "no memory cgroup in the guest (no --memory-pressure)"
			   : c->dir_move_every > 0 || c->submount_every > 0 || c->podman_every > 0
			   ? "only the host churn of --churn beside a guest"
			   : NULL;

	if (!what)
		return 0;
	snprintf(err, errlen, "behind virtio-fs: %s", what);
	return -EINVAL;
}

static void guest_find_runner(struct guest_run *gr)
{
	snprintf(gr->runner, sizeof(gr->runner), "%s", gr->g->runner ? gr->g->runner
		 : STALEFS_SRC_GUEST "/stalefs-guest.sh");
	if (access(gr->runner, R_OK) < 0)
		guest_over(gr, RUN_CANNOT, "no guest runner at %.400s", gr->runner);
}

/* The static workload, unless --workload-bin gave one. Which one (or where
 * none was) is said once, on the progress line of the first cell. */
static void guest_pick_workload(struct guest_run *gr)
{
	static bool told;
	struct guest_workload w;

	if (gr->g->workload_bin) {
		if (!told)
			fprintf(stderr, " (guest workload %s: --guest-workload)", gr->g->workload_bin);
		told = true;
		return;
	}
	if (guest_find_workload(&w) < 0) {
		/* The places, whole ones only, in what the reason has room for. */
		char *cut = strlen(w.looked) > 360 ? w.looked + 356 : NULL;

		while (cut && cut > w.looked && strncmp(cut, ", ", 2) != 0)
			cut--;
		if (cut)
			strcpy(cut, ", ...");
		guest_over(gr, RUN_CANNOT, "no static guest workload (looked at %s): build with "
			   "-Dguest=enabled, or set STALEFS_GUEST_WORKLOAD", w.looked);
		if (!told)
			fprintf(stderr, " (%s)", gr->r->reason);
	} else {
		snprintf(gr->wlbin, sizeof(gr->wlbin), "%s", w.path);
		if (!told)
			fprintf(stderr, " (guest workload %s: %s)", w.path, w.source);
	}
	told = true;
}

/* The work dir and the cell's tree in it (backing/). 0, or -errno with no
 * dir left when the dir cannot be made. */
static int guest_make_dir(struct guest_run *gr, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	struct tree_params tp;
	struct tree_summary ts;
	char why[400];
	int ret;

	ret = scratch_make(NULL, "stalefs-compare", gr->dir, sizeof(gr->dir));
	if (ret < 0) {
		snprintf(err, errlen, "a work dir under %s: %s", tmp && *tmp ? tmp : "/tmp",
			 strerror(-ret));
		return ret;
	}
	chmod(gr->dir, 0755);
	snprintf(gr->backing, sizeof(gr->backing), "%s/backing", gr->dir);
	snprintf(gr->wl, sizeof(gr->wl), "%s/workload.json", gr->dir);
	snprintf(gr->vlog, sizeof(gr->vlog), "%s/virtiofsd.log", gr->dir);
	snprintf(gr->rerr, sizeof(gr->rerr), "%s/runner.err", gr->dir);
	snprintf(gr->events, sizeof(gr->events), "%s/events.jsonl", gr->dir);
	snprintf(gr->stats, sizeof(gr->stats), "%s/stats.json", gr->dir);
	tree_params_default(&tp);
	tp.objects = gr->c->objects;
	tp.max_links = gr->c->max_links;
	tp.seed = gr->c->seed;
	if (tree_generate(gr->backing, &tp, &ts, why, sizeof(why)) < 0)
		guest_over(gr, RUN_ERROR, "generating the tree: %s", why);
	return 0;
}

/* privilege=unprivileged: root without CAP_DAC_READ_SEARCH, like `stalefs
 * mount --unprivileged`, through a setpriv wrapper around paths.env's
 * virtiofsd. 0 (nothing to do for other privileges) or -errno. */
static int guest_write_wrapper(struct guest_run *gr, char *err, size_t errlen)
{
	char vfsd[PATH_MAX], penv[PATH_MAX], why[400];
	struct compare_paths *paths;
	FILE *f;
	int ret = 0;

	if (strcmp(gr->c->privilege, "unprivileged") != 0 || gr->g->daemon)
		return 0;	/* stalefs-virtiofsd: its own --unprivileged */
	paths = malloc(sizeof(*paths));
	if (!paths) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (gr->penv[0])
		snprintf(penv, sizeof(penv), "%s", gr->penv);
	else
		compare_paths_file(penv, sizeof(penv));
	if (compare_paths_read(penv, paths, why, sizeof(why)) < 0) {
		guest_over(gr, RUN_CANNOT, "%s (run ci/compare-setup.sh)", why);
		goto out_free;
	}
	snprintf(vfsd, sizeof(vfsd), "%s", paths->path[CP_VIRTIOFSD]);
	if (!vfsd[0] || strchr(vfsd, '\'')) {
		/* the wrapper quotes it in '...' */
		guest_over(gr, RUN_CANNOT, "%s virtiofsd in %.300s (run ci/compare-setup.sh)",
			   vfsd[0] ? "a quote in the path of" : "no", penv);
		goto out_free;
	}
	snprintf(gr->wrapper, sizeof(gr->wrapper), "%s/virtiofsd-unprivileged", gr->dir);
	f = fopen(gr->wrapper, "we");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", gr->wrapper, strerror(-ret));
		goto out_free;
	}
	fprintf(f, "#!/bin/sh\nexec setpriv --inh-caps=-dac_read_search "
		"--bounding-set=-dac_read_search '%s' \"$@\"\n", vfsd);
	fclose(f);
	chmod(gr->wrapper, 0755);
out_free:
	free(paths);
	return ret;
}

static void guest_arg(struct guest_run *gr, const char *arg)
{
	if (gr->argc < (int)(sizeof(gr->argv) / sizeof(gr->argv[0])) - 1)
		gr->argv[gr->argc++] = (char *)arg;
	gr->argv[gr->argc] = NULL;
}

/* bash stalefs-guest.sh [virtiofsd flags] -- WORKLOAD [workload flags] */
static void guest_build_argv(struct guest_run *gr)
{
	const struct cell *c = gr->c;

	guest_arg(gr, "bash");
	guest_arg(gr, gr->runner);
	guest_arg(gr, "--shared-dir");
	guest_arg(gr, gr->backing);
	guest_arg(gr, "--mode");
	guest_arg(gr, c->mode);
	guest_arg(gr, "--cache");
	guest_arg(gr, c->cache);
	guest_arg(gr, "--privilege");
	guest_arg(gr, strcmp(c->privilege, "userns") == 0 ? "userns" : "root");
	if (gr->wrapper[0]) {
		guest_arg(gr, "--virtiofsd");
		guest_arg(gr, gr->wrapper);
	}
	if (gr->g->daemon) {
		snprintf(gr->events_arg, sizeof(gr->events_arg), "--events=%s", gr->events);
		snprintf(gr->stats_arg, sizeof(gr->stats_arg), "--stats=%s", gr->stats);
		guest_arg(gr, "--virtiofsd");
		guest_arg(gr, gr->g->daemon);
		guest_arg(gr, "--virtiofsd-arg");
		guest_arg(gr, gr->events_arg);
		guest_arg(gr, "--virtiofsd-arg");
		guest_arg(gr, gr->stats_arg);
		if (strcmp(c->privilege, "unprivileged") == 0) {
			guest_arg(gr, "--virtiofsd-arg");
			guest_arg(gr, "--unprivileged");
		}
		/* What only stalefs models: the release, the fd limit, faults. */
		snprintf(gr->ver, sizeof(gr->ver), "--virtiofsd-version=%s", c->version);
		guest_arg(gr, "--virtiofsd-arg");
		guest_arg(gr, gr->ver);
		if (c->rlimit_nofile >= 0) {
			snprintf(gr->nofile, sizeof(gr->nofile), "--rlimit-nofile=%lld",
				 (long long)c->rlimit_nofile);
			guest_arg(gr, "--virtiofsd-arg");
			guest_arg(gr, gr->nofile);
		}
		if (strcmp(c->profile, "none") != 0) {
			snprintf(gr->prof, sizeof(gr->prof), "--profile=%s", c->profile);
			guest_arg(gr, "--virtiofsd-arg");
			guest_arg(gr, gr->prof);
		}
		for (int i = 0; i < c->nrules; i++) {
			snprintf(gr->inj[i], sizeof(gr->inj[i]), "--inject=%s", c->rules[i]);
			guest_arg(gr, "--virtiofsd-arg");
			guest_arg(gr, gr->inj[i]);
		}
	}
	if (c->readonly)
		guest_arg(gr, "--readonly");
	if (c->xattr)
		guest_arg(gr, "--xattr");
	if (gr->g->workload_bin) {
		guest_arg(gr, "--workload-bin");
		guest_arg(gr, gr->g->workload_bin);
	} else if (gr->wlbin[0]) {
		guest_arg(gr, "--workload-bin");
		guest_arg(gr, gr->wlbin);
	}
	if (gr->penv[0]) {
		guest_arg(gr, "--paths-env");
		guest_arg(gr, gr->penv);
	}
	snprintf(gr->tmo, sizeof(gr->tmo), "%.0f", gr->limit);
	guest_arg(gr, "--timeout");
	guest_arg(gr, gr->tmo);
	guest_arg(gr, "--out");
	guest_arg(gr, gr->wl);
	guest_arg(gr, "--log");
	guest_arg(gr, gr->vlog);
	guest_arg(gr, "--");
	guest_arg(gr, c->workload);
	guest_arg(gr, "--root");
	guest_arg(gr, "/mnt");
	guest_arg(gr, "--manifest");
	guest_arg(gr, "/mnt/" TREE_MANIFEST);
	snprintf(gr->threads, sizeof(gr->threads), "%u", c->threads);
	guest_arg(gr, "--threads");
	guest_arg(gr, gr->threads);
	if (c->count)
		snprintf(gr->amount, sizeof(gr->amount), "%llu", (unsigned long long)c->count);
	else
		snprintf(gr->amount, sizeof(gr->amount), "%.3f", c->seconds);
	guest_arg(gr, c->count ? "--count" : "--seconds");
	guest_arg(gr, gr->amount);
	snprintf(gr->sd, sizeof(gr->sd), "%llu", (unsigned long long)c->seed);
	guest_arg(gr, "--seed");
	guest_arg(gr, gr->sd);
	guest_arg(gr, "--json");
	guest_arg(gr, "/out.json");
	if (c->overlay)
		guest_arg(gr, "--overlay");
	if (c->two_path)
		guest_arg(gr, "--two-path");
	if (c->drop_caches_ms) {
		snprintf(gr->drop, sizeof(gr->drop), "%u", c->drop_caches_ms);
		guest_arg(gr, "--drop-caches-ms");
		guest_arg(gr, gr->drop);
	}
}

/* churn: `stalefs workload churn` on the backing tree. The guest boots for a
 * few seconds first: churn until it is done. */
static void guest_start_churn(struct guest_run *gr)
{
	char *cargv[16];
	int k = 0;

	if (!gr->c->churn)
		return;
	snprintf(gr->secs, sizeof(gr->secs), "%.0f", gr->limit + 10);
	cargv[k++] = "stalefs";
	cargv[k++] = "workload";
	cargv[k++] = "churn";
	cargv[k++] = "--root";
	cargv[k++] = gr->backing;
	cargv[k++] = "--seconds";
	cargv[k++] = gr->secs;
	cargv[k++] = "--seed";
	cargv[k++] = gr->sd;
	if (gr->c->layer_every > 0) {
		snprintf(gr->every, sizeof(gr->every), "%.3f", gr->c->layer_every);
		cargv[k++] = "--layer-every";
		cargv[k++] = gr->every;
	}
	cargv[k] = NULL;
	gr->churn = proc_spawn(cargv, NULL, NULL, SIGKILL);
}

/* Start the runner and wait for it, within the limit and 30 s more.
 * 0 with its wait status, or -errno when it cannot start. */
static int guest_wait(struct guest_run *gr, int *status, char *err, size_t errlen)
{
	pid_t pid;
	int ret;

	gr->r->setup_s = mono_seconds() - gr->t0;
	pid = proc_spawn(gr->argv, NULL, gr->rerr, SIGTERM);
	if (pid < 0) {
		snprintf(err, errlen, "starting %s: %s", gr->runner, strerror(-pid));
		return pid;
	}
	ret = proc_wait(pid, gr->limit + 30, status);
	if (ret == -ETIMEDOUT || ret == -EINTR) {
		proc_stop(pid, 10);
		guest_over(gr, ret == -EINTR ? RUN_INTERRUPTED : RUN_TIMEOUT, "%s",
			   ret == -EINTR ? "interrupted" : "the guest ran over its time");
	}
	return 0;
}

/* virtiofsd's replies as the run's attribution and effective mode. No tids
 * to join across the VM: ESTALE with none sent was the guest kernel's; with
 * some sent, it is not told apart. */
static void guest_attribute(struct guest_run *gr, const struct vlog_counts *v)
{
	struct run_result *r = gr->r;
	const char *mode = gr->c->mode;

	r->attrib.emitted = v->by_errno[ESTALE];
	if (!r->attrib.emitted)
		r->attrib.kernel = r->estale_total;
	else
		r->attrib.unattributed = r->estale_total;
	r->attrib.masked = r->attrib.emitted > r->estale_total
			   ? r->attrib.emitted - r->estale_total : 0;
	snprintf(r->effective_mode, sizeof(r->effective_mode), "%s", v->handles_disabled ? "never"
		 : strcmp(mode, "fallback") == 0 ? "prefer" : mode);
	snprintf(r->mode_reason, sizeof(r->mode_reason), "%s", v->handles_disabled
		 ? "virtiofsd: file handles do not appear safe to use" : "requested");
}

/* stalefs-virtiofsd's side: its ESTALE replies from the event log, its
 * effective mode from the stats. No join across the VM either (guest tids
 * and clocks): ESTALE with none sent was the guest kernel's. */
static void guest_attribute_ours(struct guest_run *gr)
{
	struct run_result *r = gr->r;
	size_t n = 0;
	struct attrib_reply *replies = attrib_read_replies(gr->events, &n, &r->faults_fired);
	char why[256];
	struct jv *s = jv_parse_file(gr->stats, why, sizeof(why));

	free(replies);
	r->attrib.emitted = n;
	if (!n)
		r->attrib.kernel = r->estale_total;
	else
		r->attrib.unattributed = r->estale_total;
	r->attrib.masked = n > r->estale_total ? n - r->estale_total : 0;
	snprintf(r->effective_mode, sizeof(r->effective_mode), "%s",
		 jv_str(jv_path(s, "inode_mode.effective"), "?"));
	snprintf(r->mode_reason, sizeof(r->mode_reason), "%s",
		 jv_str(jv_path(s, "inode_mode.reason"), s ? "?" : why));
	jv_free(s);
}

/* The runner's exit code (77 cannot run, 124 time, 0/1 ran), the guest's
 * workload JSON and the daemon's log. */
static void guest_read_result(struct guest_run *gr, int status)
{
	struct run_result *r = gr->r;
	struct run_rep *rr = &r->rep[0];
	struct vlog_counts v;
	char why[400];
	struct jv *w;
	char *text;

	rr->seed = gr->c->seed;
	rr->exit = proc_exit_code(status);
	textfile_last_line(gr->rerr, why, sizeof(why));
	if (rr->exit == 77) {
		guest_over(gr, RUN_CANNOT, "%s", why);
		return;
	}
	if (rr->exit == 124) {
		guest_over(gr, RUN_TIMEOUT, "%s", why);
		return;
	}
	if (rr->exit != 0 && rr->exit != 1) {
		guest_over(gr, RUN_ERROR, "the guest runner exited %d: %s", rr->exit, why);
		return;
	}
	w = jv_parse_file(gr->wl, why, sizeof(why));
	if (!w) {
		guest_over(gr, RUN_ERROR, "the guest's result: %s", why);
	} else {
		run_add_workload(r, rr, w);
		r->reps_ran = 1;
		jv_free(w);
	}
	if (gr->g->daemon) {
		guest_attribute_ours(gr);
		return;
	}
	text = textfile_read(gr->vlog, NULL);
	if (text && vlog_count_text(text, &v) == 0)
		guest_attribute(gr, &v);
	free(text);
}

int guest_run_cell(const struct cell *c, const struct guest_opts *g, struct run_result *r,
		   char *err, size_t errlen)
{
	struct guest_run gr = { .c = c, .g = g, .r = r, .t0 = mono_seconds() };
	int status = 0, ret;

	gr.limit = g->timeout ? g->timeout : (c->count ? 600 : c->seconds + 120);
	snprintf(gr.penv, sizeof(gr.penv), "%s", g->paths_env ? g->paths_env : "");
	memset(r, 0, sizeof(*r));
	json_origin_now(&r->origin);
	r->rep = calloc(1, sizeof(*r->rep));
	if (!r->rep) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (g->daemon && guest_check_cell_ours(c, r->reason, sizeof(r->reason)) < 0) {
		r->status = RUN_CANNOT;
		goto out_judge;
	}
	guest_find_runner(&gr);
	if (!gr.over)
		guest_pick_workload(&gr);
	if (gr.over)
		goto out_judge;
	ret = guest_make_dir(&gr, err, errlen);
	if (ret < 0)
		return ret;
	if (gr.over)
		goto out_remove_dir;
	ret = guest_write_wrapper(&gr, err, errlen);
	if (ret < 0)
		goto out_fail;
	if (gr.over)
		goto out_remove_dir;
	guest_build_argv(&gr);
	guest_start_churn(&gr);
	ret = guest_wait(&gr, &status, err, errlen);
	if (ret < 0)
		goto out_fail;
	if (!gr.over)
		guest_read_result(&gr, status);
out_remove_dir:
	if (gr.churn > 0)
		proc_stop(gr.churn, 1.0);
	r->duration_s = mono_seconds() - gr.t0;
	if (g->keep)
		scratch_keep(gr.dir);
	else
		scratch_remove(gr.dir);
out_judge:
	run_judge(c, r);
	return 0;
out_fail:
	if (gr.churn > 0)
		proc_stop(gr.churn, 1.0);
	scratch_remove(gr.dir);
	return ret;
}
