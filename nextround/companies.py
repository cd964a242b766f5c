"""Who a company is, leniently, and what the user has been through with it before.

One rule says when two company names are the same company (`company_key`, `same_company`):
"Acme Inc." and "ACME" are one company, "Acme Labs" is another. Everything that matches
companies by name goes through it, so the add form, the dream list and any later feature
agree on who "Acme" is.

The key is made in Python, not SQL: Unicode case folding, accents and legal suffixes can't be
written the same way in SQLite and PostgreSQL. The store returns the distinct names as they
are stored (one grouped read), `spellings` keeps those with the typed name's key, and the
history read then asks the store for exactly those names. Keys are cached per name, so
keying 10,000 distinct names again costs about 3 ms (figures in tests/bench/README.md).

The rule, in order:
- Unicode compatibility forms are unified (full-width "ＡＣＭＥ" is "ACME") and case is
  folded the Unicode way ("STRASSE" is "Straße").
- Accents on Latin letters are folded ("Café" is "Cafe"): people type company names with
  and without them. Marks in other scripts are kept, where they change the word (Japanese
  dakuten, Devanagari vowel signs).
- Full stops and apostrophes vanish ("S.A." is "SA", "McDonald's" is "McDonalds"); any
  other punctuation or space separates words ("Acme, Inc." is "Acme Inc").
- Legal-form words at the end are dropped, several if there are several ("Acme GmbH & Co.
  KG" is "Acme"), but never the first word: "Inc" alone, or "Co", stays a company's name.
- Spaces don't count ("Deep Mind" is "DeepMind"), so "Co-op" ("coop") is not "Co".

A name with no letters or digits has an empty key and matches nothing, not even itself.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from nextround.models import Stage
from nextround.records import PastApplication, ReceivedFeedback, SentNote

if TYPE_CHECKING:
    from nextround.store import Store

# Legal forms that say nothing about which company it is, as they read once full stops are
# gone ("S.A." → "sa", "Pty. Ltd." → "pty", "ltd"). Kept small on purpose: a word that is
# also an ordinary name ("Group", "Holdings", "Partners") stays part of the name.
LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "corp", "corporation", "co", "llc", "llp", "lp", "ltd", "limited",
    "plc", "pty", "pte", "pvt", "gmbh", "ag", "kg", "se", "sa", "sas", "sarl", "srl", "spa",
    "bv", "nv", "ab", "as", "asa", "oy", "oyj", "aps", "kk",
})
_VANISH = frozenset(".'’ʼ`")  # gone without a trace: S.A. → sa, McDonald's → mcdonalds
_LATIN_END = 0x250  # a combining mark on a letter below this is an accent, folded away
_KEY_CACHE = 65_536  # names whose key is kept (one company name is a few hundred bytes)


@lru_cache(maxsize=_KEY_CACHE)
def company_key(name: str) -> str:
    """The form of a company name that two spellings of one company share (the module's
    rule); "" when the name has no letters or digits."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name or "").casefold())
    words: list[str] = []
    word: list[str] = []
    for char in text:
        if unicodedata.category(char).startswith("M"):  # a mark: an accent, a vowel sign
            if word and ord(word[-1]) < _LATIN_END:
                continue  # an accent on a Latin letter: folded
            word.append(char)
        elif char.isalnum():
            word.append(char)
        elif char not in _VANISH:
            if word:
                words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return unicodedata.normalize("NFC", "".join(words))


def same_company(first: str, second: str) -> bool:
    """Whether two names are one company by the module's rule (never for an empty key)."""
    key = company_key(first)
    return bool(key) and key == company_key(second)


def spellings(store: Store, name: str) -> tuple[str, ...]:
    """The company names stored in the tracker that are `name` by the module's rule, each
    once, as stored: what the history read asks the store for by exact value."""
    if not company_key(name):
        return ()
    return tuple(n for n in store.applications.companies() if same_company(n, name))


# --- the history -----------------------------------------------------------------------------

_REACHED = {0: "", 1: "a screening call", 2: "interviews", 3: "an offer"}
_ENDED = (Stage.REJECTED, Stage.WITHDRAWN)
# The kinds of note a past application's sent drafts are read for (`SentNote`).
NOTE_KINDS = ("rejection_thanks", "stay_in_touch")
HISTORY_MAX = 20  # the newest applications a history holds: enough to tell the story


@dataclass(frozen=True, slots=True)
class CompanyHistory:
    """What the user has been through with one company: its applications (newest first),
    the thank-yous and stay-in-touch notes they sent, and the feedback they received."""

    company: str  # the name as it was stored most recently
    applications: tuple[PastApplication, ...]
    notes: tuple[SentNote, ...]  # newest first
    feedback: tuple[ReceivedFeedback, ...]  # newest first

    def thanks_for(self, application_id: int) -> SentNote | None:
        """The thank-you sent after that application's no, if one was (the first sent)."""
        sent = [n for n in self.notes if n.application_id == application_id
                and n.kind == "rejection_thanks"]
        return sent[-1] if sent else None

    def last_note(self, application_id: int) -> SentNote | None:
        """The newest stay-in-touch note sent about that application, if any."""
        return next((n for n in self.notes if n.application_id == application_id
                     and n.kind == "stay_in_touch"), None)

    @property
    def ghosted(self) -> tuple[PastApplication, ...]:
        """The applications they never answered, newest first."""
        return tuple(a for a in self.applications if a.stage == Stage.GHOSTED)

    @property
    def door(self) -> PastApplication | None:
        """The earlier application a stay-in-touch note is written about: one that ended
        (a no, or the user withdrew), preferring one the user thanked them after, then one
        with someone to write to, then the newest."""
        ended = [a for a in self.applications if a.stage in _ENDED]
        if not ended:
            return None
        return max(ended, key=lambda a: (self.thanks_for(a.id) is not None,
                                         bool(a.contact_email or a.contact_name),
                                         a.stage_on, a.id))


def history(store: Store, name: str) -> CompanyHistory | None:
    """The user's history with the company `name` (by the module's rule), or None when they
    have none. A page caches it until the next write (`ui.cached`)."""
    names = spellings(store, name)
    return history_of(store, names) if names else None


def history_of(store: Store, names: tuple[str, ...],
               limit: int = HISTORY_MAX) -> CompanyHistory | None:
    """The history of the applications stored under exactly `names` (`spellings`): the newest
    `limit` applications, their sent notes and the feedback received, read in one snapshot.
    None when there are none (deleted meanwhile)."""
    with store.read() as tx:
        applications = tx.applications.at_companies(names, limit=limit)
        if not applications:
            return None
        ids = [a.id for a in applications]
        notes = tx.drafts.sent_for(ids, NOTE_KINDS)
        feedback = tx.feedback.received_for(ids)
    return CompanyHistory(company=applications[0].company, applications=tuple(applications),
                          notes=tuple(notes), feedback=tuple(feedback))


def _reached(application: PastApplication) -> str:
    """How far an application got, in words ("interviews"); "" when it never got a reply
    beyond the application itself."""
    return _REACHED.get(application.furthest_level, "")


def _outcome(application: PastApplication) -> str:
    """How it ended, or where it stands, in a few kind words with its date."""
    day = application.stage_on.isoformat()
    stage = application.stage
    if stage == Stage.REJECTED:
        return f"they said no on {day}"
    if stage == Stage.WITHDRAWN:
        return f"you withdrew on {day}"
    if stage == Stage.GHOSTED:
        return "no reply came"
    if stage == Stage.ACCEPTED:
        return f"you accepted on {day}"
    if stage == Stage.APPLIED:
        return "no reply yet"
    return f"still in progress ({stage} since {day})"


def summary(application: PastApplication) -> str:
    """One application's story in a sentence or two: when, how far, how it ended. Our own
    words and dates only, so it is safe to draw as Markdown."""
    told = _outcome(application)
    got = _reached(application) if application.stage in (*_ENDED, Stage.ACCEPTED) else ""
    told = f"Got as far as {got}; {told}" if got else told[0].upper() + told[1:]
    return f"Applied {application.applied_on.isoformat()}. {told}."


def when(day: date, today: date) -> str:
    """A past day as a person says it: "in March" this year, "in March 2025" before."""
    return f"in {day:%B}" if day.year == today.year else f"in {day:%B %Y}"
