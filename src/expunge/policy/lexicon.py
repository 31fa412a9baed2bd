"""The policy analyzer's lexicons: the words and phrases each rule looks for, as compiled
alternations, with their traps (what looks like a cue but is not: "business model", "training
our staff"). The rules that combine them live in rules.py."""

from __future__ import annotations

import re

I = re.IGNORECASE


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

_NOT_RESPONSIBLE = r"\bnot\s+(?:\w+\s+)?(?:control|responsible|liable|accountable)\b"
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
    _NOT_RESPONSIBLE,
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

# A name given in the sentence: 'biometric data ("Underlying Data")'.
DEFINED_NAME = re.compile(r"\(\s*[\"“‘']([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,4})[\"”’']\s*\)")

ROW_TERM = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,4}")

NO_WAY_OUT = re.compile(r"\b(?:cannot|can['’]t|can\s+not|unable\s+to|not\s+(?:be\s+)?able\s+to|"
                        r"no\s+(?:way|option|means)\s+to|not\s+possible\s+to)\s+(?:be\s+)?$",
                        I)  # fmt: skip

THEIR_BEFORE = re.compile(r"\btheir\s+(?:own\s+)?(?:\w+\s+)?$", I)

NOT_RESPONSIBLE = _rx(_NOT_RESPONSIBLE)

ANOTHER_CLAUSE = _rx(r"\b(?:or|and)\s+(?:to\s+)?(?:where|when|to|if)\b", r";")

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
