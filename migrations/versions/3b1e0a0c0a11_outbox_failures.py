"""outbox failures

Revision ID: 3b1e0a0c0a11
Revises: 10ba23b3838c
Create Date: 2026-12-06 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b1e0a0c0a11'
down_revision = '10ba23b3838c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_message_event_id_event'), 'event', ['event_id'], ['id'], ondelete='SET NULL'
        )
    # Messages already queued about a registration belong to its event.
    op.execute(
        "UPDATE outbox_message SET event_id = "
        "(SELECT registration.event_id FROM registration WHERE registration.id = outbox_message.registration_id) "
        "WHERE registration_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_event_id_event'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_event_id'))
        batch_op.drop_column('failed_at')
        batch_op.drop_column('event_id')
