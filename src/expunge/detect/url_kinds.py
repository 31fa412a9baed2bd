"""Which web links name a person (issue 18). A link is personal data when it points at someone:
a home directory (`/~jdoe/`), a people or profile page (`/users/jdoe`, `/profile?id=831`), a
personal site on a hosting service (`jdoe.github.io`, `jdoe.substack.com`), a person-identifier
service (ORCID, about.me, Linktree, PayPal.me) or a query that carries an account
(`?user=jdoe`). Any other link (a project page, documentation, a news article) names no one by
itself; it is `url_technical` with reason "link", reported only when asked for. Namespace,
schema, standards and licence URLs are `url_technical` with reason "namespace".

Social networks' profile URLs are decided in `social.is_profile` and reported as social_handle.
"""

from __future__ import annotations

import re

# Hosts whose URLs name standards, not people: XML namespaces and schemas, W3C / IETF / IANA
# documents. Any path under them is technical.
_TECHNICAL_HOSTS = frozenset(
    b"w3.org www.w3.org xmlns.com purl.org schemas.xmlsoap.org schemas.microsoft.com "
    b"schemas.openxmlformats.org schemas.android.com json-schema.org schema.org ogp.me "
    b"ns.adobe.com iana.org www.iana.org tools.ietf.org datatracker.ietf.org www.ietf.org "
    b"rfc-editor.org www.rfc-editor.org www.opengis.net docbook.org relaxng.org "
    b"www.oasis-open.org docs.oasis-open.org www.unicode.org unicode.org xmlns.jcp.org "
    b"www.omg.org dublincore.org".split()
)
# Host + path prefixes that are technical on hosts that also have people's pages: licences,
# build-tool schemas.
_TECHNICAL_PATHS = (
    (b"www.apache.org", b"/licenses"), (b"apache.org", b"/licenses"),
    (b"maven.apache.org", b"/pom"), (b"maven.apache.org", b"/xsd"),
    (b"www.gnu.org", b"/licenses"), (b"gnu.org", b"/licenses"),
    (b"creativecommons.org", b"/licenses"), (b"creativecommons.org", b"/publicdomain"),
    (b"opensource.org", b"/licenses"), (b"spdx.org", b"/licenses"),
    (b"www.springframework.org", b"/schema"), (b"java.sun.com", b"/xml/ns"),
    (b"www.mozilla.org", b"/mpl"), (b"mozilla.org", b"/mpl"),
)  # fmt: skip


_TECHNICAL_PATHS_BY_HOST = {
    host: tuple(p for h, p in _TECHNICAL_PATHS if h == host) for host, _ in _TECHNICAL_PATHS
}


def is_technical_url(host: bytes, rest: bytes) -> bool:
    """A namespace, schema, standard or licence URL (names no one), by host and path."""
    host = host.lower()
    if host in _TECHNICAL_HOSTS:
        return True
    paths = _TECHNICAL_PATHS_BY_HOST.get(host)
    return paths is not None and rest.lower().startswith(paths)


# Personal sites on hosting services: the first label of the host is the person's name.
_PERSONAL_SITE_SUFFIXES = (
    b".github.io", b".gitlab.io", b".blogspot.com", b".wordpress.com", b".substack.com",
    b".tumblr.com", b".neocities.org", b".livejournal.com", b".weebly.com", b".wixsite.com",
    b".carrd.co", b".bearblog.dev", b".micro.blog", b".bandcamp.com", b".academia.edu",
    b".itch.io", b".mataroa.blog", b".writeas.com", b".ghost.io", b".hashnode.dev",
)  # fmt: skip
# Services where the first path segment is the person (or their identifier).
_PERSON_PATH_HOSTS = frozenset(
    b"orcid.org about.me linktr.ee keybase.io gravatar.com en.gravatar.com paypal.me "
    b"www.paypal.me venmo.com account.venmo.com cash.app ko-fi.com buymeacoffee.com "
    b"www.buymeacoffee.com patreon.com www.patreon.com t.me telegram.me wa.me calendly.com "
    b"twitch.tv www.twitch.tv soundcloud.com behance.net www.behance.net dribbble.com "
    b"medium.com mastodon.social bsky.app".split()
)
# Path segments after which the next segment names a person: '/users/jdoe', '/team/jane-roe'.
_PEOPLE_DIRS = frozenset(
    b"users people profile profiles author authors member members staff team employees "
    b"faculty students".split()
)
# Code hosts: a path there is a repository's file ('faker-js/faker/blob/next/src/locales/
# yo_NG/person/last_name.ts'); their profile pages are decided by social.is_profile.
_CODE_HOSTS = frozenset(
    b"github.com www.github.com gitlab.com www.gitlab.com bitbucket.org codeberg.org "
    b"raw.githubusercontent.com gist.github.com sourceforge.net git.sr.ht".split()
)
# Segments only at the start of the path ('/u/jdoe', '/user/jdoe'): deeper, 'user' is
# documentation ('/en/latest/user/quickstart.html').
_LEADING_PEOPLE_DIRS = frozenset((b"u", b"user"))
# What follows a people directory without naming anyone.
_NOT_A_PERSON = frozenset(
    b"login signin sign_in sign-in logout signout sign_out register signup sign_up new edit "
    b"settings search list all index index.html index.htm index.php default.aspx me self "
    b"current page feed rss api guide guides docs help".split()
)
_PROFILE_PAGES = frozenset(
    b"profile profile.php profile.aspx user.php member.php memberlist.php viewprofile.php "
    b"showuser.php userinfo.php people.php author.php".split()
)
# Query keys that carry an account anywhere ('?user=jdoe'); short or generic ones ('uid',
# 'u', 'id') only on a profile page: elsewhere they number articles ('information?uid=353').
_PERSON_QUERY_KEYS = frozenset(
    b"user username userid user_id member memberid member_id email e-mail profileid "
    b"profile_id".split()
)
_PROFILE_ID_KEYS = frozenset(
    (b"id", b"uid", b"u", b"author", b"profile") + tuple(_PERSON_QUERY_KEYS)
)
# On project-hosting sites a path is a project ('pandas-dev.github.io/pandas/'); a person's
# own pages are the root, dated posts and the usual personal pages.
_PROJECT_PAGE_HOSTS = (b".github.io", b".gitlab.io")
_PERSONAL_PAGES = frozenset(b"about about.html cv resume contact blog posts post".split())


def names_person(host: bytes, rest: bytes) -> bool:
    """True when a link points at one person's page or account (host lower case; `rest` is
    everything after the host and port)."""
    if host in _CODE_HOSTS:
        return False
    path, _, query = rest.partition(b"?")
    query = query.split(b"#", 1)[0].lower()
    parts = [p for p in path.split(b"#", 1)[0].lower().split(b"/") if p]
    if host.endswith(_PERSONAL_SITE_SUFFIXES) and host.count(b".") >= 2:
        if host.split(b".", 1)[0] in (b"www", b"docs", b"blog", b"api"):
            return False
        if host.endswith(_PROJECT_PAGE_HOSTS) and parts:
            return parts[0] in _PERSONAL_PAGES or (len(parts[0]) == 4 and parts[0].isdigit())
        return True
    if host in _PERSON_PATH_HOSTS:
        return bool(parts) and parts[0] not in _NOT_A_PERSON
    if parts and len(parts[0]) > 1 and parts[0][:1] in (b"~", b"@"):
        return True  # a home directory, '/@jdoe'
    for i, part in enumerate(parts[:-1]):
        if (part in _PEOPLE_DIRS or (i == 0 and part in _LEADING_PEOPLE_DIRS)) and (
            parts[i + 1] not in _NOT_A_PERSON
        ):
            return True
    keys = _query_keys(query)
    if parts and parts[-1] in _PROFILE_PAGES and not keys.isdisjoint(_PROFILE_ID_KEYS):
        return True
    return not keys.isdisjoint(_PERSON_QUERY_KEYS)


def _query_keys(query: bytes) -> set[bytes]:
    """Keys of the query whose value is not empty."""
    keys = set()
    for pair in query.split(b"&"):
        key, eq, value = pair.partition(b"=")
        if eq and value:
            keys.add(key)
    return keys


# Bytes without which `names_person` is False: one of them is in every link it accepts (a
# host, a path segment or a query key it looks for; 'u' only as the segment '/u/'; hosts
# without 'www.', which a link's 'www.' prefix has taken). The link pattern used without
# url_technical (patterns.py) needs one, so links that name no one never reach Python.
# Built from the sets above, so it follows them.
PERSON_MARKERS: tuple[bytes, ...] = tuple(
    re.escape(marker)
    for marker in sorted(
        {
            marker.removeprefix(b"www.")
            for marker in (
                *_PERSONAL_SITE_SUFFIXES,
                *_PERSON_PATH_HOSTS,
                *_PEOPLE_DIRS,
                *(d for d in _LEADING_PEOPLE_DIRS if len(d) > 1),
                b"/u/",
                *_PERSON_QUERY_KEYS,
                *_PROFILE_PAGES,
                b"~",
                b"/@",
            )
        }
    )
)
