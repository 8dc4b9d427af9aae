"""Conductor heartbeats, to divide periodic sweeps among live conductors.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'conductors',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('hostname', sa.String(255), nullable=False),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('heartbeat_at', sa.DateTime, nullable=False),
        sa.UniqueConstraint('hostname', name='uniq_conductors0hostname'),
    )
