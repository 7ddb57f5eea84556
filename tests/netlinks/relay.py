"""A wire with delay: two TUN devices, and every IP packet read from one is written to the
other ``--delay`` seconds later (both ways), so UDP (ICE, media) and TCP (HTTP, the socket)
all cross it, as they would a long satellite or mobile hop.

    python tests/netlinks/relay.py --delay 0.3 TUN_A TUN_B

Creates the two devices (non-persistent: they vanish when this process ends), prints
``ready`` on standard output, and forwards until SIGTERM. Whoever started it moves one device
into a network namespace and gives both ends addresses (``links.DelayLink`` does). A packet
that cannot be written at once (the device's queue is full) is dropped, as a router would.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import signal
import struct

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
READ_SIZE = 65536


def open_tun(name: str) -> int:
    """A new TUN device ``name`` (IP packets, no packet-info header); its file descriptor."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    except OSError:
        os.close(fd)
        raise
    return fd


class DelayWire:
    """Forwards packets from each device to the other, each one held ``delay`` seconds."""

    def __init__(self, a: int, b: int, delay: float) -> None:
        self.fds = (a, b)
        self.delay = delay
        self.forwarded = 0
        self.dropped = 0

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        a, b = self.fds
        loop.add_reader(a, self._pump, loop, a, b)
        loop.add_reader(b, self._pump, loop, b, a)

    def _pump(self, loop: asyncio.AbstractEventLoop, source: int, target: int) -> None:
        while True:
            try:
                packet = os.read(source, READ_SIZE)
            except BlockingIOError:
                return
            except OSError:  # the device went away (its namespace was deleted)
                loop.remove_reader(source)
                return
            loop.call_later(self.delay, self._deliver, target, packet)

    def _deliver(self, target: int, packet: bytes) -> None:
        try:
            os.write(target, packet)
            self.forwarded += 1
        except OSError:  # queue full, or the device is gone: the packet is lost
            self.dropped += 1


async def main(names: tuple[str, str], delay: float) -> None:
    fds = open_tun(names[0]), open_tun(names[1])
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, done.set)
    loop.add_signal_handler(signal.SIGINT, done.set)
    DelayWire(*fds, delay).start(loop)
    print("ready", flush=True)
    await done.wait()
    for fd in fds:
        loop.remove_reader(fd)
        os.close(fd)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.3, help="seconds each packet is held")
    parser.add_argument("tun_a")
    parser.add_argument("tun_b")
    args = parser.parse_args()
    asyncio.run(main((args.tun_a, args.tun_b), args.delay))
