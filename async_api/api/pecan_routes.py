"""Pecan's look for custom path segments, once per controller class.

For every controller it walks, on every request, Pecan's router calls
``pecan.routing._detect_custom_path_segments``. That function lists the
controller's attributes (``set(dir(obj))``) before it checks whether it
has seen the class already, and only a class it has not seen needs the
list. An accept walks five controllers, 6-9 us each: about 35 us, 2-4 %
of its CPU in process (doc/source/admin/benchmarks.rst).

:func:`install` rebinds the function, where the router looks it up, to
one that returns at once for a class Pecan has recorded as seen; any
other class goes through Pecan's own, which records it once its custom
routes are checked (a conflict raises, and the class stays unrecorded,
as before).
"""

from pecan import routing

_original = routing._detect_custom_path_segments


def detect_once(obj):
    """Pecan's detection, skipped for a controller class it has seen."""
    if obj.__class__ in routing.__observed_controllers__:
        return
    _original(obj)


def install():
    """Have Pecan's router use :func:`detect_once` (idempotent)."""
    routing._detect_custom_path_segments = detect_once
