"""Reading a full export as a stream of JSON values, one row at a time.

A full export is read twice (once to check every row, once to write), and never held parsed
as a whole: memory stays near the file's own size whatever its shape.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any

from nextround.store import DERIVED_COLUMNS
from nextround.transfer.limits import MAX_JSON_ROW_CHARS
from nextround.transfer.reading import CHUNK_BYTES
from nextround.transfer.results import ImportRefused, Problem


class _JsonStream:
    """Reads one JSON value at a time from UTF-8 bytes, decoding a chunk at a time."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._at = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._json = json.JSONDecoder()
        self.buf, self.i, self.lines, self.eof = "", 0, 0, False

    def _more(self) -> bool:
        if self.eof:
            return False
        piece = self._data[self._at:self._at + CHUNK_BYTES]
        try:
            text_ = self._decoder.decode(bytes(piece), final=len(piece) < CHUNK_BYTES)
        except UnicodeDecodeError as exc:
            at = self._at + exc.start
            line = bytes(self._data[:at]).count(b"\n") + 1
            raise ImportRefused([Problem(
                f"The file is not UTF-8 text (at byte {at + 1:,}, line {line:,}). Save it as "
                "UTF-8 text and try again. Nothing was imported.")]) from None
        self._at += len(piece)
        self.eof = len(piece) < CHUNK_BYTES
        self.lines += self.buf.count("\n", 0, self.i)
        self.buf = self.buf[self.i:] + text_
        self.i = 0
        return True

    def line(self, at: int | None = None) -> int:
        return self.lines + self.buf.count("\n", 0, self.i if at is None else at) + 1

    def peek(self) -> str:
        while True:
            while self.i < len(self.buf) and self.buf[self.i] in " \t\r\n":
                self.i += 1
            if self.i < len(self.buf) or not self._more():
                return self.buf[self.i:self.i + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected {char!r}")
        self.i += 1

    def error(self, what: str, at: int | None = None) -> ImportRefused:
        return ImportRefused([Problem(f"The file isn't valid JSON ({what}).",
                                      line=self.line(at))])

    def value(self, limit: int = MAX_JSON_ROW_CHARS) -> Any:
        """The next JSON value. A value that runs past the buffer is retried with more text,
        up to `limit` characters."""
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self.buf, self.i)
                if end < len(self.buf) or self.eof:  # a number can't end at the buffer's edge
                    self.i = end
                    return value
            except json.JSONDecodeError as exc:
                if self.eof:
                    raise self.error(exc.msg, exc.pos) from None
            except RecursionError:
                raise self.error("nested too deeply") from None
            except ValueError:  # Python's own limit on the digits of a whole number
                raise self.error("a number with too many digits") from None
            if len(self.buf) - self.i > limit:
                raise ImportRefused([Problem(
                    f"One value in the file is longer than {limit:,} characters.",
                    line=self.line())])
            self._more()


def stream_export(data: bytes) -> Iterator[tuple[str, str, int, Any]]:
    """("meta", key, 0, value) for the export's header fields, ("table", name, 0, None) when
    a table starts, ("bad", name, 0, None) for a table that isn't a list, and
    ("row", table, number, row) for each row (numbered from 1 within its table)."""
    stream = _JsonStream(data)
    stream.expect("{")
    seen: set[str] = set()
    while stream.peek() != "}":
        key = stream.value()
        if not isinstance(key, str):
            raise stream.error("expected a name")
        stream.expect(":")
        if key == "tables" and stream.peek() == "{":
            yield "meta", "tables", 0, {}
            stream.expect("{")
            while stream.peek() != "}":
                name = stream.value()
                if not isinstance(name, str):
                    raise stream.error("expected a table name")
                stream.expect(":")
                if name in seen:
                    raise ImportRefused([Problem(f"Table {name!r} appears twice in the file.")])
                seen.add(name)
                if stream.peek() != "[":
                    stream.value(MAX_JSON_ROW_CHARS)
                    yield "bad", name, 0, None
                else:
                    yield "table", name, 0, None
                    stream.expect("[")
                    number = 0
                    while stream.peek() != "]":
                        number += 1
                        yield "row", name, number, stream.value()
                        if stream.peek() == ",":
                            stream.i += 1
                        elif stream.peek() != "]":
                            raise stream.error("expected ',' or ']' after a row")
                    stream.i += 1
                if stream.peek() == ",":
                    stream.i += 1
                elif stream.peek() != "}":
                    raise stream.error("expected ',' or '}' after a table")
            stream.i += 1
        else:
            yield "meta", key, 0, stream.value()
        if stream.peek() == ",":
            stream.i += 1
        elif stream.peek() != "}":
            raise stream.error("expected ',' or '}'")
    stream.i += 1
    if stream.peek() != "":
        raise stream.error("extra data after the end")


def export_rows(data: bytes) -> Iterator[tuple[str, dict[str, Any]]]:
    """The rows of a checked export, in file order, without their derived values."""
    for kind, table, _, row in stream_export(data):
        if kind == "row":
            derived = DERIVED_COLUMNS.get(table, ())
            yield table, {k: v for k, v in row.items() if k not in derived}
