"""custom questions

Revision ID: be2f26bf5204
Revises: b7f1c9e2d4a6
Create Date: 2026-12-06 10:30:00

An event's own questions on its registration form, their options (rows, so that renaming one
keeps the answers that chose it), and each registration's answers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'be2f26bf5204'
down_revision = 'b7f1c9e2d4a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('short_text', 'long_text', 'one_choice', 'many_choices', 'yes_no', name='questionkind', native_enum=False, length=32), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('text_lv', sa.String(length=500), nullable=False),
    sa.Column('text_en', sa.String(length=500), nullable=False),
    sa.Column('help_lv', sa.Text(), nullable=False),
    sa.Column('help_en', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_question_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_event_id'), ['event_id'], unique=False)

    op.create_table('question_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_lv', sa.String(length=300), nullable=False),
    sa.Column('text_en', sa.String(length=300), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_option_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_option'))
    )
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_option_question_id'), ['question_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('yes_no', sa.Boolean(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_answer_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_answer_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('registration_id', 'question_id', name=op.f('uq_answer_registration_id_question_id'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_question_id'), ['question_id'], unique=False)

    op.create_table('answer_option',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_answer_option_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['question_option.id'], name=op.f('fk_answer_option_option_id_question_option'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', 'option_id', name=op.f('pk_answer_option'))
    )
    with op.batch_alter_table('answer_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_option_option_id'), ['option_id'], unique=False)



def downgrade():
    with op.batch_alter_table('answer_option', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_option_option_id'))

    op.drop_table('answer_option')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_question_id'))

    op.drop_table('answer')
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_option_question_id'))

    op.drop_table('question_option')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_event_id'))

    op.drop_table('question')
