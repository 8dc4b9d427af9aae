"""What a failed step may show: a stable code and a safe message.

A task's ``error``, its step events and a resource's ``last_error`` are
read by clients. The exception a step raised is not fit for that as it
is: a database error's text carries the SQL statement and its
parameters (a node's ``driver_info``, passwords included), and an
unexpected error's text is whatever a library put there. So:

* An error the project raises on purpose carries a ``code`` (async_api's
  errors, drivers' errors, flows' errors): its message was written for
  the client, and is shown masked (:func:`async_api.common.masking.
  mask_text`) and cut before any SQL it quotes.
* A database error (SQLAlchemy, oslo.db) gets the code
  :data:`DATABASE_ERROR`, a timeout without a code :data:`TIMEOUT`, any
  other error :data:`DEFAULT_CODE`; each shows a fixed message that
  points at the conductor log, where :func:`log_detail` writes the whole
  text beside the task's request id.

A failure read back from persistence has no exception object, only its
class names: the class is found again among the modules already
imported, so it keeps its code.
"""

import re
import sys

from oslo_log import log

from async_api.common import masking

LOG = log.getLogger(__name__)

#: Code of a step that failed with an error the project did not expect.
DEFAULT_CODE = 'step_failed'
#: Code of a step that failed on a database error (not an outage).
DATABASE_ERROR = 'database_error'
#: Code of a step that timed out on an error without a code of its own.
TIMEOUT = 'timeout'

_DATABASE_MODULES = ('sqlalchemy.', 'oslo_db.', 'psycopg2.', 'pymysql.',
                     'sqlite3.')
_TIMEOUTS = ('TimeoutError', 'builtins.TimeoutError', 'socket.timeout')
# Where SQLAlchemy's text of an error starts quoting the statement.
_SQL_MARKERS = ('[SQL:', '[parameters:', '(Background on this error')
_MAX_MESSAGE = 1000
_CODE_RE = re.compile(r'^[a-z][a-z0-9_]{0,63}$')

_MESSAGES = {
    DATABASE_ERROR: 'A database error stopped the operation',
    TIMEOUT: 'The operation timed out',
    DEFAULT_CODE: 'The operation failed on an unexpected error',
}


def _valid_code(code):
    return isinstance(code, str) and _CODE_RE.match(code) is not None


def _type_names(failure):
    if isinstance(failure, BaseException):
        return ['%s.%s' % (cls.__module__, cls.__qualname__)
                for cls in type(failure).__mro__]
    try:
        return list(failure)
    except TypeError:
        return []


def _exception(failure):
    if isinstance(failure, BaseException):
        return failure
    return getattr(failure, 'exception', None)


def _text(failure):
    if isinstance(failure, BaseException):
        return str(failure)
    return getattr(failure, 'exception_str', None) or str(failure)


def _loaded_code(names):
    """The ``code`` of a loaded failure's class, if its module is loaded.

    Only modules already imported are searched: a name read back from
    storage never makes this process import anything.
    """
    for name in names[:1]:
        module_name, _, attr = name.rpartition('.')
        module = sys.modules.get(module_name)
        cls = getattr(module, attr, None) if module else None
        if isinstance(cls, type):
            return getattr(cls, 'code', None)
    return None


def classify(failure):
    """The code of ``failure`` and whether its own text may be shown.

    :param failure: a TaskFlow ``Failure`` (live or loaded) or an
        exception.
    :returns: ``(code, shown)``.
    """
    names = _type_names(failure)
    if any(name.startswith(_DATABASE_MODULES) for name in names):
        return DATABASE_ERROR, False
    error = _exception(failure)
    code = (getattr(error, 'code', None) if error is not None
            else _loaded_code(names))
    if _valid_code(code):
        return code, True
    if any(name in _TIMEOUTS for name in names):
        return TIMEOUT, False
    return DEFAULT_CODE, False


def safe_text(text):
    """``text`` fit for a client: masked, no SQL, of bounded length."""
    if not isinstance(text, str):
        return text
    for marker in _SQL_MARKERS:
        where = text.find(marker)
        if where >= 0:
            text = text[:where].rstrip()
    text = masking.mask_text(text)
    if len(text) > _MAX_MESSAGE:
        text = text[:_MAX_MESSAGE - 3] + '...'
    return text


def describe(failure, request_id=None):
    """``{"code", "message"}`` of a failed step, fit for a client.

    :param failure: a TaskFlow ``Failure`` or an exception.
    :param request_id: the request that asked for the task: named in the
        message of a hidden error, so an operator finds its detail in
        the log (:func:`log_detail`).
    """
    code, shown = classify(failure)
    if shown:
        return {'code': code, 'message': safe_text(_text(failure))}
    message = _MESSAGES[code]
    if request_id:
        message += ('; the service log has the details under request %s'
                    % request_id)
    else:
        message += '; the service log has the details'
    return {'code': code, 'message': message}


def describe_run(first, revert=None, request_id=None):
    """A failed run's ``error``: :func:`describe` of its first failure,
    with the step, and the revert that failed after it, if any.

    :param first: ``(step, failure)``, or None when no failure is known.
    :param revert: ``(step, failure)`` of the first revert that failed.
    """
    if first is None:
        return {'code': DEFAULT_CODE, 'message': 'The operation failed',
                'step': None}
    step, failure = first
    error = dict(describe(failure, request_id), step=step)
    if revert is not None:
        revert_step, revert_failure = revert
        error['message'] = ('%s; then reverting %s failed: %s'
                            % (error['message'], revert_step,
                               describe(revert_failure,
                                        request_id)['message']))
        error['revert_step'] = revert_step
    return error


def log_detail(failure, task_uuid, step, request_id=None):
    """Log the whole text of a failure the client sees only in summary.

    Nothing is logged for an error whose own text is shown.
    """
    code, shown = classify(failure)
    if shown:
        return
    traceback = getattr(failure, 'traceback_str', None)
    LOG.error('Step %(step)s of task %(task)s (request %(req)s) failed '
              '(%(code)s): %(detail)s%(tb)s',
              {'step': step, 'task': task_uuid, 'req': request_id,
               'code': code, 'detail': _text(failure),
               'tb': '\n' + traceback if traceback else ''})
