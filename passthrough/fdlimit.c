// SPDX-License-Identifier: GPL-2.0-or-later
/* virtiofsd's fd limits (limits.rs, guest_fd_limit.rs); see fdlimit.h. */
#include "fdlimit.h"
#include "errmsg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errsrc.h"
#include "log.h"

static int read_nr_open(uint64_t *out)
{
	unsigned long long v;
	FILE *f = fopen("/proc/sys/fs/nr_open", "re");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	if (!ok)
		return -EINVAL;
	*out = v;
	return 0;
}

static int set_both(uint64_t n)
{
	struct rlimit rl = { .rlim_cur = n, .rlim_max = n };

	return setrlimit(RLIMIT_NOFILE, &rl) < 0 ? -errno : 0;
}

/* virtiofsd setup_rlimit_nofile: the soft limit in effect in *out. */
static int apply_rlimit(const struct config *cfg, uint64_t *out, char *warn, size_t warnlen,
			char *err, size_t errlen)
{
	uint64_t nr_open = 0, target;
	struct rlimit rl;
	int ret;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return errmsg(err, errlen, -errno, "getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
	*out = rl.rlim_cur;
	if (cfg->rlimit_nofile_set && cfg->rlimit_nofile == 0)
		return 0;
	ret = read_nr_open(&nr_open);
	if (ret < 0)
		return errmsg(err, errlen, ret, "reading /proc/sys/fs/nr_open: %s", strerror(-ret));
	if (cfg->rlimit_nofile_set) {
		target = cfg->rlimit_nofile;
	} else {
		if (rl.rlim_cur >= FDLIMIT_DEFAULT)
			return 0;
		target = FDLIMIT_DEFAULT < nr_open ? FDLIMIT_DEFAULT : nr_open;
	}
	if (target > nr_open)
		return errmsg(err, errlen, -EINVAL,
			    "--rlimit-nofile=%llu: it cannot be increased above fs.nr_open (%llu)",
			    (unsigned long long)target, (unsigned long long)nr_open);
	ret = set_both(target);
	if (ret == 0) {
		*out = target;
		return 0;
	}
	if (cfg->rlimit_nofile_set)
		return errmsg(err, errlen, ret,
			    "--rlimit-nofile=%llu: cannot set the limit (hard limit %llu): %s",
			    (unsigned long long)target, (unsigned long long)rl.rlim_max,
			    strerror(-ret));
	snprintf(warn, warnlen, "Failure when trying to set the limit to %llu, the hard limit (%llu) "
		 "of open file descriptors is used instead.", (unsigned long long)target,
		 (unsigned long long)rl.rlim_max);
	ret = set_both(rl.rlim_max);
	if (ret < 0)
		return errmsg(err, errlen, ret, "cannot raise the soft fd limit to the hard limit %llu: %s",
			    (unsigned long long)rl.rlim_max, strerror(-ret));
	*out = rl.rlim_max;
	return 0;
}

int fdlimit_setup(struct fdlimit *fl, const struct config *cfg, char *err, size_t errlen)
{
	uint64_t reserve = FDLIMIT_RESERVE + (cfg->thread_pool_size > 1 ? cfg->thread_pool_size : 1);
	int ret;

	*fl = (struct fdlimit){ .guest_limit = UINT64_MAX, .count_fd = -1 };
	ret = -pthread_mutex_init(&fl->count_lock, NULL);
	if (ret < 0)
		return errmsg(err, errlen, ret, "mutex: %s", strerror(-ret));
	ret = apply_rlimit(cfg, &fl->rlimit, fl->warning, sizeof(fl->warning), err, errlen);
	if (ret < 0)
		return ret;
	if (cfg->virtiofsd_version == VIRTIOFSD_1_13_2) {
		if (fl->rlimit < reserve)
			return errmsg(err, errlen, -EINVAL, "Maximum number of file descriptors too small: "
				    "Limit is %llu, must be at least %llu (virtiofsd 1.13.2 keeps "
				    "%llu for itself)", (unsigned long long)fl->rlimit,
				    (unsigned long long)reserve, (unsigned long long)reserve);
		fl->guest_limit = fl->rlimit - reserve;
		fl->enforce = true;
		if (fl->guest_limit < 128 && !fl->warning[0])
			snprintf(fl->warning, sizeof(fl->warning), "File descriptor count limit is very "
				 "small, leaving only %llu file descriptors for the guest",
				 (unsigned long long)fl->guest_limit);
	}
	/* Opened now, so counting works even when the process is out of fds. */
	fl->count_fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return 0;
}

void fdlimit_report(const struct fdlimit *fl)
{
	if (fl->warning[0])
		log_warn("%s", fl->warning);
}

void fdlimit_destroy(struct fdlimit *fl)
{
	if (fl->count_fd >= 0)
		close(fl->count_fd);
	fl->count_fd = -1;
	pthread_mutex_destroy(&fl->count_lock);
}

int fdlimit_take(struct fdlimit *fl)
{
	uint64_t used = __atomic_load_n(&fl->guest_used, __ATOMIC_RELAXED);

	do {
		if (fl->enforce && used >= fl->guest_limit) {
			__atomic_fetch_add(&fl->refused, 1, __ATOMIC_RELAXED);
			if (!__atomic_exchange_n(&fl->logged, 1, __ATOMIC_RELAXED))
				log_err("No more file descriptors available to the guest (0 available "
					"out of %llu initially), consider increasing the "
					"--rlimit-nofile value", (unsigned long long)fl->guest_limit);
			return daemon_err("guest-fd-limit", -ENFILE);
		}
	} while (!__atomic_compare_exchange_n(&fl->guest_used, &used, used + 1, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}

void fdlimit_give(struct fdlimit *fl)
{
	__atomic_fetch_sub(&fl->guest_used, 1, __ATOMIC_RELAXED);
}

long fdlimit_open_fds(struct fdlimit *fl)
{
	char buf[4096];
	long n = 0, got;

	if (fl->count_fd < 0)
		return -1;
	pthread_mutex_lock(&fl->count_lock);
	if (lseek(fl->count_fd, 0, SEEK_SET) < 0) {
		n = -1;
		goto out;
	}
	while ((got = syscall(SYS_getdents64, fl->count_fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			const struct dirent64 *de = (const void *)(buf + off);

			if (de->d_name[0] != '.')
				n++;
			off += de->d_reclen;
		}
	}
	if (got < 0)
		n = -1;
	else
		n--;	/* count_fd itself */
out:
	pthread_mutex_unlock(&fl->count_lock);
	return n;
}

void fdlimit_explain(struct fdlimit *fl, int err, bool from_guest_limit, struct fdlimit_note *n)
{
	*n = (struct fdlimit_note){
		.fds = -1,
		.guest_fds = __atomic_load_n(&fl->guest_used, __ATOMIC_RELAXED),
	};
	if (from_guest_limit) {
		n->limit = "guest-fd";
		n->limit_n = fl->guest_limit;
		return;
	}
	n->fds = fdlimit_open_fds(fl);
	if (err == EMFILE) {
		n->limit = "RLIMIT_NOFILE";
		n->limit_n = fl->rlimit;
	} else {
		n->limit = "fs.file-max";
	}
}
