// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `stalefs-virtiofsd`: stalefs's daemon behind virtio-fs, with virtiofsd
 * 1.13's command line, so QEMU, libvirt and bcvk can start it in place of
 * virtiofsd (bcvk: VIRTIOFSD_BIN or --virtiofsd; libvirt: <binary path=...>).
 *
 *   stalefs-virtiofsd --socket-path=/run/vfs.sock --shared-dir=/srv/tree \
 *       --cache=never --sandbox=none --inode-file-handles=fallback --readonly
 *   stalefs-virtiofsd --print-capabilities     # what libvirt asks first
 */
#include <stdio.h>

#include "build_config.h"
#include "config.h"
#include "daemon.h"
#include "exitcode.h"
#include "log.h"

/* vhost-user.json (QEMU docs/interop/vhost-user.json): a file-system back
 * end; "separate-options" tells libvirt to pass --shared-dir and friends
 * rather than -o. No "migrate-precopy": there is no migration here. */
static void print_capabilities(void)
{
	printf("{\n  \"type\": \"fs\",\n  \"features\": [\n    \"separate-options\"\n  ]\n}\n");
}

int main(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int ret;

	log_set_prog("stalefs-virtiofsd");
	ret = config_parse_virtiofsd(&cfg, argc, argv, err, sizeof(err));
	if (ret == CONFIG_HELP)
		return 0;
	if (ret == 0 && cfg.print_capabilities) {
		print_capabilities();
		return 0;
	}
	if (ret == 0 && cfg.print_version) {
		printf("stalefs-virtiofsd %s (models virtiofsd 1.13.0 and 1.13.2)\n", STALEFS_VERSION);
		return 0;
	}
	if (ret == 0)
		ret = config_check_paths(&cfg, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "stalefs-virtiofsd: %s\n", err);
		return EXIT_USAGE;
	}
	return daemon_run(&cfg);
}
