"""Progress-marker saves are left out; everything else is written."""

import contextlib

from oslo_utils import uuidutils
from taskflow.persistence import models as tf_models
from taskflow import states

from async_api.persistence import backend as p_backend
from async_api.tests import base
from async_api.tests import db_fixtures


class TestProgressMarkers(base.TestCase):

    def setUp(self):
        super().setUp()
        url = self.useFixture(db_fixtures.SQLiteDatabase(migrate=False)).url
        self.backend = p_backend.SQLBackend({'connection': url})
        self.addCleanup(self.backend.close)
        with contextlib.closing(self.backend.get_connection()) as conn:
            conn.upgrade()
            book = tf_models.LogBook('b', uuid=uuidutils.generate_uuid())
            self.flow = tf_models.FlowDetail('f', uuidutils.generate_uuid())
            self.atom = tf_models.TaskDetail('t', uuidutils.generate_uuid())
            self.flow.add(self.atom)
            book.add(self.flow)
            conn.save_logbook(book)

    def save(self, **changes):
        for key, value in changes.items():
            if key == 'progress':
                self.atom.meta['progress'] = value
            else:
                setattr(self.atom, key, value)
        with contextlib.closing(self.backend.get_connection()) as conn:
            conn.update_atom_details(self.atom)

    def stored(self):
        with contextlib.closing(self.backend.get_connection()) as conn:
            return conn.get_atom_details(self.atom.uuid)

    def test_markers_skipped_states_written(self):
        self.save(state=states.RUNNING)
        self.save(progress=0.0)
        self.assertEqual(states.RUNNING, self.stored().state)
        self.assertNotIn('progress', self.stored().meta)
        self.save(state=states.SUCCESS)
        self.save(progress=1.0)
        # The state (what resumption needs) is stored, with the marker
        # the atom had when it was written.
        self.assertEqual(states.SUCCESS, self.stored().state)
        self.assertEqual(0.0, self.stored().meta['progress'])

    def test_reported_progress_written(self):
        self.save(state=states.RUNNING)
        self.save(progress=0.5)
        self.assertEqual(0.5, self.stored().meta['progress'])

    def test_other_meta_written(self):
        self.save(state=states.RUNNING)
        self.atom.meta['other'] = 1
        self.save(progress=0.0)
        self.assertEqual({'other': 1, 'progress': 0.0}, self.stored().meta)

    def test_unchanged_atoms_not_rewritten_by_flow_saves(self):
        self.save(state=states.RUNNING)
        # Someone else (a newer owner) moves the atom on.
        other = p_backend.SQLBackend({}, engine=self.backend.engine)
        changed = self.atom.copy()
        changed.state = states.SUCCESS
        with contextlib.closing(other.get_connection()) as conn:
            conn.update_atom_details(changed)
        self.flow.state = states.RUNNING
        with contextlib.closing(self.backend.get_connection()) as conn:
            conn.update_flow_details(self.flow)
        self.assertEqual(states.SUCCESS, self.stored().state)
