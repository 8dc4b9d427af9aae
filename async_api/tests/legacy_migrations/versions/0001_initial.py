"""Nodes, tasks and task events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'nodes',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('project_id', sa.String(255), nullable=True),
        sa.Column('driver', sa.String(64), nullable=False),
        sa.Column('driver_info', sa.JSON, nullable=False),
        sa.Column('extra', sa.JSON, nullable=False),
        sa.Column('power_state', sa.String(15), nullable=True),
        sa.Column('target_power_state', sa.String(15), nullable=True),
        sa.Column('provision_state', sa.String(15), nullable=False),
        sa.Column('sync_state', sa.String(15), nullable=False),
        sa.Column('last_error', sa.Text, nullable=True),
        sa.Column('last_task_uuid', sa.String(36), nullable=True),
        sa.Column('validation', sa.JSON, nullable=True),
        sa.Column('validated_at', sa.DateTime, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('updated_at', sa.DateTime, nullable=True),
        sa.UniqueConstraint('uuid', name='uniq_nodes0uuid'),
        sa.UniqueConstraint('name', name='uniq_nodes0name'),
    )
    op.create_index('nodes_project_id_idx', 'nodes', ['project_id'])

    op.create_table(
        'tasks',
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
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('updated_at', sa.DateTime, nullable=True),
        sa.Column('started_at', sa.DateTime, nullable=True),
        sa.Column('finished_at', sa.DateTime, nullable=True),
        sa.UniqueConstraint('uuid', name='uniq_tasks0uuid'),
    )
    op.create_index('tasks_resource_idx', 'tasks', ['resource_uuid', 'id'])
    op.create_index('tasks_state_idx', 'tasks', ['state'])
    op.create_index('tasks_updated_at_idx', 'tasks', ['updated_at'])

    op.create_table(
        'task_events',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('task_uuid', sa.String(36),
                  sa.ForeignKey('tasks.uuid', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('event', sa.String(255), nullable=False),
        sa.Column('state', sa.String(15), nullable=False),
        sa.Column('time', sa.DateTime, nullable=False),
        sa.Column('host', sa.String(255), nullable=True),
        sa.Column('details', sa.JSON, nullable=True),
        sa.Column('traceback', sa.Text, nullable=True),
    )
    op.create_index('task_events_task_uuid_idx', 'task_events',
                    ['task_uuid', 'id'])
