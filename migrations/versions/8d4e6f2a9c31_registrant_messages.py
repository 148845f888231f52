"""registrant messages

Revision ID: 8d4e6f2a9c31
Revises: 5e7d3c4b2a10
Create Date: 2026-12-06 10:10:00

What organisers write to a filtered set of an event's registrants, kept with its recipients and
the outbox message that carries it to each.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d4e6f2a9c31'
down_revision = '5e7d3c4b2a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registrant_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('subject_lv', sa.String(length=300), nullable=False),
    sa.Column('body_lv', sa.Text(), nullable=False),
    sa.Column('subject_en', sa.String(length=300), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('recipient_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_registrant_message_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_registrant_message_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrant_message')),
    sa.UniqueConstraint('event_id', 'token', name=op.f('uq_registrant_message_event_id_token'))
    )
    with op.batch_alter_table('registrant_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrant_message_event_id'), ['event_id'], unique=False)

    op.create_table('message_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['registrant_message.id'], name=op.f('fk_message_recipient_message_id_registrant_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'], name=op.f('fk_message_recipient_outbox_message_id_outbox_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_message_recipient_registration_id_registration'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_recipient')),
    sa.UniqueConstraint('message_id', 'registration_id', name=op.f('uq_message_recipient_message_id_registration_id'))
    )
    with op.batch_alter_table('message_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_recipient_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_recipient_outbox_message_id'), ['outbox_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_recipient_registration_id'), ['registration_id'], unique=False)


def downgrade():
    with op.batch_alter_table('message_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_recipient_registration_id'))
        batch_op.drop_index(batch_op.f('ix_message_recipient_outbox_message_id'))
        batch_op.drop_index(batch_op.f('ix_message_recipient_message_id'))

    op.drop_table('message_recipient')
    with op.batch_alter_table('registrant_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrant_message_event_id'))

    op.drop_table('registrant_message')
