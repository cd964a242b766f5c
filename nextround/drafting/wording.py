"""The words of every draft: greetings, sign-offs and the sentence slots of each kind and tone.

Why the wording is kept this way:
- Every slot has exactly three phrasings, one per variant, and variant n takes the n-th of
  every slot. So versions 0, 1 and 2 differ in every sentence, not in one word, and "Another
  version" (or the demo) never hands back the same text.
- A slot that depends on what happened is a dict: by the furthest stage reached ("applied",
  "screening", "interview", "final", with "met" for every stage after applied), or by whether
  the role is filled ("open", "filled"). Nothing thanks someone for a meeting, a call or "time
  invested" after a no at the CV stage, and nothing wishes them luck filling a filled role.
- No phrase presumes how things went: no "your kindness", "the great conversations", "kind
  note" or "thank you again" in a first email. The user's own highlight is where praise goes.
- "future" appears in a thank-you only in its keep-in-touch sentence, and "feedback" only in
  its request, so the options the user ticks are exactly what the email says.
- A sentence never starts with the company ({C}): a long name becomes "your company".

Placeholders: {C} company, {RC} "the <role> role at <company>", {S} what they are thanked for
(by stage), {F} what feedback is asked on (by stage), {H} the user's highlight (ends a
sentence).
"""

from __future__ import annotations

Options = tuple[str, str, str]
Slot = Options | dict[str, Options]
Table = dict[str, Slot]

GREETING = {
    "warm": ("Hi {name},", "Hello {company} hiring team,"),
    "concise": ("Hi {name},", "Hello {company} hiring team,"),
    "formal": ("Dear {name},", "Dear {company} hiring team,"),
}
SIGN_OFF: dict[str, Options] = {
    "warm": ("Warm wishes,", "With gratitude,", "Warmly,"),
    "concise": ("Best,", "Best wishes,", "Regards,"),
    "formal": ("Kind regards,", "Sincerely,", "Best regards,"),
}

# What the user thanks them for, by the furthest stage reached. No meeting before a meeting.
STAGE_THANKS: dict[str, Options] = {
    "applied": ("considering my application for {RC}",
                "taking the time to review my application for {RC}",
                "reading my application for {RC}"),
    "screening": ("taking the time to speak with me about {RC}",
                  "the call about {RC}",
                  "our conversation about {RC}"),
    "interview": ("the time you spent interviewing me for {RC}",
                  "meeting with me to talk about {RC}",
                  "inviting me to interview for {RC}"),
    "final": ("the time you invested in me, all the way to the final round for {RC}",
              "taking me all the way to the final round for {RC}",
              "considering me right through to the final round for {RC}"),
}
# One line about the process, true to the stage and making no claim about how it went.
STAGE_NOTE: dict[str, Options] = {
    "applied": ("I know every application takes time to read, so I appreciate the reply.",
                "Hearing back makes a real difference, so thank you for closing the loop.",
                "A reply at this stage is never a given, and I appreciate it."),
    "screening": ("I appreciated the chance to learn more about the role.",
                  "Speaking with you was a useful step in my search.",
                  "I valued the chance to talk about the role and what it involves."),
    "interview": ("I valued the chance to learn more about what the work involves.",
                  "Preparing for the interview process taught me a lot.",
                  "I appreciated the opportunity to show how I would approach the work."),
    "final": ("Reaching the final round meant a lot to me, and I learned a great deal.",
              "I valued every step of the process, and the final round in particular.",
              "Getting that far was encouraging, and I learned a lot along the way."),
}
FEEDBACK_ON = {
    "applied": "my application",
    "screening": "our conversation",
    "interview": "how I did in the interview process",
    "final": "how I did in the final round",
}
# How stay_in_touch says where the two left off.
STAY_CONTEXT: dict[str, Options] = {
    "applied": ("A while ago I applied for {RC}, and I wanted to reach out again.",
                "I applied for {RC} some time ago and wanted to reconnect.",
                "Some time ago I was a candidate for {RC}, and I wanted to say hello again."),
    "screening": ("We spoke a while ago about {RC}, and I wanted to reconnect.",
                  "Some time ago we had a call about {RC}, and I have been meaning to "
                  "reconnect.",
                  "It has been a while since we talked about {RC}, and I wanted to get back "
                  "in touch."),
    "interview": ("We met a while ago when I interviewed for {RC}, and I wanted to get back in "
                  "touch.",
                  "A while ago I interviewed for {RC}, and I wanted to reconnect.",
                  "It has been some time since I interviewed for {RC}, and I wanted to say "
                  "hello again."),
    "final": ("We met a while ago during the final round for {RC}, and I wanted to get back "
              "in touch.",
              "A while ago I reached the final round for {RC}, and I wanted to reconnect.",
              "It has been some time since the final round for {RC}, and I wanted to say "
              "hello again."),
}
STAY_UPDATE: dict[str, Options] = {  # droppable
    "warm": ("I'd love to stay connected as I take my next steps.",
             "I'd be glad to keep in touch as my search goes on.",
             "It would be lovely to stay connected."),
    "concise": ("I'd like to stay connected.", "I'd be glad to keep in touch.",
                "Staying connected would be great."),
    "formal": ("I would very much like to remain in contact.",
               "I would be glad to stay in touch.",
               "I would value remaining in contact."),
}
# Added, in order, only while a short combination is under the 40-word floor.
PAD = {
    "warm": ("I really appreciate you taking a moment to read this.",
             "I hope you have a good week."),
    "concise": ("I appreciate your time.", "Have a good week."),
    "formal": ("I appreciate your attention to this message.",
               "With my best wishes for the weeks ahead."),
}

REJECTION: dict[str, Table] = {
    "warm": {
        "thanks": ("Thank you so much for {S}, and for letting me know about your decision.",
                   "Thank you for {S}, and for telling me where things landed.",
                   "I wanted to say thank you for {S}, and for letting me know the outcome."),
        "feeling": {
            "applied": ("Of course it's not the news I hoped for, but I'm grateful to have "
                        "been considered.",
                        "I'm a little disappointed, naturally, but I appreciate you considering "
                        "me.",
                        "It isn't the answer I was hoping for, but I'm glad to have heard "
                        "back."),
            "met": ("Of course I'm a little disappointed, but I'm glad I had the chance.",
                    "It's not the news I hoped for, but I'm grateful for the opportunity.",
                    "I'm disappointed, naturally, but I'm really glad I got to take part."),
        },
        "highlight": ("I especially appreciated {H}", "One thing I especially valued: {H}",
                      "Something I'll remember is {H}"),
        "keep": ("I'm still very interested in {C}, and I would love to be considered for "
                 "future opportunities that fit my background.",
                 "I'd be glad to stay in touch and would love to hear about future roles at {C} "
                 "that could be a fit.",
                 "I'd still love to work at {C} one day, so please keep me in mind for future "
                 "roles."),
        "ask": ("If you have a moment, I'd be grateful for any brief feedback on {F} that "
                "could help me grow. I'll completely understand if that isn't possible.",
                "If it's easy to share, a line or two of feedback on {F} would help me a lot. "
                "No worries at all if not; I understand how busy things get.",
                "Would you be open to sharing a little feedback on {F}? Even one point would "
                "help me grow, and I understand if it isn't possible."),
        "close": {
            "open": ("Thank you again, and I wish you every success in filling the role.",
                     "Thanks again, and all the best to you and your colleagues.",
                     "Thank you once more, and I hope the search goes well."),
            "filled": ("Thank you again, and all the best to you and your colleagues.",
                       "Thanks again, and I hope the months ahead go well for you.",
                       "Thank you once more, and warm wishes to you."),
        },
    },
    "concise": {
        "thanks": ("Thank you for {S}, and for letting me know.",
                   "Thanks for {S}, and for the update on your decision.",
                   "Thanks for {S}, and I appreciate you letting me know where things stand."),
        "feeling": {
            "applied": ("I'm disappointed, but I'm grateful to have been considered.",
                        "Not the outcome I hoped for, but I appreciate the consideration.",
                        "I'd hoped for a different answer, but I'm glad I heard back."),
            "met": ("I'm disappointed, but I'm grateful for the chance to be considered.",
                    "It wasn't the outcome I hoped for, but I appreciate the opportunity.",
                    "I'd hoped for a different answer, but I'm glad I had the chance."),
        },
        "highlight": ("I appreciated {H}", "I especially valued {H}",
                      "A highlight for me was {H}"),
        "keep": ("I remain interested in {C} and would welcome hearing about future roles "
                 "that fit.",
                 "Please keep me in mind for future opportunities at {C} that match my "
                 "background.",
                 "I'd still like to work at {C}, so I'd welcome hearing about future openings."),
        "ask": ("If you can spare a minute, brief feedback on {F} would be very helpful. "
                "I understand if that isn't possible.",
                "Any brief feedback on {F} would help me improve. No problem at all if not; "
                "I understand.",
                "Could you share one point of feedback on {F}? I understand if you can't."),
        "close": {
            "open": ("Thanks again for your time, and best of luck with the search.",
                     "Thank you again, and all the best with the hiring process.",
                     "Thanks again, and good luck filling the role."),
            "filled": ("Thanks again for your time.", "Thank you again, and all the best.",
                       "Thanks again, and take care."),
        },
    },
    "formal": {
        "thanks": ("Thank you for {S}, and for informing me of your decision.",
                   "I would like to thank you for {S}, and for letting me know your decision.",
                   "Please accept my sincere thanks for {S}, and for informing me of the "
                   "outcome."),
        "feeling": {
            "applied": ("While I am disappointed, I am grateful to have been considered.",
                        "Although the outcome is not the one I hoped for, I appreciate your "
                        "consideration.",
                        "I am naturally disappointed, but I value having been considered."),
            "met": ("While I am disappointed, I am grateful for the opportunity to be "
                    "considered.",
                    "Although the outcome is not the one I hoped for, I value the opportunity "
                    "I was given.",
                    "I am naturally disappointed, but I am glad to have taken part in the "
                    "process."),
        },
        "highlight": ("I particularly valued {H}", "I was especially grateful for {H}",
                      "I much appreciated {H}"),
        "keep": ("I remain very interested in {C} and would be grateful to be considered for "
                 "future opportunities that match my experience.",
                 "I would welcome the chance to be considered for future positions at {C}, "
                 "should a suitable opening arise.",
                 "Should a future position at {C} suit my background, I would be glad to hear "
                 "of it."),
        "ask": ("If your time permits, I would be grateful for any brief feedback on {F}. "
                "I fully understand if that is not possible.",
                "Should it be possible, I would value brief feedback on {F}. I fully "
                "understand if your policy or schedule does not allow it.",
                "I would also appreciate any feedback on {F} that you are able to share, and "
                "I understand if that is not possible."),
        "close": {
            "open": ("Thank you again for your time and consideration.",
                     "I wish you every success in filling the position.",
                     "Thank you once more, and I wish you well with the remainder of the "
                     "process."),
            "filled": ("Thank you again for your time and consideration.",
                       "Thank you once more, with every good wish to you and your colleagues.",
                       "Thank you again, and I wish you continued success."),
        },
    },
}

FEEDBACK_REQUEST: dict[str, Table] = {
    "warm": {
        "thanks": ("Thank you for {S}, and for letting me know your decision.",
                   "I hope you're well. Thank you for {S}, and for telling me how things "
                   "turned out.",
                   "Thanks so much for {S}, and for getting back to me about the outcome."),
        "highlight": ("I especially appreciated {H}", "One thing that stayed with me: {H}",
                      "Something I valued in particular was {H}"),
        "ask": ("As I keep growing, I'd be grateful for any brief feedback on {F}. Even one "
                "or two points about where I could be stronger would help a lot.",
                "I'm working on getting better with every application, and a few words of "
                "feedback on {F} would mean a great deal to me.",
                "Would you be willing to share a little feedback on {F}? Knowing what I could "
                "do differently next time would really help."),
        "decline": ("I completely understand if you can't share anything, and there's no need "
                    "to reply if not.",
                    "If that isn't something you can share, I understand completely.",
                    "No worries at all if that isn't possible; I understand how busy things "
                    "get."),
        "keep": ("Either way, I'm still very interested in {C} and would love to be considered "
                 "for future roles.",
                 "Either way, I'd be glad to stay in touch about future opportunities at {C} "
                 "if that suits you.",
                 "Whatever you can share, future roles at {C} would still interest me a lot."),
        "close": ("Thank you for considering it.", "Thanks so much for reading this.",
                  "Thank you, and all the best."),
    },
    "concise": {
        "thanks": ("Thanks for {S}, and for letting me know.",
                   "Thank you for {S}, and for the update.",
                   "Thank you for {S}, and for getting back to me."),
        "highlight": ("I appreciated {H}", "I especially valued {H}",
                      "What I valued most was {H}"),
        "ask": ("Could you share brief feedback on {F}? One or two points would help me "
                "improve.",
                "I'd value a short note of feedback on {F}, even a single point.",
                "What is one thing I could improve? Brief feedback on {F} would help."),
        "decline": ("I understand if that isn't possible.",
                    "No problem at all if you can't; I understand.",
                    "I'll understand if you can't share it."),
        "keep": ("I remain interested in {C} and in future roles there.",
                 "I'd also welcome hearing about future roles at {C} that fit.",
                 "I'm still keen on {C} and on future openings there."),
        "close": ("Thanks for considering it.", "Thank you for your time.",
                  "Thanks in advance."),
    },
    "formal": {
        "thanks": ("Thank you for {S}, and for informing me of your decision.",
                   "I would like to thank you for {S}, and for informing me of the outcome.",
                   "Please accept my thanks for {S}, and for letting me know your decision."),
        "highlight": ("I particularly valued {H}", "I was especially grateful for {H}",
                      "I much appreciated {H}"),
        "ask": ("If your time permits, I would appreciate any brief feedback on {F}, as it "
                "would help me strengthen future applications.",
                "I would be grateful for any brief feedback on {F} that could help me "
                "improve.",
                "May I ask whether you could share any feedback on {F}? Even brief "
                "observations would be of great value to me."),
        "decline": ("I fully understand if that is not possible.",
                    "I understand completely if your policy does not permit this.",
                    "If that is not possible, I shall fully understand."),
        "keep": ("I remain very interested in {C} and would welcome being considered for "
                 "future opportunities.",
                 "I would also be grateful to be considered for future positions at {C} "
                 "that suit my background.",
                 "Should a suitable position arise at {C} in future, I would be glad to be "
                 "considered."),
        "close": ("Thank you for your time and consideration.",
                  "Thank you for considering this request.",
                  "With thanks in advance for your time."),
    },
}

FOLLOW_UP: dict[str, Table] = {
    "warm": {
        "thanks": ("I hope you're well. I'm following up on my note about {RC}, in case it got "
                   "buried.",
                   "I hope things are going well. I wanted to gently follow up on my message "
                   "about {RC}, in case it was missed.",
                   "I hope your week is going well. I'm circling back on my earlier note about "
                   "{RC}, in case it slipped through."),
        "highlight": ("I'm still grateful for {H}", "I still think back on {H}",
                      "I still value {H}"),
        "ask": ("If you have a few minutes, any brief feedback on {F} would still be really "
                "helpful to me.",
                "A line or two of feedback on {F} would still help me a lot as I keep going.",
                "Even a single point of feedback on {F} would still mean a lot to me."),
        "decline": ("If now isn't a good time, or it isn't something you can share, I "
                    "completely understand, and this will be my last nudge.",
                    "If it isn't possible, I understand completely, and I won't follow up "
                    "again.",
                    "If you can't share anything, I understand, and I won't write again about "
                    "it."),
        "keep": ("Either way, I'd be glad to hear about future opportunities at {C} if any "
                 "come up.",
                 "Either way, I remain very interested in {C} and in future roles there.",
                 "Either way, I'd love to hear if {C} has future openings that fit."),
        "close": ("Thank you again for your time.", "Thanks so much, and all the best.",
                  "Thank you, and take care."),
    },
    "concise": {
        "thanks": ("I'm following up on my note about {RC}, in case it got lost.",
                   "A quick follow-up on my message about {RC}, in case it got lost.",
                   "Just following up on my earlier note about {RC}, in case it slipped by."),
        "highlight": ("I appreciated {H}", "I still value {H}", "I valued {H}"),
        "ask": ("Brief feedback on {F} would still be very helpful.",
                "A short note of feedback on {F} would still help me improve.",
                "Even one point of feedback on {F} would help."),
        "decline": ("If it isn't possible, I understand, and I won't follow up again.",
                    "No problem if you can't; I understand, and this is my last nudge.",
                    "I understand if you can't; I won't ask again."),
        "keep": ("I'm still interested in future roles at {C} that fit my skills.",
                 "I'd still welcome hearing about future roles at {C} if any open.",
                 "I'm still keen on {C} and on future openings there."),
        "close": ("Thank you for your time.", "Thanks, and all the best.",
                  "Thanks in advance."),
    },
    "formal": {
        "thanks": ("I hope this message finds you well. I am writing to follow up on my "
                   "earlier note about {RC}, in case it was missed.",
                   "I hope you are well. I wished to follow up on my previous message about "
                   "{RC}, in case it was missed.",
                   "I hope all is well. Please allow me to follow up on my earlier message "
                   "about {RC}, should it have been overlooked."),
        "highlight": ("I remain grateful for {H}", "I particularly valued {H}",
                      "I much appreciated {H}"),
        "ask": ("If your time permits, any brief feedback on {F} would still be most helpful.",
                "I would still greatly value any brief feedback on {F}.",
                "Any brief feedback you could share on {F} would still be of great value to "
                "me."),
        "decline": ("I fully understand if that is not possible, and I will not follow up "
                    "further.",
                    "Should that not be possible, I understand entirely and will not write "
                    "again on this.",
                    "I shall of course understand if that is not possible, and I will not "
                    "write further."),
        "keep": ("I remain interested in {C} and would welcome future opportunities there.",
                 "I would also be grateful to be considered for future positions at {C} "
                 "that suit my background.",
                 "Should a future position at {C} suit my background, I would welcome hearing "
                 "of it."),
        "close": ("Thank you for your time and consideration.",
                  "Thank you again for your time.", "With thanks for your time."),
    },
}

STAY: dict[str, Table] = {
    "warm": {
        "thanks": ("I hope all is well with you and everyone at {C} these days.",
                   "I hope things are going well at {C} this season.",
                   "I hope you and everyone at {C} are doing well."),
        "highlight": ("I still often think about {H}", "I still remember {H}",
                      "I still appreciate {H}"),
        "ask": ("I'm still very interested in future opportunities at {C}, so if a role opens "
                "up that might fit my background, I'd love to hear about it.",
                "I'd love to be considered for future roles at {C}, so please feel free to "
                "reach out if something fits my background.",
                "If a role that suits my background opens at {C} in the future, I'd be "
                "delighted to hear about it."),
        "decline": ("No need to reply if nothing is open right now; I simply wanted to stay "
                    "in touch.",
                    "There's no need to reply if nothing fits at the moment.",
                    "Please don't feel you need to reply; there's nothing you need to do."),
        "close": ("Thank you, and I hope the year is treating you well.",
                  "Thanks so much, and all the best.", "Thank you, and take care."),
    },
    "concise": {
        "thanks": ("I hope all is well at {C} at the moment.",
                   "I hope things are going well at {C} this season.",
                   "I hope you're well and that things are good at {C} lately."),
        "highlight": ("I still remember {H}", "I still appreciate {H}", "I valued {H}"),
        "ask": ("I'm still interested in future roles at {C} and would be glad to hear if "
                "one fits my background.",
                "Please keep me in mind for future openings at {C} that match my skills.",
                "I'd welcome hearing about future roles at {C} that fit."),
        "decline": ("No need to reply if nothing is open.",
                    "No reply needed if nothing fits right now.",
                    "Feel free not to reply."),
        "close": ("Thanks, and all the best.", "Thank you, and take care.",
                  "Thanks for reading."),
    },
    "formal": {
        "thanks": ("I hope this message finds you and your colleagues at {C} well.",
                   "I hope all is well at {C} at the moment.",
                   "I trust all is going well at {C} at present."),
        "highlight": ("I still recall {H}", "I particularly valued {H}",
                      "I much appreciated {H}"),
        "ask": ("I remain very interested in future opportunities at {C} and would be "
                "grateful to be considered should a suitable position arise.",
                "I would welcome the chance to be considered for future positions at {C} that "
                "match my experience.",
                "Should a position suited to my experience arise at {C} in the future, I would "
                "be glad to hear of it."),
        "decline": ("There is no need to reply if nothing suitable is open at present.",
                    "Please do not feel obliged to reply if no position is currently open.",
                    "No reply is needed should nothing suitable be available."),
        "close": ("Thank you for your time.", "Thank you, and with best wishes.",
                  "Thank you for your consideration."),
    },
}

TABLES = {"rejection_thanks": REJECTION, "feedback_request": FEEDBACK_REQUEST,
          "feedback_follow_up": FOLLOW_UP, "stay_in_touch": STAY}

SUBJECT = {
    "rejection_thanks": {"warm": "Thank you", "concise": "Thanks",
                         "formal": "Thank you for your consideration"},
    "feedback_request": {"warm": "A quick request for feedback", "concise": "Feedback request",
                         "formal": "Request for feedback"},
    "feedback_follow_up": {"warm": "Following up on feedback", "concise": "Feedback follow-up",
                           "formal": "Follow-up on my feedback request"},
    "stay_in_touch": {"warm": "Staying in touch", "concise": "Keeping in touch",
                      "formal": "Keeping in touch"},
}


def options(slot: Slot, stage: str, role_filled: bool) -> Options:
    """The three phrasings of `slot` that fit what happened: by whether the role is filled, or
    by the stage reached ("met" covers every stage after applied)."""
    if isinstance(slot, tuple):
        return slot
    if "open" in slot:
        return slot["filled" if role_filled else "open"]
    return slot[stage] if stage in slot else slot["met"]
