"""Planting: one writer per PII type and per decoy kind, each with several contexts."""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Callable, Sequence

from .entity_types import DECOY_KINDS
from .pools import Pools, handle_safe
from .text import TextBuilder
from .values import (
    SECRET_MAKERS,
    SECRET_WEIGHTS,
    format_date,
    group_chars,
    luhn_valid,
    make_bban,
    make_birth_date,
    make_card,
    make_iban,
    make_invalid_phone,
    make_ipv4,
    make_ipv6,
    make_isbn13,
    make_phone,
    make_ssn,
    make_technical_ip,
    make_wallet,
    random_chars,
    random_digits,
)

_HEX = "0123456789abcdef"


_FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me",
              "gmx.de", "web.de", "aol.com", "mail.com")  # fmt: skip
_SOCIAL = ("Twitter", "X", "Instagram", "TikTok", "Threads", "GitHub", "Bluesky")
# Street suffixes by how common they are; faker draws all ~200 USPS ones uniformly.
_US_SUFFIXES = (
    ("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln"),
    ("Boulevard", "Blvd"), ("Court", "Ct"), ("Way", "Way"), ("Place", "Pl"),
    ("Terrace", "Ter"), ("Parkway", "Pkwy"), ("Circle", "Cir"),
)  # fmt: skip
_US_SUFFIX_WEIGHTS = (26, 18, 12, 12, 7, 5, 5, 5, 4, 2, 2, 2)

Writer = Callable[[TextBuilder], None]


# Path words under which a page is a person's ('/team/jane-roe'): no plain link uses them.
_PEOPLE_WORDS = frozenset(("people", "team", "staff", "member", "members", "users", "author",
                           "profile", "faculty", "students", "employees"))  # fmt: skip
# Hosting services whose sub-domains are people's own sites (detect.url_kinds).
_PERSONAL_HOSTS = ("github.io", "substack.com", "wordpress.com", "blogspot.com", "neocities.org")


class Planter:
    """Writes one sentence (or code block) carrying one planted value or one decoy.

    Contexts vary on purpose: some detectors lean on words like "call" or "IBAN", and a
    benchmark where every value sits behind its label would flatter them.
    """

    def __init__(self, pools: Pools, rng: random.Random) -> None:
        self.p = pools
        self.rng = rng
        self.pii_writers: dict[str, Writer] = {
            "email": self.email,
            "phone": self.phone,
            "credit_card": self.credit_card,
            "iban": self.iban,
            "ip_address": self.ip_address,
            "us_ssn": self.us_ssn,
            "url": self.url,
            "social_handle": self.social_handle,
            "street_address": self.street_address,
            "date_of_birth": self.date_of_birth,
            "crypto_wallet": self.crypto_wallet,
            "secret": self.secret,
        }
        self.decoy_writers: dict[str, Writer] = {
            k: getattr(self, "decoy_" + k) for k in DECOY_KINDS
        }

    # -- small helpers --

    def _pick(self, seq: Sequence[str]) -> str:
        return seq[self.rng.randrange(len(seq))]

    def name(self) -> str:
        return f"{self._pick(self.p.first_names)} {self._pick(self.p.last_names)}"

    def sentence(self) -> str:
        return self._pick(self.p.sentences)

    def _around(self, b: TextBuilder, type_: str, value: str, before: str, after: str) -> None:
        b.add(before)
        b.pii(type_, value)
        b.add(after)

    def _decoy(self, b: TextBuilder, kind: str, value: str, before: str, after: str) -> None:
        b.add(before)
        b.decoy(kind, value)
        b.add(after)

    # -- PII values --

    def make_email(self) -> str:
        rng = self.rng
        first = handle_safe(self._pick(self.p.first_names)) or "info"
        last = handle_safe(self._pick(self.p.last_names)) or "mail"
        local = rng.choice((
            f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}",
            f"{last}{rng.randint(60, 99)}", self._pick(self.p.usernames), f"{first}",
        ))  # fmt: skip
        domain = rng.choice(_FREE_MAIL) if rng.random() < 0.6 else self._pick(self.p.domains)
        return f"{local}@{domain}"

    def make_url(self) -> str:
        """A link to one person's page: a home directory, a people or profile page, a
        personal site on a hosting service."""
        rng = self.rng
        domain = self._pick(self.p.domains)
        user = self._pick(self.p.usernames)
        site = user.replace("_", "-").lower()
        return rng.choice((
            f"https://{site}.{rng.choice(_PERSONAL_HOSTS)}/{rng.randint(2012, 2024)}/{self._pick(self.p.words)}",
            f"https://www.{domain}/users/{user}",
            f"https://{domain}/~{user}/",
            f"https://{site}.{rng.choice(_PERSONAL_HOSTS)}/",
            f"https://{domain}/profile?id={rng.randint(1000, 999999)}&ref=share",
            f"https://www.{domain}/team/{site}",
        ))  # fmt: skip

    def profile_url(self, user: str) -> str:
        return self.rng.choice((
            f"https://www.instagram.com/{user}/", f"https://twitter.com/{user}",
            f"https://x.com/{user}", f"https://github.com/{user}",
            f"https://www.flickr.com/photos/{user}/", f"https://www.linkedin.com/in/{user}",
            f"https://www.tiktok.com/@{user}",
        ))  # fmt: skip

    def us_street(self) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            return self._pick(self.p.us_streets)
        full, short = rng.choices(_US_SUFFIXES, _US_SUFFIX_WEIGHTS)[0]
        r = rng.random()
        suffix = full if r < 0.65 else short if r < 0.85 else short + "."
        return f"{self._pick(self.p.us_street_words)} {suffix}"

    def make_street_address(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.8:
            city, state, zipcode = self.p.us_places[rng.randrange(len(self.p.us_places))]
            street = f"{rng.randint(1, 9899)} {self.us_street()}"
            if rng.random() < 0.2:
                street += rng.choice((f" Apt {rng.randint(1, 40)}{rng.choice('ABCD')}",
                                      f" Suite {rng.randint(100, 990)}"))  # fmt: skip
            sep = "\n" if rng.random() < 0.15 else ", "
            return f"{street}{sep}{city}, {state} {zipcode}"
        if r < 0.9:
            city, postcode = self.p.gb_places[rng.randrange(len(self.p.gb_places))]
            return f"{rng.randint(1, 250)} {self._pick(self.p.gb_streets)}, {city} {postcode}"
        postcode, city = self.p.de_places[rng.randrange(len(self.p.de_places))]
        return f"{self._pick(self.p.de_streets)} {rng.randint(1, 180)}, {postcode} {city}"

    # -- PII writers --

    def email(self, b: TextBuilder) -> None:
        v = self.make_email()
        before, after = self.rng.choice((
            ("Contact me at ", " if you have questions."), ("Email: ", ""),
            ("Send your CV to ", " before Friday."), (f"{self.name()} <", ">"),
            ("You can reach our support team via ", "."), ("my email is ", " lol"),
            ("Questions? Write to ", " and we will get back to you."), ("", ""),
        ))  # fmt: skip
        self._around(b, "email", v, before, after)

    def phone(self, b: TextBuilder) -> None:
        v = make_phone(self.rng)
        before, after = self.rng.choice((
            ("Call us at ", "."), ("Tel: ", ""), ("my number is ", ", text anytime"),
            ("Phone ", " (Mon to Fri)"), ("For bookings ring ", " or drop by."),
            ("Reach me on ", " after six."), ("Mobile: ", ""), ("", " is my cell"),
        ))  # fmt: skip
        self._around(b, "phone", v, before, after)

    def credit_card(self, b: TextBuilder) -> None:
        rng = self.rng
        v = make_card(rng)
        before, after = rng.choice((
            ("my card number is ", f" exp {rng.randint(1, 12):02d}/{rng.randint(25, 31)}"),
            ("Card: ", ""), ("they charged ", " twice, refund please!"),
            ("Paid with ", " but no confirmation yet."), ("cc ", " cvv in DM"),
        ))  # fmt: skip
        self._around(b, "credit_card", v, before, after)

    def iban(self, b: TextBuilder) -> None:
        v = make_iban(self.rng)
        before, after = self.rng.choice((
            ("IBAN: ", ""), ("Please transfer the deposit to ", " by Monday."),
            ("Bankverbindung: IBAN ", ""), ("account ", " (name on account as above)"),
            ("Donations: ", " thank you!"),
        ))  # fmt: skip
        self._around(b, "iban", v, before, after)

    def ip_address(self, b: TextBuilder) -> None:
        rng = self.rng
        v = make_ipv6(rng) if rng.random() < 0.25 else make_ipv4(rng)
        style = rng.randrange(5)
        if style == 0:
            self._around(b, "ip_address", v, "connect to server ", " failed: connection refused")
        elif style == 1:
            b.add("```\n")
            self.decoy_timestamp(b, bare=True)
            self._around(
                b,
                "ip_address",
                v,
                " sshd[2211]: Failed password for root from ",
                " port 22 ssh2\n```",
            )
        elif style == 2:
            self._around(b, "ip_address", v, "My IP is ", ", is it blocked?")
        elif style == 3:
            self._around(b, "ip_address", v, "client ", ' - - "GET /index.html HTTP/1.1" 200 5120')
        else:
            self._around(b, "ip_address", v, "ping ", " shows 40% packet loss")

    def us_ssn(self, b: TextBuilder) -> None:
        v = make_ssn(self.rng)
        before, after = self.rng.choice((
            ("SSN: ", ""), ("my social security number is ", ", is that safe to post?"),
            ("Social Security No. ", ""), ("ssn ", " dob on file"), ("Applicant SSN ", "."),
        ))  # fmt: skip
        self._around(b, "us_ssn", v, before, after)

    def url(self, b: TextBuilder) -> None:
        v = self.make_url()
        before, after = self.rng.choice((
            ("More on my blog: ", ""), ("see ", " for the full story."), ("(", ")"),
            ("Link: ", ""), ("I posted the photos at ", " last week."), ("", ""),
        ))  # fmt: skip
        self._around(b, "url", v, before, after)

    def social_handle(self, b: TextBuilder) -> None:
        rng = self.rng
        if rng.random() < 0.35:  # a profile URL names the account as well as "@name" does
            v = self.profile_url(self._pick(self.p.usernames))
            before, after = rng.choice((
                ("my profile: ", ""), ("(", ")"), ("Follow along at ", " for updates."),
                ("", ""), ("More photos on ", "."),
            ))  # fmt: skip
            self._around(b, "social_handle", v, before, after)
            return
        v = "@" + self._pick(self.p.usernames)
        net = rng.choice(_SOCIAL)
        before, after = rng.choice((
            (f"follow me on {net} ", ""), (f"Find us on {net}: ", ""), ("I'm ", f" on {net}"),
            (f"{net}: ", ""), (f"DM me on {net} (", ")"), (f"say hi on {net}, I'm ", "."),
        ))  # fmt: skip
        self._around(b, "social_handle", v, before, after)

    def street_address(self, b: TextBuilder) -> None:
        v = self.make_street_address()
        before, after = self.rng.choice((
            ("Our office: ", "."), (f"Ship to: {self.name()}, ", ""), ("Visit us at ", "."),
            ("I live at ", ", the blue door."), ("Address: ", ""),
            ("Return to ", " if undelivered."),
        ))  # fmt: skip
        self._around(b, "street_address", v, before, after)

    def date_of_birth(self, b: TextBuilder) -> None:
        rng = self.rng
        v = format_date(rng, *make_birth_date(rng))
        before, after = rng.choice((
            ("born on ", ""), ("DOB: ", ""), ("Date of birth: ", ""),
            ("I was born ", " in a small town."), ("Geburtsdatum: ", ""),
            ("birthdate ", ", age verified"), ("date of birth ", "."),
        ))  # fmt: skip
        self._around(b, "date_of_birth", v, before, after)

    def crypto_wallet(self, b: TextBuilder) -> None:
        v = make_wallet(self.rng)
        coin = "ETH" if v.startswith("0x") else "BTC"
        before, after = self.rng.choice((
            (f"{coin}: ", ""), ("Donations welcome: ", ""), (f"send {coin} to ", " thanks"),
            ("wallet ", " (tips appreciated)"), (f"My {coin} address is ", "."),
        ))  # fmt: skip
        self._around(b, "crypto_wallet", v, before, after)

    def secret(self, b: TextBuilder) -> None:
        rng = self.rng
        var, maker = rng.choices(SECRET_MAKERS, SECRET_WEIGHTS)[0]
        v = maker(rng)
        if var == "PRIVATE_KEY":
            self._around(b, "secret", v, "my deploy key, in case it helps:\n```\n", "\n```")
            return
        before, after = rng.choice((
            (f"```bash\nexport {var}=", "\nexport DEBUG=false\n```"),
            (f"```python\nimport os\n\n{var.lower()} = \"", "\"  # TODO move to env\n```"),
            (f"```yaml\nenv:\n  PORT: 8080\n  {var}: ", "\n```"),
            (f"```\n{var}=", "\nREGION=us-east-1\n```"),
            ("I accidentally committed my token ", " to a public repo, how do I revoke it?"),
            (f"const {var} = '", "';"),
        ))  # fmt: skip
        self._around(b, "secret", v, before, after)

    # -- decoys: look like PII to a plain pattern, are not --

    def decoy_isbn13(self, b: TextBuilder) -> None:
        rng = self.rng
        isbn = make_isbn13(rng)
        if rng.random() < 0.5:
            cut = rng.randint(2, 4)
            isbn = f"{isbn[:3]}-{isbn[3]}-{isbn[4 : 4 + cut]}-{isbn[4 + cut : 12]}-{isbn[12]}"
        self._decoy(b, "isbn13", isbn, rng.choice(("ISBN ", "ISBN-13: ", "isbn ")), "")

    def decoy_iban_tail(self, b: TextBuilder) -> None:
        bban = make_bban(self.rng, "DE")
        v = group_chars(bban, [4] * 5, " ") if self.rng.random() < 0.6 else bban
        self._decoy(b, "iban_tail", v, self.rng.choice(("account ", "Konto ", "ref ")), "")

    def decoy_tracking_number(self, b: TextBuilder) -> None:
        rng = self.rng
        style = rng.randrange(3)
        if style == 0:
            v = group_chars(
                rng.choice(("9400", "9205", "9361")) + random_digits(rng, 18), [4] * 5, " "
            )
        elif style == 1:
            v = (
                "1Z"
                + random_chars(rng, string.ascii_uppercase + string.digits, 6)
                + random_digits(rng, 10)
            )
        else:  # 16 digits that no card network issues and that fail Luhn anyway
            while True:
                v = rng.choice("09") + random_digits(rng, 15)
                if not luhn_valid(v):
                    break
            v = group_chars(v, [4] * 4, " ")
        self._decoy(b, "tracking_number", v, "tracking number ", "")

    def decoy_order_number(self, b: TextBuilder) -> None:
        rng = self.rng
        v = rng.choice((
            f"{rng.randint(100, 999)}-{random_digits(rng, 7)}-{random_digits(rng, 7)}",
            f"{rng.randint(1000000, 9999999)}", f"INV-{rng.randint(2015, 2024)}-{random_digits(rng, 5)}",
        ))  # fmt: skip
        self._decoy(b, "order_number", v, rng.choice(("Order #", "order no. ", "Invoice ")), "")

    def decoy_version_string(self, b: TextBuilder) -> None:
        rng = self.rng
        v = rng.choice((
            f"{rng.randint(1, 12)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}",
            f"10.0.{rng.randint(10240, 22631)}.{rng.randint(1, 3000)}",
            f"v{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}",
        ))  # fmt: skip
        before, after = rng.choice(
            (("upgraded to ", " release"), ("version ", ""), ("", " is out"))
        )
        self._decoy(b, "version_string", v, before, after)

    def decoy_price(self, b: TextBuilder) -> None:
        rng = self.rng
        euros = rng.randint(1, 9999)
        v = rng.choice((
            f"${euros:,}.{rng.randint(0, 99):02d}",
            f"€ {euros:,}".replace(",", ".") + f",{rng.randint(0, 99):02d}",
            f"£{euros}.99", f"{euros},00 €",
        ))  # fmt: skip
        self._decoy(b, "price", v, rng.choice(("Price: ", "now only ", "was ")), "")

    def decoy_coordinates(self, b: TextBuilder) -> None:
        rng = self.rng
        v = f"{rng.uniform(-80, 80):.4f}, {rng.uniform(-179, 179):.4f}"
        self._decoy(b, "coordinates", v, "GPS: ", "")

    def decoy_timestamp(self, b: TextBuilder, bare: bool = False) -> None:
        rng = self.rng
        y, mo, d = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
        h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        v = rng.choice((
            f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}",
            f"{y}{mo:02d}{d:02d}{h:02d}{mi:02d}{s:02d}",
            str(rng.randint(1_600_000_000, 1_730_000_000)),
        ))  # fmt: skip
        self._decoy(b, "timestamp", v, "" if bare else "last seen ", "")

    def decoy_plain_date(self, b: TextBuilder) -> None:
        rng = self.rng
        v = format_date(rng, rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28))
        before = rng.choice(
            ("Posted on ", "Last updated: ", "Event date: ", "Offer valid until ", "Published ")
        )
        self._decoy(b, "plain_date", v, before, "")

    def decoy_invalid_luhn16(self, b: TextBuilder) -> None:
        rng = self.rng
        while True:
            v = rng.choice("45") + random_digits(rng, 15)
            if not luhn_valid(v):
                break
        v = group_chars(v, [4] * 4, rng.choice((" ", "-", "")))
        self._decoy(b, "invalid_luhn16", v, rng.choice(("Ref ", "Member ID ", "serial ")), "")

    def decoy_invalid_ssn(self, b: TextBuilder) -> None:
        rng = self.rng
        area = rng.choice(("000", "666", f"9{random_digits(rng, 2)}"))
        v = f"{area}-{rng.randint(0, 99):02d}-{rng.randint(0, 9999):04d}"
        self._decoy(b, "invalid_ssn", v, rng.choice(("Ticket ", "Part no. ", "case ")), "")

    def decoy_invalid_phone(self, b: TextBuilder) -> None:
        v = make_invalid_phone(self.rng)
        self._decoy(b, "invalid_phone", v, self.rng.choice(("Call ", "Fax: ", "ext. ")), "")

    def decoy_email_like_filename(self, b: TextBuilder) -> None:
        rng = self.rng
        stem = rng.choice(("logo", "icon", "hero", "avatar", "sprite"))
        v = f"{stem}@{rng.randint(2, 3)}x.{rng.choice(('png', 'jpg', 'webp'))}"
        self._decoy(b, "email_like_filename", v, "Download ", " for retina screens")

    def decoy_site_path(self, b: TextBuilder) -> None:
        v = self.rng.choice((
            "github.com/features", "github.com/pricing", "github.com/settings/tokens",
            "github.com/login", "twitter.com/home", "instagram.com/explore", "x.com/settings",
            "github.com/features/actions",
        ))  # fmt: skip
        self._decoy(b, "site_path", v, "go to ", " and sign in first")

    def decoy_placeholder_secret(self, b: TextBuilder) -> None:
        v = self.rng.choice((
            "sk-XXXXXXXXXXXXXXXX", "your-api-key-here", "AKIAXXXXXXXXXXXXXXXX", "<YOUR_TOKEN>",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sk-proj-...", "REPLACE_ME",
        ))  # fmt: skip
        self._decoy(b, "placeholder_secret", v, 'API_KEY = "', '"  # put your key here')

    def decoy_code_annotation(self, b: TextBuilder) -> None:
        v = self.rng.choice(
            ("@media", "@Override", "@param", "@dataclass", "@pytest", "@keyframes")
        )
        self._decoy(b, "code_annotation", v, "```\n", " (see the docs)\n```")

    def decoy_git_sha(self, b: TextBuilder) -> None:
        rng = self.rng
        v = random_chars(rng, _HEX, 40) if rng.random() < 0.6 else random_chars(rng, _HEX, 7)
        self._decoy(b, "git_sha", v, rng.choice(("commit ", "fixed in ", "revert ")), "")

    def decoy_tx_hash(self, b: TextBuilder) -> None:
        self._decoy(b, "tx_hash", "0x" + random_chars(self.rng, _HEX, 64), "tx ", " confirmed")

    def decoy_technical_ip(self, b: TextBuilder) -> None:
        before, after = self.rng.choice((
            ("listen on ", " port 8080"), ("netmask ", ""), ("e.g. ", " in the docs"),
            ("route add ", " via gateway"), ("bind_address = ", "\n"), ("localhost (", ")"),
        ))  # fmt: skip
        self._decoy(b, "technical_ip", make_technical_ip(self.rng), before, after)

    def decoy_web_link(self, b: TextBuilder) -> None:
        """A link that names no one: an article, a product or documentation page."""
        rng = self.rng
        domain = self._pick(self.p.domains)
        word = self._pick(self.p.words)
        while word in _PEOPLE_WORDS:  # '/people/87939.html' may well be someone's page
            word = self._pick(self.p.words)
        v = rng.choice((
            f"https://{domain}/blog/{rng.randint(2012, 2024)}/{word}-{self._pick(self.p.words)}",
            f"https://www.{domain}/{word}/{rng.randint(10000, 99999)}.html",
            f"https://docs.{domain}/en/latest/{word}.html", f"https://{domain}/",
        ))  # fmt: skip
        before, after = rng.choice((("see ", " for details"), ("(", ")"), ("Source: ", "")))
        self._decoy(b, "web_link", v, before, after)

    def decoy_uuid(self, b: TextBuilder) -> None:
        v = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self._decoy(b, "uuid", v, "request-id: ", "")
