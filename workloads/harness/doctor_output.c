// SPDX-License-Identifier: GPL-2.0-or-later
/* What `stalefs doctor` prints; see doctor_output.h. */
#include "doctor_output.h"

#include "build_config.h"

#include <stdbool.h>
#include <stdio.h>
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
}

static const char *jb(bool v)
{
	return v ? "true" : "false";
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
	printf("\"tracefs\":%s}}\n", jb(f->tracefs));
}
