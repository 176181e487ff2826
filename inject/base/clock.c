// SPDX-License-Identifier: GPL-2.0-or-later
/* The monotonic clock (clock.h). */
#include "clock.h"

#include <time.h>

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double mono_seconds(void)
{
	return (double)mono_ns() / 1e9;
}
