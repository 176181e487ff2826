// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs run    [cell options] [run options]
 * stalefs matrix [axes] [cell options] [run options] [--shard I/N] [--time-limit S]
 *
 * Cell options (one value each; for matrix, the axes below take lists):
 *   --mode never|prefer|mandatory|fallback  --privilege root|unprivileged|userns
 *   --cache auto|always|never|metadata  --profile NAME|FILE|none  --inject RULE (repeatable)
 *   --workload read|storm|ostree  --overlay  --two-path  --second-daemon  --memory-pressure PCT
 *   --churn  --layer-every S  --dir-move-every S  --submount-every S  --podman-every S  --drop-caches-ms N
 *   --xattr  --threads N  --rounds N (ostree)  --seconds S | --count N  --reps N  --until-estale  --seed S
 *   --objects N  --max-links N  --expect any|none|some  --timeout S
 * run --scenario NAME|FILE: a named set of cell options first (scenario.h; bcvk), the others override.
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
#include "clock.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cell.h"
#include "compare.h"
#include "counts.h"
#include "proc.h"
#include "run.h"
#include "scenario.h"
#include "exitcode.h"

#define AXIS_MAX 16

static const char *const cell_opts[] = {
	"mode", "privilege", "cache", "profile", "inject", "workload", "layer-every",
	"drop-caches-ms", "threads", "rounds", "seconds", "count", "reps", "seed", "objects", "max-links",
	"expect", "timeout", "virtiofsd-version", "rlimit-nofile", "dir-move-every", "submount-every",
	"podman-every", "memory-pressure", NULL,
};
static const char *const cell_flags[] = { "overlay", "two-path", "second-daemon", "readonly", "churn", "xattr",
					  "until-estale", NULL };

enum { O_OUT = 1000, O_WORKDIR, O_TREE, O_KEEP, O_TRACE, O_QUIET, O_SHARD, O_TIME_LIMIT,
       O_MODES, O_PRIVILEGES, O_CACHES, O_PROFILES, O_WORKLOADS, O_VERSIONS, O_HELP, O_CELL,
       O_RUNNER, O_GUEST_BIN, O_PATHS_ENV, O_FORMAT, O_SCENARIO };

#define NAXES 6

struct axes {
	char *v[NAXES][AXIS_MAX];	/* modes, privileges, caches, profiles, workloads, versions */
	int n[NAXES];
};

static const char *const axis_names[NAXES] = { "modes", "privileges", "caches", "profiles",
					       "workloads", "versions" };

static int usage(const char *cmd, FILE *f)
{
	fprintf(f, "usage: stalefs %s [--mode M] [--privilege P] [--cache C] [--profile NAME]"
		" [--inject RULE]...\n"
		"       [--workload read|storm|ostree] [--overlay] [--churn] [--layer-every S]"
		" [--drop-caches-ms N] [--xattr]\n"
		"       [--threads N] [--rounds N] [--seconds S | --count N] [--reps N] [--until-estale]"
		" [--seed S] [--objects N]\n"
		"       [--max-links N] [--expect any|none|some] [--timeout S]"
		" [--virtiofsd-version 1.13.0|1.13.2] [--rlimit-nofile N]\n"
		"       [--readonly] [--two-path] [--second-daemon] [--memory-pressure PCT] [--dir-move-every S]"
		" [--submount-every S] [--podman-every S]\n"
		"       [--out FILE] [--workdir DIR] [--tree DIR] [--keep] [--trace auto|on|off]"
		" [--quiet]\n", cmd);
	if (strcmp(cmd, "run") == 0)
		fprintf(f, "       [--scenario NAME|FILE]   (a set of cell options, e.g. bcvk: bcvk's to-disk"
			" shape; the other\n"
			"                                 options override it)\n");
	if (strcmp(cmd, "run") != 0)
		fprintf(f, "       [--modes LIST] [--privileges LIST] [--caches LIST] [--profiles LIST]\n"
			"       [--workloads LIST (read|storm|ostree[+overlay][+churn][+layers][+drop])]\n"
			"       [--versions LIST (1.13.0,1.13.2)] [--shard I/N] [--time-limit S]\n");
	if (strcmp(cmd, "compare") == 0)
		fprintf(f, "       [--format text|markdown|json] [--runner PATH] [--guest-workload PATH]"
			" [--paths-env FILE]\n");
	fprintf(f, "exit: 0 as expected, 1 not as expected, 2 usage, 77 cannot run here, 99 harness"
		" error, 124 time limit, 130 interrupted\n");
	return f == stdout ? 0 : EXIT_USAGE;
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
	bool any_cell;		/* a cell option or an axis was given */
	struct guest_opts g;	/* compare */
	int format;		/* compare --format: COMPARE_TEXT, _MARKDOWN, _JSON */
};

static int parse(const char *cmd, int argc, char **argv, struct cli *cli)
{
	struct option opts[64];
	char err[512];
	int n = 0, c, idx;
	bool compare = strcmp(cmd, "compare") == 0;
	bool matrix = strcmp(cmd, "matrix") == 0 || compare;

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
	if (!matrix)
		opts[n++] = (struct option){ "scenario", required_argument, NULL, O_SCENARIO };
	if (matrix) {
		opts[n++] = (struct option){ "shard", required_argument, NULL, O_SHARD };
		opts[n++] = (struct option){ "time-limit", required_argument, NULL, O_TIME_LIMIT };
		opts[n++] = (struct option){ "modes", required_argument, NULL, O_MODES };
		opts[n++] = (struct option){ "privileges", required_argument, NULL, O_PRIVILEGES };
		opts[n++] = (struct option){ "caches", required_argument, NULL, O_CACHES };
		opts[n++] = (struct option){ "profiles", required_argument, NULL, O_PROFILES };
		opts[n++] = (struct option){ "workloads", required_argument, NULL, O_WORKLOADS };
		opts[n++] = (struct option){ "versions", required_argument, NULL, O_VERSIONS };
	}
	if (compare) {
		opts[n++] = (struct option){ "runner", required_argument, NULL, O_RUNNER };
		opts[n++] = (struct option){ "guest-workload", required_argument, NULL, O_GUEST_BIN };
		opts[n++] = (struct option){ "paths-env", required_argument, NULL, O_PATHS_ENV };
		opts[n++] = (struct option){ "format", required_argument, NULL, O_FORMAT };
	}
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	cell_default(&cli->base);
	cli->o.trace = 0;
	/* The scenario first, wherever it is: the other options override it. */
	for (int i = 1; !matrix && i < argc; i++) {
		const char *name = strncmp(argv[i], "--scenario=", 11) == 0 ? argv[i] + 11
				   : strcmp(argv[i], "--scenario") == 0 && i + 1 < argc ? argv[i + 1]
				   : NULL;

		if (!name)
			continue;
		if (scenario_apply(&cli->base, name, err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs %s: %s\n", cmd, err);
			return -EINVAL;
		}
		cli->any_cell = true;
		break;
	}
	cli->nshards = 1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, &idx)) != -1) {
		switch (c) {
		case O_RUNNER:
			cli->g.runner = optarg;
			break;
		case O_GUEST_BIN:
			cli->g.workload_bin = optarg;
			break;
		case O_PATHS_ENV:
			cli->g.paths_env = optarg;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "markdown") && strcmp(optarg, "json")) {
				fprintf(stderr, "stalefs %s: bad --format '%s' (text|markdown|json)\n", cmd,
					optarg);
				return -EINVAL;
			}
			cli->format = strcmp(optarg, "markdown") == 0 ? COMPARE_MARKDOWN
				      : strcmp(optarg, "json") == 0 ? COMPARE_JSON : COMPARE_TEXT;
			break;
		case O_CELL:
			cli->any_cell = true;
			if (strcmp(opts[idx].name, "workload") == 0)
				c = set_workload(&cli->base, optarg, err, sizeof(err));
			else
				c = cell_set(&cli->base, opts[idx].name, optarg, err, sizeof(err));
			if (c != 0) {
				fprintf(stderr, "stalefs %s: %s\n", cmd, err);
				return -EINVAL;
			}
			break;
		case O_SCENARIO:	/* applied above */
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
		case O_VERSIONS:
			cli->any_cell = true;
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
	static const int order[] = { EXIT_OK, EXIT_FAIL, EXIT_INTERNAL, EXIT_TIME_LIMIT,
				     EXIT_INTERRUPTED };
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
		return ret > 0 ? 0 : EXIT_USAGE;
	if (cell_check(&cli.base, err, sizeof(err)) < 0) {
		fprintf(stderr, "stalefs run: %s\n", err);
		return EXIT_USAGE;
	}
	out = open_out("run", cli.out);
	if (!out)
		return EXIT_USAGE;
	proc_on_signals();
	if (run_cell(&cli.base, &cli.o, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "stalefs run: %s\n", err);
		return EXIT_INTERNAL;
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

/* Cell i of the axes' product, from the base cell. 0 or -EINVAL (err). */
static int axis_cell(const struct cli *cli, unsigned int i, struct cell *c, char *err,
		     size_t errlen)
{
	unsigned int rest = i;
	int e;

	if (cell_copy(c, &cli->base) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (int a = NAXES - 1; a >= 0; a--) {
		const char *v = cli->ax.v[a][rest % cli->ax.n[a]];

		rest /= cli->ax.n[a];
		e = a == 4 ? set_workload(c, v, err, errlen)
			   : cell_set(c, a == 0 ? "mode" : a == 1 ? "privilege" : a == 2 ? "cache"
				      : a == 3 ? "profile" : "virtiofsd-version", v, err, errlen);
		if (e) {
			cell_free(c);
			return -EINVAL;
		}
	}
	e = cell_check(c, err, errlen);
	if (e)
		cell_free(c);
	return e;
}

/* An axis not given is the base cell's single value. The number of cells. */
static unsigned int fill_axes(struct cli *cli)
{
	unsigned int ncells = 1;

	for (int a = 0; a < NAXES; a++) {
		if (!cli->ax.n[a]) {
			const char *v = a == 0 ? cli->base.mode : a == 1 ? cli->base.privilege
				: a == 2 ? cli->base.cache : a == 3 ? cli->base.profile
				: a == 4 ? cli->base.workload : cli->base.version;

			cli->ax.v[a][0] = strdup(v);
			cli->ax.n[a] = 1;
		}
		ncells *= cli->ax.n[a];
	}
	return ncells;
}

int matrix_main(int argc, char **argv)
{
	static struct cli cli;
	struct cell c;
	char err[512], id[512], repro[8192];
	unsigned int ncells, k = 0, mine = 0, done = 0;
	uint64_t estale = 0;
	double t0 = mono_seconds();
	int code = 0, ran = 0;
	FILE *out;

	if ((code = parse("matrix", argc, argv, &cli)))
		return code > 0 ? 0 : EXIT_USAGE;
	ncells = fill_axes(&cli);
	/* Check every cell first: a bad value fails before anything runs. */
	for (unsigned int i = 0; i < ncells; i++) {
		if (axis_cell(&cli, i, &c, err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs matrix: %s\n", err);
			return EXIT_USAGE;
		}
		cell_free(&c);
	}
	for (unsigned int i = 0; i < ncells; i++)
		if (i % cli.nshards == (cli.nshards > 1 ? cli.shard - 1 : 0))
			mine++;
	out = open_out("matrix", cli.out);
	if (!out)
		return EXIT_USAGE;
	proc_on_signals();
	fprintf(stderr, "stalefs matrix: %u cells, %u in this shard (%u/%u)\n", ncells, mine,
		cli.nshards > 1 ? cli.shard : 1, cli.nshards);
	for (unsigned int i = 0; i < ncells && !proc_interrupted; i++) {
		struct run_result r;

		if (i % cli.nshards != (cli.nshards > 1 ? cli.shard - 1 : 0))
			continue;
		if (cli.time_limit && mono_seconds() - t0 > cli.time_limit) {
			fprintf(stderr, "stalefs matrix: time limit of %.0f s reached after %u of %u cells\n",
				cli.time_limit, done, mine);
			code = worse(code, EXIT_TIME_LIMIT);
			break;
		}
		axis_cell(&cli, i, &c, err, sizeof(err));
		cli.o.quiet = true;
		k++;
		cell_id(&c, id, sizeof(id));
		if (run_cell(&c, &cli.o, &r, err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs matrix: %s: %s\n", id, err);
			code = worse(code, EXIT_INTERNAL);
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
			(mono_seconds() - t0) / k * (mine - k));
		if (r.verdict == VERDICT_FAIL) {
			cell_repro(&c, repro, sizeof(repro));
			fprintf(stderr, "  repro: %s\n", repro);
		}
		run_result_free(&r);
		cell_free(&c);
	}
	if (proc_interrupted)
		code = EXIT_INTERRUPTED;
	if (out != stdout)
		fclose(out);
	fprintf(stderr, "stalefs matrix: %u cells in %.1f s, %llu ESTALE\n", done, mono_seconds() - t0,
		(unsigned long long)estale);
	if (!ran && code == 0)
		code = EXIT_CANNOT_RUN;
	return code;
}

/*
 * stalefs compare [cell options and axes as for matrix] [--runner PATH]
 *                 [--guest-workload PATH] [--paths-env FILE] [--format text|markdown|json]
 *                 [--out FILE] [--keep]
 * Each cell against stalefs (on /dev/fuse) and against the real virtiofsd
 * (in a QEMU guest), both rows to --out as cell lines (the virtiofsd one
 * with "@virtiofsd" in its id), and a table on stdout with a verdict per
 * cell. Without cell options: the default cells (every mode as root and in
 * a user namespace, 970-link reads, and the overlay-with-churn cell).
 * Exit: 0 every cell agrees, 1 some disagree, 2 usage, 77 virtiofsd, QEMU
 * or a guest kernel cannot be had (ci/compare-setup.sh), 99 a side failed
 * (harness error), 124 a side ran over its time, 130 interrupted.
 */
int compare_main(int argc, char **argv)
{
	static struct cli cli;
	static const char *const dflt_modes = "never,prefer,mandatory", *dflt_privs = "root,userns";
	struct compare_row *rows;
	struct run_result *ra, *rb;
	struct cell *cells;
	char err[512], id[512];
	unsigned int ncells, nc = 0;
	double t0 = mono_seconds();
	int code, cannot = 0, disagree, harm = 0;
	FILE *out = NULL;

	if ((code = parse("compare", argc, argv, &cli)))
		return code > 0 ? 0 : EXIT_USAGE;
	if (!cli.any_cell) {
		/* The default cells: 970-link reads in every mode, root and userns. */
		split_axis(&cli.ax, 0, dflt_modes);
		split_axis(&cli.ax, 1, dflt_privs);
		cli.base.max_links = 970;
		cli.base.seconds = 3;
	}
	ncells = fill_axes(&cli) + !cli.any_cell;
	cells = calloc(ncells, sizeof(*cells));
	ra = calloc(ncells, sizeof(*ra));
	rb = calloc(ncells, sizeof(*rb));
	rows = calloc(ncells, sizeof(*rows));
	if (!cells || !ra || !rb || !rows)
		return EXIT_INTERNAL;
	for (unsigned int i = 0; i < ncells; i++) {
		if (!cli.any_cell && i == ncells - 1) {
			/* ... and the bcvk shape: an overlay over the share, host churn. */
			cell_copy(&cells[i], &cli.base);
			cell_set(&cells[i], "cache", "never", err, sizeof(err));
			set_workload(&cells[i], "read+overlay+churn", err, sizeof(err));
		} else if (axis_cell(&cli, i, &cells[i], err, sizeof(err)) < 0 ||
			   guest_check_cell(&cells[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs compare: %s\n", err);
			return EXIT_USAGE;
		}
	}
	if (cli.out && !(out = open_out("compare", cli.out)))
		return EXIT_USAGE;
	cli.g.keep = cli.o.keep;
	cli.o.quiet = true;
	proc_on_signals();
	for (unsigned int i = 0; i < ncells && !proc_interrupted; i++) {
		cell_id(&cells[i], id, sizeof(id));
		fprintf(stderr, "[%u/%u] %s: stalefs ...", i + 1, ncells, id);
		if (run_cell(&cells[i], &cli.o, &ra[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "\nstalefs compare: %s: %s\n", id, err);
			return EXIT_INTERNAL;
		}
		fprintf(stderr, " %llu ESTALE; virtiofsd ...", (unsigned long long)ra[i].estale_total);
		if (guest_run_cell(&cells[i], &cli.g, &rb[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "\nstalefs compare: %s: %s\n", id, err);
			return EXIT_INTERNAL;
		}
		fprintf(stderr, " %s, %llu ESTALE (%.1f s)\n", run_status_name(rb[i].status),
			(unsigned long long)rb[i].estale_total, rb[i].duration_s);
		if (rb[i].status == RUN_CANNOT)
			cannot++;
		for (int side = 0; side < 2; side++) {
			const struct run_result *r = side ? &rb[i] : &ra[i];

			if (r->status == RUN_ERROR || r->status == RUN_TIMEOUT)
				harm = worse(harm, r->status == RUN_ERROR ? EXIT_INTERNAL : EXIT_TIME_LIMIT);
		}
		if (out) {
			run_result_json(&cells[i], &ra[i], out);
			run_result_json_as(&cells[i], &rb[i], "virtiofsd", out);
			fflush(out);
		}
		rows[nc++] = (struct compare_row){ &cells[i], &ra[i], &rb[i] };
	}
	disagree = compare_table(rows, nc, cli.format, stdout);
	fprintf(stderr, "stalefs compare: %u cells in %.1f s\n", nc, mono_seconds() - t0);
	for (unsigned int i = 0; i < ncells; i++) {
		run_result_free(&ra[i]);
		run_result_free(&rb[i]);
		cell_free(&cells[i]);
	}
	free(cells);
	free(ra);
	free(rb);
	free(rows);
	if (out && out != stdout)
		fclose(out);
	if (proc_interrupted)
		return EXIT_INTERRUPTED;
	if (harm)
		return harm;
	if (cannot == (int)nc && nc) {
		fprintf(stderr, "stalefs compare: virtiofsd could not run any cell here "
			"(ci/compare-setup.sh installs what it needs)\n");
		return EXIT_CANNOT_RUN;
	}
	return disagree ? 1 : 0;
}
