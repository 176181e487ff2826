/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one clock for durations and deadlines: CLOCK_MONOTONIC, never the wall
 * clock (a time step must not end a cell early or late). */
#ifndef STALEFS_CLOCK_H
#define STALEFS_CLOCK_H

#include <stdint.h>

uint64_t mono_ns(void);
double mono_seconds(void);

#endif
