"""Counterparties (контрагенты): the user's clients and suppliers, remembered from documents and found by name.

Rows live in the ``counterparties`` table (migration 0002) through ``core.storage.documents.save_counterparty``,
which keys them by БИН/ИИН (check digit verified). Lookup by name is fuzzy (rapidfuzz ``WRatio``) over names with
the legal form and quotes stripped and compared in plain Latin letters, so "Альфа" and "Alfa" find ТОО «Альфа» and
"альфа строй" finds ТОО "Альфа-Строй"; a 12-digit query is looked up by БИН/ИИН exactly. ``best_match`` answers
only when one candidate clearly wins — the chat asks otherwise. The user's own requisites (the seller) come from the
profile: ``seller_from_profile``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.documents.model import DocumentInputError, Party, normalise_bic, normalise_iban
from core.identity import is_valid_iin_bin
from core.storage._util import is_unique_violation
from core.storage.documents import counterparties_of, save_counterparty
from core.storage.models import Counterparty, Profile

_LEGAL_FORMS = re.compile(
    r"\b(тоо|жшс|ип|жк|ао|ак|пк|ооо|зао|оао|гу|ркп|ргп|кгп|llp|llc|jsc|ltd|ie)\b\.?", re.IGNORECASE
)
_PUNCT = re.compile(r"[«»\"'“”„`.,()\-–—]+")
_LATIN = str.maketrans(
    {"а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
     "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p",
     "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch",
     "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"}
)  # fmt: skip
MIN_SCORE = 75.0
CLEAR_LEAD = 10.0


@dataclass(frozen=True, slots=True)
class Match:
    """A counterparty found by a query, with its similarity score (0–100)."""

    counterparty: Counterparty
    score: float

    @property
    def party(self) -> Party:
        return party_of(self.counterparty)


def normalise_name(name: str) -> str:
    """Lower-case, ё → е, legal form (ТОО, ИП, АО, ЖШС, LLP…) and quotes removed, spaces collapsed."""
    text = name.lower().replace("ё", "е")
    text = _PUNCT.sub(" ", text)
    text = _LEGAL_FORMS.sub(" ", text)
    return " ".join(text.split())


def _latin(name: str) -> str:
    """A normalised name in plain Latin letters, so "Alfa" and "Альфа" compare equal (matching only, never shown)."""
    return name.translate(_LATIN)


def party_of(row: Counterparty) -> Party:
    """The document side (``Party``) of a stored counterparty."""
    return Party(
        name=row.name,
        bin_iin=row.bin_iin,
        address=row.address,
        iban=row.iban,
        bic=row.bic,
        kbe=row.kbe,
        vat_payer=row.vat_payer,
    )


async def remember(session: AsyncSession, user_id: int, party: Party) -> Counterparty:
    """Create or update the counterparty of ``party`` (by БИН/ИИН; without one, by the same normalised name).

    Only the fields the party has overwrite stored ones (a later document without an address keeps the known one);
    ``vat_payer`` is only ever set to true here — a document that does not say so does not clear it.
    """
    if party.bin_iin is not None and not is_valid_iin_bin(party.bin_iin):
        raise DocumentInputError("bin_iin: not a valid БИН/ИИН (12 digits, check digit)")
    fields: dict[str, object] = {
        key: value
        for key, value in (
            ("address", party.address),
            ("iban", normalise_iban(party.iban)),
            ("bic", normalise_bic(party.bic)),
            ("kbe", party.kbe),
        )
        if value is not None
    }
    if party.vat_payer:
        fields["vat_payer"] = True
    if party.bin_iin is None:
        same = [c for c in await counterparties_of(session, user_id) if c.bin_iin is None]
        wanted = normalise_name(party.name)
        for row in same:
            if normalise_name(row.name) == wanted:
                for key, value in fields.items():
                    setattr(row, key, value)
                await session.flush()
                return row
    try:
        async with session.begin_nested():
            return await save_counterparty(session, user_id, party.name, bin_iin=party.bin_iin, **fields)
    except IntegrityError as exc:  # created by a concurrent transaction between our select and insert
        if not is_unique_violation(exc):
            raise
    return await save_counterparty(session, user_id, party.name, bin_iin=party.bin_iin, **fields)


async def find_counterparties(
    session: AsyncSession, user_id: int, query: str, *, limit: int = 5, min_score: float = MIN_SCORE
) -> list[Match]:
    """The user's counterparties matching ``query`` (a name or a БИН/ИИН), best first."""
    text = query.strip()
    if text.isdigit() and len(text) == 12:
        stmt = select(Counterparty).where(Counterparty.user_id == user_id, Counterparty.bin_iin == text)
        return [Match(row, 100.0) for row in await session.scalars(stmt)]
    wanted = _latin(normalise_name(text))
    if not wanted:
        return []
    rows = await counterparties_of(session, user_id)
    choices = {i: _latin(normalise_name(row.name)) for i, row in enumerate(rows)}
    found = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=None, score_cutoff=min_score)
    ranked = sorted(found, key=lambda hit: (-hit[1], rows[hit[2]].name))
    return [Match(rows[index], float(score)) for _, score, index in ranked[:limit]]


async def best_match(session: AsyncSession, user_id: int, query: str) -> Match | None:
    """The one counterparty the query means, or ``None`` when none or several fit (the chat then asks)."""
    matches = await find_counterparties(session, user_id, query, limit=2)
    if not matches:
        return None
    if len(matches) > 1 and matches[0].score - matches[1].score < CLEAR_LEAD:
        return None
    return matches[0]


def seller_from_profile(
    profile: Profile,
    *,
    address: str | None = None,
    iban: str | None = None,
    bic: str | None = None,
    bank: str | None = None,
    kbe: str | None = "19",
    vat_payer: bool = False,
    vat_certificate_series: str | None = None,
    vat_certificate_num: str | None = None,
) -> Party:
    """The user's own side of a document from the profile (ИИН, ФИО) and the bank requisites.

    ``kbe`` 19 — a resident (1) of the «other non-financial / households» sector (9), the usual code of an ИП.
    """
    if not profile.iin or not profile.full_name:
        raise DocumentInputError("profile: the ИИН and the full name are needed for a document")
    return Party(
        name=f"ИП {profile.full_name}",
        bin_iin=profile.iin,
        address=address,
        iban=normalise_iban(iban),
        bic=normalise_bic(bic),
        bank=bank,
        kbe=kbe,
        vat_payer=vat_payer,
        vat_certificate_series=vat_certificate_series,
        vat_certificate_num=vat_certificate_num,
        signatory=profile.full_name,
    )
