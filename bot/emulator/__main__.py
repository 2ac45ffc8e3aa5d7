"""`python -m bot.emulator --port 8080`: a standalone local Discord with the demo server."""

from __future__ import annotations

import argparse
import asyncio
import signal

from bot.emulator.demo import build_demo, build_many_guilds
from bot.emulator.oauth2 import OAuth2App
from bot.emulator.server import Emulator
from bot.emulator.sharding import ShardingRules


async def serve(port: int, guilds: int, token: str | None, sharding: ShardingRules,
                oauth2: OAuth2App) -> None:
    emulator = Emulator(token=token, sharding=sharding, oauth2=oauth2)
    world = build_demo(emulator)
    if guilds > 1:
        build_many_guilds(emulator, guilds - 1)
    await emulator.start(port=port)
    print(f"emulator listening on {emulator.api_base} (gateway {emulator.gateway_url}); "
          f"demo server {world.guild.name!r} id {world.guild.id}", flush=True)
    if oauth2.redirect_uris:
        print(f"OAuth2 client id {emulator.oauth2.client_id}, secret {oauth2.client_secret!r}, "
              f"authorize at http://127.0.0.1:{emulator.port}/oauth2/authorize", flush=True)
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
    shards = parser.add_argument_group("sharding")
    shards.add_argument("--recommended-shards", type=int, default=None,
                        help="/gateway/bot's shard count (default: 1 per 2,500 servers)")
    shards.add_argument("--max-concurrency", type=int, default=1,
                        help="IDENTIFY buckets (shard_id %% max_concurrency)")
    shards.add_argument("--identify-interval", type=float, default=5.0,
                        help="seconds between IDENTIFYs in one bucket (Discord: 5)")
    shards.add_argument("--max-guilds-per-shard", type=int, default=2500,
                        help="above this a session must shard (close code 4011)")
    login = parser.add_argument_group("OAuth2 (a web login)")
    login.add_argument("--redirect-uri", action="append", default=[],
                       help="a registered redirect URI (repeat for more)")
    login.add_argument("--client-secret", default="emulator-client-secret")
    args = parser.parse_args()
    sharding = ShardingRules(identify_interval=args.identify_interval,
                             max_concurrency=args.max_concurrency,
                             max_guilds_per_shard=args.max_guilds_per_shard,
                             recommended_shards=args.recommended_shards)
    oauth2 = OAuth2App(client_secret=args.client_secret, redirect_uris=args.redirect_uri)
    asyncio.run(serve(args.port, args.guilds, args.token, sharding, oauth2))


if __name__ == "__main__":
    main()
