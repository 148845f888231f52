"""remote joins

Revision ID: a15e7c0d2b41
Revises: be2f26bf5204
Create Date: 2026-12-06 11:05:00

Each registration's own join link (a secret apart from the private page's, since a join link
may be forwarded), and the record of remote participants who joined or were marked present.
Existing registrations get random join secrets before the column becomes required.
"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a15e7c0d2b41'
down_revision = 'be2f26bf5204'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_secret', sa.String(length=64), nullable=True))

    registration = sa.table('registration', sa.column('id', sa.Integer), sa.column('join_secret', sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(registration.c.id).where(registration.c.join_secret.is_(None))).scalars().all()
    for registration_id in ids:
        connection.execute(
            registration.update().where(registration.c.id == registration_id)
            .values(join_secret=secrets.token_urlsafe(24))
        )

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('join_secret', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_registration_join_secret'), ['join_secret'])

    op.create_table('remote_join',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('how', sa.Enum('link', 'marked', name='joinkind', native_enum=False, length=32), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['marked_by_id'], ['user.id'], name=op.f('fk_remote_join_marked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_remote_join_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], name=op.f('fk_remote_join_track_id_track'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['user.id'], name=op.f('fk_remote_join_undone_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remote_join'))
    )
    with op.batch_alter_table('remote_join', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remote_join_registration_id'), ['registration_id'], unique=False)


def downgrade():
    with op.batch_alter_table('remote_join', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remote_join_registration_id'))

    op.drop_table('remote_join')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registration_join_secret'), type_='unique')
        batch_op.drop_column('join_secret')
