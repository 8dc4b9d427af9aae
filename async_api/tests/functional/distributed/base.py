"""Real multi-process deployments: one API, several conductors.

Each test gets its own database (a fresh PostgreSQL database, migrated)
and its own board namespace on the run's shared board server, so tests
running in parallel never see each other's jobs. Claims last
:attr:`DistributedTestCase.CLAIM_EXPIRY` seconds (None: the default
configuration's), so a SIGKILLed conductor's job is taken over within
seconds.
"""

import os
import time
import uuid

from testtools import content as testtools_content

from async_api.common import states
from async_api.tests import db_fixtures
from async_api.tests.functional.api import base as api_base
from async_api.tests.functional import service
from async_api.tests import servers

#: Seconds a claim lasts in these tests (renewed every third of it).
CLAIM_EXPIRY = 3.0


class DistributedTestCase(api_base.ServiceTestCase):
    """Starts ``async-api-api`` and ``async-api-conductor`` processes.

    Subclasses set :attr:`BOARD` and, for a server board, return its
    ``[async_api_jobboard]`` options from :meth:`board_options`.
    """

    BOARD = 'sqlalchemy'
    CLAIM_EXPIRY = CLAIM_EXPIRY
    #: Extra options, ``{section: {option: value}}``, of every process.
    OPTIONS = {}

    def setUp(self):
        super().setUp()
        self.board_name = 'test-%s' % uuid.uuid4().hex[:12]
        self.database_url = self.make_database()
        self.processes = {}
        self.addOnException(self._attach_logs)

    def make_database(self):
        """URL of a migrated database for this test (PostgreSQL)."""
        server = servers.require(self, servers.POSTGRESQL)
        return self.useFixture(
            db_fixtures.PostgreSQLDatabase(server)).url

    def board_options(self):
        return {}

    def sections(self, host):
        jobboard = {'backend': self.BOARD, 'board_name': self.board_name,
                    'poll_interval': 0.1}
        if self.CLAIM_EXPIRY is not None:
            jobboard['claim_expiry'] = self.CLAIM_EXPIRY
        jobboard.update(self.board_options())
        sections = {
            'DEFAULT': {'state_path': self.state_path, 'host': host},
            'api': {'host_ip': '127.0.0.1', 'port': self.port},
            'async_api_conductor': {'workers': 1},
            'database': {'connection': self.database_url},
            'async_api_jobboard': jobboard,
        }
        for section, values in self.OPTIONS.items():
            sections.setdefault(section, {}).update(values)
        return sections

    def start_process(self, command, host):
        """Start ``async-api-<command>`` as ``[DEFAULT]host = host``."""
        self.port = getattr(self, 'port', None) or service.free_port()
        config_file = service.write_config(
            os.path.join(self.state_path, '%s.conf' % host),
            self.sections(host))
        port = self.port if command == 'api' else None
        process = self.useFixture(service.ServiceProcess(
            command, config_file, port=port, name=host))
        if port:
            self.url = process.url
        self.processes[host] = process
        return process

    def start_api(self):
        return self.start_process('api', 'api')

    def start_conductor(self, host, wait=True):
        process = self.start_process('conductor', host)
        if wait:
            self.wait_for_log(process, 'conductor %s is running' % host)
        return process

    def wait_for_log(self, process, text, timeout=60):
        deadline = time.monotonic() + timeout
        while text not in process.read_log():
            if process.process.poll() is not None:
                self.fail('%s exited with %s' % (process.name,
                                                 process.process.returncode))
            if time.monotonic() > deadline:
                self.fail('%s did not log %r within %ss'
                          % (process.name, text, timeout))
            time.sleep(0.1)

    # Waiting on what the service reports

    def wait_for_event(self, task_uuid, step, state, host=None, timeout=30):
        """The first event of ``step`` in ``state`` (from ``host``)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events(task_uuid):
                if (event['event'] == step and event['state'] == state
                        and host in (None, event['host'])):
                    return event
            if time.monotonic() > deadline:
                self.fail('No %s %s event of task %s within %ss: %s' % (
                    step, state, task_uuid, timeout,
                    self.events(task_uuid)))
            time.sleep(0.05)

    def wait_for_task(self, task_uuid, timeout=90):
        return super().wait_for_task(task_uuid, timeout=timeout)

    def _attach_logs(self, exc_info):
        # The processes' logs are in the scratch directory, gone after the
        # test: keep their ends in the test's details.
        for name, process in self.processes.items():
            self.addDetail('%s-log' % name, testtools_content.text_content(
                process.read_log()[-30000:]))

    def steps(self, task_uuid):
        """``{step: [(state, host), ...]}`` from the task's events."""
        steps = {}
        for event in self.events(task_uuid):
            steps.setdefault(event['event'], []).append(
                (event['state'], event['host']))
        return steps

    def assert_terminal_soon(self, task_uuid, expected=states.SUCCEEDED,
                             timeout=90):
        task = self.wait_for_task(task_uuid, timeout=timeout)
        self.assertEqual(expected, task['state'], task)
        return task


class RedisBoard:
    """Mixin of a :class:`DistributedTestCase`: the run's Redis board."""

    BOARD = 'redis'

    def board_options(self):
        url = servers.require(self, servers.REDIS)
        return {'hosts': url.split('//', 1)[1]}
