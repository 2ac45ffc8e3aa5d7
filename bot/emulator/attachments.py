"""Files sent with a message: multipart bodies as discord.py sends them, and the attachments
they become.

discord.py sends a message with files as multipart/form-data: the JSON body in `payload_json`,
each file in `files[n]`, and `attachments: [{"id": n, "filename": ...}]` in the body naming
them. The request's files are kept in a context variable while its handler runs, so the code
that stores a message finds them without every handler passing them along.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from aiohttp import BodyPartReader, web

from bot.emulator.model import Message, new_snowflake

# files[n] of the request being handled: n -> (filename, bytes)
UPLOADED: ContextVar[dict[int, tuple[str, bytes]]] = ContextVar("uploaded")


async def read_multipart(request: web.Request) -> Any:
    """The JSON body of a multipart request; its files go to UPLOADED."""
    body: Any = None
    files: dict[int, tuple[str, bytes]] = {}
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        name = part.name or ""
        if name == "payload_json":
            body = json.loads(await part.read(decode=True))
        elif name.startswith("files[") and name.endswith("]"):
            files[int(name[6:-1])] = (part.filename or name, bytes(await part.read()))
    UPLOADED.set(files)
    return body


def attach(message: Message, data: dict[str, Any], cdn_base: str) -> None:
    """Apply a body's `attachments` to the message: uploaded files become attachments, and
    existing attachments named by id are kept (an edit that omits one removes it)."""
    if "attachments" not in data:
        return
    uploaded = UPLOADED.get({})
    kept: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    existing = {a["id"]: a for a in message.attachments}
    for entry in data.get("attachments") or []:
        ident = str(entry.get("id"))
        if ident in existing:
            kept.append(existing[ident])
            files[existing[ident]["filename"]] = message.files[existing[ident]["filename"]]
            continue
        upload = uploaded.get(int(entry["id"])) if str(entry.get("id")).isdigit() else None
        if upload is None:
            continue
        filename = entry.get("filename") or upload[0]
        attachment_id = str(new_snowflake())
        url = f"{cdn_base}/attachments/{message.channel_id}/{attachment_id}/{filename}"
        kept.append({"id": attachment_id, "filename": filename, "size": len(upload[1]),
                     "url": url, "proxy_url": url, "content_type": _content_type(filename)})
        files[filename] = upload[1]
    message.attachments = kept
    message.files = files


def filenames(data: dict[str, Any], message: Message | None = None) -> list[str] | None:
    """The file names a message will have after this body (None: unchanged and unknown)."""
    if "attachments" not in data:
        return None if message is None else [a["filename"] for a in message.attachments]
    known = {a["id"]: a["filename"] for a in (message.attachments if message else [])}
    return [known.get(str(e.get("id"))) or e.get("filename") or ""
            for e in data.get("attachments") or []]


def _content_type(filename: str) -> str:
    return {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif"}.get(
        filename.rpartition(".")[2].lower(), "application/octet-stream")
