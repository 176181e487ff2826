/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's view of the FUSE requests of one repetition, from the
 * fuse_request_send / fuse_request_end tracepoints in a private tracefs
 * instance that follows the harness and its children (set_event_pid with
 * event-fork: the daemon and the workloads). `send` runs in the calling
 * task and carries the opcode, `end` runs in the daemon thread that
 * replied and carries the error; they are joined by unique. The count of
 * ESTALE the kernel received checks the daemon's own event log.
 */
#ifndef STALEFS_TRACE_H
#define STALEFS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_OPS 64	/* FUSE opcodes we name (LOOKUP is 1 ... ) */

struct trace {
	char dir[256];		/* the instance, "" when not tracing */
};

struct trace_counts {
	uint64_t requests;	/* fuse_request_send */
	uint64_t replies;	/* fuse_request_end */
	uint64_t errors;	/* ends with error != 0 */
	uint64_t estale;	/* ends with error == -ESTALE */
	uint64_t estale_op[TRACE_OPS];	/* ... by the opcode of its send */
	uint64_t lost;		/* ring buffer overruns: the counts are lower bounds */
};

/* Start tracing this process and its future children. 0, or -errno with
 * the reason in why (no tracefs, no fuse events, not root). */
int trace_start(struct trace *t, char *why, size_t whylen);
/* Stop, count and remove the instance. 0 or -errno. */
int trace_stop(struct trace *t, struct trace_counts *c);
/* Count the lines of a trace file (exposed for the unit tests). */
int trace_count_text(const char *text, struct trace_counts *c);
/* "LOOKUP" for 1, ...; NULL when unknown. */
const char *trace_op_name(unsigned int opcode);

#endif
