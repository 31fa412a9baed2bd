"""The rules: lexicons and patterns per category, negation scoped to the clause, traps.

Every decision is explainable: a rule fires because of cue spans in the sentence (`Cue`), and
those spans are what the reports highlight. Plain `re` is enough here: a few dozen patterns,
run over sentences of a few hundred characters.

Categories
- ai_training: a training verb (train, fine-tune, training data) with an AI/model word, user
  data or "our services/systems"; or develop/improve/build/... followed closely by an AI word
  in a sentence that talks about data (so "improve our services" alone never fires, nor
  "we use AI to improve our services").
- metadata: a lexicon of automatically collected data (IP address, device IDs, location, cookies,
  logs, account and payment data, ...).
- biometrics: face geometry/recognition, voiceprints, fingerprints (not device fingerprinting),
  iris/retina, face grouping, "a model of your voice", biometric identifiers; the law's name
  (BIPA, 740 ILCS 14) only marks a biometric context. BIPA section 15 duties count only as
  stated about biometric data (the sentence names it, or continues a biometric sentence with
  "these scans" / "this data"): (a) how long it is kept or when it is destroyed, (b) consent /
  written release, (c) a denied sale or profit, (d) a denied or consent-bound disclosure,
  (e) protection of that data. A release of legal claims is not (b); "for safety, security
  and identification purposes" is not (e).
- opt_out: opt out/in, withdraw consent, object, turn off/disable, settings, "control whether",
  consent requirements, Do Not Sell. About AI training only when the sentence says so, or
  refers back ("object to this") to the training sentence before it.
- retention: retain/retention (with data or a time), keep/store (with a time), delete/destroy
  (with a time); durations extracted.
- ai_sharing: share/disclose/sell/license/... with an AI word or training verb, and a recipient
  (third parties, partners, affiliates, service providers, ...) or a sale/licence; AI service
  providers named in a disclosure section; recipients that train their own models. Users
  sharing with the service, data licensed *from* others and the policy's own company (the name
  it uses 15 times or more) are not sharing.

Polarity: a negator ("not", "never", "no", "n't", "neither", "nor", "cannot") before the anchor
verb in the same clause makes it `neg`, however long the list between them ("does not use any
of your audio, video, chat, ... to train"; up to 320 characters). Clauses end at ; : and at but,
however, except, unless, although, whereas, while, if, when, which, who, and at a comma before a
new subject ("Where we do not rely on consent, we use ..."); asides do not end them ("do not,
except as the law requires, use", "- chats, files or photos -", "and, unless you opt out, for
training"). Phrases that are not denials ("not limited to", "no later than", "choose not to",
"if you do not want") are excused. An anchor in the exception clause of a denial ("We do not use
Inputs to train our models unless: ... you've agreed to their use for training") belongs to the
denial. A negation after an opt-out or a switched-off setting ("if you opt out / if Keep
Activity is off, we will not use ...") implies training by default and stays `pos`. A positive
AI-training statement that depends on opting in or consent is `cond`.

Strength (1-3) says how directly a sentence states its category; the verdicts cite the most
direct sentence: a pointer to another page, a question, "for this purpose", a choice offered
without its default, others training their own models, or data from third parties or public
sources are weaker than "we use your content to train our models".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from expunge.policy.lexicon import (
    _NUMBER_WORDS,
    ACCOUNT_CONTEXT,
    ACCOUNT_FIELDS,
    AI_HANDLES,
    AI_NOUN_USE,
    AI_RECIPIENT,
    AI_TERM,
    ANAPHORA,
    ANOTHER_CLAUSE,
    API_DATA,
    ASIDE_OPEN,
    BARE_URL,
    BIOMETRIC,
    BIOMETRIC_LAW,
    BIOMETRIC_TRAP,
    BIOMETRIC_WEAK,
    BIPA_ANAPHORA,
    BIPA_ELEMENTS,
    BIPA_TRAP,
    CLAUSE_BREAK,
    COLLECT,
    DASH,
    DATA_VERB,
    DATA_WORD,
    DEFINED_NAME,
    DELETE,
    DEVELOP,
    DURATION,
    EMAIL,
    EXCEPTION,
    EXCLUDING,
    EXPLICIT_OPT_OUT,
    HUMAN_TRAINING,
    INBOUND,
    INDEFINITE,
    INNER_CONDITION,
    INTEGRATIONS,
    KEEP,
    METADATA,
    METADATA_TRAP,
    MODEL_TRAP,
    NEGATION_NEAR,
    NEGATION_REACH,
    NEGATOR,
    NEUTRAL_CHOICE,
    NO_WAY_OUT,
    NOT_A_DENIAL,
    NOT_RESPONSIBLE,
    OPT_IN,
    OPT_IN_CONDITION,
    OPT_OUT,
    OPT_OUT_OTHER_PURPOSE,
    OTHER_DATA,
    OTHER_SOURCES,
    OTHERS_MODELS,
    OWN_MARK,
    PASSIVE_COLLECTED,
    POINTER,
    PRONOUN_SUBJECT,
    PUBLIC_BEFORE,
    PUBLIC_DATA,
    RECIPIENT,
    RECIPIENT_ACTS,
    RETAIN,
    RETENTION_HEADING,
    RETENTION_TRAP,
    ROW_TERM,
    SALE_VERB,
    SAME_PURPOSE,
    SETTING_OFF,
    SETTINGS_PATH,
    SETTINGS_PLACE,
    SHARE,
    SHARE_HEADING,
    SUBJECT_NEXT,
    SUPPLY,
    THAT_RECIPIENT,
    THEIR_BEFORE,
    THIRD_PARTY_AI,
    TIME,
    TOPIC_BEFORE,
    TRAIN,
    TRAIN_OBJECT,
    TRAINING_NOUN,
    URL,
    USE_VERB,
    USER_DATA,
    USER_SHARES,
    WEAK_AI_WORD,
    I,
)


@dataclass(frozen=True, slots=True)
class Cue:
    """Characters start..end of the sentence fired a rule; kind says which lexicon."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class RuleHit:
    category: str
    cues: tuple[Cue, ...]
    polarity: str = "pos"  # pos | neg | cond
    user_data: bool = False  # ai_training: the sentence is about the user's data
    ai_related: bool = False  # opt_out: about AI training / AI use
    opt_in_only: bool = False  # opt_out: only an opt-in / consent requirement, no way out
    training_related: bool = False  # opt_out: about AI training (decides the ai_opt_out verdict)
    durations: tuple[str, ...] = ()  # retention: normalised durations ("30 days")
    bipa: tuple[str, ...] = ()  # biometrics: BIPA section 15 elements present, "a".."e"
    strength: int = 1  # how directly the sentence states it: 3 plainly .. 1 by implication


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules may know beyond the sentence itself."""

    headings: str = ""  # the section heading path, joined
    previous: frozenset[str] = field(default_factory=frozenset)  # categories of the sentence before
    previous_biometric: bool = False  # the sentence before is in a biometric context
    intro: str = ""  # the sentence before, when it introduces this one ("... your information:")
    previous_text: str = ""  # the sentence before, in the same section
    self_names: frozenset[str] = field(default_factory=frozenset)  # the policy's own company
    row: str = ""  # a table row's whole text: its other cells name the data it is about
    # names the policy gives to data that includes biometric data ("Underlying Data")
    biometric_terms: frozenset[str] = field(default_factory=frozenset)


# --- lexicons ------------------------------------------------------------------------------


# --- helpers ---------------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _matches(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    """Match spans, cached: the rules ask about the same sentence and pattern several times."""
    return tuple((m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start())


def _find(pattern: re.Pattern[str], text: str, kind: str) -> list[Cue]:
    return [Cue(start, end, kind) for start, end in _matches(pattern, text)]


def _outside(cues: list[Cue], traps: list[tuple[int, int]]) -> list[Cue]:
    return [c for c in cues if not any(s < c.end and c.start < e for s, e in traps)]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return list(_matches(pattern, text))


@lru_cache(maxsize=4096)
def _asides(text: str) -> tuple[tuple[int, int], ...]:
    """Asides the clause runs on through: a dash pair ("- chats, files or photos -"), an
    exception right after a negator ("do not, except as required by law, use"), and a
    condition between commas after which the clause goes on without a new subject ("and,
    unless you opt out, for training ...")."""
    found: list[tuple[int, int]] = []
    dashes = [m for m in DASH.finditer(text)]
    for first, second in zip(dashes[::2], dashes[1::2], strict=False):
        found.append((first.start(), second.end()))
    for m in INNER_CONDITION.finditer(text):
        comma = text.find(",", m.end())
        if comma < 0 or ";" in text[m.end() : comma]:
            continue
        after_negator = bool(ASIDE_OPEN.search(text, 0, m.start() + 1))
        if after_negator or not SUBJECT_NEXT.match(text, comma + 1):
            found.append((m.start(), comma + 1))
    return tuple(found)


@lru_cache(maxsize=4096)
def _dash_pairs(text: str) -> frozenset[int]:
    """Start offsets of dashes that come in pairs (a parenthesis written with dashes)."""
    dashes = [m.start() for m in DASH.finditer(text)]
    return frozenset(dashes[: len(dashes) - len(dashes) % 2])


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding character `pos` begins; breaks inside an aside closed before
    `pos` do not count, nor the dashes of a pair ("do not collect any special categories -
    such as genetic data, biometric data or health data - from our users")."""
    asides = [(a, b) for a, b in _asides(text) if b <= pos]
    dashes = _dash_pairs(text)
    start = 0
    for found in CLAUSE_BREAK.finditer(text, 0, pos):
        if found.end() > pos or any(a <= found.start() < b for a, b in asides):
            continue
        if found.start() in dashes:
            continue
        start = found.start() if found.group()[0].isalpha() else found.end()
    return start


def clause_span(text: str, pos: int) -> tuple[int, int]:
    """The clause holding character `pos`: (start, end); asides after it do not end it."""
    asides = _asides(text)
    dashes = _dash_pairs(text)
    for found in CLAUSE_BREAK.finditer(text, pos + 1):
        if not any(a <= found.start() < b for a, b in asides) and found.start() not in dashes:
            return clause_start(text, pos), found.start()
    return clause_start(text, pos), len(text)


def negation_before(text: str, pos: int) -> Cue | None:
    """The negator that denies the verb at `pos`, if any: in the same clause and at most
    NEGATION_NEAR characters back, or up to NEGATION_REACH when the negated verb is one that
    takes data as its object (use, process, share, train, ...), whose object may be a long
    list ("does not use any of your audio, video, chat, ... to train"). A negated verb of
    another kind ("data that cannot identify you ...") does not reach that far."""
    start = max(clause_start(text, pos), pos - NEGATION_REACH)
    excused = _spans(NOT_A_DENIAL, text)
    found = None
    for neg in NEGATOR.finditer(text, start):  # no end: lookaheads may see past `pos`
        if neg.end() > pos:
            break
        if any(s <= neg.start() < e for s, e in excused):
            continue
        if pos - neg.end() > NEGATION_NEAR and not DATA_VERB.match(text, neg.end()):
            continue
        found = Cue(neg.start(), neg.end(), "negation")
    return found


def _polarity(text: str, anchors: list[Cue]) -> tuple[str, list[Cue], bool]:
    """pos if an anchor is stated without denial; the negation cues found; and whether the
    positive is only implied ("if you opt out / if the setting is off, we will not use ...":
    so by default it does).

    An anchor inside an exception to a denial ("We do not use Inputs to train our models
    unless: ... you've agreed to their use for training") is part of the denial, not a
    positive statement."""
    negations: list[Cue] = []
    positive = implied = False
    denied_at: list[int] = []
    switch_off = _find(EXPLICIT_OPT_OUT, text, "opt_out") + _find(SETTING_OFF, text, "opt_out")
    for anchor in sorted(anchors, key=lambda c: c.start):
        neg = negation_before(text, anchor.start)
        if neg is None:
            if any(EXCEPTION.search(text, d, anchor.start) for d in denied_at):
                continue  # inside the exception to a denial ("... unless: (3) you agree")
            positive = True
            continue
        if any(c.end <= neg.start for c in switch_off):
            positive = implied = True  # "if you opt out, we will not use ...": the default
        negations.append(neg)
        denied_at.append(anchor.start)
    if not anchors:
        return "pos", negations, False
    return ("pos" if positive else "neg"), negations, implied and not _stated(text, anchors)


def _stated(text: str, anchors: list[Cue]) -> bool:
    """Is some anchor stated plainly, outside a negated or switched-off clause?"""
    return any(negation_before(text, a.start) is None for a in anchors)


def _ai_terms(text: str) -> list[Cue]:
    return _outside(_find(AI_TERM, text, "ai"), _spans(MODEL_TRAP, text))


def _plain_ai(text: str, ai: list[Cue]) -> list[Cue]:
    """The AI words that cannot name ordinary software (not "model", not "algorithm")."""
    return [a for a in ai if not WEAK_AI_WORD.fullmatch(text[a.start : a.end])]


def _is_algorithm(text: str, cue: Cue) -> bool:
    return text[cue.start : cue.end].lower().startswith("algorithm")


def _train_terms(text: str) -> list[Cue]:
    return _outside(_find(TRAIN, text, "train"), _spans(HUMAN_TRAINING, text))


# --- the categories --------------------------------------------------------------------------


def ai_training(text: str, context: Context) -> RuleHit | None:
    """Strength 3: a training verb (or "AI model training") with the users' data named; 2: one
    of the two weaker (develop/improve + an AI word, or generic "data"); 1: only implied
    (a pointer to another page, a question, "for this purpose" after a training sentence, a
    choice offered without saying what the default is, or others training their own models).
    """
    ai = _ai_terms(text)
    train = _train_terms(text)
    data = _find(DATA_WORD, text, "data")
    user = _find(USER_DATA, text, "user_data")
    # "We use your data to:" + "train our models": the lead-in names the data, unless the
    # item itself is about data from elsewhere.
    intro_user = bool(context.intro and USER_DATA.search(context.intro)
                      and not OTHER_SOURCES.search(context.intro)
                      and not PUBLIC_DATA.search(text) and not OTHER_SOURCES.search(text))  # fmt: skip
    # A legal-basis table row names the data in another cell: "Developing and improving new
    # features, including through machine learning | ... | Account Data, Profile Data".
    row_data = bool(context.row and DATA_WORD.search(context.row))
    anchors: list[Cue] = []
    support: list[Cue] = []
    if train:
        objects = _find(TRAIN_OBJECT, text, "object")
        if ai or user or objects:
            anchors += train
            support += ai or user or objects
    nouns = _find(AI_NOUN_USE, text, "train")
    if nouns and (data or user or intro_user):
        anchors += nouns
    if (data or user or intro_user or row_data
            or re.search(r"\b(?:use|using|used|uses)\b", text, I)):  # fmt: skip
        plain_ai = _plain_ai(text, ai)
        for verb in _find(DEVELOP, text, "develop"):
            near = [a for a in ai if verb.end <= a.start <= verb.end + 70
                    and (plain_ai or not _is_algorithm(text, a))]  # fmt: skip
            if near and not CLAUSE_BREAK.search(text, verb.end, near[0].start) and not (
                EXCLUDING.search(text, verb.end, near[0].start)):  # fmt: skip
                anchors.append(verb)
                support.append(near[0])
    same_purpose = False
    if not anchors and "ai_training" in context.previous:
        # "We do not use the content of direct messages for this purpose."
        anchors = _find(SAME_PURPOSE, text, "train") if (data or user) else []
        same_purpose = bool(anchors)
    if not anchors:
        return None
    # "In relation to Grok's training, xAI does not ...": a topic, not a statement of use.
    anchors = [a for a in anchors if not TOPIC_BEFORE.search(text, 0, a.start)] or anchors
    polarity, negations, implied = _polarity(text, anchors)
    if polarity == "neg" and API_DATA.search(text):
        return None  # a denial about data from a connected API, not the users' own content
    if NOT_RESPONSIBLE.search(text) and all(
            THEIR_BEFORE.search(text, max(0, a.start - 30), a.start) for a in anchors):  # fmt: skip
        return None  # "not responsible for ... their model training": the providers' use
    # Data in a privacy policy is the users' unless the sentence says it is public, licensed
    # or from third parties and names nothing of the users' ("the information we collect and
    # publicly available information" is both).
    own = [c for c in user if not _from_elsewhere(text, c)]
    if PUBLIC_DATA.search(text) or OTHER_SOURCES.search(text):
        # "trained on data that is publicly available ..., which may contain personal data":
        # beside data from elsewhere, only the users' own ("your", "we collect") counts
        own = [c for c in own if OWN_MARK.search(text, c.start, c.end)]
    is_user = (
        bool(own)
        or intro_user
        or (
            bool(data or row_data)
            and not PUBLIC_DATA.search(text)
            and not OTHER_SOURCES.search(text)
        )
    )
    explicit_out = bool(EXPLICIT_OPT_OUT.search(text))
    if polarity == "pos" and (explicit_out or implied):
        is_user = True  # "you can opt out of model training": your data is used by default
    elif polarity == "pos" and OPT_IN_CONDITION.search(text):
        polarity = "cond"
    strength = 1
    if not (same_purpose or implied or POINTER.search(text) or text.rstrip().endswith("?")):
        strength = 3 if any(a.kind == "train" for a in anchors) and (own or intro_user) else 2
        if strength == 3 and not own and len(text.split()) <= 8:
            strength = 2  # a label ("H. Training & optimising AI models."), data from its lead-in
        if polarity == "pos" and NEUTRAL_CHOICE.search(text) and not explicit_out:
            strength = 1  # "you can choose whether ...": says nothing of the default
        if polarity == "pos" and _others_train(text, anchors):
            strength = 1  # "recipients may use it to train their models": not ours
        if all(TRAINING_NOUN.match(text, a.start) for a in anchors) and not USE_VERB.search(text):
            strength = 1  # "such as prompts or fine-tuning data": a kind of data, not a use
    cues = _unique(anchors + support + ai + user + negations)
    return RuleHit("ai_training", cues, polarity, user_data=is_user, strength=max(1, strength))


def _from_elsewhere(text: str, cue: Cue) -> bool:
    """ "personal data from third party sources", "publicly available Personal Data"."""
    return bool(OTHER_SOURCES.match(text, cue.end) or PUBLIC_BEFORE.search(text, 0, cue.start))


def _others_train(text: str, anchors: list[Cue]) -> bool:
    """Every training anchor is followed by "their / its own models" after a recipient."""
    return all(
        OTHERS_MODELS.search(text, a.end, a.end + 60)
        and RECIPIENT.search(text, clause_start(text, a.start), a.start)
        for a in anchors
    )


def metadata(text: str) -> RuleHit | None:
    cues = _outside(_find(METADATA, text, "metadata"), _spans(METADATA_TRAP, text))
    if not cues and ACCOUNT_CONTEXT.search(text):
        cues = _find(ACCOUNT_FIELDS, text, "metadata")
    return RuleHit("metadata", tuple(cues)) if cues else None


def biometrics(text: str, context: Context) -> tuple[RuleHit | None, bool]:
    """The hit, and whether this sentence is in a biometric context (for the next one).

    Polarity: `neg` when every biometric term is denied ("we do not create or store facial
    templates", "no biometric data is collected", "not designed or intended to process ...,
    genetic or biometric data", "do not aim to collect ... biometric scans": a negator, then
    collection or supply verbs up to the term, however long the list between); `device` when
    the only terms are on-device features (Face ID, face detection); `context` for BIPA duties
    in a biometric section without a biometric term.

    BIPA section 15 duties count only where the sentence is about biometric data (a term, or
    "these scans" / "this data" right after a biometric sentence), and only as stated duties:
    a denied sale (c), a denied or consent-bound disclosure (d), protection of that data (e).
    Strength: 3 when the company collects, uses or stores the term, 2 when it is named.
    """
    traps = _spans(BIOMETRIC_TRAP, text) + _spans(BIOMETRIC_LAW, text)
    strong = _outside(_find(BIOMETRIC, text, "biometric"), traps)
    weak = [c for c in _outside(_find(BIOMETRIC_WEAK, text, "biometric"), traps)
            if not any(s.start < c.end and c.start < s.end for s in strong)]  # fmt: skip
    cues = strong + weak
    law = _find(BIOMETRIC_LAW, text, "biometric_law")
    heading = _outside(_find(BIOMETRIC, context.headings, "biometric"),
                       _spans(BIOMETRIC_TRAP, context.headings))  # fmt: skip
    heading += _find(BIOMETRIC_LAW, context.headings, "biometric_law")
    follows = (context.previous_biometric and bool(BIPA_ANAPHORA.search(text))
               and not OTHER_DATA.search(text))  # fmt: skip
    # "... immediately redacts all Underlying Data": the policy's own name for that data
    follows = follows or any(_names_term(text, t) for t in context.biometric_terms)
    in_context = bool(cues) or bool(heading) or follows or bool(law)
    if not in_context:
        return None, False
    elements, element_cues = _bipa_elements(text, about=bool(strong) or follows or bool(heading))
    if not cues and not elements:
        if law:  # the law named: a biometric sentence, collection not said
            return RuleHit("biometrics", tuple(law), "context"), in_context
        return None, in_context
    negations: list[Cue] = []
    strength = 1
    if not cues:
        polarity = "context"  # a BIPA duty in a biometric section; says nothing on collection
    else:
        denied = [_collection_denied(text, c) for c in cues]
        negations = [n for n in denied if n is not None]
        if len(negations) == len(cues):
            polarity = "neg"
        else:
            negations = []
            kept = [c for c in strong if _collection_denied(text, c) is None]
            polarity = "pos" if kept else "device"
            strength = 3 if any(_company_collects(text, c) for c in kept) else 2
    return RuleHit("biometrics", _unique(cues + law + element_cues + negations), polarity,
                   bipa=tuple(elements), strength=strength), in_context  # fmt: skip


def biometric_terms(text: str, row_head: str = "") -> list[str]:
    """Names this sentence gives to data that includes biometric data: a quoted name in
    brackets after a biometric term ('biometric data ("Underlying Data")'), or the first cell
    of a table row that describes a biometric method ("Age Check Data | ... facial age
    estimation ...")."""
    traps = _spans(BIOMETRIC_TRAP, text) + _spans(BIOMETRIC_LAW, text)
    strong = _outside(_find(BIOMETRIC, text, "biometric"), traps)
    if not strong:
        return []
    names = [m.group(1) for m in DEFINED_NAME.finditer(text, strong[0].start)]
    head = row_head.strip()
    if head and ROW_TERM.fullmatch(head) and len(head) >= 6:
        names.append(head)
    return names


def _names_term(text: str, term: str) -> bool:
    return re.search(rf"\b{re.escape(term)}\b", text) is not None


def _company_collects(text: str, cue: Cue) -> bool:
    """The company collects, uses or stores the biometric term: one of its collection verbs
    before the term (not "when you use", not "we rely on your consent"), or the term as the
    subject of a passive ("a model of your voice is temporarily used")."""
    if PASSIVE_COLLECTED.match(text, cue.end):
        return True
    for verb in COLLECT.finditer(text, max(0, cue.start - 160), cue.start):
        before = text[max(0, verb.start() - 25) : verb.start()]
        # "when you use", "It requires a database of ... biometric representations" (a
        # technology explained): not the company collecting
        if re.search(r"\b(?:you|users?|it)\s+(?:\w+\s+)?$", before, I):
            continue
        if re.match(r"\w*\s+on\s+(?:your\s+)?consent", text[verb.end() : verb.end() + 25], I):
            continue
        return True
    return False


def _bipa_elements(text: str, *, about: bool) -> tuple[list[str], list[Cue]]:
    """The section 15 duties this sentence states about biometric data."""
    if not about:
        return [], []
    traps = _spans(BIPA_TRAP, text)
    found: list[str] = []
    cues: list[Cue] = []
    consent = bool(_outside(_find(BIPA_ELEMENTS["b"], text, "bipa_b"), traps))
    for name, pattern in BIPA_ELEMENTS.items():
        hits = _outside(_find(pattern, text, f"bipa_{name}"), traps)
        if name in ("c", "d"):
            # stated as a duty: denied ("we never sell", "is not shared with anyone"), or for
            # (d) a disclosure made only with consent
            hits = [h for h in hits if negation_before(text, h.start) is not None
                    or (name == "d" and consent)]  # fmt: skip
        if hits:
            found.append(name)
            cues += hits
    return found, cues


def _collection_denied(text: str, cue: Cue) -> Cue | None:
    """The negator denying collection/use of the biometric term at `cue`: between the two only
    collection verbs, or verbs asking users not to supply it (or nothing), so "we do not sell
    biometric data" is no denial."""
    neg = negation_before(text, cue.start)
    if neg is None:
        return None
    between = text[neg.end : cue.start]
    verbs = re.findall(r"\b[a-z]+(?:e|s|ed|ing)\b", between, I)
    # "you should not provide", "please do not share": the users are asked not to supply it
    asked = re.search(r"\b(?:you|users?|please)\b[^.;]{0,25}$", text[max(0, neg.start - 40) :
                                                                  neg.start], I)  # fmt: skip
    supply = bool(asked and SUPPLY.search(between))
    sale = re.search(r"\b(?:sell|sold|lease|trade|profit|disclos|transfer|rent)", between, I) or (
        not asked and re.search(r"\bshar(?:e|es|ed|ing)\b", between, I)
    )
    if sale or (verbs and not COLLECT.search(between) and not supply
                and len(between.split()) > 3):  # fmt: skip
        return None
    return neg


def opt_out(text: str, context: Context) -> RuleHit | None:
    """Ways out (and opt-in requirements). About AI training, by strength: 3 when the sentence
    itself says what the way out is for ("you can opt out of model training", "control
    whether your data is used to improve Google AI"); 2 when it refers back to the training
    sentence just before ("You can object to this at ..."); 1 for an explicit opt-out in a
    section about training. A general right to object, or a setting in a section that once
    mentioned AI, is not about training."""
    # "cannot be switched off", "there is no way to opt out": no way out
    ways_out = [w for w in _find(OPT_OUT, text, "opt_out")
                if not NO_WAY_OUT.search(text, max(0, w.start - 30), w.start)]  # fmt: skip
    cues = ways_out + _find(OPT_IN, text, "opt_in")
    if not cues:
        return None
    ai = _ai_terms(text) + _train_terms(text)
    anaphora = bool(ANAPHORA.search(text))
    other_purpose = bool(OPT_OUT_OTHER_PURPOSE.search(text))
    heading_ai = bool(_ai_terms(context.headings) + _train_terms(context.headings))
    if ai_training(text, context) is not None:
        strength = 3
    elif "ai_training" in context.previous and anaphora and not other_purpose:
        strength = 2
    elif (_train_terms(context.headings) and not other_purpose
          and EXPLICIT_OPT_OUT.search(text)):  # fmt: skip
        strength = 1
    elif ways_out and _ai_way_out(text):
        strength = 1  # "you can object ..., such as where generative AI features are based on"
    else:
        strength = 0
    related = bool(ai) or strength > 0 or (heading_ai and not other_purpose)
    return RuleHit("opt_out", _unique(cues + ai), ai_related=related,
                   opt_in_only=not ways_out, training_related=strength > 0,
                   strength=max(1, strength))  # fmt: skip


def _ai_way_out(text: str) -> bool:
    """A way out stated for AI: a plain AI word ("generative artificial intelligence", not
    "algorithms") that is not part of another purpose ("marketing e-mails about our AI"): no
    other purpose before it, or a new clause between ("direct marketing ... or where features
    supported by generative AI are based on legitimate interests")."""
    for term in _plain_ai(text, _ai_terms(text)):
        others = list(OPT_OUT_OTHER_PURPOSE.finditer(text, 0, term.start))
        new_clause = not others or ANOTHER_CLAUSE.search(text, others[-1].end(), term.start)
        if new_clause and not OPT_OUT_OTHER_PURPOSE.search(text, term.end, term.end + 30):
            return True
    return False


def settings_places(text: str) -> list[str]:
    """Places named for a way out when no address is given: "account settings"."""
    return list(dict.fromkeys(" ".join(m.group(1).split()) for m in SETTINGS_PLACE.finditer(text)))


def retention(text: str, context: Context) -> RuleHit | None:
    traps = _spans(RETENTION_TRAP, text)
    retain = _outside(_find(RETAIN, text, "retention"), traps)
    keep = _outside(_find(KEEP, text, "retention"), traps)
    delete = _outside(_find(DELETE, text, "retention"), traps)
    durations = _find(DURATION, text, "duration") + _find(INDEFINITE, text, "duration")
    times = _find(TIME, text, "time")
    data = _find(DATA_WORD, text, "data") + _find(USER_DATA, text, "data")
    cues: list[Cue] = []
    if retain and (data or times or durations or re.search(r"retention", text, I)):
        cues += retain
    if keep and (durations or times):
        cues += keep
    if delete and (durations or times):
        cues += delete
    if not cues and durations and RETENTION_HEADING.search(context.headings):
        cues += durations
    if not cues:
        return None
    return RuleHit("retention", _unique(cues + durations),
                   durations=tuple(dict.fromkeys(normal_duration(text, c) for c in durations)))  # fmt: skip


def normal_duration(text: str, cue: Cue) -> str:
    found = DURATION.fullmatch(text, cue.start, cue.end)
    if found is None:
        return text[cue.start : cue.end].lower()
    number = found.group(1).lower()
    value = int(number) if number.isdigit() else _NUMBER_WORDS[number]
    unit = found.group(2).lower().rstrip("s")
    return f"{value} {unit}{'' if value == 1 else 's'}"


def ai_sharing(text: str, context: Context) -> RuleHit | None:
    """Sharing for AI. Strength 3 when one clause has a share verb, an AI word and a recipient
    (or a sale / licence), or names an AI recipient ("AI service providers", "model
    provider"), or a recipient that trains its own models; 2 when the AI comes from around
    the sentence: the section heading, "that provider" / "for these purposes" right after an
    AI sentence, or a sharing section whose sentence names a recipient (or "they" after one)
    and AI ("They help with things like payment processing, AI technology"). Data bought or
    licensed *from* others, users sharing with the service, and the policy's own company are
    not sharing."""
    share = _outside(_find(SHARE, text, "share"),
                     _spans(INBOUND, text) + _spans(USER_SHARES, text))  # fmt: skip
    ai_all = _ai_terms(text) + _train_terms(text)
    share_section = bool(SHARE_HEADING.search(context.headings))
    if not ai_all and not context.headings and not context.previous and not share_section:
        return None
    recipients_all = [c for c in _find(RECIPIENT, text, "recipient")
                      if text[c.start : c.end] not in context.self_names]  # fmt: skip
    ai_recipients = _find(AI_RECIPIENT, text, "recipient")
    previous_ai = bool(context.previous & {"ai_training", "ai_sharing"}) or bool(
        context.previous_text and _ai_terms(context.previous_text)
    )
    ai_around = bool(_ai_terms(context.headings) + _train_terms(context.headings)) or (
        previous_ai and bool(THAT_RECIPIENT.search(text) or SAME_PURPOSE.search(text))
    )
    anchors: list[Cue] = []
    ai: list[Cue] = []
    recipients: list[Cue] = []
    strength = 2
    for verb in share:
        start, end = _share_span(text, verb.start)
        near_ai = [c for c in ai_all if start <= c.start < end]
        # a verb that starts a list item ("..., customers and trip providers and staff,
        # share people's experiences with prospective travellers") has its recipients after it
        item = bool(re.search(r",\s*$", text[max(0, verb.start - 3) : verb.start]))
        near_recipients = [c for c in recipients_all if start <= c.start < end
                           and not (item and c.start < verb.start)]  # fmt: skip
        # a sale or licence of data ("license your public posts"), not of "our Models"
        sale = SALE_VERB.fullmatch(text, verb.start, verb.end) and (
            DATA_WORD.search(text, verb.end, min(end, verb.end + 60))
            or USER_DATA.search(text, verb.end, min(end, verb.end + 60))
        )
        if (near_ai and (near_recipients or sale)) or (ai_recipients and near_recipients):
            strength = 3
        elif not (ai_around and near_recipients):
            continue
        anchors.append(verb)
        ai += near_ai
        recipients += near_recipients + ai_recipients
    if not anchors:
        # "The provider may not use your drafts to train its own models."
        for train in _train_terms(text):
            start, _ = clause_span(text, train.start)
            before = [c for c in recipients_all if start <= c.start < train.start]
            if before and ai_all and OTHERS_MODELS.search(text, train.end):
                anchors.append(train)
                recipients += before
                ai += ai_all
                strength = 3
    if not anchors:
        # "Human reviewers (including ... our service providers) review some of the data we
        # collect for these purposes", after a sentence about AI models.
        acts = [c for c in recipients_all if _recipient_acts(text, c)]
        if acts and (near := ai_all or (previous_ai and SAME_PURPOSE.search(text))):
            anchors, recipients = acts[:1], acts
            ai += ai_all
            strength = 3 if near is ai_all else 2
    if not anchors:
        # "We do not control ... LLMs' handling of your Inputs ..., including for use in their
        # model training": the users' data is with an AI provider
        handled = _find(AI_HANDLES, text, "recipient") + _find(THIRD_PARTY_AI, text, "recipient")
        if handled:
            anchors, recipients, strength = handled[:1], handled, 3
            ai += ai_all
    # "We may share your Personal Information with third parties as described below:" + "Such
    # third parties further include ... generative AI services"; "We may share any information
    # we receive with vendors ..." + "These entities may include ... machine learning ...".
    shared_before = any(SHARE.search(t) and RECIPIENT.search(t)
                        for t in (context.intro, context.previous_text) if t)  # fmt: skip
    if not anchors and (share_section or shared_before) and ai_all:
        # In a section about disclosure: "These entities process ... for foundation model
        # training", "They help with things like ... AI technology", "AI integrations".
        theirs = bool(PRONOUN_SUBJECT.match(text)) and bool(
            RECIPIENT.search(context.previous_text) or RECIPIENT.search(context.intro)
        )
        integrations = _find(INTEGRATIONS, text, "recipient")
        if ai_recipients or recipients_all or theirs or integrations:
            anchors = (ai_recipients or recipients_all or integrations or ai_all)[:1]
            recipients += ai_recipients + recipients_all + integrations
            ai += ai_all
            strength = 3 if ai_recipients else 2
    if not anchors:
        return None
    polarity, negations, _ = _polarity(text, anchors)
    return RuleHit(
        "ai_sharing", _unique(anchors + ai + recipients + negations), polarity, strength=strength
    )


def _recipient_acts(text: str, recipient: Cue) -> bool:
    """The recipient is the subject of a verb that handles data: "reviewers from our service
    providers review ..." (not "third parties: ... we access ...")."""
    act = RECIPIENT_ACTS.search(text, recipient.end, recipient.end + 60)
    if act is None:
        return False
    between = text[recipient.end : act.start()]
    return not re.search(r"[.:;,]|\b(?:we|you|us|our)\b", between, I)


def _share_span(text: str, pos: int) -> tuple[int, int]:
    """The clause of a share verb; a clause ending in ':' runs on into the list after it
    ("may be shared in the following ways: with service providers, ... third party AI
    models")."""
    start, end = clause_span(text, pos)
    if text[end : end + 1] == ":":
        following = CLAUSE_BREAK.search(text, end + 1)
        end = following.start() if following else len(text)
    return start, end


def links_in(text: str) -> list[str]:
    """URLs, e-mail addresses and settings paths ("Settings > Data Controls") in the text."""
    found: list[str] = []
    for pattern in (URL, BARE_URL):
        found += [m.group().rstrip(".,;:!?)]}»”’'") for m in pattern.finditer(text)]
    found += ["mailto:" + m.group() for m in EMAIL.finditer(text)]
    found += [" ".join(m.group().split()) for m in SETTINGS_PATH.finditer(text)]
    unique: list[str] = []
    for item in found:
        if item and not any(item in other for other in unique):
            unique = [u for u in unique if u not in item] + [item]
    return unique


def _unique(cues: list[Cue]) -> tuple[Cue, ...]:
    """Sorted, without exact duplicates; negation cues kept even where they overlap others."""
    return tuple(sorted(set(cues), key=lambda c: (c.start, -c.end, c.kind)))


def classify(text: str, context: Context) -> tuple[dict[str, RuleHit], bool]:
    """All categories for one sentence, and whether it is in a biometric context.

    Web and e-mail addresses are blanked first: ".../biometric-policy" or ".../opt-out" in a
    URL is not a cue."""
    masked = _mask_addresses(text)
    for name in context.self_names:  # "Mistral AI Products" has no AI word in it
        masked = masked.replace(name, "x" * len(name))
    hits: dict[str, RuleHit] = {}
    for hit in (ai_training(masked, context), metadata(masked), opt_out(masked, context),
                retention(masked, context), ai_sharing(masked, context)):  # fmt: skip
        if hit is not None:
            hits[hit.category] = hit
    bio, bio_context = biometrics(masked, context)
    if bio is not None:
        hits["biometrics"] = bio
    return hits, bio_context


def _mask_addresses(text: str) -> str:
    for pattern in (URL, BARE_URL, EMAIL):
        text = pattern.sub(lambda m: "x" * len(m.group()), text)
    return text
