"""Task, event and node bodies as OpenStackClient rows.

Structured fields (``params``, ``result``, ``driver_info``...) stay JSON
for ``-f json`` and ``-f yaml``, and read as compact JSON in a table.
"""

import json

from cliff import columns

TASK_FIELDS = ('uuid', 'operation', 'resource_type', 'resource_uuid',
               'state', 'progress', 'step', 'params', 'result', 'error',
               'cancel_requested', 'attempt', 'request_id', 'project_id',
               'user_id', 'created_at', 'updated_at', 'started_at',
               'finished_at')
TASK_LIST_FIELDS = ('uuid', 'operation', 'resource_uuid', 'state',
                    'progress', 'step', 'created_at')
EVENT_FIELDS = ('time', 'event', 'state', 'host', 'details')
NODE_FIELDS = ('uuid', 'name', 'driver', 'driver_info', 'extra',
               'power_state', 'target_power_state', 'provision_state',
               'sync_state', 'last_error', 'last_task_uuid', 'created_at',
               'updated_at')
NODE_LIST_FIELDS = ('uuid', 'name', 'driver', 'power_state',
                    'provision_state', 'sync_state')
STRUCTURED = frozenset(('params', 'result', 'error', 'details',
                        'driver_info', 'extra'))


class JsonColumn(columns.FormattableColumn):
    """Any JSON value: itself for machines, compact JSON for people."""

    def human_readable(self):
        if self._value is None:
            return ''
        return json.dumps(self._value, sort_keys=True)

    def machine_readable(self):
        return self._value


def headings(fields):
    """``resource_uuid`` -> ``Resource UUID``: OpenStackClient's style."""
    return tuple(' '.join('UUID' if word == 'uuid' else word.capitalize()
                          for word in field.split('_'))
                 for field in fields)


def row(body, fields):
    """The values of ``fields`` of a body, structured ones as JSON."""
    return tuple(JsonColumn(body.get(field)) if field in STRUCTURED
                 else body.get(field) for field in fields)


def show(body, fields):
    """``(columns, data)`` of a ShowOne: field names as given."""
    return fields, row(body, fields)


def listing(bodies, fields):
    """``(columns, rows)`` of a Lister."""
    return headings(fields), [row(body, fields) for body in bodies]
