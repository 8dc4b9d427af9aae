"""Where the real servers for functional tests are.

``tools/run-tests.sh`` starts PostgreSQL, Redis and etcd on 127.0.0.1 for
the run and exports their URLs; ``tools/test-extra-servers.sh`` starts
ZooKeeper or MySQL for their own tox environments. A test that needs a
server calls :func:`require`: without the server it is skipped on a
developer's machine, and fails under CI (``CI`` set), where a missing
server is a broken run.
"""

import os

import testtools

POSTGRESQL = 'ASYNC_API_TEST_POSTGRESQL_URL'
REDIS = 'ASYNC_API_TEST_REDIS_URL'
ETCD = 'ASYNC_API_TEST_ETCD_URL'
#: Only in ``tox -e functional-zookeeper`` (tools/test-extra-servers.sh).
ZOOKEEPER = 'ASYNC_API_TEST_ZOOKEEPER_URL'
#: Only in ``tox -e functional-mysql`` (tools/test-extra-servers.sh).
MYSQL = 'ASYNC_API_TEST_MYSQL_URL'


#: Servers only their own tox environment starts: a test needing one is
#: skipped without it, in CI too (their script exports the variable even
#: when the server failed to start, so the tests fail there).
OPTIONAL = (ZOOKEEPER, MYSQL)


def require(test, variable):
    """Return the server URL in ``variable``, or skip/fail the test."""
    url = os.environ.get(variable)
    if url:
        return url
    if variable in OPTIONAL:
        raise testtools.TestCase.skipException(
            '%s is not set: run tox -e functional-zookeeper or '
            'functional-mysql' % variable)
    message = ('%s is not set: start the servers with tools/run-tests.sh'
               % variable)
    if os.environ.get('CI'):
        test.fail('CI run without its server: ' + message)
    raise testtools.TestCase.skipException(message)
