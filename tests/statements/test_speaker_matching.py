import pytest

from statements.services import SpeakerResolver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written",
    ["Sergey Lavrov", "SERGEY LAVROV", "Foreign Minister Sergey Lavrov", "Mr Lavrov"],
)
def test_label_names_match_a_speaker_by_name_alias_case_and_titles(
    make_speaker, written
):
    lavrov = make_speaker("Sergey Lavrov", aliases="Lavrov")

    assert SpeakerResolver().find(written) == lavrov


def test_surname_matches_the_statements_own_speaker(make_speaker):
    lavrov = make_speaker("Sergey Lavrov")
    make_speaker("Maria Zakharova")

    resolver = SpeakerResolver()

    assert resolver.find("MR LAVROV") is None
    assert resolver.find("MR LAVROV", among=[lavrov]) == lavrov


def test_unknown_names_are_collected_not_created(make_speaker):
    resolver = SpeakerResolver()

    assert resolver.resolve("Ned Price") is None
    assert resolver.resolve("Ned Price") is None
    assert resolver.unknown == ["Ned Price"]


def test_creating_resolver_creates_each_unknown_speaker_once():
    resolver = SpeakerResolver(create=True)

    first = resolver.resolve("Ned Price")
    again = resolver.resolve("NED PRICE")

    assert first == again
    assert first.slug == "ned-price"
