"""The library's tables: tasks, lanes, idempotency keys, jobboard, flows.

Every table, index and constraint is named ``async_api_*`` so that the
library can share a database with its host service. A database built by
the history before this one (plain table names, ``alembic_version``) is
brought here by :mod:`async_api.db.legacy`, not by this script.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def _tasks():
    op.create_table(
        'async_api_tasks',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('operation', sa.String(255), nullable=False),
        sa.Column('resource_type', sa.String(64), nullable=False),
        sa.Column('resource_uuid', sa.String(36), nullable=False),
        sa.Column('state', sa.String(15), nullable=False),
        sa.Column('progress', sa.Integer, nullable=False),
        sa.Column('step', sa.String(255), nullable=True),
        sa.Column('params', sa.JSON, nullable=False),
        sa.Column('result', sa.JSON, nullable=True),
        sa.Column('error', sa.JSON, nullable=True),
        sa.Column('request_id', sa.String(255), nullable=True),
        sa.Column('project_id', sa.String(255), nullable=True),
        sa.Column('user_id', sa.String(255), nullable=True),
        sa.Column('cancel_requested', sa.Boolean, nullable=False),
        sa.Column('attempt', sa.Integer, nullable=False),
        sa.Column('job_uuid', sa.String(36), nullable=True),
        sa.Column('claim_epoch', sa.Integer, nullable=False),
        sa.Column('posted_at', sa.DateTime, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('updated_at', sa.DateTime, nullable=True),
        sa.Column('started_at', sa.DateTime, nullable=True),
        sa.Column('finished_at', sa.DateTime, nullable=True),
        sa.UniqueConstraint('uuid', name='uniq_async_api_tasks0uuid'),
    )
    op.create_index('async_api_tasks_resource_idx', 'async_api_tasks',
                    ['resource_uuid', 'id'])
    op.create_index('async_api_tasks_state_idx', 'async_api_tasks',
                    ['state'])
    op.create_index('async_api_tasks_updated_at_idx', 'async_api_tasks',
                    ['updated_at'])

    op.create_table(
        'async_api_task_events',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('task_uuid', sa.String(36),
                  sa.ForeignKey('async_api_tasks.uuid', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('event', sa.String(255), nullable=False),
        sa.Column('state', sa.String(15), nullable=False),
        sa.Column('time', sa.DateTime, nullable=False),
        sa.Column('host', sa.String(255), nullable=True),
        sa.Column('details', sa.JSON, nullable=True),
        sa.Column('traceback', sa.Text, nullable=True),
    )
    op.create_index('async_api_task_events_task_uuid_idx',
                    'async_api_task_events', ['task_uuid', 'id'])


def _lanes():
    op.create_table(
        'async_api_resource_lanes',
        sa.Column('resource_uuid', sa.String(36), primary_key=True),
        sa.Column('accepted', sa.Integer, nullable=False),
        sa.Column('updated_at', sa.DateTime, nullable=True),
    )
    op.create_table(
        'async_api_task_lanes',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('task_id', sa.Integer,
                  sa.ForeignKey('async_api_tasks.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('resource_uuid', sa.String(36), nullable=False),
        sa.UniqueConstraint(
            'resource_uuid', 'task_id',
            name='uniq_async_api_task_lanes0resource_uuid0task_id'),
    )
    op.create_index('async_api_task_lanes_task_id_idx',
                    'async_api_task_lanes', ['task_id'])


def _idempotency_keys():
    op.create_table(
        'async_api_idempotency_keys',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('fingerprint', sa.String(64), nullable=False),
        sa.Column('state', sa.String(15), nullable=False),
        sa.Column('owner', sa.String(36), nullable=False),
        sa.Column('locked_at', sa.DateTime, nullable=False),
        sa.Column('reserved_uuid', sa.String(36), nullable=False),
        sa.Column('status', sa.Integer, nullable=True),
        sa.Column('location', sa.Text, nullable=True),
        sa.Column('body', sa.JSON, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('expires_at', sa.DateTime, nullable=False),
        sa.UniqueConstraint(
            'project_id', 'key',
            name='uniq_async_api_idempotency_keys0project_id0key'),
    )
    op.create_index('async_api_idempotency_keys_expires_at_idx',
                    'async_api_idempotency_keys', ['expires_at'])


def _jobboard():
    op.create_table(
        'async_api_jobboard_jobs',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('board', sa.String(255), nullable=False),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('priority', sa.Integer, nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('details', sa.Text, nullable=True),
        sa.Column('book_uuid', sa.String(36), nullable=True),
        sa.Column('book_name', sa.String(255), nullable=True),
        sa.Column('owner', sa.String(255), nullable=True),
        sa.Column('epoch', sa.Integer, nullable=False),
        sa.Column('claim_expires_at', sa.Double, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('updated_at', sa.DateTime, nullable=True),
        sa.UniqueConstraint('uuid', name='uniq_async_api_jobboard_jobs0uuid'),
    )
    op.create_index('async_api_jobboard_jobs_listing_idx',
                    'async_api_jobboard_jobs',
                    ['board', 'status', 'priority', 'id'])

    op.create_table(
        'async_api_jobboard_entities',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('board', sa.String(255), nullable=False),
        sa.Column('kind', sa.String(64), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('details', sa.Text, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('updated_at', sa.DateTime, nullable=True),
        sa.UniqueConstraint(
            'board', 'kind', 'name',
            name='uniq_async_api_jobboard_entities0board0kind0name'),
    )


def _flow_persistence():
    op.create_table(
        'async_api_flow_logbooks',
        sa.Column('uuid', sa.String(64), primary_key=True),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('meta', sa.Text, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=True),
        sa.Column('updated_at', sa.DateTime, nullable=True),
    )

    op.create_table(
        'async_api_flow_details',
        sa.Column('uuid', sa.String(64), primary_key=True),
        sa.Column('parent_uuid', sa.String(64),
                  sa.ForeignKey('async_api_flow_logbooks.uuid',
                                ondelete='CASCADE'),
                  nullable=False),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('state', sa.String(255), nullable=True),
        sa.Column('meta', sa.Text, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=True),
        sa.Column('updated_at', sa.DateTime, nullable=True),
    )
    op.create_index('async_api_flow_details_parent_uuid_idx',
                    'async_api_flow_details', ['parent_uuid'])

    op.create_table(
        'async_api_flow_atom_details',
        sa.Column('uuid', sa.String(64), primary_key=True),
        sa.Column('parent_uuid', sa.String(64),
                  sa.ForeignKey('async_api_flow_details.uuid',
                                ondelete='CASCADE'),
                  nullable=False),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('atom_type', sa.String(32), nullable=False),
        sa.Column('version', sa.String(64), nullable=True),
        sa.Column('state', sa.String(255), nullable=True),
        sa.Column('intention', sa.String(255), nullable=True),
        sa.Column('meta', sa.Text, nullable=True),
        sa.Column('results', sa.Text, nullable=True),
        sa.Column('failure', sa.Text, nullable=True),
        sa.Column('revert_results', sa.Text, nullable=True),
        sa.Column('revert_failure', sa.Text, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=True),
        sa.Column('updated_at', sa.DateTime, nullable=True),
    )
    op.create_index('async_api_flow_atom_details_parent_uuid_idx',
                    'async_api_flow_atom_details', ['parent_uuid'])


def upgrade():
    _tasks()
    _lanes()
    _idempotency_keys()
    _jobboard()
    _flow_persistence()
