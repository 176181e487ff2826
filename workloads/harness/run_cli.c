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
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "compare.h"
#include "counts.h"
#include "proc.h"
#include "report.h"
#include "run.h"
#include "scenario.h"
#include "exitcode.h"
#include "opts.h"
#include "term.h"
#include "tree.h"

#define AXIS_MAX 16

enum { O_CELL = 1, O_OUT, O_WORKDIR, O_TREE, O_KEEP, O_TRACE, O_QUIET, O_SHARD, O_TIME_LIMIT,
       O_MODES, O_PRIVILEGES, O_CACHES, O_PROFILES, O_WORKLOADS, O_VERSIONS,
       O_RUNNER, O_GUEST_BIN, O_PATHS_ENV, O_FORMAT, O_SCENARIO, O_JSON, O_LIST };

/* Which commands take an option. */
#define FOR_RUN 1u
#define FOR_MATRIX 2u
#define FOR_COMPARE 4u
#define FOR_ALL (FOR_RUN | FOR_MATRIX | FOR_COMPARE)
#define FOR_AXES (FOR_MATRIX | FOR_COMPARE)

/*
 * Every option of run, matrix and compare, once. O_CELL options are a cell's
 * settings: cell_set() checks their values (by the option's name), the same
 * check a cell line read back gets.
 */
static const struct {
	struct opt o;
	unsigned int cmds;
} run_opts[] = {
	{ { O_CELL, "mode", OPT_STR, "M", "never", .help = "inode mode: never|prefer|mandatory|fallback" }, FOR_ALL },
	{ { O_CELL, "privilege", OPT_STR, "P", "root", .help = "root|unprivileged|userns (rootless podman's way)" }, FOR_ALL },
	{ { O_CELL, "cache", OPT_STR, "C", "auto", .help = "cache policy: auto|always|never|metadata" }, FOR_ALL },
	{ { O_CELL, "profile", OPT_STR, "NAME|FILE", "none", .help = "a fault profile (inject/profiles)" }, FOR_ALL },
	{ { O_CELL, "inject", OPT_STR, "RULE", NULL, .help = "a fault rule KIND[:key=value,...] (repeatable)" }, FOR_ALL },
	{ { O_CELL, "workload", OPT_STR, "W", "read", .help = "read|storm|ostree, with +overlay, +churn, +layers, +drop" }, FOR_ALL },
	{ { O_CELL, "overlay", OPT_FLAG, .help = "read through an overlayfs over the mount's layers (bcvk's guest)" }, FOR_ALL },
	{ { O_CELL, "two-path", OPT_FLAG, .help = "with --overlay: odd threads read overlay/<layer>/diff directly (skopeo)" }, FOR_ALL },
	{ { O_CELL, "second-daemon", OPT_FLAG, .help = "a second daemon and its readers on the same storage" }, FOR_ALL },
	{ { O_CELL, "readonly", OPT_FLAG, .help = "the daemon runs --readonly (bcvk's flag)" }, FOR_ALL },
	{ { O_CELL, "memory-pressure", OPT_STR, "PCT", NULL, .help = "squeeze the readers' memory cgroup to PCT of its use" }, FOR_ALL },
	{ { O_CELL, "churn", OPT_FLAG, .help = "host churn: checkout names moved to new inodes" }, FOR_ALL },
	{ { O_CELL, "layer-every", OPT_STR, "S", NULL, .help = "with --churn: swap in a recreated layer this often" }, FOR_ALL },
	{ { O_CELL, "dir-move-every", OPT_STR, "S", NULL, .help = "host actor: move twin dirs between parents this often" }, FOR_ALL },
	{ { O_CELL, "submount-every", OPT_STR, "S", NULL, .help = "host actor: a submount on a much-read dir this often" }, FOR_ALL },
	{ { O_CELL, "podman-every", OPT_STR, "S", NULL, .help = "host actor: podman-like layer and metadata changes" }, FOR_ALL },
	{ { O_CELL, "drop-caches-ms", OPT_STR, "N", "0", .help = "drop the kernel's caches every N ms (FORGET storms)" }, FOR_ALL },
	{ { O_CELL, "xattr", OPT_FLAG, .help = "the daemon serves extended attributes" }, FOR_ALL },
	{ { O_CELL, "threads", OPT_STR, "N", "4", .help = "reader threads" }, FOR_ALL },
	{ { O_CELL, "rounds", OPT_STR, "N", "1", .help = "ostree workload rounds" }, FOR_ALL },
	{ { O_CELL, "seconds", OPT_STR, "S", "2", .help = "how long each repetition reads" }, FOR_ALL },
	{ { O_CELL, "count", OPT_STR, "N", NULL, .help = "reads per repetition instead of --seconds" }, FOR_ALL },
	{ { O_CELL, "reps", OPT_STR, "N", "1", .help = "repetitions of the cell" }, FOR_ALL },
	{ { O_CELL, "until-estale", OPT_FLAG, .help = "stop repeating at the first ESTALE" }, FOR_ALL },
	{ { O_CELL, "seed", OPT_STR, "S", "1", .help = "the tree's and the readers' seed" }, FOR_ALL },
	{ { O_CELL, "objects", OPT_STR, "N", "200", .help = "objects in the generated tree" }, FOR_ALL },
	{ { O_CELL, "max-links", OPT_STR, "N", "100", .help = "hardlinks of the most-linked object (bcvk: ~970)" }, FOR_ALL },
	{ { O_CELL, "expect", OPT_STR, "E", "any", .help = "any|none|some: what ESTALE count passes" }, FOR_ALL },
	{ { O_CELL, "timeout", OPT_STR, "S", NULL, .help = "give a repetition up after S seconds" }, FOR_ALL },
	{ { O_CELL, "virtiofsd-version", OPT_STR, "V", "1.13.2", .help = "1.13.0|1.13.2: the release modelled" }, FOR_ALL },
	{ { O_CELL, "rlimit-nofile", OPT_STR, "N", "the daemon's", .help = "the daemon's fd limit" }, FOR_ALL },
	{ { O_SCENARIO, "scenario", OPT_STR, "NAME|FILE", NULL,
	    .help = "a named set of cell options, applied first (bcvk: bcvk's whole shape); the others override it" }, FOR_RUN },
	{ { O_MODES, "modes", OPT_STR, "LIST", "the cell's --mode", .help = "axis: inode modes, comma-separated" }, FOR_AXES },
	{ { O_PRIVILEGES, "privileges", OPT_STR, "LIST", "the cell's --privilege", .help = "axis: privileges" }, FOR_AXES },
	{ { O_CACHES, "caches", OPT_STR, "LIST", NULL, .help = "axis: cache policies" }, FOR_AXES },
	{ { O_PROFILES, "profiles", OPT_STR, "LIST", NULL, .help = "axis: fault profiles" }, FOR_AXES },
	{ { O_WORKLOADS, "workloads", OPT_STR, "LIST", NULL, .help = "axis: read|storm|ostree[+overlay][+churn][+layers][+drop]" }, FOR_AXES },
	{ { O_VERSIONS, "versions", OPT_STR, "LIST", NULL, .help = "axis: virtiofsd versions (1.13.0,1.13.2)" }, FOR_AXES },
	{ { O_SHARD, "shard", OPT_STR, "I/N", NULL, .help = "run only the I-th of N equal shares of the cells" }, FOR_AXES },
	{ { O_TIME_LIMIT, "time-limit", OPT_DOUBLE, "S", NULL, .dmin = 0.001, .dmax = 604800,
	    .help = "stop at S seconds: the running cell stops, the rest are written as not run; exit 124" }, FOR_AXES },
	{ { O_FORMAT, "format", OPT_CHOICE, "F", "text", .choices = "text|markdown|json", .help = "the table's format" }, FOR_COMPARE },
	{ { O_RUNNER, "runner", OPT_STR, "PATH", NULL, .help = "the guest runner script" }, FOR_COMPARE },
	{ { O_GUEST_BIN, "guest-workload", OPT_STR, "PATH", NULL, .help = "the static guest workload binary" }, FOR_COMPARE },
	{ { O_PATHS_ENV, "paths-env", OPT_STR, "FILE", NULL, .help = "QEMU, kernel and virtiofsd paths (ci/compare-setup.sh)" }, FOR_COMPARE },
	{ { O_OUT, "out", OPT_STR, "FILE", NULL,
	    .help = "append the cell lines (JSON, for stalefs report) to FILE; - for stdout" }, FOR_ALL },
	{ { O_JSON, "json", OPT_FLAG,
	    .help = "cell lines on stdout, also on a terminal (the default when stdout is not one)" },
	  FOR_RUN | FOR_MATRIX },
	{ { O_LIST, "list", OPT_FLAG, .help = "print the cells it would run (this shard's), run none" },
	  FOR_MATRIX },
	{ { O_WORKDIR, "workdir", OPT_STR, "DIR", NULL, .help = "where cells make their trees, mounts and logs" }, FOR_ALL },
	{ { O_TREE, "tree", OPT_STR, "DIR", NULL, .help = "read this tree instead of generating one" }, FOR_ALL },
	{ { O_KEEP, "keep", OPT_FLAG, .help = "keep each cell's work dir" }, FOR_ALL },
	{ { O_TRACE, "trace", OPT_CHOICE, "T", "auto", .choices = "auto|on|off", .help = "the kernel's FUSE trace (tracefs)" }, FOR_ALL },
	{ { O_QUIET, "quiet", OPT_FLAG, .help = "no progress lines on stderr" }, FOR_ALL },
};
#define NRUN_OPTS (sizeof(run_opts) / sizeof(run_opts[0]))

#define NAXES 6

struct axes {
	char *v[NAXES][AXIS_MAX];	/* modes, privileges, caches, profiles, workloads, versions */
	int n[NAXES];
};

static const char *const axis_names[NAXES] = { "modes", "privileges", "caches", "profiles",
					       "workloads", "versions" };

/* The options cmd takes, from run_opts. Returns how many. */
static size_t cmd_opts(const char *cmd, struct opt *out)
{
	unsigned int mask = strcmp(cmd, "run") == 0 ? FOR_RUN : strcmp(cmd, "matrix") == 0 ? FOR_MATRIX
												 : FOR_COMPARE;
	size_t n = 0;

	for (size_t i = 0; i < NRUN_OPTS; i++)
		if (run_opts[i].cmds & mask)
			out[n++] = run_opts[i].o;
	return n;
}

static void usage(const struct opts *o, const char *cmd)
{
	char synopsis[96];

	snprintf(synopsis, sizeof(synopsis), "stalefs %s [options]", cmd);
	opts_help(o, stdout, synopsis,
		  strcmp(cmd, "run") == 0
		  ? "Runs one cell: a daemon in the mode, privilege and cache asked, the faults, the\n"
		    "workload; counts every ESTALE and says who made it."
		  : strcmp(cmd, "matrix") == 0
		  ? "Runs every cell of the axes given (lists), with the cell options for the rest."
		  : "Runs the same cells against the real virtiofsd 1.13.2 in a QEMU guest.");
	printf("\nexit: 0 as expected, 1 not as expected, 2 usage, 77 cannot run here, 99 harness error,\n"
	       "124 time limit, 130 interrupted\n");
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
	bool seconds, count;	/* --seconds, --count given (on the command line, not by --scenario) */
	bool json, list;
	struct guest_opts g;	/* compare */
	int format;		/* compare --format: COMPARE_TEXT, _MARKDOWN, _JSON */
};

/* One option into cli. 0, or -EINVAL after the error line. */
static int apply(const char *cmd, struct cli *cli, struct opts *o, int id)
{
	const char *arg = o->arg;
	char err[512];
	int c;

	switch (id) {
	case O_RUNNER:
		cli->g.runner = arg;
		break;
	case O_GUEST_BIN:
		cli->g.workload_bin = arg;
		break;
	case O_PATHS_ENV:
		cli->g.paths_env = arg;
		break;
	case O_FORMAT:
		cli->format = o->u == 1 ? COMPARE_MARKDOWN : o->u == 2 ? COMPARE_JSON : COMPARE_TEXT;
		break;
	case O_CELL:
		cli->any_cell = true;
		if (strcmp(o->cur->name, "seconds") == 0)
			cli->seconds = true;
		if (strcmp(o->cur->name, "count") == 0)
			cli->count = true;
		if (strcmp(o->cur->name, "workload") == 0)
			c = set_workload(&cli->base, arg, err, sizeof(err));
		else
			c = cell_set(&cli->base, o->cur->name, arg, err, sizeof(err));
		if (c != 0) {
			fprintf(stderr, "stalefs %s: %s\n", cmd, err);
			return -EINVAL;
		}
		break;
	case O_SCENARIO:	/* applied first, in parse() */
		break;
	case O_OUT:
		cli->out = arg;
		break;
	case O_JSON:
		cli->json = true;
		break;
	case O_LIST:
		cli->list = true;
		break;
	case O_WORKDIR:
		cli->o.workdir = arg;
		break;
	case O_TREE:
		cli->o.tree = arg;
		break;
	case O_KEEP:
		cli->o.keep = true;
		break;
	case O_QUIET:
		cli->o.quiet = true;
		break;
	case O_TRACE:
		cli->o.trace = o->u == 1 ? 1 : o->u == 2 ? -1 : 0;	/* auto|on|off */
		break;
	case O_SHARD: {
		unsigned int i, n;
		char tail;

		if (sscanf(arg, "%u/%u%c", &i, &n, &tail) != 2 || n == 0 || i < 1 || i > n ||
		    arg[0] < '0' || arg[0] > '9') {
			fprintf(stderr, "stalefs %s: bad --shard '%s' (I/N with 1 <= I <= N)\n", cmd, arg);
			return -EINVAL;
		}
		cli->shard = i;
		cli->nshards = n;
		break;
	}
	case O_TIME_LIMIT:
		cli->time_limit = o->d;
		break;
	case O_MODES: case O_PRIVILEGES: case O_CACHES: case O_PROFILES: case O_WORKLOADS:
	case O_VERSIONS:
		cli->any_cell = true;
		if (split_axis(&cli->ax, id - O_MODES, arg) < 0)
			return -EINVAL;
		break;
	}
	return 0;
}

/* --workdir and --tree before anything runs: a bad path is usage (exit 2),
 * not a harness error in the first cell. 0 or -EINVAL after one line. */
static int check_paths(const char *cmd, const struct run_opts *o)
{
	char buf[PATH_MAX];
	struct stat st;

	if (o->workdir) {
		const char *dir = o->workdir;
		bool exists = stat(dir, &st) == 0;

		if (!exists) {	/* run makes one level: its parent must be there */
			snprintf(buf, sizeof(buf), "%s", o->workdir);
			dir = dirname(buf);
		}
		if ((exists || stat(dir, &st) == 0) && !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "stalefs %s: --workdir %s: %s is not a directory\n", cmd,
				o->workdir, dir);
			return -EINVAL;
		}
		if (!exists && stat(dir, &st) < 0) {
			fprintf(stderr, "stalefs %s: --workdir %s: %s: %s (it makes one directory, not a "
				"path)\n", cmd, o->workdir, dir, strerror(errno));
			return -EINVAL;
		}
	}
	if (!o->tree)
		return 0;
	if (stat(o->tree, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "stalefs %s: --tree %s: %s\n", cmd, o->tree,
			access(o->tree, F_OK) < 0 ? strerror(errno) : "not a directory");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s/%s", o->tree, TREE_MANIFEST);
	if (access(buf, R_OK) < 0) {
		fprintf(stderr, "stalefs %s: --tree %s has no readable %s (`stalefs workload gen --root "
			"DIR` makes a tree with one)\n", cmd, o->tree, TREE_MANIFEST);
		return -EINVAL;
	}
	return 0;
}

static int parse(const char *cmd, int argc, char **argv, struct cli *cli)
{
	struct opt tab[NRUN_OPTS];
	size_t ntab = cmd_opts(cmd, tab);
	char err[512], msg[96];
	struct opts o;
	int c, id;
	bool matrix = strcmp(cmd, "matrix") == 0 || strcmp(cmd, "compare") == 0;

	snprintf(msg, sizeof(msg), "stalefs %s", cmd);
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
	if (opts_init(&o, msg, tab, ntab, argc, argv) < 0)
		return -ENOMEM;
	c = 0;
	while (c == 0 && (id = opts_next(&o)) > 0)
		c = apply(cmd, cli, &o, id);
	if (c == 0 && id == OPTS_HELP) {
		usage(&o, cmd);
		c = 1;
	} else if (c == 0 && id == OPTS_BAD) {
		fprintf(stderr, "%s\n", o.err);
		c = -EINVAL;
	} else if (c == 0 && o.optind != argc) {
		fprintf(stderr, "stalefs %s: unexpected argument '%s'\n", cmd, argv[o.optind]);
		c = -EINVAL;
	} else if (c == 0 && cli->seconds && cli->count) {
		fprintf(stderr, "stalefs %s: --seconds and --count both given: a repetition reads for a "
			"time or a number of reads, give one\n", cmd);
		c = -EINVAL;
	} else if (c == 0) {
		c = check_paths(cmd, &cli->o);
	}
	opts_fini(&o);
	return c;
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

/*
 * Where run and matrix write. Cell lines go to --out FILE; without it, to
 * stdout unless stdout is a terminal (a person, not a script), where --json
 * still asks for them. The summary for people goes to stdout when no cell
 * line does, else to stderr.
 */
struct sinks {
	FILE *lines;	/* NULL: no cell lines */
	FILE *human;
	int width;
};

static int open_sinks(const char *cmd, const struct cli *cli, struct sinks *k)
{
	bool to_stdout = cli->out ? strcmp(cli->out, "-") == 0 : cli->json || !term_is_tty(stdout);

	k->lines = NULL;
	if (cli->out && !to_stdout && !(k->lines = open_out(cmd, cli->out)))
		return -EINVAL;
	if (to_stdout)
		k->lines = stdout;
	k->human = to_stdout ? stderr : stdout;
	k->width = term_width(k->human);
	return 0;
}

static void close_sinks(struct sinks *k)
{
	if (k->lines && k->lines != stdout)
		fclose(k->lines);
	fflush(stdout);
}

int run_main(int argc, char **argv)
{
	static struct cli cli;
	struct run_result r;
	struct sinks k;
	char err[512], repro[8192];
	int ret;

	ret = parse("run", argc, argv, &cli);
	if (ret)
		return ret > 0 ? 0 : EXIT_USAGE;
	if (cell_check(&cli.base, err, sizeof(err)) < 0) {
		fprintf(stderr, "stalefs run: %s\n", err);
		return EXIT_USAGE;
	}
	if ((ret = run_can_mount("stalefs run")))
		return ret;
	if (open_sinks("run", &cli, &k) < 0)
		return EXIT_USAGE;
	proc_on_signals();
	if (run_cell(&cli.base, &cli.o, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "stalefs run: %s\n", err);
		close_sinks(&k);
		return EXIT_INTERNAL;
	}
	if (k.lines) {
		run_result_json(&cli.base, &r, k.lines);
		fflush(k.lines);
	}
	run_result_summary(&cli.base, &r, k.human, k.width);
	if (run_verdict_bad(r.verdict)) {
		cell_repro(&cli.base, repro, sizeof(repro));
		term_fold_command(k.human, "repro    ", repro, k.width);
	}
	ret = run_exit_code(&r);
	run_result_free(&r);
	close_sinks(&k);
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

static bool in_shard(const struct cli *cli, unsigned int i)
{
	return i % cli->nshards == (cli->nshards > 1 ? cli->shard - 1 : 0);
}

/* --list: this shard's cells, one a line: the id and the repro line. */
static int matrix_list(struct cli *cli, unsigned int ncells)
{
	char err[512], id[512], repro[8192];
	struct cell c;

	for (unsigned int i = 0; i < ncells; i++) {
		if (!in_shard(cli, i))
			continue;
		if (axis_cell(cli, i, &c, err, sizeof(err)) < 0)
			return EXIT_INTERNAL;	/* checked before */
		cell_id(&c, id, sizeof(id));
		cell_repro(&c, repro, sizeof(repro));
		printf("%s\n", id);
		term_fold_command(stdout, "  ", repro, term_width(stdout));
		cell_free(&c);
	}
	return EXIT_OK;
}

/* A cell the time limit left unstarted: its line says so (status not-run). */
static void not_run_line(const struct cell *c, double limit, FILE *f)
{
	struct run_result r;

	memset(&r, 0, sizeof(r));
	json_origin_now(&r.origin);
	r.status = RUN_NOT_RUN;
	snprintf(r.reason, sizeof(r.reason), "the --time-limit of %g s ran out before this cell", limit);
	run_judge(c, &r);
	run_result_json(c, &r, f);
}

/* The cell lines in buf as `stalefs report` shows them, on stdout. */
static void matrix_table(const char *buf, size_t len)
{
	FILE *f = fmemopen((void *)buf, len, "r");
	struct report r;
	char err[512];

	if (!f)
		return;
	report_init(&r);
	if (report_read(&r, f, "matrix", err, sizeof(err)) == 0 && r.n) {
		putchar('\n');
		report_text(&r, (unsigned int)term_width(stdout), false, stdout);
	} else if (err[0]) {
		fprintf(stderr, "stalefs matrix: %s\n", err);
	}
	report_free(&r);
	fclose(f);
}

int matrix_main(int argc, char **argv)
{
	static struct cli cli;
	struct cell c;
	struct sinks k;
	FILE *table = NULL;	/* the cell lines, for a terminal's report */
	char err[512], id[512], repro[8192], *tbuf = NULL;
	size_t tlen = 0;
	unsigned int ncells, n = 0, mine = 0, done = 0, not_run = 0;
	uint64_t estale = 0;
	double t0 = mono_seconds();
	int code = 0, ran = 0;

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
		mine += in_shard(&cli, i);
	}
	if (cli.list)
		return matrix_list(&cli, ncells);
	if ((code = run_can_mount("stalefs matrix")))
		return code;
	if (open_sinks("matrix", &cli, &k) < 0)
		return EXIT_USAGE;
	/* A person at a terminal gets the report of the cells at the end. */
	if (!k.lines && !(k.lines = table = open_memstream(&tbuf, &tlen)))
		return EXIT_INTERNAL;
	if (cli.time_limit)
		cli.o.deadline = t0 + cli.time_limit;
	proc_on_signals();
	fprintf(stderr, "stalefs matrix: %u cells, %u in this shard (%u/%u)\n", ncells, mine,
		cli.nshards > 1 ? cli.shard : 1, cli.nshards);
	for (unsigned int i = 0; i < ncells && !proc_interrupted; i++) {
		struct run_result r;

		if (!in_shard(&cli, i))
			continue;
		axis_cell(&cli, i, &c, err, sizeof(err));
		n++;
		if (cli.time_limit && mono_seconds() >= cli.o.deadline) {
			if (!not_run++)
				fprintf(stderr, "stalefs matrix: the time limit of %g s ran out after %u of %u "
					"cells; the rest are recorded as not run\n", cli.time_limit, done,
					mine);
			if (k.lines)
				not_run_line(&c, cli.time_limit, k.lines);
			code = worse(code, EXIT_TIME_LIMIT);
			cell_free(&c);
			continue;
		}
		cli.o.quiet = true;
		cell_id(&c, id, sizeof(id));
		if (run_cell(&c, &cli.o, &r, err, sizeof(err)) < 0) {
			fprintf(stderr, "stalefs matrix: %s: %s\n", id, err);
			code = worse(code, EXIT_INTERNAL);
			cell_free(&c);
			continue;
		}
		if (k.lines) {
			run_result_json(&c, &r, k.lines);
			fflush(k.lines);
		}
		done++;
		estale += r.estale_total;
		if (r.status != RUN_CANNOT)
			ran = 1;
		if (r.status != RUN_CANNOT)	/* a cell that cannot run here is a skip */
			code = worse(code, run_exit_code(&r));
		fprintf(stderr, "[%u/%u] %s: %s%s%s, %llu ESTALE in %llu calls, %.1f s, ~%.0f s left\n",
			n, mine, id, run_verdict_name(r.verdict), r.status != RUN_RAN ? " " : "",
			r.status != RUN_RAN ? run_status_name(r.status) : "",
			(unsigned long long)r.estale_total, (unsigned long long)run_result_calls(&r),
			r.duration_s, (mono_seconds() - t0) / n * (mine - n));
		if (r.status != RUN_RAN && r.reason[0])
			term_fold(stderr, "  why: ", NULL, r.reason, term_width(stderr));
		if (run_verdict_bad(r.verdict)) {
			cell_repro(&c, repro, sizeof(repro));
			term_fold_command(stderr, "  repro: ", repro, term_width(stderr));
		}
		run_result_free(&r);
		cell_free(&c);
	}
	if (proc_interrupted)
		code = EXIT_INTERRUPTED;
	if (table)
		k.lines = NULL;
	close_sinks(&k);
	fprintf(stderr, "stalefs matrix: %u cells in %.1f s, %llu ESTALE\n", done, mono_seconds() - t0,
		(unsigned long long)estale);
	if (not_run)
		fprintf(stderr, "stalefs matrix: %u cells not run (time limit): give a longer --time-limit, "
			"or spread the cells over jobs with --shard I/N\n", not_run);
	if (table) {
		if (fclose(table) == 0 && tlen)
			matrix_table(tbuf, tlen);
		free(tbuf);
		printf("(no cell lines kept: --out FILE keeps them for `stalefs report`)\n");
	}
	if (!ran && code == 0)
		code = EXIT_CANNOT_RUN;
	return code;
}

/*
 * stalefs compare [cell options and axes as for matrix] [--runner PATH]
 *                 [--guest-workload PATH] [--paths-env FILE] [--format text|markdown|json]
 *                 [--out FILE] [--keep]
 * Each cell against stalefs (on /dev/fuse), the real virtiofsd (in a QEMU
 * guest) and stalefs-virtiofsd (in the same guest, when built), every row
 * to --out as cell lines (backend "virtiofsd" / "stalefs-virtiofsd"), and a
 * table on stdout with a verdict per cell (compare.h). Without cell options: the default cells (every mode as root and in
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
	struct run_result *ra, *rb, *rv;
	struct guest_opts gv;
	struct cell *cells;
	char err[512], id[512], daemon[PATH_MAX], why_cannot[512] = "";
	bool third;
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
	rv = calloc(ncells, sizeof(*rv));
	rows = calloc(ncells, sizeof(*rows));
	if (!cells || !ra || !rb || !rv || !rows)
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
	/* The third column: stalefs-virtiofsd in the same guest. */
	third = guest_find_daemon(daemon, sizeof(daemon)) == 0;
	gv = cli.g;
	gv.daemon = daemon;
	if (!third)
		fprintf(stderr, "stalefs compare: no stalefs-virtiofsd next to this stalefs (libfuse "
			"older than 3.13?): two columns only\n");
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
		fprintf(stderr, " %s, %llu ESTALE (%.1f s)", run_status_name(rb[i].status),
			(unsigned long long)rb[i].estale_total, rb[i].duration_s);
		if (third && !proc_interrupted) {
			fprintf(stderr, "; stalefs-virtiofsd ...");
			if (guest_run_cell(&cells[i], &gv, &rv[i], err, sizeof(err)) < 0) {
				fprintf(stderr, "\nstalefs compare: %s: %s\n", id, err);
				return EXIT_INTERNAL;
			}
			fprintf(stderr, " %s, %llu ESTALE (%.1f s)", run_status_name(rv[i].status),
				(unsigned long long)rv[i].estale_total, rv[i].duration_s);
		}
		fputc('\n', stderr);
		if (rb[i].status == RUN_CANNOT && !cannot++)
			snprintf(why_cannot, sizeof(why_cannot), "%s", rb[i].reason);
		for (int side = 0; side < 3; side++) {
			const struct run_result *r = side == 2 ? &rv[i] : side ? &rb[i] : &ra[i];

			if (side == 2 && !third)
				continue;

			if (r->status == RUN_ERROR || r->status == RUN_TIMEOUT)
				harm = worse(harm, r->status == RUN_ERROR ? EXIT_INTERNAL : EXIT_TIME_LIMIT);
		}
		if (out) {
			run_result_json(&cells[i], &ra[i], out);
			run_result_json_as(&cells[i], &rb[i], "virtiofsd", out);
			if (third)
				run_result_json_as(&cells[i], &rv[i], "stalefs-virtiofsd", out);
			fflush(out);
		}
		rows[nc++] = (struct compare_row){ &cells[i], &ra[i], &rb[i], third ? &rv[i] : NULL };
	}
	disagree = compare_table(rows, nc, cli.format, stdout);
	fprintf(stderr, "stalefs compare: %u cells in %.1f s\n", nc, mono_seconds() - t0);
	for (unsigned int i = 0; i < ncells; i++) {
		run_result_free(&ra[i]);
		run_result_free(&rb[i]);
		run_result_free(&rv[i]);
		cell_free(&cells[i]);
	}
	free(cells);
	free(ra);
	free(rb);
	free(rv);
	free(rows);
	if (out && out != stdout)
		fclose(out);
	if (proc_interrupted)
		return EXIT_INTERRUPTED;
	if (harm)
		return harm;
	if (cannot == (int)nc && nc) {
		fprintf(stderr, "stalefs compare: the guest could not run any cell here: %s "
			"(`stalefs doctor` lists compare's pieces; ci/compare-setup.sh installs them)\n",
			why_cannot);
		return EXIT_CANNOT_RUN;
	}
	return disagree ? 1 : 0;
}
