"""What a service made while starting is frozen, its garbage collected."""

import gc
import weakref

import testtools

import async_api
from async_api.common import heap


class _Node:
    pass


class TestFreezeHeap(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # The test process's own heap must not stay frozen.
        self.addCleanup(gc.unfreeze)

    def test_live_objects_leave_the_collector_generations(self):
        kept = [[]]
        self.assertTrue(any(found is kept for found in gc.get_objects()))
        frozen = heap.freeze_heap()
        self.assertEqual(gc.get_freeze_count(), frozen)
        self.assertGreater(frozen, 0)
        self.assertFalse(any(found is kept for found in gc.get_objects()))

    def test_garbage_of_the_start_is_collected_not_frozen(self):
        cycle = _Node()
        cycle.self = cycle
        gone = weakref.ref(cycle)
        del cycle
        heap.freeze_heap()
        self.assertIsNone(gone())

    def test_public_name(self):
        self.assertIs(heap.freeze_heap, async_api.freeze_heap)
