"""An operation as an HTTP action, answered ``202 Accepted`` with its task.

A service turns each of its operations into an action in a few lines;
for ``POST /v1/servers/{id}/live_migrate`` with the operation's
parameters as the JSON body::

    class ServersController(rest.RestController):

        @pecan.expose()
        def _lookup(self, ident, action, *remainder):
            server = db.get_server(ident)   # its own 404
            operation = ACTIONS.get(action)
            if operation is None:
                return None                 # Pecan's 404
            return (async_api.ActionController(operation, server.uuid),
                    remainder)

The body must be a JSON object: the operation's parameters, checked
against its schema by :func:`async_api.tasks.submit.submit` (400 and
nothing stored when they fail). The answer is the task with a
``Location`` header pointing at it under the service's tasks collection
(:func:`async_api.api.request.tasks_path`). An ``Idempotency-Key`` is
honoured when the service's app is wrapped by
:func:`async_api.api.app.wrap`. Errors are API-SIG documents, with or
without the library's middlewares around the app.
"""

import json

import pecan
from pecan import rest
from wsme.rest import json as wsme_json

from async_api.api import errors
from async_api.api import idempotency
from async_api.api import links
from async_api.api import prefer
from async_api.api import request
from async_api.api.types import task as task_types
from async_api.common import exception
from async_api.common import states
from async_api.tasks import submit

ACCEPTED = 202
# Seconds a client is asked to wait before polling an unfinished task.
RETRY_AFTER = '1'


def accept(operation, resource_uuid, params, resources=None):
    """Submit ``operation`` for this request and answer 202 with its task.

    For controllers of a service's own shape: the task body (as a
    :class:`~async_api.api.types.task.Task`) is returned, the status,
    ``Location`` and ``Retry-After`` are set on the response. With
    ``Prefer: wait=N`` (:mod:`async_api.api.prefer`) the answer is 200
    with the finished task if it ends within N seconds; expose the
    controller with :func:`async_api.expose` (or plain ``pecan.expose``)
    so that this status is kept.
    """
    environ = pecan.request.environ
    task = submit.submit(
        request.context(), operation, resource_uuid, params,
        conf=request.conf(), resources=resources,
        task_uuid=idempotency.reserved_uuid(environ))
    return answer(task, ACCEPTED)


def answer(task, status):
    """Answer with a task (a row): ``status`` unless ``Prefer: wait`` ends
    it in time (then 200).

    ``Location`` points at the task, and ``Retry-After`` says when to
    look again while it is unfinished.
    """
    task, waited = prefer.wait_for(task)
    pecan.response.location = links.task_url(task.uuid)
    if waited is not None:
        prefer.applied(waited)
    else:
        request.set_status(status)
    if task.state not in states.TERMINAL:
        pecan.response.headers['Retry-After'] = RETRY_AFTER
    return task_types.Task.from_db_obj(task)


def _json_object():
    raw = pecan.request.body
    try:
        body = json.loads(raw or b'{}')
    except ValueError as e:
        raise exception.InvalidParameter('The body is not JSON: %s' % e)
    if not isinstance(body, dict):
        raise exception.InvalidParameter(
            'The body must be a JSON object of the operation\'s parameters')
    return body


class ActionController(rest.RestController):
    """``POST`` (or the method given) runs ``operation`` on one resource.

    :param operation: the registered operation's name.
    :param resource_uuid: the resource, found (and checked to be the
        caller's) by the service.
    :param params: ``f(body) -> params`` to reshape the JSON body into
        the operation's parameters; the body itself by default.
    :param resources: other resources the task holds the lanes of (see
        :func:`async_api.tasks.submit.submit`).
    :param method: the HTTP method of the action (``POST`` or ``PUT``).
    """

    def __init__(self, operation, resource_uuid, params=None,
                 resources=None, method='POST'):
        super().__init__()
        self.operation = operation
        self.resource_uuid = resource_uuid
        self.params = params
        self.resources = resources
        self.method = method.upper()

    def _run(self):
        environ = pecan.request.environ
        try:
            body = _json_object()
            params = self.params(body) if self.params else body
            task = accept(self.operation, self.resource_uuid, params,
                          resources=self.resources)
        except Exception as fault:
            error = errors.client_error(fault)
            if error is None:
                errors.log_fault(environ)
                raise
            return self._error(environ, error)
        return json.dumps(wsme_json.tojson(task_types.Task, task))

    @staticmethod
    def _error(environ, error):
        # Written here: the service's app may have no ErrorMiddleware.
        errors.remember(environ, error)
        pecan.response.status = error.status
        pecan.response.content_type = 'application/json'
        for name, value in error.headers:
            pecan.response.headers[name] = value
        return errors.body(environ, error.status, detail=error.detail,
                           code=error.code, title=error.title)

    @pecan.expose(content_type='application/json')
    def post(self):
        if self.method != 'POST':
            pecan.abort(405)
        return self._run()

    @pecan.expose(content_type='application/json')
    def put(self):
        if self.method != 'PUT':
            pecan.abort(405)
        return self._run()
