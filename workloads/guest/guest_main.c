// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs-guest-workload: the `stalefs workload` commands as one statically
 * linked program, for the busybox initramfs of a QEMU guest (stalefs
 * compare, workloads/guest/stalefs-guest.sh). Same arguments as
 * `stalefs workload`: stalefs-guest-workload read --root /mnt ... ; same
 * exit codes.
 */
#include "cli.h"

int main(int argc, char **argv)
{
	return workload_main(argc, argv);
}
