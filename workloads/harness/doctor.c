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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "exitcode.h"

#include "doctor_check.h"
#include "doctor_compare.h"
#include "doctor_fs.h"
#include "doctor_kernel.h"
#include "doctor_output.h"
#include "doctor_prog.h"
#include "opts.h"

enum { D_JSON = 1, D_DIR };

static const struct opt doctor_opts[] = {
	{ D_JSON, "json", OPT_FLAG, .help = "print one JSON object instead" },
	{ D_DIR, "dir", OPT_STR, "DIR", "$TMPDIR or /tmp", .help = "the directory whose file handles are probed" },
};

int doctor_main(int argc, char **argv)
{
	struct doctor d = { 0 };
	struct utsname u;
	struct stat st;
	struct opts o;
	bool json = false;
	long cpus;
	int id, ret;

	d.tmp = getenv("TMPDIR");
	if (!d.tmp || !*d.tmp)
		d.tmp = "/tmp";
	d.dir = d.tmp;
	if (opts_init(&o, "stalefs doctor", doctor_opts, sizeof(doctor_opts) / sizeof(doctor_opts[0]),
		      argc, argv) < 0)
		return EXIT_INTERNAL;
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case D_JSON:
			json = true;
			break;
		case D_DIR:
			d.dir = o.arg;
			break;
		}
	}
	ret = opts_finish(&o, id, "stalefs doctor [--json] [--dir DIR]",
			  "What this machine can run and why not: FUSE, capabilities, file handles on\n"
			  "DIR, user namespaces, io_uring, overlayfs, tracefs, drop_caches, ostree,\n"
			  "virtiofsd, qemu and compare's pieces (ci/compare-setup.sh's paths.env, the\n"
			  "static guest workload); each ok, limited or missing, with the reason, then\n"
			  "what can run (inode modes, privileges, workloads, attribution, compare).\n"
			  "Probes are bounded (5 s) and leave nothing behind.\n"
			  "exit: 0 when the checks ran (whatever they found), 2 usage");
	if (ret < 0 && o.optind < argc) {
		fprintf(stderr, "stalefs doctor: unexpected argument '%s' (try stalefs doctor --help)\n",
			argv[o.optind]);
		ret = EXIT_USAGE;
	}
	opts_fini(&o);
	if (ret >= 0)
		return ret;
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
	check_compare(&d);	/* before virtiofsd: paths.env's is its fallback */
	check_virtiofsd(&d);
	check_qemu(&d);
	check_vhost(&d);

	if (json)
		doctor_print_json(&d, &u, cpus);
	else
		doctor_print_text(&d, &u, cpus);
	fflush(stdout);
	return 0;
}
