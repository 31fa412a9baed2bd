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

I = re.IGNORECASE


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


def _rx(*alternatives: str, flags: int = I) -> re.Pattern[str]:
    """One pattern of alternatives. When every alternative starts at a word boundary, a
    lookahead lets `re` skip the other positions quickly (about 3x faster on long lexicons)."""
    body = "|".join(f"(?:{a})" for a in alternatives)
    branches = [b for a in alternatives for b in _top_level_branches(a)]
    starts_words = all(b.startswith((r"\b", r"(?-i:\b")) for b in branches)
    return re.compile(f"(?=\\b\\w)(?:{body})" if starts_words else body, flags)


def _top_level_branches(pattern: str) -> list[str]:
    """Split a regex at the '|' that are outside groups and character classes."""
    branches, depth, start, escaped, in_class = [], 0, 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    return [*branches, pattern[start:]]


# --- lexicons ------------------------------------------------------------------------------

AI_TERM = _rx(
    r"\bartificial[- ]intelligence\b",
    r"(?-i:\bA\.?I\b\.?)",
    r"\bgen(?:erative)?[- ]?(?-i:AI)\b",
    r"\bmachine[- ]learning\b",
    r"(?-i:\bML\b)",
    r"\bdeep[- ]learning\b",
    r"\bneural[- ]net(?:work)?s?\b",
    r"\b(?:large[- ])?language[- ]models?\b",
    r"(?-i:\bLLMs?\b)",
    r"\bfoundation(?:al)?[- ]models?\b",
    r"(?-i:\bGPTs?\b)",
    r"\bmodels?\b",
    r"\balgorithm(?:s|ic)?\b",
    r"\bchat-?bots?\b",
    r"\b(?:generative|predictive)\s+(?:features?|tools?|technolog(?:y|ies)|systems?|products?)\b",
)
# AI words that also name ordinary software: "improve the features, algorithms, and usability"
# says nothing of machine learning unless a plainer AI word is beside it.
WEAK_AI_WORD = re.compile(r"(?:models?|algorithm(?:s|ic)?)", I)
MODEL_TRAP = _rx(
    r"\b(?:business|pricing|revenue|subscription|operating|delivery|service|data|threat|"
    r"security|role|financial|economic|governance|care|support|engagement|licensing|freemium|"
    r"hybrid|cost|device|phone|car|vehicle|hardware|product|risk|attribution|marketing|"
    r"advertising|staffing|organizational|organisational)\s+models?\b",
    r"\bmodels?\s+(?:numbers?|years?|names?|releases?|clauses|contractual\s+clauses|contracts?)\b",
    r"\bmodel\s+(?:citizen|home|agreement)s?\b",
    r"\b(?:make|model)\s*(?:,|and|&|or)\s*(?:model|make)\b",
    r"\bmodels?\s*,?\s+(?:and\s+)?(?:license|licence|registration|number\s+plates?|plates?|"
    r"colou?rs?|year|VIN)\b",
)
TRAIN = _rx(
    r"\b(?:re-?|pre-?)?train(?:s|ed|ing)?\b",
    r"\bfine[- ]?tun(?:e|es|ed|ing)\b",
)
HUMAN_TRAINING = _rx(
    r"\btrain(?:s|ed|ing)?\s+(?:of\s+)?(?:our|its|their|all|the|new|your)?\s*(?:own\s+)?"
    r"(?:staff|employees?|personnel|team(?:\s+members)?|workforce|agents|representatives|"
    r"contractors|people|volunteers|managers|workers|dogs?|pets?)\b",
    r"\b(?:staff|employee|personnel|security|privacy|compliance|awareness|customer[- ]service|"
    r"mandatory|annual|regular|periodic|onboarding|internal|sales|safety|workforce|team|"
    r"professional|data[- ]protection|job|skills?|on-the-job|first[- ]aid|fitness|"
    r"cybersecurity|vocational)\s+training\b",
    r"\btraining\s+(?:programs?|programmes?|sessions?|courses?|materials?|modules?|videos?|"
    r"requirements?|records?|and\s+(?:education|awareness|development))\b",
    r"\b(?:quality(?:\s+(?:assurance|control))?|monitoring|coaching)\s+(?:and|&)\s+training\b",
    r"\btraining\s+(?:and|&)\s+(?:quality|coaching)\b",
    r"\b(?:trained|training)\s+(?:on|in)\s+(?:privacy|security|data\s+protection|"
    r"confidentiality|the\s+handling|how\s+to|handling|our\s+policies|applicable\s+law)\b",
    r"\b(?:staff|employees|personnel|team\s+members|workforce|agents|representatives|"
    r"contractors|people|reviewers)\s+(?:\w+\s+){0,3}?(?:are|is|receive|undergo|complete|get)\s+"
    r"(?:\w+\s+){0,2}?train(?:ed|ing)\b",
    r"\btrained\s+(?:staff|professionals?|personnel|employees|teams?|experts?|reviewers?|"
    r"annotators?|moderators?|specialists?|people|raters?|agents|service\s+providers?|"
    r"vendors?|contractors?)\b",
    r"\btrain\s+stations?\b",
)
DEVELOP = _rx(
    r"\bdevelop(?:s|ed|ing|ment)?\b",
    r"\bimprov(?:e|es|ed|ing|ement|ements)\b",
    r"\bbuild(?:s|ing)?\b|\bbuilt\b",
    r"\bcreat(?:e|es|ed|ing)\b",
    r"\benhanc(?:e|es|ed|ing|ement)\b",
    r"\brefin(?:e|es|ed|ing|ement)\b",
    r"\bteach(?:es|ing)?\b|\btaught\b",
    r"\bevaluat(?:e|es|ed|ing)\b",
    r"\boptimi[sz](?:e|es|ed|ing)\b",
    r"\bupdat(?:e|es|ed|ing)\b",
    r"\brevis(?:e|es|ed|ing)\b",
)
AI_NOUN_USE = _rx(
    r"\b(?:model|AI|ML|algorithm|machine[- ]learning)\s+(?:development|improvement|training|"
    r"evaluation|tuning)\b",
    r"\b(?:mak(?:e|es|ing)|help(?:s|ing)?)\s+(?:\w+\s+){0,3}?models?\s+(?:better|smarter|"
    r"safer|more\s+\w+)\b",
)
DATA_WORD = _rx(
    r"\b(?:data|info|information|content|inputs?|prompts?|conversations?|chats?|messages?|uploads?|"
    r"files?|photos?|images?|videos?|recordings?|posts?|comments?|queries|feedback|"
    r"interactions?|outputs?|documents?|transcripts?|text|audio|submissions?|materials?|"
    r"datasets?|responses|answers)\b",
    r"\b(?:use|using|used|uses)\s+(?:it|them)\b",
)
USER_DATA = _rx(
    r"\b(?:your|users?['’]?|customers?['’]?|members?['’]?|personal|subscribers?['’]?|"
    r"consumers?['’]?|individuals?['’]?|account\s+holders?['’]?|end[- ]users?['’]?)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:data|information|content|inputs?|prompts?|conversations?|chats?|"
    r"messages?|uploads?|files?|photos?|images?|videos?|recordings?|posts?|comments?|queries|"
    r"questions|feedback|interactions?|outputs?|documents?|transcripts?|submissions?|works?|"
    r"creations|activity|usage|voice|likeness|responses|answers)\b",
    r"\b(?:prompts?|conversations?|chat\s+(?:logs?|history|histories|transcripts?)|chats|"
    r"uploads?|uploaded|user[- ]generated|UGC|inputs?)\b",
    r"\b(?:data|information|content|materials?|files|text|images|works)\s+(?:that\s+|which\s+)?"
    r"(?:you|users|customers|members|we\s+(?:collect|receive|obtain|process))\b",
    r"(?-i:\b(?:Content|Customer\s+Data|Customer\s+Content|User\s+Content|Your\s+Content|"
    r"Materials|Submissions|Inputs|Outputs|Personal\s+Data)\b)",
    r"\b(?:such|this|these|that)\s+(?:data|information|content)\b",
    r"\b(?:use|using|used|uses)\s+(?:it|them)\b",
    r"\b(?:business|workspace|enterprise|organi[sz]ation|team|account|customer)\s+"
    r"(?:data|content|information)\b",
    r"\bpublic\s+(?:posts?|photos?|profiles?|content|comments?|videos?|images?|activity)\b",
    r"\b(?:info(?:rmation)?|data|content|messages|photos|files)\s+(?:that\s+)?you\s+(?:share|"
    r"shared|provide|provided|submit|submitted|upload|uploaded|post|posted|send|sent)\b",
    r"\b(?:info(?:rmation)?|data|content|messages|photos|files)\s+(?:shared|provided|submitted|"
    r"uploaded|posted|sent)\s+(?:with\s+(?:us|our|the|AI|\w+\s+AI)|to\s+us|by\s+you)\b",
)
TRAIN_OBJECT = _rx(
    r"\b(?:our|the|its|their)\s+(?:\w+\s+)?(?:systems?|services|products|technolog(?:y|ies)|"
    r"tools|features|assistants?|classifiers?|engines?)\b"
)
PUBLIC_DATA = _rx(r"\bpublicly\s+available\b|\bpublic\s+(?:data|sources|web|internet)\b|"
                  r"\blicensed\s+(?:data|datasets|content)\b|\bsynthetic\s+data\b")  # fmt: skip

NEGATOR = _rx(
    r"\b(?:not|never|no|neither|nor|cannot|none)\b",
    r"n['’]t\b",
    r"\bno\s+longer\b",
    r"\b(?:prohibit|restrict|forbid|forbidden|bar|preclud|refrain|exclud)\w*\s+(?:\w+\s+){0,4}?"
    r"from\b",
    # "(but excluding model training)"
    r"\bexcluding(?=\s+(?:\w+\s+){0,2}?(?:train|fine-?tun|model\s+train|AI\s+train))",
)
# "develop new products (but excluding model training)": the AI word is excluded.
EXCLUDING = _rx(r"\b(?:excluding|except(?:\s+for)?|other\s+than|not\s+including|apart\s+from)\b")
NOT_A_DENIAL = _rx(
    r"\bnot\s+(?:only|limited|necessarily|just|merely|always|all)\b",
    r"\bno\s+(?:later|more|less|fewer|sooner|longer)\s+than\b",
    r"\bno\s+matter\b",
    r"\bwhether\s+or\s+not\b",
    r"\bif\s+not\b",
    r"\bor\s+not\b",
    r"\b(?:choose|chose|elect|decide|ask\s+us|request\s+that\s+we|prefer|opt|want\s+us|"
    r"instruct\s+us|tell\s+us)\s+not\b",
    r"\bif\s+you\s+(?:do\s+not|don['’]t|would\s+(?:rather\s+)?not|prefer\s+not|no\s+longer)\b",
    r"\bdo\s+not\s+(?:sell|share)\s+(?:or\s+share\s+)?my\b",
    r"\bno\s+longer\s+(?:needed|necessary|required|relevant|active)\b",
    r"\bnot\s+(?:needed|necessary|required)\s+(?:any\s+)?(?:longer|anymore)\b",
    r"\bno\.\s*\d",
    r"\b(?:can|may|could|might|to)\s+(?:\w+\s+)?exclud\w*",
    # "we do not control, and are not responsible for, LLMs' handling of your Inputs"
    r"\bnot\s+(?:\w+\s+)?(?:control|responsible|liable|accountable)\b",
)
CLAUSE_BREAK = _rx(
    r"[;:]",
    r"\s[-–—]\s",
    # "including but not limited to" continues the clause it is in
    r"\b(?:but(?!\s+not\s+limited)|however|except|unless|although|though|whereas|while|"
    r"instead|if|when|whenever|which|who|whom|otherwise)\b",
    r"\bprovided\s+that\b",
    r",\s+(?:and|or|so)\s+(?=(?:we|you|they|it|our|your|this)\b)",
    # "Where we do not rely on consent, we use ...": a subject after a comma starts a clause.
    r",\s+(?=(?:we|they)\b|you\s+(?:can|may|will|have|are|must|should|agree|consent|choose)\b)",
)
# An aside inside a negated clause does not end it: "We do not, except as the law requires,
# use ...", "We do not use your content - chats, files or photos - to train ...".
ASIDE_OPEN = re.compile(r"(?:\b(?:not|never)|n['’]t)\s*,\s*$", re.IGNORECASE)
DASH = re.compile(r"\s[-–—]\s")
INNER_CONDITION = re.compile(r",\s+(?:unless|except|if|where|when|other\s+than)\b", re.IGNORECASE)
SUBJECT_NEXT = re.compile(r"\s*(?:we|you|they|it|he|she|i|this|these|those|our|your|their|the\s+\w+"
                          r"\s+(?:is|are|will|may|can))\b", re.IGNORECASE)  # fmt: skip
NEGATION_REACH = 320  # characters: a negated verb's object may be a long list
NEGATION_NEAR = 100
# A verb that takes data as its object, right after a negator ("not use", "never be shared",
# "do not aim to collect", "not designed or intended to process").
DATA_VERB = re.compile(
    r"(?:\s+(?:\w+ly|be|been|being|have|has|had|do|does|did|to|aim|aims|intend|intends|"
    r"designed|intended|or|and|directly|ever|currently|knowingly|otherwise|any\s+longer)\b)*"
    r"\s+(?:use|using|used|uses|process\w*|shar\w+|disclos\w*|sell|sold|rent|lease|licens\w*|"
    r"transfer\w*|provid\w*|train\w*|fine-?tun\w*|develop\w*|improv\w*|creat\w*|collect\w*|"
    r"stor\w*|retain\w*|keep|kept|captur\w*|extract\w*|mine|obtain\w*|receiv\w*|access\w*|"
    r"send|sent|transmit\w*|make\w*|give|grant\w*|allow\w*|permit\w*|ask\w*|require\w*|"
    r"analy[sz]\w*|scan\w*|generat\w*|record\w*|includ\w*|add\w*|feed\w*|employ\w*|"
    r"apply|applies|rely|relies|submit\w*|upload\w*|enter\w*)\b",
    re.IGNORECASE,
)
OPT_IN_CONDITION = _rx(
    r"\b(?:if|when|once|only\s+if|only\s+when|where|after)\s+you\s+(?:\w+\s+){0,3}?"
    r"(?:opt[- ]?in|consent|agree|choose\s+to\s+(?:share|participate|opt\s+in|contribute)|"
    r"enable|turn\s+on|allow|permit|give\s+(?:us\s+)?(?:your\s+)?(?:permission|consent)|"
    r"join|sign\s+up|participate|volunteer)",
    r"\bwith\s+your\s+(?:\w+\s+)?(?:consent|permission|authori[sz]ation|agreement)\b",
    r"\bopt(?:s|ed)?[- ]in\b",
    r"\bunless\s+you\s+(?:\w+\s+){0,2}?(?:opt[- ]?in|consent|agree|choose\s+to|give)",
    r"\bwithout\s+your\s+(?:\w+\s+)?(?:consent|permission)\b",
)
OPT_OUT = _rx(
    r"\bopt(?:ing|s|ed)?[- ]?out\b",
    r"\bopt-?outs?\b",
    r"\bunsubscrib\w*",
    r"\b(?:withdraw\w*|revok\w*|rescind\w*)\s+(?:\w+\s+){0,3}?(?:consent|permission|"
    r"authori[sz]ation)",
    r"\bobject(?:s|ed|ing)?\s+to\b",
    r"\bright\s+to\s+object\b",
    r"\bobjections?\b",
    r"\b(?:you|have|has)\s+(?:already\s+)?objected\b",
    r"\bunless\s+you\s+(?:\w+\s+)?object\b",
    r"\b(?:control|choose|decide|select)\s+whether\b",
    r"\b(?:can|may|might|could)\s+(?:also\s+)?object\b",
    r"\b(?:turn(?:ing|s|ed)?|switch(?:ing|es|ed)?|toggl\w*)\s+(?:[\w\"'“”‘’-]+\s+){0,5}?off\b",
    r"\btoggle\b",
    r"\b(?:disabl(?:e|es|ed|ing)|deactivat(?:e|es|ed|ing))\b",
    r"\b(?:manag|chang|adjust|updat|control|review)\w*\s+(?:\w+\s+){0,4}?(?:settings?|"
    r"preferences|choices|permissions)\b",
    r"\bprivacy\s+(?:settings|controls|choices|dashboard|preferences)\b",
    r"\bdata\s+controls\b",
    r"\bsettings\s*(?:>|›|→|»|->)",
    r"\bdo\s+not\s+(?:sell|share)\b(?=\s+(?:or\s+share\s+)?my\b)",
    r"\bglobal\s+privacy\s+control\b",
    r"(?-i:\bGPC\b)",
    r"\blimit\s+(?:the\s+)?(?:use|disclosure|processing)\b",
    r"\b(?:choose|elect|decide|ask\s+us|request\s+that\s+we)\s+not\s+to\b",
    r"\bstop\s+(?:us\s+)?(?:from\s+)?using\b",
    r"\b(?:can|may)\s+(?:always\s+|also\s+)?choose\s+(?:whether|not|to\s+(?:allow|enable|"
    r"disable|limit|turn|stop|share|exclude|withhold))\b",
    r"\b(?:refus|reject|block|declin)\w*\s+(?:\w+\s+){0,2}?cookies\b",
    r"\bcookie\s+(?:settings|preferences|banner|manager)\b",
    r"\b(?:exclude|remove)\s+(?:your\s+)?(?:\w+\s+)?(?:content|data|conversations?|chats?|"
    r"site|website|work|images?)\s+from\s+(?:\w+\s+){0,2}?(?:training|models?|datasets?|"
    r"AI)\b",
)
# Opt-in and consent requirements: in the opt_out category, but not a way *out*.
OPT_IN = _rx(
    r"\bopt(?:ing|s|ed)?[- ]?in\b",
    r"\bopt-?ins?\b",
    r"\b(?:your|with\s+your|without\s+your|prior|express|explicit|affirmative|written|"
    r"informed|separate)\s+(?:\w+\s+)?consent\b",
    r"\bconsent\s+to\b",
    r"\b(?:with|without)\s+your\s+(?:\w+\s+)?(?:permission|authori[sz]ation|agreement)\b",
)
OPT_OUT_OTHER_PURPOSE = _rx(
    r"\b(?:marketing|e-?mails?|newsletters?|advertis\w*|promotional|text\s+messages|SMS|"
    r"push\s+notifications|sale\s+of|sell\w*|targeted|interest-based|cookies?)\b"
)
ANAPHORA = _rx(r"\b(?:this|that|such|these|it|them)\b")
SAME_PURPOSE = _rx(
    r"\b(?:this|that|such|these|those|the\s+same)\s+(?:purposes?|uses?|training|way)\b",
    r"\bfor\s+(?:it|this|that)\b",
)
# A way out that says the default is "on": opt out, turn off, object, stop.
EXPLICIT_OPT_OUT = _rx(
    r"\bopt(?:ing|s|ed)?[- ]?out\b",
    r"\b(?:you|have|has)\s+(?:already\s+)?objected\b",
    r"\bunless\s+you\s+(?:\w+\s+)?object\b",
    r"\b(?:turn(?:ing|s|ed)?|switch(?:ing|es|ed)?)\s+(?:[\w\"'“”‘’-]+\s+){0,5}?off\b",
    r"\b(?:disabl(?:e|es|ed|ing)|deactivat(?:e|es|ed|ing))\b",
    r"\bobject(?:s|ed|ing)?\s+to\b",
    r"\bright\s+to\s+object\b",
    r"\bstop\s+(?:us\s+)?(?:from\s+)?using\b",
    r"\b(?:exclude|remove)\s+(?:your\s+)?(?:\w+\s+)?(?:content|data|conversations?|chats?)\s+from\b",
)
# A choice offered without saying which way it is set.
NEUTRAL_CHOICE = _rx(
    r"\b(?:choose|decide|control|manage|select|determine)\s+(?:\w+\s+){0,2}?(?:whether|if|how)\b",
    r"\bpreferences?\s+(?:regarding|about|for|on|as\s+to)\b",
    r"\bmanage\s+(?:your\s+)?(?:\w+\s+)?preferences\b",
)
# A setting switched off as the condition: "If Keep Activity is off, we do not use ...".
SETTING_OFF = _rx(r"\b(?:is|are)\s+(?:turned\s+|switched\s+|set\s+to\s+)?(?:off|disabled)\b")
# Clauses that make an exception to what came before.
EXCEPTION = re.compile(r"\b(?:unless|except|other\s+than|apart\s+from|save\s+for)\b", I)
# "training data", "fine-tuning datasets": a kind of data; a use verb makes it a statement.
TRAINING_NOUN = re.compile(r"(?:re-?|pre-?)?(?:train\w*|fine[- ]?tun\w*)\s+(?:data|datasets?|sets?|"
                           r"corpus|corpora|materials?|examples)\b", I)  # fmt: skip
USE_VERB = _rx(r"\b(?:use|uses|used|using|process\w*|rely|relies|include[sd]?|add(?:s|ed)?)\b")
# Data that comes from elsewhere, not from the users.
OTHER_SOURCES = re.compile(
    r"\s*(?:\w+\s+){0,3}?(?:from|via|through|by)\s+(?:\w+\s+)?(?:third[- ]part(?:y|ies)|other|external|"
    r"public(?:ly)?|online|commercial)\b(?:\s+\w+)?",
    I,
)
# Data a third-party API or sign-in provider gives the service: "We do not use data obtained
# through Google Workspace APIs to train AI models" is the disclosure Google's API policy asks
# for, and says nothing of the content users make in the service itself.
API_DATA = _rx(
    r"\b(?:Google|Workspace|Gmail|Drive|Calendar|Microsoft\s+Graph|Slack|third[- ]party)\s+"
    r"(?:\w+\s+)?APIs?\b",
    r"\bGoogle\s+user\s+data\b",
    r"\bdata\s+(?:obtained|received|accessed)\s+(?:through|from|via)\s+(?:\w+['’]?s?\s+){0,4}?"
    r"(?:APIs?|identity\s+(?:and\s+access\s+management\s+)?providers?)\b",
    r"(?-i:\bIDP\s+data\b)",
)
OWN_MARK = _rx(r"\b(?:your|you|users?['’]?|customers?['’]?|members?['’]?|subscribers?['’]?)\b",
               r"\bwe\s+(?:collect|receive)\b")  # fmt: skip
PUBLIC_BEFORE = re.compile(r"\b(?:publicly\s+available|public|third[- ]party|licensed)\s+$", I)
TOPIC_BEFORE = re.compile(r"\b(?:in\s+relation\s+to|regarding|with\s+respect\s+to|concerning|as\s+"
                          r"regards|about)\s+[^,.;]{0,40}$", I)  # fmt: skip
# A sentence that only points elsewhere, or asks.
POINTER = _rx(
    r"\bfor\s+(?:more\s+|further\s+|additional\s+)?(?:information|details|detail)\s+(?:about|on|"
    r"regarding|see|please)\b",
    r"\bfor\s+(?:more|further)\s+(?:information|details)\b",
    r"\b(?:to\s+)?learn\s+more\b",
    r"\bplease\s+(?:see|refer|read|visit|review|consult)\b",
    r"\b(?:see|read|visit|consult)\s+(?:our|the|this|these)\b",
    r"\brefer\s+to\s+(?:our|the)\b",
    r"\b(?:details|information|explains?|describes?|explanations?)\s+(?:\w+\s+){0,2}?(?:on|about|of)?"
    r"\s*how\s+(?:we|our|\w+\s+uses)\b",
)

METADATA = _rx(
    r"\bIP\s+address(?:es)?\b",
    r"(?-i:\bIP\b)",
    r"\binternet\s+protocol\b",
    r"\bdevice\s+(?:identifiers?|IDs?|information|data|type|model|characteristics|"
    r"attributes|settings|fingerprint\w*|name|events)\b",
    r"\bunique\s+(?:device\s+)?identifiers?\b",
    r"\badvertising\s+(?:identifiers?|IDs?)\b",
    r"(?-i:\b(?:IDFA|AAID|GAID|IMEI|UDID|IDFV)\b)",
    r"\bMAC\s+address(?:es)?\b",
    r"\bhardware\s+(?:model|identifiers?|settings)\b",
    r"\bserial\s+numbers?\b",
    r"\bbrowsers?\b",
    r"\buser[- ]agent\b",
    r"\boperating\s+systems?\b",
    r"(?-i:\bOS\b)",
    r"\bplatform\s+type\b",
    r"\b(?:precise|approximate|general|coarse|real[- ]time|physical|device)\s+location\b",
    r"\blocation\s+(?:data|information|services|history|signals)\b",
    r"\bgeo-?location\b",
    r"(?-i:\bGPS\b)",
    r"\blatitude\b",
    r"\blongitude\b",
    r"\byour\s+location\b",
    r"\bcookies?\b",
    r"\b(?:tracking\s+)?pixels?(?:\s+tags?)?\b",
    r"\bweb\s+beacons?\b",
    r"\btracking\s+technolog(?:y|ies)\b",
    r"(?-i:\bSDKs?\b)",
    r"\blocal\s+storage\b",
    r"\blog\s+(?:data|files?|information)\b",
    r"\bserver\s+logs?\b",
    r"\busage\s+(?:data|information|statistics|logs?|details|activity|patterns)\b",
    r"\bclick-?stream\b",
    r"\bpages?\s+(?:you\s+)?(?:visited|viewed|visit)\b",
    r"\breferr(?:ing|er|al)\s+(?:URLs?|pages?|websites?|sites?)\b",
    r"\btime\s*stamps?\b",
    r"\baccess\s+times?\b",
    r"\bdates?\s+and\s+times?\b",
    r"\bcrash\s+(?:reports?|logs?|data)\b",
    r"\bdiagnostic\s+(?:data|information)\b",
    r"\bperformance\s+data\b",
    r"\binteraction\s+data\b",
    r"\bactivity\s+(?:data|logs?)\b",
    r"\bbrowsing\s+(?:history|activity|data)\b",
    r"\bsearch\s+(?:history|queries)\b",
    r"\baccount\s+(?:information|data|details|credentials|name|numbers?)\b",
    r"\blog-?in\s+(?:information|credentials|details)\b",
    r"\busernames?\b",
    r"\bpasswords?\b",
    r"\bpayment\s+(?:information|data|details|card|method)s?\b",
    r"\bbilling\s+(?:information|address|details|data)\b",
    r"\bcredit\s+(?:or\s+debit\s+)?cards?\b",
    r"\bdebit\s+cards?\b",
    r"\bbank\s+account\b",
    r"\btransaction\s+(?:history|data|information|details)\b",
    r"\bpurchase\s+history\b",
    r"\btime\s+zone\b",
    r"\blanguage\s+(?:preferences?|settings)\b",
    r"\bscreen\s+(?:resolution|size)\b",
    r"\bmobile\s+(?:network|carrier)\b",
    r"\bnetwork\s+(?:information|carrier|type)\b",
    r"(?-i:\bISP\b)",
    r"\binternet\s+service\s+provider\b",
    r"\bwi-?fi\b",
    r"\bbluetooth\b",
    r"\bconnection\s+type\b",
    r"\bmeta-?data\b",
    r"\btelemetry\b",
    r"\b(?:device|browser|canvas)\s+fingerprint\w*\b",
    r"\bfingerprinting\b",
    r"\bautomatically\s+(?:collect|receiv|record|log|gather)\w*",
    r"\banalytics\b",
    r"\b(?:activity|usage|technical|device|network)\s+information\b",
    r"\blogs?\s+of\s+(?:your\s+)?(?:activity|usage|access|interactions?)\b",
    r"\btime\s+(?:you\s+)?spen[dt]\b",
    r"\b(?:searches|queries)\s+you\b",
    r"\b(?:posts|content|pages|features|ads)\s+you\s+(?:like|view|click|interact\s+with|use)\b",
    r"\bhow\s+you\s+(?:use|interact\s+with|access|navigate)\b",
    r"\binformation\s+about\s+(?:your|the)\s+(?:device|computer|phone|browser)\w*",
)
METADATA_TRAP = _rx(
    r"\bbrowser\s+(?:extensions?|add-?ons?|plug-?ins?)\b",
    r"\bcookies?\s+policy\b",
)
# Registration data (name, e-mail, ...) counts as account data only when an account is made.
ACCOUNT_CONTEXT = _rx(
    r"\bregist(?:er|ers|ering|ration)\b",
    r"\bsign(?:s|ing)?\s+up\b",
    r"\b(?:create|open|set\s+up)\w*\s+(?:\w+\s+)?account\b",
    r"\baccount\s+creation\b",
)
ACCOUNT_FIELDS = _rx(
    r"\b(?:e-?mail\s+address(?:es)?|phone\s+numbers?|date\s+of\s+birth|birth\s*date|"
    r"(?:user|full\s+|first\s+|last\s+)?names?|passwords?|age|gender|sex|country)\b"
)
BIOMETRIC = _rx(
    r"\bbiometrics?\b",
    r"\bface-?prints?\b",
    r"\bfacial\s+(?:recognition|geometry|features|scans?|templates?|data|analysis|landmarks|"
    r"measurements|mapping|characteristics|identification|verification|biometrics|"
    r"signatures?|images?\s+used\s+to\s+identify|expressions?)\b",
    r"\bface\s+(?:geometry|recognition|scans?|templates?|data|matching|embeddings?|prints?|"
    r"identification|verification|mapping)\b",
    r"\bscans?\s+of\s+(?:hand|face)\s+geometry\b",
    r"\bvoice-?prints?\b",
    r"\bvoice\s+(?:recognition|identification|biometrics|signatures?|templates?|ID|match\w*|"
    r"verification|profiles?\s+used\s+to\s+identify)\b",
    r"\bspeaker\s+(?:recognition|identification|verification)\b",
    r"\bfingerprints?\b",
    r"\bfinger\s*(?:scans?|prints?)\b",
    r"\bthumb-?prints?\b",
    r"\biris(?:es)?\b",
    r"\bretina(?:l)?\s*(?:scans?|patterns?|images?)?\b",
    r"\bhand\s+(?:geometry|scans?)\b",
    r"\bpalm\s*(?:prints?|veins?|scans?)\b",
    r"\bgait\s+(?:analysis|recognition)\b",
    r"\bkeystroke\s+dynamics\b",
    # A model of someone's voice or face is a template: "a model of your voice" (Voice Match).
    r"\b(?:model|template|print|profile|signature)s?\s+of\s+(?:your|a\s+person['’]s|their|"
    r"the\s+user['’]s|each\s+user['’]s)\s+(?:voice|face)\b",
    r"\bfac(?:e|ial)[- ]grouping",
    r"\bfac(?:e|ial)[- ](?:based\s+)?age\s+(?:estimation|assurance|verification|checks?)\b",
    r"\b(?:photo|picture|image|scan|video)s?\s+of\s+your\s+face\s+(?:\w+\s+){0,3}?(?:to|for)\s+"
    r"(?:verify|verification|confirm|match|estimate|identify)",
    r"\bmatch\w*\s+(?:your|a|the)\s+face\b",
    # face verification against an ID: "is compared with the portrait image on your ID document"
    r"\bcompar\w*\s+(?:\w+\s+){0,2}?(?:with|to|against)\s+the\s+(?:portrait|photo(?:graph)?|picture|"
    r"face|image)\s+(?:image\s+|photo\s+)?(?:on|in|of)\s+(?:your|the)\s+(?:\w+\s+)?(?:ID|identity|"
    r"passport|driver['’]?s?|government)",
)
# On-device or detection-only features: in the category, but no sign the company gets the data.
BIOMETRIC_WEAK = _rx(
    r"(?-i:\b(?:Face|Touch)\s+ID\b)",
    r"\b(?:face|fingerprint)\s+unlock\b",
    r"\bunlock\s+(?:\w+\s+){0,4}?with\s+(?:your\s+)?(?:fingerprint|face)\b",
    r"\b(?:face|facial)\s+(?:detection|filters?|effects?|tracking)\b",
    r"\b(?:detect|track|locat|find)\w*\s+(?:\w+\s+){0,4}?(?:your|a|the)\s+face\b",
    # the phone's own check: "generate PIN via biometrics if you have this activated"
    r"\b(?:PIN|passcode|password|unlock|log\s*in|sign\s*in)\s+(?:\w+\s+){0,3}?(?:via|with|using|by)\s+"
    r"(?:your\s+)?(?:device['’]s\s+)?biometrics\b",
)
# The law's name is context (a biometric section), not a sign that anything is collected.
BIOMETRIC_LAW = _rx(
    r"(?-i:\bBIPA\b)",
    r"\bbiometric\s+information\s+privacy\s+act\b",
    r"\b740\s+ILCS\s+14\b",
    r"\bcapture\s+or\s+use\s+of\s+biometric\s+identifiers?\s+act\b",
)
BIOMETRIC_TRAP = _rx(
    # a definition: "Personal data also includes biometric, genetic, and special category data
    # as defined under GDPR"
    r"\b(?:personal|sensitive)\s+(?:data|information)\s+(?:also\s+)?(?:includes?|means|"
    r"covers|comprises)\b[^.;]{0,120}?\bas\s+defined\s+(?:under|in|by)\b",
    r"\b(?:device|browser|canvas|digital|unique|radio|audio)\s+fingerprint\w*\b",
    # e-passports and chip ID cards: "a biometric ID document", "biometric passports"
    r"\bbiometric\s+(?:ID\s+|identity\s+|travel\s+)?(?:documents?|passports?|IDs|ID\s+cards?)\b",
    # physical security of data centres: "24/7 guards, biometric access, CCTV"
    r"\bbiometric\s+(?:access|entry|locks?|door\s+locks?|readers?|scanners?)\b(?!\s+(?:data|"
    r"information|templates?|identifiers?))",
    r"\bfingerprinting\b",
    r"\bfingerprints?\s+(?:of|on)\s+(?:your|the)\s+(?:device|browser)\b",
)
COLLECT = _rx(
    r"\b(?:collect|use|process|captur|obtain|stor|scan|creat|extract|analy[sz]|employ|rely|"
    r"possess|receiv|gather|generat|record|derive|require|ask|request|infer|access)\w*\b"
)
# BIPA section 15 duties, each a predicate that must be stated about biometric data: the
# sentence names biometric data (or continues a sentence that did: "these scans", "this data").
BIPA_ELEMENTS: dict[str, re.Pattern[str]] = {
    # (a) a retention schedule / destruction rule: how long it is kept or when it is destroyed.
    "a": _rx(
        r"\bretention\s+(?:schedule|policy|period)\b",
        r"\bdestruction\s+(?:schedule|policy|guidelines)\b",
        r"\bguidelines\s+for\s+(?:permanently\s+)?destroy\w*",
        r"\b(?:permanently|securely|automatically|immediately)\s+(?:and\s+\w+\s+)?(?:destroy|delet|"
        r"eras|purg|redact)\w*",
        r"\b(?:destroy|delet|eras|purg|redact|dispos)\w*\s+(?:\w+\s+){0,8}?(?:within|after|once|"
        r"when|upon|no\s+later\s+than|immediately|as\s+soon\s+as)\b",
        r"\b(?:is|are|be|been|get|gets)\s+(?:\w+\s+)?(?:deleted|destroyed|erased|purged|redacted)\b",
        r"\b(?:retain|keep|store|hold)\w*\s+(?:\w+\s+){0,10}?(?:for\s+(?:up\s+to\s+)?\d|for\s+"
        r"(?:one|two|three|six|twelve|thirty)\b|until|no\s+longer\s+than|(?:for\s+)?as\s+long\s+as|"
        r"never\s+longer)",
        r"\b(?:initial|original)\s+purpose\b.{0,80}\b(?:satisfied|fulfilled|accomplished)\b",
        r"\bwithin\s+(?:\w+\s+)?(?:\(\d+\)\s+)?years?\s+(?:of|after)\s+(?:your|the\s+(?:individual|"
        r"user)['’]s)\s+last\s+interaction\b",
        r"\b(?:at\s+no\s+time|never)\s+(?:\w+\s+){0,3}?(?:retain|store|keep)\w*",
    ),
    # (b) informed written release: collected only with the person's consent / release.
    "b": _rx(
        r"\bwritten\s+(?:release|consent|authori[sz]ation)\b",
        r"\b(?:with|upon|on|based\s+on|subject\s+to|after\s+(?:obtaining|receiving))\s+(?:your|the\s+"
        r"(?:individual|user|person)['’]s|their)\s+(?:\w+\s+)?(?:consent|authori[sz]ation|"
        r"permission|release)\b",
        r"\b(?:provide|give|gave|obtain|receive|require)\w*\s+(?:the\s+)?(?:requisite|your|"
        r"express|explicit|informed|written|prior|affirmative)\s+(?:\w+\s+)?consent\b",
        r"\b(?:informed|express|explicit|affirmative|prior|opt-?in)\s+(?:written\s+)?consent\b",
        r"\bconsent\s+(?:will\s+be|is|shall\s+be)\s+(?:\w+\s+)?required\b",
        r"\bexecut\w+\s+(?:a\s+)?(?:written\s+)?release\b",
        r"\bconsent\s+(?:\(|for\s+example|e\.g\.|where|when)",
        r"\b(?:rely|relies)\s+on\s+your\s+consent\b",
        r"\b(?:depends?|dependent|conditional|contingent)\s+(?:\w+\s+){0,10}?(?:your|their)\s+"
        r"(?:\w+\s+)?consent\b",
        r"\byou\s+consent\s+to\b",
    ),
    # (c) no sale, lease, trade or profit: a denied sale verb (checked in _bipa_elements).
    "c": _rx(r"\b(?:sell|sells|sold|sale|lease|leases|leased|trade|trades|traded|profit\w*)\b"),
    # (d) no disclosure without consent: a denied disclosure verb, or one made only with consent.
    "d": _rx(
        r"\b(?:re)?disclos\w*|\bdisseminat\w*|\bshar(?:e|es|ed|ing)\b|\btransfer\w*|"
        r"\bprovid(?:e|es|ed|ing)\s+(?:[\w-]+\s+){0,3}?with\b|\bleave\w*\s+(?:your|the)\s+device\b"
    ),
    # (e) a reasonable standard of care in storing, transmitting and protecting it.
    "e": _rx(
        r"\breasonable\s+standard\s+of\s+care\b",
        r"\b(?:same|more)\s+(?:or\s+more\s+)?protective\b",
        r"\bstor\w*,?\s+(?:transmit\w*,?\s+)?(?:and|or)\s+protect\w*",
        r"\bprotect\w*\s+(?:\w+\s+){0,5}?from\s+(?:unauthori[sz]ed\s+)?(?:access|disclosure)\b",
        # how it is kept, not how a check is done ("to verify your identity quickly and securely")
        r"\b(?:encrypt\w*|safeguard\w*)\b",
        r"\b(?:securely|safely)\s+(?:stor|kept|keep|transmit|held|hold|protect|maintain)\w*",
        r"\b(?:stor|kept|keep|transmit|held|hold|maintain)\w*\s+(?:\w+\s+){0,6}?(?:securely|safely|"
        r"in\s+(?:a\s+)?secure)\b",
        r"\bsecur(?:e|ed)\s+(?:storage|servers?|environment|facilit\w+|systems?|manner)\b",
    ),
}
BIPA_NAMES = {
    "a": "retention schedule",
    "b": "written release",
    "c": "no sale or profit",
    "d": "disclosure rules",
    "e": "standard of care",
}
BIPA_ANAPHORA = _rx(
    r"\b(?:this|that|such|these|those|it|them|its)\b",
    r"\b(?:the|any)\s+(?:data|information|identifiers?|templates?|scans?)\b",
)
# A sentence about other data does not continue a biometric one: "We do not sell sensitive
# personal data ..." after a biometric sentence is about all sensitive data.
OTHER_DATA = _rx(r"\b(?:sensitive|personal|your)\s+(?:personal\s+)?(?:data|information)\b")
# Things users are asked not to give: "please do not provide", "you should not submit".
SUPPLY = _rx(r"\b(?:provid|submit|upload|send|sent|giv|enter|includ|shar)\w*")
PASSIVE_COLLECTED = re.compile(
    r"\s*(?:\([^)]*\)\s*)?(?:\w+\s+){0,2}?(?:is|are|was|were|be|being|been|will\s+be|may\s+be)\s+"
    r"(?:\w+ly\s+)?(?:collected|used|stored|processed|created|generated|captured|retained|"
    r"analy[sz]ed|extracted|kept|compared)\b",
    I,
)
# A release of legal claims is not the section 15(b) release.
BIPA_TRAP = _rx(r"\bwaive\w*\s+(?:and\s+release|or\s+release)?|\brelease\s+(?:any\s+)?claims?\b",
                r"\bBiometric\s+Information\s+Privacy\s+Act\b")  # fmt: skip

RETAIN = _rx(r"\bretain(?:s|ed|ing)?\b", r"\bretention\b")
KEEP = _rx(
    r"\bkeep(?:s|ing)?\b|\bkept\b",
    r"\bstor(?:e|es|ed|ing|age)\b",
    r"\bhold(?:s|ing)?\b|\bheld\b",
    r"\bmaintain(?:s|ed|ing)?\b",
    r"\bpreserv(?:e|es|ed|ing)\b",
    r"\barchiv(?:e|es|ed|ing)\b",
)
DELETE = _rx(
    r"\bdelet(?:e|es|ed|ing|ion)\b",
    r"\bdestr(?:oy|oys|oyed|oying|uction)\b",
    r"\beras(?:e|es|ed|ing|ure)\b",
    r"\bpurg(?:e|es|ed|ing)\b",
    r"\banonymi[sz](?:e|es|ed|ing|ation)\b",
    r"\bde-?identif(?:y|ies|ied|ying|ication)\b",
    r"\bdispos(?:e|ed|al)\s+of\b",
    r"\boverwr(?:ite|ites|itten|iting|ote)\b",
    r"\bremoved?\s+from\s+our\s+(?:systems?|servers?|records)\b",
)
RETENTION_TRAP = _rx(
    r"\bretain(?:s|ed|ing)?\s+(?:(?:legal\s+|outside\s+)?counsel|an?\s+(?:attorney|lawyer|"
    r"consultant|auditor|firm)|lawyers?|attorneys?|the\s+right|all\s+rights|(?:full\s+|sole\s+)?"
    r"ownership|title|(?:sole\s+)?discretion|the\s+services\s+of|control\s+over)\b",
    r"\bkeep\s+(?:you|in\s+mind|up\s+to\s+date|track|(?:your\s+)?(?:account|information|data)\s+"
    r"(?:secure|safe|accurate|up\s+to\s+date))\b",
    r"\bkeep(?:s|ing)?\s+(?:our|the)\s+(?:\w+\s+)?(?:safe|secure|running)\b",
    r"\bapp\s+stores?\b",
    r"\bstore\s+(?:locations?|credit|hours|front|brand)\b",
    r"\bhold\s+harmless\b",
    r"\bstor(?:e|es|ed|ing)\s+(?:\w+\s+){0,3}?on\s+your\s+(?:device|computer|browser|phone)\b",
    r"\bon\s+hold\b",
    r"\bmaintain(?:s|ed|ing)?\s+(?:appropriate|reasonable|physical|technical|administrative|"
    r"industry|security|safeguards|the\s+security|accurate|a\s+list)\b",
    r"\brequest\s+(?:that\s+we\s+)?(?:the\s+)?(?:delet|eras)\w*",
    r"\brequest\s+to\s+delete\b",
    r"\bright\s+to\s+(?:request\s+)?(?:(?:the\s+)?delet|eras)\w*",
    r"\b(?:deletion|erasure)\s+requests?\b",
    r"\bask\s+us\s+to\s+delete\b",
)
TIME = _rx(
    r"\bas\s+long\s+as\b",
    r"\bfor\s+(?:the\s+)?(?:duration|life(?:time)?|length)\b",
    r"\buntil\b",
    r"\bno\s+longer\s+than\b",
    r"\bindefinitely\b",
    r"\bperiods?\b",
    r"\bafter\b",
    r"\bwithin\b",
    r"\bonce\b",
    r"\bupon\b",
    r"\bautomatically\b",
    r"\bpermanently\b",
    r"\bwhen\s+(?:you|your|it|they|we|the|no)\b",
    r"\bno\s+longer\s+(?:needed|necessary|required)\b",
    r"\bexpir\w*",
    r"\bfor\s+up\s+to\b",
    r"\bwhile\s+(?:your|you|the|it|they|we)\b",
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30,
    "thirty-six": 36, "forty-five": 45, "sixty": 60, "ninety": 90, "hundred": 100,
}  # fmt: skip
DURATION = re.compile(
    r"\b(\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"(?:\s*\(\d{1,4}\))?[\s-]+(?:(?:calendar|business|full|consecutive)\s+)?"
    r"(hours?|days?|weeks?|months?|years?)\b(?!\s+(?:old|of\s+age))",
    I,
)
INDEFINITE = re.compile(r"\bindefinitely\b", I)
RETENTION_HEADING = _rx(r"\bretention\b", r"\bretain\w*", r"\bhow\s+long\b",
                        r"\bstorage\s+period\b", r"\bdeletion\b")  # fmt: skip

SHARE = _rx(
    r"\bshar(?:e|es|ed|ing)\b",
    r"\bdisclos(?:e|es|ed|ing|ure|ures)\b",
    r"\bsell(?:s|ing)?\b|\bsold\b|\bsale\b",
    r"\blicens(?:e|es|ed|ing)\b",
    r"\btransfer(?:s|red|ring)?\b",
    r"\bprovid(?:e|es|ed|ing)\s+(?:\w+\s+){0,4}?(?:data|info(?:rmation)?|content|it|them|details|"
    r"datasets?|prompts?|inputs?|messages|recordings|conversations|chats)\s+(?:\w+\s+){0,3}?to\b",
    r"\bprovid(?:e|es|ed|ing)\s+(?:them|it|him|her|partners|third\s+parties|the\s+\w+)\s+with\b",
    r"\bmak(?:e|es|ing)\s+(?:\w+\s+){0,4}?available\s+to\b",
    r"\b(?:grant|giv)(?:e|es|s|ed|ing)?\s+(?:\w+\s+){0,3}?access\b",
    r"\bha(?:ve|s|d)\s+access\s+to\s+(?:your|users?['’]?|the|personal|this|such|our\s+users)\b",
    r"\bsend(?:s|ing)?\b|\bsent\b",
    r"\brent(?:s|ing)?\b",
    r"\bleas(?:e|es|ing)\b",
    r"\btrad(?:e|es|ing)\b",
    r"\btransmit\w*",
    r"\b(?:process|review|access|annotat|analy[sz])(?:ed|es)?\s+by\b",
    r"\bpass(?:ed|es)?\s+(?:\w+\s+){0,3}?to\b",
    r"\b(?:allow|permit|let|authori[sz]e)(?:s|ed|ing)?\b(?=\s+(?:any\s+)?(?:third|other|our|"
    r"partners|affiliates|companies|vendors|service|AI|model))",
)
SALE_VERB = _rx(r"\bsell(?:s|ing)?\b|\bsold\b|\bsale\b|\blicens(?:e|es|ed|ing)\b|"
                r"\brent(?:s|ing)?\b|\bleas(?:e|es|ing)\b|\btrad(?:e|es|ing)\b")  # fmt: skip
# Users sharing with the service (or with each other) is not the company disclosing data.
USER_SHARES = _rx(
    r"\b(?:you|users?|people|others|members|someone)\s+(?:[\w,]+\s+){0,4}?(?:share|shares|shared|"
    r"send|sends|sent|provide|provides|upload|uploads|post|posts)\b",
    r"\b(?:info(?:rmation)?|data|content|things|messages?|photos?)\s+(?:that\s+)?(?:you\s+)?"
    r"(?:shared?|sent|send|provided?|uploaded?)\s+(?:with|to)\b",
    r"\blicensed\s+(?:end[- ])?(?:users?|customers?|software|products?|services?)\b",
    r"\bshar(?:e|es|ed|ing)\s+(?:\w+\s+){0,2}?with\s+(?:your\s+)?(?:friends|family|followers|"
    r"contacts|other\s+users|others|people\s+you)\b",
    r"(?-i:\b[A-Z]\w*\s+Disclosures?\b)",
    r"\b(?:our|the|a|this|your|its|their)\s+licen[cs]es?\b(?!\s+(?:it|them|your|such|this|the))",
    r"\blicen[cs]e\s+(?:agreements?|terms|keys?|fees?)\b",
)
# Sections about disclosure: "How We Share Your Personal Data", "Recipients".
SHARE_HEADING = _rx(
    r"\bshar(?:e|es|ed|ing)\b",
    r"\bdisclos\w*\s+(?:of\s+)?(?:your\s+|personal\s+)?(?:data|information)\b",
    r"\b(?:we|how\s+we|when\s+we)\s+disclos\w*",
    r"\brecipients?\b",
    r"\bservice\s+providers\b",
    # a heading that is a kind of recipient: "Third parties", "Partners", "Vendors"
    r"\b(?:third[- ]parties|partners|vendors|affiliates)\s*$",
)
# A recipient doing something with the data: "reviewers from our service providers review".
RECIPIENT_ACTS = _rx(r"\b(?:review|access|process|receiv|analy[sz]|annotat|read|see|evaluat)\w*\b")
INTEGRATIONS = _rx(r"\bintegrat(?:ions|ed\s+(?:partners|services|apps))\b")
PRONOUN_SUBJECT = re.compile(r"^\s*(?:they|these|those|such)\b", I)
INBOUND = _rx(
    r"\b(?:licens|purchas|obtain|acquir|receiv|buy|bought|sourc|collect|gather)\w*\s+"
    r"(?:\w+\s+){0,3}?from\b",
)
RECIPIENT = _rx(
    r"\bthird[- ]part(?:y|ies)\b",
    r"\brecipients?\b",
    r"\baffiliat(?:e|es|ed)\b",
    r"\bpartners?\b",
    r"\bservice\s+providers?\b",
    r"\bproviders?\b",
    r"\bvendors?\b",
    r"\b(?:sub-?)?processors?\b",
    r"\bresearchers?\b",
    r"\bresearch\s+(?:institutions|organi[sz]ations|partners)\b",
    r"\bdevelopers?\b",
    r"\b(?:other\s+)?(?:companies|organi[sz]ations|entities|businesses|"
    r"firms|labs?)\b",
    r"\bdata\s+brokers?\b",
    r"\badvertisers\b",
    r"\bsubsidiar(?:y|ies)\b",
    r"\bparent\s+company\b",
    r"\bcontractors\b",
    r"(?-i:\b(?:OpenAI|Anthropic|Google|Microsoft|Meta|Amazon|Apple|Mistral|Cohere|xAI)\b)",
)
COMPANY_NAMES = re.compile(r"\b(?:OpenAI|Anthropic|Google|Microsoft|Meta|Amazon|Apple|Mistral|"
                           r"Cohere|xAI)\b(?!\s+AI\b)|(?-i:\b[A-Z][\w.]+\s+AI\b)")  # fmt: skip
AI_RECIPIENT = _rx(
    r"\b(?:AI|artificial\s+intelligence|machine[- ]learning|ML|LLM|(?:large\s+)?language[- ]model|"
    r"model|generative\s+AI)\s+(?:service\s+)?(?:providers?|vendors?|partners?|developers?|"
    r"companies|company|labs?|firms?)\b",
)
THAT_RECIPIENT = _rx(
    r"\b(?:that|this|these|those|such|the)\s+(?:\w+\s+)?(?:providers?|partners?|vendors?|"
    r"developers?|compan(?:y|ies)|processors?)\b",
)
OTHERS_MODELS = _rx(r"\b(?:its|their|his|her)\s+(?:own\s+)?(?:\w+\s+){0,2}?(?:models?|AI|"
                    r"algorithms?|systems?|products?|services?)\b")  # fmt: skip
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'“”]+", I)
BARE_URL = re.compile(
    r"\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|ai|co|us|uk|eu|de|app|dev)"
    r"/[^\s<>\"'“”]*",
    I,
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Where a way out is, when no address is given: "in your account settings".
SETTINGS_PLACE = re.compile(
    r"\b(?:in|from|through|via|under|using|on)\s+(?:your|the|our)\s+"
    r"((?:[A-Z][\w-]*\s+){0,3}(?:(?:account|privacy|user|data|app)\s+)?(?:settings|controls?|"
    r"preferences|privacy\s+portal|dashboard|settings\s+page)|privacy\s+portal)\b",
    I,
)
SETTINGS_PATH = re.compile(
    r"\b[A-Z][\w'’&-]*(?:\s[\w'’&-]+){0,4}?\s*(?:>|›|→|»|->)\s*[\w\"“][\w'’&\"”-]*"
    r"(?:\s[\w'’&\"”-]+){0,5}?(?:\s*(?:>|›|→|»|->)\s*[\w\"“][\w'’&\"”-]*"
    r"(?:\s[\w'’&\"”-]+){0,6}?)*(?=[.,;)]|\s*$|\s+(?:and|or|then|to|in|on|menu|page|tab)\b)"
)


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


# A name given in the sentence: 'biometric data ("Underlying Data")'.
DEFINED_NAME = re.compile(r"\(\s*[\"“‘']([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,4})[\"”’']\s*\)")
ROW_TERM = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,4}")


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


NO_WAY_OUT = re.compile(r"\b(?:cannot|can['’]t|can\s+not|unable\s+to|not\s+(?:be\s+)?able\s+to|"
                        r"no\s+(?:way|option|means)\s+to|not\s+possible\s+to)\s+(?:be\s+)?$",
                        I)  # fmt: skip
THEIR_BEFORE = re.compile(r"\btheir\s+(?:own\s+)?(?:\w+\s+)?$", I)
NOT_RESPONSIBLE = _rx(r"\bnot\s+(?:\w+\s+)?(?:control|responsible|liable|accountable)\b")
ANOTHER_CLAUSE = _rx(r"\b(?:or|and)\s+(?:to\s+)?(?:where|when|to|if)\b", r";")


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


# "AI memories which are generated by a third-party AI model": the users' data goes to it
# (an agent or destination, not a source: "data received from third-party AI tools" is inbound)
THIRD_PARTY_AI = _rx(
    r"\b(?:by|to|with|through|via|using)\s+(?:a|an|our|the)?\s*third[- ]party\s+"
    r"(?:generative\s+)?(?:AI|LLMs?|large\s+language|language|foundation)\s+"
    r"(?:models?|providers?|services?|vendors?)\b"
)
_AI_PARTY = (
    r"(?:LLMs?|AI\s+models?|(?:AI|LLM)\s+(?:model\s+|service\s+)?providers?|"
    r"(?:AI\s+)?model\s+providers?)"
)
AI_HANDLES = _rx(
    rf"\b{_AI_PARTY}['’]?s?\s+(?:handling|use|processing|retention|storage)\s+of\s+"
    r"(?:your|users?['’]?|customers?['’]?|the)\b",
    r"\b(?:your|users?['’]?|customers?['’]?)\s+(?:[\w-]+\s+){0,2}?(?:is|are)\s+(?:\w+\s+)?"
    rf"(?:used|processed|handled|stored)\s+by\s+(?:the\s+)?(?:third[- ]party\s+)?{_AI_PARTY}",
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
