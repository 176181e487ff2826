/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `stalefs doctor [--json] [--dir DIR]`: what this machine can run and why
 * not. Each check (fuse, capabilities, file handles on DIR, user namespaces,
 * io_uring, overlayfs, tracefs, drop_caches, ostree, virtiofsd, qemu) gets a
 * status (ok | limited | missing), a one-line reason and the features that
 * need it; a summary says which inode modes, privilege conditions,
 * workloads and tracefs attribution can run here.
 *
 * Every probe is bounded (children get a 5 s alarm and are killed after
 * that) and leaves nothing behind: mounts happen only in a child's private
 * mount namespace, temp dirs and tracefs instances are removed at once.
 */
#ifndef STALEFS_DOCTOR_H
#define STALEFS_DOCTOR_H

/* argv[0] is "doctor". Exit code: 0 when the checks ran (whatever they
 * found), 2 on bad options. */
int doctor_main(int argc, char **argv);

#endif
