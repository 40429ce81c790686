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
# tfjs-node's install.js skips its download only when this file exists (it hard-codes 2.9.1).
readonly TFJS_LIB_MARKER=libtensorflow.so.2.9.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MEDSWEEP_CACHE:-$HOME/.cache/medsweep}"
VENV="$CACHE/venv"
SOURCE="${MEDSWEEP_TF_SOURCE:-auto}"
PYTHON="${MEDSWEEP_PYTHON:-python3}"
START_S="${EPOCHREALTIME:-$SECONDS}"

log() { printf '[native-tf] %s\n' "$*"; }
die() {
  printf '[native-tf] ERROR: %s\n' "$*" >&2
  exit 1
}
elapsed() { awk -v a="$START_S" -v b="${EPOCHREALTIME:-$SECONDS}" 'BEGIN { printf "%.1fs", b - a }'; }

case "$SOURCE" in
  auto | download | wheel) ;;
  *) die "MEDSWEEP_TF_SOURCE must be auto, download or wheel (got '$SOURCE')" ;;
esac
command -v node > /dev/null || die "node is not on PATH"
cd "$ROOT"

# --- Probe: one node process resolves the package and tries to load the addon --------------------
# Prints "<tfjs-node dir>\t<TF version>" and exits 0 when the native backend works; exits 2 when the
# package is not installed; otherwise prints the load error (first line) and exits 1.
probe() {
  TF_CPP_MIN_LOG_LEVEL=3 node -e '
    const path = require("path");
    let dir;
    try {
      dir = path.dirname(require.resolve("@tensorflow/tfjs-node/package.json",
        { paths: [path.resolve("packages/ml"), process.cwd()] }));
    } catch { process.exit(2); }
    process.stdout.write(dir + "\t");
    try {
      const tf = require(dir);
      if (tf.getBackend() !== "tensorflow") throw new Error("backend is " + tf.getBackend());
      console.log(tf.backend().binding.TF_Version);
    } catch (e) {
      console.log(String(e && e.message || e).split("\n")[0]);
      process.exit(1);
    }' 2> /dev/null
}

set +e
PROBE_OUT="$(probe)"
PROBE_RC=$?
set -e
[[ $PROBE_RC -eq 2 ]] && die "@tensorflow/tfjs-node is not installed: run 'npm install' at the repo root first"
TFJS_DIR="${PROBE_OUT%%$'\t'*}"
PROBE_MSG="${PROBE_OUT#*$'\t'}"
if [[ $PROBE_RC -eq 0 ]]; then
  log "ok: native backend already loads (libtensorflow $PROBE_MSG)"
  exit 0
fi
[[ -d "$TFJS_DIR" ]] || die "could not locate @tensorflow/tfjs-node (probe said: $PROBE_OUT)"
log "native addon does not load yet: $(printf %s "${PROBE_MSG:0:160}" | sed "s/[[:space:].]*$//")"

# --- Slow path: serialise concurrent runs (two clones sharing one cache, or parallel setups) ------
mkdir -p "$CACHE/logs" "$CACHE/tfjs-node"
LOG="$CACHE/logs/native-tf-$(date +%Y%m%d-%H%M%S)-$$.log"
# Keep the 20 newest logs; one is written per slow-path run.
find "$CACHE/logs" -name 'native-tf-*.log' -printf '%T@ %p\n' 2> /dev/null | sort -rn | tail -n +21 | cut -d' ' -f2- | xargs -r rm -f || true
if command -v flock > /dev/null; then
  exec 9> "$CACHE/tfjs-node/.lock"
  flock -w 1800 9 || die "timed out waiting for another native-tf.sh run (lock $CACHE/tfjs-node/.lock)"
fi

# Facts the cache key and build depend on; computed once, by node itself.
IFS=$'\t' read -r TFJS_VERSION NODE_ABI NAPI_VERSION PLATFORM BINDING_PATH < <(
  cd "$TFJS_DIR" && node -e '
    const path = require("path");
    const pkg = require("./package.json");
    const binding = require("@mapbox/node-pre-gyp").find(path.resolve("package.json"));
    console.log([pkg.version, process.versions.modules, process.versions.napi,
      process.platform + "-" + process.arch, binding].join("\t"));'
) || die "could not read @tensorflow/tfjs-node metadata in $TFJS_DIR"
[[ -n "${BINDING_PATH:-}" ]] || die "node-pre-gyp could not compute the addon path in $TFJS_DIR"
KEY="tfjs-node-$TFJS_VERSION-tf-$TF_WHEEL_VERSION-node-abi$NODE_ABI-napi$NAPI_VERSION-$PLATFORM"
KEY_DIR="$CACHE/tfjs-node/$KEY"
DEPS="$TFJS_DIR/deps"

# The most specific error line of the log (a JS/compiler/pip error rather than npm's wrapper lines),
# so a failure says why without opening the file.
log_reason() {
  local line
  line="$(grep -E '^[A-Za-z.]*Error: |fatal error|error: |gyp ERR! stack Error|ERROR: ' "$LOG" 2> /dev/null | grep -v '^npm ' | head -n 1 || true)"
  [[ -n "$line" ]] || line="$(grep -iE 'error|fail' "$LOG" 2> /dev/null | grep -v 'complete log' | tail -n 1 || true)"
  printf '%s' "${line:0:200}"
}

# Checks the addon again after a build/restore; the runtime finds the libs via the addon's rpath
# ($ORIGIN/../../deps/lib), so no LD_LIBRARY_PATH is needed.
verify() {
  set +e
  PROBE_OUT="$(probe)"
  PROBE_RC=$?
  set -e
  PROBE_MSG="${PROBE_OUT#*$'\t'}"
  return $PROBE_RC
}

clean_outputs() { rm -rf "$DEPS" "$TFJS_DIR/build" "$TFJS_DIR"/lib/napi-v*; }

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
  if command -v flock > /dev/null; then
    exec 8> "$CACHE/venv.lock"
    flock -w 1800 8 || die "timed out waiting for $CACHE/venv.lock"
  fi
  if [[ ! -x "$VENV/bin/python" ]]; then
    command -v "$PYTHON" > /dev/null || die "no python to create $VENV: install python3 or set MEDSWEEP_PYTHON"
    log "creating venv $VENV"
    "$PYTHON" -m venv "$VENV" >> "$LOG" 2>&1 || die "python -m venv $VENV failed (see $LOG)"
  fi
  log "installing tensorflow-cpu==$TF_WHEEL_VERSION into $VENV (installed: ${have:-none}; ~1-3 min)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    "tensorflow-cpu==$TF_WHEEL_VERSION" >> "$LOG" 2>&1 ||
    die "pip install tensorflow-cpu==$TF_WHEEL_VERSION failed: $(log_reason) (log: $LOG)"
}

# Lays out deps/ the way binding.gyp and install.js expect, pointing into the wheel. Symlinks, not
# copies: the wheel's libs are ~850 MB and its headers ~290 MB.
link_wheel_deps() {
  [[ "$(uname -s)" == Linux ]] || die "building against the tensorflow-cpu wheel is Linux-only; use MEDSWEEP_TF_SOURCE=download"
  local tf_pkg
  tf_pkg="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/tensorflow"
  local f
  for f in include/tensorflow/c/c_api.h include/tensorflow/c/eager/c_api.h libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
    [[ -e "$tf_pkg/$f" ]] || die "the tensorflow-cpu wheel lacks $f (looked in $tf_pkg)"
  done
  rm -rf "$DEPS"
  mkdir -p "$DEPS/lib"
  ln -s "$tf_pkg/include" "$DEPS/include"
  ln -s "$tf_pkg/libtensorflow_cc.so.2" "$DEPS/lib/libtensorflow_cc.so.2"
  ln -s "$tf_pkg/libtensorflow_framework.so.2" "$DEPS/lib/libtensorflow_framework.so.2"
  # -ltensorflow / -ltensorflow_framework at link time; the .so.2 sonames at run time.
  ln -s libtensorflow_cc.so.2 "$DEPS/lib/libtensorflow.so"
  ln -s libtensorflow_framework.so.2 "$DEPS/lib/libtensorflow_framework.so"
  ln -s libtensorflow_cc.so.2 "$DEPS/lib/$TFJS_LIB_MARKER"
}

# Runs tfjs-node's own install script (install.js -> node-pre-gyp) through npm, which supplies
# node-gyp. install.js rewrites its package.json during the build and leaves it modified when the
# build fails, so it is restored afterwards.
npm_rebuild() {
  local pkg_backup rc=0
  pkg_backup="$(mktemp)"
  cp "$TFJS_DIR/package.json" "$pkg_backup"
  # Offline node-gyp must not try to download node headers: point it at the local ones.
  if [[ -z "${npm_config_nodedir:-}" && "$(npm config get nodedir 2> /dev/null)" =~ ^(undefined|null|)$ ]]; then
    local prefix
    prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
    [[ -f "$prefix/include/node/node_api.h" ]] && export npm_config_nodedir="$prefix"
  fi
  local limit=()
  command -v timeout > /dev/null && limit=(timeout 1800)
  (cd "$ROOT" && ${limit[@]+"${limit[@]}"} npm rebuild @tensorflow/tfjs-node --ignore-scripts=false --foreground-scripts --no-audit --no-fund) >> "$LOG" 2>&1 || rc=$?
  cp "$pkg_backup" "$TFJS_DIR/package.json"
  rm -f "$pkg_backup"
  if [[ $rc -eq 0 && ! -f "$BINDING_PATH" ]]; then
    # npm 11's allowScripts policy can skip the install script without failing the command.
    log "npm rebuild produced no addon: is @tensorflow/tfjs-node denied in package.json 'allowScripts'?"
    return 1
  fi
  return $rc
}

save_cache() {
  local tmp="$KEY_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp "$BINDING_PATH" "$tmp/tfjs_binding.node"
  # The deps/lib layout, for reference; restore re-creates it from the current venv, so a venv
  # recreated under another python version still works.
  cp -a "$DEPS/lib" "$tmp/deps-lib"
  printf 'key=%s\nbinding=%s\nbuilt=%s\n' "$KEY" "${BINDING_PATH#"$TFJS_DIR"/}" "$(date -Is)" > "$tmp/manifest"
  rm -rf "$KEY_DIR"
  mv "$tmp" "$KEY_DIR"
}

restore_cache() {
  [[ -f "$KEY_DIR/tfjs_binding.node" ]] || return 1
  log "restoring the addon from cache ($KEY)"
  ensure_venv
  clean_outputs
  link_wheel_deps
  mkdir -p "$(dirname "$BINDING_PATH")"
  cp "$KEY_DIR/tfjs_binding.node" "$BINDING_PATH"
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
  log "ok: native backend loads (libtensorflow $PROBE_MSG)"
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
log "ok: native backend loads (libtensorflow $PROBE_MSG, $how, $(elapsed))"
