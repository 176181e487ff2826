// SPDX-License-Identifier: GPL-2.0-or-later
/* Programs the doctor looks for; see doctor_prog.h. */
#include "doctor_prog.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "build_config.h"
#include "compare_guest.h"

#include "doctor_child.h"

bool prog_find(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, X_OK) == 0 && stat(out, &st) == 0 && S_ISREG(st.st_mode);
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		int dlen;

		colon = strchrnul(p, ':');
		dlen = (int)(colon - p);
		if (dlen && (size_t)snprintf(out, len, "%.*s/%s", dlen, p, name) < len &&
		    access(out, X_OK) == 0 && stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return true;
		if (!*colon)
			break;
	}
	out[0] = '\0';
	return false;
}

/*
 * `PROG --version`-like output to a version: the first word that starts
 * with a digit and has a dot ("fusermount3 version: 3.14.0", "Version:
 * '2022.7'", "QEMU emulator version 7.2.15 (Debian ...)"). "" if none.
 */
static void find_version(const char *text, char *out, size_t len)
{
	const char *p = text;

	out[0] = '\0';
	while (*p) {
		size_t n;

		while (*p && (isspace((unsigned char)*p) || *p == '\'' || *p == '"' || *p == '('))
			p++;
		n = strcspn(p, " \t\r\n'\"(),;");
		if (n && isdigit((unsigned char)p[0]) && memchr(p, '.', n)) {
			snprintf(out, len, "%.*s", (int)n, p);
			return;
		}
		p += n;
		if (n == 0 && *p)
			p++;
	}
}

int prog_version(const char *prog, const char *arg, char *out, size_t len)
{
	const char *argv[] = { prog, arg, NULL };
	char text[4096];
	int status = 0, ret;

	out[0] = '\0';
	ret = run_capture(argv, text, sizeof(text), &status);
	if (ret == -ETIMEDOUT) {
		snprintf(out, len, "(no answer to %s in %d s)", arg, CHILD_SECONDS);
		return ret;
	}
	if (ret == 0)
		find_version(text, out, len);
	if (!out[0])
		snprintf(out, len, "(version unknown)");
	return 0;
}

void check_ostree(struct doctor *d)
{
	struct check *c = &d->c[C_OSTREE];
	char prog[4096], ver[64];

	d->f.ostree = prog_find("ostree", prog, sizeof(prog));
	if (!d->f.ostree) {
		check_set(c, ST_MISSING, "no ostree on PATH (apt-get install ostree)");
		return;
	}
	d->f.ostree = prog_version(prog, "--version", ver, sizeof(ver)) == 0;
	check_set(c, d->f.ostree ? ST_OK : ST_LIMITED, "%s %s", prog, ver);
}

void check_virtiofsd(struct doctor *d)
{
	struct check *c = &d->c[C_VIRTIOFSD];
	char prog[4096], ver[64];
	bool legacy = false;

	const struct doctor_piece *cmp = &d->cmp.p[PIECE_VIRTIOFSD];

	if (!prog_find("virtiofsd", prog, sizeof(prog)) &&
	    !prog_find("/usr/libexec/virtiofsd", prog, sizeof(prog)) &&
	    !(legacy = prog_find("/usr/lib/qemu/virtiofsd", prog, sizeof(prog)))) {
		if (cmp->exists) {
			/* compare's own, fetched by ci/compare-setup.sh */
			check_set(c, ST_OK, "%s %s (paths.env; none on PATH)", cmp->path, cmp->version);
			return;
		}
		check_set(c, ST_MISSING, "no virtiofsd on PATH or in /usr/libexec (Debian trixie or "
		    "Ubuntu: apt-get install virtiofsd; ci/compare-setup.sh fetches one for compare)");
		return;
	}
	prog_version(prog, "--version", ver, sizeof(ver));
	if (legacy)
		check_set(c, ST_LIMITED, "%s %s: QEMU's legacy C virtiofsd (O_PATH only)", prog, ver);
	else
		check_set(c, ST_OK, "%s %s", prog, ver);
}

void check_qemu(struct doctor *d)
{
	struct check *c = &d->c[C_QEMU];
	char prog[4096], ver[64];
	struct stat st;
	bool kvm = stat("/dev/kvm", &st) == 0 && S_ISCHR(st.st_mode);

	if (!prog_find("qemu-system-x86_64", prog, sizeof(prog))) {
		check_set(c, ST_MISSING, "no qemu-system-x86_64 on PATH (apt-get install qemu-system-x86)");
	} else {
		unsigned int major = 0, minor = 0;

		prog_version(prog, "--version", ver, sizeof(ver));
		/* TCG before 8.1 drops a one-CPU guest's barriers, which a
		 * vhost-user back end needs: stalefs-guest.sh says more. */
		if (sscanf(ver, "%u.%u", &major, &minor) == 2 && (major < 8 || (major == 8 && minor < 1)))
			check_set(c, ST_OK, "qemu-system-x86_64 %s, TCG < 8.1: maxcpus=2 for guests", ver);
		else
			check_set(c, ST_OK, "qemu-system-x86_64 %s", ver);
	}
	/* Presence only: opening /dev/kvm can hang. */
	check_add(c, kvm ? "/dev/kvm not opened (TCG)" : "no /dev/kvm (TCG)");
}

void check_vhost(struct doctor *d)
{
	struct check *c = &d->c[C_VHOST];
	char prog[4096], ver[64];

	if (!HAVE_FUSE_CUSTOM_IO) {
		check_set(c, ST_MISSING, "not built: libfuse %s has no fuse_session_custom_io (3.13 or "
			  "newer carries the virtio-fs transport)", STALEFS_FUSE_VERSION);
		return;
	}
	if (guest_find_daemon(prog, sizeof(prog)) < 0) {
		check_set(c, ST_MISSING, "built with libfuse %s, but no %s: reinstall or rebuild",
			  STALEFS_FUSE_VERSION, prog[0] ? prog : "stalefs-virtiofsd next to this stalefs");
		return;
	}
	prog_version(prog, "--version", ver, sizeof(ver));
	check_set(c, ST_OK, "%s %s (libfuse %s)", prog, ver, STALEFS_FUSE_VERSION);
}
