// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket (`--control SOCKET`): a client sends one command line
 * and reads lines back, the last being "ok [...]" or "error: ...". The
 * socket is made 0600 and a peer whose uid is neither ours nor root is
 * refused. A bad command gets an error reply; the daemon keeps serving.
 * One thread accepts; each client gets its own thread (at most
 * CTL_MAX_CLIENTS at once; more get "error: busy"), so a client that never
 * sends its line (5 s, then dropped) delays nobody else. Commands run one
 * at a time (cmd_lock), their answer built in memory and sent after.
 *
 *   add RULE | list | clear | fire KIND[:key=value,...] | stats | store | reload
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

#include "daemon_state.h"
#include "faults.h"
#include "json.h"
#include "log.h"
#include "unixaddr.h"

/* `fire` of a kind that acts on the whole daemon, now. */
static void fire_now(struct daemon *d, const struct rule *r, FILE *out)
{
	struct inject_fire f = { .seq = inject_next_seq(&d->inj), .rule_id = 0, .kind = r->kind,
				 .err = r->err, .action = r->action };
	struct inject_point pt = { .op = OP_INIT, .nodeid = r->nodeid };
	char msg[512] = "";
	int ret = 0;

	snprintf(f.rule_text, sizeof(f.rule_text), "ctl fire %.*s", (int)sizeof(f.rule_text) - 10,
		 r->text);
	switch (r->kind) {
	case FAULT_RESTART:
		ret = faults_restart(d);
		snprintf(msg, sizeof(msg), "restarted: store dropped, nodeids from 2");
		break;
	case FAULT_REBIND:
		ret = faults_rebind(d, r->to, msg, sizeof(msg));
		break;
	case FAULT_SILLY_CLEANUP:
		faults_silly_cleanup(d, &f, msg, sizeof(msg));
		break;
	case FAULT_EVICT:
		ret = store_evict(&d->store, r->nodeid, r->err, 0);
		snprintf(msg, sizeof(msg), ret ? "nodeid %llu is not in the store" : "evicted nodeid %llu",
			 (unsigned long long)r->nodeid);
		break;
	case FAULT_KERNEL_EVICT:
		ret = faults_kernel_evict(d, &f, &pt);
		snprintf(msg, sizeof(msg), "queued %s", kevict_action_name(r->action));
		if (ret == 0) {
			fprintf(out, "ok %s\n", msg);
			return;	/* the notifier reports it once sent */
		}
		break;
	default:
		break;
	}
	if (ret == 0)
		inject_report(&d->inj, &f, &pt, msg);
	fprintf(out, ret ? "error: %s\n" : "ok %s\n", msg);
}

static void cmd_fire(struct daemon *d, const char *arg, FILE *out)
{
	char err[256], text[RULE_TEXT_MAX + 16];
	struct rule r;
	int id;

	if (rule_parse(arg, &r, err, sizeof(err)) < 0) {
		fprintf(out, "error: %s\n", err);
		return;
	}
	switch (r.kind) {
	case FAULT_EVICT:
	case FAULT_KERNEL_EVICT:
		if (!r.nodeid && (r.kind == FAULT_EVICT || (r.action != KEVICT_DROP_CACHES &&
							     r.action != KEVICT_EPOCH))) {
			fprintf(out, "error: nodeid: fire %s needs nodeid=N (or use a rule)\n",
				fault_kind_name(r.kind));
			return;
		}
		if (r.kind == FAULT_EVICT && r.nodeid == FUSE_ROOT_ID) {
			fprintf(out, "error: nodeid: 1 is the root; evicting it makes the whole mount "
				"answer EBADF until `fire restart` (use restart for that)\n");
			return;
		}
		if (r.kind == FAULT_KERNEL_EVICT &&
		    (r.action == KEVICT_INVAL_ENTRY || r.action == KEVICT_DELETE)) {
			fprintf(out, "error: action: %s needs a name; add it as a rule with op=LOOKUP\n",
				kevict_action_name(r.action));
			return;
		}
		/* fall through */
	case FAULT_RESTART:
	case FAULT_REBIND:
	case FAULT_SILLY_CLEANUP:
		fire_now(d, &r, out);
		return;
	default:
		/* Per-request kinds fire once, on the next request they select. */
		snprintf(text, sizeof(text), "%s%s%s", arg, strchr(arg, ':') ? "," : ":",
			 r.count ? "" : "count=1");
		if (r.count)
			text[strlen(text) - 1] = '\0';
		id = inject_add(&d->inj, text, err, sizeof(err));
		if (id < 0)
			fprintf(out, "error: %s\n", err);
		else
			fprintf(out, "ok rule %d (fires on the next matching request)\n", id);
	}
}

/* `store`: the entries, each line carrying the schema and the daemon's origin. */
static void cmd_store(struct daemon *d, FILE *out)
{
	char *lead = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&lead, &len);

	if (!f) {
		fprintf(out, "error: %s\n", strerror(errno));
		return;
	}
	json_put_origin(f, STATS_STORE_SCHEMA, &d->stats.origin);
	if (fclose(f) != 0) {
		fprintf(out, "error: %s\n", strerror(errno));
		goto out_free;
	}
	store_dump(&d->store, lead, out);
	fprintf(out, "ok\n");
out_free:
	free(lead);
}

static void handle(struct daemon *d, char *line, FILE *out)
{
	char *arg = line + strcspn(line, " ");
	struct stats_mode m;
	char err[512];
	int id;

	if (*arg)
		*arg++ = '\0';
	arg += strspn(arg, " ");
	if (strcmp(line, "add") == 0) {
		id = inject_add(&d->inj, arg, err, sizeof(err));
		if (id < 0)
			fprintf(out, "error: %s\n", err);
		else
			fprintf(out, "ok rule %d\n", id);
	} else if (strcmp(line, "list") == 0) {
		inject_list(&d->inj, out);
		fprintf(out, "ok\n");
	} else if (strcmp(line, "clear") == 0) {
		inject_clear(&d->inj);
		fprintf(out, "ok\n");
	} else if (strcmp(line, "fire") == 0) {
		cmd_fire(d, arg, out);
	} else if (strcmp(line, "stats") == 0) {
		daemon_stats_mode(d, &m);
		stats_write_json(&d->stats, &d->store, &m, out);
		fprintf(out, "ok\n");
	} else if (strcmp(line, "store") == 0) {
		cmd_store(d, out);
	} else if (strcmp(line, "reload") == 0) {
		fprintf(out, faults_reload(d, err, sizeof(err)) ? "error: %s\n" : "ok %s\n", err);
	} else {
		fprintf(out, "error: unknown command '%s' (add, list, clear, fire, stats, store, reload)\n",
			line);
	}
}

/* Read one command line from c and answer it. Does not close c. */
static void serve_client(struct daemon *d, int c)
{
	struct timeval tv = { .tv_sec = 5 };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char line[1024], *answer = NULL;
	size_t n = 0, alen = 0;
	ssize_t r;
	FILE *out;

	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	out = open_memstream(&answer, &alen);
	if (!out)
		return;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != geteuid() && cred.uid != 0)) {
		fprintf(out, "error: permission denied\n");
		goto send;
	}
	while (n < sizeof(line) - 1 && (r = read(c, line + n, sizeof(line) - 1 - n)) > 0) {
		n += r;
		if (memchr(line, '\n', n))
			break;
	}
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (!line[0]) {
		fprintf(out, "error: empty command\n");
	} else {
		pthread_mutex_lock(&d->ctl.cmd_lock);
		handle(d, line, out);
		pthread_mutex_unlock(&d->ctl.cmd_lock);
	}
send:
	if (fclose(out) == 0)
		for (size_t done = 0; done < alen; done += r)
			if ((r = send(c, answer + done, alen - done, MSG_NOSIGNAL)) <= 0)
				break;
	free(answer);
}

struct client {
	struct daemon *d;
	unsigned int slot;
};

static void *client_thread(void *arg)
{
	struct client *cl = arg;
	struct ctl_state *ctl = &cl->d->ctl;
	int c = ctl->fds[cl->slot];

	serve_client(cl->d, c);
	pthread_mutex_lock(&ctl->lock);
	ctl->fds[cl->slot] = -1;	/* before close: ctl_stop must not shut a reused fd */
	ctl->nclients--;
	pthread_cond_broadcast(&ctl->gone);
	pthread_mutex_unlock(&ctl->lock);
	close(c);
	free(cl);
	return NULL;
}

/* Hand c to a thread of its own; "error: busy" when CTL_MAX_CLIENTS are served. */
static void start_client(struct daemon *d, int c)
{
	static const char busy[] = "error: busy (too many control clients at once)\n";
	struct ctl_state *ctl = &d->ctl;
	struct client *cl = malloc(sizeof(*cl));
	pthread_attr_t attr;
	pthread_t tid;
	unsigned int i;

	pthread_mutex_lock(&ctl->lock);
	for (i = 0; i < CTL_MAX_CLIENTS && ctl->fds[i] >= 0; i++)
		;
	if (!cl || i == CTL_MAX_CLIENTS) {
		pthread_mutex_unlock(&ctl->lock);
		if (send(c, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("control client: %m");
		close(c);
		free(cl);
		return;
	}
	*cl = (struct client){ .d = d, .slot = i };
	ctl->fds[i] = c;
	ctl->nclients++;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, client_thread, cl) != 0) {
		ctl->fds[i] = -1;
		ctl->nclients--;
		close(c);
		free(cl);
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_unlock(&ctl->lock);
}

static void *ctl_thread(void *arg)
{
	struct daemon *d = arg;
	int c;

	for (;;) {
		c = accept4(d->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;	/* shut down by ctl_stop */
		}
		start_client(d, c);
	}
}

int ctl_start(struct daemon *d, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd, ret, dirfd;

	pthread_mutex_init(&d->ctl.lock, NULL);
	pthread_mutex_init(&d->ctl.cmd_lock, NULL);
	pthread_cond_init(&d->ctl.gone, NULL);
	for (unsigned int i = 0; i < CTL_MAX_CLIENTS; i++)
		d->ctl.fds[i] = -1;
	d->ctl.nclients = 0;
	ret = unixaddr_make(&sa, path, &dirfd);
	if (ret < 0) {
		log_err("--control '%s': %s", path, strerror(-ret));
		return ret;
	}
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		/* A live daemon's socket is its own: taking it would cut that
		 * daemon off (and our exit would delete it). */
		if (unixaddr_answers(&sa, sizeof(sa))) {
			log_err("--control '%s': another daemon answers on it (give another path)", path);
			ret = -EADDRINUSE;
			goto out_dir;
		}
		unlink(path);	/* left over from a killed daemon */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		goto out_dir;
	}
	old = umask(0177);	/* the socket is born 0600 */
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || listen(fd, 8) < 0) {
		ret = -errno;
		log_err("--control '%s': %s", path, strerror(errno));
		close(fd);
		goto out_dir;
	}
	if (dirfd >= 0)
		close(dirfd);
	if (lstat(path, &st) == 0) {
		d->ctl_dev = st.st_dev;
		d->ctl_ino = st.st_ino;
	}
	d->ctl_fd = fd;
	if (pthread_create(&d->ctl_tid, NULL, ctl_thread, d) != 0) {
		close(fd);
		unlink(path);
		d->ctl_fd = -1;
		return -EAGAIN;
	}
	d->ctl_started = true;
	return 0;
out_dir:
	if (dirfd >= 0)
		close(dirfd);
	return ret;
}

void ctl_stop(struct daemon *d, const char *path)
{
	struct stat st;

	if (!d->ctl_started)
		return;
	shutdown(d->ctl_fd, SHUT_RDWR);
	pthread_join(d->ctl_tid, NULL);
	/* Clients still served: wake their reads and wait for them to go. */
	pthread_mutex_lock(&d->ctl.lock);
	for (unsigned int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (d->ctl.fds[i] >= 0)
			shutdown(d->ctl.fds[i], SHUT_RDWR);
	while (d->ctl.nclients)
		pthread_cond_wait(&d->ctl.gone, &d->ctl.lock);
	pthread_mutex_unlock(&d->ctl.lock);
	pthread_mutex_destroy(&d->ctl.lock);
	pthread_mutex_destroy(&d->ctl.cmd_lock);
	pthread_cond_destroy(&d->ctl.gone);
	close(d->ctl_fd);
	d->ctl_fd = -1;
	d->ctl_started = false;
	/* Only the socket we made: not one another daemon put there since. */
	if (lstat(path, &st) == 0 && st.st_dev == d->ctl_dev && st.st_ino == d->ctl_ino)
		unlink(path);
}
