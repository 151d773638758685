"""No text is ever lost: every word of a pasted transcript is in the result,
whatever the parser decides and whatever the editor corrects."""

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from statements.transcripts import Row, assemble, parse, propose, render

WORD = re.compile(r"\w+")
LABELS = [
    "Question",
    "Q",
    "A",
    "PM",
    "SRSG",
    "Sergey Lavrov",
    "Minister Hayashi",
    "Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs",
    "Official Spokesperson, Shri Arindam Bagchi",
    "Sidhant",
    "NHK, Takashima",
    "Question (to both ministers)",
    "\u0412\u043e\u043f\u0440\u043e\u0441",
    "\u0421.\u0412.\u041b\u0430\u0432\u0440\u043e\u0432",
    "Note",
    "10:30",
]
sentences = st.text(
    alphabet=st.characters(
        whitelist_categories=("L", "N", "P", "Zs"), blacklist_characters="\n"
    ),
    max_size=40,
)
paragraphs = st.one_of(
    sentences,
    st.builds(
        lambda label, text: f"{label}: {text}", st.sampled_from(LABELS), sentences
    ),
    st.sampled_from(["Opening Remarks", "Situation in the Middle East", ""]),
)
transcripts = st.lists(paragraphs, max_size=12).map(lambda items: "\n\n".join(items))
speakers = st.sampled_from([None, ["Sergey Lavrov", "Arindam Bagchi"]])


def words(text):
    return Counter(WORD.findall(text))


def written(transcript):
    parts = list(transcript.opening)
    for turn in transcript.turns:
        parts += [turn.label, *turn.paragraphs]
    return "\n\n".join(parts)


@settings(max_examples=300, deadline=None)
@given(transcripts, speakers)
def test_parsing_keeps_every_word_in_order(text, known):
    result = render(parse(text, known))

    assert words(result) == words(text)
    assert WORD.findall(result) == WORD.findall(text)


@settings(max_examples=300, deadline=None)
@given(
    transcripts,
    speakers,
    st.lists(st.sampled_from(["", "question", "answer"]), max_size=12),
)
def test_any_correction_of_the_split_keeps_every_word(text, known, choices):
    proposed = propose(text, known)
    marks = [*choices, *[""] * len(proposed)]
    rows = [
        Row(row.paragraph, mark) for row, mark in zip(proposed, marks, strict=False)
    ]

    result = written(assemble(rows))

    assert not words(text) - words(result)


@settings(max_examples=300, deadline=None)
@given(transcripts, speakers)
def test_confirming_the_proposal_unchanged_gives_the_parse(text, known):
    parsed = parse(text, known)

    confirmed = assemble(propose(text, known))

    assert (confirmed.opening, confirmed.turns) == (parsed.opening, parsed.turns)
