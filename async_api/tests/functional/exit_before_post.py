"""Run an async_api command that dies before its next post (tests only).

::

    python -m async_api.tests.functional.exit_before_post TRIGGER MODULE \
        [ARGS...]

Runs ``MODULE.main()`` with ``ARGS`` as its command line, with the
posts of :mod:`async_api.tasks.posting` patched: once the file
``TRIGGER`` exists, the next post removes it and ends the process at
once (``os._exit``). A post after the task's commit
(:func:`~async_api.tasks.posting.post`) dies as a crash between the two
would; a post inside the accept's own transaction
(:class:`~async_api.tasks.posting.WithinAccept`, on one database) dies
before anything of the task is committed.
"""

import importlib
import os
import sys

from oslo_log import log

from async_api.tasks import posting

LOG = log.getLogger(__name__)

#: The exit status of a process that died here.
EXIT_STATUS = 17


def _exiting(trigger, post):
    def exit_before_post(*args, **kwargs):
        try:
            os.unlink(trigger)
        except FileNotFoundError:
            return post(*args, **kwargs)
        LOG.warning('Test fault: exiting before posting')
        os._exit(EXIT_STATUS)
    return exit_before_post


def patch_post(trigger):
    """Make the posts exit before posting once ``trigger`` exists."""
    # post_and_record, the only caller, looks post up in its module.
    posting.post = _exiting(trigger, posting.post)
    posting.WithinAccept.__call__ = _exiting(
        trigger, posting.WithinAccept.__call__)


def main():
    trigger, module = sys.argv[1:3]
    patch_post(trigger)
    sys.argv[1:3] = []
    return importlib.import_module(module).main()


if __name__ == '__main__':
    sys.exit(main())
