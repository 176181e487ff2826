#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --posix-acl makes the kernel enforce the shared dir's POSIX ACLs as the
# backing filesystem does natively: a 0644 file whose ACL denies nobody is
# unreadable to nobody, a 0600 file whose ACL lets nobody read is readable.
# Without it only the mode bits count (virtiofsd's default): the denying ACL
# is not enforced. The ACLs are written as system.posix_acl_access xattrs.
. "$(dirname "$0")/lib.sh"
setup
require_python
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
chmod 755 "$BACKING"
echo secret >"$BACKING/denied"
echo shared >"$BACKING/granted"
chmod 644 "$BACKING/denied"
chmod 600 "$BACKING/granted"
# user:nobody:--- on a 0644 file; user:nobody:r-- on a 0600 one.
python3 - "$BACKING/denied" "$BACKING/granted" <<'PY' || skip "the backing fs takes no POSIX ACLs"
import os, struct, sys
def acl(path, user_perm, group_perm, other_perm, nobody_perm, mask):
    e = [(1, user_perm, 0xffffffff), (2, nobody_perm, 65534), (4, group_perm, 0xffffffff),
         (0x10, mask, 0xffffffff), (0x20, other_perm, 0xffffffff)]
    os.setxattr(path, "system.posix_acl_access",
                struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *x) for x in e))
acl(sys.argv[1], 6, 4, 4, 0, 4)
acl(sys.argv[2], 6, 0, 0, 4, 4)
PY
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
reads() { as_nobody cat "$1" >/dev/null 2>&1 && echo yes || echo no; }
expect_eq "natively: nobody reads the denied file" "$(reads "$BACKING/denied")" no
expect_eq "natively: nobody reads the granted file" "$(reads "$BACKING/granted")" yes

start_daemon --posix-acl --cache=never
expect_eq "--posix-acl: nobody reads the denied file" "$(reads "$MNT/denied")" no
expect_eq "--posix-acl: nobody reads the granted file" "$(reads "$MNT/granted")" yes
stop_daemon

start_daemon --cache=never
expect_eq "without --posix-acl: the denying ACL is not enforced" "$(reads "$MNT/denied")" yes
expect_eq "without --posix-acl: the granting ACL does not count" "$(reads "$MNT/granted")" no
stop_daemon
note "ACLs enforced with --posix-acl, mode bits only without (as virtiofsd)"
