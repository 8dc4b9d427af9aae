"""The built-in server bounds the requests that change something."""

import threading
import urllib.request

from oslo_config import cfg
from oslo_config import fixture as config_fixture

import async_api
from async_api.baremetal import conf as bm_conf
from async_api.baremetal import wsgi_server
from async_api.conductor import busy
from async_api.tests import base


class TestBoundedWrites(base.TestCase):

    def setUp(self):
        super().setUp()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0
        conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts())).conf
        bm_conf.register_opts(conf)
        self.server = wsgi_server.WSGIServer(self.app, '127.0.0.1', 0, conf,
                                             max_concurrent_writes=1)
        self.server.start()
        self.addCleanup(self.server.stop)
        self.addCleanup(self.release.set)

    def app(self, environ, start_response):
        if environ['REQUEST_METHOD'] != 'GET':
            with self.lock:
                self.inside += 1
                self.most = max(self.most, self.inside)
            self.release.wait(10)
            with self.lock:
                self.inside -= 1
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'ok']

    def request(self, method, headers=None):
        request = urllib.request.Request(
            'http://127.0.0.1:%d/' % self.server.port, method=method,
            data=b'' if method != 'GET' else None, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def test_writes_wait_for_a_slot_reads_do_not(self):
        writers = [threading.Thread(target=self.request, args=('PUT',))
                   for _ in range(3)]
        for writer in writers:
            writer.start()
        # A read is answered while a write holds the only slot.
        self.assertEqual(b'ok', self.request('GET'))
        self.release.set()
        for writer in writers:
            writer.join(10)
        self.assertEqual(1, self.most)

    def test_a_waiting_submission_holds_no_slot(self):
        prefer = {'Prefer': 'wait=5'}
        writers = [threading.Thread(target=self.request,
                                    args=('PUT', prefer))
                   for _ in range(2)]
        for writer in writers:
            writer.start()
        while True:
            with self.lock:
                if self.inside == 2:
                    break
        self.release.set()
        for writer in writers:
            writer.join(10)
        self.assertEqual(2, self.most)


class TestSharedTurns(base.TestCase):
    """Submissions take the conductors' turns; a waiting one gives its
    turn back before it waits."""

    def setUp(self):
        super().setUp()
        self.turns = busy.BusyRuns(1)
        self.taken = []
        conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts())).conf
        bm_conf.register_opts(conf)
        self.server = wsgi_server.WSGIServer(self.app, '127.0.0.1', 0, conf,
                                             max_concurrent_writes=4,
                                             turns=self.turns)
        self.server.start()
        self.addCleanup(self.server.stop)

    def free(self):
        """Whether a turn can be had now (as a conductor would take it)."""
        taker = threading.Thread(target=lambda: self.turns.take(
            lambda: False).give_back(), daemon=True)
        taker.start()
        taker.join(0.2)
        return not taker.is_alive()

    def app(self, environ, start_response):
        before_wait = environ.get(async_api.PREFER_BEFORE_WAIT)
        if before_wait is not None and environ.get('HTTP_PREFER'):
            before_wait()
        self.taken.append(self.free())
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'ok']

    request = TestBoundedWrites.request

    def test_a_submission_holds_the_turn(self):
        self.request('PUT')
        self.assertEqual([False], self.taken)
        # Given back with the answer.
        self.assertTrue(self.free())

    def test_a_waiting_submission_gives_it_back_before_it_waits(self):
        self.request('PUT', {'Prefer': 'wait=5'})
        self.assertEqual([True], self.taken)
        self.assertTrue(self.free())

    def test_reads_take_no_turn(self):
        turn = self.turns.take(lambda: False)
        self.addCleanup(turn.give_back)
        self.assertEqual(b'ok', self.request('GET'))
