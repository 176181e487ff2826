/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's configuration: virtiofsd's option names and meanings, plus
 * testbed-only switches. Parsed once by config_parse(); read-only afterwards,
 * so any thread may read it without a lock.
 */
#ifndef STALEFS_CONFIG_H
#define STALEFS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"
#include "modes.h"

#define CONFIG_MAX_RULES 64
#define CONFIG_RLIMIT_MAX 1073741816ULL	/* the kernel's largest fs.nr_open */
#define CONFIG_NAMES_DEFAULT 65536U	/* identity table slots */
#define CONFIG_NAMES_MAX (1U << 24)

struct config {
	const char *shared_dir;
	const char *mountpoint;		/* stalefs mount; NULL for vhost-user */
	/* stalefs-virtiofsd: serve one vhost-user-fs front end instead of mounting. */
	bool vhost_user;
	const char *socket_path;	/* --socket-path (or --socket) */
	int socket_fd;			/* --fd: an inherited listening socket; -1 */
	const char *socket_group;	/* --socket-group */
	bool print_capabilities;	/* --print-capabilities: print, exit */
	bool print_version;		/* --version */
	enum inode_mode inode_mode;
	bool inode_mode_fallback;	/* given as the deprecated "fallback" */
	enum cache_policy cache;
	bool readdirplus;		/* false with --no-readdirplus or cache=never */
	bool readonly;
	bool xattr;			/* also set by posix_acl */
	bool posix_acl;			/* --posix-acl: FUSE_POSIX_ACL, the kernel enforces ACLs */
	bool allow_mmap;
	bool allow_stacked;		/* --allow-stacked: mount over a mount */
	bool foreground;
	bool debug;
	bool unprivileged;		/* drop CAP_DAC_READ_SEARCH before the probe */
	bool userns;			/* enter a user namespace after mounting */
	unsigned int thread_pool_size;	/* 0: serial, one thread */
	unsigned int busy_poll_us;	/* workers read on this long before sleeping */
	enum virtiofsd_version virtiofsd_version;
	unsigned long long rlimit_nofile;	/* --rlimit-nofile; 0 leaves the limit alone */
	bool rlimit_nofile_set;		/* given (else virtiofsd's default) */
	bool announce_submounts;	/* FUSE_ATTR_SUBMOUNT on dirs on another mount */
	unsigned int identity_names;	/* identity table slots; 0: no tracking */
	enum log_level log_level;
	const char *events_path;	/* JSON lines, one per error reply */
	const char *stats_path;		/* JSON, rewritten on SIGUSR1 and at exit */
	const char *control_path;	/* unix socket for `stalefs ctl` */
	const char *rules[CONFIG_MAX_RULES];	/* --inject, checked by rule_parse */
	unsigned int nrules;
	const char *profiles[CONFIG_MAX_RULES];	/* --profile, resolved to paths */
	char profile_buf[CONFIG_MAX_RULES][512];
	unsigned int nprofiles;

	/* Derived from cache, worked out in one place (config_derive). */
	double entry_timeout;
	double attr_timeout;
	bool file_direct_io;
	bool file_keep_cache;
	bool dir_cache;			/* FOPEN_CACHE_DIR + KEEP_CACHE on dirs */
};

/* Parse result beyond 0 / -errno. */
#define CONFIG_HELP 1

enum config_cmd {
	CONFIG_MOUNT,		/* stalefs mount ... MOUNTPOINT */
	CONFIG_VIRTIOFSD,	/* stalefs-virtiofsd --socket-path ... */
};

/*
 * Parse "mount" arguments (argv[0] is the command name). Returns 0,
 * CONFIG_HELP when --help was printed, or -EINVAL with a one-line reason in
 * err. Touches the filesystem only to find --profile files.
 */
int config_parse(struct config *cfg, int argc, char **argv, char *err, size_t errlen);
/* The same for stalefs-virtiofsd: virtiofsd 1.13's command line (no
 * positionals; --socket-path or --fd; its options that stalefs does not
 * model are refused by name) plus the testbed options. */
int config_parse_virtiofsd(struct config *cfg, int argc, char **argv, char *err, size_t errlen);


/* Check that shared dir and mountpoint (if any) exist and are directories. 0 / -errno. */
int config_check_paths(const struct config *cfg, char *err, size_t errlen);


void config_usage(enum config_cmd cmd);

#endif
