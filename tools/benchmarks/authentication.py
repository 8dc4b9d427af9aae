#!/usr/bin/env python3
"""What authentication adds to a request, per strategy.

A minimal Pecan app (one GET that reads the request context) wrapped by
``async_api.wrap_app`` with each :class:`async_api.Authentication`, driven
in-process by WebTest, so that only the middlewares are measured:

* ``noauth``;
* ``http_basic`` with a bcrypt hash of 5 rounds (``htpasswd -B``) and of
  12 (``bcrypt.gensalt()``), the user's credentials checked once and then
  remembered, and (``uncached``) checked at every request as a plain
  htpasswd check would.

Prints the median and 95th percentile of a request, in milliseconds.
Run from the repository root::

    python tools/benchmarks/authentication.py [--requests 200]
"""

import argparse
import base64
import os
import statistics
import tempfile
import time

import bcrypt
from oslo_config import cfg
import pecan
import webtest

import async_api
from async_api.api import http_basic


class _Root:

    @pecan.expose('json')
    def whoami(self):
        return {'user': pecan.request.context.user_id}


def _app(authentication):
    app = pecan.make_app(_Root(), hooks=async_api.make_hooks(cfg.CONF),
                         **async_api.PECAN_CONFIG)
    return webtest.TestApp(async_api.wrap_app(app, cfg.CONF,
                                              auth=authentication))


def _measure(app, headers, requests):
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        app.get('/whoami', headers=headers)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--requests', type=int, default=200)
    args = parser.parse_args()
    async_api.register_opts(cfg.CONF)
    cfg.CONF([], project='async_api', default_config_files=[])
    token = base64.b64encode(b'ann:secret').decode()
    headers = {'Authorization': 'Basic ' + token}
    rows = [('noauth', _app(async_api.Authentication('noauth')), {},
             args.requests)]
    with tempfile.TemporaryDirectory() as tmp:
        for rounds in (5, 12):
            path = os.path.join(tmp, 'htpasswd-%d' % rounds)
            with open(path, 'w') as f:
                f.write('ann:%s\n' % bcrypt.hashpw(
                    b'secret', bcrypt.gensalt(rounds)).decode())
            auth = async_api.Authentication('http_basic', user_file=path)
            rows.append(('http_basic, %d rounds' % rounds, _app(auth),
                         headers, args.requests))
            # A tenth as many: each costs a full bcrypt check.
            # Its own app: none of the other's remembered credentials.
            rows.append(('http_basic, %d rounds, uncached' % rounds,
                         _app(async_api.Authentication(
                             'http_basic', user_file=path)),
                         headers, max(args.requests // 10, 5)))
        print('%-34s %10s %10s' % ('strategy', 'median ms', 'p95 ms'))
        for name, app, row_headers, requests in rows:
            cached = http_basic.CACHE_SECONDS
            if name.endswith('uncached'):
                http_basic.CACHE_SECONDS = 0
            try:
                median, p95 = _measure(app, row_headers, requests)
            finally:
                http_basic.CACHE_SECONDS = cached
            print('%-34s %10.2f %10.2f' % (name, median, p95))


if __name__ == '__main__':
    main()
