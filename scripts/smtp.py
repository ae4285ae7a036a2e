#!/usr/bin/env python3
"""A real SMTP server on loopback for tests and demonstrations (aiosmtpd, TOOLCHAIN.md).

    python3 scripts/smtp.py --port 2525 --dir /tmp/mail

Every accepted message is written to DIR/mail/<n>.eml as it arrived. Addresses listed in
DIR/refuse (one per line, read again for every recipient) are refused at RCPT with
"550 5.1.1 User unknown", as a mail server refuses a mailbox that does not exist: a test
writes an address there to make a send fail for real, and removes it to let a resend pass.
Prints "ready <port>" once it listens; runs until it is stopped.
"""

import argparse
import itertools
import pathlib
import signal
import threading

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, folder: pathlib.Path):
        self.folder = folder
        self.mail = folder / "mail"
        self.mail.mkdir(parents=True, exist_ok=True)
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()

    def refused(self) -> set[str]:
        try:
            text = (self.folder / "refuse").read_text(encoding="utf-8")
        except FileNotFoundError:
            return set()
        return {line.strip().lower() for line in text.splitlines() if line.strip()}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused():
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number = next(self.numbers)
        path = self.mail / f"{number:06}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(path)  # whole files only, for whoever reads the folder
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=pathlib.Path, required=True)
    args = parser.parse_args()
    controller = Controller(Handler(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"ready {args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
