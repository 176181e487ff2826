// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running the ostree command for the ostree workload (see ostree.h): each
 * step by fork/exec with stdout and stderr captured (the tail kept, a few
 * kinds of line counted), its outcome counted in the result.
 */
#include "ostree_i.h"
#include "clock.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "counts.h"

static void capture_reset(struct ostree_capture *c)
{
	c->total = 0;
	c->linelen = 0;
	c->stale = c->corrupted = 0;
	c->no_user_xattr = false;
}

static void capture_line(struct ostree_capture *c)
{
	c->line[c->linelen] = '\0';
	c->linelen = 0;
	if (strstr(c->line, "Stale file handle"))
		c->stale++;
	/* fsck --all: "In commits X: fsck content object Y: Corrupted file object; ..." */
	if (strstr(c->line, ": fsck ") || strstr(c->line, "Corrupted"))
		c->corrupted++;
	if (strstr(c->line, "user.ostreemeta") && strstr(c->line, "not supported"))
		c->no_user_xattr = true;
}

static void capture_feed(struct ostree_capture *c, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = b[i] ? b[i] : '?';

		c->ring[c->total++ % OSTREEWL_OUTPUT_MAX] = ch;
		if (ch == '\n')
			capture_line(c);
		else if (c->linelen < sizeof(c->line) - 1)
			c->line[c->linelen++] = ch;
	}
}

/* The kept tail as a string: whole lines when it was cut, no partial UTF-8
 * sequence at the start, no trailing white space. */
static void capture_tail(const struct ostree_capture *c, char out[OSTREEWL_OUTPUT_MAX + 1])
{
	bool cut = c->total > OSTREEWL_OUTPUT_MAX;
	size_t n = cut ? OSTREEWL_OUTPUT_MAX : c->total;
	size_t start = cut ? c->total % OSTREEWL_OUTPUT_MAX : 0;
	char *p = out, *nl;

	for (size_t i = 0; i < n; i++)
		out[i] = c->ring[(start + i) % OSTREEWL_OUTPUT_MAX];
	out[n] = '\0';
	if (cut) {
		nl = strchr(out, '\n');
		if (nl && nl[1])
			p = nl + 1;
		else
			while ((*p & 0xc0) == 0x80)
				p++;
	}
	memmove(out, p, strlen(p) + 1);
	for (n = strlen(out); n && strchr(" \t\r\n", out[n - 1]); n--)
		out[n - 1] = '\0';
}

/* See ostree_i.h. */
int ostree_cmd_run(struct ostree_run *run, const char *const argv[], int *status)
{
	/* "Stale file handle", not a translation */
	struct spawn_opts o = { .in_fd = -1, .env = "LC_ALL=C" };
	char buf[4096];
	int pfd[2], st;
	ssize_t n;
	pid_t pid;

	capture_reset(&run->out);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	o.out_fd = o.err_fd = pfd[1];
	pid = spawn(argv, &o);
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return pid;
	}
	close(pfd[1]);
	for (;;) {
		n = read(pfd[0], buf, sizeof(buf));
		if (n > 0)
			capture_feed(&run->out, buf, n);
		else if (n == 0 || errno != EINTR)
			break;
	}
	if (run->out.linelen)
		capture_line(&run->out);
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
	return 0;
}

/* See ostree_i.h. */
bool ostree_cmd_step(struct ostree_run *run, enum ostreewl_step s, unsigned int checkout,
		     const char *const argv[])
{
	struct ostreewl_result *r = run->r;
	struct ostreewl_stepstat *st = &r->steps[s];
	double t0 = mono_seconds();
	int status = 0, ret;

	ret = ostree_cmd_run(run, argv, &status);
	st->seconds += mono_seconds() - t0;
	st->stale_lines += run->out.stale;
	if (s == OSTREEWL_FSCK)
		r->fsck_corrupted += run->out.corrupted;
	if (ret == 0 && status == 0) {
		st->ok++;
		return true;
	}
	st->failed++;
	if (run->out.no_user_xattr && !r->hint[0])
		snprintf(r->hint, sizeof(r->hint),
			 "mode %s needs user xattrs and the target has none (stalefs mount "
			 "--xattr, or --mode=bare-user-only)", ostreewl_mode_name(run->p->mode));
	if (r->nfailures < OSTREEWL_FAILURES_MAX) {
		struct ostreewl_failure *f = &r->failures[r->nfailures];

		f->step = s;
		f->round = run->round;
		f->checkout = checkout;
		f->exit = ret < 0 ? -1 : status;
		if (ret < 0)
			snprintf(f->output, sizeof(f->output), "could not run %s: %s", argv[0],
				 strerror(-ret));
		else
			capture_tail(&run->out, f->output);
	}
	r->nfailures++;
	return false;
}

/* The binary: name with a slash as is, else the first match on $PATH. */
int ostree_cmd_find(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;

	if (strchr(name, '/')) {
		if (access(name, X_OK) < 0)
			return -errno;
		snprintf(out, len, "%s", name);
		return 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		int dlen;

		colon = strchrnul(p, ':');
		dlen = (int)(colon - p);
		snprintf(out, len, "%.*s/%s", dlen ? dlen : 1, dlen ? p : ".", name);
		if (access(out, X_OK) == 0 && stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		if (!*colon)
			break;
	}
	return -ENOENT;
}

/* `ostree --version`: "libostree:\n Version: '2022.7'\n ..." */
void ostree_cmd_version(struct ostree_run *run)
{
	const char *argv[] = { run->ostree, "--version", NULL };
	char text[OSTREEWL_OUTPUT_MAX + 1], *v, *q;
	int status;

	snprintf(run->r->version, sizeof(run->r->version), "unknown");
	if (ostree_cmd_run(run, argv, &status) < 0 || status != 0)
		return;
	capture_tail(&run->out, text);
	v = strstr(text, "Version: '");
	if (!v)
		return;
	v += strlen("Version: '");
	q = strchr(v, '\'');
	if (q)
		snprintf(run->r->version, sizeof(run->r->version), "%.*s", (int)(q - v), v);
}
