// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `stalefs mount`: parse the options once into a read-only config, check its
 * paths, then run the daemon until it is unmounted or signalled.
 *
 *   stalefs mount --shared-dir=/srv/tree /mnt/tree
 *   stalefs mount --shared-dir=/srv/tree --inode-file-handles=prefer --unprivileged -f /mnt/t
 */
#include "mount.h"

#include <stdio.h>

#include "config.h"
#include "daemon.h"
#include "exitcode.h"
#include "log.h"

int mount_main(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int ret;

	log_set_prog("stalefs mount");
	ret = config_parse(&cfg, argc, argv, err, sizeof(err));
	if (ret == CONFIG_HELP)
		return 0;
	if (ret == 0)
		ret = config_check_paths(&cfg, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "stalefs mount: %s\n", err);
		return EXIT_USAGE;
	}
	return daemon_run(&cfg);
}

