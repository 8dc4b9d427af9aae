"""SQLAlchemy models of async_api's own tables.

Every table of the library is named ``async_api_*``, as are its indexes and
constraints: the library's tables share a database with the host service's
own (see ``doc/source/user/library.rst``), and PostgreSQL wants index and
constraint names unique within a schema. The schema is owned by the alembic
migrations in ``migrations/versions``; a test checks that these models and
the migrations agree.
"""

from oslo_db.sqlalchemy import models
from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm


class Base(models.ModelBase, orm.DeclarativeBase):
    """Declarative base of every async_api table."""


def _timestamps():
    return (
        sa.Column('created_at', sa.DateTime, nullable=False,
                  default=timeutils.utcnow),
        sa.Column('updated_at', sa.DateTime, nullable=True,
                  onupdate=timeutils.utcnow),
    )


class Task(Base):
    """One accepted operation on one resource.

    The task table, not the jobboard, is the source of truth for what was
    accepted. ``id`` grows with acceptance, so it orders tasks.
    """

    __tablename__ = 'async_api_tasks'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_async_api_tasks0uuid'),
        sa.Index('async_api_tasks_resource_idx', 'resource_uuid', 'id'),
        sa.Index('async_api_tasks_state_idx', 'state'),
        sa.Index('async_api_tasks_updated_at_idx', 'updated_at'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    operation = sa.Column(sa.String(255), nullable=False)
    resource_type = sa.Column(sa.String(64), nullable=False)
    resource_uuid = sa.Column(sa.String(36), nullable=False)
    state = sa.Column(sa.String(15), nullable=False)
    progress = sa.Column(sa.Integer, nullable=False, default=0)
    step = sa.Column(sa.String(255), nullable=True)
    params = sa.Column(sa.JSON, nullable=False, default=dict)
    result = sa.Column(sa.JSON, nullable=True)
    error = sa.Column(sa.JSON, nullable=True)
    request_id = sa.Column(sa.String(255), nullable=True)
    project_id = sa.Column(sa.String(255), nullable=True)
    user_id = sa.Column(sa.String(255), nullable=True)
    cancel_requested = sa.Column(sa.Boolean, nullable=False, default=False)
    attempt = sa.Column(sa.Integer, nullable=False, default=0)
    # The jobboard job that carries this task: written by whoever posts
    # it and by the conductor that claims it; another job found for the
    # task is a duplicate and is dropped unrun.
    job_uuid = sa.Column(sa.String(36), nullable=True)
    # Fencing token: moved on by each conductor that takes the task up;
    # every state write of that conductor is conditional on it, so an
    # engine whose claim was lost can no longer report.
    claim_epoch = sa.Column(sa.Integer, nullable=False, default=0)
    # When the task was last handed to the board (or promoted for it):
    # the reconciler re-posts only tasks whose job has been missing for a
    # while, and this column is its compare-and-set token.
    posted_at = sa.Column(sa.DateTime, nullable=True)
    created_at, updated_at = _timestamps()
    started_at = sa.Column(sa.DateTime, nullable=True)
    finished_at = sa.Column(sa.DateTime, nullable=True)


class ResourceLane(Base):
    """One row per resource that ever had a task: its lane's lock.

    Whoever adds a task to a lane first updates this row, which holds the
    row lock until commit: tasks of one lane are then committed in the
    order of their ids, whatever the number of API workers.
    """

    __tablename__ = 'async_api_resource_lanes'

    resource_uuid = sa.Column(sa.String(36), primary_key=True)
    # How many tasks were ever accepted on the resource (the write that
    # takes the lock has to change something).
    accepted = sa.Column(sa.Integer, nullable=False, default=0)
    updated_at = sa.Column(sa.DateTime, nullable=True)


class TaskLane(Base):
    """A place in a resource's lane, held by an unfinished task.

    A task has one per resource it works on (its own resource first). A
    task runs only when, in each of its lanes, no task with a smaller id
    is left; the row goes away in the transaction that finishes the task.
    """

    __tablename__ = 'async_api_task_lanes'
    __table_args__ = (
        sa.UniqueConstraint(
            'resource_uuid', 'task_id',
            name='uniq_async_api_task_lanes0resource_uuid0task_id'),
        sa.Index('async_api_task_lanes_task_id_idx', 'task_id'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    task_id = sa.Column(
        sa.Integer, sa.ForeignKey('async_api_tasks.id', ondelete='CASCADE'),
        nullable=False)
    resource_uuid = sa.Column(sa.String(36), nullable=False)


class TaskEvent(Base):
    """One step transition of a task (like Nova's instance-action events)."""

    __tablename__ = 'async_api_task_events'
    __table_args__ = (
        sa.Index('async_api_task_events_task_uuid_idx', 'task_uuid', 'id'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    task_uuid = sa.Column(
        sa.String(36),
        sa.ForeignKey('async_api_tasks.uuid', ondelete='CASCADE'),
        nullable=False)
    event = sa.Column(sa.String(255), nullable=False)
    state = sa.Column(sa.String(15), nullable=False)
    time = sa.Column(sa.DateTime, nullable=False, default=timeutils.utcnow)
    host = sa.Column(sa.String(255), nullable=True)
    details = sa.Column(sa.JSON, nullable=True)
    # Shown to admins only.
    traceback = sa.Column(sa.Text, nullable=True)


class IdempotencyKey(Base):
    """A client's idempotency key and the response it was first given.

    ``reserved_uuid`` is the UUID the first request reserved for what it
    creates (a task or a node) before creating it: if that request dies
    half-way, whoever takes the key over creates the object under the same
    UUID, whose unique constraint makes a second operation impossible.
    """

    __tablename__ = 'async_api_idempotency_keys'
    __table_args__ = (
        sa.UniqueConstraint(
            'project_id', 'key',
            name='uniq_async_api_idempotency_keys0project_id0key'),
        sa.Index('async_api_idempotency_keys_expires_at_idx', 'expires_at'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    # '' rather than NULL when there is no project: NULLs never collide in
    # a unique constraint, and the key must.
    project_id = sa.Column(sa.String(255), nullable=False, default='')
    key = sa.Column(sa.String(255), nullable=False)
    fingerprint = sa.Column(sa.String(64), nullable=False)
    state = sa.Column(sa.String(15), nullable=False)
    owner = sa.Column(sa.String(36), nullable=False)
    locked_at = sa.Column(sa.DateTime, nullable=False)
    reserved_uuid = sa.Column(sa.String(36), nullable=False)
    status = sa.Column(sa.Integer, nullable=True)
    location = sa.Column(sa.Text, nullable=True)
    body = sa.Column(sa.JSON, nullable=True)
    created_at = sa.Column(sa.DateTime, nullable=False,
                           default=timeutils.utcnow)
    expires_at = sa.Column(sa.DateTime, nullable=False)


class Notification(Base):
    """A notification waiting to be sent (the outbox).

    Written in the transaction of the task change it reports, so it exists
    exactly when that change was committed; deleted once the sender has
    handed it to the notification bus (:mod:`async_api.notifications`).
    ``id`` orders a task's notifications: the task row's lock serialises
    the transactions that write them.
    """

    __tablename__ = 'async_api_notifications'

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    task_uuid = sa.Column(sa.String(36), nullable=False)
    event_type = sa.Column(sa.String(255), nullable=False)
    priority = sa.Column(sa.String(15), nullable=False)
    publisher_id = sa.Column(sa.String(255), nullable=False)
    payload = sa.Column(sa.JSON, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False,
                           default=timeutils.utcnow)


class NotificationSender(Base):
    """The one sender allowed to send, and until when (a lease).

    One sender at a time sends every task's notifications in ``id``
    order: that keeps them in order per task across processes.
    """

    __tablename__ = 'async_api_notification_sender'

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    owner = sa.Column(sa.String(255), nullable=True)
    expires_at = sa.Column(sa.DateTime, nullable=True)
