"""Deployment mistakes reported as one line instead of a traceback."""

import functools
import sys

import async_api


def reported(prog):
    """Decorate a command's ``main``: a missing extra exits with status 1.

    The message names the extra to install; a traceback would bury it.
    """
    def decorate(main):
        @functools.wraps(main)
        def run(argv=None):
            try:
                return main(argv)
            except async_api.MissingExtra as e:
                print('%s: %s' % (prog, e), file=sys.stderr, flush=True)
                return 1
        return run
    return decorate
