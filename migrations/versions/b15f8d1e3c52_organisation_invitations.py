"""organisation invitations

Revision ID: b15f8d1e3c52
Revises: a15e7c0d2b41
Create Date: 2026-12-06 11:10:00

The directory keeps a contact address and a region per organisation, and when it asked not to
be invited again; each invitation of an organisation to an event is recorded, once per event;
an outbox message may carry an unsubscribe address (List-Unsubscribe).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b15f8d1e3c52'
down_revision = 'a15e7c0d2b41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_unsubscribe', sa.String(length=500), nullable=True))

    op.create_table('organisation_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('unsubscribe_token', sa.String(length=64), nullable=False),
    sa.Column('batch_token', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_organisation_invitation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_invitation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_organisation_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'], name=op.f('fk_organisation_invitation_outbox_message_id_outbox_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_organisation_invitation_registration_id_registration'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_invitation')),
    sa.UniqueConstraint('event_id', 'organisation_id', name=op.f('uq_organisation_invitation_event_id_organisation_id')),
    sa.UniqueConstraint('token', name=op.f('uq_organisation_invitation_token')),
    sa.UniqueConstraint('unsubscribe_token', name=op.f('uq_organisation_invitation_unsubscribe_token'))
    )
    with op.batch_alter_table('organisation_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_invitation_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_invitation_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_invitation_batch_token'), ['batch_token'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_invitation_outbox_message_id'), ['outbox_message_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_invitation_outbox_message_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_invitation_batch_token'))
        batch_op.drop_index(batch_op.f('ix_organisation_invitation_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_invitation_event_id'))
    op.drop_table('organisation_invitation')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('list_unsubscribe')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('unsubscribed_at')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('region')
