"""mail jobs

Revision ID: 5e7d3c4b2a10
Revises: 4c2f1b1d1b22
Create Date: 2026-12-07 09:00:00

Mail to everyone about an event change is recorded as one job in the organiser's request and
written out, a message per person, by the sender.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7d3c4b2a10'
down_revision = '4c2f1b1d1b22'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_mail_job_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_job'))
    )
    with op.batch_alter_table('mail_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_job_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_job_event_id'))

    op.drop_table('mail_job')
