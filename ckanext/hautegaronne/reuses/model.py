"""Proposals of reuses, kept apart from the published reuses (groups) so that
nothing of a pending proposal, nor any proposer's e-mail, can reach a public
page or the API."""
from __future__ import annotations

import datetime
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

import ckan.plugins.toolkit as tk
from ckan import model

PENDING, PUBLISHED, DECLINED = "pending", "published", "declined"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class ReuseProposal(tk.BaseModel):
    __tablename__ = "hautegaronne_reuse_proposal"

    id = sa.Column(sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    created = sa.Column(sa.DateTime, nullable=False, default=_now)
    state = sa.Column(sa.UnicodeText, nullable=False, default=PENDING)
    title = sa.Column(sa.UnicodeText, nullable=False)
    description = sa.Column(sa.UnicodeText, nullable=False)
    url = sa.Column(sa.UnicodeText, nullable=False)
    reuse_type = sa.Column(sa.UnicodeText, nullable=False)
    image_url = sa.Column(sa.UnicodeText)
    author = sa.Column(sa.UnicodeText, nullable=False)
    datasets = sa.Column(JSONB, nullable=False, default=list)
    proposer_email = sa.Column(sa.UnicodeText, nullable=False)
    reviewed_by = sa.Column(sa.UnicodeText)
    reviewed_at = sa.Column(sa.DateTime)
    decline_reason = sa.Column(sa.UnicodeText)
    reuse_id = sa.Column(sa.UnicodeText)

    @classmethod
    def get(cls, proposal_id: str) -> "ReuseProposal | None":
        return model.Session.get(cls, proposal_id)

    @classmethod
    def pending(cls) -> list["ReuseProposal"]:
        return (model.Session.query(cls).filter(cls.state == PENDING)
                .order_by(cls.created).all())

    def as_dict(self, with_email: bool = False) -> dict:
        data = {
            "id": self.id, "created": self.created.isoformat(), "state": self.state,
            "title": self.title, "description": self.description, "url": self.url,
            "reuse_type": self.reuse_type, "image_url": self.image_url or "",
            "author": self.author, "datasets": list(self.datasets or []),
            "decline_reason": self.decline_reason or "", "reuse_id": self.reuse_id or "",
        }
        if with_email:
            data["proposer_email"] = self.proposer_email
        return data
