#!/usr/bin/env bash
# Makes @tensorflow/tfjs-node-gpu's native addon loadable with CUDA 12, for GPU train workers.
#
# Why: the published @tensorflow/tfjs-node-gpu downloads libtensorflow 2.9.1 built for CUDA 11.2, which
# has no kernels for recent GPUs (Hopper) and cannot be reached offline anyway. The PyPI `tensorflow`
# 2.21.0 wheel for Linux x86_64 is built with CUDA 12 and carries the TF C API (headers,
# libtensorflow_cc.so.2); `tensorflow[and-cuda]` adds the nvidia-*-cu12 wheels (cuDNN, cuBLAS, ...).
# This builds the addon against that wheel, as infra/native-tf.sh does for the CPU addon, and caches it
# by key in its own folder. The wheel's TF libraries find the CUDA libraries through their own RUNPATH
# ($ORIGIN/../nvidia/<lib>/lib), which the deps/ layout below keeps valid; when the driver's libcuda is
# not on the default path either, the verification step says which LD_LIBRARY_PATH makes it work.
#
# Usage (from the repo root; setup runs it after native-tf.sh):  bash infra/native-tf-gpu.sh
# Env:
#   MEDSWEEP_CACHE      cache root (default ~/.cache/medsweep): venv-gpu/, tfjs-node-gpu/<key>/, logs/
#   MEDSWEEP_GPU_BUILD  auto (default): only where nvidia-smi lists a GPU; a no-op elsewhere
#                       force: build without a GPU (container images built on CPU machines)
#                       off: do nothing
#   MEDSWEEP_PYTHON     python used to create the venv (default python3)
# packages/ml's selectBackend() uses the result on its own when nvidia-smi lists a GPU
# (`npm run check:backend` prints "native GPU").
set -euo pipefail

readonly TF_WHEEL_VERSION=2.21.0
# tfjs-node's build finds libtensorflow through this name (its 2.9.1 download would create it).
readonly TFJS_LIB_MARKER=libtensorflow.so.2.9.1
readonly PKG=@tensorflow/tfjs-node-gpu

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MEDSWEEP_CACHE:-$HOME/.cache/medsweep}"
VENV="$CACHE/venv-gpu"
MODE="${MEDSWEEP_GPU_BUILD:-auto}"
PYTHON="${MEDSWEEP_PYTHON:-python3}"
START_S="${EPOCHREALTIME:-$SECONDS}"

log() { printf '[native-tf-gpu] %s\n' "$*"; }
die() {
  printf '[native-tf-gpu] ERROR: %s\n' "$*" >&2
  exit 1
}
elapsed() { awk -v a="$START_S" -v b="${EPOCHREALTIME:-$SECONDS}" 'BEGIN { printf "%.1fs", b - a }'; }

case "$MODE" in
  auto | force | off) ;;
  *) die "MEDSWEEP_GPU_BUILD must be auto, force or off (got '$MODE')" ;;
esac
[[ "$MODE" == off ]] && exit 0

GPU_NAME=""
if command -v nvidia-smi > /dev/null; then
  GPU_NAME="$(nvidia-smi --query-gpu=name --format=csv,noheader 2> /dev/null | head -n 1 || true)"
fi
if [[ -z "$GPU_NAME" && "$MODE" == auto ]]; then
  log "skipped: nvidia-smi lists no GPU on this machine (MEDSWEEP_GPU_BUILD=force builds anyway)"
  exit 0
fi
[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
  die "the CUDA tensorflow wheel route is for Linux x86_64; this is $(uname -s)-$(uname -m)"
command -v node > /dev/null || die "node is not on PATH"
cd "$ROOT"

# --- Probe: one node process loads the GPU package --------------------------------------------------
# Prints "<package dir>\t<TF version>\t<gpu|cpu>" and exits 0 when the addon loads; exits 2 when the
# package is not installed; otherwise prints the load error (first line) and exits 1.
probe() {
  TF_CPP_MIN_LOG_LEVEL=3 node -e '
    const path = require("path");
    let dir;
    try {
      dir = path.dirname(require.resolve(process.argv[1] + "/package.json",
        { paths: [path.resolve("packages/ml"), process.cwd()] }));
    } catch { process.exit(2); }
    process.stdout.write(dir + "\t");
    try {
      const tf = require(dir);
      if (tf.getBackend() !== "tensorflow") throw new Error("backend is " + tf.getBackend());
      const kernel = tf.backend();
      console.log(kernel.binding.TF_Version + "\t" + (kernel.isUsingGpuDevice ? "gpu" : "cpu"));
    } catch (e) {
      console.log(String(e && e.message || e).split("\n")[0]);
      process.exit(1);
    }' "$PKG" 2> /dev/null
}

# Loads: on a GPU machine only when TensorFlow places ops on the GPU; without one (force) when it loads.
loads_as_wanted() {
  [[ $PROBE_RC -eq 0 ]] || return 1
  [[ -z "$GPU_NAME" ]] || [[ "${PROBE_OUT##*$'\t'}" == gpu ]]
}

run_probe() {
  set +e
  PROBE_OUT="$(probe)"
  PROBE_RC=$?
  set -e
  PROBE_MSG="${PROBE_OUT#*$'\t'}"
}

run_probe
[[ $PROBE_RC -eq 2 ]] && die "$PKG is not installed: run 'npm install' at the repo root first"
TFJS_DIR="${PROBE_OUT%%$'\t'*}"
if loads_as_wanted; then
  log "ok: GPU addon already loads (libtensorflow ${PROBE_MSG%%$'\t'*}, ${GPU_NAME:-no GPU here})"
  exit 0
fi
[[ -d "$TFJS_DIR" ]] || die "could not locate $PKG (probe said: $PROBE_OUT)"

# --- Slow path, serialised like native-tf.sh ---------------------------------------------------------
mkdir -p "$CACHE/logs" "$CACHE/tfjs-node-gpu"
LOG="$CACHE/logs/native-tf-gpu-$(date +%Y%m%d-%H%M%S)-$$.log"
find "$CACHE/logs" -name 'native-tf-gpu-*.log' -printf '%T@ %p\n' 2> /dev/null | sort -rn | tail -n +21 | cut -d' ' -f2- | xargs -r rm -f || true
if command -v flock > /dev/null; then
  exec 9> "$CACHE/tfjs-node-gpu/.lock"
  flock -w 1800 9 || die "timed out waiting for another native-tf-gpu.sh run (lock $CACHE/tfjs-node-gpu/.lock)"
fi

IFS=$'\t' read -r TFJS_VERSION NODE_ABI NAPI_VERSION BINDING_PATH < <(
  cd "$TFJS_DIR" && node -e '
    const path = require("path");
    const pkg = require("./package.json");
    const binding = require("@mapbox/node-pre-gyp").find(path.resolve("package.json"));
    console.log([pkg.version, process.versions.modules, process.versions.napi, binding].join("\t"));'
) || die "could not read $PKG metadata in $TFJS_DIR"
[[ -n "${BINDING_PATH:-}" ]] || die "node-pre-gyp could not compute the addon path in $TFJS_DIR"
KEY="tfjs-node-gpu-$TFJS_VERSION-tensorflow-$TF_WHEEL_VERSION-cuda12-node-abi$NODE_ABI-napi$NAPI_VERSION-linux-x64"
KEY_DIR="$CACHE/tfjs-node-gpu/$KEY"
DEPS="$TFJS_DIR/deps"

log_reason() {
  local line
  line="$(grep -E '^[A-Za-z.]*Error: |fatal error|error: |gyp ERR! stack Error|ERROR: ' "$LOG" 2> /dev/null | head -n 1 || true)"
  [[ -n "$line" ]] || line="$(grep -iE 'error|fail' "$LOG" 2> /dev/null | tail -n 1 || true)"
  printf '%s' "${line:0:200}"
}

# --- Venv with tensorflow[and-cuda] (its own: tensorflow and tensorflow-cpu cannot share one) -------
installed() { "$VENV/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$1" 2> /dev/null || true; }

ensure_venv() {
  [[ "$(installed tensorflow)" == "$TF_WHEEL_VERSION" && -n "$(installed nvidia-cudnn-cu12)" ]] && return 0
  if command -v flock > /dev/null; then
    exec 8> "$CACHE/venv-gpu.lock"
    flock -w 1800 8 || die "timed out waiting for $CACHE/venv-gpu.lock"
  fi
  if [[ ! -x "$VENV/bin/python" ]]; then
    command -v "$PYTHON" > /dev/null || die "no python to create $VENV: install python3 or set MEDSWEEP_PYTHON"
    log "creating venv $VENV"
    "$PYTHON" -m venv "$VENV" >> "$LOG" 2>&1 || die "python -m venv $VENV failed (see $LOG)"
  fi
  log "installing tensorflow[and-cuda]==$TF_WHEEL_VERSION into $VENV (~4 GB with the CUDA libraries; a few minutes)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    "tensorflow[and-cuda]==$TF_WHEEL_VERSION" >> "$LOG" 2>&1 ||
    die "pip install tensorflow[and-cuda]==$TF_WHEEL_VERSION failed: $(log_reason) (log: $LOG)"
}

site_packages() { "$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }

# deps/ as binding.gyp expects it, pointing into the wheel (symlinks: the libraries are gigabytes), plus
# deps/nvidia: the TF libraries' RUNPATH entries $ORIGIN/../nvidia/<lib>/lib resolve from deps/lib.
link_wheel_deps() {
  local site tf_pkg f
  site="$(site_packages)"
  tf_pkg="$site/tensorflow"
  for f in include/tensorflow/c/c_api.h include/tensorflow/c/eager/c_api.h libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
    [[ -e "$tf_pkg/$f" ]] || die "the tensorflow wheel lacks $f (looked in $tf_pkg)"
  done
  [[ -d "$site/nvidia" ]] || die "the nvidia-*-cu12 wheels are missing from $site (pip install tensorflow[and-cuda])"
  rm -rf "$DEPS"
  mkdir -p "$DEPS/lib"
  ln -s "$tf_pkg/include" "$DEPS/include"
  ln -s "$site/nvidia" "$DEPS/nvidia"
  ln -s "$tf_pkg/libtensorflow_cc.so.2" "$DEPS/lib/libtensorflow_cc.so.2"
  ln -s "$tf_pkg/libtensorflow_framework.so.2" "$DEPS/lib/libtensorflow_framework.so.2"
  ln -s libtensorflow_cc.so.2 "$DEPS/lib/libtensorflow.so"
  ln -s libtensorflow_framework.so.2 "$DEPS/lib/libtensorflow_framework.so"
  ln -s libtensorflow_cc.so.2 "$DEPS/lib/$TFJS_LIB_MARKER"
}

clean_outputs() { rm -rf "$DEPS" "$TFJS_DIR/build" "$TFJS_DIR"/lib/napi-v*; }

# The package's own install script always downloads (`install.js gpu download`), so node-pre-gyp is run
# directly, building from source against deps/; it finds node-gyp inside npm beside the node binary.
build_addon() {
  if [[ -z "${npm_config_nodedir:-}" ]]; then
    local prefix
    prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
    [[ -f "$prefix/include/node/node_api.h" ]] && export npm_config_nodedir="$prefix"
  fi
  local limit=()
  command -v timeout > /dev/null && limit=(timeout 1800)
  (cd "$TFJS_DIR" && ${limit[@]+"${limit[@]}"} "$ROOT/node_modules/.bin/node-pre-gyp" install --build-from-source) >> "$LOG" 2>&1
}

save_cache() {
  local tmp="$KEY_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp "$BINDING_PATH" "$tmp/tfjs_binding.node"
  printf 'key=%s\nbinding=%s\nbuilt=%s\ngpu=%s\n' "$KEY" "${BINDING_PATH#"$TFJS_DIR"/}" "$(date -Is)" "${GPU_NAME:-none}" > "$tmp/manifest"
  rm -rf "$KEY_DIR"
  mv "$tmp" "$KEY_DIR"
}

# On a GPU machine: the addon loads but TensorFlow does not see the GPU. Says whether the CUDA libraries
# or the driver are what is missing, and the LD_LIBRARY_PATH that would fix it.
explain_no_gpu() {
  local dirs
  dirs="$(find -L "$DEPS/nvidia" -maxdepth 2 -type d -name lib 2> /dev/null | sort | paste -sd:)"
  local out
  out="$(LD_LIBRARY_PATH="$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" probe || true)"
  if [[ "${out##*$'\t'}" == gpu ]]; then
    die "the addon uses the GPU only with LD_LIBRARY_PATH=$dirs: export it for GPU workers (log: $LOG)"
  fi
  die "the addon loads but TensorFlow sees no GPU (${GPU_NAME}): check the driver (nvidia-smi) supports CUDA 12 and that libcuda.so.1 is on the loader path; TF_CPP_MIN_LOG_LEVEL=0 npm run check:backend shows TensorFlow's reason (log: $LOG)"
}

verify() {
  run_probe
  loads_as_wanted && return 0
  [[ $PROBE_RC -eq 0 && -n "$GPU_NAME" ]] && explain_no_gpu
  return 1
}

ensure_venv
clean_outputs
link_wheel_deps
how="built against tensorflow $TF_WHEEL_VERSION (CUDA 12)"
if [[ -f "$KEY_DIR/tfjs_binding.node" ]]; then
  mkdir -p "$(dirname "$BINDING_PATH")"
  cp "$KEY_DIR/tfjs_binding.node" "$BINDING_PATH"
  how="restored from cache ($KEY)"
  if ! verify; then
    log "cached addon does not load (${PROBE_MSG:0:160}); rebuilding"
    rm -rf "$KEY_DIR" "$TFJS_DIR/build" "$TFJS_DIR"/lib/napi-v*
    how="built against tensorflow $TF_WHEEL_VERSION (CUDA 12)"
  fi
fi
if [[ ! -f "$KEY_DIR/tfjs_binding.node" ]]; then
  log "building the addon against tensorflow $TF_WHEEL_VERSION (~1 min; log: $LOG)"
  npm_config_build_from_source=true build_addon || die "building $PKG against the wheel failed: $(log_reason) (log: $LOG)"
  verify || die "addon built but does not load: ${PROBE_MSG:0:200} (log: $LOG)"
  save_cache
fi
log "ok: GPU addon loads (libtensorflow ${PROBE_MSG%%$'\t'*}, ${GPU_NAME:-no GPU here: built only}, $how, $(elapsed))"
