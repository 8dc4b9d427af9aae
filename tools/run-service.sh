#!/usr/bin/env bash
# Run the service on the embedded default on a fresh machine: one process
# (API and conductor threads), SQLite under ./.async-api-state, no other
# server. Installs the virtualenv first. Arguments go to async-api-all
# (for example --config-file etc/async-api/async-api.conf).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
exec .venv/bin/async-api-all "$@"
