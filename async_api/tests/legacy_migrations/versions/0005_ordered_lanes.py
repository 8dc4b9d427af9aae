"""Ordered lanes per resource, and fenced task writes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tasks') as batch:
        batch.add_column(sa.Column('claim_epoch', sa.Integer,
                                   nullable=False, server_default='0'))
        batch.add_column(sa.Column('posted_at', sa.DateTime,
                                   nullable=True))
    # The default was for the rows already there; the model supplies it.
    with op.batch_alter_table('tasks') as batch:
        batch.alter_column('claim_epoch', server_default=None,
                           existing_type=sa.Integer, existing_nullable=False)

    op.create_table(
        'resource_lanes',
        sa.Column('resource_uuid', sa.String(36), primary_key=True),
        sa.Column('accepted', sa.Integer, nullable=False),
        sa.Column('updated_at', sa.DateTime, nullable=True),
    )
    op.create_table(
        'task_lanes',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('task_id', sa.Integer,
                  sa.ForeignKey('tasks.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('resource_uuid', sa.String(36), nullable=False),
        sa.UniqueConstraint('resource_uuid', 'task_id',
                            name='uniq_task_lanes0resource_uuid0task_id'),
    )
    op.create_index('task_lanes_task_id_idx', 'task_lanes', ['task_id'])
