"""Idempotency keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'idempotency_keys',
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
        sa.UniqueConstraint('project_id', 'key',
                            name='uniq_idempotency_keys0project_id0key'),
    )
    op.create_index('idempotency_keys_expires_at_idx', 'idempotency_keys',
                    ['expires_at'])
