#!/usr/bin/env bash
# Makes @tensorflow/tfjs-node's native addon (tfjs_binding.node) loadable.
#
# Why: its install script downloads libtensorflow 2.9.1 from storage.googleapis.com, which offline
# machines cannot reach, and `npm install --ignore-scripts` skips it altogether. The PyPI
# tensorflow-cpu wheel ships the same TF C API (headers + libtensorflow_cc.so.2), so we can build
# the addon against it instead, and cache the result so fresh clones on this machine skip the build.
#
# Usage (from the repo root, via `npm run setup`):  bash infra/native-tf.sh
# Env:
#   MEDSWEEP_CACHE      cache root (default ~/.cache/medsweep): venv/, tfjs-node/<key>/, logs/
#   MEDSWEEP_TF_SOURCE  auto (default) | download | wheel
#                         auto:     wheel when the download host is unreachable, else npm's normal
#                                   download build with the wheel as fallback
#                         download: only npm's normal install script (libtensorflow 2.9.1)
#                         wheel:    only the tensorflow-cpu wheel
#   MEDSWEEP_PYTHON     python used to create the venv (default python3)
#   TFJS_NODE_BASE_URI  honoured by tfjs-node's own install script and by the reachability check
# An addon that already loads is left alone whatever the source (that check is the whole run, <1 s).
# A wheel build cached on this machine is restored before anything is built or downloaded.
# The wheel path is Linux-only; elsewhere (a laptop with internet) npm's own install works.
set -euo pipefail

readonly TF_WHEEL_VERSION=2.21.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MEDSWEEP_CACHE:-$HOME/.cache/medsweep}"
VENV="$CACHE/venv"
SOURCE="${MEDSWEEP_TF_SOURCE:-auto}"
PYTHON="${MEDSWEEP_PYTHON:-python3}"
TAG=native-tf
PKG=@tensorflow/tfjs-node
CACHE_NAME=tfjs-node
# shellcheck source=infra/native-addon-lib.sh
source "$ROOT/infra/native-addon-lib.sh"

case "$SOURCE" in
  auto | download | wheel) ;;
  *) die "MEDSWEEP_TF_SOURCE must be auto, download or wheel (got '$SOURCE')" ;;
esac
command -v node > /dev/null || die "node is not on PATH"
cd "$ROOT"

run_probe
if [[ $PROBE_RC -eq 0 ]]; then
  log "ok: native backend already loads (libtensorflow $PROBE_VERSION)"
  exit 0
fi
log "native addon does not load yet: $(printf %s "${PROBE_MSG:0:160}" | sed "s/[[:space:].]*$//")"

start_slow_path
read_package_facts
KEY="tfjs-node-$TFJS_VERSION-tf-$TF_WHEEL_VERSION-node-abi$NODE_ABI-napi$NAPI_VERSION-$PLATFORM"
KEY_DIR="$CACHE/$CACHE_NAME/$KEY"

# Checks the addon again after a build/restore; the runtime finds the libs via the addon's rpath
# ($ORIGIN/../../deps/lib), so no LD_LIBRARY_PATH is needed.
verify() {
  run_probe
  return $PROBE_RC
}

# --- Venv with the tensorflow-cpu wheel ----------------------------------------------------------
wheel_version() {
  # importlib.metadata reads dist-info only; importing tensorflow would take seconds.
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("tensorflow-cpu"))' 2> /dev/null || true
}

ensure_venv() {
  local have
  have="$(wheel_version)"
  [[ "$have" == "$TF_WHEEL_VERSION" ]] && return 0
  # Another process (e.g. setup's venv step) may be pip-installing into this venv right now; a
  # second pip into the same venv would race it, so wait for it and re-check.
  local waited=0
  while pgrep -f -- "$VENV/bin/(pip|python.* -m pip)" > /dev/null 2>&1; do
    ((waited == 0)) && log "waiting for a pip already installing into $VENV ..."
    ((waited >= 1800)) && die "a pip into $VENV is still running after 30 min"
    sleep 5
    waited=$((waited + 5))
  done
  have="$(wheel_version)"
  [[ "$have" == "$TF_WHEEL_VERSION" ]] && return 0
  create_venv
  log "installing tensorflow-cpu==$TF_WHEEL_VERSION into $VENV (installed: ${have:-none}; ~1-3 min)"
  pip_install "tensorflow-cpu==$TF_WHEEL_VERSION"
}

# Runs tfjs-node's own install script (install.js -> node-pre-gyp) through npm, which supplies
# node-gyp. install.js rewrites its package.json during the build and leaves it modified when the
# build fails, so it is restored afterwards.
npm_rebuild() {
  local pkg_backup rc=0
  pkg_backup="$(mktemp)"
  cp "$TFJS_DIR/package.json" "$pkg_backup"
  use_local_node_headers
  (cd "$ROOT" && run_logged npm rebuild "$PKG" --ignore-scripts=false --foreground-scripts --no-audit --no-fund) || rc=$?
  cp "$pkg_backup" "$TFJS_DIR/package.json"
  rm -f "$pkg_backup"
  if [[ $rc -eq 0 && ! -f "$BINDING_PATH" ]]; then
    # npm 11's allowScripts policy can skip the install script without failing the command.
    log "npm rebuild produced no addon: is $PKG denied in package.json 'allowScripts'?"
    return 1
  fi
  return $rc
}

restore_cache() {
  [[ -f "$KEY_DIR/tfjs_binding.node" ]] || return 1
  log "restoring the addon from cache ($KEY)"
  ensure_venv
  clean_outputs
  link_wheel_deps
  restore_binding
  if verify; then return 0; fi
  log "cached addon does not load (${PROBE_MSG:0:160}); rebuilding"
  rm -rf "$KEY_DIR"
  return 1
}

build_from_wheel() {
  ensure_venv
  log "building the addon against tensorflow-cpu $TF_WHEEL_VERSION (~20-60 s; log: $LOG)"
  clean_outputs
  link_wheel_deps
  npm_config_build_from_source=true npm_rebuild ||
    die "building tfjs-node against the wheel failed: $(log_reason) (log: $LOG)"
  verify || die "addon built but does not load: ${PROBE_MSG:0:200} (log: $LOG)"
  # rpath must point at deps/lib relative to the addon, or it would need LD_LIBRARY_PATH.
  readelf -d "$BINDING_PATH" 2> /dev/null | grep -q 'ORIGIN/../../deps/lib' ||
    log "warning: addon rpath is not \$ORIGIN/../../deps/lib; loading may need LD_LIBRARY_PATH"
  save_cache
}

download_host_reachable() {
  local url="${TFJS_NODE_BASE_URI:-https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-}cpu-linux-x86_64-2.9.1.tar.gz"
  curl -sfI --max-time 5 -o /dev/null "$url" 2> /dev/null
}

build_from_download() {
  log "building the addon with tfjs-node's own install script (downloads libtensorflow 2.9.1; log: $LOG)"
  # A deps/ left by a wheel build would make install.js skip its download and reuse the wheel.
  clean_outputs
  npm_rebuild && verify
}

# --- Main -----------------------------------------------------------------------------------------
# Another run may have finished the job while we waited for the lock.
if verify; then
  log "ok: native backend loads (libtensorflow $PROBE_VERSION)"
  exit 0
fi

how=""
if [[ "$SOURCE" != download ]] && restore_cache; then
  how="restored from cache"
elif [[ "$SOURCE" == wheel ]]; then
  build_from_wheel
  how="built from the tensorflow-cpu wheel"
elif [[ "$SOURCE" == download ]]; then
  build_from_download || die "tfjs-node's install script failed (MEDSWEEP_TF_SOURCE=download): $(log_reason) (log: $LOG)"
  how="built by tfjs-node's install script"
elif ! download_host_reachable; then
  log "download host unreachable; using the tensorflow-cpu wheel"
  build_from_wheel
  how="built from the tensorflow-cpu wheel"
elif build_from_download; then
  how="built by tfjs-node's install script"
else
  log "download build failed ($(log_reason)); falling back to the tensorflow-cpu wheel"
  build_from_wheel
  how="built from the tensorflow-cpu wheel"
fi
log "ok: native backend loads (libtensorflow $PROBE_VERSION, $how, $(elapsed))"
