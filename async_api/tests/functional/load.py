"""Clients that keep submitting while a test takes a backend away.

:class:`Load` runs :data:`CLIENTS` threads, each with a node of its own,
each submitting power changes over HTTP until stopped (at most
:data:`PER_CLIENT` requests each). It keeps every answer, so that a test
can check afterwards that every task accepted (202) ended ``succeeded``
and that every refusal during the outage was a 503 with ``Retry-After``.
"""

import threading
import time

import requests

from async_api.common import states

#: Client threads, one node each.
CLIENTS = 16
#: The most requests one client sends.
PER_CLIENT = 400
#: Seconds a client pauses after each answer.
PAUSE = 0.2


class Answer:
    __slots__ = ('at', 'status', 'retry_after', 'task_uuid', 'code')

    def __init__(self, at, status, retry_after=None, task_uuid=None,
                 code=None):
        self.at = at
        self.status = status
        self.retry_after = retry_after
        self.task_uuid = task_uuid
        self.code = code


class Load:
    """``clients`` threads submitting power changes to their own nodes."""

    def __init__(self, url, nodes, per_client=PER_CLIENT, pause=PAUSE):
        self.url = url
        self.nodes = nodes
        self.per_client = per_client
        self.pause = pause
        self.answers = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, args=(node,),
                                          daemon=True) for node in nodes]

    def start(self):
        for thread in self._threads:
            thread.start()

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def _client(self, node):
        session = requests.Session()
        targets = ('on', 'off')
        for i in range(self.per_client):
            if self._stop.is_set():
                return
            try:
                response = session.put(
                    '%s/v1/nodes/%s/states/power' % (self.url, node['uuid']),
                    json={'target': targets[i % 2]}, timeout=30)
            except requests.RequestException:
                answer = Answer(time.monotonic(), None)
            else:
                answer = Answer(time.monotonic(), response.status_code,
                                response.headers.get('Retry-After'))
                body = response.json() if response.content else {}
                if response.status_code == 202:
                    answer.task_uuid = body['uuid']
                elif body.get('errors'):
                    answer.code = body['errors'][0].get('code')
            with self._lock:
                self.answers.append(answer)
            self._stop.wait(self.pause)

    # What happened -------------------------------------------------

    def accepted(self):
        with self._lock:
            return [a.task_uuid for a in self.answers if a.status == 202]

    def refused_between(self, start, end):
        with self._lock:
            return [a for a in self.answers
                    if start <= a.at <= end and a.status != 202]

    def accepted_between(self, start, end):
        with self._lock:
            return [a for a in self.answers
                    if start <= a.at <= end and a.status == 202]


class LoadTestMixin:
    """For a :class:`~.api.base.ServiceTestCase`-like test with ``api()``."""

    def start_load(self, count=CLIENTS, **kwargs):
        nodes = [self.create_node(name='load-%d' % i) for i in range(count)]
        load = Load(self.url, nodes, **kwargs)
        load.start()
        self.addCleanup(load.stop)
        return load

    def wait_until_accepted(self, load, count, timeout=60):
        deadline = time.monotonic() + timeout
        while len(load.accepted()) < count:
            if time.monotonic() > deadline:
                self.fail('Only %d tasks accepted within %ss'
                          % (len(load.accepted()), timeout))
            time.sleep(0.1)

    def task_states(self, uuids):
        """``{uuid: task}`` read through the API (one list per 100)."""
        found = {}
        wanted = set(uuids)
        marker = None
        while True:
            path = '/v1/tasks?limit=1000&sort_dir=asc'
            if marker:
                path += '&marker=%s' % marker
            response = self.api('GET', path)
            self.assertEqual(200, response.status_code, response.text)
            tasks = response.json()['tasks']
            for task in tasks:
                if task['uuid'] in wanted:
                    found[task['uuid']] = task
            if not tasks or 'next' not in response.json():
                return found
            marker = tasks[-1]['uuid']

    def wait_all_finished(self, uuids, timeout):
        """Wait for every task to end; returns ``{uuid: task}``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                tasks = self.task_states(uuids)
            except requests.RequestException:
                tasks = {}
            left = [u for u in uuids if u not in tasks
                    or tasks[u]['state'] not in states.TERMINAL]
            if not left:
                return tasks
            if time.monotonic() > deadline:
                self.fail('%d of %d tasks unfinished %ss after the fault '
                          'cleared, e.g. %s' % (
                              len(left), len(uuids), timeout,
                              [(tasks.get(u) or {}).get('state')
                               for u in left[:10]]))
            time.sleep(0.5)

    def assert_healed(self, load, fault_start, fault_end, timeout=180,
                      refusals=True):
        """The checks of every outage test; returns the recovery time.

        Every accepted task succeeded; every refusal while the backend was
        away (or shortly after) was a 503 service_unavailable with
        Retry-After; with ``refusals``, some writes were refused (the
        fault was real: without the database nothing can be accepted;
        without the board a task is accepted and posted later).
        """
        load.stop()
        uuids = load.accepted()
        tasks = self.wait_all_finished(uuids, timeout)
        recovery = time.monotonic() - fault_end
        bad = {u: (t['state'], t.get('error')) for u, t in tasks.items()
               if t['state'] != states.SUCCEEDED}
        self.assertEqual({}, bad)
        refused = load.refused_between(fault_start, time.monotonic())
        if refusals:
            self.assertTrue(refused, 'no write was refused: no outage?')
        for answer in refused:
            self.assertEqual(503, answer.status, answer.code)
            self.assertEqual('service_unavailable', answer.code)
            self.assertIsNotNone(answer.retry_after)
        # Writes are accepted again after the fault, without a restart.
        self.assertTrue(load.accepted_between(fault_end, time.monotonic())
                        or self._accepts_now(load))
        return recovery, len(uuids), len(refused)

    def _accepts_now(self, load):
        node = load.nodes[0]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            response = self.set_power(node, 'on')
            if response.status_code == 202:
                return True
            time.sleep(1)
        return False
