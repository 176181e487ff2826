// SPDX-License-Identifier: GPL-2.0-or-later
/* The same cell against the real virtiofsd in a QEMU guest; see compare.h. */
#include "compare.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "build_config.h"
#include "counts.h"
#include "json.h"
#include "jsonv.h"
#include "proc.h"
#include "report.h"
#include "scratch.h"
#include "textfile.h"
#include "tree.h"

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

/* Map unique -> opcode name while reading the log. */
struct pending {
	uint64_t unique;
	char op[24];
};

int vlog_count_text(const char *text, struct vlog_counts *v)
{
	enum { SLOTS = 1 << 16 };
	struct pending *p = calloc(SLOTS, sizeof(*p));
	const char *line = text;

	memset(v, 0, sizeof(*v));
	if (!p)
		return -ENOMEM;
	while (*line) {
		const char *eol = strchrnul(line, '\n'), *q;
		char buf[600], op[24];
		unsigned long long u;
		int e;
		size_t n = eol - line < (long)sizeof(buf) - 1 ? (size_t)(eol - line) : sizeof(buf) - 1;

		memcpy(buf, line, n);
		buf[n] = '\0';
		line = *eol ? eol + 1 : eol;
		if ((q = strstr(buf, "Received request: opcode="))) {
			const char *uq = strstr(q, "unique=");

			if (sscanf(q, "Received request: opcode=%23[A-Za-z0-9_]", op) == 1 && uq &&
			    sscanf(uq, "unique=%llu", &u) == 1) {
				v->requests++;
				p[u % SLOTS].unique = u;
				snprintf(p[u % SLOTS].op, sizeof(p[0].op), "%s", op);
			}
		} else if ((q = strstr(buf, "Replying "))) {
			const char *eq = strstr(q, "error: "), *uq = strstr(q, "unique: ");

			if (!eq || !uq || sscanf(eq, "error: %d", &e) != 1 ||
			    sscanf(uq, "unique: %llu", &u) != 1)
				continue;
			v->replies++;
			if (!e)
				continue;
			v->errors++;
			v->by_errno[-e > 0 && -e < 256 ? -e : 0]++;
			if (-e == ESTALE) {
				const char *name = p[u % SLOTS].unique == u ? p[u % SLOTS].op : "?";
				int k;

				for (k = 0; k < 64 && v->estale_op_names[k][0] &&
					    strcmp(v->estale_op_names[k], name); k++)
					;
				if (k < 64) {
					snprintf(v->estale_op_names[k], sizeof(v->estale_op_names[k]), "%s", name);
					v->estale_by_op[k]++;
				}
			}
		} else if (strstr(buf, "disabling file handles")) {
			v->handles_disabled = 1;
		}
	}
	free(p);
	return 0;
}

/* "virtiofsd=/path" from paths.env. */
static int env_value(const char *file, const char *key, char *out, size_t len)
{
	char line[PATH_MAX + 64];
	size_t k = strlen(key);
	FILE *f = fopen(file, "re");

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, key, k) == 0 && line[k] == '=') {
			snprintf(out, len, "%.*s", (int)(len - 1), line + k + 1);
			fclose(f);
			return 0;
		}
	}
	if (f)
		fclose(f);
	return -ENOENT;
}

int guest_run_cell(const struct cell *c, const struct guest_opts *g, struct run_result *r,
		   char *err, size_t errlen)
{
	char dir[PATH_MAX - 64], backing[PATH_MAX], wl[PATH_MAX], vlog[PATH_MAX], rerr[PATH_MAX],
	     wrapper[PATH_MAX], runner[PATH_MAX], vfsd[PATH_MAX], penv[PATH_MAX], why[400];
	char threads[16], amount[32], sd[32], drop[16], tmo[32], secs[32], every[32];
	const char *tmp = getenv("TMPDIR");
	char *argv[64];
	struct tree_params tp;
	struct tree_summary ts;
	struct run_rep *rr;
	pid_t churn = 0, pid;
	double t0 = counts_now(), limit = g->timeout ? g->timeout
				   : (c->count ? 600 : c->seconds + 120);
	int n = 0, status, code;

	memset(r, 0, sizeof(*r));
	r->rep = calloc(1, sizeof(*r->rep));
	if (!r->rep) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rr = &r->rep[0];
	snprintf(runner, sizeof(runner), "%s", g->runner ? g->runner
		 : STALEFS_SRC_GUEST "/stalefs-guest.sh");
	if (access(runner, R_OK) < 0) {
		r->status = RUN_CANNOT;
		snprintf(r->reason, sizeof(r->reason), "no guest runner at %.400s", runner);
		goto judge;
	}
	code = scratch_make(NULL, "stalefs-compare", dir, sizeof(dir));
	if (code < 0) {
		snprintf(err, errlen, "a work dir under %s: %s", tmp && *tmp ? tmp : "/tmp",
			 strerror(-code));
		return code;
	}
	chmod(dir, 0755);
	snprintf(backing, sizeof(backing), "%s/backing", dir);
	snprintf(wl, sizeof(wl), "%s/workload.json", dir);
	snprintf(vlog, sizeof(vlog), "%s/virtiofsd.log", dir);
	snprintf(rerr, sizeof(rerr), "%s/runner.err", dir);
	tree_params_default(&tp);
	tp.objects = c->objects;
	tp.max_links = c->max_links;
	tp.seed = c->seed;
	if (tree_generate(backing, &tp, &ts, why, sizeof(why)) < 0) {
		r->status = RUN_ERROR;
		snprintf(r->reason, sizeof(r->reason), "generating the tree: %s", why);
		goto out;
	}
	snprintf(penv, sizeof(penv), "%s", g->paths_env ? g->paths_env : "");
	argv[n++] = "bash";
	argv[n++] = runner;
	argv[n++] = "--shared-dir";
	argv[n++] = backing;
	argv[n++] = "--mode";
	argv[n++] = (char *)c->mode;
	argv[n++] = "--cache";
	argv[n++] = (char *)c->cache;
	argv[n++] = "--privilege";
	argv[n++] = strcmp(c->privilege, "userns") == 0 ? "userns" : "root";
	if (strcmp(c->privilege, "unprivileged") == 0) {
		/* Root without CAP_DAC_READ_SEARCH, like `stalefs mount --unprivileged`. */
		FILE *f;

		if (env_value(penv[0] ? penv : "/var/cache/stalefs-compare/paths.env", "virtiofsd",
			      vfsd, sizeof(vfsd)) < 0) {
			r->status = RUN_CANNOT;
			snprintf(r->reason, sizeof(r->reason), "no virtiofsd in paths.env "
				 "(run ci/compare-setup.sh)");
			goto out;
		}
		snprintf(wrapper, sizeof(wrapper), "%s/virtiofsd-unprivileged", dir);
		f = fopen(wrapper, "we");
		if (!f) {
			snprintf(err, errlen, "%s: %s", wrapper, strerror(errno));
			return -errno;
		}
		fprintf(f, "#!/bin/sh\nexec setpriv --inh-caps=-dac_read_search "
			"--bounding-set=-dac_read_search '%s' \"$@\"\n", vfsd);
		fclose(f);
		chmod(wrapper, 0755);
		argv[n++] = "--virtiofsd";
		argv[n++] = wrapper;
	}
	if (c->xattr)
		argv[n++] = "--xattr";
	if (g->workload_bin) {
		argv[n++] = "--workload-bin";
		argv[n++] = (char *)g->workload_bin;
	}
	if (penv[0]) {
		argv[n++] = "--paths-env";
		argv[n++] = penv;
	}
	snprintf(tmo, sizeof(tmo), "%.0f", limit);
	argv[n++] = "--timeout";
	argv[n++] = tmo;
	argv[n++] = "--out";
	argv[n++] = wl;
	argv[n++] = "--log";
	argv[n++] = vlog;
	argv[n++] = "--";
	argv[n++] = (char *)c->workload;
	argv[n++] = "--root";
	argv[n++] = "/mnt";
	argv[n++] = "--manifest";
	argv[n++] = "/mnt/" TREE_MANIFEST;
	snprintf(threads, sizeof(threads), "%u", c->threads);
	argv[n++] = "--threads";
	argv[n++] = threads;
	if (c->count)
		snprintf(amount, sizeof(amount), "%llu", (unsigned long long)c->count);
	else
		snprintf(amount, sizeof(amount), "%.3f", c->seconds);
	argv[n++] = c->count ? "--count" : "--seconds";
	argv[n++] = amount;
	snprintf(sd, sizeof(sd), "%llu", (unsigned long long)c->seed);
	argv[n++] = "--seed";
	argv[n++] = sd;
	argv[n++] = "--json";
	argv[n++] = "/out.json";
	if (c->overlay)
		argv[n++] = "--overlay";
	if (c->drop_caches_ms) {
		snprintf(drop, sizeof(drop), "%u", c->drop_caches_ms);
		argv[n++] = "--drop-caches-ms";
		argv[n++] = drop;
	}
	argv[n] = NULL;
	if (c->churn) {
		char *cargv[16];
		int k = 0;

		/* The guest boots for a few seconds first: churn until it is done. */
		snprintf(secs, sizeof(secs), "%.0f", limit + 10);
		cargv[k++] = "stalefs";
		cargv[k++] = "workload";
		cargv[k++] = "churn";
		cargv[k++] = "--root";
		cargv[k++] = backing;
		cargv[k++] = "--seconds";
		cargv[k++] = secs;
		cargv[k++] = "--seed";
		cargv[k++] = sd;
		if (c->layer_every > 0) {
			snprintf(every, sizeof(every), "%.3f", c->layer_every);
			cargv[k++] = "--layer-every";
			cargv[k++] = every;
		}
		cargv[k] = NULL;
		churn = proc_spawn(cargv, NULL, NULL, SIGKILL);
	}
	r->setup_s = counts_now() - t0;
	pid = proc_spawn(argv, NULL, rerr, SIGTERM);
	if (pid < 0) {
		snprintf(err, errlen, "starting %s: %s", runner, strerror(-pid));
		code = pid;
		goto out_err;
	}
	code = proc_wait(pid, limit + 30, &status);
	if (code == -ETIMEDOUT || code == -EINTR) {
		proc_stop(pid, 10);
		r->status = code == -EINTR ? RUN_INTERRUPTED : RUN_TIMEOUT;
		snprintf(r->reason, sizeof(r->reason), "%s", code == -EINTR ? "interrupted"
			 : "the guest ran over its time");
		goto out;
	}
	rr->seed = c->seed;
	rr->exit = proc_exit_code(status);
	textfile_last_line(rerr, why, sizeof(why));
	if (rr->exit == 77) {
		r->status = RUN_CANNOT;
		snprintf(r->reason, sizeof(r->reason), "%s", why);
	} else if (rr->exit == 124) {
		r->status = RUN_TIMEOUT;
		snprintf(r->reason, sizeof(r->reason), "%s", why);
	} else if (rr->exit != 0 && rr->exit != 1) {
		r->status = RUN_ERROR;
		snprintf(r->reason, sizeof(r->reason), "the guest runner exited %d: %s", rr->exit, why);
	} else {
		struct jv *w = jv_parse_file(wl, why, sizeof(why));
		char *text = textfile_read(vlog, NULL);
		struct vlog_counts v;

		if (!w) {
			r->status = RUN_ERROR;
			snprintf(r->reason, sizeof(r->reason), "the guest's result: %s", why);
		} else {
			run_add_workload(r, rr, w);
			r->reps_ran = 1;
			jv_free(w);
		}
		if (text && vlog_count_text(text, &v) == 0) {
			r->attrib.emitted = v.by_errno[ESTALE];
			/* No tids to join across the VM: ESTALE with none sent was the
			 * guest kernel's; with some sent, it is not told apart. */
			if (!r->attrib.emitted)
				r->attrib.kernel = r->estale_total;
			else
				r->attrib.unattributed = r->estale_total;
			r->attrib.masked = r->attrib.emitted > r->estale_total
					   ? r->attrib.emitted - r->estale_total : 0;
			snprintf(r->effective_mode, sizeof(r->effective_mode), "%s",
				 v.handles_disabled ? "never"
				 : strcmp(c->mode, "fallback") == 0 ? "prefer" : c->mode);
			snprintf(r->mode_reason, sizeof(r->mode_reason), "%s", v.handles_disabled
				 ? "virtiofsd: file handles do not appear safe to use" : "requested");
		}
		free(text);
	}
out:
	if (churn > 0)
		proc_stop(churn, 1.0);
	r->duration_s = counts_now() - t0;
	r->work_s = r->work_s ? r->work_s : 0;
	if (g->keep)
		scratch_keep(dir);
	else
		scratch_remove(dir);
judge:
	run_judge(c, r);
	return 0;
out_err:
	if (churn > 0)
		proc_stop(churn, 1.0);
	scratch_remove(dir);
	return code;
}

int compare_agree(const struct compare_row *row, char *why, size_t len)
{
	const struct run_result *a = row->a, *b = row->b;
	static const char *const errs[] = { "EBADF", "EIO" };

	why[0] = '\0';
	if (a->status != RUN_RAN || b->status != RUN_RAN) {
		if (a->status == RUN_CANNOT && b->status == RUN_CANNOT) {
			snprintf(why, len, "neither runs this cell");
			return 1;
		}
		snprintf(why, len, "stalefs %s, virtiofsd %s", run_status_name(a->status),
			 run_status_name(b->status));
		return 0;
	}
	if (strcmp(a->effective_mode, b->effective_mode) != 0) {
		snprintf(why, len, "mode: stalefs ran %s, virtiofsd %s", a->effective_mode,
			 b->effective_mode);
		return 0;
	}
	if (!a->estale_total != !b->estale_total) {
		snprintf(why, len, "ESTALE in one only");
		return 0;
	}
	for (int i = 0; i < 2; i++)
		if (!run_result_errno(a, errs[i]) != !run_result_errno(b, errs[i])) {
			snprintf(why, len, "%s in one only", errs[i]);
			return 0;
		}
	if (a->mismatches || b->mismatches) {
		snprintf(why, len, "wrong bytes read");
		return 0;
	}
	return 1;
}

static void side(const struct run_result *r, char *buf, size_t len)
{
	struct report_ci ci;
	char lo[16], hi[16], rate[16];

	if (r->status != RUN_RAN) {
		snprintf(buf, len, "%s", run_status_name(r->status));
		return;
	}
	ci = report_wilson(r->estale_total, run_result_calls(r));
	report_pct(rate, sizeof(rate),
		   run_result_calls(r) ? (double)r->estale_total / run_result_calls(r) : 0);
	report_pct(lo, sizeof(lo), ci.lo);
	report_pct(hi, sizeof(hi), ci.hi);
	snprintf(buf, len, "%s: %llu/%llu ESTALE %s [%s, %s], EBADF %llu, EIO %llu, bad bytes %llu",
		 r->effective_mode, (unsigned long long)r->estale_total,
		 (unsigned long long)run_result_calls(r), rate, lo, hi,
		 (unsigned long long)run_result_errno(r, "EBADF"), (unsigned long long)run_result_errno(r, "EIO"),
		 (unsigned long long)r->mismatches);
}

static void side_json(const struct run_result *r, FILE *f)
{
	struct report_ci ci = report_wilson(r->estale_total, run_result_calls(r));

	fprintf(f, "{\"status\":\"%s\",\"reason\":", run_status_name(r->status));
	json_put_string(f, r->reason);
	fputs(",\"effective_mode\":", f);
	json_put_string(f, r->effective_mode);
	fprintf(f, ",\"calls\":%llu,\"estale\":%llu,\"ci95\":[%.6f,%.6f],\"ebadf\":%llu,"
		"\"eio\":%llu,\"mismatches\":%llu,\"emitted\":%llu}",
		(unsigned long long)run_result_calls(r), (unsigned long long)r->estale_total, ci.lo, ci.hi,
		(unsigned long long)run_result_errno(r, "EBADF"), (unsigned long long)run_result_errno(r, "EIO"),
		(unsigned long long)r->mismatches, (unsigned long long)r->attrib.emitted);
}

int compare_table(const struct compare_row *rows, int n, int format, FILE *f)
{
	char id[512], a[256], b[256], why[256];
	int disagree = 0, markdown = format == COMPARE_MARKDOWN;

	if (format == COMPARE_JSON) {
		fputs("{\"rows\":[", f);
		for (int i = 0; i < n; i++) {
			int ok = compare_agree(&rows[i], why, sizeof(why));

			disagree += !ok;
			cell_id(rows[i].c, id, sizeof(id));
			fputs(i ? ",{\"cell\":" : "{\"cell\":", f);
			json_put_string(f, id);
			fputs(",\"stalefs\":", f);
			side_json(rows[i].a, f);
			fputs(",\"virtiofsd\":", f);
			side_json(rows[i].b, f);
			fprintf(f, ",\"agree\":%s,\"why\":", ok ? "true" : "false");
			json_put_string(f, why);
			fputc('}', f);
		}
		fprintf(f, "],\"cells\":%d,\"disagree\":%d}\n", n, disagree);
		return disagree;
	}

	if (markdown)
		fputs("| cell | stalefs | virtiofsd | verdict |\n|---|---|---|---|\n", f);
	for (int i = 0; i < n; i++) {
		int ok = compare_agree(&rows[i], why, sizeof(why));

		disagree += !ok;
		cell_id(rows[i].c, id, sizeof(id));
		side(rows[i].a, a, sizeof(a));
		side(rows[i].b, b, sizeof(b));
		if (markdown)
			fprintf(f, "| %s | %s | %s | %s%s%s |\n", id, a, b, ok ? "agree" : "DISAGREE",
				why[0] ? ": " : "", why);
		else
			fprintf(f, "%s\n  stalefs:   %s\n  virtiofsd: %s\n  %s%s%s\n", id, a, b,
				ok ? "agree" : "DISAGREE", why[0] ? ": " : "", why);
	}
	fprintf(f, "%s%d cells, %d agree, %d disagree\n", markdown ? "\n" : "", n, n - disagree,
		disagree);
	return disagree;
}
