"""Property: any string parses without raising, with entity offsets inside the text and a known intent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu import INTENTS, LocalInterpreter
from tests.nlu.conftest import TODAY

_PIECES = st.sampled_from(
    [
        "пришло",
        "200к",
        "1,5 млн",
        "от",
        "ТОО Альфа",
        "за",
        "октябрь",
        "12.11",
        "900101300007",
        "910",
        "ИИН",
        "кеше",
        "мың",
        "теңге",
        "квартал",
        "2",
        "👍",
        "🙂",
        "\n",
        "«",
        "»",
        "İ",
        "-",
        ".",
        ",",
    ]
)
_TEXTS = st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=30).map(" ".join))
_INTERPRETER = LocalInterpreter()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_any_text_parses(text: str) -> None:
    result = _INTERPRETER._parse(text, TODAY)  # without the catch-all, so a bug shows here
    assert result["text"] == text
    assert result["intent"]["name"] in INTENTS
    for entity in result["entities"]:
        assert 0 <= entity["start"] < entity["end"] <= len(text)
        assert entity["value"]
