/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Carrying out an injected fault that answers an errno: the one place that
 * records the rule as the error's source (errsrc) and logs what the fault
 * answered, so every injected error can be traced back to its rule.
 */
#ifndef STALEFS_FAULT_H
#define STALEFS_FAULT_H

#include "inject.h"

/* Answer fire->err (or err when nonzero) for pt. Returns -errno. */
int fault_answer(struct inject *inj, const struct inject_fire *fire,
		 const struct inject_point *pt, int err);

/* Ask inj for a fault of kind at (current op, nodeid, name, syscall) and, if
 * it fires, answer its errno. 0 or -errno. inj may be NULL. */
int fault_check(struct inject *inj, enum fault_kind kind, uint64_t nodeid, const char *name,
		unsigned int syscall);

#endif
