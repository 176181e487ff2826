/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Programs the doctor looks for: found on $PATH, asked for their version
 * in a bounded child, and the checks of the tools compare and the ostree
 * workload need (ostree, virtiofsd, qemu).
 */
#ifndef STALEFS_DOCTOR_PROG_H
#define STALEFS_DOCTOR_PROG_H

#include <stdbool.h>
#include <stddef.h>

#include "doctor_check.h"

/* The binary name: with a slash as is, else the first match on $PATH. */
bool prog_find(const char *name, char *out, size_t len);

/* Run PROG ARG and find a version in what it printed; out says why not
 * when there is none ("(no answer to --version in 5 s)"). 0, or
 * -ETIMEDOUT when the program hung. */
int prog_version(const char *prog, const char *arg, char *out, size_t len);

void check_ostree(struct doctor *d);
void check_virtiofsd(struct doctor *d);
/* qemu-system-x86_64 and /dev/kvm (only stat'ed: opening it hangs on some
 * machines). */
void check_qemu(struct doctor *d);
/* stalefs-virtiofsd: built (libfuse 3.13+) and next to this stalefs. */
void check_vhost(struct doctor *d);

#endif
