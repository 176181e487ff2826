/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `stalefs doctor` prints on stdout: one line per check and a "can run"
 * summary (inode modes, privileges, workloads, attribution), or the same as
 * one JSON object (--json).
 */
#ifndef STALEFS_DOCTOR_OUTPUT_H
#define STALEFS_DOCTOR_OUTPUT_H

#include <sys/utsname.h>

#include "doctor_check.h"

void doctor_print_text(const struct doctor *d, const struct utsname *u, long cpus);
void doctor_print_json(const struct doctor *d, const struct utsname *u, long cpus);

#endif
