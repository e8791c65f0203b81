"""Reads of the centers' data, each checking access: missing and forbidden look alike."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from centers.models import Center, CenterSource, CenterSubject, CenterSubjectType, SyncState, SyncStatus
from core.errors import NotFound
from registry.models import Subject, SubjectStatus


def centers_all() -> list[Center]:
    return list(Center.objects.all())


def center_get(*, code: str) -> Center:
    center = Center.objects.filter(code=code).first()
    if center is None:
        raise NotFound("没有这个交易中心。")
    return center


def center_subject_for(*, center: Center, subject: Subject) -> CenterSubject:
    """The subject's entry at the center; NotFound when the center does not know it (yet)."""
    entry = (
        CenterSubject.objects.at(center)
        .filter(subject=subject)
        .select_related("subject", "commitment")
        # The commitment's PDF is read only where it is shown, not on every center page.
        .defer("commitment__pdf")
        .first()
    )
    if entry is None:
        raise NotFound("该交易中心尚未收到您的主体信息。")
    return entry


def center_entries_of(*, subject: Subject) -> dict[int, CenterSubject]:
    """The subject's entry at each center that has one, by center id (for the centers overview)."""
    return {
        entry.center_id: entry
        for center in Center.objects.all()
        for entry in CenterSubject.objects.at(center).filter(subject=subject)
    }


def types_of(*, center: Center, center_subject: CenterSubject) -> list[CenterSubjectType]:
    """The types held now (effective or waiting for review), in the order they were added."""
    return list(CenterSubjectType.objects.at(center).filter(center_subject=center_subject, removed_at=None))


def effective_types(*, center: Center, center_subject: CenterSubject) -> list[str]:
    return [
        t.type for t in types_of(center=center, center_subject=center_subject) if t.effective_at is not None
    ]


# --- the subject's view of its data at every center (centers/views_sync.py) --------------------------------------------------------------------


class Tone(StrEnum):
    """How a row reads, not how it looks: the template picks the badge for each."""

    OK = "synced"
    WAIT = "syncing"
    BAD = "failed"
    NONE = "none"


@dataclass(frozen=True)
class CenterSyncRow:
    center: Center
    state: SyncState | None
    entry: CenterSubject | None
    label: str  # 已同步, 同步中, 同步失败 …
    detail: str  # when, or why
    tone: Tone

    @property
    def in_progress(self) -> bool:
        # 同步中: the page refreshes itself until it is not.
        return self.tone == Tone.WAIT


SYNCED = "已同步"
SYNCING = "同步中"
SYNC_FAILED = "同步失败"
NOT_SYNCED = "未同步"
SYNCED_AT = "于 {at:%Y-%m-%d %H:%M:%S}"
RETRY_AT = "{reason}；将于 {at:%H:%M:%S} 自动重试"
SUBJECT_NOT_VALID = "主体状态为「无效」：提交基本信息后自动同步（交易中心只接收有效主体）"
OWN_REGISTRATION = "本中心独立注册，不从统一注册平台同步"
NEVER_SYNCED = "尚未同步，可点击「重新同步」"


def sync_overview_for(*, subject: Subject) -> list[CenterSyncRow]:
    """Every center with the subject's sync state there and its entry, for the subject's own page."""
    centers = list(Center.objects.all())
    entries = center_entries_of(subject=subject)
    # One subject's states at every center: the page is a view across the centers by design.
    states = {state.center_id: state for state in SyncState.unscoped.filter(subject=subject)}
    rows = []
    for center in centers:
        state = states.get(center.pk)
        label, detail, tone = _describe(center, subject, state)
        rows.append(
            CenterSyncRow(
                center=center,
                state=state,
                entry=entries.get(center.pk),
                label=label,
                detail=detail,
                tone=tone,
            )
        )
    return rows


def _describe(center: Center, subject: Subject, state: SyncState | None) -> tuple[str, str, Tone]:
    if center.source == CenterSource.OWN:
        return "独立注册", OWN_REGISTRATION, Tone.NONE
    if subject.status != SubjectStatus.VALID:
        return NOT_SYNCED, SUBJECT_NOT_VALID, Tone.NONE
    if state is None:
        return NOT_SYNCED, NEVER_SYNCED, Tone.NONE
    if state.status == SyncStatus.SYNCED and state.synced_at is not None:
        return SYNCED, SYNCED_AT.format(at=timezone.localtime(state.synced_at)), Tone.OK
    if state.status == SyncStatus.FAILED:
        return (
            SYNC_FAILED,
            RETRY_AT.format(reason=state.last_error, at=timezone.localtime(state.next_attempt_at)),
            Tone.BAD,
        )
    return SYNCING, state.last_error, Tone.WAIT
