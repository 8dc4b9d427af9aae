"""Atoms whose argument mapping is worked out once per class.

Every flow here is built afresh for each run of a task (see
:mod:`flows.common`), and TaskFlow's ``Atom.__init__`` inspects the
signatures of ``execute`` and ``revert`` each time (``inspect.signature``,
twice per method): building the power flow took 0.90 ms, 0.37 ms with
the mapping kept. The mapping depends only on the methods and on the
constructor's ``requires``, ``rebind``, ``inject`` and ``ignore_list``; for
an atom built without the first three (every atom of these flows) it is
the same for every instance of a class, so it is kept per class and
method and copied for each instance.
"""

import collections

from taskflow import retry
from taskflow import task
from taskflow.types import sets

# (class, function, auto_extract, ignore_list) -> TaskFlow's mapping. Two
# threads building the same class at once both work it out: the same
# value, stored twice, so no lock.
_MAPPINGS = {}


class CachedArgMapping:
    """Mixin for a TaskFlow atom: its argument mapping, once per class."""

    def _build_arg_mapping(self, executor, requires=None, rebind=None,
                           auto_extract=True, ignore_list=None):
        build = super()._build_arg_mapping
        function = getattr(executor, '__func__', None)
        if (function is None or requires is not None or rebind is not None
                or self.inject):
            # Per-instance inputs: what TaskFlow works out is this
            # instance's own.
            return build(executor, requires=requires, rebind=rebind,
                         auto_extract=auto_extract, ignore_list=ignore_list)
        key = (type(self), function, auto_extract, tuple(ignore_list or ()))
        found = _MAPPINGS.get(key)
        if found is None:
            # A mapping TaskFlow refuses raises here and is not kept.
            found = _MAPPINGS[key] = build(executor,
                                           auto_extract=auto_extract,
                                           ignore_list=ignore_list)
        mapping, required, optional = found
        # Copies: an atom owns its mapping.
        return (collections.OrderedDict(mapping), sets.OrderedSet(required),
                sets.OrderedSet(optional))


class Task(CachedArgMapping, task.Task):
    """A TaskFlow task whose argument mapping is worked out once."""


class Retry(CachedArgMapping, retry.Retry):
    """A TaskFlow retry controller whose argument mapping is worked out
    once."""
