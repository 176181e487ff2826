/* SPDX-License-Identifier: GPL-2.0-or-later */
/* For targets whose parser reads a file by path: the input as a memfd, named
 * /proc/self/fd/N. */
#ifndef STALEFS_FUZZ_MEMFILE_H
#define STALEFS_FUZZ_MEMFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* The input in a fresh memfd: its fd (close it after) with path set, or -1. */
static inline int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
