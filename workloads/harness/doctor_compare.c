// SPDX-License-Identifier: GPL-2.0-or-later
/* compare's pieces as the doctor sees them; see doctor_compare.h. */
#include "doctor_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "compare_guest.h"
#include "compare_paths.h"

#include "doctor_check.h"
#include "doctor_prog.h"

static const char *const piece_names[PIECE_COUNT] = {
	[PIECE_VIRTIOFSD] = "virtiofsd", [PIECE_QEMU] = "qemu", [PIECE_KERNEL] = "kernel",
	[PIECE_MODULES] = "modules", [PIECE_BUSYBOX] = "busybox", [PIECE_WORKLOAD] = "guest_workload",
};

/* The paths.env key of each piece but the workload. */
static const int piece_keys[PIECE_WORKLOAD] = {
	[PIECE_VIRTIOFSD] = CP_VIRTIOFSD, [PIECE_QEMU] = CP_QEMU, [PIECE_KERNEL] = CP_KERNEL,
	[PIECE_MODULES] = CP_MODULES, [PIECE_BUSYBOX] = CP_BUSYBOX,
};

/* Whether the piece is there and of its kind; note says what is wrong. */
static void piece_look(struct doctor_piece *p, int i)
{
	struct stat st;
	bool ok;

	if (stat(p->path, &st) < 0) {
		snprintf(p->note, sizeof(p->note), "not there");
		return;
	}
	if (i == PIECE_MODULES)
		ok = S_ISDIR(st.st_mode);
	else if (i == PIECE_KERNEL)
		ok = S_ISREG(st.st_mode) && access(p->path, R_OK) == 0;
	else
		ok = S_ISREG(st.st_mode) && access(p->path, X_OK) == 0;
	p->exists = ok;
	if (!ok)
		snprintf(p->note, sizeof(p->note), "%s", i == PIECE_MODULES ? "not a directory"
			 : i == PIECE_KERNEL ? "not a readable file" : "not an executable file");
}

/* The kernel release a guest kernel or modules path names: vmlinuz-REL, or
 * the modules dir's own name. */
static void piece_release(struct doctor_piece *p, int i)
{
	const char *base = strrchr(p->path, '/');

	base = base ? base + 1 : p->path;
	if (i == PIECE_KERNEL && strncmp(base, "vmlinuz-", 8) == 0)
		base += 8;
	else if (i == PIECE_KERNEL)
		return;
	snprintf(p->version, sizeof(p->version), "%s", base);
}

static void compare_read_paths(struct doctor_compare *m)
{
	struct compare_paths *paths = malloc(sizeof(*paths));

	if (!paths) {
		snprintf(m->why, sizeof(m->why), "out of memory");
		return;
	}
	if (compare_paths_read(m->paths_env, paths, m->why, sizeof(m->why)) == 0) {
		m->read = true;
		m->bad = paths->bad;
		m->unknown = paths->unknown;
		for (int i = 0; i < PIECE_WORKLOAD; i++)
			snprintf(m->p[i].path, sizeof(m->p[i].path), "%s", paths->path[piece_keys[i]]);
	}
	free(paths);
}

static void compare_find_workload(struct doctor_piece *p)
{
	struct guest_workload *w = malloc(sizeof(*w));

	if (!w) {
		snprintf(p->note, sizeof(p->note), "out of memory");
		return;
	}
	if (guest_find_workload(w) == 0) {
		snprintf(p->path, sizeof(p->path), "%s", w->path);
		snprintf(p->note, sizeof(p->note), "%s", w->source);
		p->exists = true;
	} else {
		/* the first place looked at is the one that says most */
		snprintf(p->note, sizeof(p->note), "none (looked at %.120s%s): build with -Dguest=enabled",
			 w->looked, strlen(w->looked) > 120 ? "..." : "");
	}
	free(w);
}

void check_compare(struct doctor *d)
{
	struct doctor_compare *m = &d->cmp;
	struct check *c = &d->c[C_COMPARE];
	char missing[200] = "";
	size_t used = 0;
	bool runnable;
	struct stat st;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < PIECE_COUNT; i++)
		m->p[i].name = piece_names[i];
	compare_paths_file(m->paths_env, sizeof(m->paths_env));
	compare_read_paths(m);
	/* The programs it names are run for their versions: only when the file
	 * is as trusted as we are. */
	runnable = stat(m->paths_env, &st) == 0 && (st.st_uid == 0 || st.st_uid == geteuid()) &&
		   !(st.st_mode & 022);
	for (int i = 0; i < PIECE_WORKLOAD; i++) {
		struct doctor_piece *p = &m->p[i];

		if (!p->path[0]) {
			snprintf(p->note, sizeof(p->note), m->read ? "not in paths.env" : "no paths.env");
			continue;
		}
		piece_look(p, i);
		if (!p->exists)
			continue;
		if ((i == PIECE_VIRTIOFSD || i == PIECE_QEMU) && !runnable)
			snprintf(p->note, sizeof(p->note), "not run: paths.env is not ours or root's, "
				 "or others may write it");
		else if (i == PIECE_VIRTIOFSD || i == PIECE_QEMU)
			prog_version(p->path, "--version", p->version, sizeof(p->version));
		else if (i == PIECE_KERNEL || i == PIECE_MODULES)
			piece_release(p, i);
	}
	compare_find_workload(&m->p[PIECE_WORKLOAD]);
	for (int i = 0; i < PIECE_COUNT; i++)
		if (!m->p[i].exists && used < sizeof(missing))
			used += (size_t)snprintf(missing + used, sizeof(missing) - used, "%s%s",
						 used ? ", " : "", m->p[i].name);
	d->f.compare = !missing[0];
	if (!m->read)
		check_set(c, ST_MISSING, "%s: run ci/compare-setup.sh", m->why);
	else if (missing[0])
		check_set(c, ST_MISSING, "missing %s (%s)", missing, m->paths_env);
	else
		check_set(c, ST_OK, "virtiofsd %s, qemu %s, guest kernel %s, guest workload: all there",
			  m->p[PIECE_VIRTIOFSD].version, m->p[PIECE_QEMU].version,
			  m->p[PIECE_KERNEL].version[0] ? m->p[PIECE_KERNEL].version : "of unknown release");
	if (m->read && missing[0] && strcmp(missing, "guest_workload") != 0)
		check_add(c, "run ci/compare-setup.sh");
	if (!m->p[PIECE_WORKLOAD].exists)
		check_add(c, "no static guest workload: build with -Dguest=enabled");
	if (m->read && m->bad)
		check_add(c, "%u line%s of paths.env refused", m->bad, m->bad == 1 ? "" : "s");
}
