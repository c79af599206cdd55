"""The Telegram Bot API reference (``bot-api.json``) and the checks the fake server applies.

``bot-api.json`` is vendored from the telegram-bot-api-spec project (MIT, see
``LICENSE-bot-api-spec`` next to it). It lists every method with its fields and every type.

This module knows nothing about HTTP: it turns the raw parameters of one request into typed
values (refusing unknown methods, unknown parameters, missing required parameters and values of
the wrong type, recursively inside JSON objects) and implements the content rules Telegram
states in prose: message text and caption lengths, HTML formatting, inline keyboard buttons.
Every refusal is an :class:`ApiError` shaped like Telegram's own error answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("bot-api.json")

JsonDict = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_CALLBACK_DATA_BYTES = 64

# Parameters that were removed from the documentation but that Telegram still accepts (and
# that aiogram still sends when a bot uses them or its defaults ask for them).
_LEGACY_FIELDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "reply_parameters": (
        ("reply_to_message_id", ("Integer",)),
        ("allow_sending_without_reply", ("Boolean",)),
    ),
    "link_preview_options": (("disable_web_page_preview", ("Boolean",)),),
}

# Telegram's wording for a few missing parameters; others get a generic message.
_MISSING_MESSAGES = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "message_id": "message identifier is not specified",
    "callback_query_id": "query_id is empty",
    "file_id": "file_id is empty",
}

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

_INT_RE = re.compile(r"^[+-]?\d+$")


class ApiError(Exception):
    """A Telegram-shaped error answer: HTTP ``status`` and ``{"ok": false, ...}`` body."""

    def __init__(self, status: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_response(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str) -> ApiError:
    """HTTP 400 with ``"Bad Request: <message>"``."""
    return ApiError(400, f"Bad Request: {message}")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str = ""


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...]


class _Mismatch(Exception):
    """A value does not fit a type; ``depth`` lets unions report the most specific failure."""

    def __init__(self, path: str, reason: str, depth: int) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason
        self.depth = depth


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _fields(raw: Sequence[Mapping[str, Any]]) -> dict[str, FieldSpec]:
    return {
        item["name"]: FieldSpec(
            name=item["name"],
            types=tuple(item.get("types", ())),
            required=bool(item.get("required", False)),
            description=str(item.get("description", "")),
        )
        for item in raw
    }


class BotApiSpec:
    """Methods and types of the Bot API reference, with request decoding."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = str(data.get("version", ""))
        self.methods: dict[str, MethodSpec] = {}
        for name, raw in data["methods"].items():
            fields = _fields(raw.get("fields", ()))
            for anchor, legacy in _LEGACY_FIELDS.items():
                if anchor in fields:
                    for legacy_name, legacy_types in legacy:
                        fields.setdefault(
                            legacy_name,
                            FieldSpec(legacy_name, legacy_types, False, "deprecated, accepted"),
                        )
            self.methods[name] = MethodSpec(name, fields, tuple(raw.get("returns", ())))
        self.types: dict[str, TypeSpec] = {
            name: TypeSpec(name, _fields(raw.get("fields", ())), tuple(raw.get("subtypes", ())))
            for name, raw in data["types"].items()
        }
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name`` (Telegram matches method names case-insensitively)."""
        return self._by_lower.get(name.lower())

    # -- request decoding ------------------------------------------------------------------

    def decode_request(
        self,
        method: MethodSpec,
        raw: Mapping[str, Any],
        uploads: Mapping[str, UploadedFile],
    ) -> tuple[JsonDict, dict[str, UploadedFile]]:
        """Validate and decode the parameters of one call.

        ``raw`` holds the non-file parameters (strings from a form or query string, native
        values from a JSON body); ``uploads`` the file parts of a multipart body. A file part
        is used either directly (its name is the parameter, e.g. ``document``) or through an
        ``attach://<part name>`` reference (what aiogram sends).

        Returns the decoded parameters (JSON fields parsed, integers and booleans converted;
        an uploaded file parameter keeps its ``attach://<part>`` string) and the uploaded files
        by parameter name (unreferenced parts stay under their own name).
        """
        values: dict[str, Any] = dict(raw)
        for name, upload in uploads.items():
            if name in method.fields:
                values[name] = upload
        for name in values:
            if name not in method.fields:
                raise bad_request(f"unknown parameter {name}")

        params: JsonDict = {}
        files: dict[str, UploadedFile] = {}
        used_parts: set[str] = set()
        for name, value in values.items():
            if value is None or value == "":
                continue  # Telegram treats empty values as absent
            spec = method.fields[name]
            if isinstance(value, UploadedFile):
                if "InputFile" not in spec.types:
                    raise bad_request(f"parameter {name} can't be a file")
                params[name] = f"attach://{name}"
                files[name] = value
                used_parts.add(name)
                continue
            is_attachment = isinstance(value, str) and value.startswith("attach://")
            if "InputFile" in spec.types and is_attachment:
                part = value[len("attach://") :]
                if part not in uploads:
                    raise bad_request(f'attached file "{part}" not found in the request')
                params[name] = value
                files[name] = uploads[part]
                used_parts.add(part)
                continue
            params[name] = self._decode_top(spec, value)

        for name, upload in uploads.items():
            if name not in used_parts:
                files.setdefault(name, upload)

        for spec in method.fields.values():
            if spec.required and spec.name not in params:
                raise bad_request(
                    _MISSING_MESSAGES.get(spec.name, f'parameter "{spec.name}" is required')
                )
        return params, files

    def _decode_top(self, spec: FieldSpec, value: Any) -> Any:
        failures: list[_Mismatch] = []
        json_failed = False
        for type_name in spec.types:
            candidate = value
            if isinstance(value, str) and _is_json_type(type_name):
                try:
                    candidate = json.loads(value)
                except ValueError:
                    json_failed = True
                    continue
            try:
                return self._check_one(type_name, candidate, "", 0)
            except _Mismatch as exc:
                failures.append(exc)
        if failures:
            best = max(failures, key=lambda item: item.depth)
            if best.depth > 0:
                raise bad_request(f'can\'t parse {spec.name}: field "{best.path}" {best.reason}')
        if json_failed:
            raise bad_request(f"can't parse {spec.name} JSON object")
        raise bad_request(
            f'invalid value for parameter "{spec.name}": expected {" or ".join(spec.types)}'
        )

    def check_object(self, type_name: str, value: Any) -> Any:
        """Validate a JSON value against a type of the reference; ``ValueError`` if it fails.

        Useful to check that the fake's own answers and updates are well-formed.
        """
        try:
            return self._check_one(type_name, value, "", 0)
        except _Mismatch as exc:
            raise ValueError(f"{type_name}: {exc}") from None

    def _check_any(self, types: Sequence[str], value: Any, path: str, depth: int) -> Any:
        failures: list[_Mismatch] = []
        for type_name in types:
            try:
                return self._check_one(type_name, value, path, depth)
            except _Mismatch as exc:
                failures.append(exc)
        if not failures:
            return value
        raise max(failures, key=lambda item: item.depth)

    def _check_one(self, type_name: str, value: Any, path: str, depth: int) -> Any:
        if type_name.startswith("Array of "):
            inner = type_name[len("Array of ") :]
            if not isinstance(value, list):
                raise _Mismatch(path, "must be an array", depth)
            return [
                self._check_any((inner,), item, f"{path}[{index}]", depth + 1)
                for index, item in enumerate(value)
            ]
        primitive = _PRIMITIVES.get(type_name)
        if primitive is not None:
            decoded = primitive(value)
            if decoded is _INVALID:
                raise _Mismatch(path, f"must be {type_name}", depth)
            return decoded
        spec = self.types.get(type_name)
        if spec is None:
            return value  # not described by the reference: accept as is
        if spec.subtypes:
            return self._check_any(spec.subtypes, value, path, depth)
        if not isinstance(value, dict):
            raise _Mismatch(path, f"must be a {type_name} object", depth)
        if not spec.fields:
            return value
        result: JsonDict = {}
        for key, item in value.items():
            field_spec = spec.fields.get(key)
            if field_spec is None:
                raise _Mismatch(_join(path, key), f"is not a field of {type_name}", depth + 1)
            if item is None:
                continue
            result[key] = self._check_any(field_spec.types, item, _join(path, key), depth + 1)
        for field_spec in spec.fields.values():
            if field_spec.required and field_spec.name not in result:
                raise _Mismatch(
                    _join(path, field_spec.name), f"is required in {type_name}", depth + 1
                )
        return result


class _Invalid:
    pass


_INVALID = _Invalid()


def _as_integer(value: Any) -> Any:
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    return _INVALID


def _as_float(value: Any) -> Any:
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return _INVALID
    return _INVALID


def _as_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return _INVALID


def _as_true(value: Any) -> Any:
    return True if _as_boolean(value) is True else _INVALID


def _as_string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _INVALID


def _as_input_file(value: Any) -> Any:
    return value if isinstance(value, (str, UploadedFile)) else _INVALID


_PRIMITIVES = {
    "Integer": _as_integer,
    "Float": _as_float,
    "Boolean": _as_boolean,
    "True": _as_true,
    "String": _as_string,
    "InputFile": _as_input_file,
}


def _is_json_type(type_name: str) -> bool:
    return type_name.startswith("Array of ") or type_name not in _PRIMITIVES


@lru_cache(maxsize=4)
def load_spec(path: Path = SPEC_PATH) -> BotApiSpec:
    """Load (once) the vendored Bot API reference."""
    with path.open(encoding="utf-8") as handle:
        return BotApiSpec(json.load(handle))


# -- formatted text ---------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (the unit of Telegram entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
SUPPORTED_HTML_TAGS = frozenset({*_SIMPLE_TAGS, "span", "a", "blockquote", "tg-emoji", "tg-time"})
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_TAG_NAME_RE = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_NAME_RE = re.compile(r"[a-zA-Z0-9_-]*")


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the plain text
    byte_offset: int
    language: str | None = None


def _entities_error(message: str) -> ApiError:
    return bad_request(f"can't parse entities: {message}")


def _decode_entity(source: str, index: int) -> tuple[str, int] | None:
    match = _ENTITY_RE.match(source, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            return None
        return _NAMED_ENTITIES[name], match.end()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _unescape_attribute(value: str) -> str:
    def replace(match: re.Match[str]) -> str:
        decoded = _decode_entity(match.group(0), 0)
        return decoded[0] if decoded else match.group(0)

    return _ENTITY_RE.sub(replace, value)


def parse_html(source: str) -> tuple[str, list[JsonDict]]:
    """Parse Telegram-flavoured HTML into plain text and message entities.

    Stricter than Telegram on one point, on purpose: every ``&`` must start one of the
    supported character references (``&lt; &gt; &amp; &quot; &#NN; &#xHH;``), so text that
    was not escaped is caught even when Telegram would have let it through.
    """

    def byte_offset(index: int) -> int:
        return len(source[:index].encode("utf-8"))

    pieces: list[str] = []
    length = 0  # UTF-16 length of the plain text so far
    stack: list[_OpenTag] = []
    entities: list[JsonDict] = []
    index = 0
    size = len(source)

    def emit(text: str) -> None:
        nonlocal length
        pieces.append(text)
        length += utf16_len(text)

    while index < size:
        char = source[index]
        if char == "&":
            decoded = _decode_entity(source, index)
            if decoded is None:
                raise _entities_error(
                    f"character '&' at byte offset {byte_offset(index)} must be escaped "
                    "as &amp; (or start a supported HTML entity)"
                )
            emit(decoded[0])
            index = decoded[1]
            continue
        if char != "<":
            next_special = min(
                (pos for pos in (source.find("<", index), source.find("&", index)) if pos >= 0),
                default=size,
            )
            emit(source[index:next_special])
            index = next_special
            continue

        begin = index
        if source.startswith("</", index):
            name_match = _TAG_NAME_RE.match(source, index + 2)
            assert name_match is not None
            name = name_match.group(0).lower()
            cursor = name_match.end()
            while cursor < size and source[cursor].isspace():
                cursor += 1
            if cursor >= size or source[cursor] != ">":
                raise _entities_error(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            if not stack:
                raise _entities_error(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            opened = stack.pop()
            if opened.name != name:
                raise _entities_error(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, "
                    f'expected "</{opened.name}>", found "</{name}>"'
                )
            _close_tag(opened, length, stack, entities)
            index = cursor + 1
            continue

        name_match = _TAG_NAME_RE.match(source, index + 1)
        assert name_match is not None
        name = name_match.group(0).lower()
        if name not in SUPPORTED_HTML_TAGS:
            raise _entities_error(
                f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}'
            )
        cursor = name_match.end()
        attrs: dict[str, str] = {}
        while True:
            while cursor < size and source[cursor].isspace():
                cursor += 1
            if cursor >= size:
                raise _entities_error(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if source[cursor] == ">":
                cursor += 1
                break
            attr_match = _ATTR_NAME_RE.match(source, cursor)
            assert attr_match is not None
            attr_name = attr_match.group(0).lower()
            if not attr_name:
                raise _entities_error(
                    f'Empty attribute name in the tag "{name}" at byte offset {byte_offset(begin)}'
                )
            cursor = attr_match.end()
            while cursor < size and source[cursor].isspace():
                cursor += 1
            if cursor >= size or source[cursor] != "=":
                attrs[attr_name] = ""
                continue
            cursor += 1
            while cursor < size and source[cursor].isspace():
                cursor += 1
            if cursor >= size:
                raise _entities_error(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            quote = source[cursor]
            if quote in "\"'":
                end = source.find(quote, cursor + 1)
                if end < 0:
                    raise _entities_error(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                raw_value = source[cursor + 1 : end]
                cursor = end + 1
            else:
                end = cursor
                while end < size and not source[end].isspace() and source[end] != ">":
                    end += 1
                raw_value = source[cursor:end]
                cursor = end
            attrs[attr_name] = _unescape_attribute(raw_value)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _entities_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise _entities_error(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte_offset(begin)}'
            )
        if name == "tg-time" and not _INT_RE.match(attrs.get("unix", "")):
            raise _entities_error(
                f'Tag "tg-time" must have attribute "unix" at byte offset {byte_offset(begin)}'
            )
        stack.append(_OpenTag(name, attrs, length, byte_offset(begin)))
        index = cursor

    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda item: (item["offset"], -item["length"]))
    return "".join(pieces), entities


def _close_tag(opened: _OpenTag, end: int, stack: list[_OpenTag], entities: list[JsonDict]) -> None:
    length = end - opened.offset
    name = opened.name
    if name == "code" and stack and stack[-1].name == "pre":
        # <pre><code class="language-x"> is one pre entity with a language.
        language = opened.attrs.get("class", "") or opened.attrs.get("language", "")
        if language.startswith("language-") and len(language) > len("language-"):
            stack[-1].language = language[len("language-") :]
        return
    if length <= 0:
        return
    entity: JsonDict = {"offset": opened.offset, "length": length}
    if name in _SIMPLE_TAGS:
        entity["type"] = _SIMPLE_TAGS[name]
        if name == "pre" and opened.language:
            entity["language"] = opened.language
    elif name == "span":
        entity["type"] = "spoiler"
    elif name == "a":
        href = opened.attrs.get("href", "")
        if not href:
            return
        entity["type"] = "text_link"
        entity["url"] = href
    elif name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in opened.attrs else "blockquote"
    elif name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = opened.attrs["emoji-id"]
    elif name == "tg-time":
        entity["type"] = "date_time"
        entity["unix_time"] = int(opened.attrs["unix"])
        if opened.attrs.get("format"):
            entity["date_time_format"] = opened.attrs["format"]
    else:  # pragma: no cover - every supported tag is handled above
        return
    entities.append(entity)


def _strip(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Drop leading and trailing whitespace like Telegram does, keeping entities aligned."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result: list[JsonDict] = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        end = min(total, entity["offset"] + entity["length"] - shift)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def format_text(
    text: str, parse_mode: str | None, entities: list[JsonDict] | None
) -> tuple[str, list[JsonDict]]:
    """Plain text and entities of a message text or caption, as Telegram would store them.

    HTML is parsed and validated; Markdown and MarkdownV2 are accepted without parsing (the
    raw text is kept and counted); without a parse mode, explicit ``entities`` are kept.
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        plain, parsed = parse_html(text)
    elif mode in ("markdown", "markdownv2"):
        plain, parsed = text, []
    elif not mode:
        plain, parsed = text, list(entities or [])
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    return _strip(plain, parsed)


def check_message_text(
    text: str | None, parse_mode: str | None, entities: list[JsonDict] | None
) -> tuple[str, list[JsonDict]]:
    """A message text: 1-4096 characters after entities parsing."""
    plain, parsed = format_text(text or "", parse_mode, entities)
    if not plain:
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return plain, parsed


def check_caption(
    caption: str | None, parse_mode: str | None, entities: list[JsonDict] | None
) -> tuple[str, list[JsonDict]]:
    """A media caption: 0-1024 characters after entities parsing."""
    plain, parsed = format_text(caption or "", parse_mode, entities)
    if len(plain) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return plain, parsed


def is_inline_keyboard(markup: Any) -> bool:
    return isinstance(markup, dict) and "inline_keyboard" in markup


def check_reply_markup(markup: Any) -> None:
    """Button rules: inline buttons need text and one action, callback_data 1-64 bytes."""
    if not isinstance(markup, dict):
        return
    if "inline_keyboard" in markup:
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                text = button if isinstance(button, str) else button.get("text", "")
                if not str(text).strip():
                    raise bad_request("keyboard button text must be non-empty")


def _check_inline_button(button: JsonDict) -> None:
    if not str(button.get("text", "")).strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    if not any(key in button for key in _INLINE_BUTTON_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = str(button["url"])
        if not url or any(char.isspace() for char in url):
            raise bad_request("BUTTON_URL_INVALID")
