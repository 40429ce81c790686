#!/usr/bin/env bash
# npm run test:chaos [-- vitest args, e.g. a case file name]: the chaos suite. Checks what the machine
# allows first (infra/chaos/preflight.sh), and whatever happens removes what the suite creates — worker
# namespaces, veth pairs, the bridge, the stack's servers, mounts — on exit (the suite does the same; this
# trap covers a crash or Ctrl-C).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
# The suite runs the Temporal server as a cluster: set-up builds it (once per machine) when asked.
MEDSWEEP_SETUP_CLUSTER=1 bash infra/setup.sh
bash infra/chaos/preflight.sh
cleanup() {
  (cd "$ROOT" && node --conditions=@medsweep/source --import tsx test/chaos/stack.ts down) || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd test
npx vitest run --config chaos/vitest.config.ts "$@"
