#!/usr/bin/python3
"""Reads TensorBoard event files with an independent decoder: TFRecord framing and masked CRC32C
checked here (CRC32C from its polynomial, not fivefold's code), Event protos parsed by classes that
protoc generates from event.proto. Prints one JSON line per event.

usage: read_events.py GENERATED_DIR EVENT_FILE...   (GENERATED_DIR holds event_pb2.py)"""
import json
import struct
import sys

sys.path.insert(0, sys.argv[1])
import event_pb2  # noqa: E402


def crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    with open(path, 'rb') as f:
        buf = f.read()
    pos = 0
    while pos < len(buf):
        header = buf[pos:pos + 8]
        (length,) = struct.unpack('<Q', header)
        (lcrc,) = struct.unpack('<I', buf[pos + 8:pos + 12])
        if lcrc != masked(header):
            raise SystemExit('%s: bad length CRC at byte %d' % (path, pos))
        data = buf[pos + 12:pos + 12 + length]
        (dcrc,) = struct.unpack('<I', buf[pos + 12 + length:pos + 16 + length])
        if dcrc != masked(data) or len(data) != length:
            raise SystemExit('%s: bad data CRC at byte %d' % (path, pos))
        pos += 16 + length
        yield data


for path in sys.argv[2:]:
    for data in records(path):
        e = event_pb2.Event()
        e.ParseFromString(data)
        out = {'wall_time': e.wall_time, 'step': e.step}
        if e.HasField('file_version'):
            out['file_version'] = e.file_version
        for v in e.summary.value:
            out['tag'] = v.tag
            kind = v.WhichOneof('value')
            out['kind'] = kind
            if kind == 'simple_value':
                out['value'] = v.simple_value
            elif kind == 'image':
                out['image'] = {'width': v.image.width, 'height': v.image.height, 'colorspace': v.image.colorspace,
                                'bytes': len(v.image.encoded_image_string),
                                'png': v.image.encoded_image_string[:8] == b'\x89PNG\r\n\x1a\n'}
            elif kind == 'histo':
                h = v.histo
                out['histo'] = {'min': h.min, 'max': h.max, 'num': h.num, 'sum': h.sum, 'sum_squares': h.sum_squares,
                                'bucket_limit': list(h.bucket_limit), 'bucket': list(h.bucket)}
        print(json.dumps(out))
