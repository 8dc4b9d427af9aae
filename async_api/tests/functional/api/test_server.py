"""The HTTP servers of async-api-all (waitress) and async-api-api
(gunicorn), spoken to over real sockets.

Each case runs against both commands: HTTP/1.1 keep-alive, the server's
own errors as API-SIG JSON, a stalled request body cut by
``[api]client_timeout`` without a thread held per connection, links
behind a proxy, CORS, and the WSGI module served by a server of the
operator's choosing.
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import fixtures
import requests
import testtools

from async_api.tests.functional.api import base
from async_api.tests.functional import service

ORIGIN = 'https://ui.example.com'
TIMEOUT = 2
SERVER = {
    'api': {'client_timeout': TIMEOUT, 'threads': 2, 'workers': 1},
    'cors': {'allowed_origin': ORIGIN},
    'oslo_middleware': {'enable_proxy_headers_parsing': True},
}


def exchange(port, data, wait=10):
    """Send raw bytes, return what the server answers until it closes."""
    with socket.create_connection(('127.0.0.1', port)) as sock:
        sock.sendall(data)
        sock.settimeout(wait)
        received = b''
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return received
                received += chunk
        except ConnectionResetError:
            # The server closed with our bytes unread; what it said
            # before is in ``received``.
            return received


def parse(raw):
    """(status, headers, JSON body) of one raw HTTP response."""
    head, _, body = raw.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    headers = dict(line.split(': ', 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def threads(pid):
    """Threads of ``pid`` and its children (gunicorn's workers)."""
    children = open('/proc/%d/task/%d/children' % (pid, pid)).read()
    total = 0
    for each in [pid] + [int(c) for c in children.split()]:
        try:
            total += len(os.listdir('/proc/%d/task' % each))
        except FileNotFoundError:
            pass
    return total


class ServerTests:
    """Cases for the server of ``COMMAND``, sharing one service: starting
    one takes seconds, and none of these cases changes what another
    sees."""

    COMMAND = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.state_path = tempfile.mkdtemp(prefix='async-api-server-')
        cls.port = service.free_port()
        sections = {
            'DEFAULT': {'state_path': cls.state_path},
            'api': {'host_ip': '127.0.0.1', 'port': cls.port},
            'async_api_conductor': {'workers': 1},
        }
        for section, values in SERVER.items():
            sections.setdefault(section, {}).update(values)
        config_file = service.write_config(
            os.path.join(cls.state_path, 'server.conf'), sections)
        if cls.COMMAND != 'all':
            subprocess.run(
                [sys.executable, '-m', 'async_api.baremetal.command.dbsync',
                 '--config-file', config_file, 'upgrade'],
                check=True, capture_output=True, timeout=120)
        cls.process = service.ServiceProcess(cls.COMMAND, config_file,
                                             port=cls.port)
        try:
            cls.process.setUp()
        except BaseException:
            shutil.rmtree(cls.state_path, ignore_errors=True)
            raise
        cls.url = cls.process.url

    @classmethod
    def tearDownClass(cls):
        cls.process.cleanUp()
        shutil.rmtree(cls.state_path, ignore_errors=True)
        super().tearDownClass()

    def api(self, method, path, **kwargs):
        kwargs.setdefault('timeout', 30)
        return requests.request(method, self.url + path, **kwargs)

    def assert_json_error(self, status, raw):
        got, headers, body = parse(raw)
        self.assertEqual(status, got, raw)
        self.assertEqual('application/json', headers['Content-Type'])
        self.assertEqual(status, body['errors'][0]['status'])

    def test_keep_alive(self):
        conn = http.client.HTTPConnection('127.0.0.1', self.port,
                                          timeout=30)
        self.addCleanup(conn.close)
        conn.request('GET', '/v1')
        first = conn.getresponse()
        first.read()
        sock = conn.sock
        conn.request('GET', '/v1/nodes')
        second = conn.getresponse()
        second.read()
        self.assertEqual((200, 200), (first.status, second.status))
        self.assertEqual(11, second.version)
        # The second request went over the first one's connection.
        self.assertIs(sock, conn.sock)

    def test_server_errors_are_json(self):
        self.assert_json_error(400, exchange(self.port, b'GARBAGE\r\n\r\n'))
        # Just over the 32 KiB of request line and headers waitress
        # reads (it has no 414: a long URI is a 431 too).
        too_many = b''.join(b'X-Header-%d: %s\r\n' % (i, b'v' * 200)
                            for i in range(165))
        self.assert_json_error(431, exchange(
            self.port, b'GET /v1 HTTP/1.1\r\nHost: x\r\n' + too_many
            + b'\r\n'))

    def test_stalled_body_is_cut(self):
        base_threads = threads(self.process.process.pid)
        stalled = []
        for _ in range(20):
            sock = socket.create_connection(('127.0.0.1', self.port))
            self.addCleanup(sock.close)
            sock.sendall(b'POST /v1/nodes HTTP/1.1\r\nHost: x\r\n'
                         b'Content-Type: application/json\r\n'
                         b'Content-Length: 100\r\n\r\n'
                         b'{"name": "stalled", ')
            stalled.append(sock)
        # Served meanwhile, not queued behind the stalled bodies for
        # ever.
        self.assertEqual(200, self.api('GET', '/v1').status_code)
        # No thread per connection: at most the [api]threads of each
        # process were started.
        self.assertLessEqual(threads(self.process.process.pid),
                             base_threads + SERVER['api']['threads'])
        start = time.monotonic()
        for sock in stalled:
            sock.settimeout(TIMEOUT * 10)
            answer = b''
            try:
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
            except ConnectionResetError:
                pass
            if answer:
                self.assertEqual(408, parse(answer)[0], answer)
        # Every one closed after about [api]client_timeout, not held.
        self.assertLess(time.monotonic() - start, TIMEOUT * 5)
        names = [n['name'] for n in self.api('GET', '/v1/nodes').json()[
            'nodes']]
        self.assertNotIn('stalled', names)

    def test_links_behind_a_proxy(self):
        response = self.api('POST', '/v1/nodes',
                            json={'name': 'proxied', 'driver': 'fake'},
                            headers={'X-Forwarded-Proto': 'https',
                                     'X-Forwarded-Host': 'api.example.com'})
        self.assertEqual(201, response.status_code, response.text)
        self.assertTrue(response.headers['Location'].startswith(
            'https://api.example.com/v1/nodes/'),
            response.headers['Location'])
        versions = self.api('GET', '/', headers={
            'X-Forwarded-Proto': 'https',
            'X-Forwarded-Host': 'api.example.com'}).json()
        self.assertEqual('https://api.example.com/v1',
                         versions['versions'][0]['links'][0]['href'])
        # Without the headers, the URL the client used.
        direct = self.api('GET', '/').json()
        self.assertEqual(self.url + '/v1',
                         direct['versions'][0]['links'][0]['href'])

    def test_cors_preflight(self):
        def preflight(origin):
            return self.api('OPTIONS', '/v1/nodes', headers={
                'Origin': origin,
                'Access-Control-Request-Method': 'POST'})
        allowed = preflight(ORIGIN)
        self.assertEqual(ORIGIN,
                         allowed.headers['Access-Control-Allow-Origin'])
        other = preflight('https://elsewhere.example.com')
        self.assertNotIn('Access-Control-Allow-Origin', other.headers)


class TestAllServer(ServerTests, testtools.TestCase):
    COMMAND = 'all'


class TestApiServer(ServerTests, testtools.TestCase):
    COMMAND = 'api'


class _WSGIModule(service.ServiceProcess):
    """gunicorn serving initialize_wsgi_app(), as an operator would."""

    def command_line(self):
        argv = ['async-api-wsgi', '--config-file', self.config_file,
                '--log-file', self.log_path + '.oslo']
        return [sys.executable, '-m', 'gunicorn', '--bind',
                '127.0.0.1:%d' % self.port,
                'async_api.baremetal.api.wsgi:initialize_wsgi_app(%r)'
                % (argv,)]


class TestWSGIModule(base.ServiceTestCase):

    def test_initialize_wsgi_app_reads_config_file(self):
        self.port = service.free_port()
        config_file = self.write_config(
            'wsgi.conf', async_api_api={
                'public_endpoint': 'https://configured.example.com'})
        self.dbsync(config_file)
        process = self.useFixture(_WSGIModule('wsgi', config_file,
                                              port=self.port))
        self.url = process.url
        versions = self.api('GET', '/').json()
        # The option came from the file named on its command line.
        self.assertEqual('https://configured.example.com/v1',
                         versions['versions'][0]['links'][0]['href'])


class TestTakenPort(testtools.TestCase):

    def says_which_options_to_change(self, command):
        state_path = self.useFixture(fixtures.TempDir()).path
        with socket.socket() as taken:
            taken.bind(('127.0.0.1', 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            config_file = service.write_config(
                os.path.join(state_path, 'taken.conf'), {
                    'DEFAULT': {'state_path': state_path},
                    'api': {'host_ip': '127.0.0.1', 'port': port},
                    'async_api_conductor': {'workers': 1}})
            found = subprocess.run(
                [sys.executable, '-m', 'async_api.baremetal.command.'
                 + command, '--config-file', config_file],
                capture_output=True, text=True, timeout=120)
        self.assertEqual(1, found.returncode, found.stderr)
        self.assertIn('async-api-%s: cannot listen on 127.0.0.1:%d (set '
                      '[api]host_ip and [api]port): Address already in use'
                      % (command, port), found.stderr)
        # Nothing else: no traceback, nor gunicorn's five attempts.
        self.assertNotIn('Traceback', found.stderr)
        self.assertNotIn('Connection in use', found.stderr)

    def test_all_says_which_options_to_change(self):
        self.says_which_options_to_change('all')

    def test_api_says_which_options_to_change(self):
        self.says_which_options_to_change('api')
