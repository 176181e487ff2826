// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the paths.env reader (compare_paths_parse): the input is the file,
 * in a buffer of exactly its size. Every value kept is a string that fits,
 * and a line refused or unknown is counted, never kept.
 */
#include <stdlib.h>
#include <string.h>

#include "compare_paths.h"
#include "fuzz.h"

static const char *const seeds[] = {
	"virtiofsd=/var/cache/stalefs-compare/virtiofsd-root/virtiofsd\n"
	"kernel=/var/cache/stalefs-compare/kernel/6.1.0-57-cloud-amd64/root/boot/vmlinuz-6.1.0-57\n"
	"qemu=/usr/bin/qemu-system-x86_64\nbusybox=/bin/busybox\nmodules=/lib/modules/6.1.0\n",
	"virtiofsd=/opt/my\\ dir/virtiofsd\nqemu='/opt/q q/qemu'\nkernel=\"/k/a\\\"b\\\\c\"\r\n",
	"# comment\n\nfoo=/x\nqemu=/first\nqemu=/second",
	"virtiofsd=$'/a\\nb'\nqemu=$(reboot)\nbusybox=`id`\nkernel=/a b\nmodules='/open\n",
	"=x\n1virtiofsd=/a\nvirtiofsd\n virtiofsd=/a\n",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct compare_paths p;
	char *buf = malloc(size ? size : 1);
	unsigned int lines = 1;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	compare_paths_parse(buf, size, &p);
	for (size_t i = 0; i < size; i++)
		lines += buf[i] == '\n';
	if (p.bad + p.unknown > lines)
		abort();
	for (int i = 0; i < CP_COUNT; i++)
		if (!memchr(p.path[i], '\0', sizeof(p.path[i])) || strlen(p.path[i]) > size)
			abort();
	free(buf);
	return 0;
}

size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	return fuzz_seed_text(seeds, sizeof(seeds) / sizeof(seeds[0]), buf, len, r);
}
