"""Conversions between TaskFlow's persistence models and table rows.

The dicts are exactly what the models' own ``to_dict``/``from_dict``
produce and accept, so what is stored is what TaskFlow's own backend
stores.
"""

from taskflow import exceptions as exc
from taskflow.persistence import models as tf_models

# What AtomDetail.merge() takes from the incoming detail: every field but
# the identity (uuid, name) and the type, which merge() insists match.
ATOM_CHANGES = ('state', 'intention', 'meta', 'results', 'failure',
                'revert_results', 'revert_failure', 'version')


def book_changes(book):
    """What LogBook.merge() takes from ``book``: all but name and uuid."""
    return {'meta': book.meta, 'created_at': book.created_at,
            'updated_at': book.updated_at}


def book_values(book):
    """The row of a new logbook."""
    return book.to_dict()


def flow_changes(flow_detail):
    """What FlowDetail.merge() takes from ``flow_detail``."""
    return {'meta': flow_detail.meta, 'state': flow_detail.state}


def flow_values(flow_detail, book_uuid):
    """The row of a new flow detail in logbook ``book_uuid``."""
    values = flow_detail.to_dict()
    values['parent_uuid'] = book_uuid
    return values


def atom_changes(atom_detail):
    """The fields an update of ``atom_detail`` writes (see merge())."""
    values = atom_detail.to_dict()
    return {key: values[key] for key in ATOM_CHANGES}


def atom_values(atom_detail, flow_uuid):
    """The row of a new atom detail in flow detail ``flow_uuid``."""
    values = atom_detail.to_dict()
    values['parent_uuid'] = flow_uuid
    values['atom_type'] = tf_models.atom_detail_type(atom_detail)
    return values


def to_book(row):
    """A LogBook (no flow details) from an ``async_api_flow_logbooks`` row."""
    return tf_models.LogBook.from_dict(row._asdict())


def to_flow(row):
    """A FlowDetail (without atoms) from an ``async_api_flow_details`` row."""
    return tf_models.FlowDetail.from_dict(row._asdict())


def to_atom(row):
    """A Task/RetryDetail from an ``async_api_flow_atom_details`` row."""
    data = row._asdict()
    return tf_models.atom_detail_class(data['atom_type']).from_dict(data)


def type_mismatch(atom_detail, stored_type):
    """The error AtomDetail.merge() raises for a detail of another type."""
    return exc.NotImplementedError(
        "Atom detail '%s' is stored as %s, not %s"
        % (atom_detail.uuid, stored_type,
           tf_models.atom_detail_type(atom_detail)))
