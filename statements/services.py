"""Actions on statements that span models: structuring a pasted transcript."""

from django.db import transaction

from . import transcripts
from .models import Speaker, Turn


class SpeakerResolver:
    """Finds the speaker a transcript label names, tolerant of case and titles.

    Names are matched by name or alias first; within a statement, a label that
    gives only a surname ("MR LAVROV") matches the statement's own speaker. An
    unknown name becomes a new speaker only when ``create`` is set; otherwise
    it is collected in ``unknown``.
    """

    def __init__(self, create=False, unknown=None):
        self.create = create
        self.unknown = [] if unknown is None else unknown
        self._by_key = {}
        for speaker in Speaker.objects.all():
            self._remember(speaker)

    def _remember(self, speaker):
        for key in speaker.name_keys:
            self._by_key.setdefault(key, speaker)

    def find(self, name, among=()):
        among = list(among)
        match = transcripts.match_speaker(name, [speaker.name for speaker in among])
        if match is not None:
            return next(speaker for speaker in among if speaker.name == match)
        return self._by_key.get(transcripts.speaker_key(name))

    def resolve(self, name, among=()):
        """The speaker a transcript label names; new only when ``create`` is set."""
        speaker = self.find(name, among)
        if speaker is not None or self.create:
            return speaker or self._create(name)
        if name not in self.unknown:
            self.unknown.append(name)
        return None

    def declared(self, name):
        """A statement's declared speaker, created when not yet known."""
        return self.find(name) or self._create(name)

    def _create(self, name):
        speaker = Speaker.objects.create(name=name)
        self._remember(speaker)
        return speaker


def parse_statement_body(statement):
    speakers = [speaker.name for speaker in statement.ordered_speakers]
    return transcripts.parse(statement.body, speakers=speakers or None)


def build_turns(statement, parsed_turns, speakers, resolver):
    """Unsaved ``Turn`` rows for parsed turns; answers linked to known speakers."""
    return [
        Turn(
            statement=statement,
            position=position,
            role=turn.role,
            label=turn.label,
            note=turn.note or "",
            speaker=(
                resolver.resolve(turn.speaker, speakers)
                if turn.role == Turn.Role.ANSWER and turn.speaker
                else None
            ),
            text="\n\n".join(turn.paragraphs),
        )
        for position, turn in enumerate(parsed_turns, start=1)
    ]


@transaction.atomic
def structure_transcript(statement, *, create_speakers=False):
    """Split the statement's pasted body into opening remarks and turns.

    The body keeps the opening remarks; the question-and-answer part replaces
    the statement's turns. Returns the parse, for its ambiguous paragraphs.
    """
    parsed = parse_statement_body(statement)
    if not parsed.turns:
        return parsed
    resolver = SpeakerResolver(create=create_speakers)
    turns = build_turns(statement, parsed.turns, statement.ordered_speakers, resolver)
    statement.turns.all().delete()
    Turn.objects.bulk_create(turns)
    # Saved after the turns, so the history record's snapshot includes them.
    statement.body = "\n\n".join(parsed.opening)
    statement.save()
    return parsed
