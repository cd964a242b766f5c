"""Email drafts for the days after a "no": subject and body, `.eml` bytes and `mailto:` links.

Why it is built this way:
- The text is written by us (`wording`), as sentence slots with three phrasings per tone.
  `variant` 0, 1 and 2 take the first, second and third of every slot, so each is a different
  email, deterministically: "Another version" is repeatable and testable.
- What happened decides the words: the furthest stage reached (no call, meeting or "time you
  invested" after a no at the CV stage) and whether the role is filled (no wishing them luck
  filling it). No phrase presumes how it went; the user's own highlight carries the praise.
- A friendly tone greets a contact by first name ("Hi Priya," for "Priya Raman") when the
  name clearly reads "Given Family" (`first_name`); the formal tone keeps the full name.
- Names are used exactly as given (no title-casing, no trimming of inner characters) and never
  sit right before a full stop or comma we add, so "Acme Inc." never becomes "Acme Inc..".
  Only whitespace-only values count as empty; empty optional fields simply drop their words.
- The subject is shortened gracefully to stay under 78 characters (drop the role, then
  shorten the company with an ellipsis). The body always keeps the names verbatim.
- One-line fields are checked for CR, LF and NUL before anything is built (header injection,
  see notes/reliability_security.md §3.3), in addition to the checks `email` itself makes.
  `.eml` files are built with `EmailMessage` and `policy.default`, never with string
  formatting; `mailto:` links percent-encode every component (RFC 6068).
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from nextround.drafting import wording
from nextround.models import ValidationError, ascii_email, clean_email, clean_multi_line

KINDS = ("rejection_thanks", "feedback_request", "feedback_follow_up", "stay_in_touch")
TONES = ("warm", "concise", "formal")
STATUSES = ("draft", "sent")  # a saved draft, or one the user marked as sent
STAGES = ("applied", "screening", "interview", "final")
KIND_LABELS = {
    "rejection_thanks": "Thank-you after a rejection",
    "feedback_request": "Ask for feedback",
    "feedback_follow_up": "Follow up on a feedback request",
    "stay_in_touch": "Stay in touch",
}
TONE_LABELS = {"warm": "Warm", "concise": "Concise", "formal": "Formal"}
STAGE_LABELS = {"applied": "Applied only", "screening": "Screening call",
                "interview": "Interviews", "final": "Final round"}
SUBJECT_LIMIT = 77  # "under 78 characters"
MIN_WORDS, MAX_WORDS = 40, 180

_LINE_BREAKS = re.compile(r"[\r\n\x00]")
_OTHER_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_END_PUNCT = ("!", "?", "…")


def check_one_line(value: str | None, label: str) -> str:
    """`value` unchanged when it is safe in a one-line field (and in an email header).

    CR, LF and NUL are refused because they would let text inject extra email headers."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{label} must be text.")
    if _LINE_BREAKS.search(value):
        raise ValueError(f"{label} must be a single line: remove the line break (CR or LF) or "
                         "NUL character. Line breaks here could add hidden email headers.")
    if _OTHER_CONTROLS.search(value):
        raise ValueError(f"{label} contains a control character. Please remove it.")
    return value


def check_email(value: str | None, label: str = "Contact email") -> str:
    """A single plain address (name@example.com), or "" for none. ValueError otherwise.

    The rule is `models.clean_email`, the same one the application form uses; this adds the
    check that its header form (`ascii_email`) goes into a `To:` header unchanged."""
    raw = check_one_line(value, label)
    if not raw.strip():
        return ""
    address = clean_email(raw, label)
    written = ascii_email(address)
    probe = EmailMessage(policy=policy.default)
    try:
        probe["To"] = written
        header = probe["To"]
        ok = (not header.defects and len(header.addresses) == 1
              and header.addresses[0].addr_spec == written and str(header) == written)
    except (ValueError, IndexError, TypeError):
        ok = False
    if not ok:
        raise ValueError(f"{label} doesn't look like an email address (name@example.com).")
    return address


def clean_draft(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A draft as the respond page (or an import) gives it, checked field by field before it
    is kept: company, role, to_email, subject, body, kind, tone and application_id.
    ValidationError names each field that isn't right."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], str]] = {
        "company": lambda v: check_one_line(v, "Company").strip(),
        "role": lambda v: check_one_line(v, "Role").strip(),
        "to_email": lambda v: check_email(v, "Contact email"),
        "subject": lambda v: check_one_line(v, "Subject").strip(),
        "body": lambda v: clean_multi_line(v, "Email text", max_len=20_000),
    }
    for name, check in checks.items():
        try:
            values[name] = check(fields.get(name) or "")
        except ValueError as exc:
            errors[name] = str(exc)
    if not errors.get("subject") and not values.get("subject"):
        errors["subject"] = "Subject is empty. Please add a short subject line."
    if not errors.get("company") and not values.get("company"):
        errors["company"] = "Company is required."
    if fields.get("kind") not in KINDS:
        errors["kind"] = "Choose what kind of email this is."
    if fields.get("tone") not in TONES:
        errors["tone"] = "Choose a tone."
    if errors:
        raise ValidationError(errors)
    values["kind"], values["tone"] = fields["kind"], fields["tone"]
    values["application_id"] = (int(fields["application_id"])
                                if fields.get("application_id") is not None else None)
    return values


def _present(value: str | None) -> str:
    """Optional text: "" when missing or only whitespace, else exactly as given."""
    return value if value and value.strip() else ""


# A name is shortened to its first name only when it clearly reads "Given Family": these keep
# it whole ("Hi Dr. Raman", "Hi van der Berg", "Hi Hiring Manager", "Hi 山田 太郎").
_TITLES = frozenset({"dr", "prof", "professor", "doctor", "mr", "mrs", "ms", "mx", "miss",
                     "sir", "dame", "herr", "frau", "mme", "mlle", "m", "sr", "sra", "dra",
                     "rev", "fr"})
_PARTICLES = frozenset({"van", "von", "de", "da", "das", "do", "dos", "del", "della", "di",
                        "du", "la", "le", "al", "el", "bin", "bint", "ibn", "ter", "ten", "den",
                        "der", "st", "mac", "mc", "o", "d", "l"})
_NOT_A_PERSON = frozenset({"hiring", "manager", "team", "recruiter", "recruiting",
                           "recruitment", "talent", "hr", "people", "department", "committee",
                           "panel", "office", "careers", "jobs", "acquisition", "partner"})
_FAMILY_NAME_FIRST = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def _letter(char: str) -> bool:
    """A letter, or a mark that belongs to one (Devanagari vowel signs, Arabic harakat)."""
    return unicodedata.category(char)[0] in "LM"


def first_name(name: str) -> str:
    """What a friendly greeting calls `name`: "Priya" for "Priya Raman" or "Dr. Priya Raman";
    the whole name, exactly as given, whenever the first word might not be a first name.

    Kept whole: a single name or a title with one name ("Dr. Raman"), a name that starts with
    a particle ("van der Berg") or an initial ("J. Smith"), a comma ("Raman, Priya"), a
    script that puts the family name first (Chinese, Japanese, Korean), and anything that
    reads as a role ("Hiring Manager", "Talent team") or holds digits or symbols. The first
    name is a word of `name` as typed: never re-cased or trimmed inside."""
    words = name.split()
    whole = name.strip()
    if len(words) < 2 or "," in name or any(
            unicodedata.name(ch, "").startswith(_FAMILY_NAME_FIRST) for ch in name):
        return whole
    bare = [w.lower().strip(".'’") for w in words]
    if any(b in _NOT_A_PERSON for b in bare) or any(
            not all(_letter(ch) or ch in ".-'’" for ch in w) for w in words):
        return whole
    while bare and bare[0] in _TITLES:
        words, bare = words[1:], bare[1:]
    if len(words) < 2:
        return whole
    first = words[0]
    if bare[0] in _PARTICLES or len(first.rstrip(".")) < 2 or not _letter(first[-1]):
        return whole
    return first


@dataclass(frozen=True)
class DraftContext:
    """What a draft is about. Validated by `draft()`, so it can be built from raw input."""

    sender_name: str
    company: str
    role: str
    contact_name: str | None = None
    contact_email: str | None = None
    stage_reached: str = "interview"
    ask_feedback: bool = False
    keep_in_touch: bool = True
    highlight: str | None = None
    tone: str = "warm"
    role_filled: bool = False  # they said the role is filled: no wishing them luck filling it


@dataclass(frozen=True)
class Draft:
    """A finished draft. Build one directly for text the user edited; `to` is an address or
    None. `.to_eml()` and `.mailto()` check the subject and recipient again, because the user
    may have edited them."""

    subject: str
    body: str
    to: str | None = None
    kind: str = ""
    tone: str = ""
    variant: int = 0

    def _checked(self) -> tuple[str, str, str]:
        subject = check_one_line(self.subject, "Subject")
        if not subject.strip():
            raise ValueError("Subject is empty. Please add a short subject line.")
        body = self.body if isinstance(self.body, str) else ""
        if not body.strip():
            raise ValueError("The email text is empty.")
        if _BODY_CONTROLS.search(body.replace("\t", " ")):
            raise ValueError("The email text contains a control character (such as NUL). "
                             "Please remove it.")
        return subject, body, check_email(self.to, "Recipient")

    def to_eml(self) -> bytes:
        """An RFC 5322 message (UTF-8, plain text) a mail app opens as an unsent draft.

        Round trip: `email.message_from_bytes(data, policy=policy.default)` gives back the same
        Subject and To, and `get_content()` gives the body plus the one trailing newline that
        the MIME generator always adds (compare with `.rstrip("\\n")` or `body + "\\n"`).
        """
        subject, body, to = self._checked()
        message = EmailMessage(policy=policy.default)
        if to:
            message["To"] = ascii_email(to)  # IDNA domain: never an encoded word (RFC 2047)
        if _plain_header(subject):
            message["Subject"] = subject
        else:  # Stored pre-encoded, so text that merely looks like an encoded word stays text.
            message.set_raw("Subject", _encoded_words(subject))
        message["X-Unsent"] = "1"  # Outlook and others open it as a draft to send.
        message.set_content(body.replace("\r\n", "\n"), charset="utf-8")
        return message.as_bytes(policy=policy.default)

    def mailto(self) -> str:
        """An RFC 6068 `mailto:` URL with every component percent-encoded.

        The recipient is the path (only `@` is left as is); subject and body are query values
        quoted with `safe=""`, so `& ? # % +` and line breaks survive, and
        `urllib.parse.parse_qs(urlsplit(url).query)` returns exactly `.subject` and `.body`.
        Line breaks are sent as they are in `.body` (`%0A`), which mail apps accept.
        """
        subject, body, to = self._checked()
        path = quote(ascii_email(to), safe="@") if to else ""
        return f"mailto:{path}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def _plain_header(value: str) -> bool:
    """True when a header value can be written as it is and read back identically."""
    return (value.isascii() and value.isprintable() and "=?" not in value and len(value) <= 60
            and value == " ".join(value.split()))


def _encoded_words(value: str, chunk_bytes: int = 39) -> str:
    """RFC 2047 base64 encoded words of whole characters, folded to stay under 78 columns.

    The email package would otherwise decode user text such as "=?utf-8?q?x?=" as if it were
    an encoded word, changing the subject."""
    words, current = [], b""
    for char in value:
        encoded = char.encode("utf-8")
        if current and len(current) + len(encoded) > chunk_bytes:
            words.append(current)
            current = b""
        current += encoded
    if current:
        words.append(current)
    return "\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)


def with_signature(body: str, signature: str | None) -> str:
    """The body with the user's signature (from settings) appended under the sign-off.

    When the signature starts with the name the draft already signs with, that line is not
    repeated."""
    sig = (signature or "").replace("\r\n", "\n").strip("\n")
    if not sig.strip():
        return body
    lines = body.rstrip("\n").split("\n")
    sig_lines = sig.split("\n")
    if lines and sig_lines and lines[-1].strip() and lines[-1].strip() == sig_lines[0].strip():
        lines = lines[:-1]
    return "\n".join(lines) + "\n" + "\n".join(sig_lines)


def _pick(options: tuple[str, ...], variant: int) -> str:
    return options[variant % len(options)]


def _highlight_sentence(lead: str, highlight: str) -> str:
    """`lead` ends in "{H}": the highlight closes the sentence. A highlight that already ends
    in . ! ? or … keeps its own ending, so there is never a doubled full stop."""
    text = highlight.strip()
    if text.endswith(_END_PUNCT):
        return lead.replace("{H}", text)
    return lead.replace("{H}", text.rstrip(".") or text) + "."


_SLOT = re.compile(r"\{(S|RC|F|C)\}")


def _fill(template: str, values: Mapping[str, str]) -> str:
    """The template with its placeholders filled in one pass, so a name that happens to
    contain "{C}" is never filled in again."""
    return _SLOT.sub(lambda match: values[match.group(1)], template)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _subject(kind: str, tone: str, company: str, role: str) -> str:
    """Under 78 characters: "<prefix> – <role> at <company>", then without the role, then
    with the company shortened by an ellipsis."""
    prefix = wording.SUBJECT[kind][tone]
    company_s, role_s = _one_line(company), _one_line(role)
    candidates = []
    if role_s and company_s:
        candidates.append(f"{prefix} – {role_s} at {company_s}")
    if company_s:
        candidates.append(f"{prefix} – {company_s}")
    for candidate in candidates:
        if len(candidate) <= SUBJECT_LIMIT:
            return candidate
    if not company_s:
        return prefix
    room = SUBJECT_LIMIT - len(prefix) - len(" – ") - 1
    return f"{prefix} – {company_s[:room].rstrip()}…"


def _validate(kind: str, ctx: DraftContext) -> dict[str, str]:
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of draft {kind!r}. Choose one of: {', '.join(KINDS)}.")
    if ctx.tone not in TONES:
        raise ValueError(f"Unknown tone {ctx.tone!r}. Choose one of: {', '.join(TONES)}.")
    if ctx.stage_reached not in STAGES:
        raise ValueError(f"Unknown stage {ctx.stage_reached!r}. Choose one of: "
                         f"{', '.join(STAGES)}.")
    values = {
        "sender_name": check_one_line(ctx.sender_name, "Your name"),
        "company": check_one_line(ctx.company, "Company"),
        "role": check_one_line(ctx.role, "Role"),
        "contact_name": check_one_line(ctx.contact_name, "Contact name"),
        "highlight": check_one_line(ctx.highlight, "Highlight"),
    }
    values["contact_email"] = check_email(ctx.contact_email, "Contact email")
    if not values["company"].strip():
        raise ValueError("Company is required: which company is this email for?")
    return {k: _present(v) for k, v in values.items()}


def _words(text: str) -> int:
    return len(text.split())


def draft(kind: str, ctx: DraftContext, variant: int = 0) -> Draft:
    """The draft of `kind` for `ctx`. `variant` 0, 1, 2 are three different texts (every
    sentence phrased anew), deterministically ("Another version"); 3 is 0 again. Raises
    ValueError for an unknown kind, tone or stage, for CR/LF/NUL in a one-line field, and for
    a contact email that isn't an address.
    """
    v = _validate(kind, ctx)
    if not isinstance(variant, int) or isinstance(variant, bool):
        raise ValueError("variant must be a whole number.")
    tone, stage, filled = ctx.tone, ctx.stage_reached, bool(ctx.role_filled)
    company, role = v["company"], v["role"]
    role_at = f"the {role} role at {company}" if role else f"the role at {company}"
    fill = {"C": company, "RC": role_at, "F": wording.FEEDBACK_ON[stage],
            "S": _pick(wording.STAGE_THANKS[stage], variant).replace("{RC}", role_at)}
    table = wording.TABLES[kind][tone]

    def say(slot: str) -> str:
        out = _pick(wording.options(table[slot], stage, filled), variant)
        return _fill(out, fill)

    highlight = (_highlight_sentence(_pick(wording.options(table["highlight"], stage, filled),
                                           variant), v["highlight"])
                 if v["highlight"] else "")

    def sentences() -> list[list[tuple[str, bool]]]:
        """Three paragraphs, each a list of (sentence, droppable) pairs."""
        first: list[tuple[str, bool]] = [(say("thanks"), False)]
        second: list[tuple[str, bool]] = []
        note = (_fill(_pick(wording.STAGE_NOTE[stage], variant), fill), True)
        if kind == "rejection_thanks":
            first.append(note)
            if highlight:
                first.append((highlight, False))
            first.append((say("feeling"), True))
            if ctx.keep_in_touch:
                second.append((say("keep"), False))
            if ctx.ask_feedback:
                second.append((say("ask"), False))
        elif kind == "stay_in_touch":
            first.append((_fill(_pick(wording.STAY_CONTEXT[stage], variant), fill), False))
            if highlight:
                first.append((highlight, False))
            first.append((_pick(wording.STAY_UPDATE[tone], variant), True))
            second.append((say("ask"), False))
            second.append((say("decline"), False))
        else:  # feedback_request, feedback_follow_up: asking is the point of these.
            if kind == "feedback_request":
                first.append(note)
            if highlight:
                first.append((highlight, False))
            second.append((say("ask"), False))
            second.append((say("decline"), False))
            if ctx.keep_in_touch:
                second.append((say("keep"), False))
        closing = [(say("close"), True)]
        return [first, second, closing]

    name = v["contact_name"]
    greeting = (wording.GREETING[tone][0].replace(
                    "{name}", name if tone == "formal" else first_name(name)) if name
                else wording.GREETING[tone][1].replace("{company}", company))
    sign = _pick(wording.SIGN_OFF[tone], variant)
    signature = f"{sign}\n{v['sender_name']}" if v["sender_name"] else sign

    def assemble(parts: list[list[tuple[str, bool]]]) -> str:
        paragraphs = [" ".join(s for s, _ in p) for p in parts if p]
        return "\n\n".join([greeting, *paragraphs, signature])

    parts = sentences()
    body = assemble(parts)
    for pad in wording.PAD[tone]:
        if _words(body) >= MIN_WORDS:
            break
        parts[2].insert(len(parts[2]) - 1, (pad, True))
        body = assemble(parts)
    # Very long names: drop the optional sentences (never a name, thanks or request), then
    # say "your company" after the first mention (the role sentence keeps the full name).
    for attempt in range(2):
        if attempt == 1:
            if _words(body) <= MAX_WORDS:
                break
            fill["C"] = "your company"
            parts = sentences()
            body = assemble(parts)
        for paragraph in (parts[0], parts[2], parts[1]):
            for index in range(len(paragraph) - 1, -1, -1):
                if _words(body) <= MAX_WORDS:
                    break
                if paragraph[index][1]:
                    del paragraph[index]
                    body = assemble(parts)
    return Draft(subject=_subject(kind, tone, company, role), body=body,
                 to=v["contact_email"] or None, kind=kind, tone=tone, variant=variant)


# An application's milestone level (`furthest_level`: 0 applied, 1 screening, 2 interviewing,
# 3 an offer) in drafting terms: the same reading as `stage_from_history`, without the notes.
_LEVEL_STAGES = {0: "applied", 1: "screening", 2: "interview", 3: "final"}


def stage_from_level(level: int) -> str:
    """The furthest stage reached, in drafting terms, from the application's milestone level."""
    return _LEVEL_STAGES.get(level, "applied")


def stage_from_history(stages: list[str], notes: list[str] | None = None) -> str:
    """The furthest stage reached, in drafting terms, from an application's event stages.

    An offer (or an interview noted as "final") means the final round; any interview means
    interviews; a screening means a call; otherwise the user only applied."""
    seen = {str(s) for s in stages}
    noted_final = any(str(s) == "interviewing" and "final" in str(n or "").lower()
                      for s, n in zip(stages, notes or [], strict=False))
    if seen & {"offer", "accepted"} or noted_final:
        return "final"
    if "interviewing" in seen:
        return "interview"
    if "screening" in seen:
        return "screening"
    return "applied"
