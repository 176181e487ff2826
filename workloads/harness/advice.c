// SPDX-License-Identifier: GPL-2.0-or-later
/* The verdict in words and a next step; see advice.h. */
#include "advice.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NFAMILY (ADVICE_UNKNOWN + 1)

static const char *const family_name[NFAMILY] = {
	[ADVICE_NONE] = "-",
	[ADVICE_INJECT] = "inject",
	[ADVICE_FD_LIMIT] = "daemon fd limit",
	[ADVICE_OVERLAY] = "kernel overlay",
	[ADVICE_HOST] = "host",
	[ADVICE_IDENTITY] = "identity change",
	[ADVICE_KERNEL] = "kernel",
	[ADVICE_DAEMON] = "daemon",
	[ADVICE_UNKNOWN] = "unknown",
};

const char *advice_family_name(enum advice_family f)
{
	return f < NFAMILY ? family_name[f] : "unknown";
}

static bool has(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static enum advice_family chain_family(const struct chain *c)
{
	if (starts(c->cause, "fault"))
		return ADVICE_INJECT;
	if (has(c->reply, "RLIMIT_NOFILE") || has(c->reply, "guest-fd limit") ||
	    has(c->reply, "fs.file-max"))
		return ADVICE_FD_LIMIT;
	if (starts(c->layer, "overlayfs"))
		return ADVICE_OVERLAY;
	/* A host event behind an identity change: the host made it. */
	if (starts(c->cause, "host"))
		return ADVICE_HOST;
	if (has(c->reply, "another nodeid") || has(c->reply, "answered a new "))
		return ADVICE_IDENTITY;
	return ADVICE_UNKNOWN;
}

/* The host op of a "host OP" cause ("" when it is not one). */
static void host_op(const struct chain *c, char *buf, size_t len)
{
	const char *s = c->cause;

	buf[0] = '\0';
	if (!starts(s, "host "))
		return;
	s += 5;
	if (starts(s, "syscall "))
		s += 8;
	snprintf(buf, len, "%.*s", (int)strcspn(s, " ("), s);
}

/* The biggest chain of family f, or NULL. */
static const struct chain *biggest(const struct chains *cs, enum advice_family f)
{
	const struct chain *best = NULL;

	for (int i = 0; cs && i < cs->n && i < CHAINS_MAX; i++)
		if (chain_family(&cs->c[i]) == f && (!best || cs->c[i].n > best->n))
			best = &cs->c[i];
	return best;
}

static bool is(const char *s, const char *v)
{
	return s && strcmp(s, v) == 0;
}

static bool handles(const struct advice_in *in)
{
	return is(in->mode, "mandatory") || is(in->mode, "prefer") || is(in->mode, "fallback");
}

/* Which pinpoint experiment asks about host op op. */
static const char *host_experiment(const char *op, bool overlay)
{
	if (is(op, "layer-swap"))
		return "overlay-layer-swap";
	if (starts(op, "submount"))
		return "submount";
	if (is(op, "dir-move"))
		return "dir-move";
	if (is(op, "layer-add") || is(op, "layer-remove") || is(op, "metadata-rename"))
		return "podman-host";
	return overlay ? "overlay-churn" : "handle-host-churn";
}

static void explain_family(const struct advice_in *in, struct advice *a)
{
	const struct chain *c = biggest(in->chains, a->family);
	const char *always = is(in->cache, "always") ? "" : "cache=always, or ";
	char op[32] = "";

	if (c)
		host_op(c, op, sizeof(op));
	switch (a->family) {
	case ADVICE_INJECT:
		snprintf(a->made_by, sizeof(a->made_by), "the injected faults (%.100s)",
			 c ? c->cause : "--inject");
		snprintf(a->next, sizeof(a->next), "nothing, if the faults were meant; drop --inject "
			 "and --profile to see the filesystem alone");
		break;
	case ADVICE_FD_LIMIT:
		snprintf(a->made_by, sizeof(a->made_by), "the daemon running out of fds (%.100s)",
			 c ? c->reply : "EMFILE");
		snprintf(a->next, sizeof(a->next), "a higher fd limit (--rlimit-nofile) or the 1.13.2 "
			 "model, or `stalefs pinpoint --only fd-limit-overlay`");
		break;
	case ADVICE_OVERLAY:
		if (*op)
			snprintf(a->made_by, sizeof(a->made_by), "the kernel's overlay after host churn (%s)",
				 op);
		else
			snprintf(a->made_by, sizeof(a->made_by), "the kernel's overlay (a failed lower "
				 "revalidation, no host change)");
		snprintf(a->next, sizeof(a->next), "%sno host change, or `stalefs pinpoint --only %s`",
			 always, *op ? host_experiment(op, true) : "overlay-revalidation");
		break;
	case ADVICE_HOST:
		snprintf(a->made_by, sizeof(a->made_by), "the host replacing what the daemon held%s%s%s",
			 *op ? " (" : "", op, *op ? ")" : "");
		snprintf(a->next, sizeof(a->next), "%sno host change, or `stalefs pinpoint --only %s`",
			 handles(in) ? "--mode never (O_PATH), " : "", host_experiment(op, false));
		break;
	case ADVICE_IDENTITY:
		snprintf(a->made_by, sizeof(a->made_by), "a name that came back as another inode (%.100s)",
			 c ? c->reply : "LOOKUP");
		snprintf(a->next, sizeof(a->next), "%s`stalefs pinpoint --only generation`", always);
		break;
	case ADVICE_KERNEL:
		snprintf(a->made_by, sizeof(a->made_by), "the kernel (no ESTALE from the daemon)");
		snprintf(a->next, sizeof(a->next), "`stalefs pinpoint` to find the condition that makes it");
		break;
	case ADVICE_DAEMON:
		snprintf(a->made_by, sizeof(a->made_by), "the daemon's ESTALE replies");
		snprintf(a->next, sizeof(a->next), "%s`stalefs pinpoint --only handle-host-churn`",
			 handles(in) ? "--mode never (O_PATH), or " : "");
		break;
	case ADVICE_UNKNOWN:
		snprintf(a->made_by, sizeof(a->made_by), "something no log explains");
		snprintf(a->next, sizeof(a->next), "rerun with the daemon's event log and tracefs for "
			 "cause chains, or `stalefs pinpoint`");
		break;
	case ADVICE_NONE:
		break;
	}
}

void advice_explain(const struct advice_in *in, struct advice *a)
{
	uint64_t by[NFAMILY] = { 0 };
	const struct chains *cs = in->chains;

	memset(a, 0, sizeof(*a));
	a->family = ADVICE_NONE;
	for (int i = 0; cs && i < cs->n && i < CHAINS_MAX; i++)
		by[chain_family(&cs->c[i])] += cs->c[i].n;
	for (int f = ADVICE_INJECT; f < ADVICE_UNKNOWN; f++)
		if (by[f] && (a->family == ADVICE_NONE || by[f] > by[a->family]))
			a->family = f;
	if (a->family == ADVICE_NONE && in->estale) {
		if (in->emitted > in->kernel)
			a->family = ADVICE_DAEMON;
		else if (in->kernel)
			a->family = ADVICE_KERNEL;
		else
			a->family = ADVICE_UNKNOWN;
	}
	snprintf(a->who, sizeof(a->who), "%s", advice_family_name(a->family));
	explain_family(in, a);
	if (a->family != ADVICE_NONE)
		return;
	switch (in->verdict) {
	case VERDICT_FAILED:
		snprintf(a->next, sizeof(a->next), "the cell did not meet its --expect or read wrong "
			 "bytes: rerun it with its repro line");
		break;
	case VERDICT_ERROR:
		snprintf(a->next, sizeof(a->next), "the harness stopped (see the status): `stalefs "
			 "doctor`, then the repro line");
		break;
	case VERDICT_SKIPPED:
		snprintf(a->next, sizeof(a->next), "`stalefs doctor` says what this machine lacks");
		break;
	default:
		break;
	}
}

void advice_sentence(const struct advice_in *in, const struct advice *a, char *buf, size_t len)
{
	const char *v = run_verdict_name(in->verdict);
	int n;

	if (in->estale && in->calls)
		n = snprintf(buf, len, "%s: %" PRIu64 " ESTALE in %" PRIu64 " calls (%.3g%%)", v,
			     in->estale, in->calls, 100.0 * (double)in->estale / (double)in->calls);
	else if (in->estale)
		n = snprintf(buf, len, "%s: %" PRIu64 " ESTALE", v, in->estale);
	else if (in->verdict == VERDICT_SKIPPED)
		n = snprintf(buf, len, "%s: could not run here", v);
	else if (in->verdict == VERDICT_ERROR)
		n = snprintf(buf, len, "%s: the harness stopped before the cell finished", v);
	else
		n = snprintf(buf, len, "%s: no ESTALE in %" PRIu64 " calls", v, in->calls);
	if (n < 0 || (size_t)n >= len)
		return;
	if (*a->made_by)
		n += snprintf(buf + n, len - n, "; made by %s", a->made_by);
	if (n < 0 || (size_t)n >= len)
		return;
	n += snprintf(buf + n, len - n, ".");
	if (*a->next && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " What to try: %s.", a->next);
}
