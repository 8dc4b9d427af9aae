"""Where the real servers for functional tests are.

``tools/run-tests.sh`` starts PostgreSQL, Redis, etcd, ZooKeeper,
MariaDB, RabbitMQ and Keystone on 127.0.0.1 for the run and exports their
URLs. A test that needs a server calls :func:`require`: without the server
it is skipped on a developer's machine, and fails under CI (``CI`` set),
where a missing server is a broken run.
"""

import os

import testtools

POSTGRESQL = 'ASYNC_API_TEST_POSTGRESQL_URL'
REDIS = 'ASYNC_API_TEST_REDIS_URL'
ETCD = 'ASYNC_API_TEST_ETCD_URL'
ZOOKEEPER = 'ASYNC_API_TEST_ZOOKEEPER_URL'
MYSQL = 'ASYNC_API_TEST_MYSQL_URL'
RABBITMQ = 'ASYNC_API_TEST_RABBITMQ_URL'
KEYSTONE = 'ASYNC_API_TEST_KEYSTONE_URL'


def require(test, variable):
    """Return the server URL in ``variable``, or skip/fail the test."""
    url = os.environ.get(variable)
    if url:
        return url
    message = ('%s is not set: start the servers with tools/run-tests.sh'
               % variable)
    if os.environ.get('CI'):
        test.fail('CI run without its server: ' + message)
    raise testtools.TestCase.skipException(message)
