"""The tokenizer can hold the person: vocabulary entries made from their identifiers.

A byte-level BPE learnt on text that repeats a person's phone number or email address learns
single tokens (and the merges that build them) for them: 'Ġ02079460321', 'atterbury'.
Unlearning changes weights only, so an "unlearned" model directory still stores those strings
in plain text in tokenizer.json, vocab.json and merges.txt. `vocab_leaks` scans a loaded
tokenizer's vocabulary, `directory_vocab_leaks` / `tokenizer_files_holding` read a model
directory's files (no transformers needed) and say which files hold them.

Tokens are decoded before matching: GPT-2's byte-to-unicode mapping for byte-level BPE ('Ġ' is
a space, 'Ã©' is 'é'), '▁' and '<0xNN>' byte pieces for SentencePiece, '##' for WordPiece;
added tokens are stored as plain text and read as they are. The decoded text is folded (case,
diacritics, compatibility forms) as `subject.normalize.fold` does.

The rule: a token is a leak when it holds a whole, distinctive piece of an identifier:
  phone   >= 5 consecutive digits of the number's national significant number (the digits
          every written form of it shares, `phones.split_e164`), so the number is found whatever
          form the text wrote it in ('+44 20 7946 0321' in the profile, '02079460321' or
          '+442079460321' in the text); digits a token joins with separators ('7946-0321')
          count as one run, as `phones.digit_runs` reads them. Runs like '12345', '98765',
          '55555', '30000' are in every large vocabulary and never count. (An unrelated
          random 6- to 10-digit token matches a 10-digit number by chance once in ~4,000-10,000.)
  email   the whole address; the local part (without '+tag') whole, unless every piece of it
          is a common word ('john.smith'); each letter / digit piece of it of >= 4 characters
          ('jorunn', 'jdoe', '19870512'); the domain's own labels and their pieces (not the
          top-level domain or 'co.uk'-style second levels), >= 4 characters. Mail providers
          ('gmail', 'outlook', ...), mailbox words ('info') and common words never count.
  handle  the user name of a handle or profile URL, whole or by pieces as an email's local
          part; a fediverse server ('mastodon.social') is shared by its users: not counted.
  name    only a rare name counts: one word of the name as a token when it is >= 5 letters and
          not a common word (COMMON_WORDS) or a name in Faker's lists of any locale; the whole name, or its
          words run together ('jorunnatterbury'), in one token when one of its words is rare so.
          'John', 'Smith', 'Maria Garcia' never count: such tokens exist in every vocabulary.
  string  the whole free string; its digit pieces (>= 5, an employee id) and rare words as names.
  domain  as an email's domain.
A piece is matched whole: not glued to further letters (or further digits, for a digit piece)
inside the token, so 'atterbury' is not found in 'xatterbury' and 'atter' (a sub-word piece any
vocabulary has) is not a leak. A single name word people commonly bear ('alison', 'jorunn') is
never counted: real vocabularies hold it whoever the person is. COMMON_WORDS is short: a handle or an email part that is an
ordinary dictionary word outside it ('sunshine') is reported, and should be read so. A token
made from two identifiers ('jorunn': the email's local part and the name) is listed under both
and counted once, under the stronger kind (KIND_ORDER).

Tokenizers that cut numbers into groups of at most three digits (GPT-4's cl100k, Llama 3,
Qwen) or single digits (Llama 2, Mistral) cannot hold a phone number in one token; a byte-level
BPE with GPT-2's pattern keeps each digit group of a text whole, so a number written without
separators can become one token, and one written in groups ('020 7946 0321') only 4-digit ones.

Reports never carry a plain value where it would be printed: identifiers and tokens are shown
masked (`detect.mask`), and the stored token strings (needed to edit the files) are left out
of repr() and of `to_json`.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expunge.detect.mask import mask
from expunge.errors import ExpungeError
from expunge.model.tokenizer_files import (
    _directory_vocab,
    _file_entries,
    _looks_binary,
    _model_files,
    decode_token,
    scheme_of,
)
from expunge.subject import Identifier, SubjectProfile
from expunge.subject.normalize import FAMILY_FIRST_SURNAMES, fold
from expunge.subject.phones import split_e164

# --- the rule's numbers -------------------------------------------------------------------

MIN_PHONE_DIGITS = 5  # digits of the number's NSN a token must hold, consecutively
MIN_PART_CHARS = 4  # an email local part / domain label / handle, or a piece of one
MIN_NAME_LETTERS = 5  # a single name word; shorter ones are words of many languages
MIN_JOINED_NAME_CHARS = 8  # 'jorunnatterbury'
MIN_DIGIT_PIECE = 5  # a digit piece of an email, handle or free string

# Order of kinds in reports: the strong identifiers first.
KIND_ORDER = ("email", "phone", "handle", "profile", "name", "string", "domain")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Mail providers, mailbox words, second-level domains: shared by millions of addresses.
MAIL_WORDS = _words(
    """gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud aol proton
    protonmail gmx yandex mail email inbox zoho fastmail tutanota tuta comcast verizon
    sbcglobal att orange wanadoo free laposte sfr libero virgilio alice tiscali btinternet
    sky talktalk bigpond shaw rogers telus qq foxmail sina sohu naver daum hanmail rediffmail
    seznam onet interia wp mailbox posteo web freenet arcor t-online online info contact admin
    hello office sales support team noreply reply news newsletter mailer postmaster webmaster
    help service services enquiries inquiries billing accounts account example test testing
    user users demo sample server local localhost domain host website site homepage mastodon
    social"""
)
GENERIC_SLD = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gv"})

# Frequent given names, family names and words that are also names or parts of addresses:
# a token equal to one exists in any vocabulary, whoever the person is.
COMMON_WORDS = (
    _words(
        """
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven stephen paul andrew joshua kenneth kevin brian george
    timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan larry justin
    scott brandon benjamin samuel gregory alexander alex frank patrick raymond jack dennis
    jerry tyler aaron adam nathan henry peter zachary douglas harold kyle walter ethan jeremy
    harry christian keith roger noah gerald carl terry sean austin arthur lawrence jesse dylan
    bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne ralph roy eugene
    randy vincent russell louis philip bobby johnny bradley mary patricia jennifer linda
    elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley
    kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca
    sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen
    samantha katherine christine debra rachel carolyn janet catherine maria heather diane
    ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan
    andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice
    jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella
    theresa diana natalie brittany charlotte marie kayla alexis lori anne jane john sophie
    lucy chloe mia ava emma ella jack oliver leo liam lucas hugo louis jules pierre michel
    philippe alain nicolas francois jacques bernard andre rene nathalie isabelle sylvie
    catherine francoise monique nadine juan carlos antonio manuel francisco javier luis miguel
    pedro jorge alejandro rafael fernando sergio pablo diego ana carmen lucia elena isabel
    rosa pilar dolores josefa laura cristina marta giuseppe giovanni marco francesco luca
    paolo andrea mario luigi roberto stefano alessandro matteo lorenzo giulia chiara sara
    francesca anna valentina federica hans klaus jurgen juergen stefan wolfgang andreas
    thomas michael peter frank uwe dieter horst gunter manfred werner heinz ursula monika
    petra sabine renate helga karin brigitte ingrid claudia susanne andrea birgit jose joao
    mohammed muhammad mohamed mohammad ahmed ahmad hassan hussein hussain ali omar abdullah
    mahmoud mustafa ibrahim youssef yusuf fatima aisha amina maryam zahra rashid khalid
    tariq hamza ivan sergei sergey dmitri dmitry alexei andrei nikolai vladimir olga natalia
    tatiana irina svetlana ekaterina anastasia piotr krzysztof tomasz marek agnieszka anna
    katarzyna malgorzata priya rahul amit vijay sanjay raj deepak anil sunil ravi pooja
    neha anjali
    smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez
    gonzalez wilson anderson taylor moore jackson martin white harris clark lewis robinson
    walker young allen king wright scott torres nguyen hill flores green adams nelson baker
    hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz
    edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan
    cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks
    chavez wood james bennett gray grey mendoza ruiz hughes price alvarez castillo sanders
    patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman
    butler henderson barnes fisher vasquez simmons romero jordan patterson alexander hamilton
    graham reynolds griffin wallace west cole hayes bryant gibson ellis stevens murray ford
    marshall owens mcdonald harrison ruiz kennedy wells alvarez woods mendoza castro olson
    webb washington tucker freeman burns henry vasquez snyder simpson crawford jimenez porter
    mason shaw gordon wagner hunter romero hicks dixon hunt palmer robertson black holmes
    stone meyer boyd mills warren fox rose rice moreno schmidt patel ferguson nichols
    herrera medina ryan fernandez weaver daniels stephens gardner payne kelley dunn pierce
    arnold tran spencer peters hawkins grant hansen castro hoffman hart elliott cunningham
    knight bradley muller mueller schneider fischer weber meyer wagner becker schulz
    hoffmann koch richter klein wolf schroder schroeder neumann schwarz zimmermann braun
    kruger krueger hofmann hartmann lange werner schmitz krause meier lehmann schmid
    schulze maier kohler koehler herrmann konig walter mayer huber kaiser fuchs peters lang
    scholz moller moeller weiss jung hahn schubert vogel friedrich keller gunther frank berger
    winkler roth beck lorenz baumann franke albrecht schuster simon ludwig bohm winter
    kraus martin schumacher kramer vogt stein jager otto sommer gross seidel heinrich brandt
    haas schreiber graf dietrich ziegler kuhn pohl engel horn busch bergmann thomas voigt
    sauer arnold wolff pfeiffer bernard dubois durand leroy moreau laurent lefebvre michel
    garcia david bertrand roux vincent fournier morel girard andre mercier dupont lambert
    bonnet francois martinez legrand garnier faure rousseau blanc guerin muller henry
    roussel nicolas perrin morin mathieu clement gauthier dumont lopez fontaine chevalier
    robin rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno
    gallo conti costa giordano mancini rizzo lombardi moretti silva santos ferreira pereira
    oliveira costa rodrigues martins jesus sousa fernandes goncalves gomes lopes marques
    alves almeida ribeiro pinto carvalho teixeira moreira correia sanchez perez gomez diaz
    fernandez ramirez ruiz alvarez romero navarro torres dominguez vazquez ramos gil serrano
    blanco molina morales suarez ortega delgado castro ortiz rubio marin sanz iglesias
    nunez medina garrido kowalski nowak wisniewski wojcik kowalczyk kaminski lewandowski
    zielinski szymanski wozniak dabrowski ivanov smirnov kuznetsov popov petrov sokolov
    volkov fedorov morozov novikov singh kumar sharma khan shah gupta reddy rao iyer joshi
    mehta verma yadav mishra chowdhury ahmed hossain rahman islam
    about after again also another back because before being between black blue book
    both brown called came change children city come could country days different does
    down each early east even every family father first found from give good great green
    group hand have head heard here high home house however important into just know land
    large last left life light like line little live long look made make many might more
    most mother much must name never next night north number often only open order other
    over page part people place play point power public read real right river road room
    said same school second should show side since small some something sound south spring
    state still story street study such summer take than that their them then there these
    they thing think this those three through time together took under until used very
    water well went were west what when where which while white will winter with without
    word work world would write year years young your love life star moon rock game city
    cool best king queen angel happy lucky sunny hope faith grace rose lily daisy ruby pearl
    april june july august autumn dawn storm river forest stone wood hill field lake park
    garden bridge church castle market station village valley mountain ocean beach island
    avenue drive court close lane road street square terrace crescent gardens place house
    cottage manor apartment suite floor building block unit flat office north south east west
    upper lower main high new old official real the blog news music photo photos video
    online world life official channel shop store studio design media group company agency
    project digital tech global
    """
    )
    | FAMILY_FIRST_SURNAMES
    | MAIL_WORDS
)

# --- decoding -------------------------------------------------------------------------------


# --- the person's pieces ------------------------------------------------------------------

_SEGMENT = re.compile(r"[^\W\d_]+|\d+")
_DIGIT_RUN = re.compile(r"[0-9]+(?:[ .\-/()]{1,2}[0-9]+)*")


@functools.cache
def _names_in_use() -> frozenset[str]:
    """Every given and family name in Faker's lists for all its locales (~58,000, folded): a
    token equal to a name people somewhere commonly bear is in real vocabularies for that
    reason, whoever the person is. Empty without Faker (the `[model]` extra brings it)."""
    try:
        from faker.config import AVAILABLE_LOCALES
    except ImportError:
        return frozenset()
    names: set[str] = set()
    for locale in AVAILABLE_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):
            continue
        for attr in dir(provider):
            if attr.startswith(("first_names", "last_names")):
                value = getattr(provider, attr)
                if isinstance(value, (list, tuple, dict)):
                    names.update(fold(n) for n in value if isinstance(n, str))
    return frozenset(names)


def is_common(word: str) -> bool:
    """A common word or a name in common use: never evidence of one person on its own."""
    return word in COMMON_WORDS or word in _names_in_use()


def trivial_digits(digits: str) -> bool:
    """'55555', '12345', '98765', '30000': digit strings every large vocabulary holds."""
    if len(digits) < 2:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(digits)}
    return (len(steps) == 1 and steps <= {0, 1, 9}) or set(digits[1:]) == {"0"}


def distinctive(piece: str, min_chars: int) -> bool:
    """A piece a token may be reported for: long enough, not a common word, and for digits not
    a trivial run."""
    if piece.isdigit():
        return len(piece) >= max(min_chars, MIN_DIGIT_PIECE) and not trivial_digits(piece)
    return len(piece) >= min_chars and not is_common(piece)


def rare_name_word(word: str) -> bool:
    return word.isalpha() and len(word) >= MIN_NAME_LETTERS and not is_common(word)


def _part_pieces(part: str, min_chars: int = MIN_PART_CHARS) -> list[str]:
    """A user name / local part / domain label whole (if distinctive) and its letter and digit
    pieces (a byte-level BPE splits text at letter/digit and punctuation boundaries)."""
    folded = fold(part)
    segments = _SEGMENT.findall(folded)
    pieces = [s for s in segments if distinctive(s, min_chars)]
    # The whole part in one token ('jane.doe' as a SentencePiece or added token), unless every
    # piece of it is a common word ('john.smith').
    if len(segments) > 1 and len(folded) >= min_chars and not all(is_common(s) for s in segments):
        pieces.append(folded)
    return pieces


def _domain_pieces(domain: str) -> list[str]:
    labels = domain.lower().strip(".").split(".")
    own = labels[:-1]  # not the top-level domain
    if len(own) >= 2 and len(labels[-1]) == 2 and own[-1] in GENERIC_SLD:
        own = own[:-1]  # 'example.co.uk' -> 'example'
    pieces: list[str] = []
    for label in own:
        if label in MAIL_WORDS or label in GENERIC_SLD:
            continue
        pieces += _part_pieces(label)
    return pieces


def _email_pieces(ident: Identifier) -> list[str]:
    pieces = [ident.key]
    given = fold(ident.given)
    if "@" in given:
        pieces.append(given)
    for address in (ident.key, given):
        local, _, domain = address.rpartition("@")
        local = local.split("+", 1)[0] or local
        pieces += _part_pieces(local)
        pieces += _domain_pieces(domain)
    return pieces


def _user_of(key: str) -> str:
    """'x:jdoe' -> 'jdoe'; 'mastodon:bob@host' -> 'bob'; 'facebook:id=123' -> '123';
    'youtube:channel/UCx' -> 'ucx'."""
    user = key.split(":", 1)[1] if ":" in key else key
    user = user.split("@", 1)[0].removeprefix("id=")
    return user.rsplit("/", 1)[-1]


def _name_pieces(variant: str) -> list[str]:
    words = [w for w in re.split(r"[\s,]+", variant) if w]
    pieces = [w for w in words if rare_name_word(w)]
    if len(words) >= 2 and pieces:  # the whole name, as a rare name
        pieces.append(variant)
        joined = "".join(w.strip(".") for w in words)
        if len(joined) >= MIN_JOINED_NAME_CHARS and joined.isalpha():
            pieces.append(joined)
    return pieces


def _string_pieces(ident: Identifier) -> list[str]:
    pieces = [ident.key] if len(ident.key) >= MIN_PART_CHARS else []
    for segment in _SEGMENT.findall(ident.key):
        digit_id = segment.isdigit() and distinctive(segment, MIN_DIGIT_PIECE)
        if digit_id or rare_name_word(segment):
            pieces.append(segment)
    return pieces


def reported_kind(kind: str) -> str:
    """The kind a report names: a handle's profile pages count as the handle, a profile URL's
    '@user' as the profile."""
    return {"handle_profile": "handle", "profile_handle": "profile"}.get(kind, kind)


def masked_identifier(ident: Identifier) -> str:
    """'j***@e***.net', '+44 ** **** 0321', '@j***', 'x:j***', 'J*** A***'."""
    kind = reported_kind(ident.kind)
    if kind in ("email", "phone"):
        return mask(kind, ident.given)
    if kind == "handle":
        return "@" + mask("handle", _user_of(ident.key))
    if kind == "profile":
        platform = ident.key.split(":", 1)[0] if ":" in ident.key else "profile"
        return f"{platform}:" + mask("handle", _user_of(ident.key))
    if kind == "name":
        return " ".join(mask("name", w) for w in ident.given.split())
    return mask(kind, ident.given)


@dataclass
class _Target:
    """One identifier as the profile gave it, and what a token must hold to hold it."""

    kind: str
    masked: str
    pieces: set[str] = field(default_factory=set)
    nsn: str = ""  # a phone's national significant number


def _targets(profile: SubjectProfile) -> list[_Target]:
    targets: dict[tuple[str, str], _Target] = {}
    for ident in profile.identifiers:
        kind = reported_kind(ident.kind)
        target = targets.setdefault((kind, ident.given), _Target(kind, masked_identifier(ident)))
        if ident.kind == "phone":
            split = split_e164(ident.key)
            if split and len(split[1]) >= MIN_PHONE_DIGITS:
                target.nsn = split[1]
        elif ident.kind == "email":
            target.pieces.update(_email_pieces(ident))
        elif ident.kind in ("handle", "handle_profile", "profile", "profile_handle"):
            if not ident.key.startswith("flickr-photo:"):  # a photo's id, not the person's
                target.pieces.update(_part_pieces(_user_of(ident.key)))
        elif ident.kind == "name":
            target.pieces.update(_name_pieces(ident.key))
        elif ident.kind == "string":
            target.pieces.update(_string_pieces(ident))
        elif ident.kind == "domain":
            target.pieces.update(_domain_pieces(ident.key))
    found = [t for t in targets.values() if t.pieces or t.nsn]
    return sorted(found, key=lambda t: _kind_rank(t.kind))


def _edge(text: str, at: int, inner: str) -> bool:
    """True when position `at` of `text` does not continue the piece character `inner`: the
    text ends, or the character is not a letter/digit, or one is a letter and the other a
    digit (a byte-level BPE splits there)."""
    if at < 0 or at >= len(text):
        return True
    outer = text[at]
    if not outer.isalnum() or not inner.isalnum():
        return True
    return outer.isdigit() != inner.isdigit()


def holds_piece(text: str, piece: str) -> bool:
    """`piece` occurs in `text` whole: not glued to more of the same kind of character."""
    start = text.find(piece)
    while start != -1:
        end = start + len(piece)
        if _edge(text, start - 1, piece[0]) and _edge(text, end, piece[-1]):
            return True
        start = text.find(piece, start + 1)
    return False


def shares_phone_digits(text: str, nsn: str) -> bool:
    """A digit run of `text` (separators inside it ignored) shares >= MIN_PHONE_DIGITS
    consecutive digits, not a trivial run, with the number's NSN."""
    for run in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"[^0-9]", "", run.group(0))
        for size in range(min(len(digits), len(nsn)), MIN_PHONE_DIGITS - 1, -1):
            for start in range(len(digits) - size + 1):
                part = digits[start : start + size]
                if part in nsn and not trivial_digits(part):
                    return True
    return False


class TokenMatcher:
    """Which of a person's identifiers a decoded token (or any short text) holds."""

    def __init__(self, profile: SubjectProfile) -> None:
        self.targets = _targets(profile)
        pieces = sorted({p for t in self.targets for p in t.pieces}, key=len, reverse=True)
        self._any_piece = re.compile("|".join(map(re.escape, pieces))) if pieces else None
        self._phones = any(t.nsn for t in self.targets)

    def match(self, text: str) -> list[int]:
        """Indexes into `targets` of the identifiers `text` holds."""
        folded = fold(text)
        has_piece = self._any_piece is not None and self._any_piece.search(folded) is not None
        has_digits = self._phones and sum(c.isdigit() for c in folded) >= MIN_PHONE_DIGITS
        if not (has_piece or has_digits):
            return []
        hits = []
        for index, target in enumerate(self.targets):
            held = has_piece and any(holds_piece(folded, p) for p in target.pieces)
            if held or (has_digits and target.nsn and shares_phone_digits(folded, target.nsn)):
                hits.append(index)
        return hits


# --- reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenLeak:
    """One vocabulary entry made from the person's identifier."""

    token_id: int | None  # None when only a file (merges.txt line, config) held it
    masked: str  # the decoded token, masked: safe to print
    added: bool = False  # an added / special token rather than a learnt one
    stored: str = field(default="", repr=False)  # as the vocabulary writes it ('Ġ0207...')
    text: str = field(default="", repr=False)  # decoded


@dataclass(frozen=True)
class IdentifierLeak:
    kind: str  # email | phone | handle | profile | name | string | domain
    masked: str  # the identifier, masked
    tokens: tuple[TokenLeak, ...]


@dataclass(frozen=True)
class FileHit:
    """A file of the model directory that stores the person's tokens in plain text."""

    name: str  # path relative to the model directory
    entries: int  # vocabulary entries, merge rules or strings holding them
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class VocabReport:
    scheme: str  # byte_level | sentencepiece | wordpiece | plain
    vocab_size: int
    leaks: tuple[IdentifierLeak, ...] = ()
    files: tuple[FileHit, ...] = ()  # filled by directory_vocab_leaks

    @property
    def tokens(self) -> list[TokenLeak]:
        """Distinct leaking tokens, by id."""
        seen: dict[tuple[int | None, str], TokenLeak] = {}
        for leak in self.leaks:
            for token in leak.tokens:
                seen.setdefault((token.token_id, token.stored), token)
        return sorted(seen.values(), key=lambda t: (t.token_id is None, t.token_id or 0))

    def counts(self) -> dict[str, int]:
        """Distinct tokens per identifier kind, most first. A token made from two identifiers
        ('jorunn': the email's local part and the name) counts once, under the first of
        KIND_ORDER, so the counts add up to `len(tokens)`."""
        primary: dict[tuple[int | None, str], str] = {}
        for leak in sorted(self.leaks, key=lambda lk: _kind_rank(lk.kind)):
            for t in leak.tokens:
                primary.setdefault((t.token_id, t.stored), leak.kind)
        by_kind: dict[str, int] = {}
        for kind in primary.values():
            by_kind[kind] = by_kind.get(kind, 0) + 1
        return dict(sorted(by_kind.items(), key=lambda kv: (-kv[1], _kind_rank(kv[0]))))

    def kinds_text(self) -> str:
        return ", ".join(f"{kind} ×{n}" for kind, n in self.counts().items())

    def summary(self) -> str:
        """One sentence for the audit verdict."""
        n = len(self.tokens)
        if n == 0:
            return "The tokenizer holds no token made from your identifiers."
        return (
            f"The tokenizer itself holds {n} token{'s' if n != 1 else ''} made from your "
            f"identifiers ({self.kinds_text()}): they stay in the model directory whatever "
            "the weights forget."
        )

    def unlearn_warning(self) -> str | None:
        """What `unlearn` should print when the tokenizer holds the person; None otherwise."""
        n = len(self.tokens)
        if n == 0:
            return None
        where = (
            ", ".join(f.name for f in self.files)
            if self.files
            else "the tokenizer files (tokenizer.json, vocab.json, merges.txt)"
        )
        added = any(t.added for t in self.tokens)
        return (
            f"unlearning changes weights, not the tokenizer: {n} token{'s' if n != 1 else ''} "
            f"of the vocabulary {'are' if n != 1 else 'is'} made from the person's identifiers "
            f"({self.kinds_text()}) and stay in plain text in {where}, in the unlearned model "
            "too. To remove them, either retrain the tokenizer on data without the person (every "
            "token id changes, so the model must then be retrained, or at least its embeddings "
            "re-learnt, with the new vocabulary), or replace those tokens with neutral "
            "placeholders and delete the merges that build them"
            + (" (and the added-token entries)" if added else "")
            + "; then re-initialise their embedding and output rows, which were trained on the "
            "person, and fine-tune so the model handles the new splits."
        )

    def to_json(self) -> dict[str, Any]:
        """Masked values only."""
        return {
            "scheme": self.scheme,
            "vocab_size": self.vocab_size,
            "tokens": len(self.tokens),
            "by_kind": self.counts(),
            "identifiers": [
                {
                    "kind": leak.kind,
                    "masked": leak.masked,
                    "tokens": [
                        {"id": t.token_id, "masked": t.masked, "added": t.added}
                        for t in leak.tokens
                    ],
                }
                for leak in self.leaks
            ],
            "files": [
                {"name": f.name, "entries": f.entries, "kinds": list(f.kinds)} for f in self.files
            ],
        }


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _mask_token(kind: str, text: str) -> str:
    shown = text.strip() or text
    return mask(kind if kind in ("email", "phone") else "name", shown)


def scan_vocab(
    vocab: Mapping[str, int],
    profile: SubjectProfile,
    scheme: str = "byte_level",
    added: Iterable[str] = (),
    matcher: TokenMatcher | None = None,
) -> VocabReport:
    """Leaks of a vocabulary given as {stored token: id}; `added` names the entries stored as
    plain text (added / special tokens)."""
    matcher = matcher or TokenMatcher(profile)
    added_set = set(added)
    found: dict[int, list[TokenLeak]] = {}
    for stored, token_id in vocab.items():
        is_added = stored in added_set
        text = decode_token(stored, scheme, is_added)
        for index in matcher.match(text):
            kind = matcher.targets[index].kind
            leak = TokenLeak(token_id, _mask_token(kind, text), is_added, stored, text)
            found.setdefault(index, []).append(leak)
    leaks = tuple(
        IdentifierLeak(
            matcher.targets[i].kind,
            matcher.targets[i].masked,
            tuple(sorted(found[i], key=lambda t: t.token_id or 0)),
        )
        for i in sorted(found)
    )
    return VocabReport(scheme, len(vocab), leaks)


def _tokenizer_config(tokenizer: Any) -> dict[str, Any] | None:
    """The tokenizer.json of a fast (Rust) tokenizer or of a `tokenizers.Tokenizer`."""
    backend = getattr(tokenizer, "backend_tokenizer", None) or tokenizer
    to_str = getattr(backend, "to_str", None)
    if to_str is None:
        return None
    try:
        config = json.loads(to_str())
    except (TypeError, ValueError):
        return None
    return config if isinstance(config, dict) else None


def vocab_leaks(tokenizer: Any, profile: SubjectProfile) -> VocabReport:
    """The tokens of a Hugging Face tokenizer (transformers fast or slow, or a
    `tokenizers.Tokenizer`) made from the person's identifiers, added tokens included."""
    config = _tokenizer_config(tokenizer)
    try:
        vocab: dict[str, int] = dict(tokenizer.get_vocab())
    except TypeError:  # tokenizers.Tokenizer.get_vocab(with_added_tokens)
        vocab = dict(tokenizer.get_vocab(True))
    added: set[str] = set()
    if hasattr(tokenizer, "get_added_vocab"):
        added = set(tokenizer.get_added_vocab())
    elif config:
        added = {a["content"] for a in config.get("added_tokens", []) if "content" in a}
    if hasattr(tokenizer, "byte_decoder"):  # a slow GPT-2 style tokenizer
        scheme = "byte_level"
    elif hasattr(tokenizer, "sp_model") and config is None:
        scheme = "sentencepiece"
    else:
        scheme = scheme_of(config, (t for t in vocab if t not in added))
    return scan_vocab(vocab, profile, scheme, added)


# --- a model directory's files ------------------------------------------------------------


def _text_hits(path: Path, texts: Sequence[tuple[str, str]]) -> tuple[int, set[str]]:
    """Occurrences of the leaking tokens' decoded texts in a plain text file (README, config):
    (how many of them it holds, their kinds)."""
    if _looks_binary(path):
        return 0, set()
    try:
        folded = fold(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return 0, set()
    held = [(text, kind) for text, kind in texts if holds_piece(folded, text)]
    return len(held), {kind for _, kind in held}


def directory_vocab_leaks(directory: Path, profile: SubjectProfile) -> VocabReport:
    """`vocab_leaks` for a model directory, read from its files (no transformers needed), with
    the files that store the leaking tokens: tokenizer.json, vocab.json, merges.txt (merge rules
    building or using them), added_tokens.json / tokenizer_config.json / special_tokens_map.json
    (added tokens), SentencePiece models, vocab.txt, and any other text file (a README, a chat
    template) that spells out a leaking token's text. Weight files are not read."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ExpungeError(f"{directory}: no such model directory", "check the path")
    dir_vocab = _directory_vocab(directory)
    matcher = TokenMatcher(profile)
    report = scan_vocab(dir_vocab.vocab, profile, dir_vocab.scheme, dir_vocab.added, matcher)

    memo: dict[tuple[str, str], set[str]] = {}

    def kinds_of(stored: str, scheme: str) -> set[str]:
        key = (stored, scheme)
        if key not in memo:
            text = decode_token(stored, scheme)
            memo[key] = {matcher.targets[i].kind for i in matcher.match(text)}
        return memo[key]

    texts = {(fold(t.text), leak.kind) for leak in report.leaks for t in leak.tokens}
    token_texts = sorted((text, kind) for text, kind in texts if len(text) >= MIN_PART_CHARS)
    hits: list[FileHit] = []
    for path in _model_files(directory):
        entries = _file_entries(path, dir_vocab.scheme)
        if entries is None:
            count, kinds = _text_hits(path, token_texts)
        else:
            count, kinds = 0, set()
            for strings, scheme in entries:
                found = set().union(*(kinds_of(s, scheme) for s in strings))
                if found:
                    count += 1
                    kinds |= found
        if count:
            ordered = tuple(sorted(kinds, key=_kind_rank))
            hits.append(FileHit(str(path.relative_to(directory)), count, ordered))
    return VocabReport(report.scheme, report.vocab_size, report.leaks, tuple(hits))


def tokenizer_files_holding(directory: Path, profile: SubjectProfile) -> list[FileHit]:
    """The files of a model directory that store tokens made from the person's identifiers."""
    return list(directory_vocab_leaks(directory, profile).files)
