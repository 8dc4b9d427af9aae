"""Planned bodies render to the JSON that WSME's generic rendering makes."""

import datetime
import decimal

from wsme.rest import json as wsme_json
from wsme import types as wtypes

from async_api.api.types import base as types_base
from async_api.api.types import collection
from async_api.api.types import event
from async_api.api.types import render
from async_api.api.types import task
from async_api.tests import base

NOW = datetime.datetime(2026, 12, 7, 14, 0, 0, 123456,
                        tzinfo=datetime.timezone.utc)


class Inner(wtypes.Base):
    name = wtypes.text


@render.planned
class Everything(wtypes.Base):
    text = wtypes.text
    number = int
    flag = bool
    ratio = float
    moment = wtypes.datetime.datetime
    anything = types_base.jsontype
    mapping = types_base.jsondict
    inner = Inner
    inners = [Inner]
    moments = {wtypes.text: wtypes.datetime.datetime}
    raw = wtypes.bytes
    amount = decimal.Decimal
    defaulted = wtypes.wsattr(int, default=7)
    renamed = wtypes.wsattr(wtypes.text, name='other-name')


def _generic(datatype, value):
    """WSME's own rendering of the outer body (inner ones dispatch)."""
    return wsme_json.tojson.default(datatype, value)


class TestPlanned(base.TestCase):

    def assertSameJSON(self, datatype, value):
        rendered = wsme_json.tojson(datatype, value)
        self.assertEqual(_generic(datatype, value), rendered)
        return rendered

    def test_every_kind_of_attribute(self):
        body = Everything(
            text='t', number=3, flag=False, ratio=0.5, moment=NOW,
            anything={'a': [1, None, {'b': True}]},
            mapping={'k': 'v', 'n': {'x': 1}}, inner=Inner(name='i'),
            inners=[Inner(name='a'), Inner()],
            moments={'then': NOW}, raw=b'abc',
            amount=decimal.Decimal('1.50'), renamed='r')
        rendered = self.assertSameJSON(Everything, body)
        self.assertEqual(NOW.isoformat(), rendered['moment'])
        self.assertEqual('abc', rendered['raw'])
        self.assertEqual('1.50', rendered['amount'])
        self.assertEqual(7, rendered['defaulted'])
        self.assertEqual('r', rendered['other-name'])
        self.assertEqual([{'name': 'a'}, {}], rendered['inners'])

    def test_unset_attributes_are_left_out_and_none_is_null(self):
        body = Everything(text=None, inner=None, inners=None)
        rendered = self.assertSameJSON(Everything, body)
        self.assertEqual({'text': None, 'inner': None, 'inners': None,
                          'defaulted': 7}, rendered)
        self.assertSameJSON(Everything, Everything())
        self.assertIsNone(wsme_json.tojson(Everything, None))

    def test_a_trusted_body_without_a_holder(self):
        # base.trusted bodies hold their values on a holder made for them;
        # a body never given a value has none.
        self.assertEqual({'defaulted': 7},
                         wsme_json.tojson(Everything,
                                          Everything.__new__(Everything)))

    def test_the_api_bodies(self):
        error = task.TaskError.from_stored(
            {'code': 'bmc_timeout', 'message': 'm', 'step': 's'})
        body = types_base.trusted(
            task.Task, uuid='u', operation='node.set_power_state',
            resource_type='node', resource_uuid='r', state='failed',
            progress=50, step=None, params={'target': 'on'},
            result={'power_state': 'on'}, error=error, request_id=None,
            project_id='p', user_id=None, cancel_requested=False,
            attempt=1, created_at=NOW, updated_at=NOW, started_at=None,
            finished_at=None,
            links=types_base.links([{'href': 'http://h/v1/tasks/u',
                                     'rel': 'self'}]))
        self.assertSameJSON(task.Task, body)
        self.assertSameJSON(task.TaskError, error)
        self.assertSameJSON(types_base.Link, body.links[0])
        tasks = collection.TaskCollection(tasks=[body], next='http://n')
        rendered = self.assertSameJSON(collection.TaskCollection, tasks)
        self.assertEqual('bmc_timeout', rendered['tasks'][0]['error']['code'])
        step = event.Event(event='power-set-state', state='running',
                           time=NOW, host='h', details={'attempt': 1})
        self.assertSameJSON(event.Event, step)
        self.assertSameJSON(collection.EventCollection,
                            collection.EventCollection(events=[step]))
