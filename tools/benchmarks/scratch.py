"""A scratch directory for one benchmark run.

A benchmark serves a fresh SQLite file from its own directory; a run of
``accept.py`` leaves some 100 MB of databases and logs. The directory is
removed when the run ends, and kept, with its path printed, when the run
fails: the server's log in it says why.
"""

import contextlib
import shutil
import sys
import tempfile


@contextlib.contextmanager
def directory(prefix):
    """A new directory, removed unless the block raises an error."""
    path = tempfile.mkdtemp(prefix=prefix)
    try:
        yield path
    except Exception:
        print('kept %s (server logs)' % path, file=sys.stderr)
        raise
    except BaseException:
        # An exit or ^C: nothing to read there.
        shutil.rmtree(path, ignore_errors=True)
        raise
    shutil.rmtree(path, ignore_errors=True)
