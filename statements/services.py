"""Actions on statements that span models: confirming a pasted transcript."""

from django.db import transaction

from . import transcripts
from .models import Speaker, StatementSpeaker, Turn


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
        """``among`` are matched by their names in every language: a Russian
        label with initials finds Sergey Lavrov by his Russian surname."""
        by_name = {written: speaker for speaker in among for written in speaker.names}
        match = transcripts.match_speaker(name, list(by_name))
        if match is not None:
            return by_name[match]
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


def make_turn(statement, position, turn, speaker):
    """An unsaved ``Turn`` row for a parsed turn."""
    return Turn(
        statement=statement,
        position=position,
        role=turn.role,
        label=turn.label,
        note=turn.note or "",
        speaker=speaker,
        text="\n\n".join(turn.paragraphs),
    )


def propose_turns(statement):
    """The pasted transcript awaiting confirmation, one proposed row a paragraph."""
    speakers = [speaker.name for speaker in statement.ordered_speakers]
    return transcripts.propose(statement.pending_transcript, speakers or None)


@transaction.atomic
def confirm_transcript(statement, transcript, speakers, correction_note=""):
    """Make the editor's ``transcript`` public: opening in the body, then turns.

    ``speakers`` gives each turn's speaker (or None), in order. The statement's
    speakers gain those of the answers, in order of first appearance, after
    the ones already named. A ``correction_note`` enters the public change log.
    """
    turns = [
        make_turn(statement, position, turn, speaker)
        for position, (turn, speaker) in enumerate(
            zip(transcript.turns, speakers, strict=True), start=1
        )
    ]
    statement.turns.all().delete()
    Turn.objects.bulk_create(turns)
    add_speakers(statement, [turn.speaker for turn in turns if turn.speaker])
    if correction_note:
        statement.corrections.create(note=correction_note)
        statement.public_change_note = correction_note
    # Saved after the turns, so the history record's snapshot includes them.
    statement.body = "\n\n".join(transcript.opening)
    statement.pending_transcript = ""
    statement.save()


def add_speakers(statement, speakers):
    """Name ``speakers`` among the statement's own, after those already named."""
    links = StatementSpeaker.objects.filter(statement=statement)
    named = {link.speaker_id: link.position for link in links}
    position = max(named.values(), default=-1)
    for speaker in dict.fromkeys(speakers):
        if speaker.pk not in named:
            position += 1
            named[speaker.pk] = position
            StatementSpeaker.objects.create(
                statement=statement, speaker=speaker, position=position
            )
