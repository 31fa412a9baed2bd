"""C2PA / CAWG training-and-data-mining assertions read from real signed images, offline.
The image, its certificate chain and its manifest are made here (Pillow, cryptography,
c2pa-python's Builder); nothing is downloaded."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import c2pa
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

from expunge.optout import assess
from expunge.optout.c2pa_signal import read_manifest_store
from expunge.optout.sources import SnapshotSource


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "expunge tests")])  # fmt: skip


def _signer() -> c2pa.Signer:
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def cert(subject: str, issuer: str, public: object, ca: bool) -> x509.Certificate:
        usage = (False,) * 5 + (True, True, False, False) if ca else (True,) + (False,) * 8
        builder = (
            x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
            .public_key(public).serial_number(x509.random_serial_number())  # type: ignore[arg-type]
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(*usage), critical=True)
        )  # fmt: skip
        if not ca:  # what C2PA asks of a signing certificate
            builder = (
                builder.add_extension(
                    x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
                )
                .add_extension(
                    x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                    critical=False,
                )
                .add_extension(
                    x509.SubjectKeyIdentifier.from_public_key(public),  # type: ignore[arg-type]
                    critical=False,
                )
            )
        return builder.sign(ca_key, hashes.SHA256())

    chain = b"".join(
        c.public_bytes(serialization.Encoding.PEM)
        for c in (cert("signer", "test CA", key.public_key(), False),
                  cert("test CA", "test CA", ca_key.public_key(), True))
    )  # fmt: skip
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, pem, None))


def _image(entries: dict[str, str] | None) -> bytes:
    plain = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 200)).save(plain, "JPEG")
    if entries is None:
        return plain.getvalue()
    assertions: list[dict[str, object]] = [
        {"label": "c2pa.actions.v2", "data": {"actions": [{"action": "c2pa.created",
         "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"}]}},
        {"label": "cawg.training-mining",
         "data": {"entries": {k: {"use": v} for k, v in entries.items()}}},
    ]  # fmt: skip
    manifest = {"claim_generator_info": [{"name": "expunge-tests", "version": "1"}],
                "title": "photo", "assertions": assertions}  # fmt: skip
    signed = io.BytesIO()
    plain.seek(0)
    c2pa.Builder(manifest).sign(_signer(), "image/jpeg", plain, signed)
    return signed.getvalue()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("snap")
    photos = root / "photos.example" / "p"
    photos.mkdir(parents=True)
    (photos / "no-genai.jpg").write_bytes(
        _image({"cawg.ai_generative_training": "notAllowed", "cawg.ai_inference": "allowed"})
    )
    (photos / "mining.jpg").write_bytes(_image({"cawg.data_mining": "constrained"}))
    (photos / "plain.jpg").write_bytes(_image(None))
    return root


def test_signed_image_assertions_become_verdicts(snapshot: Path) -> None:
    source = SnapshotSource(snapshot)
    site = source.site("https://photos.example")
    genai = assess(source.page("https://photos.example/p/no-genai.jpg"), site)
    assert genai.verdict("genai-train") == "disallowed"
    assert genai.verdict("ai-input") == "allowed"
    assert genai.verdict("ai-train") == "unspecified"  # non-generative training not stated
    assert genai.deciding("genai-train")[0].signal == "c2pa"
    mining = assess(source.page("https://photos.example/p/mining.jpg"), site)
    assert mining.verdict("ai-train") == "disallowed"  # constrained without terms = not allowed
    plain = assess(source.page("https://photos.example/p/plain.jpg"), site)
    assert plain.evidence == [] and not plain.problems


def test_reading_bytes_and_files_agree_and_needs_no_network(snapshot: Path) -> None:
    path = snapshot / "photos.example" / "p" / "no-genai.jpg"
    from_file, from_bytes = read_manifest_store(path), read_manifest_store(path.read_bytes())
    assert from_file is not None and from_bytes is not None
    assert from_file["active_manifest"] == from_bytes["active_manifest"]
    assert read_manifest_store(b"not an image at all") is None
