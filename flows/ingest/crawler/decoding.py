"""Bounded decoding of response bodies: ``Content-Encoding`` gzip / deflate / identity decoded in
steps, so a compression bomb stops at the size cap while it is being decompressed.
"""

from __future__ import annotations

import zlib


DECODE_STEP = 1 << 16  # decoded bytes produced per decompression step


class BadEncoding(Exception):
    pass


class BoundedDecoder:
    """``Content-Encoding`` gzip / deflate / identity, decoded in steps of at most ``DECODE_STEP``
    bytes: a compression bomb is stopped at the size cap while it is being decompressed."""

    def __init__(self, encoding: str | None):
        self.kind = (encoding or "identity").strip().lower()
        if self.kind in ("", "identity"):
            self.kind = "identity"
        elif self.kind == "x-gzip":
            self.kind = "gzip"
        if self.kind not in ("identity", "gzip", "deflate"):
            raise BadEncoding(f"不支持的内容编码 {encoding!r}")
        self._raw_deflate = False
        self._started = False
        self._head = b""
        self._members = 0  # gzip members finished
        self._z = self._new()

    def _new(self):
        if self.kind == "gzip":
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        if self.kind == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)
        return None

    def decode(self, data: bytes, room: int):
        """Yield decoded pieces of ``data``; stops once more than ``room`` bytes came out."""
        if self._z is None:
            yield data
            return
        produced = 0
        if self.kind == "deflate" and not self._started:
            self._head += data  # kept until output starts, to re-read as raw deflate if need be
            self._started = len(self._head) > DECODE_STEP  # no output that long: no second guess
        while produced <= room:
            limit = min(DECODE_STEP, room - produced + 1)
            try:
                out = self._z.decompress(data, limit)
            except zlib.error as exc:
                if self.kind == "deflate" and not self._started and not self._raw_deflate:
                    self._raw_deflate = True  # "deflate" sent without its zlib header (common)
                    self._z = self._new()
                    data = self._head
                    continue
                if self._members:
                    return  # bytes after a complete gzip stream: ignored
                raise BadEncoding(f"内容解压失败（{self.kind}：{exc}）") from None
            if out:
                self._started, self._head = True, b""
            produced += len(out)
            if out:
                yield out
            if self._z.eof:
                self._members += 1
                data = self._z.unused_data  # another gzip member, or trailing bytes
                if data and self.kind == "gzip":
                    self._z = self._new()
                    continue
                return
            data = self._z.unconsumed_tail
            if not data and len(out) < limit:
                return  # input used up and nothing pending
