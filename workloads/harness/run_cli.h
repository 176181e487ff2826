/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `stalefs run` and `stalefs matrix`; argv[0] is the subcommand. Exit codes in run_cli.c. */
#ifndef STALEFS_RUN_CLI_H
#define STALEFS_RUN_CLI_H

int run_main(int argc, char **argv);
int matrix_main(int argc, char **argv);
int compare_main(int argc, char **argv);

#endif
