"""Positives and hard negatives for every pattern type of expunge.detect."""

from __future__ import annotations

import pytest

from expunge.detect import Detector


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector()


def values(det: Detector, text: str, kind: str) -> list[str]:
    """The substrings found as `kind`; also checks offsets point at the reported text."""
    out = []
    for f in det.scan(text):
        assert 0 <= f.start < f.end <= len(text)
        if f.type == kind:
            out.append(text[f.start : f.end])
    return out


# --- email -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("write to jane.doe@example.com.", "jane.doe@example.com"),
        ("<jane.doe+news@mail.example.co.uk>", "jane.doe+news@mail.example.co.uk"),
        ("Contact: J_Smith@Example.ORG, thanks", "J_Smith@Example.ORG"),
        ("user@163.com", "user@163.com"),
    ],
)
def test_email_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "email") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "<img src='logo@2x.png'>",
        "icon@3x.webp and banner@1.5x.jpg",
        "npm install lodash@4.17.21",
        "pin it: pkg@1.2.3-beta.x",
        "mail user@localhost",
        "styles: theme@media.css",
        "no at sign here.com",
    ],
)
def test_email_negative(det: Detector, text: str) -> None:
    assert values(det, text, "email") == []


# --- phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call (212) 555-0123 today", "(212) 555-0123"),
        ("phone: 212-555-0123", "212-555-0123"),
        ("212.555.0123 is the office", "212.555.0123"),
        ("reach me at 212 555 0123.", "212 555 0123"),
        ("US office +1 212 555 0123", "+1 212 555 0123"),
        ("London: +44 20 7946 0958", "+44 20 7946 0958"),
        ("London: +44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
        ("Berlin +49 30 12345678", "+49 30 12345678"),
        ("dial 00 44 20 7946 0958 from abroad", "00 44 20 7946 0958"),
        ("mobile 2125550123", "2125550123"),
    ],
)
def test_phone_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "phone") == [expected]


def test_phone_national_formats_with_region() -> None:
    assert values(Detector(phone_region="DE"), "Tel. 030 12345678", "phone") == ["030 12345678"]
    assert values(Detector(phone_region="DE"), "Fax 030/1234567", "phone") == ["030/1234567"]
    assert values(Detector(phone_region="GB"), "ring 020 7946 0958", "phone") == ["020 7946 0958"]
    # a German number in a US-hinted scan still counts when a phone word vouches for it
    assert values(Detector(phone_region="US"), "Telefon: 030 12345678", "phone") == ["030 12345678"]


@pytest.mark.parametrize(
    "text",
    [
        "logged at 2023-11-15 14:30:22 UTC",
        "id 20231115143022 in the log",
        "epoch 1699999999 seconds",
        "1699999999",
        "2125550123",  # a bare 10-digit run needs a phone word
        "at 14:30:22 sharp",
        "coords 40.7128, -74.0060",
        "price $1,234,567.89 or 1.234.567,89 EUR",
        "version 10.0.19041.1 build",
        "ISBN 978-3-16-148410-0 and ISBN 0-306-40615-2",
        "serial 12345678901234567890",
        "order A2125550123 shipped",
        "SKU2125550123X",
        "(555) 123-4567",  # 555 is no assigned area code: invalid for libphonenumber
        "1-2-3-4-5-6-7-8-9-10",
        "call 0800 000 000 0000 0000 0000",
    ],
)
def test_phone_negative(det: Detector, text: str) -> None:
    assert values(det, text, "phone") == []


# --- credit card -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("card 4111 1111 1111 1111 exp 12/25", "4111 1111 1111 1111"),
        ("4111-1111-1111-1111", "4111-1111-1111-1111"),
        ("mc 5555555555554444.", "5555555555554444"),
        ("amex 378282246310005", "378282246310005"),
        ("amex 3782 822463 10005", "3782 822463 10005"),
        ("discover 6011111111111117", "6011111111111117"),
    ],
)
def test_card_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "credit_card") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112",  # bad Luhn
        "ISBN 9780306406164",  # valid ISBN-13 AND valid Luhn, but no issuer starts with 978
        "Tracking number: 4000 1234 5678 9009",  # Luhn + Visa prefix, tracking context
        "UPS 4000123456789009",
        "invoice 4000123456789009",
        "id 14111111111111111111",  # inside a longer digit run
        "x4111111111111111",  # glued to letters
        "4111 1111 1111 1111 2023 7777",  # a longer grouped number
        "1234 5678 9012 3456",  # no issuer
    ],
)
def test_card_negative(det: Detector, text: str) -> None:
    assert values(det, text, "credit_card") == []


def test_card_digits_inside_iban_are_the_iban(det: Detector) -> None:
    text = "IBAN DE95 4111 1111 1111 1111 00"
    assert values(det, text, "iban") == ["DE95 4111 1111 1111 1111 00"]
    assert values(det, text, "credit_card") == []
    assert values(det, "DE95411111111111111100", "credit_card") == []


# --- IBAN ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("IBAN DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00"),
        ("IBAN: DE89370400440532013000", "DE89370400440532013000"),
        ("GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 19"),
        ("pay to FR1420041010050500013M02606 please", "FR1420041010050500013M02606"),
        ("NL91ABNA0417164300", "NL91ABNA0417164300"),
    ],
)
def test_iban_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "iban") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE88 3704 0044 0532 0130 00",  # checksum off by one
        "IBAN DE5137040044053201300",  # mod-97 fine but 21 characters: DE needs 22
        "ZZ89370400440532013000",  # unknown country
        "XDE89370400440532013000",  # glued
    ],
)
def test_iban_negative(det: Detector, text: str) -> None:
    assert values(det, text, "iban") == []


# --- IP address ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Server at 81.2.69.160, port 22", "81.2.69.160"),
        ("client 84.17.52.5 connected", "84.17.52.5"),
        ("DNS server 81.2.69.142", "81.2.69.142"),
        ("v6 2a02:598::1 is ours", "2a02:598::1"),
        ("addr 2a00:1450:4001:81b::200e.", "2a00:1450:4001:81b::200e"),
        (
            "full 2a02:0598:85a3:0000:0000:8a2e:0370:7334 ok",
            "2a02:0598:85a3:0000:0000:8a2e:0370:7334",
        ),
        ("pub 81.2.69.160 doc 192.0.2.5 v6 next", "81.2.69.160"),  # 'v' of 'v6' is no version
    ],
)
def test_ip_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "ip_address")[:1] == [expected]


def test_narrow_networks_may_be_one_subscribers(det: Detector) -> None:
    """A static /29 at home, an IPv6 /48 per customer (RFC 6177): the person's address."""
    text = "home 81.2.69.160/29. office 2a00:1450:4001::/48 and host 81.2.69.161/32"
    assert values(det, text, "ip_address") == [
        "81.2.69.160/29",
        "2a00:1450:4001::/48",
        "81.2.69.161/32",
    ]
    # not a prefix: a path, a unit, a fraction, a prefix length out of range
    for text in ("81.2.69.160/index.html", "81.2.69.160/33 x", "81.2.69.160/8.5 y"):
        assert values(det, text, "ip_address") == ["81.2.69.160"], text


@pytest.mark.parametrize(
    "text, expected, why",
    [
        ("Server at 192.168.1.10, port 22", "192.168.1.10", "private"),
        ("ping 10.0.0.1.", "10.0.0.1", "private"),
        ("bind 127.0.0.1:8000", "127.0.0.1", "loopback"),
        ("netmask 255.255.255.0", "255.255.255.0", "netmask"),
        ("mdns 224.0.0.251", "224.0.0.251", "multicast"),
        ("apipa 169.254.10.2", "169.254.10.2", "link-local"),
        ("cgnat 100.64.0.1", "100.64.0.1", "shared"),
        ("addr fe80::1ff:fe23:4567:890a.", "fe80::1ff:fe23:4567:890a", "link-local"),
        ("ula fd12:3456:789a::1", "fd12:3456:789a::1", "private"),
        ("client 203.0.113.5 connected", "203.0.113.5", "documentation"),  # RFC 5737
        ("e.g. 198.51.100.7|", "198.51.100.7", "documentation"),
        ("doc 192.0.2.254", "192.0.2.254", "documentation"),
        ("v6 2001:db8::1 is reserved", "2001:db8::1", "documentation"),  # RFC 3849
        ("new doc 3fff:0:1::5 prefix", "3fff:0:1::5", "documentation"),  # RFC 9637
        # CIDR: the suffix is part of the span; a provider-wide public block names no one
        ("route 10.0.0.0/8 via gw", "10.0.0.0/8", "private"),
        ("allow 81.2.69.0/24;", "81.2.69.0/24", "network"),
        ("net 2001:db8::/32.", "2001:db8::/32", "documentation"),
        ("google 2a00:1450::/29 block", "2a00:1450::/29", "network"),
        ("DNS server 8.8.8.8", "8.8.8.8", "public-resolver"),  # a company's anycast service
        ("dns 2606:4700:4700::1111", "2606:4700:4700::1111", "public-resolver"),
        ('url "https://[::ffff:192.168.0.1]"', "::ffff:192.168.0.1", "private"),  # v4-mapped
    ],
)
def test_technical_ips_only_when_asked(text: str, expected: str, why: str) -> None:
    assert values(Detector(), text, "ip_address") == []  # no one's address: not reported
    found = Detector(types=["ip_technical"]).scan(text)
    assert [(text[f.start : f.end], f.validator.split("-", 1)[1]) for f in found] == [
        (expected, why)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3.4",
        "upgrade to version 9.2.9.0 now",
        "Windows release 10.0.19041.1",
        "v1.2.3.4",
        "build 4.2.10.5 is out",
        "10.1.2.3 release notes",
        "1.2.3.4.5",
        "300.1.1.1",
        "01.02.03.04",
        "meet at 12:30:45",
        "std::vector<int>::iterator",
        "MAC 00:1A:2B:3C:4D:5E",
        "0.0.0.0",
    ],
)
def test_ip_negative(det: Detector, text: str) -> None:
    assert values(det, text, "ip_address") == []


# --- US SSN ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SSN 536-22-1234", "536-22-1234"),
        ("social security number: 536 22 1234", "536 22 1234"),
        ("ssn 536221234", "536221234"),
        ("536-22-1234 and 537-22-1234", "536-22-1234"),
    ],
)
def test_ssn_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "us_ssn")[:1] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "SSN 000-12-3456",
        "SSN 666-12-3456",
        "SSN 912-12-3456",
        "SSN 123-00-4567",
        "SSN 123-45-0000",
        "SSN 078-05-1120",
        "SSN 219-09-9999",
        "536221234",  # bare nine digits need an ssn word
        "536 22 1234",  # space-separated needs one too
        "1536-22-12345",
    ],
)
def test_ssn_negative(det: Detector, text: str) -> None:
    assert values(det, text, "us_ssn") == []


# --- URL -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("see https://example.com/a/b?c=d.", "https://example.com/a/b?c=d"),
        (
            "(see https://en.wikipedia.org/wiki/Foo_(bar))",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        ("[docs](https://docs.python.org/3/)", "https://docs.python.org/3/"),
        ("visit www.example.org, today", "www.example.org"),
        ("HTTP://EXAMPLE.COM/X", "HTTP://EXAMPLE.COM/X"),
    ],
)
def test_url_spans(text: str, expected: str) -> None:
    """Where a link starts and ends; a link that names no one is url_technical ('link')."""
    found = Detector(types=["url", "url_technical"]).scan(text)
    assert [text[f.start : f.end] for f in found] == [expected]
    assert [f.type for f in found] == ["url_technical"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cs.example.edu/~jdoe/",
        "https://example.com/users/jdoe",
        "https://example.com/u/jdoe",
        "https://example.com/team/jane-roe",
        "https://example.com/people/jane.roe.html",
        "https://example.com/members/jdoe",  # ("/@jdoe" is a social_handle)
        "https://jdoe.github.io/",
        "https://jdoe.github.io/2021/notes-on-x",
        "https://jane-roe.substack.com/p/my-year",
        "https://orcid.org/0000-0002-1825-0097",
        "https://paypal.me/jdoe",
        "https://forum.example.org/memberlist.php?mode=viewprofile&u=123",
        "https://example.com/profile?id=8312&ref=share",
        "https://example.com/unsubscribe?email=jane%40example.com",
    ],
)
def test_url_naming_a_person(det: Detector, url: str) -> None:
    assert values(det, f"see {url} now", "url") == [url]


@pytest.mark.parametrize(
    "url",
    [
        "https://numpy.org/doc/stable/user/quickstart.html",  # 'user' deep in docs is a guide
        "https://requests.readthedocs.io/en/latest/user/quickstart/",
        "https://example.com/users/sign_in",
        "https://example.com/team/index.html",
        "https://docs.github.io/",  # no one's name before the hosting suffix
        "https://example.com/profile?tab=settings&x=",  # an empty value names no one
        "https://www.example.com/news/2024/05/storm.html",
        "https://example.com/search?q=users",
        "https://w3c.github.io/hr-time/#dom-performance",  # a project's page on github.io
        "https://www.dgpa.gov.tw/en/information?uid=353&pid=6182",  # 'uid' numbers a page
        "https://github.com/faker-js/faker/blob/next/src/locales/yo_NG/person/last_name.ts",
    ],
)
def test_url_naming_no_one(det: Detector, url: str) -> None:
    text = f"see {url} now"
    assert values(det, text, "url") == []
    found = Detector(types=["url_technical"]).scan(text)
    assert [(text[f.start : f.end], f.validator) for f in found] == [(url, "link")]


def test_url_negative_and_email_domain(det: Detector) -> None:
    assert values(det, "http://x broken", "url") == []
    text = "mail john@www.example.com now"
    assert values(det, text, "email") == ["john@www.example.com"]
    assert values(det, text, "url") == []


# --- social handle ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("https://twitter.com/jack", "https://twitter.com/jack"),
        ("on https://x.com/jack/status/20 today", "https://x.com/jack/status/20"),
        ("instagram.com/natgeo", "instagram.com/natgeo"),
        (
            "https://www.facebook.com/profile.php?id=100004",
            "https://www.facebook.com/profile.php?id=100004",
        ),
        ("https://www.linkedin.com/in/jane-doe-123/", "https://www.linkedin.com/in/jane-doe-123/"),
        ("https://www.tiktok.com/@someone", "https://www.tiktok.com/@someone"),
        ("code at https://github.com/torvalds.", "https://github.com/torvalds"),
        (
            "https://www.flickr.com/photos/12345678@N00/",
            "https://www.flickr.com/photos/12345678@N00/",
        ),
        ("https://www.reddit.com/user/spez", "https://www.reddit.com/user/spez"),
        ("https://www.youtube.com/@mkbhd", "https://www.youtube.com/@mkbhd"),
        ("https://mastodon.social/@Gargron", "https://mastodon.social/@Gargron"),
        ("follow me on twitter @jdoe", "@jdoe"),
        ("IG: @jane.doe", "@jane.doe"),
        ("toot me at @user@mastodon.social.", "@user@mastodon.social"),
    ],
)
def test_social_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "social_handle") == [expected]
    assert values(det, text, "url") == []


@pytest.mark.parametrize(
    "text",
    [
        "https://github.com/features",
        "https://github.com/pricing",
        "https://twitter.com/home",
        "https://www.instagram.com/p/Bxyz123/",
        "https://www.facebook.com/groups/python",
        "mail jane@example.com",
        "@media screen and (max-width: 600px)",
        "thanks @jdoe for the fix",
        "auto x = ns::task(0xc728d420); @media (max-width: 93px)",
    ],
)
def test_social_negative(det: Detector, text: str) -> None:
    assert values(det, text, "social_handle") == []


# --- street address --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "I live at 123 Main Street, Springfield, IL 62704.",
            "123 Main Street, Springfield, IL 62704",
        ),
        ("1600 Pennsylvania Ave NW.", "1600 Pennsylvania Ave NW"),
        ("office: 350 5th Ave, New York, NY 10118", "350 5th Ave, New York, NY 10118"),
        ("Flat 2, 10 Downing Street, London SW1A 2AA", "10 Downing Street, London SW1A 2AA"),
        ("Anschrift: Hauptstraße 12, 10115 Berlin", "Hauptstraße 12, 10115 Berlin"),
        ("Berliner Str. 5", "Berliner Str. 5"),
        ("42 Elm Road", "42 Elm Road"),
        (
            "I live at 332 Davis Island, Rodriguezside, LA 93111.",
            "332 Davis Island, Rodriguezside, LA 93111",
        ),
        (
            "12 Main St Apt 4B, Springfield, IL 62704-1234",
            "12 Main St Apt 4B, Springfield, IL 62704-1234",
        ),
        ("in 317 Luft Street Stein", "317 Luft Street"),
    ],
)
def test_street_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "street_address") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "in 2019 Wall Street crashed",
        "the 9 Supreme Court justices",
        "we walked 5 miles down the street",
        "Chapter 3 The Long Way",
        "String 5 is loose",
        "Meet at 10 Downing",
    ],
)
def test_street_negative(det: Detector, text: str) -> None:
    assert values(det, text, "street_address") == []


# --- date of birth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("She was born on March 12, 1984 in Paris.", "March 12, 1984"),
        ("DOB: 1984-03-12", "1984-03-12"),
        ("Date of birth: 12/03/1984", "12/03/1984"),
        ("d.o.b. 12.03.1984", "12.03.1984"),
        ("his birthday is 12 March 1984", "12 March 1984"),
        ("geboren am 12.03.1984 in Köln", "12.03.1984"),
        ("Jean Dupont, né le 12 mars 1950", "12 mars 1950"),
    ],
)
def test_dob_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "date_of_birth") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Meeting on 2023-11-15 at noon",
        "March 12, 1984 was a Monday",
        "12/03/1984",
        "he was born in 1984",
        "born in Paris. On 12 March 1984 the war",
        "a stubborn 12/03/1984 record",
        "born on 31.02.1984",
    ],
)
def test_dob_negative(det: Detector, text: str) -> None:
    assert values(det, text, "date_of_birth") == []


# --- crypto wallets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tips: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        ("p2sh 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy.", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        (
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "taproot bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
        ),
        (
            "eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ),
        (
            "eth 0x52908400098527886e0f7030069857d2e4169ee7",
            "0x52908400098527886e0f7030069857d2e4169ee7",
        ),
    ],
)
def test_crypto_positive(det: Detector, text: str, expected: str) -> None:
    assert values(det, text, "crypto_wallet") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",  # base58check checksum broken
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr",  # bech32 checksum broken
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # EIP-55 case broken
        "x0x52908400098527886e0f7030069857d2e4169ee7",
        "sha 1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_crypto_negative(det: Detector, text: str) -> None:
    assert values(det, text, "crypto_wallet") == []


# --- secrets ---------------------------------------------------------------------------------
# Tokens are assembled at run time so the repository never holds a literal that looks live.

_RANDOM = "q7Zk2Vw9Lr4Tx8Nc1Hb6Pm3Jf5Ds0Ga"


@pytest.mark.parametrize(
    "token",
    [
        "AKIA" + "Q7ZK2VW9LR4TX8NC",
        "gh" + "p_" + _RANDOM + "Yq2Ew8",
        "github" + "_pat_" + _RANDOM + "_" + _RANDOM + _RANDOM[:20],
        "AI" + "za" + _RANDOM + "Yq2E",
        "xo" + "xb-" + "1234567890-" + _RANDOM,
        "sk-" + "proj-" + _RANDOM + _RANDOM,
        "sk_" + "live_" + _RANDOM,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ"
        + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ],
)
def test_secret_positive(det: Detector, token: str) -> None:
    assert values(det, f"config: {token} end", "secret") == [token]


def test_secret_slack_webhook_and_aws_secret(det: Detector) -> None:
    hook = "https://hooks.slack.com/services/" + "T0ABCDEFG/B0ABCDEFG/" + _RANDOM[:24]
    assert values(det, f"post to {hook}", "secret") == [hook]
    key = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "Q7zK2vW9Lr"
    assert values(det, f"aws_secret_access_key = {key}", "secret") == [key]
    assert values(det, f"AWS secret key: {key}", "secret") == [key]
    assert values(det, f"password = {key}", "secret") == []  # 40 base64 chars alone: no


def test_secret_private_key_block_spans_to_end(det: Detector) -> None:
    body = "\n".join(["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + _RANDOM] * 4)
    block = "-----BEGIN " + "RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----"
    assert values(det, f"key:\n{block}\nbye", "secret") == [block]


@pytest.mark.parametrize(
    "text",
    [
        "AKIAIOSFODNN7" + "EXAMPLE",
        "api_key = sk-XXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "OPENAI_API_KEY=sk-your-api-key-here-1234567890",
        "token ghp_" + "x" * 36,
        "xoxb-your-token-here-please",
        "AIza" + "0" * 35,
        "ask-me-anything-about-the-new-release-plans",
        "eyJhbGciOiJIUzI1NiJ9.notbase64json.abcdefghijk",
    ],
)
def test_secret_negative(det: Detector, text: str) -> None:
    assert values(det, text, "secret") == []


# --- regressions found by the decoy benchmark ------------------------------------------------


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("Our office: 79 Duncan Forges, North Kenneth S5 7YW. Download", "street_address",
         "79 Duncan Forges, North Kenneth S5 7YW"),
        ("Address: 5554 Moore Way\nWest Gregory, VT 05035\n\nAttention", "street_address",
         "5554 Moore Way\nWest Gregory, VT 05035"),
        ("Visit us at Cecilia-Kraus-Platz 66, 31989 Prenzlau.", "street_address",
         "Cecilia-Kraus-Platz 66, 31989 Prenzlau"),
        ("Address: Bachmannring 60, 45249 Eisenach was", "street_address",
         "Bachmannring 60, 45249 Eisenach"),
        ("Geburtsdatum: 18.03.1938\n", "date_of_birth", "18.03.1938"),
        ("ISBN-13: 9786208100698 cc 4279480202006441 cvv in DM", "credit_card", "4279480202006441"),
        ("ref=share\nthey charged 6011 8899 6764 4105 twice", "credit_card", "6011 8899 6764 4105"),
        ("version v2.6.8.36 ping 171.90.126.226 shows 40% loss", "ip_address", "171.90.126.226"),
        ("X: @jdoe_22", "social_handle", "@jdoe_22"),
    ],
)  # fmt: skip
def test_benchmark_misses_are_found(det: Detector, text: str, kind: str, expected: str) -> None:
    assert values(det, text, kind) == [expected]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Dial 098-259-9190 for help.", "phone"),  # NANP-shaped, invalid area code
        ("Call (130) 555-0199 now", "phone"),
        ("research article. 10.7.2.6 is out\n", "ip_address"),
        ("Konto 3567 3486 0208 9499 96\n", "credit_card"),
        ("account 4028 9860 0736 8541 07 commit", "credit_card"),
        ("twitter.com/home and sign in ```\n@keyframes (see the docs)\n```", "social_handle"),
        ("follow the docs on github:\n```\n@pytest.fixture\n```", "social_handle"),
    ],
)
def test_benchmark_decoys_are_rejected(det: Detector, text: str, kind: str) -> None:
    assert values(det, text, kind) == []
