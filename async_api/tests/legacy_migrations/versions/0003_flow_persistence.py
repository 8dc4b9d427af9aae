"""TaskFlow persistence: flow logbooks, flow details and atom details.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'flow_logbooks',
        sa.Column('uuid', sa.String(64), primary_key=True),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('meta', sa.Text, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=True),
        sa.Column('updated_at', sa.DateTime, nullable=True),
    )

    op.create_table(
        'flow_details',
        sa.Column('uuid', sa.String(64), primary_key=True),
        sa.Column('parent_uuid', sa.String(64),
                  sa.ForeignKey('flow_logbooks.uuid', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('state', sa.String(255), nullable=True),
        sa.Column('meta', sa.Text, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=True),
        sa.Column('updated_at', sa.DateTime, nullable=True),
    )
    op.create_index('flow_details_parent_uuid_idx', 'flow_details',
                    ['parent_uuid'])

    op.create_table(
        'flow_atom_details',
        sa.Column('uuid', sa.String(64), primary_key=True),
        sa.Column('parent_uuid', sa.String(64),
                  sa.ForeignKey('flow_details.uuid', ondelete='CASCADE'),
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
    op.create_index('flow_atom_details_parent_uuid_idx', 'flow_atom_details',
                    ['parent_uuid'])
