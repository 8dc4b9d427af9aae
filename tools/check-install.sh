#!/usr/bin/env bash
# Install async_api as a user would, `pip install .` with its runtime
# requirements only (no test requirements, no extras), into a fresh
# virtualenv; start async-api-all from it on a free port with its state in
# a scratch directory; run the README's quick start against it; stop it.
# The test virtualenv holds every optional and test-only package, so a
# runtime import of one of them goes unnoticed there: this catches it.
# Then it adds python-openstackclient and runs an `openstack asyncapi`
# command with --wait against the same service.
# Exits non-zero, with the service's log, if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

work=$(mktemp -d -t async-api-check-install.XXXXXX)
pid=""

cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "check-install: FAILED: $*" >&2
    if [ -f "$work/service.log" ]; then
        echo "check-install: the service's log:" >&2
        tail -n 60 "$work/service.log" >&2
    fi
    exit 1
}

echo "check-install: installing the project alone into $work/venv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check "$src" \
    || fail "pip install of the project"

port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
cat > "$work/async-api.conf" <<CONF
[DEFAULT]
state_path = $work/state

[api]
host_ip = 127.0.0.1
port = $port
CONF

# From the scratch directory, so that nothing is imported from the checkout.
cd "$work"
echo "check-install: starting async-api-all on port $port"
"$work/venv/bin/async-api-all" --config-file "$work/async-api.conf" \
    > "$work/service.log" 2>&1 &
pid=$!

# The README's quick start, in the standard library's HTTP client.
python3 - "http://127.0.0.1:$port" "$pid" <<'PY' || fail "the quick start"
import json
import os
import sys
import time
import urllib.error
import urllib.request

base, pid = sys.argv[1], int(sys.argv[2])


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header('Content-Type', 'application/json')
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.load(response)
    except urllib.error.HTTPError as e:
        sys.exit('%s %s: %s %s' % (method, path, e.code, e.read()[:500]))


def check(condition, what):
    if not condition:
        sys.exit('quick start: %s' % what)


def running():
    # The service is the shell's child: gone, or a zombie once it exited.
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


deadline = time.monotonic() + 60
while True:
    check(running(), 'async-api-all exited at start')
    try:
        urllib.request.urlopen(base + '/healthcheck', timeout=2)
        break
    except OSError:
        check(time.monotonic() < deadline, 'the service did not answer')
        time.sleep(0.2)

# create a node on the fake driver
status, _, node = call('POST', '/v1/nodes',
                       {'name': 'node-1', 'driver': 'fake'})
check(status == 201, 'creating node-1 answered %s' % status)
# power it on: 202 Accepted, with the task and its Location
status, headers, task = call('PUT', '/v1/nodes/node-1/states/power',
                             {'target': 'on'})
check(status == 202, 'power on answered %s, not 202' % status)
location = headers.get('Location') or ''
check(location.endswith('/v1/tasks/%s' % task['uuid']),
      'power on has Location %r' % location)
# poll the task until it is "succeeded", and read its step events
deadline = time.monotonic() + 60
while task['state'] != 'succeeded':
    check(task['state'] not in ('failed', 'cancelled'),
          'the task ended %s: %s' % (task['state'], task))
    check(time.monotonic() < deadline,
          'the task is still %s after 60 s' % task['state'])
    time.sleep(0.2)
    _, _, task = call('GET', '/v1/tasks/%s' % task['uuid'])
_, _, events = call('GET', '/v1/tasks/%s/events' % task['uuid'])
check(events.get('events'), 'the task has no events: %s' % events)
print('check-install: quick start passed: task %s succeeded with %d events'
      % (task['uuid'], len(events['events'])))
PY

# What a user of the command line adds: python-openstackclient, whose
# `openstack` then has the project's plugin (doc/source/user/cli.rst).
echo "check-install: adding python-openstackclient"
"$work/venv/bin/pip" install -q --disable-pip-version-check \
    python-openstackclient || fail "pip install of python-openstackclient"
state=$(OS_AUTH_TYPE=none OS_ENDPOINT="http://127.0.0.1:$port" \
    HOME="$work" "$work/venv/bin/openstack" asyncapi node power off node-1 \
    --wait -f value -c state </dev/null) \
    || fail "openstack asyncapi node power off node-1 --wait"
[ "$state" = succeeded ] || fail "the power off task ended $state"
echo "check-install: openstack asyncapi node power off --wait: $state"

kill "$pid"
status=0
wait "$pid" || status=$?
pid=""
[ "$status" = 0 ] || fail "async-api-all exited with $status when stopped"
echo "check-install: OK"
