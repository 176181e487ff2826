// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-store: memory per tracked inode and claim speed of the inode store,
 * for handle entries (ext4-sized 8-byte handles) and O_PATH entries (the
 * kernel's fd not counted). Prints figures; no pass/fail on speed.
 *
 *   bench-store [N]      (default 100000 entries)
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>

#include "config.h"
#include "inode.h"
#include "names.h"

static int base_fd;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static struct inode *cand(uint64_t i, bool with_handle)
{
	unsigned char buf[sizeof(struct file_handle) + 8];
	struct file_handle *fh = (struct file_handle *)buf;
	struct inode_ids ids = { .ino = 1000 + i, .dev = 0x801, .mnt_id = 30 };
	uint32_t ino = 1000 + i, gen = 7;

	fh->handle_bytes = 8;
	fh->handle_type = 1;
	memcpy(fh->f_handle, &ino, 4);
	memcpy(fh->f_handle + 4, &gen, 4);
	/* O_PATH entries hold a real fd (a dup: its kernel memory is not counted). */
	return inode_new(&ids, S_IFREG, with_handle ? -1 : dup(base_fd), with_handle ? fh : NULL);
}

static void run(const char *label, uint64_t n, bool with_handle)
{
	struct inode_store s;
	struct inode *e;
	size_t before, after;
	double t0, t_insert, t_claim;

	store_init(&s);
	before = heap_used();
	t0 = now();
	for (uint64_t i = 0; i < n; i++) {
		store_lookup(&s, cand(i, with_handle), &e);
		store_put(&s, e);
	}
	t_insert = now() - t0;
	after = heap_used();
	t0 = now();
	for (uint64_t i = 0; i < n; i++) {
		store_lookup(&s, cand(i, with_handle), &e);	/* a hardlink's second name */
		store_put(&s, e);
	}
	t_claim = now() - t0;
	printf("store %-7s entries %8llu  bytes/entry %6.1f  insert %6.0f ns  claim %6.0f ns"
	       "  (struct inode %zu B)\n",
	       label, (unsigned long long)n, (double)(after - before) / n, t_insert / n * 1e9,
	       t_claim / n * 1e9, sizeof(struct inode));
	store_destroy(&s);
}

/* The table of recent names: bytes per tracked name, ns per answer noted. */
static void run_names(unsigned int slots)
{
	struct names t;
	struct name_change c;
	size_t before = heap_used(), after;
	char name[32];
	double t0;

	names_init(&t, slots);
	after = heap_used();
	t0 = now();
	for (unsigned int i = 0; i < slots; i++) {
		snprintf(name, sizeof(name), "%08x.file", i);
		names_note(&t, 2 + i % 64, name, i + 2, 0, false, &c);
	}
	printf("names   slots %8zu  bytes/name  %6.1f  note %6.0f ns  (struct name_slot %zu B,"
	       " target <= 64)\n", t.nslots, (double)(after - before) / t.nslots,
	       (now() - t0) / slots * 1e9, names_slot_bytes());
	names_destroy(&t);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000;
	struct rlimit rl;

	if (argc > 2 && strcmp(argv[2], "names") == 0) {
		run_names(CONFIG_NAMES_DEFAULT);
		return 0;
	}
	run_names(CONFIG_NAMES_DEFAULT);

	base_fd = open("/", O_PATH | O_CLOEXEC);
	run("handle", n, true);
	/* O_PATH mode needs one fd per entry, like virtiofsd. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < n + 64)
			n = rl.rlim_cur > 1064 ? rl.rlim_cur - 64 : 1000;
	}
	run("o_path", n, false);
	return 0;
}
