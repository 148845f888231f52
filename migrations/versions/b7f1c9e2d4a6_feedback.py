"""feedback after an event

Revision ID: b7f1c9e2d4a6
Revises: 8d4e6f2a9c31
Create Date: 2026-12-06 10:20:00

The survey sent the day after an event to those who attended: an invitation per registration,
and anonymous responses with a row per track, which keep no link to the invitation.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7f1c9e2d4a6'
down_revision = '8d4e6f2a9c31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_feedback_invitation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_feedback_invitation_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_invitation')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_feedback_invitation_registration_id')),
    sa.UniqueConstraint('token', name=op.f('uq_feedback_invitation_token'))
    )
    with op.batch_alter_table('feedback_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_invitation_event_id'), ['event_id'], unique=False)

    op.create_table('feedback_response',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('what_to_change', sa.Text(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_feedback_response_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_response'))
    )
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_response_event_id'), ['event_id'], unique=False)

    op.create_table('feedback_track_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('state_admin_present', sa.Enum('yes', 'no', 'dont_know', name='stateadminpresence', native_enum=False, length=32), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_feedback_track_answer_rating_1_to_5')),
    sa.ForeignKeyConstraint(['response_id'], ['feedback_response.id'], name=op.f('fk_feedback_track_answer_response_id_feedback_response'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], name=op.f('fk_feedback_track_answer_track_id_track'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_track_answer')),
    sa.UniqueConstraint('response_id', 'track_id', name=op.f('uq_feedback_track_answer_response_id_track_id'))
    )
    with op.batch_alter_table('feedback_track_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_track_answer_track_id'), ['track_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback_track_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_track_answer_track_id'))

    op.drop_table('feedback_track_answer')
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_response_event_id'))

    op.drop_table('feedback_response')
    with op.batch_alter_table('feedback_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_invitation_event_id'))

    op.drop_table('feedback_invitation')
