"""The conductor's TaskFlow engines: TaskFlow's, with cheaper bookkeeping."""

import threading

import fixtures
from taskflow import exceptions as tf_exc
from taskflow.patterns import linear_flow
from taskflow.persistence.backends import impl_memory
from taskflow import states as tf_states
from taskflow import task
from taskflow.utils import persistence_utils

from async_api.conductor import engines
from async_api.tests import base


class Add(task.Task):
    default_provides = 'total'

    def execute(self, x, y):
        return x + y


class TestEngines(base.TestCase):

    def load(self, kind, inputs=None):
        backend = impl_memory.MemoryBackend()
        flow = linear_flow.Flow('f').add(Add('add'))
        detail = persistence_utils.create_flow_detail(flow, backend=backend)
        engine = engines.load(flow, detail, backend, kind, {})
        engine.storage.inject({'x': 1, 'y': 2} if inputs is None else inputs)
        return engine

    def test_inputs_are_checked_once_per_run(self):
        storage_check = engines.action_engine.ActionEngine.validate
        checked = []

        def validate(engine):
            checked.append(engine)
            return storage_check(engine)

        self.useFixture(fixtures.MockPatchObject(
            engines.action_engine.ActionEngine, 'validate', validate))
        for kind in ('serial', 'parallel'):
            del checked[:]
            engine = self.load(kind)
            # What TaskFlow's conductor does before run(), which checks
            # again.
            engine.compile()
            engine.prepare()
            engine.validate()
            engine.run()
            self.assertEqual(1, len(checked), kind)

    def test_missing_inputs_still_refused(self):
        engine = self.load('serial', inputs={'x': 1})
        self.assertRaises(tf_exc.MissingDependencies, engine.run)

    def test_both_kinds_run_with_the_plain_storage_lock(self):
        for kind in ('serial', 'parallel'):
            engine = self.load(kind)
            self.assertIsInstance(engine.storage.lock, engines._StorageLock)
            engine.run()
            self.assertEqual(tf_states.SUCCESS,
                             engine.storage.get_flow_state())
            self.assertEqual(3, engine.storage.fetch('total'))

    def retrying_saves(self):
        """Calls of TaskFlow's retrying saves, recorded, then made."""
        calls = []
        for name in ('_save_flow_detail', '_save_atom_detail'):
            retrying = getattr(engines.tf_storage.Storage, name)

            def record(storage, *args, _retrying=retrying, _name=name):
                calls.append(_name)
                return _retrying(storage, *args)
            self.useFixture(fixtures.MockPatchObject(
                engines.tf_storage.Storage, name, record))
        return calls

    def test_saves_that_work_build_no_retry(self):
        calls = self.retrying_saves()
        for kind in ('serial', 'parallel'):
            engine = self.load(kind)
            engine.run()
            # Saved all the same: the backend has the flow's end.
            stored = engine.storage.backend.get_connection().get_flow_details(
                engine.storage.flow_uuid)
            self.assertEqual(tf_states.SUCCESS, stored.state, kind)
            self.assertEqual(
                tf_states.SUCCESS,
                stored.find(engine.storage.get_atom_uuid('add')).state)
        self.assertEqual([], calls)

    def test_a_failed_save_goes_through_taskflows_retries(self):
        calls = self.retrying_saves()
        update = impl_memory.Connection.update_atom_details
        failures = []

        def flaky(conn, atom_detail):
            if atom_detail.name == 'add' and not failures:
                failures.append(atom_detail.name)
                raise tf_exc.StorageFailure('the backend is away')
            return update(conn, atom_detail)
        self.useFixture(fixtures.MockPatchObject(
            impl_memory.Connection, 'update_atom_details', flaky))
        engine = self.load('serial')
        engine.run()
        self.assertEqual(['add'], failures)
        self.assertEqual(['_save_atom_detail'], calls)
        self.assertEqual(3, engine.storage.fetch('total'))
        self.assertEqual(tf_states.SUCCESS, engine.storage.get_flow_state())

    def test_unknown_kind_is_refused(self):
        self.assertRaises(ValueError, self.load, 'worker-based')

    def test_storage_lock_is_reentrant_and_excludes_other_threads(self):
        lock = self.load('serial').storage.lock
        entered = threading.Event()

        def other():
            with lock.read_lock():
                entered.set()
        with lock.read_lock():
            # A holder may take it again, as TaskFlow's lock allows.
            with lock.write_lock():
                thread = threading.Thread(target=other)
                thread.start()
                self.assertFalse(entered.wait(0.2))
        self.assertTrue(entered.wait(10))
        thread.join(10)
