"""The bytes of a webhook event and the signature over them (see the package's docstring)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Final

SIGNATURE_HEADER: Final = "X-DPO-Signature"
EVENT_HEADER: Final = "X-DPO-Event-Id"


def encode(payload: dict[str, Any]) -> bytes:
    """The exact bytes POSTed for a payload (what the signature covers)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(body: bytes, secret: str) -> str:
    """The value of X-DPO-Signature for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
