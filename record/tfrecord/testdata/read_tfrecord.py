#!/usr/bin/env python3
"""An independent TFRecord reader, standard library only: it checks the
framing and both masked CRC-32C checksums (a bitwise CRC-32C written from
the Castagnoli polynomial, not a table) and decodes each tf.Example from the
protobuf wire format by hand, as TensorFlow's example.proto and
feature.proto define it. It prints one JSON object per record:
{"feature name": {"int64": [...]} or {"float": [...]} or {"bytes": [...]}}.

Usage: read_tfrecord.py FILE
"""
import json
import struct
import sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def fields(buf):
    """Yields (field number, wire type, value) of a message."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = varint(buf, i)
        elif wire == 2:
            n, i = varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wire == 5:
            v, i = buf[i:i + 4], i + 4
        elif wire == 1:
            v, i = buf[i:i + 8], i + 8
        else:
            raise ValueError("wire type %d" % wire)
        yield num, wire, v


def signed64(u):
    return u - (1 << 64) if u >= 1 << 63 else u


def feature(buf):
    out = {}
    for num, wire, v in fields(buf):
        if num == 1:  # BytesList
            out["bytes"] = [x.decode("latin-1") for n, _, x in fields(v) if n == 1]
        elif num == 2:  # FloatList, packed (wire 2) or not (wire 5)
            vals = []
            for n, w, x in fields(v):
                if w == 2:
                    vals += [f for (f,) in struct.iter_unpack("<f", x)]
                else:
                    vals.append(struct.unpack("<f", x)[0])
            out["float"] = vals
        elif num == 3:  # Int64List, packed or not
            vals = []
            for n, w, x in fields(v):
                if w == 2:
                    j = 0
                    while j < len(x):
                        u, j = varint(x, j)
                        vals.append(signed64(u))
                else:
                    vals.append(signed64(x))
            out["int64"] = vals
    return out


def example(buf):
    feats = {}
    for num, _, features in fields(buf):  # Example.features = 1
        if num != 1:
            continue
        for n, _, entry in fields(features):  # Features.feature map = 1
            if n != 1:
                continue
            key, val = None, b""
            for en, _, ev in fields(entry):
                if en == 1:
                    key = ev.decode("utf-8")
                elif en == 2:
                    val = ev
            feats[key] = feature(val)
    return feats


def main(path):
    data = open(path, "rb").read()
    i, records = 0, 0
    while i < len(data):
        head = data[i:i + 8]
        (length,) = struct.unpack("<Q", head)
        (crc,) = struct.unpack("<I", data[i + 8:i + 12])
        if masked(head) != crc:
            sys.exit("record %d: bad length checksum" % (records + 1))
        body = data[i + 12:i + 12 + length]
        (crc,) = struct.unpack("<I", data[i + 12 + length:i + 16 + length])
        if len(body) != length or masked(body) != crc:
            sys.exit("record %d: bad data checksum" % (records + 1))
        print(json.dumps(example(body), sort_keys=True))
        i += 16 + length
        records += 1


if __name__ == "__main__":
    main(sys.argv[1])
