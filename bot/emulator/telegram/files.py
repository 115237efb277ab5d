"""Uploaded files: stored in memory under Bot-API-like ids, with image sizes sniffed for photos."""

from __future__ import annotations

import mimetypes
import secrets
import struct
from pathlib import PurePosixPath

from bot.emulator.telegram.errors import bad_request
from bot.emulator.telegram.models import StoredFile
from bot.emulator.telegram.params import Upload


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG; ``None`` when it is not one (Telegram: IMAGE_PROCESS_FAILED)."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(content):
        if content[pos] != 0xFF:
            return None
        marker = content[pos + 1]
        length = struct.unpack(">H", content[pos + 2 : pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


class FileStore:
    """Files by ``file_id`` and by ``file_path``."""

    def __init__(self, max_upload_bytes: int) -> None:
        self._max_upload = max_upload_bytes
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def store(self, upload: Upload, *, kind: str) -> StoredFile:
        """Keep an upload; ``kind`` is ``documents`` or ``photos`` (a photo must be an image)."""
        if not upload.content:
            raise bad_request("file must be non-empty")
        if len(upload.content) > self._max_upload:
            raise bad_request("file is too big")
        width, height = 0, 0
        if kind == "photos":
            size = image_size(upload.content)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
        self._count += 1
        suffix = PurePosixPath(upload.filename).suffix[:10]
        mime = upload.content_type
        if mime in ("", "application/octet-stream"):
            mime = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        stored = StoredFile(
            file_id=f"EMU{kind[0].upper()}{self._count}_{secrets.token_urlsafe(12)}",
            file_unique_id=f"U{self._count}",
            file_path=f"{kind}/file_{self._count}{suffix}",
            filename=PurePosixPath(upload.filename).name or "file",
            mime_type=mime,
            content=upload.content,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def by_id(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def resolve(self, value: Upload | str | None, *, kind: str) -> StoredFile:
        """An upload is stored; a string must be a known file_id (URLs are not fetched: the emulator is offline)."""
        if isinstance(value, Upload):
            return self.store(value, kind=kind)
        stored = self.by_id(value) if value else None
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored
