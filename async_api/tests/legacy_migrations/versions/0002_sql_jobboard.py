"""SQL jobboard: jobs and registered entities.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jobboard_jobs',
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
        sa.UniqueConstraint('uuid', name='uniq_jobboard_jobs0uuid'),
    )
    op.create_index('jobboard_jobs_listing_idx', 'jobboard_jobs',
                    ['board', 'status', 'priority', 'id'])

    op.create_table(
        'jobboard_entities',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('board', sa.String(255), nullable=False),
        sa.Column('kind', sa.String(64), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('details', sa.Text, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('updated_at', sa.DateTime, nullable=True),
        sa.UniqueConstraint('board', 'kind', 'name',
                            name='uniq_jobboard_entities0board0kind0name'),
    )
