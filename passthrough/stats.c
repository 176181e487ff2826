// SPDX-License-Identifier: GPL-2.0-or-later
/* Counters and the error-event log; see stats.h. */
#include "stats.h"
#include "clock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "errname.h"
#include "errsrc.h"
#include "json.h"

/*
 * Our output files are born 0644 whatever the daemon's umask (0: the kernel
 * applies the caller's), and a symlink at the path is not followed: a file
 * the daemon writes as root cannot be aimed elsewhere.
 */
static FILE *open_output(const char *path, int flags, const char *mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0644);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, mode);
	if (!f) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return f;
}

/* The first line a daemon writes to its event log. */
static void put_header(struct stats *st)
{
	fputc('{', st->events);
	json_put_origin(st->events, STATS_EVENTS_SCHEMA, &st->origin);
	fprintf(st->events, ",\"type\":\"header\",\"t_ns\":%llu,\"clock\":\"monotonic\",\"pid\":%d}\n",
		(unsigned long long)mono_ns(), (int)getpid());
}

int stats_init(struct stats *st, const char *events_path)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&st->events_lock, NULL);
	json_origin_now(&st->origin);
	if (events_path) {
		st->events = open_output(events_path, O_APPEND, "a");
		if (!st->events)
			return -errno;
		setvbuf(st->events, NULL, _IOLBF, 0);
		put_header(st);
	}
	return 0;
}

void stats_destroy(struct stats *st)
{
	if (st->events)
		fclose(st->events);
	st->events = NULL;
	pthread_mutex_destroy(&st->events_lock);
}

void stats_error_event(struct stats *st, const struct error_event *ev)
{
	uint64_t t_ns;
	char eb[16];

	if (ev->err > 0 && ev->err < ERRNO_SLOTS)
		stats_count(&st->errors[ev->err], 1);
	else
		stats_count(&st->errors[0], 1);
	if (!st->events)
		return;
	t_ns = mono_ns();
	pthread_mutex_lock(&st->events_lock);
	fprintf(st->events, "{\"t_ns\":%llu,\"type\":\"error\",\"op\":\"%s\",\"nodeid\":%llu,\"name\":",
		(unsigned long long)t_ns, op_name(ev->op),
		(unsigned long long)ev->nodeid);
	if (ev->name)
		json_put_string(st->events, ev->name);
	else
		fputs("null", st->events);
	fprintf(st->events, ",\"errno\":%d,\"err\":\"%s\",\"source\":\"%s\",\"detail\":",
		ev->err, errname(ev->err, eb, sizeof(eb)),
		ev->source ? ev->source : ERRSRC_HOST);
	json_put_string(st->events, ev->detail ? ev->detail : "unknown");
	fprintf(st->events, ",\"pid\":%u", ev->pid);
	if (ev->path) {
		fputs(",\"path\":", st->events);
		json_put_string(st->events, ev->path);
	}
	if (ev->known)
		fprintf(st->events, ",\"known\":%llu", (unsigned long long)ev->known);
	if (ev->limit)
		fprintf(st->events, ",\"limit\":\"%s\",\"limit_n\":%llu,\"fds\":%ld,\"guest_fds\":%llu",
			ev->limit->limit, (unsigned long long)ev->limit->limit_n, ev->limit->fds,
			(unsigned long long)ev->limit->guest_fds);
	fputs("}\n", st->events);
	pthread_mutex_unlock(&st->events_lock);
}

void stats_identity_event(struct stats *st, const struct identity_event *ev)
{
	uint64_t t_ns;

	if (!st->events)
		return;
	t_ns = mono_ns();
	pthread_mutex_lock(&st->events_lock);
	fprintf(st->events, "{\"t_ns\":%llu,\"type\":\"identity\",\"op\":\"%s\",\"parent\":%llu,"
		"\"name\":", (unsigned long long)t_ns,
		op_name(ev->op), (unsigned long long)ev->parent);
	json_put_string(st->events, ev->name);
	fputs(",\"path\":", st->events);
	if (ev->path)
		json_put_string(st->events, ev->path);
	else
		fputs("null", st->events);
	fprintf(st->events, ",\"change\":\"%s\",\"old_nodeid\":%llu,\"nodeid\":%llu,"
		"\"old_generation\":%llu,\"generation\":%llu,\"old_submount\":%s,\"submount\":%s,"
		"\"pid\":%u}\n", ev->change, (unsigned long long)ev->old_nodeid,
		(unsigned long long)ev->nodeid, (unsigned long long)ev->old_generation,
		(unsigned long long)ev->generation, ev->old_submount ? "true" : "false",
		ev->submount ? "true" : "false", ev->pid);
	pthread_mutex_unlock(&st->events_lock);
}

void stats_fault_event(struct stats *st, const struct inject_event *ev)
{
	uint64_t t_ns;

	stats_count(&st->faults, 1);
	if (!st->events)
		return;
	t_ns = mono_ns();
	pthread_mutex_lock(&st->events_lock);
	fprintf(st->events, "{\"t_ns\":%llu,\"type\":\"fault\",\"seq\":%llu,\"rule\":%u,"
		"\"kind\":\"%s\",\"rule_text\":",
		(unsigned long long)t_ns,
		(unsigned long long)ev->seq, ev->rule_id, fault_kind_name(ev->kind));
	json_put_string(st->events, ev->rule_text);
	fprintf(st->events, ",\"op\":\"%s\",\"nodeid\":%llu,\"name\":", op_name(ev->op),
		(unsigned long long)ev->nodeid);
	if (ev->name)
		json_put_string(st->events, ev->name);
	else
		fputs("null", st->events);
	fputs(",\"answer\":", st->events);
	json_put_string(st->events, ev->answer ? ev->answer : "");
	if (ev->path) {
		fputs(",\"path\":", st->events);
		json_put_string(st->events, ev->path);
	}
	fputs("}\n", st->events);
	pthread_mutex_unlock(&st->events_lock);
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void stats_write_json(struct stats *st, struct inode_store *store,
		      const struct stats_mode *mode, FILE *f)
{
	struct store_counts c;
	const char *sep = "";
	char eb[16];

	store_counts(store, &c);
	fputc('{', f);
	json_put_origin(f, STATS_SCHEMA, &st->origin);
	fputs(",\"inode_mode\":{\"requested\":", f);
	json_put_string(f, mode->requested);
	fputs(",\"effective\":", f);
	json_put_string(f, mode->effective);
	fputs(",\"reason\":", f);
	json_put_string(f, mode->reason);
	fputs("},\"cache\":", f);
	json_put_string(f, mode->cache);
	fprintf(f, ",\"readdirplus\":%s", mode->readdirplus ? "true" : "false");
	if (mode->version)
		fprintf(f, ",\"virtiofsd_version\":\"%s\",\"fds\":{\"rlimit_nofile\":%llu,"
			"\"guest_limit\":%llu,\"guest_fds\":%llu,\"guest_refused\":%llu},"
			"\"submounts\":{\"announce\":%s,\"offered\":%s,\"sent\":%llu},"
			"\"identity\":{\"slots\":%llu,\"changes\":%llu}", mode->version,
			(unsigned long long)mode->rlimit, (unsigned long long)mode->guest_limit,
			(unsigned long long)mode->guest_fds, (unsigned long long)mode->guest_refused,
			mode->announce_submounts ? "true" : "false",
			mode->submounts_offered ? "true" : "false",
			(unsigned long long)mode->submounts_sent,
			(unsigned long long)mode->identity_slots,
			(unsigned long long)mode->identity_changes);
	fprintf(f, ",\"store\":{\"entries\":%llu,\"fds\":%llu,\"handles\":%llu,\"stale\":%llu,"
		"\"next_nodeid\":%llu}",
		(unsigned long long)c.entries, (unsigned long long)c.fds,
		(unsigned long long)c.handles, (unsigned long long)c.stale,
		(unsigned long long)c.next_nodeid);
	fprintf(f, ",\"forgotten\":%llu,\"faults\":%llu,\"requests\":{",
		(unsigned long long)load(&st->forgets), (unsigned long long)load(&st->faults));
	for (int i = 0; i < OP_COUNT; i++) {
		if (!load(&st->requests[i]))
			continue;
		fprintf(f, "%s\"%s\":%llu", sep, op_name(i), (unsigned long long)load(&st->requests[i]));
		sep = ",";
	}
	fputs("},\"ok\":{", f);
	sep = "";
	for (int i = 0; i < OP_COUNT; i++) {
		if (!load(&st->ok[i]))
			continue;
		fprintf(f, "%s\"%s\":%llu", sep, op_name(i), (unsigned long long)load(&st->ok[i]));
		sep = ",";
	}
	fputs("},\"errors\":{", f);
	sep = "";
	for (int i = 1; i < ERRNO_SLOTS; i++) {
		if (!load(&st->errors[i]))
			continue;
		fprintf(f, "%s\"%s\":%llu", sep, errname(i, eb, sizeof(eb)),
			(unsigned long long)load(&st->errors[i]));
		sep = ",";
	}
	if (load(&st->errors[0]))
		fprintf(f, "%s\"other\":%llu", sep, (unsigned long long)load(&st->errors[0]));
	fputs("}}\n", f);
}

int stats_write_file(struct stats *st, struct inode_store *store,
		     const struct stats_mode *mode, const char *path)
{
	char tmp[4096];
	FILE *f;
	int ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);	/* a leftover (or planted) one: ours is made anew */
	f = open_output(tmp, O_EXCL, "w");
	if (!f)
		return -errno;
	stats_write_json(st, store, mode, f);
	if (fflush(f) != 0)
		ret = -errno;
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0)
		unlink(tmp);
	return ret;
}
