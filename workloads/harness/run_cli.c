// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs run    [cell options] [run options]
 * stalefs matrix [axes] [cell options] [run options] [--shard I/N] [--time-limit S]
 *
 * Cell options (one value each; for matrix, the axes below take lists):
 *   --mode never|prefer|mandatory|fallback  --privilege root|unprivileged|userns
 *   --cache auto|always|never|metadata  --profile NAME|FILE|none  --inject RULE (repeatable)
 *   --workload read|storm|ostree  --overlay  --churn  --layer-every S  --drop-caches-ms N
 *   --xattr  --threads N  --rounds N (ostree)  --seconds S | --count N  --reps N  --until-estale  --seed S
 *   --objects N  --max-links N  --expect any|none|some  --timeout S
 * Run options: --out FILE (append cell lines; default stdout)  --workdir DIR  --tree DIR
 *   --keep  --trace auto|on|off  --quiet
 * Matrix axes (comma lists): --modes --privileges --caches --profiles --workloads, where a
 *   workload is read|storm|ostree with +overlay, +churn, +layers, +drop (e.g. read+overlay+churn).
 *
 * Exit codes: 0 every cell met its expectation; 1 some cell did not (ESTALE
 * where --expect none, none where some, integrity failures); 2 usage; 77 no
 * cell could run here; 99 harness error; 124 time limit; 130 interrupted.
 */
#include "run_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cell.h"
#include "proc.h"
#include "run.h"

#define AXIS_MAX 16

static const char *const cell_opts[] = {
	"mode", "privilege", "cache", "profile", "inject", "workload", "layer-every",
	"drop-caches-ms", "threads", "rounds", "seconds", "count", "reps", "seed", "objects", "max-links",
	"expect", "timeout", NULL,
};
static const char *const cell_flags[] = { "overlay", "churn", "xattr", "until-estale", NULL };

enum { O_OUT = 1000, O_WORKDIR, O_TREE, O_KEEP, O_TRACE, O_QUIET, O_SHARD, O_TIME_LIMIT,
       O_MODES, O_PRIVILEGES, O_CACHES, O_PROFILES, O_WORKLOADS, O_HELP, O_CELL };

struct axes {
	char *v[5][AXIS_MAX];	/* modes, privileges, caches, profiles, workloads */
	int n[5];
};

static const char *const axis_names[5] = { "modes", "privileges", "caches", "profiles", "workloads" };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(const char *cmd, FILE *f)
{
	fprintf(f, "usage: stalefs %s [--mode M] [--privilege P] [--cache C] [--profile NAME]"
		" [--inject RULE]...\n"
		"       [--workload read|storm|ostree] [--overlay] [--churn] [--layer-every S]"
		" [--drop-caches-ms N] [--xattr]\n"
		"       [--threads N] [--rounds N] [--seconds S | --count N] [--reps N] [--until-estale]"
		" [--seed S] [--objects N]\n"
		"       [--max-links N] [--expect any|none|some] [--timeout S]\n"
		"       [--out FILE] [--workdir DIR] [--tree DIR] [--keep] [--trace auto|on|off]"
		" [--quiet]\n", cmd);
	if (strcmp(cmd, "matrix") == 0)
		fprintf(f, "       [--modes LIST] [--privileges LIST] [--caches LIST] [--profiles LIST]\n"
			"       [--workloads LIST (read|storm|ostree[+overlay][+churn][+layers][+drop])]\n"
			"       [--shard I/N] [--time-limit S]\n");
	fprintf(f, "exit: 0 as expected, 1 not as expected, 2 usage, 77 cannot run here, 99 harness"
		" error, 124 time limit, 130 interrupted\n");
	return f == stdout ? 0 : 2;
}

static int split_axis(struct axes *ax, int a, const char *list)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		return -ENOMEM;
	ax->n[a] = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (ax->n[a] == AXIS_MAX) {
			fprintf(stderr, "stalefs matrix: more than %d values in --%s\n", AXIS_MAX,
				axis_names[a]);
			free(copy);
			return -EINVAL;
		}
		ax->v[a][ax->n[a]++] = strdup(t);
	}
	free(copy);
	if (!ax->n[a]) {
		fprintf(stderr, "stalefs matrix: empty --%s\n", axis_names[a]);
		return -EINVAL;
	}
	return 0;
}

/* "read+overlay+churn" into the cell. */
static int set_workload(struct cell *c, const char *spec, char *err, size_t errlen)
{
	char copy[128], *save = NULL, *t;
	int ret;

	snprintf(copy, sizeof(copy), "%s", spec);
	t = strtok_r(copy, "+", &save);
	ret = cell_set(c, "workload", t ? t : "", err, errlen);
	while (ret == 0 && (t = strtok_r(NULL, "+", &save))) {
		if (strcmp(t, "overlay") == 0 || strcmp(t, "churn") == 0)
			ret = cell_set(c, t, NULL, err, errlen);
		else if (strcmp(t, "layers") == 0)
			ret = cell_set(c, "layer-every", "0.5", err, errlen);
		else if (strcmp(t, "drop") == 0)
			ret = cell_set(c, "drop-caches-ms", "100", err, errlen);
		else {
			snprintf(err, errlen, "bad workload '%s': '+%s' is not overlay, churn, layers"
				 " or drop", spec, t);
			ret = -EINVAL;
		}
	}
	return ret;
}

struct cli {
	struct cell base;
	struct run_opts o;
	const char *out;
	struct axes ax;
	unsigned int shard, nshards;
	double time_limit;
};

static int parse(const char *cmd, int argc, char **argv, struct cli *cli)
{
	struct option opts[64];
	char err[512];
	int n = 0, c, idx;
	bool matrix = strcmp(cmd, "matrix") == 0;

	for (int i = 0; cell_opts[i]; i++)
		opts[n++] = (struct option){ cell_opts[i], required_argument, NULL, O_CELL };
	for (int i = 0; cell_flags[i]; i++)
		opts[n++] = (struct option){ cell_flags[i], no_argument, NULL, O_CELL };
	opts[n++] = (struct option){ "out", required_argument, NULL, O_OUT };
	opts[n++] = (struct option){ "workdir", required_argument, NULL, O_WORKDIR };
	opts[n++] = (struct option){ "tree", required_argument, NULL, O_TREE };
	opts[n++] = (struct option){ "keep", no_argument, NULL, O_KEEP };
	opts[n++] = (struct option){ "trace", required_argument, NULL, O_TRACE };
	opts[n++] = (struct option){ "quiet", no_argument, NULL, O_QUIET };
	opts[n++] = (struct option){ "help", no_argument, NULL, O_HELP };
	if (matrix) {
		opts[n++] = (struct option){ "shard", required_argument, NULL, O_SHARD };
		opts[n++] = (struct option){ "time-limit", required_argument, NULL, O_TIME_LIMIT };
		opts[n++] = (struct option){ "modes", required_argument, NULL, O_MODES };
		opts[n++] = (struct option){ "privileges", required_argument, NULL, O_PRIVILEGES };
		opts[n++] = (struct option){ "caches", required_argument, NULL, O_CACHES };
		opts[n++] = (struct option){ "profiles", required_argument, NULL, O_PROFILES };
		opts[n++] = (struct option){ "workloads", required_argument, NULL, O_WORKLOADS };
	}
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	cell_default(&cli->base);
	cli->o.trace = 0;
	cli->nshards = 1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, &idx)) != -1) {
		switch (c) {
		case O_CELL:
			if (strcmp(opts[idx].name, "workload") == 0)
				c = set_workload(&cli->base, optarg, err, sizeof(err));
			else
				c = cell_set(&cli->base, opts[idx].name, optarg, err, sizeof(err));
			if (c != 0) {
				fprintf(stderr, "stalefs %s: %s\n", cmd, err);
				return -EINVAL;
			}
			break;
		case O_OUT:
			cli->out = optarg;
			break;
		case O_WORKDIR:
			cli->o.workdir = optarg;
			break;
		case O_TREE:
			cli->o.tree = optarg;
			break;
		case O_KEEP:
			cli->o.keep = true;
			break;
		case O_QUIET:
			cli->o.quiet = true;
			break;
		case O_TRACE:
			if (strcmp(optarg, "auto") && strcmp(optarg, "on") && strcmp(optarg, "off")) {
				fprintf(stderr, "stalefs %s: bad --trace '%s' (auto|on|off)\n", cmd, optarg);
				return -EINVAL;
			}
			cli->o.trace = strcmp(optarg, "on") == 0 ? 1 : strcmp(optarg, "off") == 0 ? -1 : 0;
			break;
		case O_SHARD: {
			char *end;

			cli->shard = strtoul(optarg, &end, 10);
			if (*end != '/' || (cli->nshards = strtoul(end + 1, &end, 10)) == 0 || *end ||
			    cli->shard < 1 || cli->shard > cli->nshards) {
				fprintf(stderr, "stalefs matrix: bad --shard '%s' (I/N with 1 <= I <= N)\n",
					optarg);
				return -EINVAL;
			}
			break;
		}
		case O_TIME_LIMIT: {
			char *end;

			cli->time_limit = strtod(optarg, &end);
			if (*end || end == optarg || !(cli->time_limit > 0)) {
				fprintf(stderr, "stalefs matrix: bad --time-limit '%s' (seconds > 0)\n",
					optarg);
				return -EINVAL;
			}
			break;
		}
		case O_MODES: case O_PRIVILEGES: case O_CACHES: case O_PROFILES: case O_WORKLOADS:
			if (split_axis(&cli->ax, c - O_MODES, optarg) < 0)
				return -EINVAL;
			break;
		case O_HELP:
			usage(cmd, stdout);
			return 1;
		default:
			fprintf(stderr, "stalefs %s: unknown or incomplete option '%s'\n", cmd,
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stalefs %s: unexpected argument '%s'\n", cmd, argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static FILE *open_out(const char *cmd, const char *path)
{
	FILE *f = path && strcmp(path, "-") != 0 ? fopen(path, "ae") : stdout;

	if (!f)
		fprintf(stderr, "stalefs %s: --out %s: %s\n", cmd, path, strerror(errno));
	return f;
}

/* Worse exit codes win: 130 > 124 > 99 > 1 > 0 (77 is decided at the end:
 * only when no cell could run). */
static int worse(int a, int b)
{
	static const int order[] = { 0, 1, 99, 124, 130 };
	int ra = 0, rb = 0;

	for (int i = 0; i < 5; i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

int run_main(int argc, char **argv)
{
	static struct cli cli;
	struct run_result r;
	char err[512], repro[8192];
	FILE *out;
	int ret;

	ret = parse("run", argc, argv, &cli);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (cell_check(&cli.base, err, sizeof(err)) < 0) {
		fprintf(stderr, "stalefs run: %s\n", err);
		return 2;
	}
	out = open_out("run", cli.out);
	if (!out)
		return 2;
	proc_on_signals();
	if (run_cell(&cli.base, &cli.o, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "stalefs run: %s\n", err);
		return 99;
	}
	run_result_json(&cli.base, &r, out);
	fflush(out);
	run_result_summary(&cli.base, &r, stderr);
	if (r.verdict == VERDICT_FAIL) {
		cell_repro(&cli.base, repro, sizeof(repro));
		fprintf(stderr, "repro: %s\n", repro);
	}
	ret = run_exit_code(&r);
	run_result_free(&r);
	if (out != stdout)
		fclose(out);
	cell_free(&cli.base);
	return ret;
}

int matrix_main(int argc, char **argv)
{
	static struct cli cli;
	struct cell c;
	char err[512], id[512], repro[8192];
	unsigned int ncells = 1, k = 0, mine = 0, done = 0;
	uint64_t estale = 0;
	double t0 = now();
	int code = 0, ran = 0;
	FILE *out;

	if ((code = parse("matrix", argc, argv, &cli)))
		return code > 0 ? 0 : 2;
	/* An axis not given is the base cell's single value. */
	for (int a = 0; a < 5; a++)
		if (!cli.ax.n[a]) {
			const char *v = a == 0 ? cli.base.mode : a == 1 ? cli.base.privilege
				: a == 2 ? cli.base.cache : a == 3 ? cli.base.profile : cli.base.workload;

			cli.ax.v[a][0] = strdup(v);
			cli.ax.n[a] = 1;
		}
	for (int a = 0; a < 5; a++)
		ncells *= cli.ax.n[a];
	/* Check every cell first: a bad value fails before anything runs. */
	for (unsigned int i = 0; i < ncells; i++) {
		unsigned int rest = i;
		int e = 0;

		if (cell_copy(&c, &cli.base) < 0)
			return 99;
		for (int a = 4; a >= 0 && !e; a--) {
			const char *v = cli.ax.v[a][rest % cli.ax.n[a]];

			rest /= cli.ax.n[a];
			e = a == 4 ? set_workload(&c, v, err, sizeof(err))
				   : cell_set(&c, a == 0 ? "mode" : a == 1 ? "privilege" : a == 2 ? "cache"
					      : "profile", v, err, sizeof(err));
		}
		if (!e)
			e = cell_check(&c, err, sizeof(err));
		cell_free(&c);
		if (e) {
			fprintf(stderr, "stalefs matrix: %s\n", err);
			return 2;
		}
	}
	for (unsigned int i = 0; i < ncells; i++)
		if (i % cli.nshards == (cli.nshards > 1 ? cli.shard - 1 : 0))
			mine++;
	out = open_out("matrix", cli.out);
	if (!out)
		return 2;
	proc_on_signals();
	fprintf(stderr, "stalefs matrix: %u cells, %u in this shard (%u/%u)\n", ncells, mine,
		cli.nshards > 1 ? cli.shard : 1, cli.nshards);
	for (unsigned int i = 0; i < ncells && !proc_interrupted; i++) {
		struct run_result r;
		unsigned int rest = i;

		if (i % cli.nshards != (cli.nshards > 1 ? cli.shard - 1 : 0))
			continue;
		if (cli.time_limit && now() - t0 > cli.time_limit) {
			fprintf(stderr, "stalefs matrix: time limit of %.0f s reached after %u of %u cells\n",
				cli.time_limit, done, mine);
			code = worse(code, 124);
			break;
		}
		cell_copy(&c, &cli.base);
		for (int a = 4; a >= 0; a--) {
			const char *v = cli.ax.v[a][rest % cli.ax.n[a]];

			rest /= cli.ax.n[a];
			if (a == 4)
				set_workload(&c, v, err, sizeof(err));
			else
				cell_set(&c, a == 0 ? "mode" : a == 1 ? "privilege" : a == 2 ? "cache"
					 : "profile", v, err, sizeof(err));
		}
		cli.o.quiet = true;
		k++;
		cell_id(&c, id, sizeof(id));
		if (run_cell(&c, &cli.o, &r, err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs matrix: %s: %s\n", id, err);
			code = worse(code, 99);
			cell_free(&c);
			continue;
		}
		run_result_json(&c, &r, out);
		fflush(out);
		done++;
		estale += r.estale_total;
		if (r.status != RUN_CANNOT)
			ran = 1;
		if (r.status != RUN_CANNOT)	/* a cell that cannot run here is a skip */
			code = worse(code, run_exit_code(&r));
		fprintf(stderr, "[%u/%u] %s: %s%s%s, %llu ESTALE (%llu so far), %.1f s, ~%.0f s left\n",
			k, mine, id, run_verdict_name(r.verdict),
			r.status != RUN_RAN ? " " : "", r.status != RUN_RAN ? run_status_name(r.status) : "",
			(unsigned long long)r.estale_total, (unsigned long long)estale, r.duration_s,
			(now() - t0) / k * (mine - k));
		if (r.verdict == VERDICT_FAIL) {
			cell_repro(&c, repro, sizeof(repro));
			fprintf(stderr, "  repro: %s\n", repro);
		}
		run_result_free(&r);
		cell_free(&c);
	}
	if (proc_interrupted)
		code = 130;
	if (out != stdout)
		fclose(out);
	fprintf(stderr, "stalefs matrix: %u cells in %.1f s, %llu ESTALE\n", done, now() - t0,
		(unsigned long long)estale);
	if (!ran && code == 0)
		code = 77;
	return code;
}
