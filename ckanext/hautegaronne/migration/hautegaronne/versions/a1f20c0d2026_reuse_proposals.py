"""Reuse proposals, waiting for moderation (proposers' e-mails stay here).

Revision ID: a1f20c0d2026
Revises:
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "a1f20c0d2026"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hautegaronne_reuse_proposal",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("url", sa.UnicodeText, nullable=False),
        sa.Column("reuse_type", sa.UnicodeText, nullable=False),
        sa.Column("image_url", sa.UnicodeText),
        sa.Column("author", sa.UnicodeText, nullable=False),
        sa.Column("datasets", JSONB, nullable=False),
        sa.Column("proposer_email", sa.UnicodeText, nullable=False),
        sa.Column("reviewed_by", sa.UnicodeText),
        sa.Column("reviewed_at", sa.DateTime),
        sa.Column("decline_reason", sa.UnicodeText),
        sa.Column("reuse_id", sa.UnicodeText),
    )
    op.create_index("hautegaronne_reuse_proposal_state_idx", "hautegaronne_reuse_proposal",
                    ["state"])


def downgrade():
    op.drop_table("hautegaronne_reuse_proposal")
