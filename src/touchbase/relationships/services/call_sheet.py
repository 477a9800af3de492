"""The call sheet and consent records: what the customer said becomes master data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core.models import User
from touchbase.relationships.choices import (
    CALL_SHEET_CONSENT_SOURCE,
    UNREACHED_OUTCOMES,
    Channel,
    CheckinAnswer,
    CheckinQuestion,
    ConsentStatus,
    Direction,
    TouchpointSource,
)
from touchbase.relationships.models import (
    Contact,
    NewsletterConsent,
    Touchpoint,
)
from touchbase.relationships.services.customers import contact_require_active
from touchbase.relationships.services.touchpoints import touchpoint_log


@dataclass
class CheckinAnswers:
    """What the customer said during the check-in call."""

    wellbeing: str = ""
    address_current: str = CheckinAnswer.UNASKED
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    region: str = ""
    newsletter_wanted: str = CheckinAnswer.UNASKED
    works_from_home: str = CheckinAnswer.UNASKED
    phone: str | None = None
    email: str | None = None
    summary: str = ""
    outcome: str = ""
    # Nobody answered: the day to try again.
    follow_up_on: dt.date | None = None

    def given(self) -> list[str]:
        """The fields that carry something the customer said or confirmed."""
        said = [name for name in ("wellbeing", "street", "postal_code", "city")
                if getattr(self, name).strip()]  # fmt: skip
        said += [name for name in ("address_current", "newsletter_wanted", "works_from_home")
                 if getattr(self, name) != CheckinAnswer.UNASKED]  # fmt: skip
        said += [name for name in ("phone", "email") if getattr(self, name) is not None]
        return said


@transaction.atomic
def call_sheet_submit(
    *, contact: Contact, answers: CheckinAnswers, by: User, occurred_at: dt.datetime | None = None
) -> Touchpoint:
    """Log the call, update master data from the answers and stamp each verified field.

    Steps: apply address/phone/e-mail answers and validate them (nothing is saved if one
    is invalid); stamp verification dates; record a newsletter consent change; log the call.
    """
    now = occurred_at or timezone.now()
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact_require_active(contact)
    reached = answers.outcome not in UNREACHED_OUTCOMES
    # Nobody answered: nothing was said, so no master data is confirmed or changed.
    if not reached:
        _refuse_answers_nobody_gave(answers)
    else:
        _apply_contact_answers(contact, answers, now)
        contact.full_clean()
        contact.save()
        _apply_newsletter_answer(contact, answers.newsletter_wanted, by, now)
    return touchpoint_log(
        workspace=contact.workspace,
        contact=contact,
        channel=Channel.PHONE,
        direction=Direction.OUTBOUND,
        is_personal=True,
        occurred_at=now,
        summary=answers.summary.strip(),
        answers=_stored_answers(answers) if reached else {},
        outcome=answers.outcome,
        logged_by=by,
        source_kind=TouchpointSource.CALL_SHEET,
        follow_up_on=answers.follow_up_on,
    )


def _refuse_answers_nobody_gave(answers: CheckinAnswers) -> None:
    """Nobody answered, so nothing was said: answers entered anyway would be lost unseen.

    Refused rather than dropped, so the caller either clears them or corrects the outcome.
    """
    given = answers.given()
    if not given:
        return
    errors = {name: _("Nobody answered, so this cannot have been said.") for name in given}
    errors["outcome"] = _("Nobody answered: clear the answers or choose another outcome.")
    raise ValidationError(errors)


def _apply_contact_answers(contact: Contact, answers: CheckinAnswers, now: dt.datetime) -> None:
    if answers.wellbeing.strip():
        contact.wellbeing_note = answers.wellbeing.strip()
    if answers.address_current == CheckinAnswer.YES:
        contact.address_verified_at = now
    elif answers.address_current == CheckinAnswer.NO:
        for field in ("street", "postal_code", "city", "country", "region"):
            value = getattr(answers, field).strip()
            if value or field == "region":
                setattr(contact, field, value)
        contact.address_verified_at = now
    if answers.works_from_home != CheckinAnswer.UNASKED:
        contact.works_from_home = answers.works_from_home == CheckinAnswer.YES
        contact.works_from_home_verified_at = now
    if answers.phone is not None:
        contact.phone = answers.phone
        contact.phone_verified_at = now
    if answers.email is not None:
        contact.email = answers.email.strip()
        contact.email_verified_at = now
        contact.email_bounced_at = None
    if answers.newsletter_wanted != CheckinAnswer.UNASKED:
        contact.newsletter_verified_at = now


def _apply_newsletter_answer(contact: Contact, answer: str, by: User, now: dt.datetime) -> None:
    if answer == CheckinAnswer.UNASKED:
        return
    wanted = ConsentStatus.GIVEN if answer == CheckinAnswer.YES else ConsentStatus.WITHDRAWN
    consent_record(contact=contact, status=wanted, source=CALL_SHEET_CONSENT_SOURCE, by=by, at=now)


def _stored_answers(answers: CheckinAnswers) -> dict[str, str]:
    """The answers given, by question key; the touchpoint renders them in the reader's language."""
    given = {
        CheckinQuestion.WELLBEING: answers.wellbeing.strip(),
        CheckinQuestion.ADDRESS_CURRENT: answers.address_current,
        CheckinQuestion.NEWSLETTER_WANTED: answers.newsletter_wanted,
        CheckinQuestion.WORKS_FROM_HOME: answers.works_from_home,
    }
    return {str(key.value): value for key, value in given.items() if value}


def consent_record(
    *, contact: Contact, status: str, source: str, by: User | None, at: dt.datetime | None = None
) -> NewsletterConsent | None:
    """Record a consent change; repeating the current state records nothing."""
    contact_require_active(contact)
    latest = contact.consents.order_by("-recorded_at", "-id").first()
    if latest is not None and latest.status == status:
        return None
    return NewsletterConsent.objects.create(
        workspace=contact.workspace,
        contact=contact,
        status=status,
        recorded_at=at or timezone.now(),
        source=source,
        recorded_by=by,
    )
