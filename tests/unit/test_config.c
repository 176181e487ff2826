// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `stalefs mount` options: virtiofsd's names and defaults, the cache table
 * of research §4, a one-line reason for every bad input, and options
 * anywhere on the command line (before "--"). stalefs-virtiofsd's command
 * line: bcvk's exact flags, --socket-path or --fd, refused options by name.
 */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "unit.h"

static struct config cfg;
static char err[512];

#define PARSE(...) ({ \
	char *argv_[] = { "mount", __VA_ARGS__, NULL }; \
	config_parse(&cfg, (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, err, sizeof(err)); \
})

#define VPARSE(...) ({ \
	char *argv_[] = { "stalefs-virtiofsd", __VA_ARGS__, NULL }; \
	config_parse_virtiofsd(&cfg, (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, err, \
			       sizeof(err)); \
})

START_TEST(bcvks_virtiofsd_command_line_is_accepted_as_is)
{
	ck_assert_int_eq(VPARSE("--socket-path", "/run/v.sock", "--shared-dir", "/srv",
				"--cache=never", "--sandbox=none", "--inode-file-handles=fallback",
				"--readonly"), 0);
	ck_assert_str_eq(cfg.socket_path, "/run/v.sock");
	ck_assert_int_eq(cfg.socket_fd, -1);
	ck_assert_str_eq(cfg.shared_dir, "/srv");
	ck_assert_int_eq(cfg.cache, CACHE_NEVER);
	ck_assert_int_eq(cfg.inode_mode, INODE_MODE_PREFER);
	ck_assert(cfg.readonly);
	ck_assert(cfg.foreground);
	ck_assert_ptr_null(cfg.mountpoint);
}
END_TEST

START_TEST(virtiofsd_needs_one_socket)
{
	ck_assert_int_eq(VPARSE("--shared-dir=/srv"), -EINVAL);
	ck_assert_str_eq(err, "missing --socket-path=PATH (or --fd=FD)");
	ck_assert_int_eq(VPARSE("--shared-dir=/srv", "--socket-path=/s", "--fd=3"), -EINVAL);
	ck_assert_str_eq(err, "--socket-path and --fd exclude each other");
	ck_assert_int_eq(VPARSE("--shared-dir=/srv", "--fd=3"), 0);
	ck_assert_int_eq(cfg.socket_fd, 3);
}
END_TEST

START_TEST(virtiofsd_takes_no_mountpoint)
{
	ck_assert_int_eq(VPARSE("--socket-path=/s", "--shared-dir=/srv", "/mnt"), -EINVAL);
	ck_assert_str_eq(err, "unexpected argument '/mnt'");
}
END_TEST

START_TEST(unmodelled_virtiofsd_options_are_refused_by_name)
{
	ck_assert_int_eq(VPARSE("--socket-path=/s", "--shared-dir=/srv", "--writeback"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--writeback is not supported"));
	ck_assert_int_eq(VPARSE("--socket-path=/s", "--shared-dir=/srv", "--sandbox=namespace"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--sandbox=namespace is not supported (only none)"));
}
END_TEST

START_TEST(posix_acl_implies_xattr_in_both_commands)
{
	ck_assert_int_eq(VPARSE("--socket-path=/s", "--shared-dir=/srv", "--posix-acl"), 0);
	ck_assert(cfg.posix_acl);
	ck_assert(cfg.xattr);
	ck_assert_int_eq(VPARSE("--socket-path=/s", "--shared-dir=/srv", "--posix-acl", "--no-xattr"), 0);
	ck_assert(cfg.xattr);
}
END_TEST

START_TEST(print_capabilities_needs_nothing_else)
{
	ck_assert_int_eq(VPARSE("--print-capabilities"), 0);
	ck_assert(cfg.print_capabilities);
}
END_TEST

START_TEST(testbed_options_work_behind_virtio_fs_too)
{
	ck_assert_int_eq(VPARSE("--socket-path=/s", "--shared-dir=/srv", "--events=/tmp/e.jsonl",
				"--inject=errno:op=READ,every=7,errno=ESTALE", "--unprivileged"), 0);
	ck_assert_str_eq(cfg.events_path, "/tmp/e.jsonl");
	ck_assert(cfg.unprivileged);
}
END_TEST

START_TEST(defaults_match_virtiofsd_1_13)
{
	ck_assert_int_eq(PARSE("--shared-dir=/srv", "/mnt"), 0);
	ck_assert_str_eq(cfg.shared_dir, "/srv");
	ck_assert_str_eq(cfg.mountpoint, "/mnt");
	ck_assert_int_eq(cfg.inode_mode, INODE_MODE_NEVER);
	ck_assert_int_eq(cfg.cache, CACHE_AUTO);
	ck_assert_uint_eq(cfg.thread_pool_size, 0);
	ck_assert(cfg.readdirplus);
	ck_assert(!cfg.xattr);
	ck_assert(!cfg.readonly);
	ck_assert(!cfg.foreground);
}
END_TEST

START_TEST(fallback_is_prefer_and_remembered)
{
	ck_assert_int_eq(PARSE("--shared-dir", "/srv", "--inode-file-handles=fallback", "/mnt"), 0);
	ck_assert_int_eq(cfg.inode_mode, INODE_MODE_PREFER);
	ck_assert(cfg.inode_mode_fallback);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--inode-file-handles=prefer", "/m"), 0);
	ck_assert(!cfg.inode_mode_fallback);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--inode-file-handles=mandatory", "/m"), 0);
	ck_assert_int_eq(cfg.inode_mode, INODE_MODE_MANDATORY);
}
END_TEST

START_TEST(cache_never_is_strict_and_turns_off_readdirplus)
{
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--cache=never", "/m"), 0);
	ck_assert(cfg.entry_timeout == 0.0 && cfg.attr_timeout == 0.0);
	ck_assert(!cfg.readdirplus);
	ck_assert(cfg.file_direct_io);
	ck_assert(!cfg.file_keep_cache);
	ck_assert(!cfg.dir_cache);
}
END_TEST

START_TEST(cache_metadata_auto_always_follow_the_table)
{
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--cache=metadata", "/m"), 0);
	ck_assert(cfg.entry_timeout == 86400.0 && cfg.readdirplus && cfg.file_direct_io &&
		  cfg.dir_cache && !cfg.file_keep_cache);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--cache=auto", "/m"), 0);
	ck_assert(cfg.entry_timeout == 1.0 && cfg.attr_timeout == 1.0 && cfg.readdirplus &&
		  !cfg.file_direct_io && !cfg.dir_cache && !cfg.file_keep_cache);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--cache=always", "/m"), 0);
	ck_assert(cfg.entry_timeout == 86400.0 && cfg.readdirplus && !cfg.file_direct_io &&
		  cfg.dir_cache && cfg.file_keep_cache);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--cache=always", "--no-readdirplus", "/m"), 0);
	ck_assert(!cfg.readdirplus);
}
END_TEST

START_TEST(switches_are_parsed)
{
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--readonly", "--xattr", "--allow-mmap",
			       "--thread-pool-size=4", "--unprivileged", "--userns",
			       "--events=/e", "--stats=/st", "--log-level=warn",
			       "--sandbox=none", "-f", "/m"), 0);
	ck_assert(cfg.readonly && cfg.xattr && cfg.allow_mmap && cfg.unprivileged &&
		  cfg.userns && cfg.foreground);
	ck_assert_uint_eq(cfg.thread_pool_size, 4);
	ck_assert_str_eq(cfg.events_path, "/e");
	ck_assert_str_eq(cfg.stats_path, "/st");
	ck_assert_int_eq(cfg.log_level, LOG_LVL_WARN);
}
END_TEST

START_TEST(debug_implies_foreground)
{
	ck_assert_int_eq(PARSE("--shared-dir=/s", "-d", "/m"), 0);
	ck_assert(cfg.foreground && cfg.debug);
	ck_assert_int_eq(cfg.log_level, LOG_LVL_DEBUG);
}
END_TEST

START_TEST(bad_input_has_a_reason)
{
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--inode-file-handles=sometimes", "/m"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "sometimes"));
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--cache=lots", "/m"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "lots"));
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--thread-pool-size=-1", "/m"), -EINVAL);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--thread-pool-size=x", "/m"), -EINVAL);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--sandbox=chroot", "/m"), -EINVAL);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--bogus", "/m"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--bogus"));
	ck_assert_int_eq(PARSE("/m"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--shared-dir"));
	ck_assert_int_eq(PARSE("--shared-dir=/s"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "MOUNTPOINT"));
	ck_assert_int_eq(PARSE("--shared-dir=/s", "/m", "/extra"), -EINVAL);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--cache"), -EINVAL);
	ck_assert_ptr_null(strchr(err, '\n'));
	/* Exact names only: getopt's unique prefixes are not accepted. */
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--read", "/m"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--readonly"));
	ck_assert_int_eq(PARSE("--shared=/s", "/m"), -EINVAL);
	ck_assert_int_eq(PARSE("--shared-dir", "/s", "--inode=prefer", "/m"), -EINVAL);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--inject=errno:errno=EBOGUS", "/m"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "errno: unknown errno 'EBOGUS'"));
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--profile=no-such-profile", "/m"), -EINVAL);
}
END_TEST

START_TEST(inject_rules_and_profiles_are_kept)
{
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--inject=evict:every=3",
			       "--inject", "errno:op=READ,errno=EIO", "--control=/run/x.sock", "/m"), 0);
	ck_assert_uint_eq(cfg.nrules, 2);
	ck_assert_str_eq(cfg.rules[1], "errno:op=READ,errno=EIO");
	ck_assert_str_eq(cfg.control_path, "/run/x.sock");
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--profile=server-restart", "/m"), 0);
	ck_assert_uint_eq(cfg.nprofiles, 1);
	ck_assert_ptr_nonnull(strstr(cfg.profiles[0], "server-restart.rules"));
}
END_TEST

START_TEST(paths_must_be_directories)
{
	ck_assert_int_eq(PARSE("--shared-dir=/nonexistent-stalefs", "/tmp"), 0);
	ck_assert_int_eq(config_check_paths(&cfg, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	ck_assert_int_eq(PARSE("--shared-dir=/tmp", "/proc/self/status"), 0);
	ck_assert_int_eq(config_check_paths(&cfg, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a directory"));
	ck_assert_int_eq(PARSE("--shared-dir=/usr", "/tmp"), 0);
	ck_assert_int_eq(config_check_paths(&cfg, err, sizeof(err)), 0);
	/* A mountpoint in the shared dir would make the daemon serve itself. */
	ck_assert_int_eq(PARSE("--shared-dir=/usr", "/usr/lib"), 0);
	ck_assert_int_eq(config_check_paths(&cfg, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "inside the shared dir"));
	ck_assert_int_eq(PARSE("--shared-dir=/tmp", "/tmp"), 0);
	ck_assert_int_eq(config_check_paths(&cfg, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(virtiofsd_model_options)
{
	ck_assert_int_eq(PARSE("--shared-dir=/srv", "/mnt"), 0);
	ck_assert_int_eq(cfg.virtiofsd_version, VIRTIOFSD_1_13_2);
	ck_assert(!cfg.rlimit_nofile_set);
	ck_assert(cfg.announce_submounts);	/* on by default in 1.13 */
	ck_assert_uint_eq(cfg.identity_names, CONFIG_NAMES_DEFAULT);
	ck_assert_int_eq(PARSE("--shared-dir=/srv", "--virtiofsd-version=1.13.0", "--rlimit-nofile=0",
			       "--no-announce-submounts", "--identity-names=0", "/mnt"), 0);
	ck_assert_int_eq(cfg.virtiofsd_version, VIRTIOFSD_1_13_0);
	ck_assert(cfg.rlimit_nofile_set);
	ck_assert_uint_eq(cfg.rlimit_nofile, 0);
	ck_assert(!cfg.announce_submounts);
	ck_assert_uint_eq(cfg.identity_names, 0);
	ck_assert_int_eq(PARSE("--shared-dir=/srv", "--no-announce-submounts", "--announce-submounts",
			       "/mnt"), 0);
	ck_assert(cfg.announce_submounts);	/* the last one wins */
}
END_TEST

START_TEST(virtiofsd_model_bad_input_has_a_reason)
{
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--rlimit-nofile=-1", "/m"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad --rlimit-nofile '-1'"));
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--rlimit-nofile=1073741817", "/m"), -EINVAL);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--rlimit-nofile=12x", "/m"), -EINVAL);
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--virtiofsd-version=1.13.1", "/m"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad --virtiofsd-version '1.13.1' (1.13.0|1.13.2)"));
	ck_assert_int_eq(PARSE("--shared-dir=/s", "--identity-names=99999999", "/m"), -EINVAL);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(options_go_anywhere_but_after_dashdash)
{
	ck_assert_int_eq(PARSE("--shared-dir", "/srv", "/mnt", "-f", "--cache", "never"), 0);
	ck_assert_str_eq(cfg.mountpoint, "/mnt");
	ck_assert(cfg.foreground);
	ck_assert_int_eq(cfg.cache, CACHE_NEVER);
	ck_assert_int_eq(PARSE("--shared-dir=/srv", "/mnt", "/other"), -EINVAL);
	ck_assert_str_eq(err, "unexpected argument '/other'");
	/* After "--" everything is an argument. */
	ck_assert_int_eq(PARSE("--shared-dir=/srv", "--", "/mnt", "--cache=never"), -EINVAL);
	ck_assert_str_eq(err, "unexpected argument '--cache=never'");
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, defaults_match_virtiofsd_1_13);
	tcase_add_test(tc, bcvks_virtiofsd_command_line_is_accepted_as_is);
	tcase_add_test(tc, virtiofsd_needs_one_socket);
	tcase_add_test(tc, virtiofsd_takes_no_mountpoint);
	tcase_add_test(tc, unmodelled_virtiofsd_options_are_refused_by_name);
	tcase_add_test(tc, posix_acl_implies_xattr_in_both_commands);
	tcase_add_test(tc, print_capabilities_needs_nothing_else);
	tcase_add_test(tc, testbed_options_work_behind_virtio_fs_too);
	tcase_add_test(tc, virtiofsd_model_options);
	tcase_add_test(tc, virtiofsd_model_bad_input_has_a_reason);
	tcase_add_test(tc, fallback_is_prefer_and_remembered);
	tcase_add_test(tc, cache_never_is_strict_and_turns_off_readdirplus);
	tcase_add_test(tc, cache_metadata_auto_always_follow_the_table);
	tcase_add_test(tc, switches_are_parsed);
	tcase_add_test(tc, debug_implies_foreground);
	tcase_add_test(tc, bad_input_has_a_reason);
	tcase_add_test(tc, paths_must_be_directories);
	tcase_add_test(tc, inject_rules_and_profiles_are_kept);
	tcase_add_test(tc, options_go_anywhere_but_after_dashdash);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(config_suite());
}
