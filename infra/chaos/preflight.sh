#!/usr/bin/env bash
# What the chaos suite (npm run test:chaos) needs from this machine, checked for real: root (network
# namespaces, veth pairs, iptables and mounts need CAP_NET_ADMIN and CAP_SYS_ADMIN), iproute2, iptables
# with the statistic match and the NFQUEUE target, Python 3 (infra/chaos/nfqueue-delay.py), tmpfs mounts,
# and the Temporal server that infra/setup.sh builds. Prints each check; exits 1 naming the first command
# that failed and its error. Everything it creates is named msc-preflight* and removed on exit.
set -uo pipefail
CACHE="${MEDSWEEP_CACHE:-$HOME/.cache/medsweep}"
NS=msc-preflight
MNT=$(mktemp -d)
remove_namespace() {
  ip netns del "$NS" 2>/dev/null
  ip link del msc-preflight 2>/dev/null
}
cleanup() {
  remove_namespace
  umount "$MNT" 2>/dev/null
  rmdir "$MNT" 2>/dev/null
}
trap cleanup EXIT
ok() { printf '[chaos preflight] ok    %s\n' "$1"; }
fail() { printf '[chaos preflight] FAIL  %s\n  command: %s\n  error:   %s\n' "$1" "$2" "$3" >&2; exit 1; }
check() {
  local what=$1
  shift
  local out
  if out=$("$@" 2>&1); then ok "$what"; else fail "$what" "$*" "${out:-exit status $?}"; fi
}

[[ $(id -u) -eq 0 ]] || fail "running as root" "id -u" "uid $(id -u): network namespaces, iptables and mounts need root"
ok "running as root"
for bin in ip iptables python3 mount; do
  command -v "$bin" >/dev/null || fail "$bin is installed" "command -v $bin" "not found (Debian: apt-get install iproute2 iptables python3 mount)"
  ok "$bin is installed"
done
remove_namespace
check "ip netns add" ip netns add "$NS"
check "veth pair into a namespace" ip link add msc-preflight type veth peer name eth0 netns "$NS"
check "iptables in a namespace" ip netns exec "$NS" iptables -A OUTPUT -o eth0 -p tcp --dport 1 -j DROP
check "iptables statistic match (packet loss)" \
  ip netns exec "$NS" iptables -A OUTPUT -o eth0 -m statistic --mode random --probability 0.05 -j DROP
check "iptables NFQUEUE target (delay)" ip netns exec "$NS" iptables -A OUTPUT -o eth0 -j NFQUEUE --queue-num 0 --queue-bypass
if out=$(ip netns exec "$NS" tc qdisc add dev eth0 root netem delay 200ms 2>&1); then
  ok "tc netem (not needed; delay goes through NFQUEUE)"
else
  printf '[chaos preflight] note  tc netem unavailable (%s): delay goes through NFQUEUE (infra/chaos/nfqueue-delay.py)\n' "${out//$'\n'/ }"
fi
check "tmpfs mount (a small full disk)" mount -t tmpfs -o size=256k tmpfs "$MNT"
check "Temporal server built by infra/setup.sh" test -x "$CACHE/bin/temporal-server"
check "temporal-sql-tool built by infra/setup.sh" test -x "$CACHE/bin/temporal-sql-tool"
