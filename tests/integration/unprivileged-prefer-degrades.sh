#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Without CAP_DAC_READ_SEARCH (--unprivileged) or in a user namespace
# (--userns), the startup probe's open_by_handle_at fails with EPERM and
# prefer (and its alias fallback) runs as never, saying so once. Args:
# MODE(prefer|fallback) PRIV(unprivileged|userns).
. "$(dirname "$0")/lib.sh"
mode=$1 priv=$2
setup
require_python
[ "$priv" = userns ] && require_userns
echo x >"$BACKING/f"
start_daemon --inode-file-handles="$mode" --"$priv"
cat "$MNT/f" >/dev/null || fail "read through the mount"
snapshot
expect_eq "effective mode" "$(field 'd["inode_mode"]["effective"]')" never
expect_eq "requested mode" "$(field 'd["inode_mode"]["requested"]')" "$mode"
field 'd["inode_mode"]["reason"]' | grep -q "Operation not permitted" ||
	fail "reason does not name EPERM"
n=$(grep -c "disabling file handles altogether" "$T/daemon.log")
expect_eq "log lines about disabling handles" "$n" 1
if [ "$mode" = fallback ]; then
	grep -q "fallback is deprecated" "$T/daemon.log" || fail "no deprecation warning"
fi
expect_eq "handles held" "$(field 'd["store"]["handles"]')" 0
stop_daemon
