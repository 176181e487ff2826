// SPDX-License-Identifier: GPL-2.0-or-later
/* The io_uring storm; see storm.h. Only liburing 2.1 calls are used. */
#include "storm.h"
#include "clock.h"

#include "build_config.h"

#ifdef HAVE_LIBURING

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <liburing.h>

#include "counts.h"
#include "errmsg.h"
#include "json.h"
#include "manifest.h"
#include "sha256.h"
#include "tree.h"

_Static_assert(SOP_COUNT <= COUNTS_OPS_MAX, "ESTALE buckets are per op");

struct run {
	const struct storm_params *p;
	struct manifest m;
	int rootfd;		/* O_PATH; every statx and openat is relative to it */
	unsigned int chunk;	/* bytes per read */
	double deadline;
	int stop;		/* atomic; a worker could not be started */
	/*
	 * Guards r->estale (counts_estale_add) while the workers run. Nothing else
	 * in r is written until they are joined: each worker counts into its
	 * own tally and storm_run adds those up.
	 */
	pthread_mutex_t lock;
	struct storm_result *r;
};

/* What one worker counted, unlocked; only that worker writes it. */
struct tally {
	uint64_t ok[SOP_COUNT];
	uint64_t err[SOP_COUNT][COUNTS_ERRNO_MAX];
	uint64_t files, bytes, mismatches, batches;
};

/* One name of a batch. The kernel writes stx and buf until the request's
 * completion is reaped. */
struct slot {
	const struct mname *n;
	int fd;			/* -1: not open */
	uint64_t off;		/* the next read's offset: bytes hashed so far */
	struct sha256 h;
	char *buf;		/* run->chunk bytes */
	struct statx stx;
};

struct worker {
	struct run *run;
	unsigned int index;
	int tid;
	struct io_uring ring;	/* only this worker's thread touches it */
	bool ring_up;
	unsigned int queued;	/* SQEs prepared but not yet taken by the kernel */
	struct slot *slots;	/* queue_depth of them */
	char *bufs;
	/*
	 * An io_uring call failed (ret, what) with requests maybe still in
	 * flight: the kernel may yet write into bufs and slots, so they are
	 * not freed (leak).
	 */
	int ret;
	const char *what;
	bool leak;
	struct tally t;
	pthread_t thread;
};

static const char *const sop_names[SOP_COUNT] = { "statx", "openat", "read", "close" };

const char *sop_name(enum sop op)
{
	return sop_names[op];
}

void storm_params_default(struct storm_params *p)
{
	*p = (struct storm_params){ .queue_depth = 32, .threads = 1, .seconds = 5.0, .seed = 1,
				    .hot_pct = 50 };
}

/* kernel.io_uring_disabled (6.6 and later), or -1 when there is none. */
static int io_uring_disabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "re");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* io_uring_queue_init failed with e: why, as best we can tell. */
static int no_io_uring(int e, char *err, size_t errlen)
{
	int disabled = io_uring_disabled();
	const char *hint = "";

	if (e == ENOSYS)
		hint = " (a kernel without io_uring, or a sandbox that hides it)";
	else if ((e == EPERM || e == EACCES) && disabled == 2)
		hint = " (kernel.io_uring_disabled=2)";
	else if ((e == EPERM || e == EACCES) && disabled == 1)
		hint = " (kernel.io_uring_disabled=1: only root and kernel.io_uring_group)";
	else if (e == EPERM || e == EACCES)
		hint = " (a seccomp filter or container policy?)";
	else if (e == ENOMEM)
		hint = " (RLIMIT_MEMLOCK too low for this queue depth?)";
	snprintf(err, errlen, "io_uring is not available here: %s%s", strerror(e), hint);
	return STORM_NO_IO_URING;
}


/* One completion of op with result res (>= 0, or -errno). */
static void tally(struct worker *w, enum sop op, int res, const char *path)
{
	struct storm_result *r = w->run->r;
	int e = res < 0 ? -res : 0;
	/* start_ns 0: io-wq workers ran it, no window for the join */
	struct wl_event ev = { .tid = w->tid, .op = op };

	if (!e) {
		w->t.ok[op]++;
		return;
	}
	w->t.err[op][e < COUNTS_ERRNO_MAX ? e : 0]++;
	if (e != ESTALE)
		return;
	ev.t_ns = mono_ns();
	snprintf(ev.path, sizeof(ev.path), "%s", path);
	pthread_mutex_lock(&w->run->lock);
	counts_estale_add(&r->estale, &ev);
	pthread_mutex_unlock(&w->run->lock);
}

static int broken(struct worker *w, const char *what, int ret)
{
	w->what = what;
	w->ret = ret;
	return ret;
}

/*
 * A free SQE. At most queue_depth requests are ever outstanding and the SQ
 * has at least that many entries, so there always is one.
 */
static struct io_uring_sqe *sqe_get(struct worker *w)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);

	if (!sqe) {
		broken(w, "io_uring_get_sqe", -EBUSY);
		return NULL;
	}
	w->queued++;
	return sqe;
}

/* The next completion, after handing the kernel what is queued. 0 or -errno. */
static int reap(struct worker *w, struct io_uring_cqe **cqe)
{
	int ret;

	for (;;) {
		if (io_uring_peek_cqe(&w->ring, cqe) == 0)
			return 0;
		if (w->queued) {
			ret = io_uring_submit(&w->ring);
			if (ret == -EINTR)
				continue;
			if (ret == -EAGAIN || ret == -EBUSY) {
				/* Short of memory, or completions backed up: let them drain. */
				usleep(100);
				continue;
			}
			if (ret < 0)
				return broken(w, "io_uring_submit", ret);
			/* The kernel stops at an SQE it cannot even start (that one
			 * completes with an error); the rest go with the next submit. */
			w->queued -= (unsigned int)ret < w->queued ? (unsigned int)ret : w->queued;
		}
		ret = io_uring_wait_cqe(&w->ring, cqe);
		if (ret == 0)
			return 0;
		if (ret != -EINTR)
			return broken(w, "io_uring_wait_cqe", ret);
	}
}

/* One statx, openat or close for each slot that needs it; all reaped. */
static int wave(struct worker *w, enum sop op)
{
	const struct run *run = w->run;
	unsigned int pending = 0;
	struct io_uring_cqe *cqe;
	int ret;

	for (unsigned int i = 0; i < run->p->queue_depth; i++) {
		struct slot *s = &w->slots[i];
		struct io_uring_sqe *sqe;

		if (op == SOP_CLOSE && s->fd < 0)
			continue;
		sqe = sqe_get(w);
		if (!sqe)
			goto broken;
		if (op == SOP_STATX)
			io_uring_prep_statx(sqe, run->rootfd, s->n->path, 0, STATX_BASIC_STATS,
					    &s->stx);
		else if (op == SOP_OPENAT)
			io_uring_prep_openat(sqe, run->rootfd, s->n->path, O_RDONLY | O_CLOEXEC, 0);
		else
			io_uring_prep_close(sqe, s->fd);
		io_uring_sqe_set_data(sqe, s);
		pending++;
	}
	while (pending) {
		struct slot *s;
		int res;

		ret = reap(w, &cqe);
		if (ret < 0)
			goto broken;
		s = io_uring_cqe_get_data(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&w->ring, cqe);
		pending--;
		tally(w, op, res, s->n->path);
		if (op == SOP_OPENAT)
			s->fd = res >= 0 ? res : -1;
		else if (op == SOP_CLOSE)
			s->fd = -1;	/* gone even when closing failed (a FLUSH error) */
	}
	return 0;
broken:
	w->leak = pending != 0;
	return w->ret;
}

static int queue_read(struct worker *w, struct slot *s)
{
	struct io_uring_sqe *sqe = sqe_get(w);

	if (!sqe)
		return w->ret;
	io_uring_prep_read(sqe, s->fd, s->buf, w->run->chunk, s->off);
	io_uring_sqe_set_data(sqe, s);
	return 0;
}

/* Every open file read to the end, one read in flight per file (in order,
 * for the hash); each file that reached its end is checked. */
static int read_wave(struct worker *w)
{
	const struct run *run = w->run;
	unsigned int pending = 0;
	struct io_uring_cqe *cqe;
	int ret;

	for (unsigned int i = 0; i < run->p->queue_depth; i++) {
		struct slot *s = &w->slots[i];

		if (s->fd < 0)
			continue;
		sha256_init(&s->h);
		s->off = 0;
		if (queue_read(w, s) < 0)
			goto broken;
		pending++;
	}
	while (pending) {
		unsigned char digest[32];
		char hex[65];
		struct slot *s;
		int res;

		ret = reap(w, &cqe);
		if (ret < 0)
			goto broken;
		s = io_uring_cqe_get_data(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&w->ring, cqe);
		tally(w, SOP_READ, res, s->n->path);
		if (res > 0) {
			sha256_update(&s->h, s->buf, res);
			s->off += res;
			if (queue_read(w, s) < 0)
				goto broken;
			continue;
		}
		pending--;
		if (res < 0)
			continue;	/* no retry: counted, and the file is not checked */
		sha256_final(&s->h, digest);
		sha256_to_hex(digest, hex);
		w->t.files++;
		w->t.bytes += s->off;
		if (s->off != s->n->size || strcmp(hex, s->n->hash) != 0)
			w->t.mismatches++;
	}
	return 0;
broken:
	w->leak = pending != 0;
	return w->ret;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct storm_params *p = run->p;
	uint64_t s = p->seed * 1000003 + w->index;

	w->tid = (int)syscall(SYS_gettid);
	while (!__atomic_load_n(&run->stop, __ATOMIC_RELAXED) &&
	       (p->count ? w->t.batches < p->count : mono_seconds() < run->deadline)) {
		for (unsigned int i = 0; i < p->queue_depth; i++) {
			size_t k = manifest_pick(&run->m, &s, p->hot_pct);

			w->slots[i].n = &run->m.names[k];
			w->slots[i].fd = -1;
		}
		if (wave(w, SOP_STATX) < 0 || wave(w, SOP_OPENAT) < 0 || read_wave(w) < 0 ||
		    wave(w, SOP_CLOSE) < 0)
			break;
		w->t.batches++;
	}
	/* Only after a failed io_uring call: what it left open. */
	for (unsigned int i = 0; i < p->queue_depth; i++)
		if (w->slots[i].fd >= 0)
			close(w->slots[i].fd);
	return NULL;
}

/* Bytes per read: 128 KiB (one FUSE READ at the default max_pages of 32),
 * less above QD 64 so a ring's buffers stay within 8 MiB; at least 4 KiB. */
static unsigned int read_chunk(unsigned int qd)
{
	unsigned int c = (8U << 20) / qd;

	if (c > 128U << 10)
		c = 128U << 10;
	if (c < 4096)
		c = 4096;
	return c & ~4095U;
}

/* Slots, buffers and the ring of worker i. 0, STORM_NO_IO_URING, or -errno. */
static int worker_init(struct run *run, struct worker *w, unsigned int i, char *err,
		       size_t errlen)
{
	unsigned int qd = run->p->queue_depth;
	int ret;

	w->run = run;
	w->index = i;
	w->slots = calloc(qd, sizeof(*w->slots));
	w->bufs = malloc((size_t)qd * run->chunk);
	if (!w->slots || !w->bufs)
		return errmsg(err, errlen, -ENOMEM, "out of memory");
	for (unsigned int k = 0; k < qd; k++) {
		w->slots[k].buf = w->bufs + (size_t)k * run->chunk;
		w->slots[k].fd = -1;
	}
	ret = io_uring_queue_init(qd, &w->ring, 0);
	if (ret < 0 && i == 0)
		return no_io_uring(-ret, err, errlen);
	if (ret < 0)
		return errmsg(err, errlen, ret, "io_uring_queue_init (QD %u) for thread %u: %s", qd,
			    i, strerror(-ret));
	w->ring_up = true;
	return 0;
}

static void worker_fini(struct worker *w)
{
	if (w->ring_up)
		io_uring_queue_exit(&w->ring);
	if (w->leak)
		return;
	free(w->slots);
	free(w->bufs);
}

int storm_run(const struct storm_params *p, struct storm_result *r, char *err, size_t errlen)
{
	struct run run = { .p = p, .r = r };
	struct worker *ws = NULL;
	unsigned int started = 0;
	char mpath[4096];
	double t0;
	int ret;

	memset(r, 0, sizeof(*r));
	counts_estale_init(&r->estale, p->seed);
	err[0] = '\0';
	if (!p->threads || p->threads > STORM_THREADS_MAX)
		return errmsg(err, errlen, -EINVAL, "threads must be 1 to %d", STORM_THREADS_MAX);
	if (!p->queue_depth || p->queue_depth > STORM_QD_MAX)
		return errmsg(err, errlen, -EINVAL, "queue depth must be 1 to %d", STORM_QD_MAX);
	run.rootfd = open(p->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run.rootfd < 0)
		return errmsg(err, errlen, -errno, "root %s: %s", p->root, strerror(errno));
	snprintf(mpath, sizeof(mpath), "%s/%s", p->root, TREE_MANIFEST);
	ret = manifest_load(&run.m, p->manifest ? p->manifest : mpath, err, errlen);
	if (ret < 0)
		goto out;
	run.chunk = read_chunk(p->queue_depth);
	ws = calloc(p->threads, sizeof(*ws));
	if (!ws) {
		ret = errmsg(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	for (unsigned int i = 0; i < p->threads; i++) {
		ret = worker_init(&run, &ws[i], i, err, errlen);
		if (ret)
			goto out_workers;
	}
	pthread_mutex_init(&run.lock, NULL);
	t0 = mono_seconds();
	run.deadline = t0 + p->seconds;
	for (; started < p->threads; started++) {
		ret = -pthread_create(&ws[started].thread, NULL, worker_main, &ws[started]);
		if (ret) {
			errmsg(err, errlen, ret, "starting thread %u: %s", started, strerror(-ret));
			__atomic_store_n(&run.stop, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	for (unsigned int i = 0; i < started; i++)
		pthread_join(ws[i].thread, NULL);
	r->seconds = mono_seconds() - t0;
	pthread_mutex_destroy(&run.lock);
	for (unsigned int i = 0; i < started; i++) {
		const struct tally *t = &ws[i].t;

		for (int op = 0; op < SOP_COUNT; op++) {
			r->ok[op] += t->ok[op];
			for (int e = 0; e < COUNTS_ERRNO_MAX; e++)
				r->err[op][e] += t->err[op][e];
		}
		r->files_checked += t->files;
		r->bytes_checked += t->bytes;
		r->mismatches += t->mismatches;
		r->batches += t->batches;
		if (!ret && ws[i].ret)
			ret = errmsg(err, errlen, -EIO, "thread %u: %s: %s", i, ws[i].what,
				   strerror(-ws[i].ret));
	}
out_workers:
	for (unsigned int i = 0; i < p->threads; i++)
		worker_fini(&ws[i]);
	free(ws);
out:
	manifest_free(&run.m);
	close(run.rootfd);
	return ret;
}

void storm_result_free(struct storm_result *r)
{
	counts_estale_free(&r->estale);
}

uint64_t storm_errors(const struct storm_result *r)
{
	uint64_t n = 0;

	for (int op = 0; op < SOP_COUNT; op++)
		for (int e = 0; e < COUNTS_ERRNO_MAX; e++)
			n += r->err[op][e];
	return n;
}

void storm_json(const struct storm_params *p, const struct storm_result *r, FILE *f)
{
	static const bool fd_ops[SOP_COUNT] = { [SOP_READ] = true, [SOP_CLOSE] = true };
	uint64_t total = 0;

	fputc('{', f);
	counts_json_origin(f, r->seconds);
	fputs(",\"workload\":\"storm\",\"params\":{\"root\":", f);
	json_put_string(f, p->root);
	fprintf(f, ",\"threads\":%u,\"seconds\":%.3f,\"count\":%llu,\"seed\":%llu,\"hot_pct\":%u,"
		"\"queue_depth\":%u},",
		p->threads, p->seconds, (unsigned long long)p->count, (unsigned long long)p->seed,
		p->hot_pct, p->queue_depth);
	fputs("\"ops\":{", f);
	for (int op = 0; op < SOP_COUNT; op++) {
		counts_json_op(f, op == 0, sop_names[op], r->ok[op], r->err[op], &total);
		fputc('}', f);
	}
	fprintf(f, "},\"integrity\":{\"files\":%llu,\"bytes\":%llu,\"mismatches\":%llu},",
		(unsigned long long)r->files_checked, (unsigned long long)r->bytes_checked,
		(unsigned long long)r->mismatches);
	counts_estale_json(f, &r->estale, sop_names, fd_ops);
	fprintf(f, ",\"batches\":%llu,\"duration_s\":%.3f,\"ops_total\":%llu,"
		"\"ops_per_s\":%.1f}\n",
		(unsigned long long)r->batches, r->seconds, (unsigned long long)total,
		r->seconds > 0 ? total / r->seconds : 0.0);
}

void storm_summary(const struct storm_params *p, const struct storm_result *r, FILE *f)
{
	uint64_t ok = 0, errs = storm_errors(r);

	for (int op = 0; op < SOP_COUNT; op++)
		ok += r->ok[op];
	fprintf(f, "storm: %llu ok, %llu errors (%llu ESTALE), %llu files / %llu bytes checked, "
		"%llu mismatches, %llu batches (QD %u, threads %u), %.0f ops/s, %.1f s\n",
		(unsigned long long)ok, (unsigned long long)errs, (unsigned long long)r->estale.total,
		(unsigned long long)r->files_checked, (unsigned long long)r->bytes_checked,
		(unsigned long long)r->mismatches, (unsigned long long)r->batches, p->queue_depth,
		p->threads, r->seconds > 0 ? (ok + errs) / r->seconds : 0.0, r->seconds);
}

#endif /* HAVE_LIBURING */
