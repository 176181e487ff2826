/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `stalefs ctl SOCKET COMMAND...`: the client of a daemon's control socket;
 * `stalefs ctl --help` lists the commands from its table. */
#ifndef STALEFS_CTL_CLI_H
#define STALEFS_CTL_CLI_H

/* Exit 0 on an "ok" reply, 1 on "error" or no daemon, 2 on bad usage. */
int ctl_main(int argc, char **argv);

#endif
