"""A bare aiohttp echo server: the floor any HTTP round trip on this machine pays.

    python -m bench.echo --port 0     (prints ``READY <url>``)

``POST /echo`` reads the form and answers it back as text; nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from aiohttp import web


async def echo(request: web.Request) -> web.Response:
    form = await request.post()
    return web.Response(text="&".join(f"{k}={v!s}" for k, v in form.items()))


async def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    app = web.Application()
    app.router.add_post("/echo", echo)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    port = runner.addresses[0][1]
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    print(f"READY http://127.0.0.1:{port}", flush=True)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1:]))
