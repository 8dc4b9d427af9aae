"""Many identical requests with one key, across several API processes."""

import collections
import concurrent.futures
import os
import threading

import requests

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.functional import service
from async_api.tests import servers

REQUESTS = 50
API_PROCESSES = 2

#: htpasswd users: one per project, and an administrator in none.
P1 = ('p1', 'p1-secret')
P2 = ('p2', 'p2-secret')
ADMIN = ('admin', 'admin-secret')


class _ConcurrentRetries:
    """Mixed into a test case that sets ``self.connection`` in setUp."""

    def _start_apis(self):
        urls = []
        user_file = service.write_htpasswd(
            os.path.join(self.state_path, 'htpasswd'), dict((P1, P2, ADMIN)))
        for i in range(API_PROCESSES):
            port = service.free_port()
            config = service.write_config(
                os.path.join(self.state_path, 'api-%d.conf' % i), {
                    'DEFAULT': {'state_path': self.state_path},
                    'database': {'connection': self.connection},
                    'api': {'host_ip': '127.0.0.1', 'port': port,
                            'auth_strategy': 'http_basic',
                            'http_basic_auth_user_file': user_file,
                            'http_basic_projects': 'p1:p1,p2:p2'},
                })
            process = self.useFixture(service.ServiceProcess(
                'api', config, port=port, name='api-%d' % i))
            urls.append(process.url)
        return urls

    def _fire(self, method, urls, path, body, headers, auth=ADMIN):
        barrier = threading.Barrier(REQUESTS)

        def one(i):
            barrier.wait()
            return requests.request(method, urls[i % len(urls)] + path,
                                    json=body, headers=headers, auth=auth,
                                    timeout=60)

        with concurrent.futures.ThreadPoolExecutor(REQUESTS) as pool:
            return list(pool.map(one, range(REQUESTS)))

    def _check(self, responses, created_status):
        outcomes = collections.Counter()
        bodies = set()
        for response in responses:
            replayed = response.headers.get('Idempotent-Replayed') == 'true'
            outcomes[(response.status_code, replayed)] += 1
            if response.status_code == created_status:
                bodies.add(response.json()['uuid'])
            else:
                self.assertEqual(409, response.status_code, response.text)
                error = response.json()['errors'][0]
                self.assertEqual('idempotency_key_in_use', error['code'])
                self.assertIn('Retry-After', response.headers)
        # Exactly one request did the work; the others replayed its answer
        # or were told to retry.
        self.assertEqual(1, outcomes[(created_status, False)], outcomes)
        self.assertEqual(1, len(bodies))
        return bodies.pop()

    def test_one_task_from_fifty_concurrent_retries(self):
        urls = self._start_apis()
        node = requests.post(urls[0] + '/v1/nodes', json={'driver': 'fake'},
                             auth=P1, timeout=30).json()
        path = '/v1/nodes/%s/states/power' % node['uuid']
        responses = self._fire('PUT', urls, path, {'target': 'on'},
                               {'Idempotency-Key': 'boot-once'}, auth=P1)
        task_uuid = self._check(responses, 202)
        tasks = requests.get(urls[1] + '/v1/tasks', auth=ADMIN,
                             timeout=30).json()
        self.assertEqual([task_uuid], [t['uuid'] for t in tasks['tasks']])
        # The same key in another project is another request entirely: a
        # new task, neither a replay nor a mismatch; naming p1 in a
        # header does not reach p1's keys.
        theirs = requests.post(urls[1] + '/v1/nodes', json={'driver': 'fake'},
                               auth=P2, timeout=30).json()
        other = requests.put(
            urls[1] + '/v1/nodes/%s/states/power' % theirs['uuid'],
            json={'target': 'on'}, timeout=30, auth=P2,
            headers={'Idempotency-Key': 'boot-once', 'X-Project-Id': 'p1'})
        self.assertEqual(202, other.status_code, other.text)
        self.assertNotIn('Idempotent-Replayed', other.headers)
        self.assertNotEqual(task_uuid, other.json()['uuid'])

    def test_one_node_from_fifty_concurrent_creates(self):
        urls = self._start_apis()
        responses = self._fire('POST', urls, '/v1/nodes',
                               {'name': 'once', 'driver': 'fake'},
                               {'X-Client-Token': 'create-once'})
        node_uuid = self._check(responses, 201)
        nodes = requests.get(urls[0] + '/v1/nodes', auth=ADMIN,
                             timeout=30).json()
        self.assertEqual([node_uuid], [n['uuid'] for n in nodes['nodes']])


class TestConcurrentRetriesSQLite(_ConcurrentRetries, base.TestCase):

    def setUp(self):
        super().setUp()
        self.connection = self.useFixture(db_fixtures.SQLiteDatabase()).url


class TestConcurrentRetriesPostgreSQL(_ConcurrentRetries, base.TestCase):

    def setUp(self):
        super().setUp()
        server = servers.require(self, servers.POSTGRESQL)
        self.connection = self.useFixture(
            db_fixtures.PostgreSQLDatabase(server)).url
