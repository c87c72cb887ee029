"""Builds mpt artifact and checkpoint files byte by byte, independently of
the C++ writer (docs/runtime.md has the layouts), so that tests can make
files the writer refuses to make: hostile signature tables, non-zero
reserved fields, odd section layouts."""
import json
import struct
import zlib

ARTIFACT_MAGIC = b"\x89MPT\r\n\x1a\n"
CHECKPOINT_MAGIC = b"\x89MPC\r\n\x1a\n"


def _align16(n):
    return (n + 15) & ~15


def artifact(sections, version=1, reserved=0, entries=None, fill=b"\0"):
    """The bytes of an artifact with `sections`, a list of (kind, bytes) or
    (kind, bytes, flags). `entries` may override each table entry as a tuple
    (kind, flags, offset, size, reserved); `fill` is the padding byte."""
    table_end = 32 + 32 * len(sections)
    offset = _align16(table_end)
    layout = []
    for s in sections:
        kind, data = s[0], s[1]
        flags = s[2] if len(s) > 2 else 0
        layout.append((kind, flags, offset, len(data), 0))
        offset = _align16(offset + len(data))
    size = offset + 8
    out = bytearray(ARTIFACT_MAGIC)
    out += struct.pack("<IIQQ", version, len(sections), size, reserved)
    for i, e in enumerate(entries or layout):
        out += struct.pack("<IIQQQ", *e)
    for (kind, flags, off, n, _), s in zip(layout, sections):
        out += fill * (off - len(out))
        out += s[1]
    out += fill * (size - 8 - len(out))
    out += struct.pack("<I", zlib.crc32(bytes(out))) + b"MPTE"
    return bytes(out)


def sections_of(data):
    """The (kind, bytes, flags) sections of an artifact."""
    count = struct.unpack_from("<I", data, 12)[0]
    out = []
    for i in range(count):
        kind, flags, off, n, _ = struct.unpack_from("<IIQQQ", data, 32 + 32 * i)
        out.append((kind, data[off:off + n], flags))
    return out


def with_signature(data, edit):
    """The artifact `data` with its signature table passed through
    edit(dict) (which changes it in place)."""
    secs = sections_of(data)
    sig = json.loads(secs[0][1])
    edit(sig)
    secs[0] = (1, json.dumps(sig, indent=2).encode(), secs[0][2])
    return artifact(secs)


def with_native(data, native):
    """The artifact `data` with other native code."""
    return artifact([(k, native if k == 2 else b, f)
                     for k, b, f in sections_of(data)])


def reseal_checkpoint(c):
    """Fixes the size field and the CRC-32 of an edited checkpoint."""
    c = bytearray(c)
    c[16:24] = struct.pack("<Q", len(c))
    c[-8:-4] = struct.pack("<I", zlib.crc32(bytes(c[:-8])))
    return bytes(c)
