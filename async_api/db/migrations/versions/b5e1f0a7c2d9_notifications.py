"""The notification outbox and its sender lease.

Revision ID: b5e1f0a7c2d9
Revises: 0001
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

revision = 'b5e1f0a7c2d9'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'async_api_notifications',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('task_uuid', sa.String(36), nullable=False),
        sa.Column('event_type', sa.String(255), nullable=False),
        sa.Column('priority', sa.String(15), nullable=False),
        sa.Column('publisher_id', sa.String(255), nullable=False),
        sa.Column('payload', sa.JSON, nullable=False),
        sa.Column('created_at', sa.DateTime, nullable=False),
    )
    sender = op.create_table(
        'async_api_notification_sender',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=False),
        sa.Column('owner', sa.String(255), nullable=True),
        sa.Column('expires_at', sa.DateTime, nullable=True),
    )
    # The lease's one row: senders only ever UPDATE it.
    op.bulk_insert(sender, [{'id': 1, 'owner': None, 'expires_at': None}])
