"""``Prefer: wait=N`` (RFC 7240): answer with the finished task if quick.

A client that would rather wait a little than poll sends ``Prefer:
wait=10``. An action (:func:`async_api.accept`), a cancel or a task GET
then waits up to N seconds, capped by ``[async_api_api]wait_max``, for the
task to finish:

* finished in time: ``200 OK`` with the final task and
  ``Preference-Applied: wait=<seconds waited at most>``;
* not finished: the usual answer (``202 Accepted`` for an action or a
  cancel, with ``Location`` and ``Retry-After``; ``200`` with
  ``Retry-After`` for a GET), without ``Preference-Applied``.

``respond-async`` is accepted and changes nothing (every answer is
asynchronous unless a wait is asked for); with ``wait`` too it means the
same as ``wait`` alone (RFC 7240, section 4.1). A preference that cannot
be parsed is ignored, as the RFC asks, rather than refused. Every answer
that a ``wait`` preference could have changed carries ``Vary: Prefer``
(RFC 7240, section 2), so that a cache never hands a waiting client the
answer it stored for a polling one.

The wait itself is :func:`async_api.tasks.waiters.wait`: the request's
thread sleeps on an event that the conductor of this process sets when
the task ends, and reads the task every ``[async_api_api]
wait_poll_interval`` seconds for tasks other processes finish. On a
threaded WSGI server (the reference service's) each waiting request holds
its connection's thread for up to N seconds, and nothing else: no
conductor, no CPU. Size the server's threads (or its worker count) for
the waiters expected, or lower ``wait_max``. A server that holds
something for the request while it computes (the reference service's
turn to compute, shared with the conductors of its process) puts what to
call before the wait under :data:`BEFORE_WAIT` in the WSGI environ.
"""

import pecan

from async_api.api import request
from async_api.common import states
from async_api.tasks import waiters

#: WSGI environ key: a callable, called once with no arguments just
#: before the request waits for its task.
BEFORE_WAIT = 'async_api.before_wait'

HEADER = 'Prefer'
APPLIED = 'Preference-Applied'
OK = 200


def parse_wait(value):
    """Seconds of the first ``wait`` preference in a ``Prefer`` value.

    None when there is none, or it is not a number of seconds. Several
    ``Prefer`` headers arrive joined by commas; only the first instance of
    a preference counts (RFC 7240, section 2).
    """
    if not value:
        return None
    for preference in value.split(','):
        token, _, rest = preference.partition(';')[0].partition('=')
        if token.strip().lower() != 'wait':
            continue
        seconds = rest.strip().strip('"')
        if not seconds.isdigit():
            return None
        return int(seconds)
    return None


def wanted_wait(conf=None):
    """Seconds this request asks to wait, capped; 0 for no wait."""
    seconds = parse_wait(pecan.request.headers.get(HEADER))
    if not seconds:
        return 0
    conf = conf or request.conf()
    return min(seconds, conf.async_api_api.wait_max)


def wait_for(task, project_id=None):
    """``task`` (a row) or, if the request prefers to wait, its end.

    :returns: ``(task, applied)``: the row as it is now, and the seconds
        the preference was applied with when the task finished in time
        (else None). The caller answers 200 and sets
        ``Preference-Applied`` when it is not None
        (:func:`applied`).
    """
    vary()
    if task.state in states.TERMINAL:
        return task, None
    conf = request.conf()
    seconds = wanted_wait(conf)
    if not seconds:
        return task, None
    before_wait = pecan.request.environ.pop(BEFORE_WAIT, None)
    if before_wait is not None:
        before_wait()
    task = waiters.wait(task.uuid, seconds,
                        conf.async_api_api.wait_poll_interval,
                        project_id=project_id, known=task)
    if task.state in states.TERMINAL:
        return task, seconds
    return task, None


def vary():
    """Add ``Prefer`` to the response's ``Vary`` header, once."""
    headers = pecan.response.headers
    present = [v.strip().lower()
               for v in headers.get('Vary', '').split(',') if v.strip()]
    if HEADER.lower() not in present and '*' not in present:
        headers['Vary'] = ', '.join(
            [v.strip() for v in headers.get('Vary', '').split(',')
             if v.strip()] + [HEADER])


def applied(seconds):
    """Answer 200 with ``Preference-Applied: wait=<seconds>``."""
    pecan.response.headers[APPLIED] = 'wait=%d' % seconds
    request.set_status(OK)
