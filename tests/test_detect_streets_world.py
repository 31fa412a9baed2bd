"""Street addresses written the way Spain, Portugal, Latin America, Italy, Poland and France
write them (issue 18). Shaped like MEDDOCAN's labelled addresses (Spanish case reports:
'Domicilio: C/ Parrales, 6', 'Avda. Gaspar Aguilar, 90 - 46017 Valencia'); values are ours."""

from __future__ import annotations

import pytest

from expunge.detect import Detector


def _streets(text: str) -> list[tuple[str, float]]:
    found = Detector(types=["street_address"]).scan(text)
    return [(text[f.start : f.end], f.score) for f in found]


@pytest.mark.parametrize(
    "text, street, with_place",
    [
        ("Domicilio: C/ Parrales, 6.\nLocalidad/ Provincia: Madrid", "C/ Parrales, 6", False),
        (
            "Hospital Dr. Peset Av. Gaspar Aguilar, 90. 46017 Valencia.",
            "Av. Gaspar Aguilar, 90",
            True,
        ),
        ("Calle de la Paloma, 4.\nLocalidad", "Calle de la Paloma, 4", False),
        (
            "Avda. de la Constitución 12, 3º B, 41001 Sevilla",
            "Avda. de la Constitución 12, 3º B",
            True,
        ),
        ("C/ Los Yébenes nº 35, 8º C 28047 Madrid", "C/ Los Yébenes nº 35, 8º C", True),
        ("Av. Travesía Choupana s/n - 15706 A Coruña", "Av. Travesía Choupana s/n", True),
        ("Ctra. de Colmenar, km. 9,100. 28034 Madrid", "Ctra. de Colmenar, km. 9,100", True),
        ("Carrer de Móra de Rubiols, 3, 8C.\n", "Carrer de Móra de Rubiols, 3, 8C", False),
        ("Domicilio: Calle vitrubio 3, 3 C.", "Calle vitrubio 3, 3 C", False),
        ("Domicilio: Los Alisos, 10. 13002 Ciudad Real", "Los Alisos, 10", True),
        ("Rua Augusta, 100, 1100-053 Lisboa", "Rua Augusta, 100", True),
        ("Via Roma 12, 20121 Milano", "Via Roma 12", True),
        ("ul. Marszałkowska 10/12, 00-590 Warszawa", "ul. Marszałkowska 10/12", True),
        ("see al. Jerozolimskie 44, 00-024 Warszawa", "al. Jerozolimskie 44", True),
        ("12 rue de la Paix, 75002 Paris", "12 rue de la Paix", True),
    ],
)
def test_streets_with_the_type_first(text: str, street: str, with_place: bool) -> None:
    ((found, score),) = _streets(text)
    assert found == street
    assert (score == 0.85) == with_place  # a postcode and place after it: more certain
    assert score >= 0.7


@pytest.mark.parametrize(
    "text",
    [
        "Smith et al. Nature 2019, 12",  # the Latin 'al.', not the Polish aleja
        "Via Twitter 2 weeks ago",  # Italian types that are English words need ', 12' or a postcode
        "Plaza Mayor 3 times",
        "la calle es muy larga y tiene 3 bancos",  # no name
        "IP address: 81.2.69.160 port 22",  # a label, but no street name after it
        "en la calle principal 3 veces",  # a lower-case type needs a capitalised name
    ],
)
def test_words_that_look_like_a_street_type(text: str) -> None:
    assert _streets(text) == []


@pytest.mark.parametrize(
    "text, street",
    [
        ("Dr. Jorge Ortega Carnicer. Los Alisos, 10. 13002 Ciudad Real.", "Los Alisos, 10"),
        ("Instituto Oncológico. Aldaconea, 44 E-20012 San Sebastián", "Aldaconea, 44"),
        ("Universitario Ramón Puga, 52. 32005 Ourense. España", "Universitario Ramón Puga, 52"),
    ],
)
def test_a_name_and_number_before_a_postcode_and_place(text: str, street: str) -> None:
    assert _streets(text) == [(street, 0.75)]


@pytest.mark.parametrize(
    "text",
    [
        "Invoice 1187608 GPS: 40.1, -3.2",
        "Tel. 91 336 87 85 - 28034 Madrid",
        "en 2019, 28034 Madrid",
    ],
)
def test_no_street_before_a_postcode_without_a_name_and_number(text: str) -> None:
    assert _streets(text) == []
