#!/usr/bin/env python3
"""Cost of the schemathesis contract run (the functional contract test).

Starts the real ``async-api-all`` command on a SQLite file in a
temporary directory, on a free port of 127.0.0.1, then runs schemathesis
against its ``GET /v1/openapi.json`` exactly as
``async_api/tests/functional/api/test_contract.py`` does, and prints the
number of generated requests, the wall time, and the CPU seconds of the
schemathesis process and of the service. On a loaded machine the wall
time says little; the CPU seconds say what a quiet 2-core machine needs
(the two processes run on a core each). Run from the repository root::

    python tools/benchmarks/contract_run.py [--max-examples 90]
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

from async_api.tests.functional.api import test_contract  # noqa: E402
from async_api.tests.functional import service  # noqa: E402


def _cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--max-examples', type=int,
                        default=test_contract.MAX_EXAMPLES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        port = service.free_port()
        config = service.write_config(os.path.join(state, 'a.conf'), {
            'DEFAULT': {'state_path': state, 'host': 'bench'},
            'api': {'host_ip': '127.0.0.1', 'port': port},
            'async_api_conductor': {'workers': 2},
            'async_api_jobboard': {'poll_interval': 0.1},
            'async_api_api': {'wait_max': 1}})
        url = 'http://127.0.0.1:%d' % port
        with open(os.path.join(state, 'log'), 'wb') as log:
            server = subprocess.Popen(
                [sys.executable, '-m', 'async_api.baremetal.command.all',
                 '--config-file', config], stdout=log,
                stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if requests.get(url + '/healthcheck').ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
            server_before = _cpu_seconds(server.pid)
            started = time.monotonic()
            result = subprocess.run(
                test_contract.argv(url, args.max_examples),
                capture_output=True, text=True, cwd=state)
            wall = time.monotonic() - started
            # Before the service is reaped: schemathesis's alone.
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            server_cpu = _cpu_seconds(server.pid) - server_before
        finally:
            server.terminate()
            server.wait()
    found = re.findall(r'(\d+) generated', result.stdout)
    print('exit status      %d' % result.returncode)
    print('requests         %s' % (found[-1] if found else '?'))
    print('wall             %.1f s' % wall)
    print('schemathesis cpu %.1f s' % (usage.ru_utime + usage.ru_stime))
    print('service cpu      %.1f s' % server_cpu)
    print('load average     %.1f' % os.getloadavg()[0])


if __name__ == '__main__':
    main()
