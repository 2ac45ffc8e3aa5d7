"""Gateway v10: HELLO, heartbeats, IDENTIFY/RESUME with replay, shards, and faults on request."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.emulator.sharding import (
    CLOSE_INVALID_SHARD,
    InvalidShard,
    Shard,
    ShardGate,
    ShardingRules,
    covers,
    guild_of,
    parse_shard,
)

try:  # zstd-stream only when the client could ask for it
    import zstandard
except ImportError:  # pragma: no cover - depends on the environment
    zstandard = None

log = logging.getLogger(__name__)

OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_RECONNECT, OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 7, 9, 10, 11
REPLAY_BUFFER = 5000


@dataclass
class Session:
    session_id: str
    seq: int = 0
    buffer: deque[tuple[int, dict[str, Any]]] = field(
        default_factory=lambda: deque(maxlen=REPLAY_BUFFER)
    )
    connection: Connection | None = None
    intents: int = 0
    shard: Shard | None = None  # (shard_id, shard_count); None: unsharded, gets everything

    @property
    def shard_id(self) -> int | None:
        return self.shard[0] if self.shard else None


class Connection:
    """One websocket; frames are compressed as the client asked in `compress`."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.compress = compress
        self.black_hole = False  # a silently dropped socket: nothing in, nothing out
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd = (
            zstandard.ZstdCompressor().compressobj()
            if compress == "zstd-stream" and zstandard is not None
            else None
        )
        self._send_lock = asyncio.Lock()

    async def send(self, payload: dict[str, Any]) -> bool:
        """Write one payload; False when it went nowhere (closed or silently dropped socket)."""
        if self.black_hole or self.ws.closed:
            return False
        text = json.dumps(payload, separators=(",", ":"))
        async with self._send_lock:
            try:
                if self._zlib is not None:
                    data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                elif self._zstd is not None:
                    data = self._zstd.compress(text.encode()) + self._zstd.flush(
                        zstandard.COMPRESSOBJ_FLUSH_BLOCK
                    )
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return False  # the peer went away; RESUME will replay from the buffer
        return True


ReadyDispatches = Callable[[str, dict[str, Any], Shard | None], list[tuple[str, dict[str, Any]]]]


@dataclass(frozen=True)
class Refusal:
    """An IDENTIFY the gateway refused by closing the socket with `code`."""

    code: int
    reason: str
    shard: Any  # as the client sent it (possibly malformed)


class Gateway:
    """Owns the sessions. `ready_dispatches(session_id, identify, shard)` returns the READY and
    GUILD_CREATE dispatches for a new session on `shard`."""

    def __init__(
        self,
        *,
        heartbeat_interval_ms: int,
        resume_url: Callable[[], str],
        ready_dispatches: ReadyDispatches,
        check_token: Callable[[str], bool],
        on_change: Callable[[str], Awaitable[None]] | None = None,
        on_delivered: Callable[[Session, dict[str, Any]], None] | None = None,
        shard_gate: ShardGate | None = None,
    ) -> None:
        self._on_change = on_change
        self._on_delivered = on_delivered
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self._resume_url = resume_url
        self._ready_dispatches = ready_dispatches
        self._check_token = check_token
        self.shard_gate = shard_gate or ShardGate(ShardingRules(), lambda: ())
        self.sessions: dict[str, Session] = {}
        self.refusals: list[Refusal] = []
        self.refuse_connections = False
        self.identifies = 0
        self.resumes = 0
        self.connected = asyncio.Event()
        self.counters: dict[str, int] = {}

    # -- dispatching -------------------------------------------------------------------------
    @property
    def live_session(self) -> Session | None:
        for session in self.sessions.values():
            if session.connection is not None:
                return session
        return None

    @property
    def current_session(self) -> Session | None:
        """The newest session (connected or waiting to resume)."""
        return next(reversed(self.sessions.values()), None)

    def shard_session(self, shard_id: int) -> Session | None:
        """The newest session on shard `shard_id` (connected or waiting to resume)."""
        return next((s for s in reversed(self.sessions.values()) if s.shard_id == shard_id), None)

    async def dispatch(self, event: str, data: dict[str, Any]) -> bool:
        """Send an event to the session of its server's shard (direct messages: shard 0;
        unsharded: the one session), buffered for RESUME. False if no session takes it."""
        guild_id = guild_of(event, data)
        targets = [s for s in self.sessions.values() if covers(s.shard, guild_id)]
        for session in targets:
            await self._dispatch_to(session, event, data)
        return bool(targets)

    async def _dispatch_to(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        session.buffer.append((session.seq, payload))
        if session.connection is not None:
            await self._send_dispatch(session, session.connection, payload)

    async def _send_dispatch(self, session: Session, conn: Connection,
                             payload: dict[str, Any]) -> None:
        if await conn.send(payload) and self._on_delivered is not None:
            self._on_delivered(session, payload)

    # -- faults (on the first connected session, or on shard `shard_id`'s) ------------------
    def _live(self, shard_id: int | None) -> Session | None:
        if shard_id is None:
            return self.live_session
        session = self.shard_session(shard_id)
        return session if session is not None and session.connection is not None else None

    async def close_with(self, code: int, *, shard_id: int | None = None) -> None:
        session = self._live(shard_id)
        if session and session.connection:
            await session.connection.ws.close(code=code, message=b"emulator fault")

    async def send_reconnect(self, *, shard_id: int | None = None) -> None:
        session = self._live(shard_id)
        if session and session.connection:
            await session.connection.send({"op": OP_RECONNECT, "d": None})

    async def invalidate_session(self, *, shard_id: int | None = None) -> None:
        session = self._live(shard_id)
        if session and session.connection:
            connection = session.connection
            del self.sessions[session.session_id]
            await connection.send({"op": OP_INVALID_SESSION, "d": False})

    async def drop_silently(self, *, shard_id: int | None = None) -> None:
        session = self._live(shard_id)
        if session and session.connection:
            session.connection.black_hole = True

    async def wait_connected(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self.connected.wait(), timeout)

    # -- the websocket handler -------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.refuse_connections:
            return web.Response(status=503, text="emulator refuses connections")
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request.query.get("compress"))
        await conn.send({"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                if conn.black_hole:
                    continue
                payload = json.loads(msg.data)
                op = payload.get("op")
                if op == OP_HEARTBEAT:
                    await conn.send({"op": OP_HEARTBEAT_ACK, "d": None})
                elif op == OP_IDENTIFY:
                    session = await self._identify(conn, payload["d"])
                elif op == OP_RESUME:
                    session = await self._resume(conn, payload["d"])
                # presence updates (op 3) and others need no answer here
        finally:
            if session is not None and session.connection is conn:
                session.connection = None
                if self.live_session is None:
                    self.connected.clear()
                await self._changed("disconnect")
        return ws

    async def _changed(self, what: str) -> None:
        if self._on_change is not None:
            await self._on_change(what)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> Session | None:
        if not self._check_token(data.get("token", "")):
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return None
        try:
            shard = parse_shard(data.get("shard"))
        except InvalidShard as exc:
            return await self._refuse(conn, CLOSE_INVALID_SHARD, "Invalid shard.", data, exc)
        refusal = self.shard_gate.refusal(shard)
        if refusal is not None:
            return await self._refuse(conn, *refusal, data)
        self.shard_gate.started(shard)
        self.identifies += 1
        session = Session(session_id=secrets.token_hex(16), intents=data.get("intents", 0),
                          shard=shard)
        self._drop_replaced_sessions(shard)
        self.sessions[session.session_id] = session
        session.connection = conn
        for event, event_data in self._ready_dispatches(session.session_id, data, shard):
            if event == "READY":
                event_data["resume_gateway_url"] = self._resume_url()
            await self._dispatch_to(session, event, event_data)
        self.connected.set()
        await self._changed("identify")
        return session

    def _drop_replaced_sessions(self, shard: Shard | None) -> None:
        """A fresh IDENTIFY replaces the sessions it takes over: Discord would time them out.
        Unsharded, that is every session (as always); on a shard, the older session of the same
        shard, an unsharded one, and any with another shard count (the bot re-sharded)."""
        for session_id, old in list(self.sessions.items()):
            if (shard is None or old.shard is None or old.shard[0] == shard[0]
                    or old.shard[1] != shard[1]):
                del self.sessions[session_id]

    async def _refuse(self, conn: Connection, code: int, reason: str, data: dict[str, Any],
                      detail: Exception | None = None) -> None:
        self.refusals.append(Refusal(code, str(detail or reason), data.get("shard")))
        await conn.ws.close(code=code, message=reason.encode())
        await self._changed("refused")

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id") or "")
        if session is None or not self._check_token(data.get("token", "")):
            await conn.send({"op": OP_INVALID_SESSION, "d": False})
            return None
        self.resumes += 1
        if session.connection is not None and session.connection is not conn:
            old = session.connection
            session.connection = None
            await old.ws.close(code=4000)
        seq = data.get("seq") or 0
        for event_seq, payload in list(session.buffer):
            if event_seq > seq:
                await self._send_dispatch(session, conn, payload)
        session.connection = conn
        session.seq += 1
        resumed = {"op": OP_DISPATCH, "t": "RESUMED", "s": session.seq, "d": {}}
        session.buffer.append((session.seq, resumed))
        await conn.send(resumed)
        self.connected.set()
        await self._changed("resume")
        return session
