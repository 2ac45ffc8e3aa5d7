"""`python -m bot.emulator --port 8080`: a standalone local Discord with the demo server."""

from __future__ import annotations

import argparse
import asyncio
import signal

from bot.emulator.demo import build_demo, build_many_guilds
from bot.emulator.server import Emulator


async def serve(port: int, guilds: int, token: str | None) -> None:
    emulator = Emulator(token=token)
    world = build_demo(emulator)
    if guilds > 1:
        build_many_guilds(emulator, guilds - 1)
    await emulator.start(port=port)
    print(f"emulator listening on {emulator.api_base} (gateway {emulator.gateway_url}); "
          f"demo server {world.guild.name!r} id {world.guild.id}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator",
                                     description="A local Discord on 127.0.0.1 for tests.")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--guilds", type=int, default=1, help="servers to create (demo first)")
    parser.add_argument("--token", default=None, help="accept only this bot token")
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.guilds, args.token))


if __name__ == "__main__":
    main()
