"""What the library's controllers need from the request they serve.

The controllers are mounted in services' own Pecan apps, which may have
none of the library's hooks (:func:`async_api.api.app.make_hooks`). So
each need has a fallback here instead of a hook it depends on:

``conf()``
    The ``ConfigOpts`` the hooks attached (``request.cfg``), else
    oslo.config's global one.
``context()``
    ``request.context`` as a hook set it, else the one the service's
    authentication stored (:func:`async_api.api.auth.context`).
``tasks_path()``
    The path under which the tasks collection is served, for task links
    and ``Location`` headers: what a :class:`~async_api.api.controllers.
    tasks.TasksController` serving this request found it is mounted at,
    else what the service set (:func:`set_tasks_path`), else ``v1/tasks``.
"""

from oslo_config import cfg
from oslo_context import context as oslo_context
import pecan

from async_api.api import auth

ENV_TASKS_PATH = 'async_api.tasks_path'
ENV_STATUS = 'async_api.status'

_DEFAULTS = {'tasks_path': 'v1/tasks'}


def set_tasks_path(path):
    """Where the service serves its tasks collection (``v1/tasks``).

    Task links and the ``Location`` of an action's answer point there.
    A request the mounted :class:`~async_api.api.controllers.tasks.
    TasksController` serves finds its own mount point; an action's
    answer, served elsewhere, needs this when the collection is not at
    ``/v1/tasks`` (``async_api.set_tasks_path('v2/tasks')``).
    """
    _DEFAULTS['tasks_path'] = path.strip('/')


def conf():
    found = getattr(pecan.request, 'cfg', None)
    return found or cfg.CONF


def context():
    request = pecan.request
    # Pecan gives every request a plain dict as its context.
    found = getattr(request, 'context', None)
    if not isinstance(found, oslo_context.RequestContext):
        found = auth.context(request.environ)
        request.context = found
    return found


def tasks_path():
    return (pecan.request.environ.get(ENV_TASKS_PATH)
            or _DEFAULTS['tasks_path'])


def use_tasks_path(path):
    """Record, for this request, where the tasks collection is mounted."""
    pecan.request.environ[ENV_TASKS_PATH] = path.strip('/')


def set_status(status):
    """Answer this request with ``status`` instead of the usual one.

    Set on the response at once (for controllers exposed with plain
    ``pecan.expose``), and kept for :func:`async_api.api.expose.expose`,
    which gives it to WSME: WSME sets the status of its ``status_code``
    after the controller returns, over what the controller set.
    """
    pecan.response.status = status
    pecan.request.environ[ENV_STATUS] = status


def status():
    """The status :func:`set_status` chose for this request, or None."""
    return pecan.request.environ.get(ENV_STATUS)
