"""Nodes, and conductor heartbeats to divide periodic sweeps.

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
        'conductors',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('hostname', sa.String(255), nullable=False),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('heartbeat_at', sa.DateTime, nullable=False),
        sa.UniqueConstraint('hostname', name='uniq_conductors0hostname'),
    )
