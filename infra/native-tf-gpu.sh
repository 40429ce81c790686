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

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MEDSWEEP_CACHE:-$HOME/.cache/medsweep}"
VENV="$CACHE/venv-gpu"
MODE="${MEDSWEEP_GPU_BUILD:-auto}"
PYTHON="${MEDSWEEP_PYTHON:-python3}"
TAG=native-tf-gpu
PKG=@tensorflow/tfjs-node-gpu
CACHE_NAME=tfjs-node-gpu
# shellcheck source=infra/native-addon-lib.sh
source "$ROOT/infra/native-addon-lib.sh"

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

# Loads: on a GPU machine only when TensorFlow places ops on the GPU; without one (force) when it loads.
loads_as_wanted() {
  [[ $PROBE_RC -eq 0 ]] || return 1
  [[ -z "$GPU_NAME" ]] || [[ "$PROBE_DEVICE" == gpu ]]
}

run_probe
if loads_as_wanted; then
  log "ok: GPU addon already loads (libtensorflow $PROBE_VERSION, ${GPU_NAME:-no GPU here})"
  exit 0
fi

start_slow_path
read_package_facts
KEY="tfjs-node-gpu-$TFJS_VERSION-tensorflow-$TF_WHEEL_VERSION-cuda12-node-abi$NODE_ABI-napi$NAPI_VERSION-$PLATFORM"
KEY_DIR="$CACHE/$CACHE_NAME/$KEY"

# --- Venv with tensorflow[and-cuda] (its own: tensorflow and tensorflow-cpu cannot share one) -------
installed() { "$VENV/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$1" 2> /dev/null || true; }

ensure_venv() {
  [[ "$(installed tensorflow)" == "$TF_WHEEL_VERSION" && -n "$(installed nvidia-cudnn-cu12)" ]] && return 0
  create_venv
  log "installing tensorflow[and-cuda]==$TF_WHEEL_VERSION into $VENV (~4 GB with the CUDA libraries; a few minutes)"
  pip_install "tensorflow[and-cuda]==$TF_WHEEL_VERSION"
}

# The package's own install script always downloads (`install.js gpu download`), so node-pre-gyp is run
# directly, building from source against deps/; it finds node-gyp inside npm beside the node binary.
build_addon() {
  use_local_node_headers
  (cd "$TFJS_DIR" && run_logged "$ROOT/node_modules/.bin/node-pre-gyp" install --build-from-source)
}

# On a GPU machine: the addon loads but TensorFlow does not see the GPU. Says whether the CUDA libraries
# or the driver are what is missing, and the LD_LIBRARY_PATH that would fix it.
explain_no_gpu() {
  local dirs out
  dirs="$(find -L "$DEPS/nvidia" -maxdepth 2 -type d -name lib 2> /dev/null | sort | paste -sd:)"
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
site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
[[ -d "$site/nvidia" ]] || die "the nvidia-*-cu12 wheels are missing from $site (pip install tensorflow[and-cuda])"
link_wheel_deps "$site/nvidia"
how="built against tensorflow $TF_WHEEL_VERSION (CUDA 12)"
if restore_binding; then
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
  save_cache "gpu=${GPU_NAME:-none}"
fi
log "ok: GPU addon loads (libtensorflow $PROBE_VERSION, ${GPU_NAME:-no GPU here: built only}, $how, $(elapsed))"
