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
  iris/retina, biometric identifiers, BIPA; and in a biometric context (the sentence, its
  section heading, or the sentence before it) the BIPA section 15 elements (a)-(e).
- opt_out: opt out/in, withdraw consent, object, turn off/disable, settings, consent
  requirements, Do Not Sell.
- retention: retain/retention (with data or a time), keep/store (with a time), delete/destroy
  (with a time); durations extracted.
- ai_sharing: share/disclose/sell/license/... with an AI word or training verb, and a recipient
  (third parties, partners, affiliates, service providers, ...) or a sale/licence.

Polarity: a negator ("not", "never", "no", "n't", "neither", "nor", "cannot") before the anchor
verb in the same clause (clauses end at ; : and at but, however, except, unless, although,
whereas, while, if, when, which, who) makes it `neg`, except in phrases that are not denials
("not limited to", "no later than", "choose not to", "if you do not want"); a negation after an
opt-out ("if you opt out, we will not use ...") implies training by default and stays `pos`.
A positive AI-training statement that depends on opting in or consent is `cond`.
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


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules may know beyond the sentence itself."""

    headings: str = ""  # the section heading path, joined
    previous: frozenset[str] = field(default_factory=frozenset)  # categories of the sentence before
    previous_biometric: bool = False  # the sentence before is in a biometric context
    section_training: bool = False  # an earlier sentence of this section is about AI training


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
MODEL_TRAP = _rx(
    r"\b(?:business|pricing|revenue|subscription|operating|delivery|service|data|threat|"
    r"security|role|financial|economic|governance|care|support|engagement|licensing|freemium|"
    r"hybrid|cost|device|phone|car|vehicle|hardware|product|risk|attribution|marketing|"
    r"advertising|staffing|organizational|organisational)\s+models?\b",
    r"\bmodels?\s+(?:numbers?|years?|names?|releases?|clauses|contractual\s+clauses|contracts?)\b",
    r"\bmodel\s+(?:citizen|home|agreement)s?\b",
    r"\b(?:make|model)\s+(?:and|&|or)\s+(?:model|make)\b",
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
    r"\btrained\s+(?:staff|professionals?|personnel|employees|team|experts?|reviewers?|"
    r"annotators?|moderators?|specialists?|people)\b",
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
)
AI_NOUN_USE = _rx(
    r"\b(?:model|AI|ML|algorithm|machine[- ]learning)\s+(?:development|improvement|training|"
    r"evaluation|tuning)\b",
    r"\b(?:mak(?:e|es|ing)|help(?:s|ing)?)\s+(?:\w+\s+){0,3}?models?\s+(?:better|smarter|"
    r"safer|more\s+\w+)\b",
)
DATA_WORD = _rx(
    r"\b(?:data|information|content|inputs?|prompts?|conversations?|chats?|messages?|uploads?|"
    r"files?|photos?|images?|videos?|recordings?|posts?|comments?|queries|feedback|"
    r"interactions?|outputs?|documents?|transcripts?|text|audio|submissions?|materials?|"
    r"datasets?)\b",
    r"\b(?:use|using|used|uses)\s+(?:it|them)\b",
)
USER_DATA = _rx(
    r"\b(?:your|users?['’]?|customers?['’]?|members?['’]?|personal|subscribers?['’]?|"
    r"consumers?['’]?|individuals?['’]?|account\s+holders?['’]?|end[- ]users?['’]?)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:data|information|content|inputs?|prompts?|conversations?|chats?|"
    r"messages?|uploads?|files?|photos?|images?|videos?|recordings?|posts?|comments?|queries|"
    r"questions|feedback|interactions?|outputs?|documents?|transcripts?|submissions?|works?|"
    r"creations|activity|usage|voice|likeness)\b",
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
)
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
)
CLAUSE_BREAK = _rx(
    r"[;:]",
    r"\s[-–—]\s",
    r"\b(?:but|however|except|unless|although|though|whereas|while|instead|if|when|whenever|"
    r"which|who|whom|otherwise)\b",
    r"\bprovided\s+that\b",
    r",\s+(?:and|or|so)\s+(?=(?:we|you|they|it|our|your|this)\b)",
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
    r"(?-i:\bBIPA\b)",
    r"\bbiometric\s+information\s+privacy\s+act\b",
    r"\b740\s+ILCS\s+14\b",
    r"\bgait\s+(?:analysis|recognition)\b",
    r"\bkeystroke\s+dynamics\b",
)
# On-device or detection-only features: in the category, but no sign the company gets the data.
BIOMETRIC_WEAK = _rx(
    r"(?-i:\b(?:Face|Touch)\s+ID\b)",
    r"\b(?:face|fingerprint)\s+unlock\b",
    r"\bunlock\s+(?:\w+\s+){0,4}?with\s+(?:your\s+)?(?:fingerprint|face)\b",
    r"\b(?:face|facial)\s+(?:detection|filters?|effects?|tracking)\b",
    r"\b(?:detect|track|locat|find)\w*\s+(?:\w+\s+){0,4}?(?:your|a|the)\s+face\b",
)
BIOMETRIC_TRAP = _rx(
    r"\b(?:device|browser|canvas|digital|unique|radio|audio)\s+fingerprint\w*\b",
    r"\bfingerprinting\b",
    r"\bfingerprints?\s+(?:of|on)\s+(?:your|the)\s+(?:device|browser)\b",
)
COLLECT = _rx(
    r"\b(?:collect|use|process|captur|obtain|stor|scan|creat|extract|analy[sz]|employ|rely|"
    r"possess|receiv|gather|generat|record|derive|require|ask|request|infer|access)\w*\b"
)
BIPA_ELEMENTS: dict[str, re.Pattern[str]] = {
    "a": _rx(
        r"\bretention\s+(?:schedule|policy|period)\b",
        r"\bdestruction\s+(?:schedule|policy|guidelines)\b",
        r"\bguidelines\s+for\s+(?:permanently\s+)?destroy\w*",
        r"\bpermanently\s+(?:destroy|delet|eras)\w*",
        r"\bdestr(?:oy|oys|oyed|oying|uction)\b",
        r"\bdelet\w*\s+(?:\w+\s+){0,8}?(?:within|after|no\s+later\s+than)\b",
        r"\binitial\s+purpose\b",
        r"\blast\s+interaction\b",
        r"\bwritten\s+policy\b",
        r"\bpublicly\s+available\s+(?:written\s+)?(?:policy|schedule)\b",
        r"\bretain\w*\s+(?:\w+\s+){0,8}?(?:for|until|no\s+longer\s+than)\b",
    ),
    "b": _rx(
        r"\bwritten\s+(?:release|consent|authori[sz]ation|notice)\b",
        r"\bin\s+writing\b",
        r"\b(?:informed|express|explicit|affirmative|prior)\s+(?:written\s+)?consent\b",
        r"\bexecut\w+\s+(?:a\s+)?(?:written\s+)?release\b",
        r"\brelease\b",
    ),
    "c": _rx(r"\b(?:sell|sells|sold|sale|lease|leases|leased|trade|trades|traded|profit\w*)\b"),
    "d": _rx(r"\b(?:re)?disclos\w*|\bdisseminat\w*|\bshar(?:e|es|ed|ing)\b|\btransfer\w*"),
    "e": _rx(
        r"\breasonable\s+standard\s+of\s+care\b",
        r"\b(?:same|more)\s+(?:or\s+more\s+)?protective\b",
        r"\bstor\w*,?\s+(?:transmit\w*,?\s+)?(?:and|or)\s+protect\w*",
        r"\bprotect\w*\s+(?:\w+\s+){0,5}?from\s+(?:unauthori[sz]ed\s+)?disclosure\b",
        r"\bsecur(?:e|ely|ity)\b",
        r"\bencrypt\w*",
        r"\bsafeguard\w*",
        r"\bconfidential\w*",
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
    r"\bprovid(?:e|es|ed|ing)\s+(?:\w+\s+){0,5}?to\b",
    r"\bprovid(?:e|es|ed|ing)\s+(?:them|it|him|her|partners|third\s+parties)\s+with\b",
    r"\bmak(?:e|es|ing)\s+(?:\w+\s+){0,4}?available\s+to\b",
    r"\b(?:grant|giv)(?:e|es|s|ed|ing)?\s+(?:\w+\s+){0,3}?access\b",
    r"\bsend(?:s|ing)?\b|\bsent\b",
    r"\brent(?:s|ing)?\b",
    r"\bleas(?:e|es|ing)\b",
    r"\btrad(?:e|es|ing)\b",
    r"\btransmit\w*",
    r"\bprocess(?:ed|es)?\s+by\b",
    r"\bpass(?:ed|es)?\s+(?:\w+\s+){0,3}?to\b",
    r"\b(?:allow|permit|let|authori[sz]e)(?:s|ed|ing)?\b(?=\s+(?:any\s+)?(?:third|other|our|"
    r"partners|affiliates|companies|vendors|service|AI|model))",
)
SALE_VERB = _rx(r"\bsell(?:s|ing)?\b|\bsold\b|\bsale\b|\blicens(?:e|es|ed|ing)\b|"
                r"\brent(?:s|ing)?\b|\bleas(?:e|es|ing)\b|\btrad(?:e|es|ing)\b")  # fmt: skip
INBOUND = _rx(
    r"\b(?:licens|purchas|obtain|acquir|receiv|buy|bought|sourc|collect|gather)\w*\s+"
    r"(?:\w+\s+){0,3}?from\b",
)
RECIPIENT = _rx(
    r"\bthird[- ]part(?:y|ies)\b",
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


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding character `pos` begins."""
    start = 0
    for found in CLAUSE_BREAK.finditer(text, 0, pos):
        if found.end() <= pos:
            start = found.start() if found.group()[0].isalpha() else found.end()
    return start


def clause_span(text: str, pos: int) -> tuple[int, int]:
    """The clause holding character `pos`: (start, end)."""
    following = CLAUSE_BREAK.search(text, pos + 1)
    return clause_start(text, pos), following.start() if following else len(text)


def negation_before(text: str, pos: int) -> Cue | None:
    """The negator that denies the verb at `pos`, if any: same clause, at most 100 chars back."""
    start = max(clause_start(text, pos), pos - 100)
    excused = _spans(NOT_A_DENIAL, text)
    found = None
    for neg in NEGATOR.finditer(text, start, pos):
        if not any(s <= neg.start() < e for s, e in excused):
            found = Cue(neg.start(), neg.end(), "negation")
    return found


def _polarity(text: str, anchors: list[Cue]) -> tuple[str, list[Cue]]:
    """pos if any anchor is not denied; the negation cues found."""
    negations: list[Cue] = []
    positive = False
    for anchor in anchors:
        neg = negation_before(text, anchor.start)
        if neg is None:
            positive = True
            continue
        if any(c.end <= neg.start for c in _find(OPT_OUT, text, "opt_out")):
            positive = True  # "if you opt out, we will not use ...": training is the default
        negations.append(neg)
    return ("pos" if positive or not anchors else "neg"), negations


def _ai_terms(text: str) -> list[Cue]:
    return _outside(_find(AI_TERM, text, "ai"), _spans(MODEL_TRAP, text))


def _train_terms(text: str) -> list[Cue]:
    return _outside(_find(TRAIN, text, "train"), _spans(HUMAN_TRAINING, text))


# --- the categories --------------------------------------------------------------------------


def ai_training(text: str, context: Context) -> RuleHit | None:
    ai = _ai_terms(text)
    train = _train_terms(text)
    data = _find(DATA_WORD, text, "data")
    user = _find(USER_DATA, text, "user_data")
    anchors: list[Cue] = []
    support: list[Cue] = []
    if train:
        objects = _find(TRAIN_OBJECT, text, "object")
        if ai or user or objects:
            anchors += train
            support += ai or user or objects
    nouns = _find(AI_NOUN_USE, text, "train")
    if nouns and (data or user):
        anchors += nouns
    if data or user or re.search(r"\b(?:use|using|used|uses)\b", text, I):
        for verb in _find(DEVELOP, text, "develop"):
            near = [a for a in ai if verb.end <= a.start <= verb.end + 70]
            if near and not CLAUSE_BREAK.search(text, verb.end, near[0].start):
                anchors.append(verb)
                support.append(near[0])
    if not anchors and "ai_training" in context.previous:
        # "We do not use the content of direct messages for this purpose."
        anchors = _find(SAME_PURPOSE, text, "train") if (data or user) else []
    if not anchors:
        return None
    polarity, negations = _polarity(text, anchors)
    # Data in a privacy policy is the users' unless the sentence says it is public or licensed.
    is_user = bool(user or data) and not (PUBLIC_DATA.search(text) and not _mentions_you(text))
    if polarity == "pos" and OPT_OUT.search(text):
        is_user = True  # "you can opt out of model training": your data is used by default
    elif polarity == "pos" and OPT_IN_CONDITION.search(text):
        polarity = "cond"
    cues = _unique(anchors + support + ai + user + negations)
    return RuleHit("ai_training", cues, polarity, user_data=is_user)


def _mentions_you(text: str) -> bool:
    return bool(re.search(r"\b(?:your?|users?|customers?|members?)\b", text, I))


def metadata(text: str) -> RuleHit | None:
    cues = _outside(_find(METADATA, text, "metadata"), _spans(METADATA_TRAP, text))
    if not cues and ACCOUNT_CONTEXT.search(text):
        cues = _find(ACCOUNT_FIELDS, text, "metadata")
    return RuleHit("metadata", tuple(cues)) if cues else None


def biometrics(text: str, context: Context) -> tuple[RuleHit | None, bool]:
    """The hit, and whether this sentence is in a biometric context (for the next one).

    Polarity: `neg` when every biometric term is denied ("we do not create or store facial
    templates", "no biometric data is collected": a negator, then only collection verbs up to
    the term); `device` when the only terms are on-device features (Face ID, face detection);
    `context` for BIPA elements in a biometric section without a biometric term."""
    traps = _spans(BIOMETRIC_TRAP, text)
    strong = _outside(_find(BIOMETRIC, text, "biometric"), traps)
    weak = [c for c in _outside(_find(BIOMETRIC_WEAK, text, "biometric"), traps)
            if not any(s.start < c.end and c.start < s.end for s in strong)]  # fmt: skip
    cues = strong + weak
    heading = _outside(_find(BIOMETRIC, context.headings, "biometric"),
                       _spans(BIOMETRIC_TRAP, context.headings))  # fmt: skip
    in_context = (
        bool(cues)
        or bool(heading)
        or (context.previous_biometric and bool(BIPA_ANAPHORA.search(text)))
    )
    if not in_context:
        return None, False
    elements: list[str] = []
    element_cues: list[Cue] = []
    for name, pattern in BIPA_ELEMENTS.items():
        found = _find(pattern, text, f"bipa_{name}")
        if found:
            elements.append(name)
            element_cues += found
    if not cues and not elements:
        return None, in_context
    negations: list[Cue] = []
    if not cues:
        polarity = "context"  # a BIPA element in a biometric section; says nothing on collection
    else:
        denied = [_collection_denied(text, c) for c in cues]
        negations = [n for n in denied if n is not None]
        if len(negations) == len(cues):
            polarity = "neg"
        else:
            negations = []
            polarity = (
                "pos" if any(_collection_denied(text, c) is None for c in strong) else "device"
            )
    return RuleHit("biometrics", _unique(cues + element_cues + negations), polarity,
                   bipa=tuple(elements)), in_context  # fmt: skip


def _collection_denied(text: str, cue: Cue) -> Cue | None:
    """The negator denying collection/use of the biometric term at `cue`: between the two only
    collection verbs (or nothing), so "we do not sell biometric data" is no denial."""
    neg = negation_before(text, cue.start)
    if neg is None:
        return None
    between = text[neg.end : cue.start]
    verbs = re.findall(r"\b[a-z]+(?:e|s|ed|ing)\b", between, I)
    sale = re.search(r"\b(?:sell|sold|lease|trade|profit|disclos|share|transfer|rent)", between, I)
    if sale or (verbs and not COLLECT.search(between) and len(between.split()) > 3):
        return None
    return neg


def opt_out(text: str, context: Context) -> RuleHit | None:
    ways_out = _find(OPT_OUT, text, "opt_out")
    cues = ways_out + _find(OPT_IN, text, "opt_in")
    if not cues:
        return None
    ai = _ai_terms(text) + _train_terms(text)
    related = bool(ai)
    anaphora = bool(ANAPHORA.search(text))
    if not related and "ai_training" in context.previous and anaphora:
        related = True
    other_purpose = bool(OPT_OUT_OTHER_PURPOSE.search(text))
    if not related and not other_purpose:
        related = bool(_ai_terms(context.headings) + _train_terms(context.headings))
    # About AI *training* (for the verdict), not an AI feature being switched off.
    heading_training = bool(_train_terms(context.headings))
    training = ai_training(text, context) is not None or (
        not other_purpose and (heading_training or (context.section_training and anaphora))
    )
    return RuleHit("opt_out", _unique(cues + ai), ai_related=related or training,
                   opt_in_only=not ways_out, training_related=training)  # fmt: skip


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
    """Sharing for AI, three ways:
    - a share verb with an AI word and a recipient (or a sale / licence) in one clause; data
      bought or licensed *from* others is not sharing;
    - a share verb in a sentence naming an AI recipient ("model provider", "AI developers"), or
      with a recipient in a section about AI, or with "that provider" right after an AI sentence;
    - a recipient that trains: "third parties may use your posts to train their models"."""
    share = _outside(_find(SHARE, text, "share"), _spans(INBOUND, text))
    ai_all = _ai_terms(text) + _train_terms(text)
    if not ai_all and not context.headings and not context.previous:
        return None
    recipients_all = _find(RECIPIENT, text, "recipient")
    ai_recipients = _find(AI_RECIPIENT, text, "recipient")
    ai_around = bool(_ai_terms(context.headings) + _train_terms(context.headings)) or (
        bool(context.previous & {"ai_training", "ai_sharing"}) and bool(THAT_RECIPIENT.search(text))
    )
    anchors: list[Cue] = []
    ai: list[Cue] = []
    recipients: list[Cue] = []
    for verb in share:
        start, end = clause_span(text, verb.start)
        near_ai = [c for c in ai_all if start <= c.start < end]
        near_recipients = [c for c in recipients_all if start <= c.start < end]
        sale = SALE_VERB.fullmatch(text, verb.start, verb.end)
        if (near_ai and (near_recipients or sale)) or (
            (ai_recipients or ai_around) and near_recipients
        ):
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
    if not anchors:
        return None
    polarity, negations = _polarity(text, anchors)
    return RuleHit("ai_sharing", _unique(anchors + ai + recipients + negations), polarity)


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
