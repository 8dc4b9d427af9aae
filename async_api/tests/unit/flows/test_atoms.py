"""Atoms whose argument mapping is worked out once per class."""

import fixtures
from taskflow import task
import testtools

from flows import atoms


class _Plain(task.Task):
    def execute(self, task_uuid, resource_uuid, target=None):
        pass

    def revert(self, task_uuid, *args, **kwargs):
        pass


class _Cached(atoms.Task):
    def execute(self, task_uuid, resource_uuid, target=None):
        pass

    def revert(self, task_uuid, *args, **kwargs):
        pass


def _mapping(atom):
    return (atom.rebind, atom.requires, atom.optional, atom.revert_rebind,
            atom.revert_optional)


class TestCachedArgMapping(testtools.TestCase):

    def test_same_mapping_as_taskflow(self):
        for kwargs in ({}, {'requires': ['target']},
                       {'rebind': {'target': 'wanted'}},
                       {'inject': {'target': 'on'}}):
            self.assertEqual(_mapping(_Plain('p', **kwargs)),
                             _mapping(_Cached('c', **kwargs)), kwargs)

    def test_worked_out_once_per_class(self):
        _Cached('first')
        self.useFixture(fixtures.MockPatch(
            'oslo_utils.reflection.get_callable_args',
            side_effect=AssertionError('signature inspected again')))
        second = _Cached('second')
        self.assertEqual(['resource_uuid', 'task_uuid'],
                         sorted(second.requires))
        # TaskFlow's own atoms inspect every time.
        self.assertRaises(AssertionError, _Plain, 'plain')

    def test_instances_own_their_mapping(self):
        first, second = _Cached('a'), _Cached('b')
        first.rebind['task_uuid'] = 'other'
        self.assertEqual('task_uuid', second.rebind['task_uuid'])
        self.assertIsNot(first.optional, second.optional)

    def test_instance_inputs_are_not_shared(self):
        _Cached('plain')
        rebound = _Cached('rebound', rebind={'target': 'wanted'})
        self.assertIn('wanted', rebound.requires)
        self.assertNotIn('wanted', _Cached('plain-again').requires)

    def test_a_refused_mapping_is_not_kept(self):
        # Without auto_extract, execute's arguments are missing.
        for _ in range(2):
            self.assertRaises(ValueError, _Cached, 'bad',
                              auto_extract=False)
