"""Split a transcript's body into opening remarks, questions and answers.

Standard library only (no Django). ``parse`` reads the plain text of a
statement body (see FORMAT.md, "Transcripts"); ``render`` writes it back.

Rules
-----
1. Paragraphs are separated by blank lines; a line holding only white space
   (U+00A0 included) is blank. Each paragraph is stripped; single newlines
   inside it are kept.
2. Label candidate: a paragraph whose first line starts with ``NAME`` or
   ``NAME (NOTE)``, optional white space, a colon, then any white space or the
   end of the paragraph. The rest of the paragraph is the turn's first
   paragraph (possibly empty). NAME cannot contain a colon and a colon followed
   by anything but white space ends no label, so "10:30: the talks began" and
   "At 10:30 the talks..." are plain text.
3. NAME must look like a name, otherwise the paragraph is plain text: at most
   8 words and 80 characters; it starts with an upper-case letter; it holds
   only letters, digits, spaces, apostrophes, hyphens, full stops, commas,
   ampersands and slashes (no quote marks, so '"Note: ...' and '“Note: ...'
   are plain text); every word is capitalised, a number, or a connector such
   as "of" or "bin" (so "We discussed three things:" and "Three points:" are
   plain text); a full stop follows only words of at most four letters ("Mr.",
   "U.S.", "P.S."). Generic words (Note, Update, Source, Example, Quote, P.S.,
   N.B., Editor's note, ...) are plain text as well.
4. A candidate's role is decided in this order:
   a. ``Question``, ``Q``, ``Reporter``, ``Journalist``, ``Correspondent``,
      and the Russian for "question" (any case): a question, speaker None.
   b. ``Answer``, ``A``, and the Russian for "answer": an answer, speaker None.
   c. A short role label, 1 to 4 capitals ("PM", "FM", "DSG", "SRSG"), used
      as a label more than once in the text: an answer, speaker None (it
      names an office, not a person), wherever it comes.
   d. A label that already started a question: a question again, even
      without "?" ("Sidhant: Yes, sir, the one in Geneva.").
   e. A label naming an office ("Official Spokesperson, Shri Arindam
      Bagchi", "Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs",
      "Minister Hayashi", "Spokesperson"), a name with initials
      ("S. V. Lavrov", "S.V.Lavrov", in any script), or the surname of
      someone who already answered: an answer, wherever it comes.
   f. A reporter or outlet label (below) is a question with speaker None if it
      asks something: its turn (the text after the colon and the unlabelled
      paragraphs up to the next candidate) contains "?". If it asks nothing,
      it is doubtful.
      - With ``speakers``: any label that ``match_speaker`` does not match to
        one of them and that is not made of titles alone ("Official
        Spokesperson"), e.g. "NHK, Takashima", "Beijing Youth Daily".
      - Without ``speakers``: a label with a comma none of whose
        comma-separated parts is made of titles alone, e.g. "NHK, Takashima"
        but not "Official Spokesperson, Shri Arindam Bagchi"; and a first
        name alone ("Maha").
   g. Any other label is an answer by the name as written (note left out).
      Without ``speakers``, such a label before the first question is
      doubtful instead: it may be a heading or a reporter.
   An answer's speaker is the name as written, an office after a comma left
   out; a surname alone takes the name of the first answer with that surname
   ("Minister Hayashi" after "Mr. HAYASHI Yoshimasa, Minister for Foreign
   Affairs" is "Mr. HAYASHI Yoshimasa").
5. A doubtful paragraph is kept as a plain paragraph of the current turn (or
   of the opening) and is also listed in ``Transcript.ambiguous``.
6. Unlabelled paragraphs continue the current turn, or the opening before the
   first turn: a translation disclaimer or an "Opening Remarks" heading
   before the first label stays in the opening, and a topic heading between
   turns ("Situation in the Middle East") is kept, in its place, as a
   paragraph of the turn before it. Consecutive answers are separate turns.
   No text is dropped or reordered: the opening, then each turn's label and
   paragraphs, give back every paragraph of the input in order (``render``).
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice, takewhile
from typing import Literal

Role = Literal["question", "answer"]

MAX_LABEL_WORDS = 8
MAX_LABEL_CHARS = 80

BLANK_LINE = re.compile(r"\n\s*\n")
LABEL_AT_START = re.compile(
    r"(?P<label>(?P<name>[^\s:()][^:()\n]*?)\s*(?:\((?P<note>[^()\n]*)\))?)"
    r"\s*:(?:\s+|\Z)"
)
NOTE_AT_END = re.compile(r"\((?P<note>[^()]*)\)\s*$")
NAME_CHARACTERS = re.compile(r"[\w\s'\u2019.,&/-]+")
FULL_STOP_AFTER_LONG_WORD = re.compile(r"\w{5,}\.")
KEY_PUNCTUATION = re.compile(r"[.,]")

QUESTION_LABELS = frozenset(
    {"question", "q", "reporter", "journalist", "correspondent", "вопрос"}
)
ANSWER_LABELS = frozenset({"answer", "a", "ответ"})
SHORT_ROLE_LABEL = re.compile(r"[A-Z]{1,4}")
INITIALS_AND_SURNAME = re.compile(r"(?:\w\.\s?){1,3}\w{2,}")
GENERIC_WORDS = frozenset(
    {
        "background",
        "editor's note",
        "example",
        "nb",
        "note",
        "ps",
        "quote",
        "read more",
        "see also",
        "source",
        "update",
    }
)
NAME_CONNECTORS = frozenset(
    {"al", "and", "bin", "da", "de", "del", "der", "di", "du", "for", "la", "le"}
    | {"of", "the", "van", "von"}
)
HONORIFICS = (
    "dr",
    "his excellency",
    "her excellency",
    "miss",
    "mr",
    "mrs",
    "ms",
    "prof",
    "shri",
    "sir",
    "smt",
)
OFFICES = (
    "ambassador",
    "chancellor",
    "deputy foreign minister",
    "deputy minister",
    "deputy spokesperson",
    "foreign minister",
    "minister",
    "minister for foreign affairs",
    "minister of foreign affairs",
    "official spokesperson",
    "president",
    "press secretary",
    "prime minister",
    "secretary",
    "secretary of state",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "vice president",
)
TITLES = HONORIFICS + OFFICES
LETTERS = re.compile(r"[^\W\d_]+")
GREETING_WORDS = frozenset(
    {"all", "and", "colleagues", "dear", "distinguished", "everybody", "everyone"}
    | {"evening", "excellencies", "friends", "gentlemen", "good", "guests", "hello"}
    | {"ladies", "media", "morning", "afternoon", "of", "press", "the", "welcome"}
    | {"day", "hi"}
)


def _words_pattern(phrases):
    alternatives = "|".join(sorted(map(re.escape, phrases), key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


TITLE = _words_pattern(TITLES)
OFFICE = _words_pattern(OFFICES)


@dataclass
class Turn:
    role: Role
    label: str
    speaker: str | None
    note: str | None
    paragraphs: list[str]


@dataclass
class Transcript:
    opening: list[str] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)


@dataclass
class Row:
    """One pasted paragraph and what the editor says it does.

    ``starts`` is "opening" (opening remarks, only before the first turn),
    "question" or "answer" (it starts a turn labelled ``label``), or ""
    (it continues the turn above, or the opening remarks).
    """

    paragraph: str
    starts: str = ""
    label: str = ""
    speaker: str | None = None


class OpeningAfterTurns(ValueError):
    """A paragraph marked as opening remarks comes after a question or answer."""


class _Verdict(Enum):
    QUESTION = "question"
    ANSWER = "answer"
    DOUBTFUL = "doubtful"


@dataclass
class _Seen:
    """What the turns so far established, for judging the next label."""

    question: bool = False
    askers: set[str] = field(default_factory=set)
    answerers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Label:
    label: str
    name: str
    note: str | None
    text: str


def split_paragraphs(text: str) -> list[str]:
    """Return the stripped, non-empty paragraphs of ``text`` (rule 1)."""
    return [stripped for chunk in BLANK_LINE.split(text) if (stripped := chunk.strip())]


def is_greeting(paragraph: str) -> bool:
    """Whether ``paragraph`` only greets ("Ladies and gentlemen,", "Good afternoon,
    colleagues,"): made of greeting words alone, up to eight of them."""
    # Nine words are enough to tell: a long paragraph is not read to its end.
    words = [match[0] for match in islice(LETTERS.finditer(_fold(paragraph)), 9)]
    return 0 < len(words) <= 8 and all(word in GREETING_WORDS for word in words)


def lead_paragraph(text: str) -> str:
    """The first paragraph of substance: greetings skipped, unless that is all."""
    paragraphs = split_paragraphs(text)
    substance = (paragraph for paragraph in paragraphs if not is_greeting(paragraph))
    return next(substance, paragraphs[0] if paragraphs else "")


def speaker_key(name: str) -> str:
    """Key for comparing names: titles dropped, case-folded, spaces collapsed."""
    folded = KEY_PUNCTUATION.sub(" ", _fold(name))
    return " ".join(TITLE.sub(" ", folded).split())


def surname_key(name: str) -> str:
    """The surname in ``speaker_key`` form: the word in capitals in a name that
    is not all capitals ("HAYASHI Yoshimasa"), else the last word; "" when
    nothing is left."""
    words = LETTERS.findall(TITLE.sub(" ", _fold(name)))
    written = LETTERS.findall(name)
    capitals = [word for word in written if len(word) > 1 and word.isupper()]
    if capitals and len(capitals) < len(written):
        return _fold(capitals[0])
    return words[-1] if words else ""


def match_speaker(label_name: str, known: list[str]) -> str | None:
    """Return the name in ``known`` that ``label_name`` refers to, if any.

    An exact ``speaker_key`` match wins; otherwise the surname must match
    exactly one known name.
    """
    key = speaker_key(label_name)
    if not key:
        return None
    exact = [name for name in known if speaker_key(name) == key]
    if exact:
        return exact[0]
    surname = surname_key(label_name)
    by_surname = [name for name in known if surname_key(name) == surname]
    return by_surname[0] if len(by_surname) == 1 else None


def parse(text: str, speakers: list[str] | None = None) -> Transcript:
    """Split ``text`` into opening remarks and turns (see the module rules)."""
    paragraphs = split_paragraphs(text)
    items = list(zip(paragraphs, map(_read_label, paragraphs), strict=True))
    uses = Counter(_plain_key(label.name) for _, label in items if label)
    transcript = Transcript()
    seen = _Seen()
    for index, (paragraph, label) in enumerate(items):
        if label is not None:
            verdict = _judge(
                label,
                speakers,
                seen,
                asks=_turn_asks(label, items[index + 1 :]),
                recurs=uses[_plain_key(label.name)] > 1,
            )
            if verdict is not _Verdict.DOUBTFUL:
                transcript.turns.append(_start_turn(label, verdict, seen))
                continue
            transcript.ambiguous.append(paragraph)
        _current_paragraphs(transcript).append(paragraph)
    return transcript


def propose(text: str, speakers: list[str] | None = None) -> list[Row]:
    """The parse of ``text`` as one ``Row`` per paragraph, for an editor to correct."""
    transcript = parse(text, speakers)
    rows = [Row(paragraph, "opening") for paragraph in split_paragraphs(text)]
    index = len(transcript.opening)
    for turn in transcript.turns:
        rows[index] = Row(rows[index].paragraph, turn.role, turn.label, turn.speaker)
        rows[index + 1 : index + len(turn.paragraphs)] = [
            Row(row.paragraph) for row in rows[index + 1 : index + len(turn.paragraphs)]
        ]
        index += len(turn.paragraphs)
    return rows


def assemble(rows: list[Row]) -> Transcript:
    """The transcript the editor's ``rows`` describe; every paragraph is kept.

    A row starting a turn loses the label it was written with (the row's
    ``label`` replaces it); any other row keeps its paragraph whole.
    """
    transcript = Transcript()
    for row in rows:
        if row.starts in ("question", "answer"):
            written = _read_label(row.paragraph)
            label = row.label.strip() or (
                written.label if written else row.starts.capitalize()
            )
            note = NOTE_AT_END.search(label)
            transcript.turns.append(
                Turn(
                    role=row.starts,
                    label=label,
                    speaker=row.speaker if row.starts == "answer" else None,
                    note=note["note"].strip() if note else None,
                    paragraphs=[written.text if written else row.paragraph],
                )
            )
            continue
        if row.starts == "opening" and transcript.turns:
            raise OpeningAfterTurns(row.paragraph)
        _current_paragraphs(transcript).append(row.paragraph)
    return transcript


def render(transcript: Transcript) -> str:
    """Write ``transcript`` back as paragraphs separated by blank lines."""
    blocks = list(transcript.opening)
    for turn in transcript.turns:
        first, *rest = turn.paragraphs
        blocks.append(f"{turn.label}: {first}".rstrip())
        blocks.extend(rest)
    return "\n\n".join(blocks)


def _plain_key(name: str) -> str:
    """``name`` case-folded, without full stops, for the fixed word lists."""
    return " ".join(_fold(name).replace(".", "").split())


def _fold(name: str) -> str:
    """``name`` case-folded, with typographic apostrophes made plain."""
    return name.casefold().replace("\u2019", "'")


def _read_label(paragraph: str) -> _Label | None:
    """Return the paragraph's label candidate (rules 2 and 3), if any."""
    # No colon, no label: the pattern would try every start of a name first.
    match = LABEL_AT_START.match(paragraph) if ":" in paragraph else None
    if match is None:
        return None
    name = match["name"]
    if not _looks_like_name(name) or _plain_key(name) in GENERIC_WORDS:
        return None
    note = match["note"]
    return _Label(
        label=match["label"].rstrip(),
        name=name,
        note=None if note is None else note.strip(),
        text=paragraph[match.end() :],
    )


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return (
        len(words) <= MAX_LABEL_WORDS
        and len(name) <= MAX_LABEL_CHARS
        and name[0].isupper()
        and NAME_CHARACTERS.fullmatch(name) is not None
        and FULL_STOP_AFTER_LONG_WORD.search(name) is None
        and all(_is_capitalised(word) for word in words)
    )


def _is_capitalised(word: str) -> bool:
    core = word.strip(".,'\u2019&/-")
    return not core or core[0].isupper() or core[0].isdigit() or core in NAME_CONNECTORS


def _turn_asks(label: _Label, later: list[tuple[str, _Label | None]]) -> bool:
    """Whether the turn ``label`` would open holds a "?" (rule 4c)."""
    unlabelled = takewhile(lambda item: item[1] is None, later)
    return "?" in label.text or any("?" in paragraph for paragraph, _ in unlabelled)


def _current_paragraphs(transcript: Transcript) -> list[str]:
    """The paragraph list that an unlabelled paragraph continues (rule 6)."""
    return transcript.turns[-1].paragraphs if transcript.turns else transcript.opening


def _is_reporter(name: str, speakers: list[str] | None) -> bool:
    """Whether ``name`` is a reporter or an outlet (rule 4f)."""
    if speakers is None:
        parts = name.split(",")
        first_name_alone = len(name.split()) == 1 and not name.isupper()
        return bool(speaker_key(name)) and (
            first_name_alone or (len(parts) > 1 and all(map(speaker_key, parts)))
        )
    return bool(speaker_key(name)) and match_speaker(name, speakers) is None


def _is_short_role(label: _Label, recurs: bool) -> bool:
    """A short role label such as "SRSG", used more than once (rule 4c)."""
    return recurs and SHORT_ROLE_LABEL.fullmatch(label.name) is not None


def _is_official(name: str, seen: _Seen) -> bool:
    """An office, initials, or the surname of someone who answered (rule 4e)."""
    return (
        OFFICE.search(_fold(name)) is not None
        or INITIALS_AND_SURNAME.fullmatch(name) is not None
        or surname_key(name) in seen.answerers
    )


def _judge(
    label: _Label,
    speakers: list[str] | None,
    seen: _Seen,
    *,
    asks: bool,
    recurs: bool,
) -> _Verdict:
    """Decide what a label candidate starts (rule 4)."""
    key = _plain_key(label.name)
    if key in QUESTION_LABELS:
        return _Verdict.QUESTION
    if key in ANSWER_LABELS or _is_short_role(label, recurs):
        return _Verdict.ANSWER
    if key in seen.askers:
        return _Verdict.QUESTION
    if _is_official(label.name, seen):
        return _Verdict.ANSWER
    if _is_reporter(label.name, speakers):
        return _Verdict.QUESTION if asks else _Verdict.DOUBTFUL
    if speakers is None and not seen.question:
        return _Verdict.DOUBTFUL
    return _Verdict.ANSWER


def _speaker(label: _Label, seen: _Seen) -> str:
    """Who answers: the name with an office after a comma left out; a surname
    alone ("Minister Hayashi") is the earlier answer's speaker of that name."""
    parts = label.name.split(",")
    while len(parts) > 1 and not speaker_key(parts[-1]):
        parts.pop()
    name = ",".join(parts).strip()
    surname = surname_key(name)
    if len(speaker_key(name).split()) == 1 and surname in seen.answerers:
        return seen.answerers[surname]
    seen.answerers.setdefault(surname, name)
    return name


def _start_turn(label: _Label, verdict: _Verdict, seen: _Seen) -> Turn:
    key = _plain_key(label.name)
    if verdict is _Verdict.QUESTION:
        seen.question = True
        seen.askers.add(key)
    names_someone = (
        verdict is _Verdict.ANSWER
        and key not in ANSWER_LABELS
        and SHORT_ROLE_LABEL.fullmatch(label.name) is None
    )
    return Turn(
        role="question" if verdict is _Verdict.QUESTION else "answer",
        label=label.label,
        speaker=_speaker(label, seen) if names_someone else None,
        note=label.note,
        paragraphs=[label.text],
    )
