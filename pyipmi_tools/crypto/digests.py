"""MD5, SHA-1 and SHA-256, and HMAC over them (RFC 2104), at no start-up cost.

``hashlib`` and ``hmac`` load OpenSSL's libcrypto when imported, about 2 ms: a quarter of
what FreeIPMI's whole ``ipmipower --stat`` takes.  CPython also builds these three hashes
in (the modules ``hashlib`` itself falls back to), which load in microseconds; they are
used when present, and ``hashlib`` otherwise.  IPMI hashes a few hundred bytes per
session, where the two are equally fast.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Any, Callable

__all__ = ["md5", "sha1", "sha256", "hmac_digest", "compare_digest"]

try:
    from _operator import _compare_digest as compare_digest  # what hmac.compare_digest wraps
except ImportError:
    from hmac import compare_digest


def _builtin(module: str, name: str) -> Any:
    """The constructor ``name`` from CPython's built-in ``module``, else from hashlib."""
    try:
        return getattr(__import__(module), name)
    except ImportError:  # a build without the built-in hashes
        import hashlib
        return getattr(hashlib, name)


# Each hash module is loaded on first use: a session needs one or two of the three.
_MD5: Any = None
_SHA1: Any = None
_SHA256: Any = None


def sha1(data: bytes = b"") -> Any:
    global _SHA1
    if _SHA1 is None:
        _SHA1 = _builtin("_sha1", "sha1")
    return _SHA1(data)


def sha256(data: bytes = b"") -> Any:
    global _SHA256
    if _SHA256 is None:
        import sys
        _SHA256 = _builtin("_sha2" if sys.version_info >= (3, 12) else "_sha256", "sha256")
    return _SHA256(data)


def md5(data: bytes = b"") -> Any:
    """MD5, which IPMI uses as a keyed checksum, not for security (also under FIPS builds)."""
    global _MD5
    if _MD5 is None:
        _MD5 = _builtin("_md5", "md5")
    return _MD5(data, usedforsecurity=False)


_BLOCK = 64                        # the block size of all three hashes
_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))

# (hash, key) -> hash objects that have absorbed key ^ ipad and key ^ opad.  A session
# signs with the same few keys again and again (K1 for every packet, SIK three times), and
# copying a prepared state saves the key padding and two of the (typically five) compressions
# per call.  Keys are secrets: they stay in this process's memory, as they do in the sessions
# holding them, and are never logged.
_PREPARED: dict[tuple[Callable[..., Any], bytes], tuple[Any, Any]] = {}
_PREPARED_MAX = 1024               # cleared when full, like aes._EXPANDED


def _prepare(key: bytes, hash: Callable[..., Any]) -> tuple[Any, Any]:
    """The inner and outer hash objects for ``key`` (bytes), made and cached."""
    padded = (hash(key).digest() if len(key) > _BLOCK else key).ljust(_BLOCK, b"\x00")
    prepared = (hash(padded.translate(_IPAD)), hash(padded.translate(_OPAD)))
    if len(_PREPARED) >= _PREPARED_MAX:
        _PREPARED.clear()
    _PREPARED[hash, key] = prepared
    return prepared


def hmac_digest(key: bytes, data: bytes, hash: Callable[..., Any]) -> bytes:
    """HMAC of ``data`` under ``key`` with ``hash`` (one of this module's constructors).

    Starts from the cached hash states for ``key`` (see _PREPARED), made on first use.
    """
    if type(key) is not bytes:     # bytearray, memoryview: as bytes (a long key hashed first)
        key = hash(key).digest() if len(key) > _BLOCK else bytes(key)
    prepared = _PREPARED.get((hash, key))
    if prepared is None:
        prepared = _prepare(key, hash)
    inner = prepared[0].copy()
    inner.update(data)
    outer = prepared[1].copy()
    outer.update(inner.digest())
    return outer.digest()
