"""Deployment mistakes reported as one line instead of a traceback."""

import functools
import sys

import async_api
from async_api.baremetal import wsgi_server


def reported(prog):
    """Decorate a command's ``main``: a missing extra, or an address the
    API cannot listen on, exits with status 1 and one line.

    The message names the extra to install or the options to change; a
    traceback would bury it.
    """
    def decorate(main):
        @functools.wraps(main)
        def run(argv=None):
            try:
                return main(argv)
            except (async_api.MissingExtra, wsgi_server.CannotListen) as e:
                print('%s: %s' % (prog, e), file=sys.stderr, flush=True)
                return 1
        return run
    return decorate
