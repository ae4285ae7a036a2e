"""A TCP proxy that holds every chunk for DELAY_MS before passing it on, each way: a database
"on another machine" for benchmarks on one machine (this one cannot shape loopback with tc).

Usage: delay-proxy.py LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS
"""

import asyncio
import sys

listen_port, target_host, target_port, delay_ms = sys.argv[1:5]
DELAY = float(delay_ms) / 1000


async def pipe(reader, writer):
    """Chunks leave in the order they came, each DELAY after it came."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while (item := await queue.get()) is not None:
            due, chunk = item
            await asyncio.sleep(max(0, due - loop.time()))
            writer.write(chunk)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(send())
    try:
        while chunk := await reader.read(65536):
            queue.put_nowait((loop.time() + DELAY, chunk))
    except ConnectionError:
        pass
    queue.put_nowait(None)
    await sender


async def client(reader, writer):
    try:
        up_reader, up_writer = await asyncio.open_connection(target_host, int(target_port))
    except OSError:
        writer.close()
        return
    await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer), return_exceptions=True)


async def main():
    server = await asyncio.start_server(client, "127.0.0.1", int(listen_port))
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
