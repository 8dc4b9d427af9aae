"""A test case that runs async_api as real processes over HTTP."""

import os
import subprocess
import sys
import time

import requests

from async_api.common import states
from async_api.tests import base
from async_api.tests.functional import service


class ServiceTestCase(base.TestCase):
    """Starts commands against one SQLite database in the test's state dir.

    ``self.url`` is the API's base URL once :meth:`start` has run.
    """

    def write_config(self, name='async-api.conf', **sections):
        config = {
            'DEFAULT': {'state_path': self.state_path,
                        'host': 'test-%s' % name.split('.')[0]},
            'api': {'host_ip': '127.0.0.1', 'port': self.port},
            'async_api_conductor': {'workers': 2},
            'async_api_jobboard': {'poll_interval': 0.1},
        }
        for section, values in sections.items():
            config.setdefault(section, {}).update(values)
        return service.write_config(os.path.join(self.state_path, name),
                                    config)

    def start(self, command='all', **sections):
        self.port = getattr(self, 'port', None) or service.free_port()
        config_file = self.write_config('%s.conf' % command, **sections)
        if command != 'all':
            # Only async-api-all migrates on start; operators run dbsync.
            self.dbsync(config_file)
        port = self.port if command in ('all', 'api') else None
        process = self.useFixture(service.ServiceProcess(
            command, config_file, port=port))
        if port:
            self.url = process.url
        return process

    def dbsync(self, config_file):
        result = subprocess.run(
            [sys.executable, '-m', 'async_api.baremetal.command.dbsync',
             '--config-file', config_file, 'upgrade'],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)

    # HTTP helpers

    def api(self, method, path, **kwargs):
        kwargs.setdefault('timeout', 30)
        return requests.request(method, self.url + path, **kwargs)

    def create_node(self, **body):
        body.setdefault('driver', 'fake')
        response = self.api('POST', '/v1/nodes', json=body)
        self.assertEqual(201, response.status_code, response.text)
        return response.json()

    def set_power(self, node, target, **kwargs):
        return self.api('PUT', '/v1/nodes/%s/states/power' % node['uuid'],
                        json={'target': target}, **kwargs)

    def wait_for_task(self, task_uuid, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            response = self.api('GET', '/v1/tasks/%s' % task_uuid)
            self.assertEqual(200, response.status_code, response.text)
            task = response.json()
            if task['state'] in states.TERMINAL:
                return task
            if time.monotonic() > deadline:
                self.fail('Task %s still %s after %ss'
                          % (task_uuid, task['state'], timeout))
            time.sleep(0.05)

    def events(self, task_uuid):
        response = self.api('GET', '/v1/tasks/%s/events' % task_uuid)
        self.assertEqual(200, response.status_code, response.text)
        return response.json()['events']
