"""Sphinx configuration of the async_api release notes."""

from dulwich import diff_tree
from reno import scanner

project = 'async_api Release Notes'
copyright = '2026, async_api developers'
extensions = ['reno.sphinxext']
master_doc = 'index'
html_theme = 'alabaster'


# reno 4.1 stops with "Unrecognized changes" on a merge commit in which a
# note is new against one parent and changed against the other: the merge
# of the deadlines branch (d40c679) edited its note while resolving a
# conflict. Seen from the main line, the merge adds the note, which is
# how it is read here; every other change goes to reno untouched.
_aggregate_changes = scanner._ChangeAggregator.aggregate_changes


def _merge_adds(self, walk_entry, changes):
    read = []
    for change in changes:
        if isinstance(change, list):
            added = [c for c in change if c.type == diff_tree.CHANGE_ADD]
            if added and len(added) < len(change):
                change = added[:1]
        read.append(change)
    return _aggregate_changes(self, walk_entry, read)


scanner._ChangeAggregator.aggregate_changes = _merge_adds
