// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Option parsing for `stalefs mount`. The option names and meanings follow
 * virtiofsd 1.13 (--inode-file-handles, --cache, --thread-pool-size, ...);
 * the cache policy is turned into timeouts and open flags here and nowhere
 * else (virtiofsd main.rs and passthrough/mod.rs, see research §4).
 */
#include "config.h"
#include "errmsg.h"

#include "build_config.h"
#include "inject.h"
#include "mountinfo.h"
#include "number.h"
#include "opts.h"
#include "rule.h"
#include "unixaddr.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	OPT_SHARED_DIR = 1, OPT_INODE_FH, OPT_CACHE, OPT_NO_RDP, OPT_READONLY,
	OPT_XATTR, OPT_NO_XATTR, OPT_POSIX_ACL, OPT_POOL, OPT_ALLOW_MMAP, OPT_LOG_LEVEL, OPT_FG,
	OPT_DEBUG, OPT_ALLOW_STACKED,
	OPT_UNPRIV, OPT_USERNS, OPT_EVENTS, OPT_STATS, OPT_SANDBOX, OPT_BUSY_POLL,
	OPT_INJECT, OPT_PROFILE, OPT_CONTROL, OPT_RLIMIT, OPT_VERSION, OPT_SUBMOUNTS,
	OPT_NO_SUBMOUNTS, OPT_NAMES, OPT_DASH_O,
	/* stalefs-virtiofsd only */
	OPT_SOCKET_PATH, OPT_SOCKET, OPT_SOCKET_GROUP, OPT_FD, OPT_TAG, OPT_PRINT_CAPS,
	OPT_PRINT_VERSION, OPT_SECCOMP, OPT_NO_KILLPRIV2, OPT_COMPAT_F, OPT_LOG_DEBUG, OPT_REFUSED,
};

/* virtiofsd's options that both commands take, with virtiofsd's meanings. */
static const struct opt shared_opts[] = {
	{ OPT_SHARED_DIR, "shared-dir", OPT_STR, "DIR", NULL, .help = "directory to share (required)" },
	{ OPT_INODE_FH, "inode-file-handles", OPT_CHOICE, "MODE", "never", .choices = "never|prefer|mandatory|fallback",
	  .help = "file handles or O_PATH fds per inode; fallback is prefer (deprecated)" },
	{ OPT_CACHE, "cache", OPT_CHOICE, "POLICY", "auto", .choices = "auto|always|never|metadata",
	  .help = "entry/attr timeouts and page cache, as virtiofsd" },
	{ OPT_NO_RDP, "no-readdirplus", OPT_FLAG, .help = "do not use READDIRPLUS" },
	{ OPT_READONLY, "readonly", OPT_FLAG, .help = "answer EROFS to every write" },
	{ OPT_XATTR, "xattr", OPT_FLAG, .help = "enable extended attributes (default off: ENOSYS)" },
	{ OPT_NO_XATTR, "no-xattr", OPT_FLAG, .help = "disable them again" },
	{ OPT_POSIX_ACL, "posix-acl", OPT_FLAG, .help = "enforce the shared dir's POSIX ACLs in the kernel (implies "
	  "--xattr); without it only mode bits are checked and an ACL that denies is not enforced, "
	  "as with virtiofsd" },
	{ OPT_POOL, "thread-pool-size", OPT_U64, "N", "0", .max = 1024, .help = "worker threads; 0 = serial" },
	{ OPT_ALLOW_MMAP, "allow-mmap", OPT_FLAG, .help = "allow mmap of DIRECT_IO files where libfuse can ask" },
	{ OPT_SANDBOX, "sandbox", OPT_STR, "none", "none", .help = "only none: no sandbox is made (virtiofsd's "
	  "default is namespace); namespace and chroot are refused" },
	{ OPT_RLIMIT, "rlimit-nofile", OPT_U64, "N", "min(1000000, fs.nr_open)", .max = CONFIG_RLIMIT_MAX,
	  .help = "set soft and hard fd limits to N; 0 leaves them (if the hard limit cannot be raised, "
		  "the hard limit is used)" },
	{ OPT_SUBMOUNTS, "announce-submounts", OPT_FLAG, .def = "on, as virtiofsd 1.13",
	  .help = "flag directories on another mount (FUSE_ATTR_SUBMOUNT)" },
	{ OPT_NO_SUBMOUNTS, "no-announce-submounts", OPT_FLAG, .help = "do not" },
	{ OPT_LOG_LEVEL, "log-level", OPT_CHOICE, "LEVEL", "info", .choices = "error|warn|info|debug|trace|off",
	  .help = "what goes to stderr (trace is debug)" },
	{ OPT_DASH_O, "fuse-options", OPT_STR, "LIST", NULL, .short_name = 'o',
	  .help = "-o: refused, use the long options (virtiofsd's -o is deprecated)" },
};

/* `stalefs mount` only. */
static const struct opt mount_only_opts[] = {
	{ OPT_FG, "foreground", OPT_FLAG, .short_name = 'f', .help = "stay in the foreground" },
	{ OPT_DEBUG, "debug", OPT_FLAG, .short_name = 'd', .help = "debug log, libfuse request trace; implies -f" },
	{ OPT_ALLOW_STACKED, "allow-stacked", OPT_FLAG,
	  .help = "mount even where the mountpoint is already a mount (refused otherwise)" },
};

/* `stalefs-virtiofsd` only: the vhost-user side of virtiofsd 1.13's command line. */
static const struct opt vhost_only_opts[] = {
	{ OPT_SOCKET_PATH, "socket-path", OPT_STR, "PATH", NULL,
	  .help = "vhost-user socket to listen on (this or --fd is required)" },
	{ OPT_SOCKET, "socket", OPT_STR, "PATH", NULL, .help = "the same (deprecated, as in virtiofsd)" },
	{ OPT_SOCKET_GROUP, "socket-group", OPT_STR, "GROUP", NULL, .help = "group that owns the socket (mode 0660)" },
	{ OPT_FD, "fd", OPT_U64, "FD", NULL, .max = 1048575,
	  .help = "an inherited listening (not yet connected) socket instead of --socket-path" },
	{ OPT_TAG, "tag", OPT_STR, "TAG", NULL,
	  .help = "accepted and ignored: the tag stays QEMU's (no VHOST_USER_PROTOCOL_F_CONFIG)" },
	{ OPT_SECCOMP, "seccomp", OPT_CHOICE, "ACTION", "kill", .choices = "none|kill|log|trap",
	  .help = "accepted; no seccomp filter is installed" },
	{ OPT_NO_KILLPRIV2, "no-killpriv-v2", OPT_FLAG, .def = "on", .help = "KILLPRIV V2 off, as virtiofsd's default" },
	{ OPT_COMPAT_F, "compat-foreground", OPT_FLAG, .short_name = 'f',
	  .help = "-f: no effect (always in the foreground, as virtiofsd)" },
	{ OPT_LOG_DEBUG, "log-debug", OPT_FLAG, .short_name = 'd', .help = "-d: --log-level=debug (deprecated in virtiofsd)" },
	{ OPT_PRINT_CAPS, "print-capabilities", OPT_FLAG,
	  .help = "print the vhost-user.json capabilities libvirt reads, and exit" },
	{ OPT_PRINT_VERSION, "version", OPT_FLAG, .short_name = 'V', .help = "print the version and exit" },
	{ OPT_REFUSED, "xattrmap", OPT_STR, "RULES", NULL, .help = "refused: no xattr mapping" },
	{ OPT_REFUSED, "writeback", OPT_FLAG, .help = "refused: no writeback cache" },
	{ OPT_REFUSED, "allow-direct-io", OPT_FLAG, .help = "refused: O_DIRECT is not passed on" },
	{ OPT_REFUSED, "modcaps", OPT_STR, "CAPS", NULL, .help = "refused: capabilities are not changed" },
	{ OPT_REFUSED, "syslog", OPT_FLAG, .help = "refused: the log goes to stderr" },
	{ OPT_REFUSED, "killpriv-v2", OPT_FLAG, .help = "refused: KILLPRIV V2 is not modelled yet" },
	{ OPT_REFUSED, "security-label", OPT_FLAG, .help = "refused: no security labels" },
	{ OPT_REFUSED, "uid-map", OPT_STR, "MAP", NULL, .help = "refused: no sandbox namespace to map into" },
	{ OPT_REFUSED, "gid-map", OPT_STR, "MAP", NULL, .help = "refused: the same" },
	{ OPT_REFUSED, "translate-uid", OPT_STR, "MAP", NULL, .help = "refused: ids are not translated" },
	{ OPT_REFUSED, "translate-gid", OPT_STR, "MAP", NULL, .help = "refused: the same" },
	{ OPT_REFUSED, "preserve-noatime", OPT_FLAG, .help = "refused: O_NOATIME is not cleaned up" },
	{ OPT_REFUSED, "migration-mode", OPT_STR, "MODE", NULL, .help = "refused: no migration" },
	{ OPT_REFUSED, "migration-on-error", OPT_STR, "ACTION", NULL, .help = "refused: no migration" },
	{ OPT_REFUSED, "migration-verify-handles", OPT_FLAG, .help = "refused: no migration" },
	{ OPT_REFUSED, "migration-confirm-paths", OPT_FLAG, .help = "refused: no migration" },
};

/* The testbed's own switches, for both commands. */
static const struct opt testbed_opts[] = {
	{ OPT_UNPRIV, "unprivileged", OPT_FLAG, .help = "testbed: drop CAP_DAC_READ_SEARCH before the handle probe" },
	{ OPT_USERNS, "userns", OPT_FLAG, .help = "testbed: run in a user namespace (uid 0 -> 0); a mount enters "
	  "it after mounting" },
	{ OPT_VERSION, "virtiofsd-version", OPT_CHOICE, "V", "1.13.2", .choices = "1.13.0|1.13.2",
	  .help = "testbed: the release modelled; 1.13.2 has the guest-fd limit (RLIMIT_NOFILE - 610, ENFILE past it)" },
	{ OPT_NAMES, "identity-names", OPT_U64, "N", "65536, 32 bytes each", .max = CONFIG_NAMES_MAX,
	  .help = "testbed: slots of the table of recent names whose nodeid, generation or submount flag "
		  "changes are logged; 0 = off" },
	{ OPT_BUSY_POLL, "busy-poll", OPT_U64, "USEC", "0", .max = 1000000,
	  .help = "testbed: workers poll for requests this long before sleeping (timing only)" },
	{ OPT_EVENTS, "events", OPT_STR, "FILE", NULL, .help = "testbed: JSON lines, every error reply and every fired fault" },
	{ OPT_INJECT, "inject", OPT_STR, "RULE", NULL, .help = "testbed: a fault rule KIND[:key=value,...] (repeatable)" },
	{ OPT_PROFILE, "profile", OPT_STR, "NAME|FILE", NULL, .help = "testbed: the rules of a profile (repeatable)" },
	{ OPT_CONTROL, "control", OPT_STR, "SOCKET", NULL, .help = "testbed: control socket for `stalefs ctl`" },
	{ OPT_STATS, "stats", OPT_STR, "FILE", NULL, .help = "testbed: JSON counters, written on SIGUSR1 and at exit" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define CONFIG_MAX_OPTS (NELEM(shared_opts) + NELEM(vhost_only_opts) + NELEM(testbed_opts))

/* A command's table: virtiofsd's shared options, its own, then the testbed's. */
static size_t command_opts(enum config_cmd cmd, struct opt *tab)
{
	const struct opt *own = cmd == CONFIG_VIRTIOFSD ? vhost_only_opts : mount_only_opts;
	size_t nown = cmd == CONFIG_VIRTIOFSD ? NELEM(vhost_only_opts) : NELEM(mount_only_opts), n = 0;

	memcpy(tab + n, shared_opts, sizeof(shared_opts));
	n += NELEM(shared_opts);
	memcpy(tab + n, own, nown * sizeof(*own));
	n += nown;
	memcpy(tab + n, testbed_opts, sizeof(testbed_opts));
	return n + NELEM(testbed_opts);
}

void config_usage(enum config_cmd cmd)
{
	struct opt tab[CONFIG_MAX_OPTS];
	struct opts o = { .tab = tab, .n = command_opts(cmd, tab) };

	if (cmd == CONFIG_VIRTIOFSD) {
		opts_help(&o, stdout, "stalefs-virtiofsd --shared-dir DIR --socket-path PATH [options]",
			  "stalefs's daemon as a vhost-user-fs back end: a drop-in for virtiofsd 1.13 under QEMU,\n"
			  "libvirt or bcvk, with the same inode model, faults, event log and stats as `stalefs mount`.\n"
			  "It serves one front-end connection in the foreground and exits when it closes. Fault kinds\n"
			  "that need FUSE notifications (kernel-evict) are refused: virtio-fs has no notification queue.\n"
			  "exit: 0 the front end disconnected (or SIGTERM), 1 failure while serving, 2 bad input or a\n"
			  "socket path in use, 77 cannot run here (user namespaces, file handles for mandatory)");
		return;
	}
	opts_help(&o, stdout, "stalefs mount --shared-dir DIR [options] MOUNTPOINT",
		  "A FUSE passthrough daemon that models virtiofsd 1.13's inode store. Options may come\n"
		  "anywhere, also after MOUNTPOINT; \"--\" ends them.\n"
		  "exit: 0 clean unmount, 1 failure while serving, 2 bad input, 77 cannot run here\n"
		  "(no /dev/fuse, no user namespaces, file handles that do not work for mandatory)");
}

/* One option's value into cfg. 0 or -EINVAL with err set. */
static int apply(struct config *cfg, const struct opts *o, int id, bool *rdp_off, char *err,
		 size_t errlen)
{
	const char *arg = o->arg;

	switch (id) {
	case OPT_SHARED_DIR:
		cfg->shared_dir = arg;
		break;
	case OPT_INODE_FH:
		cfg->inode_mode = inode_mode_parse(arg, &cfg->inode_mode_fallback);
		break;
	case OPT_CACHE:
		cfg->cache = cache_policy_parse(arg);
		break;
	case OPT_NO_RDP:
		*rdp_off = true;
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
	case OPT_POSIX_ACL:
		cfg->posix_acl = true;
		break;
	case OPT_POOL:
		cfg->thread_pool_size = o->u;
		break;
	case OPT_BUSY_POLL:
		cfg->busy_poll_us = o->u;
		break;
	case OPT_RLIMIT:
		cfg->rlimit_nofile = o->u;
		cfg->rlimit_nofile_set = true;
		break;
	case OPT_VERSION:
		cfg->virtiofsd_version = virtiofsd_version_parse(arg);
		break;
	case OPT_SUBMOUNTS:
		cfg->announce_submounts = true;
		break;
	case OPT_NO_SUBMOUNTS:
		cfg->announce_submounts = false;
		break;
	case OPT_NAMES:
		cfg->identity_names = o->u;
		break;
	case OPT_ALLOW_MMAP:
		cfg->allow_mmap = true;
		break;
	case OPT_ALLOW_STACKED:
		cfg->allow_stacked = true;
		break;
	case OPT_SANDBOX:
		if (strcmp(arg, "none") != 0)
			return errmsg(err, errlen, -EINVAL, "--sandbox=%s is not supported (only none)", arg);
		break;
	case OPT_FG:
		cfg->foreground = true;
		break;
	case OPT_DEBUG:
		cfg->debug = true;
		break;
	case OPT_LOG_LEVEL:
		cfg->log_level = log_level_parse(arg);
		break;
	case OPT_UNPRIV:
		cfg->unprivileged = true;
		break;
	case OPT_USERNS:
		cfg->userns = true;
		break;
	case OPT_EVENTS:
		cfg->events_path = arg;
		break;
	case OPT_INJECT: {
		char why[256];
		struct rule r;

		if (cfg->nrules == CONFIG_MAX_RULES)
			return errmsg(err, errlen, -EINVAL, "more than %d --inject rules", CONFIG_MAX_RULES);
		if (rule_parse(arg, &r, why, sizeof(why)) < 0)
			return errmsg(err, errlen, -EINVAL, "--inject '%s': %s", arg, why);
		cfg->rules[cfg->nrules++] = arg;
		break;
	}
	case OPT_PROFILE:
		if (cfg->nprofiles == CONFIG_MAX_RULES)
			return errmsg(err, errlen, -EINVAL, "more than %d --profile options", CONFIG_MAX_RULES);
		if (inject_find_profile(arg, cfg->profile_buf[cfg->nprofiles],
					sizeof(cfg->profile_buf[0])) < 0)
			return errmsg(err, errlen, -EINVAL, "--profile '%s': no such profile (a file, or a name in inject/profiles)", arg);
		cfg->profiles[cfg->nprofiles] = cfg->profile_buf[cfg->nprofiles];
		cfg->nprofiles++;
		break;
	case OPT_CONTROL:
		cfg->control_path = arg;
		break;
	case OPT_STATS:
		cfg->stats_path = arg;
		break;
	case OPT_DASH_O:
		return errmsg(err, errlen, -EINVAL, "-o options are not supported; use the long options (see --help)");
	case OPT_SOCKET_PATH:
	case OPT_SOCKET:
		cfg->socket_path = arg;
		break;
	case OPT_SOCKET_GROUP:
		cfg->socket_group = arg;
		break;
	case OPT_FD:
		cfg->socket_fd = (int)o->u;
		break;
	case OPT_TAG:
	case OPT_SECCOMP:
	case OPT_NO_KILLPRIV2:
	case OPT_COMPAT_F:
		break;	/* accepted with no effect (their help says why) */
	case OPT_LOG_DEBUG:
		cfg->log_level = LOG_LVL_DEBUG;
		break;
	case OPT_PRINT_CAPS:
		cfg->print_capabilities = true;
		break;
	case OPT_PRINT_VERSION:
		cfg->print_version = true;
		break;
	case OPT_REFUSED:
		return errmsg(err, errlen, -EINVAL, "--%s is not supported (%s)", o->cur->name,
			      o->cur->help + strlen("refused: "));
	}
	return 0;
}

static int parse(struct config *cfg, enum config_cmd cmd, int argc, char **argv, char *err,
		 size_t errlen)
{
	const char *name = cmd == CONFIG_VIRTIOFSD ? "stalefs-virtiofsd" : "stalefs mount";
	struct opt tab[CONFIG_MAX_OPTS];
	bool rdp_off = false;
	struct opts o;
	int id, ret;

	*cfg = (struct config){
		.inode_mode = INODE_MODE_NEVER,
		.cache = CACHE_AUTO,
		.readdirplus = true,
		.log_level = LOG_LVL_INFO,
		.virtiofsd_version = VIRTIOFSD_1_13_2,
		.announce_submounts = true,
		.identity_names = CONFIG_NAMES_DEFAULT,
		.vhost_user = cmd == CONFIG_VIRTIOFSD,
		.socket_fd = -1,
	};
	err[0] = '\0';
	if (opts_init(&o, name, tab, command_opts(cmd, tab), argc, argv) < 0)
		return errmsg(err, errlen, -EINVAL, "out of memory");
	while ((id = opts_next(&o)) > 0) {
		ret = apply(cfg, &o, id, &rdp_off, err, errlen);
		if (ret < 0) {
			opts_fini(&o);
			return ret;
		}
	}
	opts_fini(&o);
	if (id == OPTS_HELP) {
		config_usage(cmd);
		return CONFIG_HELP;
	}
	if (id == OPTS_BAD)
		return errmsg(err, errlen, -EINVAL, "%s", o.why);
	id = o.optind;	/* the first positional */
	if (cmd == CONFIG_VIRTIOFSD) {
		if (id < argc)
			return errmsg(err, errlen, -EINVAL, "unexpected argument '%s'", argv[id]);
		if (cfg->print_capabilities || cfg->print_version)
			return 0;
		if (!cfg->socket_path && cfg->socket_fd < 0)
			return errmsg(err, errlen, -EINVAL, "missing --socket-path=PATH (or --fd=FD)");
		if (cfg->socket_path && cfg->socket_fd >= 0)
			return errmsg(err, errlen, -EINVAL, "--socket-path and --fd exclude each other");
		cfg->foreground = true;
	} else {
		if (id >= argc)
			return errmsg(err, errlen, -EINVAL, "missing MOUNTPOINT (see --help)");
		if (id + 1 < argc)
			return errmsg(err, errlen, -EINVAL, "unexpected argument '%s'", argv[id + 1]);
		cfg->mountpoint = argv[id];
	}
	if (!cfg->shared_dir)
		return errmsg(err, errlen, -EINVAL, "missing --shared-dir=DIR");
	if (rdp_off)
		cfg->readdirplus = false;
	if (cfg->posix_acl)
		cfg->xattr = true;	/* the kernel reads the ACLs as xattrs */
	config_derive(cfg);
	return 0;
}

int config_parse(struct config *cfg, int argc, char **argv, char *err, size_t errlen)
{
	return parse(cfg, CONFIG_MOUNT, argc, argv, err, errlen);
}

int config_parse_virtiofsd(struct config *cfg, int argc, char **argv, char *err, size_t errlen)
{
	return parse(cfg, CONFIG_VIRTIOFSD, argc, argv, err, errlen);
}

static int check_dir(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errmsg(err, errlen, -EINVAL, "%s '%s': %s", what, path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return errmsg(err, errlen, -EINVAL, "%s '%s' is not a directory", what, path);
	return 0;
}

/* Whether a live daemon listens at a --control path (checked again at bind). */
static bool control_answers(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int dirfd;
	bool live;

	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode) || unixaddr_make(&sa, path, &dirfd) < 0)
		return false;
	live = unixaddr_answers(&sa, sizeof(sa));
	if (dirfd >= 0)
		close(dirfd);
	return live;
}

int config_check_paths(const struct config *cfg, char *err, size_t errlen)
{
	char shared[PATH_MAX], mnt[PATH_MAX];
	size_t n;
	int ret = check_dir("shared dir", cfg->shared_dir, err, errlen);

	if (ret == 0 && cfg->control_path && control_answers(cfg->control_path))
		return errmsg(err, errlen, -EINVAL, "--control '%s': another daemon answers on it "
			      "(give another path)", cfg->control_path);

	if (ret == 0 && cfg->vhost_user)
		return 0;	/* no mountpoint; the socket is checked when it is bound */
	if (ret == 0)
		ret = check_dir("mountpoint", cfg->mountpoint, err, errlen);
	if (ret < 0)
		return ret;
	/* A second mount over a live one hides it (and each stop then unmounts
	 * the wrong one): only when asked for. */
	if (!cfg->allow_stacked && realpath(cfg->mountpoint, mnt) && mountinfo_is_mount(mnt))
		return errmsg(err, errlen, -EINVAL, "mountpoint '%s' is already a mount (unmount it, "
			      "or --allow-stacked to mount over it)", cfg->mountpoint);
	/* A mountpoint inside the shared dir would make the daemon look itself
	 * up: a lookup there sends a request to ourselves and hangs. */
	if (realpath(cfg->shared_dir, shared) && realpath(cfg->mountpoint, mnt)) {
		n = strlen(shared);
		if (strcmp(shared, "/") == 0 || (strncmp(mnt, shared, n) == 0 &&
						 (mnt[n] == '\0' || mnt[n] == '/')))
			return errmsg(err, errlen, -EINVAL, "mountpoint '%s' is inside the shared dir '%s'",
				    cfg->mountpoint, cfg->shared_dir);
	}
	return 0;
}
