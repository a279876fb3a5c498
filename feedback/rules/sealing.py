"""Sealing anonymous cycle answers while their cycle is open.

A sealed box is AES-GCM over a padded JSON document, under a key derived (HKDF-SHA256)
from ``SECRET_KEY``; boxes sealed under a key that has since moved to
``SECRET_KEY_FALLBACKS`` still open. The associated data binds a box to its organization
and cycle, so a box copied to another cycle does not open there. Padding to a size class
(8 KiB, then powers of two) keeps the length of a box from telling one answer from
another. The database never holds the key: a dump shows boxes, not their contents.
"""

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

NONCE_BYTES = 12
SMALLEST_BOX = 8192
LENGTH_BYTES = 4
INFO = b"perfapp feedback: sealed anonymous cycle answers"


class Unreadable(Exception):
    """No key this server knows opens the box (the secret key changed and the old one is
    not among ``SECRET_KEY_FALLBACKS``), or the box was altered."""


def _key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(secret.encode())


def _keys() -> list[bytes]:
    return [_key(settings.SECRET_KEY), *(_key(s) for s in settings.SECRET_KEY_FALLBACKS)]


def _context(organization_id: int, cycle_id: int) -> bytes:
    return f"feedback.cycle:{organization_id}:{cycle_id}".encode()


def _padded(document: bytes) -> bytes:
    size = SMALLEST_BOX
    while size < len(document) + LENGTH_BYTES:
        size *= 2
    body = len(document).to_bytes(LENGTH_BYTES, "big") + document
    return body + bytes(size - len(body))


def seal(content: dict, *, organization_id: int, cycle_id: int) -> bytes:
    document = json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
    nonce = os.urandom(NONCE_BYTES)
    box = AESGCM(_keys()[0]).encrypt(nonce, _padded(document), _context(organization_id, cycle_id))
    return nonce + box


def unseal(sealed: bytes | memoryview, *, organization_id: int, cycle_id: int) -> dict:
    sealed = bytes(sealed)  # a BinaryField reads back as a memoryview
    nonce, box = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    for key in _keys():
        try:
            body = AESGCM(key).decrypt(nonce, box, _context(organization_id, cycle_id))
        except InvalidTag:
            continue
        length = int.from_bytes(body[:LENGTH_BYTES], "big")
        return json.loads(body[LENGTH_BYTES : LENGTH_BYTES + length])
    raise Unreadable("No key of this server opens this sealed response.")
