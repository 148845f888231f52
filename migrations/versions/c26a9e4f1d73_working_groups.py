"""working groups

Revision ID: c26a9e4f1d73
Revises: b15f8d1e3c52
Create Date: 2026-12-06 13:30:00

The council's working groups and their standing members; a meeting (an event) names its group.
Each meeting has an agenda with reporters and invited guests, each invited member's answer, and a
protocol: per agenda item who reported and who spoke (registrations of people present) and its
numbered decisions, some of them tasks with an owner, a deadline and when they were done.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c26a9e4f1d73'
down_revision = 'b15f8d1e3c52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('working_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name_lv', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('description_lv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group')),
    sa.UniqueConstraint('slug', name=op.f('uq_working_group_slug'))
    )
    op.create_table('group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('organisation_name', sa.String(length=300), nullable=False),
    sa.Column('sector', sa.Enum('ngo', 'state_administration', 'municipality', 'other', name='sector', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('chair', 'member', 'keeper', name='memberrole', native_enum=False, length=32), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_group_member_group_id_working_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_group_member_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_member')),
    sa.UniqueConstraint('group_id', 'email', name=op.f('uq_group_member_group_id_email')),
    sa.UniqueConstraint('secret', name=op.f('uq_group_member_secret'))
    )
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_member_group_id'), ['group_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_lv', sa.String(length=500), nullable=False),
    sa.Column('title_en', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_agenda_item_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_event_id'), ['event_id'], unique=False)

    op.create_table('protocol',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', name='protocolstatus', native_enum=False, length=32), nullable=False),
    sa.Column('chair_member_id', sa.Integer(), nullable=True),
    sa.Column('keeper_member_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_protocol_approved_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['chair_member_id'], ['group_member.id'], name=op.f('fk_protocol_chair_member_id_group_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_protocol_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['keeper_member_id'], ['group_member.id'], name=op.f('fk_protocol_keeper_member_id_group_member'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protocol')),
    sa.UniqueConstraint('event_id', name=op.f('uq_protocol_event_id'))
    )
    op.create_table('protocol_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('discussion', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_protocol_entry_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['protocol_id'], ['protocol.id'], name=op.f('fk_protocol_entry_protocol_id_protocol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protocol_entry')),
    sa.UniqueConstraint('protocol_id', 'agenda_item_id', name=op.f('uq_protocol_entry_protocol_id_agenda_item_id'))
    )
    with op.batch_alter_table('protocol_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protocol_entry_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_protocol_entry_protocol_id'), ['protocol_id'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('decision', 'task', name='decisionkind', native_enum=False, length=32), nullable=False),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('owner_name', sa.String(length=300), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('linked_event_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_decision_done_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['protocol_entry.id'], name=op.f('fk_decision_entry_id_protocol_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_event_id'], ['event.id'], name=op.f('fk_decision_linked_event_id_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisation.id'], name=op.f('fk_decision_owner_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision'))
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_linked_event_id'), ['linked_event_id'], unique=False)

    op.create_table('agenda_speaker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('reporter', 'guest', name='speakerrole', native_enum=False, length=32), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_name', sa.String(length=300), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_agenda_speaker_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['group_member.id'], name=op.f('fk_agenda_speaker_member_id_group_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_agenda_speaker_registration_id_registration'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_speaker'))
    )
    with op.batch_alter_table('agenda_speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_speaker_item_id'), ['item_id'], unique=False)

    op.create_table('entry_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('reported', 'spoke', name='entryrole', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['protocol_entry.id'], name=op.f('fk_entry_person_entry_id_protocol_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_entry_person_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_person')),
    sa.UniqueConstraint('entry_id', 'registration_id', 'role', name=op.f('uq_entry_person_entry_id_registration_id_role'))
    )
    with op.batch_alter_table('entry_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_person_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_person_registration_id'), ['registration_id'], unique=False)

    op.create_table('meeting_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Enum('in_person', 'remote', 'absent', name='meetinganswerchoice', native_enum=False, length=32), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_meeting_answer_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['group_member.id'], name=op.f('fk_meeting_answer_member_id_group_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_meeting_answer_registration_id_registration'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_answer')),
    sa.UniqueConstraint('event_id', 'member_id', name=op.f('uq_meeting_answer_event_id_member_id'))
    )
    with op.batch_alter_table('meeting_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_answer_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_answer_member_id'), ['member_id'], unique=False)

    # The reference is written with the column: adding a constraint afterwards would make SQLite copy
    # the event table, and dropping the old copy would cascade into every table that refers to it.
    # (SQLite reads no ON DELETE back from a column's own reference, so it has none: a group that has
    # meetings is not deleted.)
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'working_group_id', sa.Integer(),
            sa.ForeignKey('working_group.id', name=op.f('fk_event_working_group_id_working_group')),
            nullable=True,
        ), inline_references=True)
        batch_op.create_index(batch_op.f('ix_event_working_group_id'), ['working_group_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_working_group_id'))
    # Its reference goes with it, on both databases, without copying the event table.
    op.drop_column('event', 'working_group_id')

    with op.batch_alter_table('meeting_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_answer_member_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_answer_event_id'))

    op.drop_table('meeting_answer')
    with op.batch_alter_table('entry_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_person_registration_id'))
        batch_op.drop_index(batch_op.f('ix_entry_person_entry_id'))

    op.drop_table('entry_person')
    with op.batch_alter_table('agenda_speaker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_speaker_item_id'))

    op.drop_table('agenda_speaker')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_linked_event_id'))
        batch_op.drop_index(batch_op.f('ix_decision_entry_id'))

    op.drop_table('decision')
    with op.batch_alter_table('protocol_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protocol_entry_protocol_id'))
        batch_op.drop_index(batch_op.f('ix_protocol_entry_agenda_item_id'))

    op.drop_table('protocol_entry')
    op.drop_table('protocol')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_event_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_member_group_id'))

    op.drop_table('group_member')
    op.drop_table('working_group')
