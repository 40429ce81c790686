#!/usr/bin/env python3
"""Holds every packet of an NFQUEUE queue for a fixed delay, then lets it through: the latency half of
`tc qdisc ... netem delay`, for kernels built without sch_netem. Talks nfnetlink directly (no library), so
it runs on any Python 3 inside the network namespace whose iptables rules feed the queue:

    iptables -A OUTPUT -o veth0 -j NFQUEUE --queue-num 0
    ip netns exec ns python3 nfqueue-delay.py --queue 0 --delay-ms 200

Packets keep their order (the delay is the same for all). Exits on SIGTERM/SIGINT after releasing what it
holds; with --queue-bypass on the rule, the kernel lets packets through unqueued once it is gone.
"""
import argparse
import collections
import os
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NF_ACCEPT = 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
AF_UNSPEC = 0


def attr(kind: int, payload: bytes) -> bytes:
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * (-length % 4)


class Queue:
    def __init__(self, number: int, maxlen: int):
        self.number = number
        self.seq = 0
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind((0, 0))
        self.request(NFQNL_MSG_CONFIG, attr(NFQA_CFG_CMD, struct.pack('!BxH', NFQNL_CFG_CMD_BIND, AF_UNSPEC)))
        self.request(NFQNL_MSG_CONFIG, attr(NFQA_CFG_PARAMS, struct.pack('!IB', 0, NFQNL_COPY_META)))
        self.request(NFQNL_MSG_CONFIG, attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack('!I', maxlen)))

    def send(self, msg: int, body: bytes, flags: int) -> None:
        self.seq += 1
        payload = struct.pack('!BBH', AF_UNSPEC, 0, self.number) + body
        header = struct.pack('=IHHII', 16 + len(payload), (NFNL_SUBSYS_QUEUE << 8) | msg, flags, self.seq, 0)
        self.sock.send(header + payload)

    def request(self, msg: int, body: bytes) -> None:
        """A configuration message, checked: the kernel's acknowledgement must carry error 0."""
        self.send(msg, body, NLM_F_REQUEST | NLM_F_ACK)
        data = self.sock.recv(65536)
        length, kind = struct.unpack_from('=IH', data)
        if kind == NLMSG_ERROR:
            (error,) = struct.unpack_from('=i', data, 16)
            if error != 0:
                raise OSError(-error, f'nfnetlink config of queue {self.number}: {os.strerror(-error)}')

    def accept(self, packet_id: int) -> None:
        self.send(NFQNL_MSG_VERDICT, attr(NFQA_VERDICT_HDR, struct.pack('!II', NF_ACCEPT, packet_id)), NLM_F_REQUEST)

    def packet_ids(self, data: bytes):
        """The ids of the queued packets in one datagram (several netlink messages may share it)."""
        offset = 0
        while offset + 16 <= len(data):
            length, kind = struct.unpack_from('=IH', data, offset)
            if length < 16:
                return
            if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                pos = offset + 20  # nlmsghdr (16) + nfgenmsg (4)
                while pos + 4 <= offset + length:
                    alen, atype = struct.unpack_from('=HH', data, pos)
                    if alen < 4:
                        break
                    if atype & 0x7FFF == NFQA_PACKET_HDR:
                        yield struct.unpack_from('!I', data, pos + 4)[0]
                    pos += (alen + 3) & ~3
            offset += (length + 3) & ~3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--queue', type=int, required=True)
    parser.add_argument('--delay-ms', type=float, required=True)
    parser.add_argument('--maxlen', type=int, default=20000)
    args = parser.parse_args()
    queue = Queue(args.queue, args.maxlen)
    delay = args.delay_ms / 1000
    held: collections.deque = collections.deque()
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f'nfqueue-delay: queue {args.queue}, {args.delay_ms:g} ms', flush=True)
    while not stopping:
        now = time.monotonic()
        while held and held[0][0] <= now:
            queue.accept(held.popleft()[1])
        timeout = max(0.0, held[0][0] - now) if held else 1.0
        try:
            ready, _, _ = select.select([queue.sock], [], [], timeout)
        except InterruptedError:
            continue
        if ready:
            try:
                data = queue.sock.recv(1 << 16)
            except OSError as e:  # ENOBUFS: the kernel dropped queued packets' messages; they are lost
                print(f'nfqueue-delay: {e}', file=sys.stderr, flush=True)
                continue
            due = time.monotonic() + delay
            for packet_id in queue.packet_ids(data):
                held.append((due, packet_id))
    for _, packet_id in held:
        queue.accept(packet_id)
    return 0


if __name__ == '__main__':
    sys.exit(main())
