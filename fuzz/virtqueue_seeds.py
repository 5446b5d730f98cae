#!/usr/bin/env python3
"""Writes seed inputs for virtqueue_fuzz: one well-formed virtio-blk request of
each type (read, write, flush, get-id, discard, write-zeroes), in the input
layout virtqueue_fuzz.cpp describes. Usage: virtqueue_seeds.py DIR"""
import os
import struct
import sys

DESC, AVAIL, HEADER, DATA, STATUS = 0x0, 0x1000, 0x3000, 0x4000, 0x5000
NEXT, WRITE = 1, 2
FLAGS = 0x1E  # EVENT_IDX, INDIRECT_DESC, FLUSH, DISCARD + WRITE_ZEROES; read-write drive
LOG2_QUEUE_SIZE = 3


def seed(typ, sector, data_len, data_writable, data=b""):
    ram = bytearray(STATUS + 0x100)

    def desc(i, addr, length, flags, nxt):
        struct.pack_into("<QIHH", ram, DESC + 16 * i, addr, length, flags, nxt)

    desc(0, HEADER, 16, NEXT, 1)
    if data_len:
        desc(1, DATA, data_len, NEXT | (WRITE if data_writable else 0), 2)
        desc(2, STATUS, 1, WRITE, 0)
    else:
        desc(1, STATUS, 1, WRITE, 0)
    struct.pack_into("<HHH", ram, AVAIL, 0, 1, 0)  # flags, idx, ring[0]
    struct.pack_into("<IIQ", ram, HEADER, typ, 0, sector)
    ram[DATA:DATA + len(data)] = data
    return bytes([FLAGS, LOG2_QUEUE_SIZE, 0]) + bytes(ram)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "read": seed(0, 3, 1024, True),
        "write": seed(1, 5, 2048, False, bytes(range(256)) * 8),
        "flush": seed(4, 0, 0, False),
        "get-id": seed(8, 0, 20, True),
        "discard": seed(11, 0, 16, False, struct.pack("<QII", 8, 16, 0)),
        "write-zeroes": seed(13, 0, 16, False, struct.pack("<QII", 3, 40, 1)),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
