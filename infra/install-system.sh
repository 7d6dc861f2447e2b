#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# infra/install-system.sh: install the Debian packages the project needs,
# only those missing (one `apt-get update` first, and only if something is
# missing), so it is fast and offline-safe on a machine that has them all.
#
#   infra/install-system.sh [all|postgres|redis|browser|fonts|tools]...  (default: all)
#
# services.sh installs a service's own packages on demand through the same
# functions; run this up front to get everything at once (e.g. chromium for
# the browser tests, which no service pulls in).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

usage() {
    echo "usage: $0 [all|postgres|redis|browser|fonts|tools]..." >&2
    exit 2
}

packages_for() {
    case "$1" in
        postgres) printf '%s\n' "${PKGS_POSTGRES[@]}" ;;
        redis) printf '%s\n' "${PKGS_REDIS[@]}" ;;
        browser) printf '%s\n' "${PKGS_BROWSER[@]}" ;;
        fonts) printf '%s\n' "${PKGS_FONTS[@]}" ;;
        tools) printf '%s\n' "${PKGS_TOOLS[@]}" ;;
        all) for group in tools postgres redis browser fonts; do packages_for "$group"; done ;;
        *) usage ;;
    esac
}

main() {
    require_root "$@"
    (($#)) || set -- all
    local group packages=()
    for group in "$@"; do
        # Checked here: usage's exit inside the < <(...) below would only
        # leave the subshell.
        case "$group" in all | postgres | redis | browser | fonts | tools) ;; *) usage ;; esac
        mapfile -t -O "${#packages[@]}" packages < <(packages_for "$group")
    done
    # One apt_ensure call for everything: at most one update, one install.
    apt_ensure "${packages[@]}"
    info "system packages present: ${packages[*]}"
}

main "$@"
