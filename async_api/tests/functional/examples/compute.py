"""Run the compute example service (examples/compute) as real processes.

One deployment serves every test of a class: starting Python processes
is most of the cost, and each test works on servers of its own, so the
tests do not see each other's work (they share only the hypervisors).
"""

import os
import subprocess
import sys
import time

import fixtures
import requests

from async_api.common import states
from async_api.tests.functional import service

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))),
    'examples')

#: Seconds a simulated transfer or reboot takes: long enough for tasks
#: accepted together to be running while the next ones wait.
STEP_SECONDS = 0.2


def _env():
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [EXAMPLES] + [p for p in [env.get('PYTHONPATH')] if p])
    return env


class ComputeProcess(service.ServiceProcess):
    """``python -m compute.service --role <role>``."""

    READY_PATH = '/'

    def __init__(self, role, config_file, port=None, name=None):
        super().__init__(role, config_file, port=port, name=name or role,
                         env=_env())

    def command_line(self):
        return [sys.executable, '-m', 'compute.service', '--config-file',
                self.config_file, '--role', self.command,
                '--log-file', self.log_path + '.oslo']


class Deployment(fixtures.Fixture):
    """The compute service in a scratch directory.

    :param database_url: ``[database]connection``; by default the
        service's own default, SQLite under the state directory.
    :param board: ``[async_api_jobboard]`` options beyond the defaults.
    :param conductors: 0 runs one ``--role all`` process (embedded);
        N runs ``--role upgrade`` once, then an API process and N
        conductor processes.
    """

    def __init__(self, database_url=None, board=None, conductors=0):
        super().__init__()
        self.database_url = database_url
        self.board = board or {}
        self.conductors = conductors
        self.processes = {}

    def _setUp(self):
        self.state_path = self.useFixture(fixtures.TempDir()).path
        self.port = service.free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        if not self.conductors:
            self._start('all', 'all', workers=2)
            return
        config_file = self._config('upgrade', workers=1)
        result = subprocess.run(
            [sys.executable, '-m', 'compute.service', '--config-file',
             config_file, '--role', 'upgrade'], env=_env(),
            capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise RuntimeError('compute --role upgrade failed:\n'
                               + result.stdout + result.stderr)
        self._start('api', 'api')
        started = [self._start('conductor', 'conductor-%d' % index)
                   for index in range(self.conductors)]
        for process in started:
            self._wait_for_log(process, 'compute conductor %s is running'
                               % process.name)

    def _config(self, name, workers=1):
        sections = {
            'DEFAULT': {'state_path': self.state_path, 'host': name},
            'api': {'host_ip': '127.0.0.1', 'port': self.port},
            'compute': {'step_seconds': STEP_SECONDS,
                        'hosts': 'compute-1,compute-2,compute-3,compute-4',
                        'disabled_hosts': 'compute-4',
                        'broken_hosts': 'compute-3'},
            'async_api_conductor': {'workers': workers},
            'async_api_jobboard': dict({'poll_interval': 0.1}, **self.board),
        }
        if self.database_url:
            sections['database'] = {'connection': self.database_url}
        return service.write_config(
            os.path.join(self.state_path, '%s.conf' % name), sections)

    def _start(self, role, name, workers=1):
        port = self.port if role in ('all', 'api') else None
        process = self.useFixture(ComputeProcess(
            role, self._config(name, workers), port=port, name=name))
        self.processes[name] = process
        return process

    @staticmethod
    def _wait_for_log(process, text, timeout=60):
        deadline = time.monotonic() + timeout
        while text not in process.read_log():
            if process.process.poll() is not None or (
                    time.monotonic() > deadline):
                raise RuntimeError('%s never said %r; log:\n%s' % (
                    process.name, text, process.read_log()))
            time.sleep(0.1)

    def logs(self):
        return {name: process.read_log()
                for name, process in self.processes.items()}


class Client:
    """HTTP helpers against a deployment's API."""

    def __init__(self, test, url):
        self.test = test
        self.url = url

    def request(self, method, path, **kwargs):
        kwargs.setdefault('timeout', 30)
        # An administrator, as keystonemiddleware's auth_token would say.
        kwargs['headers'] = dict({'X-Roles': 'admin'},
                                 **kwargs.get('headers') or {})
        return requests.request(method, self.url + path, **kwargs)

    def get_json(self, path):
        response = self.request('GET', path)
        self.test.assertEqual(200, response.status_code, response.text)
        return response.json()

    def create_server(self, name='vm', host='compute-1'):
        response = self.request('POST', '/v2/servers',
                                json={'name': name, 'host': host})
        self.test.assertEqual(201, response.status_code, response.text)
        return response.json()

    def action(self, server, action, body, **kwargs):
        return self.request(
            'POST', '/v2/servers/%s/action/%s' % (server['uuid'], action),
            json=body, **kwargs)

    def wait_for_task(self, task_uuid, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            task = self.get_json('/v2/tasks/%s' % task_uuid)
            if task['state'] in states.TERMINAL:
                return task
            if time.monotonic() > deadline:
                self.test.fail('Task %s still %s after %ss'
                               % (task_uuid, task['state'], timeout))
            time.sleep(0.05)

    def events(self, task_uuid):
        return self.get_json('/v2/tasks/%s/events' % task_uuid)['events']
