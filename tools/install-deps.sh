#!/usr/bin/env bash
# Install what async_api needs on a fresh Debian machine: the servers its
# functional tests start (when asked with --servers) and a virtualenv in
# .venv with the project and its test requirements. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER_PACKAGES="postgresql redis-server etcd-server zookeeper
default-jre-headless mariadb-server mariadb-client
rabbitmq-server"

if [ "${1:-}" = "--servers" ]; then
    missing=""
    for pkg in $SERVER_PACKAGES; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
        sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update -q
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
            --no-install-recommends $missing
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stamp=.venv/.async-api-installed
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] \
        || [ test-requirements.txt -nt "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -r requirements.txt -r test-requirements.txt
    .venv/bin/pip install -q -e .
    touch "$stamp"
fi
