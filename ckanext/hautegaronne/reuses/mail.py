"""Messages sent through the portal, by CKAN's mailer (smtp.* settings): the
contact forms and the answers to reuse proposals. Recipients' addresses are
read here, server side, and never written into a page."""
from __future__ import annotations

import logging

from ckan.lib.mailer import MailerException as MailError  # noqa: F401 - re-exported

import ckan.plugins.toolkit as tk
from ckan import model

__all__ = ["MailError", "send", "team_address", "publisher_addresses"]

log = logging.getLogger(__name__)


def send(address: str, subject: str, body: str, reply_to: str | None = None) -> None:
    """Send one message, or raise MailError whatever went wrong: CKAN's mailer raises
    other errors too (AttributeError without smtp.mail_from, a None recipient...)."""
    if not address:
        raise MailError("no recipient address")
    if not tk.config.get("smtp.mail_from"):
        raise MailError("smtp.mail_from is not set: no sender address")
    headers = {"Reply-To": reply_to} if reply_to else None
    try:
        tk.mail_recipient(address, address, subject, body, headers=headers)
    except MailError:
        raise
    except Exception as error:  # noqa: BLE001 - every failure is the caller's 503
        log.exception("Could not send a message to %s", address)
        raise MailError(repr(error)) from error


def team_address() -> str:
    return tk.config.get("ckanext.hautegaronne.contact_email")


def publisher_addresses(org: model.Group) -> list[str]:
    """The publisher's open-data contact if it gave one, else its admins' addresses."""
    contact = (org.extras or {}).get("contact_email")
    if contact:
        return [contact]
    admins = (model.Session.query(model.User.email)
              .join(model.Member, model.Member.table_id == model.User.id)
              .filter(model.Member.group_id == org.id, model.Member.table_name == "user",
                      model.Member.state == "active", model.Member.capacity == "admin",
                      model.User.state == "active", model.User.email.isnot(None)))
    return sorted({email for (email,) in admins if email})
