/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared helpers of the Check unit tests: run a suite (TAP on stdout when
 * meson asks for it), skip a whole binary with a reason (exit 77), and a
 * per-test temporary directory. Unit tests never mount anything.
 */
#ifndef STALEFS_TESTS_UNIT_H
#define STALEFS_TESTS_UNIT_H

#include <check.h>

#define UNIT_SKIP 77

/* Run every test of s; 0 if all passed, 1 otherwise. */
int unit_run(Suite *s);

/* Print "SKIP: reason" and exit 77 (the whole binary is skipped). */
void unit_skip_all(const char *reason) __attribute__((noreturn));

/* A fresh directory under $TMPDIR or /tmp; unit_rmtree removes it. */
void unit_mkdtemp(char *buf, size_t len);
void unit_rmtree(const char *path);

/* Send len bytes on the stream socket s with nfds fds (SCM_RIGHTS, at most
 * 8), as a vhost-user front end does; asserts the whole message went. */
void unit_send_fds(int s, const void *buf, size_t len, const int *fds, unsigned int nfds);

/* Write text into dir/name (created, truncated). */
void unit_write_file(int dirfd, const char *name, const char *text);

#endif
