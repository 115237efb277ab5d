"""Every flow and step name in one place (they are persisted: rename only with a data migration).

Flow names are short because they travel in button payloads (≤ 64 bytes).
"""

from __future__ import annotations

from typing import Final


class Flow:
    MENU: Final = "m"
    ONBOARDING: Final = "ob"
    INCOME: Final = "inc"
    EXPENSE: Final = "exp"
    TAXES: Final = "tax"
    DEADLINES: Final = "dl"
    SUMMARY: Final = "sum"
    SETTINGS: Final = "set"
    HELP: Final = "hlp"
    ERASE: Final = "del"
    CONSULT: Final = "ask"
    LANGUAGE: Final = "lng"
    FILING: Final = "fil"
    PAYMENT: Final = "pay"
    SUBSCRIPTION: Final = "sub"
    LINK: Final = "lnk"
    DOCUMENTS: Final = "doc"
    NOTICES: Final = "ntc"
    REGISTRATION: Final = "reg"
    KEY: Final = "key"
    ESF: Final = "esf"


class Onboarding:
    LANGUAGE: Final = "language"
    IIN: Final = "iin"
    REGIME: Final = "regime"
    PLACE: Final = "place"
    EMPLOYEES: Final = "employees"
    BIRTH_YEAR: Final = "birth_year"
    REMINDERS: Final = "reminders"


class Entry:
    """Steps of the income and the expense flows."""

    AMOUNT: Final = "amount"
    CONFIRM: Final = "confirm"
    EDIT_AMOUNT: Final = "edit_amount"
    EDIT_DATE: Final = "edit_date"
    EDIT_PARTY: Final = "edit_party"


class Settings:
    MENU: Final = "menu"
    PLACE: Final = "place"
    EMPLOYEES: Final = "employees"


class Erase:
    CONFIRM: Final = "confirm"


class Filing:
    """Steps of filing 910.00 from the chat (``flows/filing.py``)."""

    NAME: Final = "name"
    SUMMARY: Final = "summary"
    CHOICE: Final = "choice"
    SIGNING: Final = "signing"
    FILED: Final = "filed"


class Payment:
    """Steps of paying the month's social payments (``flows/payment.py``)."""

    NAME: Final = "name"
    OFFER: Final = "offer"
    CONFIRM: Final = "confirm"
    SENT: Final = "sent"


class Subscription:
    """Steps of the monthly fee (``flows/payment.py``, ``SubscriptionFlow``)."""

    NAME: Final = "name"
    OFFER: Final = "offer"
    CONFIRM: Final = "confirm"


class Link:
    """Steps of linking a second channel to one user (``flows/link.py``)."""

    CONFIRM: Final = "confirm"


class Registration:
    """Steps of registering an ИП and its later life events (``flows/registration.py``)."""

    RESIDENT: Final = "resident"
    IIN: Final = "iin"
    NAME: Final = "name"
    ACTIVITY: Final = "activity"
    MORE: Final = "more"
    PLACE: Final = "place"
    INCOME: Final = "income"
    EMPLOYEES: Final = "employees"
    REGIME: Final = "regime"
    REMINDERS: Final = "reminders"
    FORM: Final = "form"
    PENDING: Final = "pending"
    LIFE: Final = "life"
    CHANGE: Final = "change"
