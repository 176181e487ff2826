// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the readers of files we read back: the first byte picks the reader,
 * the rest is the file: a tree's manifest (the readers' names, which must
 * stay inside the tree), /proc/self/mountinfo, or virtiofsd's debug log
 * (compare's counter).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare_vlog.h"
#include "fuzz.h"
#include "fuzz_memfile.h"
#include "manifest.h"
#include "mountinfo.h"

static const char *const seeds[] = {
	"m" "objects/ab/cd.file\t" "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\t6\n"
	"top\t" "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\t6\n"
	"link\t" "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\t6\t../top\n"
	"#xattr\tuser.stalefs\n",
	"i" "36 35 98:0 /mnt1 /mnt\\040x rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
	"37 36 0:55 / /tmp/a rw - fuse.stalefs stalefs rw,user_id=0\n",
	"v" "[Z DEBUG virtiofsd::server] Received request: opcode=Read (15), inode=7, unique=8, pid=94\n"
	"[Z DEBUG virtiofsd::server] Replying ERROR, header: OutHeader { error: -116 (Stale file "
	"handle), unique: 8, len: 16 }\n",
};

/* The oracle, written apart from manifest.c's: absolute, or a ".." component. */
static bool leaves(const char *p)
{
	const char *c = p;

	if (*p == '/')
		return true;
	for (;;) {
		size_t n = strcspn(c, "/");

		if (n == 2 && c[0] == '.' && c[1] == '.')
			return true;
		if (!c[n])
			return false;
		c += n + 1;
	}
}

static int count(const struct mountinfo_entry *e, void *arg)
{
	*(size_t *)arg += strlen(e->mnt) + strlen(e->fstype);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	struct manifest m;
	size_t n = 0;
	int fd;

	if (size < 1)
		return 0;
	if (data[0] == 'v') {
		struct vlog_counts v;
		char *text = malloc(size);

		if (!text)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		(void)vlog_count_text(text, &v);
		free(text);
		return 0;
	}
	fd = fuzz_memfile(data + 1, size - 1, path, sizeof(path));
	if (fd < 0)
		return 0;
	if (data[0] == 'i') {
		(void)mountinfo_each(path, count, &n);
	} else if (manifest_load(&m, path, err, sizeof(err)) == 0) {
		uint64_t rng = size;

		for (size_t i = 0; i < m.n; i++)
			if (leaves(m.names[i].path))
				abort();	/* a name that leaves the tree got through */
		for (int k = 0; k < 8; k++)
			(void)manifest_pick(&m, &rng, 50);
		manifest_free(&m);
	}
	close(fd);
	return 0;
}

size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	return fuzz_seed_text(seeds, sizeof(seeds) / sizeof(seeds[0]), buf, len, r);
}
