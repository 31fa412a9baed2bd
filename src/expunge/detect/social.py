"""Which URLs are a person's profile on a social platform (reported as social_handle)."""

from __future__ import annotations

import re


def _stop(names: str) -> frozenset[str]:
    return frozenset(names.split())


# Site paths that are not user names, per platform (lower case).
_TWITTER_STOP = _stop(
    "home explore search i intent share hashtag settings login logout signup tos privacy "
    "notifications messages compose about help download jobs account widgets search-home "
    "following followers lists topics communities premium verified-choose"
)
_INSTAGRAM_STOP = _stop(
    "p reel reels explore accounts stories about developer legal direct tv web press api "
    "challenge emails session privacy"
)
_FACEBOOK_STOP = _stop(
    "pages groups events watch marketplace help policies privacy login logout sharer "
    "sharer.php share share.php dialog photo.php permalink.php story.php hashtag gaming "
    "business ads legal notes plugins tr photo photos video videos reel reels home.php "
    "settings l.php terms.php about policy.php search fundraisers media people"
)
_GITHUB_STOP = _stop(
    "features about pricing enterprise login logout join explore topics trending collections "
    "marketplace sponsors orgs settings notifications issues pulls search security site "
    "contact customer-stories readme team apps codespaces copilot new organizations events "
    "github blog mobile nonprofit education pages solutions resources partners premium-support "
    "signup password_reset sessions dashboard discussions stars watching account "
    "advisories users integrations"
)
_YOUTUBE_STOP = _stop("watch results feed playlist shorts embed live t")
_REDDIT_USER_DIRS = frozenset({"user", "u"})
_YOUTUBE_USER_DIRS = frozenset({"channel", "c", "user"})

_TWITTER_USER = re.compile(r"[A-Za-z0-9_]{1,15}")
_INSTAGRAM_USER = re.compile(r"[A-Za-z0-9_.]{1,30}")
_FACEBOOK_USER = re.compile(r"[A-Za-z0-9.]{5,50}")
_GITHUB_USER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_SLUG = re.compile(r"[A-Za-z0-9_.%-]{2,100}")
# A Flickr account's NSID ('12345678@N00'): how Flickr-derived datasets (YFCC100M, MegaFace)
# name the uploader, and what Exposing.ai searched by.
FLICKR_NSID = re.compile(r"\d{5,12}@N\d\d", re.IGNORECASE)
_FLICKR_USER = re.compile(r"[A-Za-z0-9_.-]{2,60}|\d{5,12}@N\d\d")
_AT_USER = re.compile(r"@[A-Za-z0-9_.-]{1,60}")
# A Flickr photo's file on its image servers ('live.staticflickr.com/65535/ID_secret_b.jpg',
# 'farm5.staticflickr.com/4567/ID_secret.jpg', 'c1.staticflickr.com/1/2/ID_secret.jpg'):
# what LAION-style URL columns hold. The photo id names the photo as its page does.
_STATIC_FLICKR = re.compile(
    r"/(?:\d+/)?\d+/(\d{5,12})_[0-9a-f]{4,}(?:_[a-z0-9]{1,4})?\.(?:jpe?g|png|gif)", re.IGNORECASE
)


def is_static_flickr(host: str) -> bool:
    host = host.lower()
    return host.endswith((".staticflickr.com", ".static.flickr.com"))


def _host_key(host: str) -> str:
    host = host.lower()
    for prefix in ("www.", "m.", "mobile.", "mbasic.", "web.", "touch."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def is_profile(host: str, path: str, query: str) -> bool:
    """True for a profile URL, given host, path (starting with '/' or empty) and query."""
    site = _host_key(host)
    if is_static_flickr(site):
        return _STATIC_FLICKR.fullmatch(path) is not None
    parts = [p for p in path.split("/") if p]
    if not parts:
        return False
    first = parts[0]
    low = first.lower()
    if site in ("twitter.com", "x.com"):
        return (
            low not in _TWITTER_STOP
            and _TWITTER_USER.fullmatch(first) is not None
            and (len(parts) == 1 or parts[1] in ("status", "with_replies", "media", "likes"))
        )
    if site == "instagram.com":
        return (
            len(parts) == 1
            and low not in _INSTAGRAM_STOP
            and bool(_INSTAGRAM_USER.fullmatch(first))
        )
    if site in ("facebook.com", "fb.com"):
        if low == "profile.php":
            return query.startswith("id=") or "&id=" in query
        return (
            len(parts) == 1 and low not in _FACEBOOK_STOP and bool(_FACEBOOK_USER.fullmatch(first))
        )
    if site == "linkedin.com":
        return low in ("in", "pub") and len(parts) >= 2 and bool(_SLUG.fullmatch(parts[1]))
    if site == "tiktok.com":
        return bool(_AT_USER.fullmatch(first))
    if site == "github.com":
        return len(parts) == 1 and low not in _GITHUB_STOP and bool(_GITHUB_USER.fullmatch(first))
    if site == "flickr.com":
        return (
            low in ("people", "photos")
            and len(parts) >= 2
            and bool(_FLICKR_USER.fullmatch(parts[1]))
            and parts[1].lower() not in ("tags", "upload", "organize", "search")
        )
    if site == "reddit.com" or site == "old.reddit.com":
        return low in _REDDIT_USER_DIRS and len(parts) >= 2 and bool(_SLUG.fullmatch(parts[1]))
    if site == "youtube.com":
        if first.startswith("@"):
            return bool(_AT_USER.fullmatch(first))
        return low in _YOUTUBE_USER_DIRS and len(parts) >= 2 and low not in _YOUTUBE_STOP
    # Mastodon-style instances (and medium.com, etc.): https://host/@user is a profile page.
    return len(parts) == 1 and bool(_AT_USER.fullmatch(first))


def profile_keys(host: str, path: str, query: str) -> list[str]:
    """Normalised identifiers of a profile URL: 'x:jdoe' (x.com and twitter.com alike),
    'mastodon:jdoe@example.social', 'flickr:12345678@n00', plus 'flickr-photo:ID' for a
    Flickr photo page, and only that for the photo's file on Flickr's image servers. Empty
    when the URL is not a profile."""
    if not is_profile(host, path, query):
        return []
    site = _host_key(host)
    if is_static_flickr(site):
        photo = _STATIC_FLICKR.fullmatch(path)
        return [f"flickr-photo:{photo.group(1)}"] if photo else []
    parts = [p for p in path.split("/") if p]
    first = parts[0]
    if site in ("twitter.com", "x.com"):
        return [f"x:{first.lower()}"]
    if site in ("facebook.com", "fb.com"):
        if first.lower() == "profile.php":
            ids = [kv[3:] for kv in query.split("&") if kv.startswith("id=")]
            return [f"facebook:id={ids[0]}"] if ids else []
        return [f"facebook:{first.lower()}"]
    if site in ("linkedin.com", "reddit.com", "old.reddit.com"):
        platform = "reddit" if "reddit" in site else "linkedin"
        return [f"{platform}:{parts[1].lower()}"]
    if site == "flickr.com":
        keys = [f"flickr:{parts[1].lower()}"]
        if first.lower() == "photos" and len(parts) >= 3 and parts[2].isdigit():
            keys.append(f"flickr-photo:{parts[2]}")
        return keys
    if site == "youtube.com":
        if first.startswith("@"):
            return [f"youtube:{first[1:].lower()}"]
        return [f"youtube:{first.lower()}/{parts[1]}"]  # channel ids are case-sensitive
    if site in ("instagram.com", "github.com"):
        return [f"{site.split('.')[0]}:{first.lower()}"]
    if site == "tiktok.com":
        return [f"tiktok:{first[1:].lower()}"]
    return [f"mastodon:{first[1:].lower()}@{site}"]
