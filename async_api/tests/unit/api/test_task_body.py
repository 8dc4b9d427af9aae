"""A task's body, built without WSME's checks, renders as a checked one."""

import datetime

import fixtures
from wsme.rest import json as wsme_json
from wsme import types as wtypes

from async_api.api.types import base as types_base
from async_api.api.types import task as task_types
from async_api.db import models
from async_api.tests import base


def _row(**values):
    now = datetime.datetime(2026, 12, 7, 14, 0, 0, 123456)
    columns = dict(
        id=1, uuid='8d7e2b52-4f0c-4f5e-9f3a-1f2b3c4d5e6f',
        operation='node.set_power_state', resource_type='node',
        resource_uuid='0c2d6a8e-1b3f-4c5d-8e9f-0a1b2c3d4e5f',
        state='failed', progress=50, step='power-set-state',
        params={'target': 'on', 'password': 'hunter2'},
        result={'power_state': 'on', 'nested': [1, 2.5, None, True]},
        error={'code': 'step_failed', 'message': 'BMC said no',
               'step': 'power-set-state'},
        request_id='req-1', project_id='p1', user_id='u1',
        cancel_requested=False, attempt=2, created_at=now,
        updated_at=now, started_at=now, finished_at=None)
    columns.update(values)
    return models.Task(**columns)


def _checked(body):
    """The same body rebuilt through WSME's constructor and its checks."""
    values = {attr.key: getattr(body, attr.key)
              for attr in wtypes.list_attributes(type(body))}
    for key, value in values.items():
        if isinstance(value, wtypes.Base):
            values[key] = _checked(value)
        elif isinstance(value, list):
            values[key] = [_checked(item) for item in value]
    return type(body)(**values)


class TestTaskBody(base.TestCase):

    def setUp(self):
        super().setUp()
        # The link needs a request to be served under; none here.
        self.useFixture(fixtures.MockPatch(
            'async_api.api.links.task_url',
            side_effect=lambda uuid: 'http://api/v1/tasks/' + uuid))

    def assert_renders_as_checked(self, row):
        body = task_types.Task.from_db_obj(row)
        self.assertEqual(wsme_json.tojson(task_types.Task, _checked(body)),
                         wsme_json.tojson(task_types.Task, body))
        return wsme_json.tojson(task_types.Task, body)

    def test_full_row(self):
        rendered = self.assert_renders_as_checked(_row())
        self.assertEqual('******', rendered['params']['password'])
        self.assertEqual('step_failed', rendered['error']['code'])
        self.assertEqual('2026-12-07T14:00:00.123456+00:00',
                         rendered['created_at'])
        self.assertIsNone(rendered['finished_at'])

    def test_sparse_row(self):
        rendered = self.assert_renders_as_checked(_row(
            params=None, result=None, error=None, progress=None,
            attempt=None, step=None, started_at=None))
        self.assertEqual({}, rendered['params'])
        self.assertIsNone(rendered['error'])
        self.assertEqual(0, rendered['attempt'])

    def test_error_not_a_dict_or_not_text(self):
        rendered = self.assert_renders_as_checked(_row(error='boom'))
        self.assertEqual({'code': None, 'message': 'boom', 'step': None},
                         rendered['error'])
        # WSME's check refused a number where text belongs (a 500).
        rendered = self.assert_renders_as_checked(_row(
            error={'code': 7, 'message': 'x'}))
        self.assertEqual('7', rendered['error']['code'])

    def test_unknown_key(self):
        self.assertRaises(AttributeError, types_base.trusted,
                          types_base.Link, href='x', title='y')
