// SPDX-License-Identifier: GPL-2.0-or-later
/* Running one cell; see run.h. */
#include "run.h"
#include "clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cellline.h"
#include "counts.h"
#include "exitcode.h"
#include "jsonv.h"
#include "memcg.h"
#include "mountinfo.h"
#include "proc.h"
#include "scratch.h"
#include "textfile.h"
#include "trace.h"
#include "tree.h"

#define MOUNT_WAIT_S 10.0
#define STOP_GRACE_S 5.0

#define RUN_GUESTS 2
#define SQUEEZE_S 0.1	/* how often memory pressure lowers the readers' limit */

/* One daemon and the readers of its mount (a guest). The second one, with
 * --second-daemon, serves the same storage: a second VM test on one host. */
struct guest {
	char mnt[PATH_MAX], events[PATH_MAX], stats[PATH_MAX], log[PATH_MAX], wl_json[PATH_MAX],
	     wl_err[PATH_MAX], sock[PATH_MAX];
	pid_t daemon, workload;
	int exit;		/* the workload's exit code, -1 before it ended */
};

/* One repetition's places and children. */
struct rep {
	char dir[2048];		/* the cell's work dir */
	char backing[PATH_MAX], host_events[PATH_MAX], churn_err[PATH_MAX];
	struct guest g[RUN_GUESTS];
	unsigned int ng;	/* guests in this cell: 1, or 2 with --second-daemon */
	pid_t churn;
	struct memcg mem;	/* --memory-pressure: the readers' group */
	bool tree_ready;	/* the backing tree is pristine and can be reused */
	struct trace trace;
};

static void set_status(struct run_result *r, enum run_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_status(struct run_result *r, enum run_status s, const char *fmt, ...)
{
	va_list ap;

	if (r->status != RUN_RAN)	/* the first reason stays */
		return;
	r->status = s;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

static int make_tree(const struct cell *c, struct rep *x, char *err, size_t errlen)
{
	struct tree_params p;
	struct tree_summary s;

	scratch_remove(x->backing);
	tree_params_default(&p);
	p.objects = c->objects;
	p.max_links = c->max_links;
	p.seed = c->seed;
	p.twins = c->dir_move_every > 0 ? 2 : 0;	/* directories the host moves */
	if (tree_generate(x->backing, &p, &s, err, errlen) < 0)
		return -EIO;
	return 0;
}

/* Does the cell change the tree? Then each repetition gets a fresh one. */
static bool mutates(const struct cell *c)
{
	return cell_host_changes(c) || c->nrules || strcmp(c->profile, "none") != 0 ||
	       strcmp(c->workload, "ostree") == 0;
}

static int start_daemon(const struct cell *c, struct rep *x, struct guest *g,
			struct run_result *r)
{
	char *argv[64], mode[48], cache[32], shared[PATH_MAX + 16], ev[PATH_MAX + 16],
	     st[PATH_MAX + 16], ctl[PATH_MAX + 16], prof[200], inj[CELL_MAX_RULES][4200],
	     ver[40], nofile[40];
	int n = 0, status;
	double t0 = mono_seconds();

	snprintf(mode, sizeof(mode), "--inode-file-handles=%s", c->mode);
	snprintf(cache, sizeof(cache), "--cache=%s", c->cache);
	snprintf(shared, sizeof(shared), "--shared-dir=%s", x->backing);
	snprintf(ev, sizeof(ev), "--events=%s", g->events);
	snprintf(st, sizeof(st), "--stats=%s", g->stats);
	snprintf(ctl, sizeof(ctl), "--control=%s", g->sock);
	argv[n++] = "stalefs";
	argv[n++] = "mount";
	argv[n++] = "-f";
	argv[n++] = shared;
	argv[n++] = mode;
	argv[n++] = cache;
	argv[n++] = ev;
	argv[n++] = st;
	argv[n++] = ctl;
	snprintf(ver, sizeof(ver), "--virtiofsd-version=%s", c->version);
	argv[n++] = ver;
	if (c->rlimit_nofile >= 0) {
		snprintf(nofile, sizeof(nofile), "--rlimit-nofile=%lld", (long long)c->rlimit_nofile);
		argv[n++] = nofile;
	}
	if (strcmp(c->privilege, "unprivileged") == 0)
		argv[n++] = "--unprivileged";
	else if (strcmp(c->privilege, "userns") == 0)
		argv[n++] = "--userns";
	if (c->xattr)
		argv[n++] = "--xattr";
	if (c->readonly)
		argv[n++] = "--readonly";
	if (strcmp(c->profile, "none") != 0) {
		snprintf(prof, sizeof(prof), "--profile=%s", c->profile);
		argv[n++] = prof;
	}
	for (int i = 0; i < c->nrules; i++) {
		snprintf(inj[i], sizeof(inj[i]), "--inject=%s", c->rules[i]);
		argv[n++] = inj[i];
	}
	argv[n++] = g->mnt;
	argv[n] = NULL;
	unlink(g->events);
	unlink(g->stats);
	g->daemon = proc_spawn(argv, g->log, g->log, SIGTERM);
	if (g->daemon < 0) {
		set_status(r, RUN_ERROR, "starting the daemon: %s", strerror(-g->daemon));
		g->daemon = 0;
		return -1;
	}
	while (!mountinfo_is_mount(g->mnt)) {
		if (proc_wait(g->daemon, 0.01, &status) == 0) {
			char why[400];
			int code = proc_exit_code(status);

			g->daemon = 0;
			textfile_last_line(g->log, why, sizeof(why));
			/* Exit 77 at start: this machine or privilege cannot run the mode;
			 * anything else (exit 2: the command line we built) is our error. */
			set_status(r, code == EXIT_CANNOT_RUN ? RUN_CANNOT : RUN_ERROR,
				   "the daemon did not start (exit %d): %s", code, why);
			return -1;
		}
		if (proc_interrupted) {
			set_status(r, RUN_INTERRUPTED, "interrupted");
			return -1;
		}
		if (mono_seconds() - t0 > MOUNT_WAIT_S) {
			set_status(r, RUN_ERROR, "no mount after %.0f s", MOUNT_WAIT_S);
			return -1;
		}
	}
	return 0;
}

static int start_workload(const struct cell *c, struct rep *x, struct guest *g, uint64_t seed,
			  struct run_result *r)
{
	char *argv[40], threads[16], amount[32], sd[32], drop[16], manifest[PATH_MAX + 32],
	     objects[32], rounds[16];
	int n = 0;

	snprintf(threads, sizeof(threads), "%u", c->threads);
	snprintf(sd, sizeof(sd), "%llu", (unsigned long long)seed);
	snprintf(manifest, sizeof(manifest), "%s/%s", x->backing, TREE_MANIFEST);
	if (c->count)
		snprintf(amount, sizeof(amount), "%llu", (unsigned long long)c->count);
	else
		snprintf(amount, sizeof(amount), "%.3f", c->seconds);
	argv[n++] = "stalefs";
	argv[n++] = "workload";
	argv[n++] = (char *)c->workload;
	argv[n++] = "--root";
	argv[n++] = g->mnt;
	argv[n++] = "--seed";
	argv[n++] = sd;
	argv[n++] = "--json";
	argv[n++] = g->wl_json;
	if (strcmp(c->workload, "ostree") == 0) {
		snprintf(objects, sizeof(objects), "%llu", (unsigned long long)c->objects);
		argv[n++] = "--objects";
		argv[n++] = objects;
		argv[n++] = "--mode";
		argv[n++] = c->xattr ? "bare-user" : "bare-user-only";
		argv[n++] = "--force";
		snprintf(rounds, sizeof(rounds), "%u", c->rounds);
		argv[n++] = "--rounds";
		argv[n++] = rounds;
	} else {
		argv[n++] = "--manifest";
		argv[n++] = manifest;
		argv[n++] = "--threads";
		argv[n++] = threads;
		argv[n++] = c->count ? "--count" : "--seconds";
		argv[n++] = amount;
	}
	if (c->overlay)
		argv[n++] = "--overlay";
	if (c->two_path)
		argv[n++] = "--two-path";
	if (c->drop_caches_ms) {
		snprintf(drop, sizeof(drop), "%u", c->drop_caches_ms);
		argv[n++] = "--drop-caches-ms";
		argv[n++] = drop;
	}
	argv[n] = NULL;
	unlink(g->wl_json);
	g->workload = proc_spawn(argv, NULL, g->wl_err, SIGKILL);
	if (g->workload < 0) {
		set_status(r, RUN_ERROR, "starting the workload: %s", strerror(-g->workload));
		g->workload = 0;
		return -1;
	}
	g->exit = -1;
	if (x->mem.dir[0] && memcg_add(&x->mem, g->workload) < 0) {
		set_status(r, RUN_ERROR, "moving the readers into %s: %s", x->mem.dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int start_churn(const struct cell *c, struct rep *x, uint64_t seed, struct run_result *r)
{
	char *argv[24], sd[32], secs[32], every[32], dirs[32], subm[32], podm[32];
	int n = 0;

	snprintf(sd, sizeof(sd), "%llu", (unsigned long long)seed);
	/* It runs until the workload ends (stopped then). */
	snprintf(secs, sizeof(secs), "%.3f", c->count ? 86400.0 : c->seconds + 5);
	argv[n++] = "stalefs";
	argv[n++] = "workload";
	argv[n++] = "churn";
	argv[n++] = "--root";
	argv[n++] = x->backing;
	argv[n++] = "--seconds";
	argv[n++] = secs;
	argv[n++] = "--seed";
	argv[n++] = sd;
	if (c->layer_every > 0) {
		snprintf(every, sizeof(every), "%.3f", c->layer_every);
		argv[n++] = "--layer-every";
		argv[n++] = every;
	}
	if (c->dir_move_every > 0) {
		snprintf(dirs, sizeof(dirs), "%.3f", c->dir_move_every);
		argv[n++] = "--dir-move-every";
		argv[n++] = dirs;
	}
	if (c->submount_every > 0) {
		snprintf(subm, sizeof(subm), "%.3f", c->submount_every);
		argv[n++] = "--submount-every";
		argv[n++] = subm;
	}
	if (c->podman_every > 0) {
		snprintf(podm, sizeof(podm), "%.3f", c->podman_every);
		argv[n++] = "--podman-every";
		argv[n++] = podm;
	}
	if (!c->churn)	/* only the actors asked for, no name churn */
		argv[n++] = "--no-names";
	argv[n++] = "--events";
	argv[n++] = x->host_events;
	argv[n] = NULL;
	unlink(x->host_events);
	/* SIGTERM: a killed harness still has churn take its submounts down. */
	x->churn = proc_spawn(argv, NULL, x->churn_err, SIGTERM);
	if (x->churn < 0) {
		set_status(r, RUN_ERROR, "starting the host churn: %s", strerror(-x->churn));
		x->churn = 0;
		return -1;
	}
	return 0;
}

/* Stop whatever still runs and unmount. Safe to call twice. */
static void teardown(struct rep *x)
{
	for (unsigned int k = 0; k < RUN_GUESTS; k++)
		if (x->g[k].workload)
			proc_stop(x->g[k].workload, 1.0);
	if (x->churn)
		proc_stop(x->churn, 2.0);
	x->churn = 0;
	for (unsigned int k = 0; k < RUN_GUESTS; k++) {
		struct guest *g = &x->g[k];

		if (g->daemon)
			proc_stop(g->daemon, STOP_GRACE_S);
		g->workload = g->daemon = 0;
		if (!g->mnt[0])
			continue;
		for (int i = 0; i < 100 && mountinfo_is_mount(g->mnt); i++)
			usleep(10000);
		if (mountinfo_is_mount(g->mnt))
			umount2(g->mnt, MNT_DETACH);
	}
	memcg_destroy(&x->mem);
}

/* Fold one repetition's workload result into the cell's; its events and
 * the daemon's replies into the attribution. */
static void collect(const struct cell *c, struct rep *x, struct guest *g, struct run_result *r,
		    struct run_rep *rr)
{
	char err[256];
	struct jv *w = jv_parse_file(g->wl_json, err, sizeof(err));
	const struct jv *ev = jv_get(w, "estale"), *bk = jv_get(w, "estale_buckets");
	struct attrib_reply *replies;
	struct attrib_seen *seen = NULL;
	struct chain_in in;
	struct chains ch;
	struct attrib a;
	size_t nreplies = 0, nseen = 0;

	if (!w)
		return;
	run_add_workload(r, rr, w);
	replies = attrib_read_replies(g->events, &nreplies, &r->faults_fired);
	if (ev && ev->type == JV_ARR && ev->n)
		seen = calloc(ev->n, sizeof(*seen));
	for (size_t i = 0; seen && i < ev->n; i++) {
		seen[nseen].t_ns = jv_u64(jv_get(&ev->items[i], "t_ns"), 0);
		seen[nseen].start_ns = jv_u64(jv_get(&ev->items[i], "start_ns"), 0);
		seen[nseen].tid = jv_u64(jv_get(&ev->items[i], "tid"), 0);
		nseen++;
	}
	attrib_weigh(seen, nseen, ev, bk);
	attrib_join(&a, replies, nreplies, seen, nseen, rr->estale);
	attrib_add(&r->attrib, &a);
	if (chain_load(&in, g->events, cell_host_changes(c) ? x->host_events : NULL) == 0) {
		uint64_t *weight = nseen ? calloc(nseen, sizeof(*weight)) : NULL;

		for (size_t i = 0; weight && i < nseen; i++)
			weight[i] = seen[i].weight;
		in.overlay = c->overlay;
		chain_explain(&ch, &in, ev, weight, rr->estale);
		chains_add(&r->chains, &ch);
		free(weight);
	}
	chain_in_free(&in);
	free(replies);
	free(seen);
	jv_free(w);
}

static void read_stats(struct guest *g, struct run_result *r)
{
	char err[256];
	struct jv *s = jv_parse_file(g->stats, err, sizeof(err));

	if (!s)
		return;
	snprintf(r->effective_mode, sizeof(r->effective_mode), "%s",
		 jv_str(jv_path(s, "inode_mode.effective"), ""));
	snprintf(r->mode_reason, sizeof(r->mode_reason), "%s",
		 jv_str(jv_path(s, "inode_mode.reason"), ""));
	jv_free(s);
}

/* Wait for every guest's workload, squeezing the readers' memory meanwhile.
 * 0, -ETIMEDOUT or -EINTR. */
static int wait_workloads(const struct cell *c, struct rep *x, double limit)
{
	double t0 = mono_seconds();

	for (;;) {
		bool running = false;

		for (unsigned int k = 0; k < x->ng; k++) {
			struct guest *g = &x->g[k];
			int status, code;

			if (!g->workload)
				continue;
			code = proc_wait(g->workload, 0.001, &status);
			if (code == -EINTR)
				return -EINTR;
			if (code == 0) {
				g->workload = 0;
				g->exit = proc_exit_code(status);
			} else {
				running = true;
			}
		}
		if (!running)
			return 0;
		if (mono_seconds() - t0 > limit)
			return -ETIMEDOUT;
		if (c->memory_pct)
			memcg_squeeze(&x->mem, c->memory_pct);
		/* The first guest's workload paces the wait. */
		for (unsigned int k = 0; k < x->ng; k++)
			if (x->g[k].workload) {
				int status, code = proc_wait(x->g[k].workload, SQUEEZE_S, &status);

				if (code == -EINTR)
					return -EINTR;
				if (code == 0) {
					x->g[k].workload = 0;
					x->g[k].exit = proc_exit_code(status);
				}
				break;
			}
	}
}

static int one_rep(const struct cell *c, const struct run_opts *o, struct rep *x, unsigned int i,
		   struct run_result *r)
{
	struct run_rep *rr = &r->rep[r->reps_ran];
	double t0 = mono_seconds(), t_work, t_end, limit = c->timeout ? c->timeout
				       : (c->count ? 600 : c->seconds + 60);
	char err[512];
	int status, code;
	bool cut = false;	/* limit is what is left of o->deadline */

	memset(rr, 0, sizeof(*rr));
	rr->seed = c->seed + i;
	rr->exit = -1;
	for (unsigned int k = 0; k < RUN_GUESTS; k++)
		x->g[k].exit = -1;
	if (!o->tree && (!x->tree_ready || mutates(c))) {
		if (make_tree(c, x, err, sizeof(err)) < 0) {
			set_status(r, RUN_ERROR, "generating the tree: %s", err);
			return -1;
		}
		x->tree_ready = true;
	}
	if (o->trace >= 0 && trace_start(&x->trace, r->trace_why, sizeof(r->trace_why)) == 0)
		r->traced = true;
	else if (o->trace > 0) {
		set_status(r, RUN_CANNOT, "--trace on: %s", r->trace_why);
		return -1;
	}
	for (unsigned int k = 0; k < x->ng; k++)
		if (start_daemon(c, x, &x->g[k], r) < 0)
			goto out;
	if (cell_host_changes(c) && start_churn(c, x, rr->seed, r) < 0)
		goto out;
	if (c->memory_pct && (code = memcg_create(&x->mem, 1u << 20, err, sizeof(err))) < 0) {
		set_status(r, code == -ENOTSUP ? RUN_CANNOT : RUN_ERROR, "memory pressure: %s", err);
		goto out;
	}
	/* The second guest reads with its own seed: two VM tests are not in step. */
	for (unsigned int k = 0; k < x->ng; k++)
		if (start_workload(c, x, &x->g[k], rr->seed + k * 1000003, r) < 0)
			goto out;
	t_work = mono_seconds();
	r->setup_s += t_work - t0;
	if (o->deadline && o->deadline - t_work < limit) {
		limit = o->deadline - t_work > 0.001 ? o->deadline - t_work : 0.001;
		cut = true;
	}
	code = wait_workloads(c, x, limit);
	if (x->mem.dir[0]) {
		r->mem_hits += memcg_hits(&x->mem);
		r->mem_squeezes += x->mem.squeezes;
		r->mem_reclaimed += x->mem.reclaimed;
		if (x->mem.peak > r->mem_peak)
			r->mem_peak = x->mem.peak;
	}
	if (code == -ETIMEDOUT && cut) {
		set_status(r, RUN_TIMEOUT, "the time limit ran out during this cell, %.1f s into it",
			   mono_seconds() - t0);
		goto out;
	}
	if (code == -ETIMEDOUT) {
		set_status(r, RUN_TIMEOUT, "the workload ran over %.0f s", limit);
		goto out;
	}
	if (code == -EINTR) {
		set_status(r, RUN_INTERRUPTED, "interrupted");
		goto out;
	}
	rr->exit = x->g[0].exit;
	if (x->churn && proc_wait(x->churn, 0.001, &status) == 0) {
		/* The churn ends only when stopped: ending first means it failed. */
		x->churn = 0;
		textfile_last_line(x->churn_err, err, sizeof(err));
		set_status(r, proc_exit_code(status) == 77 ? RUN_CANNOT : RUN_ERROR,
			   "the host churn ended during the workload (exit %d): %s",
			   proc_exit_code(status), err);
	}
	for (unsigned int k = 0; k < x->ng; k++) {
		struct guest *g = &x->g[k];

		if (proc_wait(g->daemon, 0.001, &status) == 0) {
			g->daemon = 0;
			set_status(r, RUN_ERROR, "daemon %u ended during the workload (exit %d)", k + 1,
				   proc_exit_code(status));
		}
		if (g->exit == 77) {
			textfile_last_line(g->wl_err, err, sizeof(err));
			set_status(r, RUN_CANNOT, "the workload cannot run here: %s", err);
			goto out;
		}
		if (g->exit != 0 && g->exit != 1) {
			textfile_last_line(g->wl_err, err, sizeof(err));
			set_status(r, RUN_ERROR, "the workload exited %d: %s", g->exit, err);
			goto out;
		}
		if (g->exit == 1)
			rr->exit = 1;
	}
out:
	t_end = mono_seconds();
	teardown(x);
	if (x->trace.dir[0]) {
		struct trace_counts tc;

		if (trace_stop(&x->trace, &tc) == 0) {
			r->emitted_trace += tc.estale;
			r->trace_lost += tc.lost;
		}
	}
	if (rr->exit == 0 || rr->exit == 1) {
		read_stats(&x->g[0], r);
		collect(c, x, &x->g[0], r, rr);
		for (unsigned int k = 1; k < x->ng; k++) {
			struct run_rep more = { 0 };

			collect(c, x, &x->g[k], r, &more);
			rr->estale += more.estale;
			rr->errors += more.errors;
			rr->mismatches += more.mismatches;
		}
		r->reps_ran++;
	}
	r->teardown_s += mono_seconds() - t_end;
	return r->status == RUN_RAN ? 0 : -1;
}

int run_can_mount(const char *cmd)
{
	int fd;

	if (geteuid() != 0) {
		fprintf(stderr, "%s: cannot run here: its cells mount, which needs root (run it as root; "
			"`stalefs doctor` says what this machine can run)\n", cmd);
		return EXIT_CANNOT_RUN;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot run here: /dev/fuse: %s (modprobe fuse; a container needs "
			"--device /dev/fuse; `stalefs doctor` says more)\n", cmd, strerror(errno));
		return EXIT_CANNOT_RUN;
	}
	close(fd);
	return 0;
}

int run_cell(const struct cell *c, const struct run_opts *o, struct run_result *r,
	     char *err, size_t errlen)
{
	struct rep x = { 0 };
	double t0 = mono_seconds();
	const char *tmp = getenv("TMPDIR");
	int ret;

	memset(r, 0, sizeof(*r));
	json_origin_now(&r->origin);
	r->rep = calloc(c->reps, sizeof(*r->rep));
	if (!r->rep) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* --workdir DIR: the parent of the run's own dir, never removed itself. */
	if (o->workdir && mkdir(o->workdir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "work dir %s: %s", o->workdir, strerror(errno));
		ret = -errno;
		goto out_rep;
	}
	ret = scratch_make(o->workdir, "stalefs-run", x.dir, sizeof(x.dir));
	if (ret < 0) {
		snprintf(err, errlen, "a work dir under %s: %s",
			 o->workdir ? o->workdir : tmp && *tmp ? tmp : "/tmp", strerror(-ret));
		goto out_rep;
	}
	/* Other users (an unprivileged daemon's creds) must reach the mount. */
	chmod(x.dir, 0755);
	if (o->tree) {
		if (!realpath(o->tree, x.backing)) {
			snprintf(err, errlen, "tree %s: %s", o->tree, strerror(errno));
			ret = -errno;
			scratch_remove(x.dir);
			goto out_rep;
		}
	} else {
		snprintf(x.backing, sizeof(x.backing), "%s/backing", x.dir);
	}
	snprintf(x.host_events, sizeof(x.host_events), "%s/host-events.jsonl", x.dir);
	snprintf(x.churn_err, sizeof(x.churn_err), "%s/churn.err", x.dir);
	x.ng = c->second_daemon ? 2 : 1;
	for (unsigned int k = 0; k < x.ng; k++) {
		struct guest *g = &x.g[k];
		/* The first guest's files keep their names; the second's get a "2". */
		const char *n = k ? "2" : "";
		char dir[sizeof(x.dir)];

		memcpy(dir, x.dir, sizeof(dir));

		snprintf(g->mnt, sizeof(g->mnt), "%s/mnt%s", dir, n);
		snprintf(g->events, sizeof(g->events), "%s/events%s.jsonl", dir, n);
		snprintf(g->stats, sizeof(g->stats), "%s/stats%s.json", dir, n);
		snprintf(g->log, sizeof(g->log), "%s/daemon%s.log", dir, n);
		snprintf(g->wl_json, sizeof(g->wl_json), "%s/workload%s.json", dir, n);
		snprintf(g->wl_err, sizeof(g->wl_err), "%s/workload%s.err", dir, n);
		snprintf(g->sock, sizeof(g->sock), "%s/ctl%s.sock", dir, n);
		mkdir(g->mnt, 0755);
	}
	/* The kernel's messages from here on: when it cannot read them, the
	 * line says why (kmsg.read false). */
	r->kmsg = calloc(1, sizeof(*r->kmsg));
	if (r->kmsg)
		kmsg_open(r->kmsg, KMSG_ALL);
	for (unsigned int i = 0; i < c->reps && !proc_interrupted; i++) {
		if (one_rep(c, o, &x, i, r) < 0)
			break;
		if (!o->quiet)
			fprintf(stderr, "stalefs run: rep %u/%u seed %llu: exit %d, %llu ESTALE\n", i + 1,
				c->reps, (unsigned long long)r->rep[r->reps_ran - 1].seed,
				r->rep[r->reps_ran - 1].exit,
				(unsigned long long)r->rep[r->reps_ran - 1].estale);
		if (c->until_estale && r->rep[r->reps_ran - 1].estale)
			break;
	}
	if (proc_interrupted)
		set_status(r, RUN_INTERRUPTED, "interrupted");
	teardown(&x);
	if (r->kmsg) {
		kmsg_collect(r->kmsg);
		kmsg_close(r->kmsg);
	}
	if (o->keep) {
		scratch_keep(x.dir);
		fprintf(stderr, "stalefs run: kept %s\n", x.dir);
	} else if (o->tree) {	/* only our own files: the tree is the caller's */
		for (unsigned int k = 0; k < x.ng; k++) {
			struct guest *g = &x.g[k];
			const char *mine[] = { g->events, g->stats, g->log, g->wl_json, g->wl_err, g->sock };

			for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
				unlink(mine[i]);
			rmdir(g->mnt);
		}
		unlink(x.host_events);
		unlink(x.churn_err);
		scratch_keep(x.dir);	/* the pid file */
		rmdir(x.dir);
	} else {
		scratch_remove(x.dir);
	}
	r->duration_s = mono_seconds() - t0;
	run_judge(c, r);
	return 0;
out_rep:
	free(r->rep);
	r->rep = NULL;
	return ret;
}

void run_result_json(const struct cell *c, const struct run_result *r, FILE *f)
{
	cell_line_write(c, r, NULL, f);
}

void run_result_json_as(const struct cell *c, const struct run_result *r, const char *backend,
			FILE *f)
{
	cell_line_write(c, r, backend, f);
}
