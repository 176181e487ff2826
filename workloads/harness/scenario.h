/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scenarios: a named set of cell options, kept in a file, that sets up one
 * real-world shape (bcvk's to-disk VM tests) in one word:
 * `stalefs run --scenario bcvk`. A scenario file has one cell option per
 * line, "name value" or "name" (a flag), as the long options of
 * `stalefs run` without "--"; blank lines and lines starting with '#' are
 * skipped. Names are looked up as NAME.scenario in $STALEFS_SCENARIOS, the
 * source tree's workloads/harness/scenarios and the installed
 * share/stalefs/scenarios; a path (with a '/') is read as it is.
 *
 * The file is untrusted text: lines longer than SCENARIO_LINE_MAX, more than
 * SCENARIO_LINES_MAX lines, NUL bytes and options that are not cell options
 * are refused with the file and line in the reason.
 */
#ifndef STALEFS_SCENARIO_H
#define STALEFS_SCENARIO_H

#include <stddef.h>

#include "cell.h"

#define SCENARIO_LINE_MAX 512
#define SCENARIO_LINES_MAX 256

/* The scenario's file into buf. 0 or -ENOENT. */
int scenario_find(const char *name, char *buf, size_t len);
/* Apply the scenario's options to c. 0; -ENOENT (no such scenario) or
 * -EINVAL (a bad line) with a one-line reason in err. */
int scenario_apply(struct cell *c, const char *name, char *err, size_t errlen);
/* Apply scenario text (for tests and fuzzing): file names the origin. */
int scenario_apply_text(struct cell *c, const char *text, size_t len, const char *file,
			char *err, size_t errlen);

#endif
