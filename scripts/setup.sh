#!/usr/bin/env bash
# Installs what podnet needs, only what is missing: Debian packages (as root, via apt-get) and npm
# dependencies (npm ci), then builds. Safe to run again; fast when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=(nftables iptables iproute2 conntrack dnsutils knot-dnsutils curl procps util-linux
      etcd-server etcd-client containernetworking-plugins dnsperf knot unbound nginx-light wrk
      chromium iperf3 socat)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "podnet setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts services on install; podnet starts its own private instances, stop the system ones.
    for svc in etcd nginx unbound knot; do systemctl stop "$svc" >/dev/null 2>&1 || true; done
  fi
elif [ "$(id -u)" != 0 ]; then
  echo "podnet setup: not root, skipping Debian packages (the data plane and its tests need root)" >&2
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "podnet setup: npm ci"
  npm ci --no-audit --no-fund
fi
if [ ! -f dist/cli/main.js ] || [ -n "$(find api apiserver client cli controllers cni dns host ingress kubelet netpol analyze observe proxy storage -name '*.ts' -newer dist/cli/main.js 2>/dev/null | head -1)" ]; then
  echo "podnet setup: building"
  npx tsc -p tsconfig.json
fi
