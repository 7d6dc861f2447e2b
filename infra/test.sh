#!/usr/bin/env bash
# infra/test.sh — the test suite against the real services (make test runs it after lint).
# Tests that stop a service run last, on their own; browser tests run one at a time
# (the whole suite runs serially: the machine has 2 cores and shares them with Keycloak).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
PYTEST=(.venv/bin/pytest "$@")

run() {
    local rc=0
    "${PYTEST[@]}" "$@" || rc=$?
    # 5 = no test collected: a selection that ran nothing is a failure here too.
    if ((rc != 0)); then
        echo "pytest $* failed (exit $rc); logs of child processes are in artifacts/" >&2
        exit "$rc"
    fi
}

run -m "not services"
run -m services
