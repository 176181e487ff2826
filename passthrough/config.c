// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Option parsing for `stalefs mount`. The option names and meanings follow
 * virtiofsd 1.13 (--inode-file-handles, --cache, --thread-pool-size, ...);
 * the cache policy is turned into timeouts and open flags here and nowhere
 * else (virtiofsd main.rs and passthrough/mod.rs, see research §4).
 */
#include "config.h"

#include "build_config.h"
#include "inject.h"
#include "number.h"
#include "rule.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void config_usage(const char *prog)
{
	printf("usage: %s --shared-dir DIR [options] MOUNTPOINT\n"
	       "\n"
	       "A FUSE passthrough daemon that models virtiofsd 1.13's inode store.\n"
	       "\n"
	       "virtiofsd options:\n"
	       "  --shared-dir=DIR             directory to share (required)\n"
	       "  --inode-file-handles=MODE    never|prefer|mandatory; fallback = prefer (deprecated)\n"
	       "                               (default: never)\n"
	       "  --cache=POLICY               auto|always|never|metadata (default: auto)\n"
	       "  --no-readdirplus             do not use READDIRPLUS\n"
	       "  --readonly                   answer EROFS to every write\n"
	       "  --xattr                      enable extended attributes (default: off, ENOSYS)\n"
	       "  --thread-pool-size=N         worker threads; 0 = serial (default: 0)\n"
	       "  --allow-mmap                 allow mmap of DIRECT_IO files where libfuse can ask\n"
	       "  --sandbox=none               accepted for compatibility; no sandbox is made\n"
	       "  --rlimit-nofile=N            set soft and hard fd limits to N; 0 leaves them\n"
	       "                               (default: min(1000000, fs.nr_open); if the hard\n"
	       "                               limit cannot be raised, the hard limit is used)\n"
	       "  --announce-submounts         flag directories on another mount (FUSE_ATTR_SUBMOUNT)\n"
	       "  --no-announce-submounts      do not (default: announce, as virtiofsd 1.13)\n"
	       "  -f, --foreground             stay in the foreground\n"
	       "  -d, --debug                  debug log, libfuse request trace; implies -f\n"
	       "  --log-level=LEVEL            error|warn|info|debug (default: info)\n"
	       "\n"
	       "testbed options:\n"
	       "  --unprivileged               drop CAP_DAC_READ_SEARCH before the handle probe\n"
	       "  --userns                     enter a user namespace (uid 0 -> 0) after mounting\n"
	       "  --virtiofsd-version=V        1.13.0|1.13.2: the release modelled; 1.13.2 has the\n"
	       "                               guest-fd limit (RLIMIT_NOFILE - 610, ENFILE past it)\n"
	       "                               (default: 1.13.2)\n"
	       "  --identity-names=N           slots of the table of recent names whose nodeid,\n"
	       "                               generation or submount flag changes are logged;\n"
	       "                               0 = off (default: 65536, 32 bytes each)\n"
	       "  --busy-poll=USEC             workers poll /dev/fuse this long before sleeping\n"
	       "                               (timing only; default: 0)\n"
	       "  --events=FILE                JSON lines: every error reply and every fired fault\n"
	       "  --inject=RULE                a fault rule KIND[:key=value,...] (repeatable)\n"
	       "  --profile=NAME|FILE          the rules of a profile (repeatable)\n"
	       "  --control=SOCKET             control socket for `stalefs ctl`\n"
	       "  --stats=FILE                 JSON counters, written on SIGUSR1 and at exit\n"
	       "  -h, --help                   this text\n"
	       "\n"
	       "Exit codes: 0 clean unmount, 1 runtime failure, 2 bad input or refused start.\n",
	       prog);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void config_derive(struct config *cfg)
{
	switch (cfg->cache) {
	case CACHE_NEVER:
		cfg->entry_timeout = cfg->attr_timeout = 0.0;
		cfg->readdirplus = false;
		cfg->file_direct_io = true;
		break;
	case CACHE_METADATA:
		cfg->entry_timeout = cfg->attr_timeout = 86400.0;
		cfg->file_direct_io = true;
		cfg->dir_cache = true;
		break;
	case CACHE_AUTO:
		cfg->entry_timeout = cfg->attr_timeout = 1.0;
		break;
	case CACHE_ALWAYS:
		cfg->entry_timeout = cfg->attr_timeout = 86400.0;
		cfg->file_keep_cache = true;
		cfg->dir_cache = true;
		break;
	}
	if (cfg->debug) {
		cfg->foreground = true;
		cfg->log_level = LOG_LVL_DEBUG;
	}
}

enum {
	OPT_SHARED_DIR = 256, OPT_INODE_FH, OPT_CACHE, OPT_NO_RDP, OPT_READONLY,
	OPT_XATTR, OPT_NO_XATTR, OPT_POOL, OPT_ALLOW_MMAP, OPT_LOG_LEVEL,
	OPT_UNPRIV, OPT_USERNS, OPT_EVENTS, OPT_STATS, OPT_SANDBOX, OPT_BUSY_POLL,
	OPT_INJECT, OPT_PROFILE, OPT_CONTROL, OPT_RLIMIT, OPT_VERSION, OPT_SUBMOUNTS,
	OPT_NO_SUBMOUNTS, OPT_NAMES,
};

static const struct option long_opts[] = {
	{ "shared-dir", required_argument, NULL, OPT_SHARED_DIR },
	{ "inode-file-handles", required_argument, NULL, OPT_INODE_FH },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "no-readdirplus", no_argument, NULL, OPT_NO_RDP },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "xattr", no_argument, NULL, OPT_XATTR },
	{ "no-xattr", no_argument, NULL, OPT_NO_XATTR },
	{ "thread-pool-size", required_argument, NULL, OPT_POOL },
	{ "allow-mmap", no_argument, NULL, OPT_ALLOW_MMAP },
	{ "sandbox", required_argument, NULL, OPT_SANDBOX },
	{ "foreground", no_argument, NULL, 'f' },
	{ "debug", no_argument, NULL, 'd' },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "unprivileged", no_argument, NULL, OPT_UNPRIV },
	{ "userns", no_argument, NULL, OPT_USERNS },
	{ "busy-poll", required_argument, NULL, OPT_BUSY_POLL },
	{ "rlimit-nofile", required_argument, NULL, OPT_RLIMIT },
	{ "virtiofsd-version", required_argument, NULL, OPT_VERSION },
	{ "announce-submounts", no_argument, NULL, OPT_SUBMOUNTS },
	{ "no-announce-submounts", no_argument, NULL, OPT_NO_SUBMOUNTS },
	{ "identity-names", required_argument, NULL, OPT_NAMES },
	{ "inject", required_argument, NULL, OPT_INJECT },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int config_parse(struct config *cfg, int argc, char **argv, char *err, size_t errlen)
{
	bool rdp_off = false;
	int c, v;

	*cfg = (struct config){
		.inode_mode = INODE_MODE_NEVER,
		.cache = CACHE_AUTO,
		.readdirplus = true,
		.log_level = LOG_LVL_INFO,
		.virtiofsd_version = VIRTIOFSD_1_13_2,
		.announce_submounts = true,
		.identity_names = CONFIG_NAMES_DEFAULT,
	};
	err[0] = '\0';
	optind = 0;	/* full reset: config_parse may run more than once */
	opterr = 0;
	int li;

	while ((c = getopt_long(argc, argv, ":fdho:", long_opts, (li = -1, &li))) != -1) {
		/* getopt_long takes unique prefixes (--read); we want exact names. */
		if (li >= 0 && c != '?' && c != ':') {
			const char *given = argv[optind - 1 - (optarg && optarg == argv[optind - 1])] + 2;
			size_t glen = strcspn(given, "=");

			if (glen != strlen(long_opts[li].name))
				return fail(err, errlen, "unknown option '--%.*s' (did you mean --%s?)",
					    (int)glen, given, long_opts[li].name);
		}
		switch (c) {
		case OPT_SHARED_DIR:
			cfg->shared_dir = optarg;
			break;
		case OPT_INODE_FH:
			v = inode_mode_parse(optarg, &cfg->inode_mode_fallback);
			if (v < 0)
				return fail(err, errlen, "unknown --inode-file-handles mode '%s' (never, prefer, mandatory, fallback)", optarg);
			cfg->inode_mode = v;
			break;
		case OPT_CACHE:
			v = cache_policy_parse(optarg);
			if (v < 0)
				return fail(err, errlen, "unknown --cache policy '%s' (auto, always, never, metadata)", optarg);
			cfg->cache = v;
			break;
		case OPT_NO_RDP:
			rdp_off = true;
			break;
		case OPT_READONLY:
			cfg->readonly = true;
			break;
		case OPT_XATTR:
			cfg->xattr = true;
			break;
		case OPT_NO_XATTR:
			cfg->xattr = false;
			break;
		case OPT_POOL:
			if (number_uint(optarg, 1024, &cfg->thread_pool_size) < 0)
				return fail(err, errlen, "bad --thread-pool-size '%s' (0..1024)", optarg);
			break;
		case OPT_BUSY_POLL:
			if (number_uint(optarg, 1000000, &cfg->busy_poll_us) < 0)
				return fail(err, errlen, "bad --busy-poll '%s' (0..1000000 microseconds)", optarg);
			break;
		case OPT_RLIMIT: {
			uint64_t n;

			if (number_u64(optarg, 10, 0, CONFIG_RLIMIT_MAX, &n) < 0)
				return fail(err, errlen, "bad --rlimit-nofile '%s' (0..%llu; 0 leaves the limit)",
					    optarg, CONFIG_RLIMIT_MAX);
			cfg->rlimit_nofile = n;
			cfg->rlimit_nofile_set = true;
			break;
		}
		case OPT_VERSION:
			v = virtiofsd_version_parse(optarg);
			if (v < 0)
				return fail(err, errlen, "unknown --virtiofsd-version '%s' (1.13.0, 1.13.2)", optarg);
			cfg->virtiofsd_version = v;
			break;
		case OPT_SUBMOUNTS:
			cfg->announce_submounts = true;
			break;
		case OPT_NO_SUBMOUNTS:
			cfg->announce_submounts = false;
			break;
		case OPT_NAMES:
			if (number_uint(optarg, CONFIG_NAMES_MAX, &cfg->identity_names) < 0)
				return fail(err, errlen, "bad --identity-names '%s' (0..%u)", optarg, CONFIG_NAMES_MAX);
			break;
		case OPT_ALLOW_MMAP:
			cfg->allow_mmap = true;
			break;
		case OPT_SANDBOX:
			if (strcmp(optarg, "none") != 0)
				return fail(err, errlen, "--sandbox=%s is not supported (only none)", optarg);
			break;
		case 'f':
			cfg->foreground = true;
			break;
		case 'd':
			cfg->debug = true;
			break;
		case OPT_LOG_LEVEL:
			v = log_level_parse(optarg);
			if (v < 0)
				return fail(err, errlen, "unknown --log-level '%s' (error, warn, info, debug)", optarg);
			cfg->log_level = v;
			break;
		case OPT_UNPRIV:
			cfg->unprivileged = true;
			break;
		case OPT_USERNS:
			cfg->userns = true;
			break;
		case OPT_EVENTS:
			cfg->events_path = optarg;
			break;
		case OPT_INJECT: {
			char why[256];
			struct rule r;

			if (cfg->nrules == CONFIG_MAX_RULES)
				return fail(err, errlen, "more than %d --inject rules", CONFIG_MAX_RULES);
			if (rule_parse(optarg, &r, why, sizeof(why)) < 0)
				return fail(err, errlen, "--inject '%s': %s", optarg, why);
			cfg->rules[cfg->nrules++] = optarg;
			break;
		}
		case OPT_PROFILE:
			if (cfg->nprofiles == CONFIG_MAX_RULES)
				return fail(err, errlen, "more than %d --profile options", CONFIG_MAX_RULES);
			if (inject_find_profile(optarg, cfg->profile_buf[cfg->nprofiles],
						sizeof(cfg->profile_buf[0])) < 0)
				return fail(err, errlen, "--profile '%s': no such profile (a file, or a name in inject/profiles)", optarg);
			cfg->profiles[cfg->nprofiles] = cfg->profile_buf[cfg->nprofiles];
			cfg->nprofiles++;
			break;
		case OPT_CONTROL:
			cfg->control_path = optarg;
			break;
		case OPT_STATS:
			cfg->stats_path = optarg;
			break;
		case 'h':
			config_usage("stalefs mount");
			return CONFIG_HELP;
		case 'o':
			return fail(err, errlen, "-o options are not supported; use the long options (see --help)");
		case ':':
			return fail(err, errlen, "option '%s' needs a value", argv[optind - 1]);
		default:
			return fail(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return fail(err, errlen, "missing MOUNTPOINT (see --help)");
	if (optind + 1 < argc)
		return fail(err, errlen, "unexpected argument '%s'", argv[optind + 1]);
	cfg->mountpoint = argv[optind];
	if (!cfg->shared_dir)
		return fail(err, errlen, "missing --shared-dir=DIR");
	if (rdp_off)
		cfg->readdirplus = false;
	config_derive(cfg);
	return 0;
}

static int check_dir(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return fail(err, errlen, "%s '%s': %s", what, path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(err, errlen, "%s '%s' is not a directory", what, path);
	return 0;
}

int config_check_paths(const struct config *cfg, char *err, size_t errlen)
{
	char shared[PATH_MAX], mnt[PATH_MAX];
	size_t n;
	int ret = check_dir("shared dir", cfg->shared_dir, err, errlen);

	if (ret == 0)
		ret = check_dir("mountpoint", cfg->mountpoint, err, errlen);
	if (ret < 0)
		return ret;
	/* A mountpoint inside the shared dir would make the daemon look itself
	 * up: a lookup there sends a request to ourselves and hangs. */
	if (realpath(cfg->shared_dir, shared) && realpath(cfg->mountpoint, mnt)) {
		n = strlen(shared);
		if (strcmp(shared, "/") == 0 || (strncmp(mnt, shared, n) == 0 &&
						 (mnt[n] == '\0' || mnt[n] == '/')))
			return fail(err, errlen, "mountpoint '%s' is inside the shared dir '%s'",
				    cfg->mountpoint, cfg->shared_dir);
	}
	return 0;
}
