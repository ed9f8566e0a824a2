#!/usr/bin/env python3
"""A lifecycle-broadcast backend in Python 3 (standard library only), written from the protocol
of docs/live.md alone. It listens on a Unix domain socket or a TCP port, reads one JSON request
per line, and answers each with the request's id.

    python3 examples/backend.py --socket /tmp/zccache.sock
    python3 examples/backend.py --port 7070 [--host 127.0.0.1]     (--port 0: any free port)

Once listening it prints one JSON line saying where; on SIGINT or SIGTERM it answers the
requests under way, closes its connections and stops.
"""
import argparse
import asyncio
import json
import os
import signal
import stat
import sys

MAX_LINE_BYTES = 65_536  # "Transport and framing": a request line is a few hundred bytes at most
MAX_ID = 2**53 - 1
QUIESCE_REASONS = ("IdleTimeout", "BrokerShutdown", "Maintenance")


def say(line):
    print(f"backend {os.getpid()}: {line}", file=sys.stderr, flush=True)


def refuse_constant(name):
    raise ValueError(f"{name} is not JSON")  # Python's json reads NaN and Infinity; RFC 8259 does not


def operation_of(value):
    """The operation's tag when it is one this backend knows, with valid fields; otherwise None."""
    if not isinstance(value, dict):
        return None
    tag = value.get("_tag")
    if tag == "ReleaseHandles":
        prefix = value.get("pathPrefix")
        return tag if isinstance(prefix, str) and prefix != "" and "\0" not in prefix else None
    if tag == "Quiesce":
        return tag if value.get("reason") in QUIESCE_REASONS else None
    return None  # rule 3: an unknown _tag gets UnsupportedOperation


async def perform(tag, operation):
    """What this backend does; the outcome it answers."""
    if tag == "ReleaseHandles":
        say(f"releasing the file handles under {operation['pathPrefix']!r}")
    else:
        say(f"draining ({operation['reason']}): no new work accepted")
    return {"_tag": "Ack"}


async def answer(writer, request_id, operation):
    tag = operation_of(operation)
    try:
        outcome = await perform(tag, operation) if tag else {"_tag": "Failure", "reason": "UnsupportedOperation"}
    except Exception as error:  # the backend tried and failed
        say(f"request {request_id} failed: {error}")
        outcome = {"_tag": "Failure", "reason": "BackendError"}
    if not writer.is_closing():
        writer.write(json.dumps({"id": request_id, "outcome": outcome}, separators=(",", ":")).encode() + b"\n")


def request_id_of(raw):
    """The request's id, or None when the line cannot be answered (rule 4)."""
    try:
        request = json.loads(raw.decode("utf-8"), parse_constant=refuse_constant)
    except (UnicodeDecodeError, ValueError):
        return None, None
    if not isinstance(request, dict):
        return None, None
    request_id = request.get("id")
    # bool is an int in Python, and JSON's true is no id; fields this backend does not know are ignored.
    if type(request_id) is not int or not 1 <= request_id <= MAX_ID:
        return None, None
    return request_id, request.get("operation")


class Backend:
    def __init__(self):
        self.tasks = set()
        self.writers = set()

    async def serve(self, reader, writer):
        self.writers.add(writer)
        mine = set()  # the requests of this connection under way
        try:
            while True:
                try:
                    raw = await reader.readline()
                except ValueError:  # a line over MAX_LINE_BYTES: not a request
                    say("request line too long: connection closed")
                    break
                if raw == b"":  # the broker closed the connection
                    break
                raw = raw.rstrip(b"\n").rstrip(b"\r")
                if raw.strip() == b"":
                    continue
                request_id, operation = request_id_of(raw)
                if request_id is None:
                    say("malformed request: connection closed")
                    break
                # Requests are answered concurrently, each as it finishes (rule 2).
                task = asyncio.ensure_future(answer(writer, request_id, operation))
                for tasks in (self.tasks, mine):
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
        except ConnectionError:
            pass
        finally:
            await self.finish(writer, mine)

    async def finish(self, writer, mine):
        # Answer what was read on this connection before closing it (rule 7).
        if mine:
            await asyncio.gather(*mine, return_exceptions=True)
        self.writers.discard(writer)
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


async def main():
    parser = argparse.ArgumentParser(description="A lifecycle-broadcast backend (docs/live.md).")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--socket", help="listen on this Unix domain socket")
    where.add_argument("--port", type=int, help="listen on this TCP port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="the TCP host (default: 127.0.0.1)")
    args = parser.parse_args()

    backend = Backend()
    limit = MAX_LINE_BYTES + 2  # the line end (and a carriage return) are not counted
    if args.socket is not None:
        if os.path.exists(args.socket) and stat.S_ISSOCK(os.lstat(args.socket).st_mode):
            os.unlink(args.socket)  # a stale socket file from an earlier run
        server = await asyncio.start_unix_server(backend.serve, path=args.socket, limit=limit)
        address = {"path": args.socket}
    else:
        server = await asyncio.start_server(backend.serve, host=args.host, port=args.port, limit=limit)
        address = {"host": args.host, "port": server.sockets[0].getsockname()[1]}

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    print(json.dumps({"event": "ready", "pid": os.getpid(), "address": address}), flush=True)

    await stopping.wait()
    server.close()
    for writer in list(backend.writers):
        writer.transport.pause_reading()  # read no more requests; answer those already read
    if backend.tasks:
        await asyncio.gather(*backend.tasks, return_exceptions=True)
    for writer in list(backend.writers):
        writer.close()
    await server.wait_closed()
    if args.socket is not None and os.path.exists(args.socket):
        os.unlink(args.socket)


if __name__ == "__main__":
    asyncio.run(main())
