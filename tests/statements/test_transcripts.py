from pathlib import Path

import pytest

from statements.transcripts import (
    Transcript,
    Turn,
    lead_paragraph,
    match_speaker,
    parse,
    render,
    speaker_key,
    split_paragraphs,
    surname_key,
)

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "transcripts"
NBSP = "\u00a0"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def outline(transcript: Transcript) -> list[tuple[str, str, str | None, int]]:
    """Each turn as (role, label, speaker, number of paragraphs)."""
    return [
        (turn.role, turn.label, turn.speaker, len(turn.paragraphs))
        for turn in transcript.turns
    ]


def normalised(text: str) -> list[str]:
    return [" ".join(paragraph.split()) for paragraph in split_paragraphs(text)]


def test_sample_page_transcript() -> None:
    text = read("lavrov_makei_2021-11-10.txt")
    assert f"Sergey Lavrov:{NBSP}I could" in text

    transcript = parse(text, ["Sergey Lavrov", "Vladimir Makei"])

    assert len(transcript.opening) == 7
    assert transcript.opening[0] == "Ladies and gentlemen,"
    assert transcript.opening[-1].startswith("I would like to once again thank")
    assert [
        (turn.role, turn.label, turn.speaker, turn.note, len(turn.paragraphs))
        for turn in transcript.turns
    ] == [
        (
            "question",
            "Question (addressed to both ministers)",
            None,
            "addressed to both ministers",
            1,
        ),
        ("answer", "Sergey Lavrov", "Sergey Lavrov", None, 5),
        ("question", "Question (to Vladimir Makei)", None, "to Vladimir Makei", 1),
        (
            "answer",
            "Sergey Lavrov (after Vladimir Makei)",
            "Sergey Lavrov",
            "after Vladimir Makei",
            2,
        ),
        ("question", "Question (to both ministers)", None, "to both ministers", 1),
        (
            "answer",
            "Sergey Lavrov (answers after Vladimir Makei)",
            "Sergey Lavrov",
            "answers after Vladimir Makei",
            2,
        ),
        ("question", "Question", None, None, 1),
        ("answer", "Sergey Lavrov", "Sergey Lavrov", None, 7),
        ("question", "Question (for both ministers)", None, "for both ministers", 1),
        ("answer", "Sergey Lavrov", "Sergey Lavrov", None, 4),
    ]
    first_answer = transcript.turns[1].paragraphs
    assert first_answer[0].startswith("I could go on and on about it.")
    assert first_answer[2].startswith("Vladimir Makei mentioned the issue")
    assert transcript.turns[-1].paragraphs[-1].startswith("I hope responsible")
    assert transcript.ambiguous == []


def test_sample_page_transcript_without_speakers() -> None:
    text = read("lavrov_makei_2021-11-10.txt")

    assert parse(text) == parse(text, ["Sergey Lavrov", "Vladimir Makei"])


def test_us_state_department_briefing() -> None:
    transcript = parse(read("us_state_department.txt"), ["Ned Price"])

    assert transcript.opening == []
    assert outline(transcript) == [
        ("answer", "MR PRICE", "MR PRICE", 3),
        ("question", "QUESTION", None, 1),
        ("answer", "MR PRICE", "MR PRICE", 1),
        ("question", "QUESTION", None, 1),
        ("answer", "MR PRICE", "MR PRICE", 2),
        ("question", "QUESTION", None, 1),
        ("answer", "MR PRICE", "MR PRICE", 1),
    ]
    assert transcript.turns[0].paragraphs[0] == (
        "Good afternoon, everyone. Just one item at the top today."
    )
    assert transcript.ambiguous == []


def test_name_label_before_any_question_is_doubtful_without_speakers() -> None:
    transcript = parse(read("us_state_department.txt"))

    opening_label = (
        "MR PRICE: Good afternoon, everyone. Just one item at the top today."
    )
    assert transcript.opening[0] == opening_label
    assert len(transcript.opening) == 3
    assert transcript.ambiguous == [opening_label]
    assert [turn.label for turn in transcript.turns] == ["QUESTION", "MR PRICE"] * 3


def test_chinese_mfa_briefing_with_reporters_and_outlets() -> None:
    transcript = parse(read("chinese_mfa.txt"), ["Wang Wenbin"])

    assert len(transcript.opening) == 1
    assert outline(transcript) == [
        ("question", "Beijing Youth Daily", None, 1),
        ("answer", "Wang Wenbin", "Wang Wenbin", 3),
        ("question", "NHK, Takashima", None, 1),
        ("answer", "Wang Wenbin", "Wang Wenbin", 1),
        ("question", "Reuters", None, 2),
        ("answer", "Wang Wenbin", "Wang Wenbin", 1),
    ]
    gala = "Spring Festival Gala: everyone is welcome to watch it online."
    assert transcript.turns[1].paragraphs[-1] == gala
    assert transcript.ambiguous == [gala]
    assert transcript.turns[4].paragraphs == [
        "The United States announced a diplomatic boycott today.",
        "What is China's response?",
    ]


def test_chinese_mfa_briefing_without_speakers() -> None:
    transcript = parse(read("chinese_mfa.txt"))

    assert [paragraph.split(":")[0] for paragraph in transcript.opening] == [
        "At the invitation of State Councilor and Foreign Minister Wang Yi, the "
        "foreign minister of a partner country will pay an official visit to China "
        "from December 6 to 8.",
        "Beijing Youth Daily",
        "Wang Wenbin",
        "We stand ready to work with all parties to implement the outcomes.",
        "Spring Festival Gala",
    ]
    assert [paragraph.split(":")[0] for paragraph in transcript.ambiguous] == [
        "Beijing Youth Daily",
        "Wang Wenbin",
        "Spring Festival Gala",
    ]
    assert outline(transcript) == [
        ("question", "NHK, Takashima", None, 1),
        ("answer", "Wang Wenbin", "Wang Wenbin", 1),
        ("question", "Reuters", None, 2),
        ("answer", "Wang Wenbin", "Wang Wenbin", 1),
    ]


def test_indian_mea_briefing() -> None:
    transcript = parse(read("indian_mea.txt"), ["Arindam Bagchi"])

    spokesperson = "Official Spokesperson, Shri Arindam Bagchi"
    assert transcript.opening == []
    assert outline(transcript) == [
        ("answer", spokesperson, spokesperson, 3),
        ("question", "Rishabh", None, 1),
        ("question", "Sidhant", None, 1),
        ("answer", spokesperson, spokesperson, 2),
        ("question", "Maha Siddiqui, CNN-News18", None, 1),
        ("answer", spokesperson, spokesperson, 1),
    ]
    assert transcript.turns[2].paragraphs == [
        "Sir, a follow-up on Afghanistan. How many Indian nationals remain there?"
    ]
    assert transcript.ambiguous == []


def test_indian_mea_briefing_without_speakers() -> None:
    """The office in the label and the first names make the speakers needless."""
    text = read("indian_mea.txt")

    assert parse(text) == parse(text, ["Arindam Bagchi"])


def test_label_of_titles_alone_is_an_official_answering() -> None:
    transcript = parse(
        "Question: Why?\n\nSpokesperson: Why not? Because.", ["Wang Wenbin"]
    )

    assert outline(transcript) == [
        ("question", "Question", None, 1),
        ("answer", "Spokesperson", "Spokesperson", 1),
    ]


def test_russian_mfa_briefing_with_notes() -> None:
    transcript = parse(read("russian_mfa_briefing.txt"), ["Maria Zakharova"])

    assert transcript.opening == []
    assert [
        (turn.role, turn.label, turn.speaker, turn.note, len(turn.paragraphs))
        for turn in transcript.turns
    ] == [
        ("answer", "Maria Zakharova", "Maria Zakharova", None, 2),
        ("question", "Question", None, None, 1),
        ("answer", "Maria Zakharova", "Maria Zakharova", None, 2),
        ("question", "Question (speaks Russian)", None, "speaks Russian", 1),
        (
            "answer",
            "Maria Zakharova (speaks Russian)",
            "Maria Zakharova",
            "speaks Russian",
            1,
        ),
        ("question", "Question", None, None, 1),
        ("answer", "Maria Zakharova", "Maria Zakharova", None, 1),
    ]
    assert transcript.turns[2].paragraphs[0] == (
        "We have seen it. As Sergey Lavrov said: there is no threat from our side."
    )
    assert transcript.ambiguous == []


def test_q_and_a_interview() -> None:
    transcript = parse(read("interview_q_a.txt"))

    assert transcript.opening == [
        "Foreign Minister Sergey Lavrov's interview with a national daily, Moscow, "
        "December 1, 2021"
    ]
    assert transcript.turns == [
        Turn(
            "question",
            "Q",
            None,
            None,
            ["Mr Lavrov, how do you assess the results of the year?"],
        ),
        Turn(
            "answer",
            "A",
            None,
            None,
            [
                "It has been a difficult year, but a productive one.",
                "We maintained dialogue with all our partners who were interested "
                "in it.",
            ],
        ),
        Turn(
            "question", "Q", None, None, ["What are your priorities for the next year?"]
        ),
        Turn("answer", "A", None, None, ["Our priorities remain unchanged."]),
    ]
    assert transcript.ambiguous == []


@pytest.mark.parametrize("speakers", [None, ["Sergey Lavrov", "Vladimir Makei"]])
def test_press_conference_with_two_ministers_answering(
    speakers: list[str] | None,
) -> None:
    transcript = parse(read("press_conference_interpreted.txt"), speakers)

    assert len(transcript.opening) == 2
    assert [
        (turn.role, turn.label, turn.speaker, turn.note, len(turn.paragraphs))
        for turn in transcript.turns
    ] == [
        ("question", "Question (via interpreter)", None, "via interpreter", 1),
        (
            "answer",
            "Foreign Minister Sergey Lavrov",
            "Foreign Minister Sergey Lavrov",
            None,
            2,
        ),
        (
            "answer",
            "Foreign Minister of Belarus Vladimir Makei",
            "Foreign Minister of Belarus Vladimir Makei",
            None,
            1,
        ),
        ("question", "Question (to both ministers)", None, "to both ministers", 1),
        ("answer", "Vladimir Makei", "Vladimir Makei", None, 1),
        (
            "answer",
            "Sergey Lavrov (after Vladimir Makei)",
            "Sergey Lavrov",
            "after Vladimir Makei",
            1,
        ),
    ]
    assert transcript.ambiguous == []


def test_things_that_look_like_labels_but_are_not() -> None:
    transcript = parse(read("not_labels.txt"), ["Sergey Lavrov", "Vladimir Makei"])

    assert transcript.opening == [
        "We discussed three things: trade, security and culture.",
        "10:30: the talks began in the reception house.",
        "At 10:30 the talks moved to the main hall.",
        "Trade: up 30 per cent this year.",
    ]
    assert outline(transcript) == [
        ("question", "Question", None, 1),
        ("answer", "Sergey Lavrov", "Sergey Lavrov", 7),
        ("question", "Question", None, 1),
        ("answer", "Sergey Lavrov", "Sergey Lavrov", 1),
    ]
    assert transcript.turns[1].paragraphs == [
        "We agreed on the following. I will mention three points:",
        "“Note: this agreement is not legally binding,” the communiqué says.",
        '"Note: the parties will meet again in spring," it adds.',
        "Note: the full text will be published on the website.",
        "P.S.: the news conference was broadcast live.",
        "Moscow and Minsk: a shared future.",
        "Mr Makei put it well: cooperation is our choice.",
    ]
    assert transcript.turns[3].paragraphs == ["At 10:30 tomorrow."]
    assert transcript.ambiguous == [
        "Trade: up 30 per cent this year.",
        "Moscow and Minsk: a shared future.",
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Welcome Everyone. Minister Lavrov: please go ahead?",
        "Why Now?: the answer is simple.",
        "The Union State Programme of Russia and Belarus for Twenty Years: why?",
        "Interparliamentary Internationalisation Counterrevolutionaries "
        "Unconstitutionality Telecommunications: why?",
        "Update: the talks were extended. Why?",
        "Time 10:30: why?",
        "2021 Review: why?",
    ],
)
def test_paragraphs_that_are_not_name_shaped_continue_the_turn(paragraph: str) -> None:
    transcript = parse(
        f"Question: Why?\n\nSergey Lavrov: No.\n\n{paragraph}", ["Lavrov"]
    )

    assert outline(transcript) == [
        ("question", "Question", None, 1),
        ("answer", "Sergey Lavrov", "Sergey Lavrov", 2),
    ]
    assert transcript.ambiguous == []


@pytest.mark.parametrize("label", ["Mr. Lavrov", "Dr. Lavrov", "S. V. Lavrov"])
def test_abbreviations_are_allowed_in_labels(label: str) -> None:
    transcript = parse(f"Question: Why?\n\n{label}: No.", ["Sergey Lavrov"])

    assert outline(transcript) == [
        ("question", "Question", None, 1),
        ("answer", label, label, 1),
    ]


@pytest.mark.parametrize(
    "fixture", sorted(path.name for path in FIXTURES.glob("*.txt"))
)
@pytest.mark.parametrize("speakers", [None, ["Sergey Lavrov"]])
def test_round_trip(fixture: str, speakers: list[str] | None) -> None:
    text = read(fixture)

    assert normalised(render(parse(text, speakers))) == normalised(text)


def test_fixture_directory_holds_all_styles() -> None:
    assert len(list(FIXTURES.glob("*.txt"))) == 13


@pytest.mark.parametrize("space", [" ", NBSP, "\t", "\n", "\u2009"])
def test_any_white_space_may_follow_the_colon(space: str) -> None:
    transcript = parse(f"Question:{space}Why?\n\nSergey Lavrov:{space}Because.")

    assert outline(transcript) == [
        ("question", "Question", None, 1),
        ("answer", "Sergey Lavrov", "Sergey Lavrov", 1),
    ]
    assert transcript.turns[1].paragraphs == ["Because."]


def test_colon_not_followed_by_white_space_is_no_label() -> None:
    transcript = parse("Question:Why?\n\nSergey Lavrov:Because.")

    assert transcript.turns == []
    assert transcript.opening == ["Question:Why?", "Sergey Lavrov:Because."]


def test_white_space_before_colon_is_tolerated() -> None:
    transcript = parse("Question : Why?\n\nSergey Lavrov (after Mr Makei) : Because.")

    assert [
        (turn.label, turn.speaker, turn.note, turn.paragraphs)
        for turn in transcript.turns
    ] == [
        ("Question", None, None, ["Why?"]),
        (
            "Sergey Lavrov (after Mr Makei)",
            "Sergey Lavrov",
            "after Mr Makei",
            ["Because."],
        ),
    ]
    assert render(transcript) == (
        "Question: Why?\n\nSergey Lavrov (after Mr Makei): Because."
    )


def test_label_alone_on_its_paragraph_starts_an_empty_first_paragraph() -> None:
    text = "QUESTION:\n\nWhat next?\n\nMR PRICE:\nWe will see."

    transcript = parse(text, ["Ned Price"])

    assert [(turn.label, turn.paragraphs) for turn in transcript.turns] == [
        ("QUESTION", ["", "What next?"]),
        ("MR PRICE", ["We will see."]),
    ]
    assert render(transcript) == "QUESTION:\n\nWhat next?\n\nMR PRICE: We will see."


def test_blank_lines_may_hold_white_space() -> None:
    text = f"One.\n  {NBSP}\t\nTwo\nstill two.\n\n\n\nThree."

    assert split_paragraphs(text) == ["One.", "Two\nstill two.", "Three."]


def test_text_without_labels_is_all_opening() -> None:
    text = "We discussed trade.\n\nWe also discussed culture: music and film."

    assert parse(text) == Transcript(
        opening=["We discussed trade.", "We also discussed culture: music and film."]
    )


@pytest.mark.parametrize("text", ["", "  \n\n \t\n"])
def test_empty_text_gives_empty_transcript(text: str) -> None:
    transcript = parse(text)

    assert transcript == Transcript()
    assert render(transcript) == ""


@pytest.mark.parametrize(
    "name",
    [
        "Sergey Lavrov",
        "SERGEY LAVROV",
        "Foreign Minister Sergey Lavrov",
        "Mr. Sergey  Lavrov",
        f"Minister{NBSP}Sergey Lavrov",
    ],
)
def test_speaker_key_drops_titles_and_case(name: str) -> None:
    assert speaker_key(name) == "sergey lavrov"


def test_speaker_key_of_titles_alone_is_empty() -> None:
    assert speaker_key("Official Spokesperson") == ""
    assert speaker_key("Deputy Foreign Minister") == ""
    assert surname_key("Spokeswoman") == ""


def test_surname_key() -> None:
    assert surname_key("Foreign Minister Sergey Lavrov") == "lavrov"
    assert surname_key("Official Spokesperson, Shri Arindam Bagchi") == "bagchi"


@pytest.mark.parametrize(
    "label_name",
    ["MR LAVROV", "Sergey Lavrov", "Foreign Minister Sergey Lavrov", "Lavrov"],
)
def test_match_speaker_finds_the_known_name(label_name: str) -> None:
    assert match_speaker(label_name, ["Vladimir Makei", "Sergey Lavrov"]) == (
        "Sergey Lavrov"
    )


def test_match_speaker_prefers_an_exact_match_to_a_surname() -> None:
    known = ["Anna Ivanova", "Maria Ivanova"]

    assert match_speaker("Deputy Foreign Minister Maria Ivanova", known) == (
        "Maria Ivanova"
    )


@pytest.mark.parametrize(
    ("label_name", "known"),
    [
        ("MS IVANOVA", ["Anna Ivanova", "Maria Ivanova"]),
        ("NHK, Takashima", ["Wang Wenbin"]),
        ("Spokesperson", ["Wang Wenbin"]),
        ("Sergey Lavrov", []),
    ],
)
def test_match_speaker_returns_none_when_unsure(
    label_name: str, known: list[str]
) -> None:
    assert match_speaker(label_name, known) is None


def test_short_role_labels_that_recur_are_speakers_even_at_the_start() -> None:
    transcript = parse(read("un_briefing_short_labels.txt"))

    assert transcript.opening == []
    assert outline(transcript) == [
        ("answer", "SRSG", None, 2),
        ("question", "Q", None, 1),
        ("answer", "SRSG", None, 1),
        ("question", "Q", None, 1),
        ("answer", "SRSG", None, 1),
        ("answer", "DSG", None, 1),
        ("question", "Q", None, 1),
        ("answer", "DSG", None, 1),
    ]
    assert transcript.ambiguous == []


@pytest.mark.parametrize("role", ["PM", "FM"])
def test_a_prime_or_foreign_minister_opening_is_an_answer(role: str) -> None:
    text = f"{role}: We agreed.\n\nQ: On what?\n\n{role}: On the timetable."

    assert outline(parse(text)) == [
        ("answer", role, None, 1),
        ("question", "Q", None, 1),
        ("answer", role, None, 1),
    ]


def test_a_short_label_used_once_is_not_taken_for_a_speaker() -> None:
    transcript = parse("UK: a statement.\n\nQuestion: Why?\n\nSergey Lavrov: No.")

    assert transcript.opening == ["UK: a statement."]


@pytest.mark.parametrize("speakers", [None, ["Yoshimasa Hayashi"]])
def test_surname_in_capitals_then_title_is_one_speaker(
    speakers: list[str] | None,
) -> None:
    transcript = parse(read("japan_mofa_surname_capitals.txt"), speakers)

    hayashi = "Mr. HAYASHI Yoshimasa"
    assert transcript.opening == [
        "(This is a provisional translation by the Ministry of Foreign Affairs. "
        "Only the original Japanese text is authoritative.)",
        "Opening Remarks",
    ]
    assert outline(transcript) == [
        ("answer", f"{hayashi}, Minister for Foreign Affairs", hayashi, 5),
        ("question", "Reporter (NHK)", None, 1),
        ("answer", "Minister Hayashi", hayashi, 3),
        ("question", "Reporter (Kyodo News)", None, 1),
        ("answer", "Minister Hayashi", hayashi, 1),
    ]
    assert transcript.ambiguous == []


def test_a_capitalised_surname_matches_the_known_speaker() -> None:
    known = ["Yoshimasa Hayashi", "Sergey Lavrov"]

    assert surname_key("Mr. HAYASHI Yoshimasa") == "hayashi"
    assert match_speaker("Mr. HAYASHI Yoshimasa", known) == "Yoshimasa Hayashi"
    assert match_speaker("Minister Hayashi", known) == "Yoshimasa Hayashi"


def test_topic_headings_and_a_disclaimer_keep_the_turns_whole() -> None:
    transcript = parse(read("headings_translation_disclaimer.txt"))

    assert transcript.opening == [
        "Unofficial translation. In case of discrepancy, the text in the original "
        "language prevails.",
        "Opening Remarks",
    ]
    assert [(t.role, t.label) for t in transcript.turns] == [
        ("answer", "Spokesperson"),
        ("question", "Question"),
    ] * 3 + [("answer", "Spokesperson")]
    # Each heading stays in its place, after the turn it follows.
    assert transcript.turns[0].paragraphs[-1] == "Situation in the Middle East"
    assert transcript.turns[2].paragraphs[-1] == "Energy Security"
    assert transcript.turns[4].paragraphs[-1] == "Consular Matters"
    assert transcript.ambiguous == []


@pytest.mark.parametrize("speakers", [None, ["Arindam Bagchi"]])
def test_journalists_by_first_name_ask_in_a_row_and_follow_up(
    speakers: list[str] | None,
) -> None:
    transcript = parse(read("indian_mea_first_names.txt"), speakers)

    spokesperson = "Official Spokesperson, Shri Arindam Bagchi"
    assert outline(transcript) == [
        ("answer", spokesperson, spokesperson, 1),
        ("question", "Sidhant", None, 1),
        ("answer", spokesperson, spokesperson, 1),
        ("question", "Sidhant", None, 1),
        ("answer", spokesperson, spokesperson, 1),
        ("question", "Maha", None, 1),
        ("question", "Rishabh", None, 1),
        ("answer", spokesperson, spokesperson, 2),
        ("question", "Maha", None, 1),
        ("answer", spokesperson, spokesperson, 1),
    ]
    assert transcript.turns[3].paragraphs == ["Yes, sir, the one in Geneva."]
    assert transcript.ambiguous == []


@pytest.mark.parametrize("speakers", [None, ["Sergey Lavrov"]])
def test_russian_labels_with_initials(speakers: list[str] | None) -> None:
    transcript = parse(read("russian_mfa_russian_labels.txt"), speakers)

    lavrov = "\u0421.\u0412.\u041b\u0430\u0432\u0440\u043e\u0432"
    question = "\u0412\u043e\u043f\u0440\u043e\u0441"
    answer = "\u041e\u0442\u0432\u0435\u0442"
    assert transcript.opening == []
    assert outline(transcript) == [
        ("answer", lavrov, lavrov, 2),
        ("question", question, None, 1),
        ("answer", lavrov, lavrov, 2),
        ("question", question, None, 1),
        ("answer", answer, None, 1),
    ]
    assert transcript.ambiguous == []


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        (
            "Ladies and gentlemen,\n\nGood afternoon,\n\nThe talks.\n\nMore.",
            "The talks.",
        ),
        ("The talks.\n\nLadies and gentlemen,", "The talks."),
        (
            "Ladies and gentlemen,\n\nGood afternoon, colleagues,",
            "Ladies and gentlemen,",
        ),
        ("\n\n  \n", ""),
        ("", ""),
    ],
)
def test_the_lead_is_the_first_paragraph_that_does_more_than_greet(
    text: str, lead: str
) -> None:
    assert lead_paragraph(text) == lead
