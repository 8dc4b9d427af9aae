"""Versioned notifications of task transitions, over oslo.messaging.

Each task transition (accepted, started, a step's start and end, a retry,
a revert, the end) is written as a notification row in the transaction
that commits it (:mod:`async_api.db.outbox`); a sender thread in each
conductor process (:mod:`.sender`) hands the rows to oslo.messaging's
``Notifier`` in order and deletes them once sent. Payloads are
oslo.versionedobjects (:mod:`.objects`), built by :mod:`.payloads`.

:func:`setup` turns this on for a process when
``[oslo_messaging_notifications]driver`` names a driver other than
``noop``; with ``noop`` (or none, the default) nothing is written and no
thread runs. See doc/source/admin/notifications.rst.
"""

from async_api.notifications.service import setup  # noqa: F401
from async_api.notifications.service import shutdown  # noqa: F401
from async_api.notifications.service import stop_sending  # noqa: F401
