// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stderr logger with syslog-like levels. Each message is formatted into one
 * buffer and written with one write(2), so lines from threads do not mix.
 */
#include "log.h"
#include "clock.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static enum log_level log_level = LOG_LVL_INFO;
static const char *log_prog = "stalefs";

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_set_prog(const char *prog)
{
	log_prog = prog;
}

int log_level_parse(const char *name)
{
	static const struct { const char *name; enum log_level level; } names[] = {
		{ "error", LOG_LVL_ERROR }, { "warn", LOG_LVL_WARN },
		{ "info", LOG_LVL_INFO }, { "debug", LOG_LVL_DEBUG },
		{ "trace", LOG_LVL_DEBUG }, { "off", LOG_LVL_OFF },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].level;
	return -EINVAL;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tags[] = {
		[LOG_LVL_ERROR] = "error", [LOG_LVL_WARN] = "warning",
		[LOG_LVL_INFO] = "info", [LOG_LVL_DEBUG] = "debug",
	};
	char buf[1024];
	int saved = errno;
	int n = 0;
	va_list ap;

	if (level > log_level)
		return;
	if (log_level >= LOG_LVL_DEBUG) {
		uint64_t us = mono_ns() / 1000;

		n = snprintf(buf, sizeof(buf), "[%llu.%06llu %ld] ", (unsigned long long)(us / 1000000),
			     (unsigned long long)(us % 1000000), (long)syscall(SYS_gettid));
	}
	n += snprintf(buf + n, sizeof(buf) - n, "%s: %s: ", log_prog, tags[level]);
	if (n < (int)sizeof(buf)) {
		errno = saved;
		va_start(ap, fmt);
		n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
		va_end(ap);
	}
	if (n >= (int)sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* Nowhere left to report it. */
	}
	errno = saved;
}
