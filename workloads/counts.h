/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the workloads count and how they write it: per op, successes and
 * each errno; every ESTALE as an event (when, which thread, which op, which
 * path). The JSON pieces are shared so that every workload's document has
 * the same "ops" and "estale" shapes (README "Workloads").
 */
#ifndef STALEFS_COUNTS_H
#define STALEFS_COUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define COUNTS_ERRNO_MAX 256	/* err[0] holds errnos past it */
#define COUNTS_EVENTS_MAX 1000

struct wl_event {
	uint64_t t_ns;		/* CLOCK_MONOTONIC, when the call returned */
	uint64_t start_ns;	/* ... and when it began (0: unknown) */
	int tid;
	int op;
	char path[256];		/* for fd ops, the path the fd was opened by */
};

/* "ESTALE" for 116, "E300" for an unnamed one, "other" for 0. */
const char *counts_errno_name(int e, char *buf, size_t len);
/* `"name":{"ok":N,"errors":{"ESTALE":2,...}` (the op's object left open for
 * extra members); adds its calls to *total. */
void counts_json_op(FILE *f, bool first, const char *name, uint64_t ok,
		    const uint64_t err[COUNTS_ERRNO_MAX], uint64_t *total);
/* `"estale_total":N,"estale":[{"t_ns":..,"start_ns":..,"tid":..,"op":"..",
 * "path"|"opened_by":".."},...]`: fd_ops[op] says which ops name opened_by. */
void counts_json_events(FILE *f, const struct wl_event *ev, uint64_t total,
			const char *const op_names[], const bool fd_ops[]);
/* CLOCK_MONOTONIC, in ns and in seconds: the workloads' and the harness's clock. */
uint64_t counts_now_ns(void);
double counts_now(void);

#endif
