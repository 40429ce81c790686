# Shared by infra/native-tf.sh (@tensorflow/tfjs-node, CPU) and infra/native-tf-gpu.sh
# (@tensorflow/tfjs-node-gpu, CUDA 12). Both build a tfjs addon against the TF C API inside a PyPI
# tensorflow wheel, cache the result by key and check that it loads; this file holds the steps they
# share. Sourced, not run. The caller sets, before sourcing:
#   TAG         log prefix, e.g. native-tf
#   PKG         the npm package whose addon is built
#   CACHE_NAME  folder of its cached builds under $CACHE (tfjs-node | tfjs-node-gpu)
#   ROOT CACHE VENV  repo root, cache root, the venv holding the wheel
# and afterwards calls run_probe, then (slow path) start_slow_path and read_package_facts.

START_S="${EPOCHREALTIME:-$SECONDS}"
# tfjs-node's install.js skips its libtensorflow download only when deps/lib has this file (it hard-codes 2.9.1).
readonly TFJS_LIB_MARKER=libtensorflow.so.2.9.1

log() { printf '[%s] %s\n' "$TAG" "$*"; }
die() {
  printf '[%s] ERROR: %s\n' "$TAG" "$*" >&2
  exit 1
}
elapsed() { awk -v a="$START_S" -v b="${EPOCHREALTIME:-$SECONDS}" 'BEGIN { printf "%.1fs", b - a }'; }

# One node process resolves the package and loads its addon. Prints "<package dir>\t<TF version>\t<gpu|cpu>"
# and exits 0 when it loads; exits 2 when the package is not installed; otherwise prints the package dir
# and the load error (first line) and exits 1.
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

# Sets PROBE_RC, PROBE_DIR, PROBE_MSG (the load error, or "<version>\t<device>"), PROBE_VERSION and
# PROBE_DEVICE (when it loads).
run_probe() {
  local out
  set +e
  out="$(probe)"
  PROBE_RC=$?
  set -e
  PROBE_DIR="${out%%$'\t'*}"
  PROBE_MSG="${out#*$'\t'}"
  PROBE_VERSION="${PROBE_MSG%%$'\t'*}"
  PROBE_DEVICE="${PROBE_MSG##*$'\t'}"
  [[ $PROBE_RC -ne 2 ]] || die "$PKG is not installed: run 'npm install' at the repo root first"
}

# The slow path: a log file per run (the 20 newest kept) and a lock, so two clones sharing one cache or
# parallel setups never build into the same package at once. Sets LOG and TFJS_DIR.
start_slow_path() {
  TFJS_DIR="$PROBE_DIR"
  [[ -d "$TFJS_DIR" ]] || die "could not locate $PKG (probe said: $PROBE_MSG)"
  mkdir -p "$CACHE/logs" "$CACHE/$CACHE_NAME"
  LOG="$CACHE/logs/$TAG-$(date +%Y%m%d-%H%M%S)-$$.log"
  find "$CACHE/logs" -name "$TAG-*.log" -printf '%T@ %p\n' 2> /dev/null | sort -rn | tail -n +21 | cut -d' ' -f2- | xargs -r rm -f || true
  if command -v flock > /dev/null; then
    exec 9> "$CACHE/$CACHE_NAME/.lock"
    flock -w 1800 9 || die "timed out waiting for another $TAG run (lock $CACHE/$CACHE_NAME/.lock)"
  fi
}

# Facts the cache key and the build depend on, computed by node itself: TFJS_VERSION NODE_ABI
# NAPI_VERSION PLATFORM BINDING_PATH; also DEPS, the deps/ folder binding.gyp builds against.
read_package_facts() {
  IFS=$'\t' read -r TFJS_VERSION NODE_ABI NAPI_VERSION PLATFORM BINDING_PATH < <(
    cd "$TFJS_DIR" && node -e '
      const path = require("path");
      const pkg = require("./package.json");
      const binding = require("@mapbox/node-pre-gyp").find(path.resolve("package.json"));
      console.log([pkg.version, process.versions.modules, process.versions.napi,
        process.platform + "-" + process.arch, binding].join("\t"));'
  ) || die "could not read $PKG metadata in $TFJS_DIR"
  [[ -n "${BINDING_PATH:-}" ]] || die "node-pre-gyp could not compute the addon path in $TFJS_DIR"
  DEPS="$TFJS_DIR/deps"
}

# The most specific error line of the log (a JS/compiler/pip error rather than npm's wrapper lines),
# so a failure says why without opening the file.
log_reason() {
  local line
  line="$(grep -E '^[A-Za-z.]*Error: |fatal error|error: |gyp ERR! stack Error|ERROR: ' "$LOG" 2> /dev/null | grep -v '^npm ' | head -n 1 || true)"
  [[ -n "$line" ]] || line="$(grep -iE 'error|fail' "$LOG" 2> /dev/null | grep -v 'complete log' | tail -n 1 || true)"
  printf '%s' "${line:0:200}"
}

clean_outputs() { rm -rf "$DEPS" "$TFJS_DIR/build" "$TFJS_DIR"/lib/napi-v*; }

# Creates $VENV when missing (under a lock shared with every other writer of that venv).
create_venv() {
  if command -v flock > /dev/null; then
    exec 8> "$VENV.lock"
    flock -w 1800 8 || die "timed out waiting for $VENV.lock"
  fi
  [[ -x "$VENV/bin/python" ]] && return 0
  command -v "$PYTHON" > /dev/null || die "no python to create $VENV: install python3 or set MEDSWEEP_PYTHON"
  log "creating venv $VENV"
  "$PYTHON" -m venv "$VENV" >> "$LOG" 2>&1 || die "python -m venv $VENV failed (see $LOG)"
}

# pip-installs a requirement into $VENV; the log says why when it fails.
pip_install() {
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q "$1" >> "$LOG" 2>&1 ||
    die "pip install $1 failed: $(log_reason) (log: $LOG)"
}

# Lays out deps/ the way binding.gyp and install.js expect, pointing into the wheel's tensorflow package
# (symlinks, not copies: the libraries are gigabytes). With an argument, also links it as deps/nvidia:
# the CUDA build's TF libraries find cuDNN & co. through RUNPATH $ORIGIN/../nvidia/<lib>/lib.
link_wheel_deps() {
  [[ "$(uname -s)" == Linux ]] || die "building against a tensorflow wheel is Linux-only"
  local tf_pkg f
  tf_pkg="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/tensorflow"
  for f in include/tensorflow/c/c_api.h include/tensorflow/c/eager/c_api.h libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
    [[ -e "$tf_pkg/$f" ]] || die "the tensorflow wheel lacks $f (looked in $tf_pkg)"
  done
  rm -rf "$DEPS"
  mkdir -p "$DEPS/lib"
  ln -s "$tf_pkg/include" "$DEPS/include"
  [[ -z "${1:-}" ]] || ln -s "$1" "$DEPS/nvidia"
  ln -s "$tf_pkg/libtensorflow_cc.so.2" "$DEPS/lib/libtensorflow_cc.so.2"
  ln -s "$tf_pkg/libtensorflow_framework.so.2" "$DEPS/lib/libtensorflow_framework.so.2"
  # -ltensorflow / -ltensorflow_framework at link time; the .so.2 sonames at run time.
  ln -s libtensorflow_cc.so.2 "$DEPS/lib/libtensorflow.so"
  ln -s libtensorflow_framework.so.2 "$DEPS/lib/libtensorflow_framework.so"
  ln -s libtensorflow_cc.so.2 "$DEPS/lib/$TFJS_LIB_MARKER"
}

# node-gyp must compile against the headers of the node that will load the addon, and offline it cannot
# download them: point it at the ones beside the node binary (Debian's /usr/include/node, or the
# include/node of the Node.js setup installs). They win over a configured nodedir, which may name
# another node's headers (a ~/.npmrc with nodedir=/usr for the system Node 20, say); without them the
# configured one stays.
use_local_node_headers() {
  local prefix
  prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  [[ -f "$prefix/include/node/node_api.h" ]] && export npm_config_nodedir="$prefix"
  return 0
}

# Runs a build command with a 30-minute limit where `timeout` exists, appending its output to the log.
run_logged() {
  local limit=()
  command -v timeout > /dev/null && limit=(timeout 1800)
  ${limit[@]+"${limit[@]}"} "$@" >> "$LOG" 2>&1
}

# Caches the built addon under $KEY_DIR with a manifest; extra "name=value" manifest lines as arguments.
save_cache() {
  local tmp="$KEY_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp "$BINDING_PATH" "$tmp/tfjs_binding.node"
  printf 'key=%s\nbinding=%s\nbuilt=%s\n' "$KEY" "${BINDING_PATH#"$TFJS_DIR"/}" "$(date -Is)" > "$tmp/manifest"
  [[ $# -eq 0 ]] || printf '%s\n' "$@" >> "$tmp/manifest"
  rm -rf "$KEY_DIR"
  mv "$tmp" "$KEY_DIR"
}

# Puts the cached addon in place; false when there is none.
restore_binding() {
  [[ -f "$KEY_DIR/tfjs_binding.node" ]] || return 1
  mkdir -p "$(dirname "$BINDING_PATH")"
  cp "$KEY_DIR/tfjs_binding.node" "$BINDING_PATH"
}
