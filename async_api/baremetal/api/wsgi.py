"""The WSGI application, for a web server that brings its own (uWSGI,
mod_wsgi).

uWSGI::

    uwsgi --http-socket :6386 --processes 2 --threads 8 \\
        --module 'async_api.baremetal.api.wsgi:initialize_wsgi_app()' \\
        --pyargv '--config-file /etc/async_api/async_api.conf'

mod_wsgi (a ``.wsgi`` file)::

    from async_api.baremetal.api import wsgi
    application = wsgi.initialize_wsgi_app(
        argv=['async-api-wsgi', '--config-file',
              '/etc/async_api/async_api.conf'])

Without ``--config-file`` the files are found the oslo.config way (for
example ``/etc/async_api/async_api.conf``). ``application`` is also an
attribute of this module, built on first use from ``sys.argv``.
"""

import sys

from async_api.baremetal.api import app
from async_api.baremetal import config


def initialize_wsgi_app(argv=sys.argv):
    """Load the configuration from ``argv`` and build the application.

    :param argv: a command line, program name first (``sys.argv`` by
        default: what ``uwsgi --pyargv`` passes).
    """
    return app.setup_app(config.prepare(list(argv[1:]), 'async-api-wsgi'))


def __getattr__(name):
    # Built on first use, not at import: importing this module for
    # initialize_wsgi_app() must not parse a command line.
    if name == 'application':
        global application
        application = initialize_wsgi_app()
        return application
    raise AttributeError('module %r has no attribute %r' % (__name__, name))
