/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The testbed's privilege conditions: drop CAP_DAC_READ_SEARCH (so
 * open_by_handle_at answers EPERM), or move into a new user namespace that
 * maps uid/gid 0 to 0 (bcvk's rootless-container condition).
 */
#ifndef STALEFS_PRIVS_H
#define STALEFS_PRIVS_H

/* Drop CAP_DAC_READ_SEARCH from every set of this thread. 0 or -errno. */
int privs_drop_dac_read_search(void);

/* Enter a new user namespace; call while single-threaded. 0 or -errno. */
int privs_enter_userns(void);
/* In a process just made in a new user namespace (clone CLONE_NEWUSER): map
 * uid and gid 0 to ours, deny setgroups. 0 or -errno. */
int privs_map_userns(void);

/* Is CAP_DAC_READ_SEARCH in this thread's effective set? */
int privs_has_dac_read_search(void);

#endif
