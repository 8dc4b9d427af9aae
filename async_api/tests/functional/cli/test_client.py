"""The library's task client against the real service, and against a
server that does not honour ``Prefer: wait`` (an older or foreign one)."""

import http.server
import json
import threading
import time

import testtools

import async_api
from async_api.baremetal.client import nodes
from async_api.tests.functional.api import base


class TestClientAgainstTheService(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.start('all')
        self.client = nodes.client(
            async_api.client_session('none', endpoint=self.url))

    def test_an_action_waited_for_and_replayed(self):
        self.client.create('fake', name='n1')
        task = self.client.set_power_state('n1', 'on', wait=True,
                                           timeout=60, idempotency_key='k1')
        self.assertEqual('succeeded', task['state'])
        self.assertFalse(task.replayed)
        again = self.client.set_power_state('n1', 'on', idempotency_key='k1')
        self.assertEqual(task['uuid'], again['uuid'])
        self.assertTrue(again.replayed)

    def test_a_wait_that_runs_out_leaves_the_task_running(self):
        self.client.create('fake', name='slow', driver_info={
            'fake_delay': {'set_power_state': 4}})
        task = self.client.set_power_state('slow', 'on')
        seen = []
        error = self.assertRaises(
            async_api.WaitTimeout, self.client.tasks.wait, task['uuid'],
            timeout=1, progress=seen.append)
        self.assertNotIn(error.task['state'], async_api.states.TERMINAL)
        self.assertEqual(task['uuid'], seen[0]['uuid'])
        done = self.client.tasks.wait(task['uuid'], timeout=60)
        self.assertEqual('succeeded', done['state'])

    def test_api_errors_carry_the_api_sig_fields(self):
        error = self.assertRaises(async_api.ClientError, self.client.get,
                                  'missing')
        self.assertEqual((404, 'node_not_found'), (error.status, error.code))
        self.assertTrue(error.request_id.startswith('req-'))


class _NoPreferHandler(http.server.BaseHTTPRequestHandler):
    """Answers a task GET at once, ``running`` twice then ``succeeded``,
    with ``Retry-After: 1``, whatever ``Prefer`` says."""

    def do_GET(self):
        server = self.server
        server.reads.append(time.monotonic())
        state = 'succeeded' if len(server.reads) > 2 else 'running'
        body = json.dumps({'uuid': 't1', 'state': state,
                           'operation': 'x', 'progress': 0}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Retry-After', '1')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TestRetryAfter(testtools.TestCase):

    def test_reads_again_after_retry_after_not_in_a_tight_loop(self):
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                 _NoPreferHandler)
        server.reads = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        client = async_api.TaskClient(
            async_api.client_session(
                'none', endpoint='http://127.0.0.1:%d' % server.server_port),
            'asyncapi')
        task = client.wait('t1', timeout=30)
        self.assertEqual('succeeded', task['state'])
        self.assertEqual(3, len(server.reads))
        gaps = [b - a for a, b in zip(server.reads, server.reads[1:])]
        self.assertTrue(all(gap >= 0.9 for gap in gaps), gaps)
