"""Extracts the PTX text of the first gpu.binary object in an MLIR file (the
`assembly = "..."` string that -gpu-lower-to-nvvm-pipeline with
cubin-format=isa produces), undoing MLIR's string escapes."""

import re
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    text = open(src).read()
    m = re.search(r'assembly = "((?:[^"\\]|\\.)*)"', text)
    if not m:
        sys.exit("%s: no gpu.binary assembly string found" % src)
    s = m.group(1)
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            if re.match(r"[0-9A-Fa-f]{2}", s[i + 1:i + 3]):
                out.append(chr(int(s[i + 1:i + 3], 16)))
                i += 3
                continue
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    with open(dst, "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
