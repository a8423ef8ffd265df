"""Writing notices: import a parsed notice into a draft, correct it, start a child campaign."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.calendar import day_in_year, edition_in_year
from zhucan.campaigns.docnumber import parse_doc_number
from zhucan.campaigns.models import (
    Campaign,
    Contact,
    Deadline,
    Duty,
    Notice,
    Receipt,
    Slogan,
)
from zhucan.campaigns.notice_types import ParsedNotice
from zhucan.campaigns.services.common import DEADLINE_KINDS, kind_for, lock_draft, require
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability


def _fill_children(campaign: Campaign, parsed: ParsedNotice) -> None:
    Slogan.objects.bulk_create(
        Slogan(campaign=campaign, number=i, text=text[:100])
        for i, text in enumerate(parsed.slogans, start=1)
    )
    Contact.objects.bulk_create(
        Contact(campaign=campaign, name=c.name, phone=c.phone or "", email=c.email or "")
        for c in parsed.contacts
    )
    Deadline.objects.bulk_create(
        Deadline(
            campaign=campaign,
            what=d.what,
            due=d.date,
            kind=DEADLINE_KINDS.get(d.what, Deadline.Kind.OTHER),
        )
        for d in parsed.deadlines
    )
    Duty.objects.bulk_create(
        Duty(campaign=campaign, number=d.number, text=d.text, departments=d.departments)
        for d in parsed.duties
    )


def _due(parsed: ParsedNotice, kind: str) -> date | None:
    dates = [d.date for d in parsed.deadlines if DEADLINE_KINDS.get(d.what) == kind]
    return min(dates) if dates else None


@transaction.atomic
def import_notice(
    *,
    by: Actor,
    issuing_org: Organisation,
    parsed: ParsedNotice,
    source_text: str = "",
    parent: Campaign | None = None,
    token: uuid.UUID | None = None,
) -> Campaign:
    """Create a draft campaign from a parsed notice. A person checks it before publishing.
    ``token``: the form's; the form sent twice answers with the first draft."""
    require(by, Capability.COORDINATE, issuing_org)
    if not parsed.title:
        raise DomainError(_("The notice has no title; it cannot be imported."), field="title")
    return create_once(
        by=by,
        token=token,
        model=Campaign,
        create=lambda: _import(
            by=by, issuing_org=issuing_org, parsed=parsed, source_text=source_text, parent=parent
        ),
    )


def _import(
    *,
    by: Actor,
    issuing_org: Organisation,
    parsed: ParsedNotice,
    source_text: str,
    parent: Campaign | None,
) -> Campaign:
    kind = kind_for(parsed.campaign_name)
    year = (parsed.campaign_date.year if parsed.campaign_date else None) or parsed.doc_year
    if year is None:
        year = timezone.localdate().year
    if (
        parsed.issuer_code
        and parsed.doc_year
        and parsed.doc_serial
        and Notice.objects.filter(
            issuer_code=parsed.issuer_code, doc_year=parsed.doc_year, doc_serial=parsed.doc_serial
        ).exists()
    ):
        raise DomainError(
            _("A notice numbered %(number)s already exists.") % {"number": parsed.doc_number},
            field="doc_number",
        )
    campaign = Campaign.objects.create(
        kind=kind,
        year=year,
        edition=parsed.campaign_edition or edition_in_year(kind, year),
        date=parsed.campaign_date or day_in_year(kind, year),
        theme=(parsed.theme or (parent.theme if parent else ""))[:100],
        issuing_org=issuing_org,
        parent=parent,
        publicity=parsed.publicity or "",
        plans_due=_due(parsed, Deadline.Kind.PLAN),
        reports_due=_due(parsed, Deadline.Kind.REPORT),
        summary_due=_due(parsed, Deadline.Kind.SUMMARY),
        created_by=by,
    )
    try:
        with transaction.atomic():  # another form may take the same document number at once
            _create_notice(campaign, parsed, issuing_org, source_text)
    except IntegrityError:
        raise DomainError(
            _("A notice numbered %(number)s already exists.") % {"number": parsed.doc_number},
            field="doc_number",
        ) from None
    _fill_children(campaign, parsed)
    audit.record(
        by=by,
        action="campaigns.notice.imported",
        target=campaign,
        changes={
            "doc_number": parsed.doc_number,
            "title": parsed.title,
            "duties": len(parsed.duties),
            "slogans": len(parsed.slogans),
        },
    )
    return campaign


def _create_notice(
    campaign: Campaign, parsed: ParsedNotice, issuing_org: Organisation, source_text: str
) -> None:
    Notice.objects.create(
        campaign=campaign,
        header=parsed.header or "",
        issuer=parsed.issuer or issuing_org.name,
        doc_number=parsed.doc_number or "",
        issuer_code=parsed.issuer_code or "",
        doc_year=parsed.doc_year,
        doc_serial=parsed.doc_serial,
        title=(parsed.title or "")[:200],  # import_notice refused a notice without one
        recipients=parsed.recipients,
        body=[b.__dict__ for b in parsed.body],
        signature=parsed.signature or "",
        issue_date=parsed.issue_date,
        copied_to=parsed.copied_to,
        source_text=source_text,
        parse_report=[r.__dict__ for r in parsed.reports],
    )


@transaction.atomic
def update_notice(
    *,
    by: Actor,
    campaign: Campaign,
    version: int,
    title: str,
    doc_number: str,
    recipients: list[str],
    theme: str,
    date: date | None,
    slogans: list[str],
    publicity: str,
    plans_due: date | None,
    reports_due: date | None,
    summary_due: date | None,
    signature: str,
    issue_date: date | None,
) -> Campaign:
    """Correct a draft notice before publishing. ``version`` detects an edit in another tab."""
    locked = lock_draft(
        by=by,
        campaign=campaign,
        version=version,
        published=_("A published notice cannot be changed."),
    )
    number = parse_doc_number(doc_number) if doc_number.strip() else None
    if doc_number.strip() and number is None:
        raise DomainError(
            _("The document number should look like 平残工委〔2020〕2号."), field="doc_number"
        )
    notice = locked.notice
    campaign_values = {
        "theme": theme,
        "date": date,
        "publicity": publicity,
        "plans_due": plans_due,
        "reports_due": reports_due,
        "summary_due": summary_due,
    }
    notice_values = {
        "title": title,
        "recipients": recipients,
        "signature": signature,
        "issue_date": issue_date,
        "doc_number": number[0] if number else "",
        "issuer_code": number[1] if number else "",
        "doc_year": number[2] if number else None,
        "doc_serial": number[3] if number else None,
    }
    changes = audit.diff(locked, campaign_values)
    changes |= audit.diff(notice, notice_values)
    old_slogans = [s.text for s in locked.slogans.all()]
    if old_slogans != slogans:
        locked.slogans.all().delete()
        Slogan.objects.bulk_create(
            Slogan(campaign=locked, number=i, text=t) for i, t in enumerate(slogans, start=1)
        )
        changes["slogans"] = [old_slogans, slogans]
    if (
        notice.issuer_code
        and Notice.objects.filter(
            issuer_code=notice.issuer_code, doc_year=notice.doc_year, doc_serial=notice.doc_serial
        )
        .exclude(pk=notice.pk)
        .exists()
    ):
        raise DomainError(
            _("A notice numbered %(number)s already exists.") % {"number": notice.doc_number},
            field="doc_number",
        )
    notice.save(update_fields=list(notice_values))
    locked.version += 1
    locked.save(update_fields=[*campaign_values, "version"])
    if changes:
        audit.record(by=by, action="campaigns.notice.changed", target=locked, changes=changes)
    return locked


@transaction.atomic
def set_extra_recipient(
    *, by: Actor, campaign: Campaign, organisation: Organisation, add: bool
) -> Campaign:
    """Add (or take back) a recipient by hand, for words of the notice that matched nothing."""
    locked = lock_draft(
        by=by, campaign=campaign, published=_("Recipients cannot be changed after publishing.")
    )
    if organisation.pk == locked.issuing_org_id or not organisation.is_within(locked.issuing_org):
        raise DomainError(
            _("Choose an organisation under %(org)s.") % {"org": locked.issuing_org.name},
            field="organisation",
        )
    if add:
        locked.notice.extra_recipients.add(organisation)
    else:
        locked.notice.extra_recipients.remove(organisation)
    audit.record(
        by=by,
        action="campaigns.notice.recipient_added" if add else "campaigns.notice.recipient_removed",
        target=locked,
        changes={"organisation": organisation.pk, "name": organisation.name},
    )
    return locked


@transaction.atomic
def create_child_campaign(*, by: Actor, parent: Campaign, issuing_org: Organisation) -> Campaign:
    """A county's own campaign under the city's: it starts from the parent's theme, slogans and
    duties, and everything reported in it rolls up to the parent."""
    require(by, Capability.COORDINATE, issuing_org)
    if not Receipt.objects.filter(campaign=parent, organisation=issuing_org).exists():
        raise DomainError(_("%(org)s did not receive this notice.") % {"org": issuing_org.name})
    # The parent's row lock makes a second click wait for the first and then find its campaign
    # (one per committee: without the lock both would find none and make two).
    Campaign.objects.select_for_update().only("pk").get(pk=parent.pk)
    if Campaign.objects.filter(parent=parent, issuing_org=issuing_org).exists():
        raise DomainError(
            _("%(org)s already has its own campaign for this notice.") % {"org": issuing_org.name}
        )
    kind = parent.kind
    edition = f"第{parent.edition}次" if parent.edition else ""
    campaign = Campaign.objects.create(
        kind=kind,
        year=parent.year,
        edition=parent.edition,
        date=parent.date,
        theme=parent.theme,
        issuing_org=issuing_org,
        parent=parent,
        publicity=parent.publicity,
        plans_due=parent.plans_due,
        reports_due=parent.reports_due,
        summary_due=parent.summary_due,
        created_by=by,
    )
    parent_notice = parent.notice
    Notice.objects.create(
        campaign=campaign,
        header=f"{issuing_org.name}文件",
        issuer=issuing_org.name,
        issuer_code=issuing_org.issuer_code,
        title=f"{issuing_org.name}关于开展{edition}{kind.name}活动的通知",
        recipients=["各乡镇人民政府（街道办事处）", "各成员单位"],
        body=parent_notice.body,
        signature=issuing_org.name,
    )
    Slogan.objects.bulk_create(
        Slogan(campaign=campaign, number=s.number, text=s.text) for s in parent.slogans.all()
    )
    Duty.objects.bulk_create(
        Duty(campaign=campaign, number=d.number, text=d.text, departments=d.departments)
        for d in parent.duties.all()
    )
    Contact.objects.bulk_create(
        Contact(campaign=campaign, name=c.name, phone=c.phone, email=c.email)
        for c in parent.contacts.all()
    )
    audit.record(
        by=by,
        action="campaigns.campaign.child_created",
        target=campaign,
        changes={"parent": parent.pk},
    )
    return campaign


@transaction.atomic
def update_duties(
    *, by: Actor, campaign: Campaign, version: int, duties: list[tuple[int, str, list[str]]]
) -> Campaign:
    """Correct the duties of a draft: their text and the departments each one names."""
    locked = lock_draft(
        by=by,
        campaign=campaign,
        version=version,
        published=_("The duties of a published notice cannot be changed."),
    )
    numbers = [n for n, _text, _departments in duties]
    if len(set(numbers)) != len(numbers):
        raise DomainError(_("Two duties have the same number."))
    before = [(d.number, d.text, d.departments) for d in locked.duties.all()]
    locked.duties.all().delete()
    Duty.objects.bulk_create(
        Duty(campaign=locked, number=n, text=text, departments=departments)
        for n, text, departments in sorted(duties)
    )
    locked.version += 1
    locked.save(update_fields=["version"])
    audit.record(
        by=by,
        action="campaigns.duties.changed",
        target=locked,
        changes={"before": before, "after": sorted(duties)},
    )
    return locked
