// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs doctor; see doctor.h. The command: options, the checks in order,
 * the output. The checks live by what they look at (doctor_kernel.c,
 * doctor_fs.c, doctor_prog.c); probes run in this process when they are
 * harmless (opens, stats, name_to_handle_at, io_uring_setup, a tracefs
 * instance made and removed at once) and in a bounded child
 * (doctor_child.c) when they change the process (unshare) or run a tool
 * (`fusermount3 -V`).
 */
#include "doctor.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "exitcode.h"

#include "doctor_check.h"
#include "doctor_fs.h"
#include "doctor_kernel.h"
#include "doctor_output.h"
#include "doctor_prog.h"

static void usage(void)
{
	printf("usage: stalefs doctor [--json] [--dir DIR]\n"
	       "What this machine can run and why not: FUSE, capabilities, file handles on\n"
	       "DIR (default $TMPDIR or /tmp), user namespaces, io_uring, overlayfs, tracefs,\n"
	       "drop_caches, ostree, virtiofsd and qemu; each ok, limited or missing, with the\n"
	       "reason, then what can run (inode modes, privileges, workloads, attribution).\n"
	       "--json prints one JSON object instead. Probes are bounded (5 s) and leave\n"
	       "nothing behind.\n"
	       "exit: 0 when the checks ran (whatever they found), 2 usage\n");
}

int doctor_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d = { 0 };
	struct utsname u;
	struct stat st;
	bool json = false;
	long cpus;
	int c;

	d.tmp = getenv("TMPDIR");
	if (!d.tmp || !*d.tmp)
		d.tmp = "/tmp";
	d.dir = d.tmp;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'd':
			d.dir = optarg;
			break;
		case 'h':
			usage();
			return 0;
		case ':':
			fprintf(stderr, "stalefs doctor: %s needs an argument (try stalefs doctor "
				"--help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "stalefs doctor: unknown option '%s' (try stalefs doctor "
				"--help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "stalefs doctor: unexpected argument '%s' (try stalefs doctor "
			"--help)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (stat(d.dir, &st) < 0) {
		fprintf(stderr, "stalefs doctor: --dir %s: %s\n", d.dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "stalefs doctor: --dir %s: not a directory\n", d.dir);
		return EXIT_USAGE;
	}
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	cpus = sysconf(_SC_NPROCESSORS_ONLN);

	check_init_all(&d);
	check_caps(&d);		/* first: the others read d.f.sys_admin */
	check_fuse(&d);
	check_handles(&d);
	check_userns(&d);
	check_io_uring(&d);
	check_overlay(&d);
	check_tracefs(&d);
	check_drop_caches(&d);
	check_memcg(&d);
	check_ostree(&d);
	check_virtiofsd(&d);
	check_qemu(&d);

	if (json)
		doctor_print_json(&d, &u, cpus);
	else
		doctor_print_text(&d, &u, cpus);
	fflush(stdout);
	return 0;
}
