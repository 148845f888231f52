"""summary documents

Revision ID: 4c2f1b1d1b22
Revises: 3b1e0a0c0a11
Create Date: 2026-12-06 07:30:00

A summary's files become documents with versions, and a version can be withdrawn. Until now
the versions of a file were the uploads under one title of a summary: each such group
becomes one document, its versions kept as they were.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c2f1b1d1b22'
down_revision = '3b1e0a0c0a11'
branch_labels = None
depends_on = None

summary_document = sa.table(
    'summary_document', sa.column('id', sa.Integer), sa.column('summary_id', sa.Integer),
    sa.column('created_at', sa.DateTime(timezone=True)),
)
summary_file = sa.table(
    'summary_file', sa.column('id', sa.Integer), sa.column('summary_id', sa.Integer), sa.column('title', sa.String),
    sa.column('version', sa.Integer), sa.column('document_id', sa.Integer), sa.column('uploaded_at', sa.DateTime),
    sa.column('withdrawn_at', sa.DateTime),
)


def upgrade():
    op.create_table('summary_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['summary_id'], ['summary.id'], name=op.f('fk_summary_document_summary_id_summary'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_document'))
    )
    with op.batch_alter_table('summary_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_document_summary_id'), ['summary_id'], unique=False)

    with op.batch_alter_table('summary_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))

    connection = op.get_bind()
    groups = connection.execute(
        sa.select(summary_file.c.summary_id, summary_file.c.title, sa.func.min(summary_file.c.uploaded_at))
        .group_by(summary_file.c.summary_id, summary_file.c.title)
        .order_by(sa.func.min(summary_file.c.id))
    ).all()
    for summary_id, title, first_upload in groups:
        document_id = connection.execute(
            summary_document.insert().values(summary_id=summary_id, created_at=first_upload)
            .returning(summary_document.c.id)
        ).scalar_one()
        connection.execute(
            summary_file.update()
            .where(summary_file.c.summary_id == summary_id, summary_file.c.title == title)
            .values(document_id=document_id)
        )

    with op.batch_alter_table('summary_file', schema=None) as batch_op:
        batch_op.alter_column('document_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_summary_file_summary_id_title_version', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_summary_file_document_id_version'), ['document_id', 'version'])
        batch_op.create_index(batch_op.f('ix_summary_file_document_id'), ['document_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_summary_file_document_id_summary_document'), 'summary_document',
                                    ['document_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_summary_file_withdrawn_by_id_user'), 'user',
                                    ['withdrawn_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    """Back to versions by title: withdrawn versions are deleted (they must not become public
    again), and the versions under one title of a summary are numbered again by upload."""
    connection = op.get_bind()
    connection.execute(summary_file.delete().where(summary_file.c.withdrawn_at.is_not(None)))
    with op.batch_alter_table('summary_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_summary_file_withdrawn_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_summary_file_document_id_summary_document'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_summary_file_document_id'))
        batch_op.drop_constraint(batch_op.f('uq_summary_file_document_id_version'), type_='unique')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('document_id')

    rows = connection.execute(
        sa.select(summary_file.c.id, summary_file.c.summary_id, summary_file.c.title)
        .order_by(summary_file.c.summary_id, summary_file.c.title, summary_file.c.uploaded_at, summary_file.c.id)
    ).all()
    numbers: dict[tuple[int, str], int] = {}
    for file_id, summary_id, title in rows:
        numbers[summary_id, title] = numbers.get((summary_id, title), 0) + 1
        connection.execute(summary_file.update().where(summary_file.c.id == file_id)
                           .values(version=numbers[summary_id, title]))

    with op.batch_alter_table('summary_file', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_summary_file_summary_id_title_version', ['summary_id', 'title', 'version'])

    with op.batch_alter_table('summary_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summary_document_summary_id'))

    op.drop_table('summary_document')
