"""Email drafts for the days after a "no": subject and body, `.eml` bytes and `mailto:` links.

Why it is built this way:
- The text is written by us, as sentence slots with a few phrasings per tone. `variant` steps
  through the phrasings deterministically, so "Another version" is repeatable and testable.
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

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


# --- wording ------------------------------------------------------------------------------
# Placeholders: {C} company, {RC} "the <role> role at <company>", {H} highlight sentence text.
# A name is never followed by a full stop we add.

_GREETING = {
    "warm": ("Hi {name},", "Hello {company} hiring team,"),
    "concise": ("Hi {name},", "Hello {company} hiring team,"),
    "formal": ("Dear {name},", "Dear {company} hiring team,"),
}
_SIGN_OFF = {
    "warm": ("Warm wishes,", "With gratitude,", "Warmly,"),
    "concise": ("Best,", "Best wishes,", "Regards,"),
    "formal": ("Kind regards,", "Sincerely,", "Best regards,"),
}

# What the user thanks them for, by the furthest stage reached. No meeting before a meeting.
_STAGE_THANKS = {
    "applied": ("considering my application for {RC}",
                "taking the time to review my application for {RC}",
                "looking at my application for {RC}"),
    "screening": ("taking the time to speak with me about {RC}",
                  "the call about {RC}",
                  "our conversation about {RC}"),
    "interview": ("the time you spent interviewing me for {RC}",
                  "meeting with me about {RC}",
                  "the interviews for {RC}"),
    "final": ("the time you and the team invested in me through the final round for {RC}",
              "taking me all the way to the final round for {RC}",
              "every conversation in the final round for {RC}"),
}
_STAGE_NOTE = {  # One warm, stage-true line about the process.
    "applied": ("I know how many applications you receive, so a clear answer means a lot.",
                "It means a lot to get a clear answer, so thank you for closing the loop."),
    "screening": ("I enjoyed hearing more about what the role involves.",
                  "I came away from our call with a much clearer picture of the work."),
    "interview": ("I enjoyed getting to know more about the work and the people behind it.",
                  "The conversations were genuinely thoughtful, and I learned a lot from them."),
    "final": ("I enjoyed every conversation along the way and learned a great deal from them.",
              "Meeting the team was a real highlight of my search, and I learned a lot."),
}
_FEEDBACK_ON = {
    "applied": "my application",
    "screening": "our conversation",
    "interview": "my interviews",
    "final": "my final-round interviews",
}
_STAY_CONTEXT = {
    "applied": "A while ago I applied for {RC}, and I have kept following your work since then.",
    "screening": "We spoke a while ago about {RC}, and I have enjoyed following your work since.",
    "interview": "We met a while ago when I interviewed for {RC}, and I have kept following "
                 "your work since.",
    "final": "We met a while ago during the final round for {RC}, and I have kept following "
             "your work since.",
}

_T = dict[str, tuple[str, ...]]

_REJECTION: dict[str, _T] = {
    "warm": {
        "thanks": ("Thank you so much for {S}, and for letting me know about your decision.",
                   "Thank you for {S}, and for taking the time to tell me where things landed.",
                   "Thank you, truly, for {S}, and for letting me know how it turned out."),
        "feeling": ("Of course I'm a little disappointed, but I'm glad I had the chance.",
                    "It's not the news I hoped for, but I'm grateful for the opportunity."),
        "highlight": ("I especially appreciated {H}", "One thing I especially valued: {H}"),
        "keep": ("I'm still very interested in {C}, and I would love to be considered for "
                 "future opportunities that fit my background.",
                 "I'd be glad to stay in touch and would love to hear about future roles at {C} "
                 "that could be a fit."),
        "ask": ("If you have a moment, I'd be grateful for any brief feedback on {F} that "
                "could help me grow. I'll completely understand if that isn't possible.",
                "If it's easy to share, a line or two of feedback on {F} would help me a lot. "
                "No worries at all if not; I understand how busy things get."),
        "close": ("Thank you again, and I wish you every success in filling the role.",
                  "Thanks again for your kindness throughout, and all the best."),
    },
    "concise": {
        "thanks": ("Thank you for {S}, and for letting me know.",
                   "Thanks for {S}, and for the update on your decision.",
                   "Thank you for {S}, and for letting me know so clearly."),
        "feeling": ("I'm disappointed, but I'm grateful for the chance to be considered.",
                    "It wasn't the outcome I hoped for, but I appreciate the opportunity."),
        "highlight": ("I appreciated {H}", "I especially valued {H}"),
        "keep": ("I remain interested in {C} and would welcome hearing about future roles "
                 "that fit.",
                 "Please keep me in mind for future opportunities at {C} that match my "
                 "background."),
        "ask": ("If you can spare a minute, brief feedback on {F} would be very helpful. "
                "I understand if that isn't possible.",
                "Any brief feedback on {F} would help me improve. No problem at all if not; "
                "I understand."),
        "close": ("Thanks again for your time, and best of luck with the search.",
                  "Thank you again, and all the best with the hiring process."),
    },
    "formal": {
        "thanks": ("Thank you for {S}, and for informing me of your decision.",
                   "I would like to thank you for {S}, and for letting me know the outcome.",
                   "Please accept my sincere thanks for {S}, and for informing me of the "
                   "outcome."),
        "feeling": ("While I am disappointed, I am grateful for the opportunity to be "
                    "considered.",
                    "Although the outcome is not the one I hoped for, I value the opportunity "
                    "I was given."),
        "highlight": ("I particularly valued {H}", "I was especially grateful for {H}"),
        "keep": ("I remain very interested in {C} and would be grateful to be considered for "
                 "future opportunities that match my experience.",
                 "I would welcome the chance to be considered for future positions at {C}, "
                 "should a suitable opening arise."),
        "ask": ("If your time permits, I would be grateful for any brief feedback on {F}. "
                "I fully understand if that is not possible.",
                "Should it be possible, I would value brief feedback on {F}. I fully "
                "understand if your policy or schedule does not allow it."),
        "close": ("Thank you again for your time and consideration.",
                  "Thank you once more for your courtesy throughout the process."),
    },
}

_FEEDBACK_REQUEST: dict[str, _T] = {
    "warm": {
        "thanks": ("Thank you again for {S}, and for letting me know your decision.",
                   "Thank you, again, for {S}, and for the kind note about your decision.",
                   "Thanks once more for {S}, and for being so clear about the outcome."),
        "highlight": ("I especially appreciated {H}", "One thing that stayed with me: {H}"),
        "ask": ("As I keep growing, I'd be grateful for any brief feedback on {F}. Even one "
                "or two points about where I could be stronger would help a lot.",
                "I'm working on getting better with every application, and a few words of "
                "feedback on {F} would mean a great deal to me."),
        "decline": ("I completely understand if you can't share anything, and there's no need "
                    "to reply if not.",
                    "If that isn't something you can share, I understand completely."),
        "keep": ("Either way, I'm still very interested in {C} and would love to be considered "
                 "for future roles.",
                 "Either way, I'd be glad to stay in touch about future opportunities at {C} "
                 "if that suits you."),
        "close": ("Thank you for considering it.", "Thanks so much for reading this."),
    },
    "concise": {
        "thanks": ("Thanks again for {S}, and for letting me know.",
                   "Thank you for {S}, and for the update.",
                   "Thanks again for {S}, and for your clear answer."),
        "highlight": ("I appreciated {H}", "I especially valued {H}"),
        "ask": ("Could you share brief feedback on {F}? One or two points would help me "
                "improve.",
                "I'd value a short note of feedback on {F}, even a single point."),
        "decline": ("I understand if that isn't possible.",
                    "No problem at all if you can't; I understand."),
        "keep": ("I remain interested in {C} and in future roles there.",
                 "I'd also welcome hearing about future roles at {C} that fit."),
        "close": ("Thanks for considering it.", "Thank you for your time."),
    },
    "formal": {
        "thanks": ("Thank you once more for {S}, and for informing me of your decision.",
                   "I would like to thank you again for {S}, and for informing me of the outcome.",
                   "Please accept my thanks again for {S}, and for your clear communication."),
        "highlight": ("I particularly valued {H}", "I was especially grateful for {H}"),
        "ask": ("If your time permits, I would appreciate any brief feedback on {F}, as it "
                "would help me strengthen future applications.",
                "I would be grateful for any brief feedback on {F} that could help me "
                "improve."),
        "decline": ("I fully understand if that is not possible.",
                    "I understand completely if your policy does not permit this."),
        "keep": ("I remain very interested in {C} and would welcome being considered for "
                 "future opportunities.",
                 "I would also be grateful to be considered for future positions at {C} "
                 "that suit my background."),
        "close": ("Thank you for your time and consideration.",
                  "Thank you for considering this request."),
    },
}

_FOLLOW_UP: dict[str, _T] = {
    "warm": {
        "thanks": ("I hope you're well. I'm following up on my note about {RC}, in case it got "
                   "buried.",
                   "I hope things are going well. I wanted to gently follow up on my message "
                   "about {RC}, in case it was missed.",
                   "I hope your week is going well. I'm circling back on my earlier note about "
                   "{RC}, in case it slipped through."),
        "highlight": ("I'm still grateful for {H}", "I still think back on {H}"),
        "ask": ("If you have a few minutes, any brief feedback on {F} would still be really "
                "helpful to me.",
                "A line or two of feedback on {F} would still help me a lot as I keep going."),
        "decline": ("If now isn't a good time, or it isn't something you can share, I "
                    "completely understand, and this will be my last nudge.",
                    "If it isn't possible, I understand completely, and I won't follow up "
                    "again."),
        "keep": ("Either way, I'd be glad to hear about future opportunities at {C} if any "
                 "come up.",
                 "Either way, I remain very interested in {C} and in future roles there."),
        "close": ("Thank you again for your time.", "Thanks so much, and all the best."),
    },
    "concise": {
        "thanks": ("I'm following up on my note about {RC}, in case it got lost.",
                   "A quick follow-up on my message about {RC}, in case it got lost.",
                   "Just following up on my earlier note about {RC}, in case it slipped by."),
        "highlight": ("I appreciated {H}", "I still value {H}"),
        "ask": ("Brief feedback on {F} would still be very helpful.",
                "A short note of feedback on {F} would still help me improve."),
        "decline": ("If it isn't possible, I understand, and I won't follow up again.",
                    "No problem if you can't; I understand, and this is my last nudge."),
        "keep": ("I'm still interested in future roles at {C} that fit my skills.",
                 "I'd still welcome hearing about future roles at {C} if any open."),
        "close": ("Thank you for your time.", "Thanks, and all the best."),
    },
    "formal": {
        "thanks": ("I hope this message finds you well. I am writing to follow up on my "
                   "earlier note about {RC}, in case it was missed.",
                   "I hope you are well. I wished to follow up on my previous message about "
                   "{RC}, in case it was missed.",
                   "I hope all is well. Please allow me to follow up on my earlier message "
                   "about {RC}, should it have been overlooked."),
        "highlight": ("I remain grateful for {H}", "I particularly valued {H}"),
        "ask": ("If your time permits, any brief feedback on {F} would still be most helpful.",
                "I would still greatly value any brief feedback on {F}."),
        "decline": ("I fully understand if that is not possible, and I will not follow up "
                    "further.",
                    "Should that not be possible, I understand entirely and will not write "
                    "again on this."),
        "keep": ("I remain interested in {C} and would welcome future opportunities there.",
                 "I would also be grateful to be considered for future positions at {C} "
                 "that suit my background."),
        "close": ("Thank you for your time and consideration.",
                  "Thank you again for your courtesy."),
    },
}

_STAY: dict[str, _T] = {
    "warm": {
        "thanks": ("I hope all is well with you and everyone at {C} these days.",
                   "I hope things are going well at {C} this season.",
                   "I hope you and everyone at {C} are doing well."),
        "highlight": ("I still often think about {H}", "I still remember {H}"),
        "ask": ("I'm still very interested in future opportunities at {C}, so if a role opens "
                "up that might fit my background, I'd love to hear about it.",
                "I'd love to be considered for future roles at {C}, so please feel free to "
                "reach out if something fits my background."),
        "decline": ("No need to reply if nothing is open right now; I simply wanted to stay "
                    "in touch.",
                    "There's no need to reply if nothing fits at the moment."),
        "close": ("Thank you, and I hope the year is treating you well.",
                  "Thanks so much, and all the best."),
    },
    "concise": {
        "thanks": ("I hope all is well at {C} at the moment.",
                   "I hope things are going well at {C} this season.",
                   "I hope you're well and that things are good at {C} lately."),
        "highlight": ("I still remember {H}", "I still appreciate {H}"),
        "ask": ("I'm still interested in future roles at {C} and would be glad to hear if "
                "one fits my background.",
                "Please keep me in mind for future openings at {C} that match my skills."),
        "decline": ("No need to reply if nothing is open.",
                    "No reply needed if nothing fits right now."),
        "close": ("Thanks, and all the best.", "Thank you, and take care."),
    },
    "formal": {
        "thanks": ("I hope this message finds you and your colleagues at {C} well.",
                   "I hope all is well at {C} at the moment.",
                   "I trust all is going well at {C} at present."),
        "highlight": ("I still recall {H}", "I particularly valued {H}"),
        "ask": ("I remain very interested in future opportunities at {C} and would be "
                "grateful to be considered should a suitable position arise.",
                "I would welcome the chance to be considered for future positions at {C} that "
                "match my experience."),
        "decline": ("There is no need to reply if nothing suitable is open at present.",
                    "Please do not feel obliged to reply if no position is currently open."),
        "close": ("Thank you for your time.", "Thank you, and with best wishes."),
    },
}

_STAY_UPDATE = {
    "warm": ("In the meantime I have kept building my skills and growing in my work.",
             "I have been busy learning and growing in my work since then."),
    "concise": ("Meanwhile I've kept building my skills.",
                "I've kept growing my skills in the meantime."),
    "formal": ("In the meantime I have continued to develop my skills and experience.",
               "I have continued to broaden my experience in the meantime."),
}

_PAD = {  # Added only when a short combination would fall under the 40-word floor.
    "warm": "I really value the care you put into the process.",
    "concise": "I value the care you put into the process.",
    "formal": "I sincerely appreciate the care you have taken throughout.",
}

_SUBJECT = {
    "rejection_thanks": {"warm": "Thank you", "concise": "Thanks",
                         "formal": "Thank you for your consideration"},
    "feedback_request": {"warm": "A quick request for feedback", "concise": "Feedback request",
                         "formal": "Request for feedback"},
    "feedback_follow_up": {"warm": "Following up on feedback", "concise": "Feedback follow-up",
                           "formal": "Follow-up on my feedback request"},
    "stay_in_touch": {"warm": "Staying in touch", "concise": "Keeping in touch",
                      "formal": "Keeping in touch"},
}


def _pick(options: tuple[str, ...], variant: int) -> str:
    return options[variant % len(options)]


def _highlight_sentence(lead: str, highlight: str) -> str:
    """`lead` ends in "{H}": the highlight closes the sentence. A highlight that already ends
    in . ! ? or … keeps its own ending, so there is never a doubled full stop."""
    text = highlight.strip()
    if text.endswith(_END_PUNCT):
        return lead.replace("{H}", text)
    return lead.replace("{H}", text.rstrip(".") or text) + "."


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _subject(kind: str, tone: str, company: str, role: str) -> str:
    """Under 78 characters: "<prefix> – <role> at <company>", then without the role, then
    with the company shortened by an ellipsis."""
    prefix = _SUBJECT[kind][tone]
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
    """The draft of `kind` for `ctx`. `variant` 0, 1, 2… steps through other phrasings,
    deterministically ("Another version"). Raises ValueError for an unknown kind, tone or
    stage, for CR/LF/NUL in a one-line field, and for a contact email that isn't an address.
    """
    v = _validate(kind, ctx)
    if not isinstance(variant, int) or isinstance(variant, bool):
        raise ValueError("variant must be a whole number.")
    tone, stage = ctx.tone, ctx.stage_reached
    company, role = v["company"], v["role"]
    role_at = f"the {role} role at {company}" if role else f"the role at {company}"
    fill = {"C": company, "RC": role_at, "F": _FEEDBACK_ON[stage],
            "S": _pick(_STAGE_THANKS[stage], variant).replace("{RC}", role_at)}

    def say(template: str) -> str:
        out = template
        for key in ("S", "RC", "F", "C"):  # S first: it contains {RC}
            out = out.replace("{" + key + "}", fill[key])
        return out

    table = {"rejection_thanks": _REJECTION, "feedback_request": _FEEDBACK_REQUEST,
             "feedback_follow_up": _FOLLOW_UP, "stay_in_touch": _STAY}[kind][tone]
    highlight = (_highlight_sentence(_pick(table["highlight"], variant), v["highlight"])
                 if v["highlight"] else "")

    def sentences() -> list[list[tuple[str, bool]]]:
        """Three paragraphs, each a list of (sentence, droppable) pairs."""
        first: list[tuple[str, bool]] = [(say(_pick(table["thanks"], variant)), False)]
        second: list[tuple[str, bool]] = []
        if kind == "rejection_thanks":
            first.append((say(_pick(_STAGE_NOTE[stage], variant)), True))
            if highlight:
                first.append((highlight, False))
            first.append((say(_pick(table["feeling"], variant)), True))
            if ctx.keep_in_touch:
                second.append((say(_pick(table["keep"], variant)), False))
            if ctx.ask_feedback:
                second.append((say(_pick(table["ask"], variant)), False))
        elif kind == "stay_in_touch":
            first.append((say(_STAY_CONTEXT[stage]), False))
            if highlight:
                first.append((highlight, False))
            first.append((_pick(_STAY_UPDATE[tone], variant), True))
            second.append((say(_pick(table["ask"], variant)), False))
            second.append((say(_pick(table["decline"], variant)), False))
        else:  # feedback_request, feedback_follow_up: asking is the point of these.
            if kind == "feedback_request":
                first.append((say(_pick(_STAGE_NOTE[stage], variant)), True))
            if highlight:
                first.append((highlight, False))
            second.append((say(_pick(table["ask"], variant)), False))
            second.append((say(_pick(table["decline"], variant)), False))
            if ctx.keep_in_touch:
                second.append((say(_pick(table["keep"], variant)), False))
        closing = [(say(_pick(table["close"], variant)), True)]
        return [first, second, closing]

    name = v["contact_name"]
    greeting = (_GREETING[tone][0].replace("{name}", name) if name
                else _GREETING[tone][1].replace("{company}", company))
    sign = _pick(_SIGN_OFF[tone], variant)
    signature = f"{sign}\n{v['sender_name']}" if v["sender_name"] else sign

    def assemble(parts: list[list[tuple[str, bool]]]) -> str:
        paragraphs = [" ".join(s for s, _ in p) for p in parts if p]
        return "\n\n".join([greeting, *paragraphs, signature])

    parts = sentences()
    body = assemble(parts)
    if _words(body) < MIN_WORDS:
        parts[2].insert(0, (_PAD[tone], True))
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
