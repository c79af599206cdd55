"""The Russian words of the domain (PRODUCT.md §3.1, §7.3): the labels users and files use."""

from __future__ import annotations

from models.enums import Kind, Role, Status

STATUS_LABELS: dict[Status, str] = {
    Status.NEW: "Не обработана",
    Status.APPROVED: "Подтверждена руководителем ОО",
    Status.CANCELLED: "Отменена",
    Status.INCLUDED: "Включен в группу",
}

KIND_LABELS: dict[Kind, str] = {
    Kind.ASSESSMENT: "Оценка профессиональных компетенций",
    Kind.COURSE: "Курс повышения квалификации",
}

ROLE_LABELS: dict[Role, str] = {
    Role.TEACHER: "Слушатель",
    Role.DIRECTOR: "Руководитель ОО",
    Role.STAFF: "Работник ЧИРО",
}


def _lookup(labels: dict[str, str]) -> dict[str, str]:
    # Files come from people: compare without case and with ё folded to е.
    return {fold(label): code for code, label in labels.items()}


def fold(text: str) -> str:
    """Lower case, ё→е, inner whitespace collapsed: how names and labels are compared."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").lower().split())


_STATUS_BY_LABEL = _lookup({k.value: v for k, v in STATUS_LABELS.items()})
# The instruction itself spells it «Подтверждено руководителем ОО» in places; accept both.
_STATUS_BY_LABEL[fold("Подтверждено руководителем ОО")] = Status.APPROVED.value
_KIND_BY_LABEL = _lookup({k.value: v for k, v in KIND_LABELS.items()})
_ROLE_BY_LABEL = _lookup({k.value: v for k, v in ROLE_LABELS.items()})
_ROLE_BY_LABEL[fold("Педагог")] = Role.TEACHER.value


def status_from_label(label: str) -> Status | None:
    code = _STATUS_BY_LABEL.get(fold(label))
    if code is None and label.strip() in Status._value2member_map_:
        code = label.strip()
    return Status(code) if code else None


def kind_from_label(label: str) -> Kind | None:
    code = _KIND_BY_LABEL.get(fold(label))
    if code is None and label.strip() in Kind._value2member_map_:
        code = label.strip()
    return Kind(code) if code else None


def role_from_label(label: str) -> Role | None:
    code = _ROLE_BY_LABEL.get(fold(label))
    return Role(code) if code else None
