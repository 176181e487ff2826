/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `stalefs workload ...`: the workload commands. */
#ifndef STALEFS_WORKLOAD_CLI_H
#define STALEFS_WORKLOAD_CLI_H

/* argv[0] is "workload". Returns the exit code (0, 1, 2 usage, 77 env). */
int workload_main(int argc, char **argv);

#endif
