/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One logger for the daemon and the tools: syslog levels, stderr sink, a
 * time + thread-id prefix at debug level. Results go to stdout elsewhere;
 * everything here goes to stderr.
 */
#ifndef STALEFS_LOG_H
#define STALEFS_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LVL_OFF = 0,	/* nothing */
	LOG_LVL_ERROR = 3,
	LOG_LVL_WARN = 4,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

/* Set once at startup, before any thread exists. */
void log_set_level(enum log_level level);
void log_set_prog(const char *prog);
enum log_level log_get_level(void);
/* "error", "warn", "info", "debug", "trace" (= debug), "off" -> level, or -EINVAL. */
int log_level_parse(const char *name);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)   log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
