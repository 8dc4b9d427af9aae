"""Node names unique per project, no longer across every project.

``name_scope`` is the project a name is unique in: the node's
``project_id``, or '' for nodes of no project (a unique constraint
treats NULLs as distinct).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # Batch: SQLite rebuilds the table (it cannot change constraints in
    # place); the other databases alter it.
    with op.batch_alter_table('nodes') as batch:
        batch.add_column(sa.Column('name_scope', sa.String(255),
                                   nullable=False, server_default=''))
    nodes = sa.table('nodes', sa.column('project_id', sa.String),
                     sa.column('name_scope', sa.String))
    op.execute(nodes.update().where(nodes.c.project_id.isnot(None)).values(
        name_scope=nodes.c.project_id))
    with op.batch_alter_table('nodes') as batch:
        # The default only filled the rows there were; the service sets it.
        batch.alter_column('name_scope', server_default=None,
                           existing_type=sa.String(255),
                           existing_nullable=False)
        batch.drop_constraint('uniq_nodes0name', type_='unique')
        batch.create_unique_constraint('uniq_nodes0name_scope0name',
                                       ['name_scope', 'name'])
