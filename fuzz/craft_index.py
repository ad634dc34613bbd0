#!/usr/bin/env python3
"""fuzz/craft_index.py: write hand-made damaged .rostra files, the
regression inputs of the bugs fixed by hand (spec/fixtures/crashes/index/).

    python3 fuzz/craft_index.py GOOD.rostra OUTDIR [ANNOTATED.rostra]

GOOD is a small saved index (fuzz_index writes one with
FUZZ_INDEX_SEED_DIR set; one.rostra). Each output file is that index with
one kind of damage; sections are re-laid out and every checksum recomputed
(so even a verified open accepts the file) unless the name says 'raw'.
ANNOTATED is a small index with extra attributes, structures and structure
attributes (spec/fixtures/annot/speeches.vrt saved); the crafted-x-* files
damage those.
The layout follows csrc/store.c (format version 3).
"""
import ctypes
import os
import struct
import sys

xxh = ctypes.CDLL("libxxhash.so.0")
xxh.XXH3_64bits.restype = ctypes.c_uint64
xxh.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def h64(b):
    return xxh.XXH3_64bits(bytes(b), len(b))


NATTR, NLEVEL = 3, 4
S = dict(SCALARS=1, STREAM=2, GAP=3, CKPT=4, GAPX=5, TEXT=6, DOCS=7, VOFF=8)
S["VCHARS"] = S["VOFF"] + NATTR
S["VSLOTS"] = S["VCHARS"] + NATTR
S["MAP"] = S["VSLOTS"] + NATTR
S["FREQ"] = S["MAP"] + NATTR
S["DF"] = S["FREQ"] + NATTR
S["INVOFF"] = S["DF"] + NATTR
S["INV"] = S["INVOFF"] + NATTR
S["POSTOFF"] = S["INV"] + NATTR
S["POST"] = S["POSTOFF"] + 1
S["LV"] = S["POST"] + 1
S["META"] = S["LV"] + NLEVEL
S["KIND"] = S["META"] + 1
S["BOILER"] = S["KIND"] + 1
MAX_XATTR, MAX_XLEVEL = 16, 16
S["NAMES"] = S["BOILER"] + 1
S["XSCALARS"] = S["NAMES"] + 1
S["XVOFF"] = S["XSCALARS"] + 1
S["XVCHARS"] = S["XVOFF"] + MAX_XATTR
S["XVSLOTS"] = S["XVCHARS"] + MAX_XATTR
S["XSTREAM"] = S["XVSLOTS"] + MAX_XATTR
S["XFREQ"] = S["XSTREAM"] + MAX_XATTR
S["XDF"] = S["XFREQ"] + MAX_XATTR
S["XPOSTOFF"] = S["XDF"] + MAX_XATTR
S["XPOST"] = S["XPOSTOFF"] + MAX_XATTR
S["XLV"] = S["XPOST"] + MAX_XATTR
S["SVOFF"] = S["XLV"] + MAX_XLEVEL
S["SVCHARS"] = S["SVOFF"] + 1
S["SVSLOTS"] = S["SVCHARS"] + 1
S["SATTR"] = S["SVSLOTS"] + 1
K = dict(NTOK=0, NDOC=1, NGAPX=2, TEXTLEN=3, POSTLEN=4, METALEN=5, NTYPES=6)
K["NSLOTS"] = K["NTYPES"] + NATTR
K["NLV"] = K["NSLOTS"] + NATTR
K["NBOILER"] = K["NLV"] + NLEVEL
VERSION = 3
DOCREC = 32  # text_off, text_len (u64); first, ntok, words, aside (u32)


def read(path):
    b = open(path, "rb").read()
    assert b[:8] == b"ROSTRAIX"
    n = struct.unpack_from("<I", b, 12)[0]
    secs = []
    for i in range(n):
        sid, elt, off, size, _ = struct.unpack_from("<IIQQQ", b, 32 + 40 * i)
        secs.append([sid, elt, bytearray(b[off:off + size])])
    return secs


def write(path, secs):
    n = len(secs)
    hsize = 32 + 40 * n
    off = (hsize + 7) & ~7
    table, body, offs = bytearray(), bytearray(), []
    for sid, elt, data in secs:
        offs.append(off)
        table += struct.pack("<IIQQQ", sid, elt, off, len(data), h64(data)) + bytes(8)
        off = (off + len(data) + 7) & ~7
    head = bytearray(b"ROSTRAIX" + struct.pack("<IIQI", VERSION, n, off, 0x01020304))
    head += struct.pack("<I", (h64(head[:28]) ^ h64(table)) & 0xFFFFFFFF)
    out = bytearray(head + table)
    for (sid, elt, data), o in zip(secs, offs):
        out += bytes(o - len(out)) + data
    out += bytes(off - len(out))
    open(path, "wb").write(out)


def sec(secs, name, k=0):
    """the section S[name] + k (k: an attribute or a level)"""
    for s in secs:
        if s[0] == S[name] + k:
            return s
    raise KeyError(name)


def fill(data, step, fmt, *values):
    """pack values at every step bytes of data"""
    for i in range(0, len(data), step):
        struct.pack_into(fmt, data, i, *values)


def scalar(secs, k, v=None):
    d = sec(secs, "SCALARS")[2]
    if v is None:
        return struct.unpack_from("<Q", d, 8 * k)[0]
    struct.pack_into("<Q", d, 8 * k, v)


def main():
    good, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    base = open(good, "rb").read()

    def out(name, fn):
        secs = read(good)
        fn(secs)
        write(os.path.join(outdir, name), secs)

    # tokens but no speech: readers indexed docs[0] (NULL)
    def no_docs(s):
        scalar(s, K["NDOC"], 0)
        sec(s, "DOCS")[2] = bytearray()
    out("crafted-no-docs", no_docs)

    # a speech claiming more tokens than the stream holds: the matcher read
    # past the token stream
    def long_doc(s):
        d = sec(s, "DOCS")[2]
        struct.pack_into("<I", d, 20, 0x7FFFFFFF)
    out("crafted-long-doc", long_doc)

    # the last speech ends past 2^32: the scan over a view wrapped around
    def wrap_doc(s):
        d = sec(s, "DOCS")[2]
        struct.pack_into("<II", d, 16, 1, 0xFFFFFFFF)
    out("crafted-wrapping-doc", wrap_doc)

    # every hash slot taken: a lookup probed forever
    def full_slots(s):
        for a in range(NATTR):
            fill(sec(s, "VSLOTS", a)[2], 4, "<I", 0xFFFFFFF0)
    out("crafted-full-slots", full_slots)

    # type counts far above the token count: allocations sized by them
    def huge_freq(s):
        for a in range(NATTR):
            fill(sec(s, "FREQ", a)[2], 4, "<I", 0xFFFFFFFF)
    out("crafted-huge-freq", huge_freq)

    # checkpoints out of order: a text span from a later to an earlier byte
    def ckpt(s):
        c = sec(s, "CKPT")[2]
        struct.pack_into("<Q", c, 0, scalar(s, K["TEXTLEN"]))
    out("crafted-ckpt", ckpt)

    # type ids past the vocabulary in the stream, map and inverse map
    def bad_ids(s):
        fill(sec(s, "STREAM")[2], 8, "<I", 0xFFFFFFFE)
        for a in (1, 2):
            for base in ("MAP", "INV", "INVOFF"):
                fill(sec(s, base, a)[2], 12, "<I", 0x7FFFFFFF)
    out("crafted-bad-ids", bad_ids)

    # regions past the stream and reversed
    def bad_regions(s):
        for lv in range(NLEVEL):
            fill(sec(s, "LV", lv)[2], 24, "<IIi", 0xFFFFFFF0, 3, -1)
    out("crafted-bad-regions", bad_regions)

    # postings offsets and bytes damaged
    def bad_post(s):
        d = sec(s, "POSTOFF")[2]
        for i in range(8, len(d) - 8, 16):
            struct.pack_into("<Q", d, i, 0xFFFFFFFFFFFF)
        p = sec(s, "POST")[2]
        for i in range(len(p)):
            p[i] = 0xFF
    out("crafted-bad-postings", bad_post)

    # vocabulary offsets out of order and past the characters
    def bad_voff(s):
        for a in range(NATTR):
            d = sec(s, "VOFF", a)[2]
            for i in range(8, len(d) - 8, 16):
                struct.pack_into("<Q", d, i, 0xFFFFFFFFFFFFFF)
    out("crafted-bad-voff", bad_voff)

    # gap overflow pairs that lie about positions and gaps
    def bad_gaps(s):
        g = sec(s, "GAP")[2]
        for i in range(len(g)):
            g[i] = 255
        x = sec(s, "GAPX")[2]
        x += struct.pack("<II", 0, 0xFFFFFFFF) * 3
        scalar(s, K["NGAPX"], len(x) // 8)
    out("crafted-bad-gaps", bad_gaps)

    # metadata blobs: not a table, a deep nest, a string for the speeches
    def meta(blob):
        def f(s):
            sec(s, "META")[2] = bytearray(blob)
            scalar(s, K["METALEN"], len(blob))
        return f
    out("crafted-meta-number", meta(b"i" + struct.pack("<q", 5)))
    out("crafted-meta-deep", meta(b"t\x01\x00\x00\x00s\x01\x00\x00\x00a" * 3000))
    out("crafted-meta-types", meta(b"t\x02\x00\x00\x00s\x08\x00\x00\x00speechess\x01\x00\x00\x00x"
                                   b"s\x05\x00\x00\x00extrai" + bytes(8)))

    # one padding byte between sections flipped: no checksum covers it
    b = bytearray(base)
    n = struct.unpack_from("<I", b, 12)[0]
    ends = []
    for i in range(n):
        _, _, off, size, _ = struct.unpack_from("<IIQQQ", b, 32 + 40 * i)
        ends.append((off + size, (off + size + 7) & ~7))
    for e, a in ends:
        if a > e:
            b[e] ^= 0xFF
            break
    open(os.path.join(outdir, "raw-padding-flip"), "wb").write(b)

    if len(sys.argv) > 3:
        annotated(sys.argv[3], outdir)


def annotated(good, outdir):
    """damaged annotations: an index with extra attributes, structures and
    structure attributes"""
    def out(name, fn):
        secs = read(good)
        fn(secs)
        write(os.path.join(outdir, name), secs)

    # type ids past the extra attributes' vocabularies in their streams
    def x_ids(s):
        for k in range(2):
            fill(sec(s, "XSTREAM", k)[2], 8, "<I", 0xFFFFFFF0)
    out("crafted-x-bad-ids", x_ids)

    # counts far above the tokens and postings that lie
    def x_post(s):
        for k in range(2):
            fill(sec(s, "XFREQ", k)[2], 4, "<I", 0xFFFFFFFF)
            p = sec(s, "XPOST", k)[2]
            for i in range(len(p)):
                p[i] = 0xFF
    out("crafted-x-bad-postings", x_post)

    # extra structures past the stream, reversed
    def x_regions(s):
        fill(sec(s, "XLV", 0)[2], 12, "<IIi", 0xFFFFFFF0, 3, -1)
    out("crafted-x-bad-regions", x_regions)

    # structure attribute values past their table
    def s_vals(s):
        for x in s:
            if S["SATTR"] <= x[0] < S["SATTR"] + 64:
                fill(x[2], 4, "<I", 0x7FFFFFF0)
    out("crafted-x-bad-values", s_vals)

    # a name that is no name: the annotation sections are refused
    def names(s):
        d = sec(s, "NAMES")[2]
        d[0] = ord(" ")
    out("crafted-x-bad-name", names)

    # vocabulary offsets of an extra attribute out of order
    def x_voff(s):
        d = sec(s, "XVOFF", 0)[2]
        for i in range(8, len(d) - 8, 16):
            struct.pack_into("<Q", d, i, 0xFFFFFFFFFFFFFF)
    out("crafted-x-bad-voff", x_voff)


if __name__ == "__main__":
    main()
