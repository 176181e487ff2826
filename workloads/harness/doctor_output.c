// SPDX-License-Identifier: GPL-2.0-or-later
/* What `stalefs doctor` prints; see doctor_output.h. */
#include "doctor_output.h"

#include "build_config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

#define DOCTOR_SCHEMA "doctor/1"	/* man/stalefs-formats.5 */

struct summary {
	bool never, prefer, prefer_handles, mandatory;
	bool root, unprivileged, userns;
	bool read, storm, ostree, churn, overlay;
};

static void summarize(const struct facts *f, struct summary *s)
{
	s->never = f->mount_ok;
	/* prefer starts unless name_to_handle_at fails in an unusual way */
	s->prefer = f->mount_ok && f->handles != HANDLES_FATAL;
	s->prefer_handles = f->mount_ok && f->handles == HANDLES_OK;
	s->mandatory = s->prefer_handles;
	s->root = f->mount_ok && f->root;
	s->unprivileged = f->mount_ok;
	s->userns = f->mount_ok && f->root && f->userns;
	s->read = f->mount_ok;
	s->storm = f->mount_ok && f->io_uring;
	s->ostree = f->mount_ok && f->ostree;
	s->churn = f->mount_ok;
	s->overlay = f->mount_ok && f->overlay;
}

static const char *yes_no(bool v, const char *why)
{
	static char buf[8][96];
	static int n;
	char *b = buf[n++ % 8];

	if (v)
		return "yes";
	snprintf(b, sizeof(buf[0]), "no (%s)", why);
	return b;
}

/* compare's pieces, one line each: name, ok or missing, path, version or
 * release, note. Paths in paths.env's dir are shown from it ("./kernel/..."):
 * the kernel's and its modules' are long. */
static void print_pieces_text(const struct doctor_compare *m)
{
	const char *slash = strrchr(m->paths_env, '/');
	size_t dlen = slash ? (size_t)(slash - m->paths_env) : 0;

	printf("\ncompare's pieces (%s%s; ./ is %.*s):\n", m->paths_env, m->read ? "" : ", not read",
	       (int)dlen, m->paths_env);
	for (int i = 0; i < PIECE_COUNT; i++) {
		const struct doctor_piece *p = &m->p[i];
		const char *path = p->path;
		bool rel = dlen && strncmp(path, m->paths_env, dlen) == 0 && path[dlen] == '/';
		bool release = i == PIECE_KERNEL || i == PIECE_MODULES;	/* named in the path */

		printf("  %-15s %-8s %s%s%s%s%s%s%s\n", p->name, p->exists ? "ok" : "missing",
		       rel ? "." : "", rel ? path + dlen : path,
		       path[0] && p->version[0] && !release ? " " : "", release ? "" : p->version,
		       p->note[0] ? (path[0] ? " (" : "(") : "", p->note, p->note[0] ? ")" : "");
	}
	for (int i = 0; i < PIECE_WORKLOAD; i++)
		if (!m->p[i].exists) {
			printf("  (ci/compare-setup.sh finds or fetches them and writes %s)\n",
			       m->paths_env);
			break;
		}
}

void doctor_print_text(const struct doctor *d, const struct utsname *u, long cpus)
{
	const struct facts *f = &d->f;
	struct summary s;
	const char *mnt = "fuse";

	summarize(f, &s);
	printf("stalefs %s doctor: kernel %s, %ld cpu%s, euid %u\n", STALEFS_VERSION, u->release,
	       cpus, cpus == 1 ? "" : "s", (unsigned)geteuid());
	for (int i = 0; i < C_COUNT; i++)
		printf("%-8s %-17s %s\n", check_status_names[d->c[i].st], d->c[i].name, d->c[i].detail);
	print_pieces_text(&d->cmp);
	printf("\ncan run:\n");
	printf("  inode modes  never %s, prefer %s, mandatory %s\n", yes_no(s.never, mnt),
	       !s.prefer ? yes_no(false, f->mount_ok ? "file_handles" : mnt) :
	       s.prefer_handles ? "yes" : "degrades to never (file_handles)",
	       yes_no(s.mandatory, f->mount_ok ? "file_handles" : mnt));
	printf("  privileges   root %s, unprivileged %s, userns %s\n",
	       yes_no(s.root, f->mount_ok ? "capabilities" : mnt), yes_no(s.unprivileged, mnt),
	       yes_no(s.userns, !f->mount_ok ? mnt : !f->root ? "capabilities" : "userns"));
	printf("  workloads    read %s, storm %s, ostree %s, churn %s, overlay %s\n",
	       yes_no(s.read, mnt), yes_no(s.storm, f->mount_ok ? "io_uring" : mnt),
	       yes_no(s.ostree, f->mount_ok ? "ostree" : mnt), yes_no(s.churn, mnt),
	       yes_no(s.overlay, f->mount_ok ? "overlayfs" : mnt));
	printf("  attribution  tracefs %s\n", yes_no(f->tracefs, "tracefs"));
	printf("  compare      %s\n", yes_no(f->compare, d->cmp.read ? "compare" : "ci/compare-setup.sh"));
}


static const char *jb(bool v)
{
	return v ? "true" : "false";
}

/* "compare":{"paths_env":...,"read":...,"why":...,"bad_lines":N,"unknown_keys":N,
 * "pieces":[{"name":...,"path":...,"exists":...,"version":...,"note":...}]} */
static void print_pieces_json(const struct doctor_compare *m)
{
	printf("\"compare\":{\"paths_env\":");
	json_put_string(stdout, m->paths_env);
	printf(",\"read\":%s,\"why\":", jb(m->read));
	json_put_string(stdout, m->why);
	printf(",\"bad_lines\":%u,\"unknown_keys\":%u,\"pieces\":[", m->bad, m->unknown);
	for (int i = 0; i < PIECE_COUNT; i++) {
		const struct doctor_piece *p = &m->p[i];

		printf("%s{\"name\":", i ? "," : "");
		json_put_string(stdout, p->name);
		printf(",\"path\":");
		json_put_string(stdout, p->path);
		printf(",\"exists\":%s,\"version\":", jb(p->exists));
		json_put_string(stdout, p->version);
		printf(",\"note\":");
		json_put_string(stdout, p->note);
		putchar('}');
	}
	printf("]}");
}

void doctor_print_json(const struct doctor *d, const struct utsname *u, long cpus)
{
	const struct facts *f = &d->f;
	struct json_origin o;
	struct summary s;

	summarize(f, &s);
	json_origin_now(&o);
	snprintf(o.kernel, sizeof(o.kernel), "%s", u->release);
	putchar('{');
	json_put_origin(stdout, DOCTOR_SCHEMA, &o);
	printf(",\"cpus\":%ld,\"euid\":%u,\"dir\":", cpus, (unsigned)geteuid());
	json_put_string(stdout, d->dir);
	printf(",\"checks\":[");
	for (int i = 0; i < C_COUNT; i++) {
		const struct check *c = &d->c[i];

		printf("%s{\"name\":", i ? "," : "");
		json_put_string(stdout, c->name);
		printf(",\"status\":");
		json_put_string(stdout, check_status_names[c->st]);
		printf(",\"detail\":");
		json_put_string(stdout, c->detail);
		printf(",\"needed_for\":[");
		for (int k = 0; c->needs[k]; k++) {
			if (k)
				putchar(',');
			json_put_string(stdout, c->needs[k]);
		}
		printf("]}");
	}
	printf("],\"can_run\":{\"modes\":{\"never\":%s,\"prefer\":%s,\"mandatory\":%s},"
	       "\"prefer_effective\":%s,",
	       jb(s.never), jb(s.prefer), jb(s.mandatory),
	       !s.prefer ? "null" : s.prefer_handles ? "\"prefer\"" : "\"never\"");
	printf("\"privileges\":{\"root\":%s,\"unprivileged\":%s,\"userns\":%s},",
	       jb(s.root), jb(s.unprivileged), jb(s.userns));
	printf("\"workloads\":{\"read\":%s,\"storm\":%s,\"ostree\":%s,\"churn\":%s,"
	       "\"overlay\":%s},", jb(s.read), jb(s.storm), jb(s.ostree), jb(s.churn),
	       jb(s.overlay));
	printf("\"tracefs\":%s,\"compare\":%s},", jb(f->tracefs), jb(f->compare));
	print_pieces_json(&d->cmp);
	printf("}\n");
}
