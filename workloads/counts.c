// SPDX-License-Identifier: GPL-2.0-or-later
/* Workload counters as JSON; see counts.h. */
#include "counts.h"

#include <string.h>
#include <time.h>

#include "json.h"

const char *counts_errno_name(int e, char *buf, size_t len)
{
	const char *n = e ? strerrorname_np(e) : NULL;

	if (n)
		return n;
	snprintf(buf, len, e ? "E%d" : "other", e);
	return buf;
}

void counts_json_op(FILE *f, bool first, const char *name, uint64_t ok,
		    const uint64_t err[COUNTS_ERRNO_MAX], uint64_t *total)
{
	const char *sep = "";
	char eb[16];

	fprintf(f, "%s\"%s\":{\"ok\":%llu,\"errors\":{", first ? "" : ",", name,
		(unsigned long long)ok);
	*total += ok;
	for (int e = 0; e < COUNTS_ERRNO_MAX; e++) {
		if (!err[e])
			continue;
		fprintf(f, "%s\"%s\":%llu", sep, counts_errno_name(e, eb, sizeof(eb)),
			(unsigned long long)err[e]);
		*total += err[e];
		sep = ",";
	}
	fputc('}', f);
}

void counts_json_events(FILE *f, const struct wl_event *ev, uint64_t total,
			const char *const op_names[], const bool fd_ops[])
{
	fprintf(f, "\"estale_total\":%llu,\"estale\":[", (unsigned long long)total);
	for (uint64_t i = 0; i < total && i < COUNTS_EVENTS_MAX; i++) {
		fprintf(f, "%s{\"t_ns\":%llu,\"start_ns\":%llu,\"tid\":%d,\"op\":\"%s\",\"%s\":",
			i ? "," : "", (unsigned long long)ev[i].t_ns,
			(unsigned long long)ev[i].start_ns, ev[i].tid, op_names[ev[i].op],
			fd_ops[ev[i].op] ? "opened_by" : "path");
		json_put_string(f, ev[i].path);
		fputc('}', f);
	}
	fputc(']', f);
}

uint64_t counts_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

double counts_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
