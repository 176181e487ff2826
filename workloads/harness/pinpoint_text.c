// SPDX-License-Identifier: GPL-2.0-or-later
/* pinpoint's text output; see pinpoint_text.h. */
#include "pinpoint_text.h"

#include <stdarg.h>
#include <string.h>

#define WIDTH 120		/* text output columns */

static const char *const finding_word[] = { "SEEN", "NOT SEEN", "TOO SHORT", "COULD NOT RUN",
					    "NOT RUN" };

void pinpoint_p_text(double p, char *buf, size_t len)
{
	if (p < 1e-16)
		snprintf(buf, len, "p < 1e-16");
	else if (p < 0.001)
		snprintf(buf, len, "p = %.1e", p);
	else
		snprintf(buf, len, "p = %.3f", p);
}
void pinpoint_fold(FILE *f, const char *first, int indent, const char *text)
{
	int col = fprintf(f, "%s", first);
	bool fresh = !*first;	/* nothing on this line yet but the indent */

	for (const char *p = text + strspn(text, " "); *p; p += strspn(p, " ")) {
		int w = (int)strcspn(p, " ");

		if (!fresh && col + 1 + w > WIDTH && col > indent) {
			col = fprintf(f, "\n%*s", indent, "") - 1;
			fresh = true;
		}
		if (!fresh) {
			fputc(' ', f);
			col++;
		}
		col += fprintf(f, "%.*s", w, p);
		fresh = false;
		p += w;
	}
	fputc('\n', f);
}

static void foldf(FILE *f, const char *first, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void foldf(FILE *f, const char *first, int indent, const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pinpoint_fold(f, first, indent, text);
}
static void side_text(const struct side *s, enum measure m, char *buf, size_t len)
{
	static const char *const what[] = { "ESTALE", "ESTALE replies from the daemon", "EIO", "" };

	snprintf(buf, len, "%llu %s in %llu calls", (unsigned long long)s->count, what[m],
		 (unsigned long long)s->calls);
}

void pinpoint_print_experiment(const struct experiment *e, const struct outcome *x, FILE *f)
{
	char pa[64], ta[200], tb[200], first[80];

	snprintf(first, sizeof(first), "%s: %s", e->name, finding_word[x->f]);
	if (x->f == F_NO_RUN || x->f == F_NOT_RUN) {
		foldf(f, first, 2, "(%s)", x->why);
		return;
	}
	if (e->measure == M_MODE) {
		foldf(f, first, 2, "(unprivileged asked prefer, ran %s: %s; as root it ran %s)",
		      x->a.r.effective_mode, x->a.r.mode_reason, x->b.r.effective_mode);
		return;
	}
	pinpoint_p_text(x->st.p, pa, sizeof(pa));
	if (x->f == F_TOO_SHORT)
		foldf(f, first, 2, "(%s)", x->why);
	else
		foldf(f, first, 2, "(%s)", pa);
	side_text(&x->a, e->measure, ta, sizeof(ta));
	side_text(&x->b, e->measure, tb, sizeof(tb));
	if (x->a.count)
		foldf(f, "  cell:", 11, "%s; control: %s; rate ratio %.3g (95%% %.3g to %.3g)", ta, tb,
		      x->st.ratio, x->st.lo, x->st.hi);
	else
		foldf(f, "  cell:", 11, "%s (rate under %.2g per 1000 calls, 95%%); control: %s", ta,
		      x->st.upper1 * 1000, tb);
	if (e->measure == M_EIO || e->group == G_FD_OLD || e->group == G_FD_NEW)	/* what else */
		foldf(f, "  also:", 11, "%llu ESTALE, %llu EMFILE, %llu ENFILE in the cell",
		      (unsigned long long)x->a.r.estale_total,
		      (unsigned long long)run_result_errno(&x->a.r, "EMFILE"),
		      (unsigned long long)run_result_errno(&x->a.r, "ENFILE"));
	if (x->f == F_SEEN && e->measure == M_ESTALE) {
		const struct chain *c = verdict_top_chain(&x->a.r);

		if (c) {
			char text[700];

			chain_text(c, text, sizeof(text));
			foldf(f, "  chain:", 11, "%s (%llu of %llu; e.g. %s)", text,
			      (unsigned long long)c->n, (unsigned long long)x->a.r.estale_total,
			      c->example);
		}
	}
	if (x->nmit) {
		char line[2048] = "";
		size_t n = 0;

		for (int k = 0; k < x->nmit; k++) {
			const struct mit_result *m = &x->mit[k];
			static const char *const how[] = { "removes it", "reduces it", "does not remove it",
							   "too short to tell", "could not run",
							   "not tried (time limit)" };

			n += snprintf(line + n, sizeof(line) - n, "%s%s: %s", k ? "; " : "", m->m->name,
				      how[m->f]);
			if (n < sizeof(line) && (m->f == MF_KEPT || m->f == MF_REDUCED))
				n += snprintf(line + n, sizeof(line) - n, " (%llu ESTALE in %llu calls)",
					      (unsigned long long)m->s.count,
					      (unsigned long long)m->s.calls);
			if (n < sizeof(line) && m->f == MF_NO_RUN)
				n += snprintf(line + n, sizeof(line) - n, " (%s)", m->s.r.reason);
			if (n < sizeof(line) && m->f == MF_REMOVED && m->s.r.errors_total)
				n += snprintf(line + n, sizeof(line) - n, " (but %llu other errors, "
					      "mostly %s)", (unsigned long long)m->s.r.errors_total,
					      verdict_top_errno(&m->s.r));
			if (n >= sizeof(line))
				break;
		}
		foldf(f, "  mitigations:", 15, "%s", line);
	}
}

/* Names of the mitigations that removed it: "a higher fd limit, the 1.13.2 model". */
static void removed_by(const struct outcome *x, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < x->nmit && n < len; k++)
		if (x->mit[k].f == MF_REMOVED)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", x->mit[k].m->name);
}

static const struct outcome *find(const struct outcome *xs, const char *name)
{
	for (size_t i = 0; i < NEXP; i++)
		if (strcmp(experiments[i].name, name) == 0)
			return &xs[i];
	return NULL;
}

int pinpoint_bcvk_lines(const struct outcome *xs, char lines[][1024], int max)
{
	const struct outcome *old = find(xs, "fd-limit-overlay"), *new = find(xs, "fd-limit-overlay-1.13.2");
	const struct outcome *scen = find(xs, "bcvk");
	char seen[600], quiet[600], by[300], pa[64];
	size_t ns, nq;
	int n = 0;

	if (old->f == F_SEEN && n < max) {
		const struct chain *c = verdict_top_chain(&old->a.r);
		char text[700] = "";

		if (c)
			chain_text(c, text, sizeof(text));
		removed_by(old, by, sizeof(by));
		pinpoint_p_text(old->st.p, pa, sizeof(pa));
		snprintf(lines[n++], 1024, "virtiofsd 1.13.0 in bcvk's configuration makes ESTALE "
			 "with no host change at all once it runs out of fds: %llu ESTALE in %llu calls "
			 "(%s), mostly %s.%s%s%s", (unsigned long long)old->a.count,
			 (unsigned long long)old->a.calls, pa, text, by[0] ? " Removed by: " : "", by,
			 by[0] ? "." : "");
		if (n < max)
			snprintf(lines[n++], 1024, "It needs the daemon's limit below the inodes the "
				 "guest pins (one O_PATH fd each, rootless): an image with tens of "
				 "thousands of files reaches a runner's 65536. Raise virtiofsd's RLIMIT_NOFILE "
				 "where it starts (the limits.conf edit probably does not reach CI steps).");
	} else if (old->f == F_NOT_SEEN && n < max) {
		snprintf(lines[n++], 1024, "virtiofsd 1.13.0 at a 700-fd limit gave no ESTALE in "
			 "this run: fd exhaustion is not shown to be a cause here.");
	}
	if (new->f == F_NOT_SEEN && n < max)
		snprintf(lines[n++], 1024, "In the 1.13.2 model the same exhaustion gives %llu ENFILE "
			 "and no ESTALE: an upgrade turns the flake into failed opens, not into success.",
			 (unsigned long long)run_result_errno(&new->a.r, "ENFILE"));
	ns = nq = 0;
	seen[0] = quiet[0] = '\0';
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];

		if (e->group != G_SHAPE && e->group != G_HOST && e->group != G_PODMAN)
			continue;
		if (xs[i].f == F_SEEN && ns < sizeof(seen))
			ns += snprintf(seen + ns, sizeof(seen) - ns, "%s%s", ns ? ", " : "", e->name);
		else if (xs[i].f == F_NOT_SEEN && nq < sizeof(quiet))
			nq += snprintf(quiet + nq, sizeof(quiet) - nq, "%s%s", nq ? ", " : "", e->name);
	}
	if (ns && n < max)
		snprintf(lines[n++], 1024, "ESTALE also came from: %s (see their chains and "
			 "mitigations above).", seen);
	if (nq && n < max)
		snprintf(lines[n++], 1024, "No ESTALE from: %s.", quiet);
	{
		const struct outcome *pod = find(xs, "podman-host");

		if (pod->f == F_NOT_SEEN && n < max)
			snprintf(lines[n++], 1024, "bcvk's own host activity (podman pull, tag, rmi, "
				 "build beside the layers a guest reads) gave no ESTALE: this fits the "
				 "maintainer's \"nothing mutates the source\"; ESTALE from the host needs "
				 "names or layers the guest reads to be replaced.");
		else if (pod->f == F_SEEN && n < max)
			snprintf(lines[n++], 1024, "bcvk's own host activity (podman beside the layers a "
				 "guest reads) gave ESTALE: the host side is a suspect.");
	}
	if (scen->f == F_SEEN && n < max) {
		removed_by(scen, by, sizeof(by));
		snprintf(lines[n++], 1024, "bcvk's whole shape gave %llu ESTALE in %llu calls against "
			 "the guest alone.%s%s", (unsigned long long)scen->a.count,
			 (unsigned long long)scen->a.calls, by[0] ? " Removed by: " : "", by);
	} else if (scen->f == F_NOT_SEEN && n < max) {
		snprintf(lines[n++], 1024, "bcvk's whole shape at the daemon's default fd limit (%s) "
			 "gave no ESTALE in %llu calls.", "stalefs run --scenario bcvk",
			 (unsigned long long)scen->a.calls);
	}
	if (n < max) {
		if (old->f == F_SEEN)
			snprintf(lines[n++], 1024, "Of the causes tried, the one that needs no host change "
				 "is fd exhaustion in 1.13.0; check the runner's nofile limit for the "
				 "virtiofsd process and the number of inodes a to-disk guest pins.");
		else
			snprintf(lines[n++], 1024, "None of the experiments run here made ESTALE without a "
				 "host change.");
	}
	return n;
}

void pinpoint_print_conclusion(const bool *sel, const struct outcome *xs, FILE *f)
{
	char lines[16][1024];
	int n;
	bool any;

	printf("\nConclusion\n");
	printf("Causes found (above the control, p < %.2f):\n", PINPOINT_ALPHA);
	any = false;
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];
		char by[300];

		if (!sel[i] || xs[i].f != F_SEEN || e->measure == M_MODE || e->measure == M_EIO)
			continue;
		removed_by(&xs[i], by, sizeof(by));
		foldf(f, "  -", 4, "%s (%s%s%s)", e->seen, e->name, by[0] ? "; removed by: " : "", by);
		any = true;
	}
	if (!any)
		printf("  (none)\n");
	printf("No ESTALE, or another error:\n");
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];

		if (!sel[i])
			continue;
		if (xs[i].f == F_SEEN && (e->measure == M_MODE || e->measure == M_EIO))
			foldf(f, "  -", 4, "%s (%s)", e->seen, e->name);
		else if (xs[i].f == F_NOT_SEEN)
			foldf(f, "  -", 4, "%s (%s)", e->not_seen, e->name);
	}
	for (size_t i = 0; i < NEXP; i++)
		if (sel[i] && xs[i].f == F_TOO_SHORT)
			foldf(f, "Too short to tell:", 2, "%s: %s", experiments[i].name, xs[i].why);
	for (size_t i = 0; i < NEXP; i++)
		if (sel[i] && xs[i].f == F_NO_RUN)
			foldf(f, "Could not run here:", 2, "%s: %s", experiments[i].name, xs[i].why);
	for (size_t i = 0; i < NEXP; i++)
		if (sel[i] && xs[i].f == F_NOT_RUN)
			foldf(f, "Not run:", 2, "%s: %s", experiments[i].name, xs[i].why);
	n = pinpoint_bcvk_lines(xs, lines, 16);
	if (n) {
		printf("\nWhat this means for bcvk\n");
		for (int i = 0; i < n; i++)
			pinpoint_fold(f, "  -", 4, lines[i]);
	}
}
