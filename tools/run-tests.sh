#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs the servers and the
# virtualenv, starts PostgreSQL, Redis, etcd, ZooKeeper, MariaDB, RabbitMQ
# and Keystone on 127.0.0.1 for this run, runs the style check, builds the
# docs, runs every test through stestr, and stops the servers. Then
# tools/check-install.sh installs the
# project alone (no test requirements) into a fresh virtualenv and runs
# the README's quick start against it: the test virtualenv has every
# optional package, so it cannot show that `pip install` alone works.
# Arguments are passed to `stestr run` (a test filter, say).
set -euo pipefail
cd "$(dirname "$0")/.."

# Keystone's own virtualenv installs while the project's does.
. tools/test-servers.sh
install_keystone_background
tools/install-deps.sh --servers
. tools/test-servers.sh
trap stop_test_servers EXIT
start_test_servers

.venv/bin/flake8 async_api flows tools examples
# The docs build without a warning, as tox -e docs builds them: a page a
# merge had broken went unnoticed while nothing here built them.
.venv/bin/sphinx-build -W -q -b html doc/source doc/build/html
# So do the release notes (tox -e releasenotes): reno reads them from the
# git history, which a merge once made unreadable to it. A shallow clone
# has no history to read them from.
if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = false ]; then
    .venv/bin/sphinx-build -a -E -W -q -b html releasenotes/source \
        releasenotes/build/html
else
    echo "Release notes not built: reno needs the whole git history" >&2
fi
# Three workers on two cores: most functional tests wait on servers,
# sockets and sleeps (a two-worker run kept the CPU about half busy), so
# a third worker shortens the run without starving the others.
.venv/bin/stestr run --concurrency "${ASYNC_API_TEST_CONCURRENCY:-3}" "$@"
tools/check-install.sh
