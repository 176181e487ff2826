/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's entry: `stalefs mount [options] MOUNTPOINT`. The stalefs
 * command links the daemon and calls this with argv from "mount" on; nothing
 * else in passthrough/ knows the command exists.
 */
#ifndef STALEFS_MOUNT_H
#define STALEFS_MOUNT_H

/* Exit code (exitcode.h): 0 unmounted cleanly, 1 failure, 2 bad input, 77 cannot run here. */
int mount_main(int argc, char **argv);

#endif
