"""The task client: actions, tasks, step events, cancel, and waiting.

Works with any service built on async_api: the service's own client (the
reference service's node client, say) sends its actions through
:meth:`TaskClient.action` and gets the accepted task back; anyone may
then wait for it.

Waiting does not poll in a tight loop. Each read of the task asks the
server to hold the answer until the task ends (``Prefer: wait=N``, RFC
7240), so a task that ends is seen at once; a server that does not honour
the preference (or caps it lower) is read again after the ``Retry-After``
it sent. When someone watches the progress, the wait per read is short
(:attr:`TaskClient.progress_interval`), so that step and percent move.
"""

import math
import time

from keystoneauth1 import adapter

from async_api.client import errors
from async_api.common import states

IDEMPOTENCY_KEY = 'Idempotency-Key'
REPLAYED = 'Idempotent-Replayed'
PREFER = 'Prefer'
# The longest wait asked of one request when no one watches progress;
# the server caps it with its own [async_api_api]wait_max anyway.
LONG_WAIT = 60
#: The states a task ends in without having done its work.
UNSUCCESSFUL = frozenset((states.FAILED, states.ERROR, states.CANCELLED))


class Task(dict):
    """A task body. ``replayed`` is true when the server answered with the
    stored response of an earlier request with the same idempotency key
    (``Idempotent-Replayed: true``): no new task was started.
    """

    replayed = False


def _retry_after(response):
    """Seconds of a ``Retry-After`` in delta form, 1 if absent or a date."""
    value = response.headers.get('Retry-After', '')
    return int(value) if value.strip().isdigit() else 1


class TaskClient:
    """Speaks to one async_api service through a keystoneauth1 session.

    :param session: a keystoneauth1 ``Session``
        (:func:`~async_api.client.session.client_session`, or the one the
        ``openstack`` command made).
    :param service_type: the service's type in the Keystone catalog.
    :param endpoint: the service's root URL (``http://host:6386``), which
        overrides the catalog and the session's plugin.
    :param tasks_path: where the service mounts its tasks collection.
    """

    #: Seconds each read waits for the end while progress is watched.
    progress_interval = 1

    def __init__(self, session, service_type, endpoint=None,
                 interface=None, region_name=None, tasks_path='v1/tasks',
                 user_agent='async_api-client'):
        self.http = adapter.Adapter(
            session, service_type=service_type, interface=interface,
            region_name=region_name, endpoint_override=endpoint,
            user_agent=user_agent)
        self.tasks_path = tasks_path.strip('/')

    # HTTP

    def request(self, method, path, json=None, params=None,
                idempotency_key=None, wait=None):
        """One request; the response, or :class:`ClientError` for >= 400.

        :param path: relative to the service's root URL, or absolute (a
            ``next`` link).
        :param wait: seconds to send as ``Prefer: wait=N``.
        """
        headers = {'Accept': 'application/json'}
        if idempotency_key:
            headers[IDEMPOTENCY_KEY] = idempotency_key
        if wait:
            headers[PREFER] = 'wait=%d' % wait
        if '://' not in path:
            path = '/' + path.lstrip('/')
        response = self.http.request(path, method, json=json, params=params,
                                     headers=headers, raise_exc=False)
        if response.status_code >= 400:
            raise errors.ClientError.from_response(response)
        return response

    def collection(self, path, key, params=None, limit=None):
        """The items under ``key`` of every page, following ``next``.

        :param limit: stop after this many items (all when None).
        """
        params = {k: v for k, v in (params or {}).items() if v is not None}
        items = []
        while path:
            body = self.request('GET', path, params=params).json()
            items.extend(body.get(key) or ())
            if limit is not None and len(items) >= limit:
                return items[:limit]
            # The next link carries the query itself.
            path, params = body.get('next'), None
        return items

    # Actions and tasks

    def action(self, method, path, body=None, idempotency_key=None,
               wait=False, timeout=None, progress=None):
        """Start an operation (any answer of an accepted task).

        :returns: the accepted :class:`Task`, or with ``wait`` the task
            once it ended; see :meth:`wait` for ``timeout`` and
            ``progress``.
        """
        response = self.request(
            method, path, json=body, idempotency_key=idempotency_key,
            wait=self._first_wait(wait, timeout, progress))
        task = Task(response.json())
        task.replayed = response.headers.get(REPLAYED, '').lower() == 'true'
        if not wait:
            return task
        final = Task(self.wait(task, timeout=timeout, progress=progress))
        final.replayed = task.replayed
        return final

    def list_tasks(self, resource_uuid=None, resource_type=None,
                   operation=None, state=None, changes_since=None,
                   limit=None, sort_dir=None):
        """Tasks, newest first, by the API's filters.

        :param state: a state or a list of them.
        :param changes_since: an ISO 8601 time.
        """
        if isinstance(state, (list, tuple, set, frozenset)):
            state = ','.join(state)
        return self.collection(self.tasks_path, 'tasks', params={
            'resource_uuid': resource_uuid, 'resource_type': resource_type,
            'operation': operation, 'state': state,
            'changes_since': changes_since, 'sort_dir': sort_dir},
            limit=limit)

    def get_task(self, task_uuid):
        return Task(self.request('GET', self._task_path(task_uuid)).json())

    def list_events(self, task_uuid):
        """The task's step events, oldest first."""
        return self.request(
            'GET', self._task_path(task_uuid) + '/events').json()['events']

    def cancel(self, task_uuid, idempotency_key=None, wait=False,
               timeout=None, progress=None):
        """Cancel a task: at once if it has not started, else at its next
        step (it reverts first); ``wait`` for that end as :meth:`wait`.
        """
        return self.action('POST', self._task_path(task_uuid) + '/cancel',
                           idempotency_key=idempotency_key, wait=wait,
                           timeout=timeout, progress=progress)

    def wait(self, task, timeout=None, progress=None):
        """The task once it ended (any terminal state).

        :param task: a task body or a task's UUID.
        :param timeout: seconds; None or 0 waits as long as it takes.
        :param progress: called with each task body read (the first and
            the final included), to show step and percent.
        :raises WaitTimeout: the task is still unfinished after
            ``timeout`` seconds (it goes on).
        """
        if isinstance(task, str):
            # Read first in the loop below, with the wait preference.
            uuid, task = task, None
        else:
            uuid = task['uuid']
            if progress:
                progress(task)
        deadline = time.monotonic() + timeout if timeout else None
        while task is None or task['state'] not in states.TERMINAL:
            asked = self.progress_interval if progress else LONG_WAIT
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 and task is not None:
                    raise errors.WaitTimeout(task, timeout)
                asked = min(asked, max(1, math.ceil(remaining)))
            started = time.monotonic()
            response = self.request('GET', self._task_path(uuid),
                                    wait=asked)
            task = Task(response.json())
            if progress:
                progress(task)
            if task['state'] in states.TERMINAL:
                break
            # A server that held the request has waited already; one that
            # answered at once asked to be read again after Retry-After.
            pause = _retry_after(response) - (time.monotonic() - started)
            if deadline is not None:
                pause = min(pause, deadline - time.monotonic())
            if pause > 0:
                time.sleep(pause)
        return task

    def _first_wait(self, wait, timeout, progress):
        # Without anyone watching, the action itself may wait for the end
        # (Prefer on the POST): a quick task then costs one request.
        if not wait or progress:
            return None
        return min(LONG_WAIT, math.ceil(timeout)) if timeout else LONG_WAIT

    def _task_path(self, task_uuid):
        return '%s/%s' % (self.tasks_path, task_uuid)
