"""Text-level clean-up of what the framework exporters print, into MLIR 22 input.

torch-mlir and IREE are built on newer LLVMs than the MLIR 22 mpt is built
on, and ship their own MLIR Python bindings that cannot share a context with
mpt's. What they print is ordinary MLIR text, though, and the few things MLIR
22 (or mpt's pipeline) cannot take are local and regular:

- IREE's ``util.func``/``util.return`` (plain ``func.func``/``func.return``),
  its debug locations;
- ``tm_tensor.scatter`` (torch-mlir: ``nll_loss`` and max-pool backward) and
  ``iree_linalg_ext.scatter`` (JAX: ``take_along_axis`` backward), which are
  rewritten here into an ``scf.for`` loop over the update rows that reads
  and writes the destination tensor with ``tensor.extract``/``tensor.insert``
  (bufferized in place by one-shot bufferization);
- attribute aliases (``#map3``) that would clash when two exported functions
  are put in one module (each gets a prefix).

Every rewrite here either recognizes its input exactly or raises
:class:`ImportError_` naming the op it could not take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class ImportError_(RuntimeError):
    """An exported graph holds something the importer cannot turn into mpt input."""


# ---------------------------------------------------------------------------
# Locations and IREE's util dialect
# ---------------------------------------------------------------------------

def _strip_balanced(text: str, opener: str) -> str:
    """Removes every ``opener(...)`` (balanced parentheses) with the space before it."""
    out = []
    i = 0
    while True:
        j = text.find(opener, i)
        if j < 0:
            out.append(text[i:])
            break
        k = j + len(opener)
        depth = 1
        in_str = False
        while k < len(text) and depth:
            c = text[k]
            if in_str:
                if c == "\\":
                    k += 1
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            k += 1
        start = j
        while start > i and text[start - 1] == " ":
            start -= 1
        out.append(text[i:start])
        i = k
    return "".join(out)


def strip_locations(text: str) -> str:
    """Drops ``loc(...)`` trailers and ``#loc`` alias lines."""
    text = _strip_balanced(text, " loc(")
    text = _strip_balanced(text, ":loc(")  # never printed, kept for safety
    return "\n".join(l for l in text.splitlines() if not l.startswith("#loc"))


def iree_util_to_func(text: str) -> str:
    """``util.func``/``util.return`` (IREE's input form) to the func dialect."""
    text = re.sub(r"\butil\.func\b", "func.func", text)
    text = re.sub(r"\butil\.return\b", "func.return", text)
    left = re.search(r"\butil\.[a-z_]+", text)
    if left:
        raise ImportError_(f"the exported graph holds IREE's {left.group(0)}, which has no MLIR 22 "
                           "equivalent the importer knows")
    # Function attributes IREE adds that MLIR 22 does not know.
    text = re.sub(r"\s*attributes \{iree\.[^}]*\}", "", text)
    return text


def prefix_aliases(text: str, prefix: str) -> str:
    """Renames every ``#alias`` defined at the top of the module to ``#<prefix>alias``."""
    names = set(re.findall(r"^#([A-Za-z_][\w$.]*) = ", text, flags=re.M))
    if not names:
        return text
    pat = re.compile(r"#(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?![\w$.])")
    return pat.sub(lambda m: f"#{prefix}{m.group(1)}", text)


def split_resources(text: str) -> tuple[str, dict[str, str]]:
    """Removes the ``{-# dialect_resources: {builtin: {...}} #-}`` section; returns its blobs.

    torch-mlir keeps large constants as ``dense_resource<name>`` whose bytes
    live in this section; the importer puts the blobs of both exported
    functions back into one section of the module it writes.
    """
    start = text.find("{-#")
    if start < 0:
        return text, {}
    end = text.find("#-}", start)
    if end < 0:
        raise ImportError_("unterminated {-# ... #-} section in the exported graph")
    section = text[start:end]
    blobs = dict(re.findall(r'^\s*([\w$.\-]+)\s*:\s*("0x[0-9A-Fa-f]*")\s*,?\s*$', section, flags=re.M))
    other = re.sub(r'^\s*([\w$.\-]+)\s*:\s*("0x[0-9A-Fa-f]*")\s*,?\s*$', "", section, flags=re.M)
    if re.search(r"\b(?!dialect_resources|builtin)[a-z_]+\s*:", other):
        raise ImportError_("the exported graph has a resource section the importer does not know: "
                           + " ".join(other.split())[:200])
    return text[:start] + text[end + 3:], blobs


def resources_section(blobs: dict[str, str]) -> str:
    if not blobs:
        return ""
    items = ",\n".join(f"      {k}: {v}" for k, v in blobs.items())
    return "{-#\n  dialect_resources: {\n    builtin: {\n" + items + "\n    }\n  }\n#-}\n"


# ---------------------------------------------------------------------------
# Scatter ops to loops
# ---------------------------------------------------------------------------

_SCATTER_HEAD = re.compile(
    r"^(?P<ind>\s*)(?P<res>%[\w$.#]+) = (?P<op>tm_tensor\.scatter|iree_linalg_ext\.scatter)\s+"
    r"(?:\{dimension_map = array<i64:\s*(?P<dm1>[\d, ]*)>\}|dimension_map = \[(?P<dm2>[\d, ]*)\])\s+"
    r"unique_indices\((?P<uniq>true|false)\)\s+"
    r"ins\((?P<upd>%[\w$.#]+), (?P<idx>%[\w$.#]+) : (?P<updt>tensor<[^>]*>), (?P<idxt>tensor<[^>]*>)\)\s+"
    r"outs\((?P<orig>%[\w$.#]+) : (?P<origt>tensor<[^>]*>)\)\s*\{\s*$")


def _shape(tensor_type: str) -> tuple[list[int], str]:
    m = re.fullmatch(r"tensor<((?:\d+x)*)([a-z0-9]+)>", tensor_type)
    if not m:
        raise ImportError_(f"scatter: {tensor_type} is not a statically shaped tensor")
    dims = [int(d) for d in m.group(1).split("x") if d]
    return dims, m.group(2)


def _scatter_to_loops(lines: list[str], start: int, counter: list[int]) -> tuple[list[str], int]:
    """The loop nest replacing the scatter op that starts at ``lines[start]``."""
    m = _SCATTER_HEAD.match(lines[start])
    if not m:
        raise ImportError_(f"cannot read this scatter op: {lines[start].strip()[:200]}")
    ind = m.group("ind")
    # The region: ^bb0(%a: T, %b: T): ... yield %v : T  } -> type
    end = start + 1
    while not lines[end].strip().startswith("} ->"):
        end += 1
    region = [l.strip() for l in lines[start + 1:end]]
    bb = re.match(r"\^bb0\((%[\w$.]+): ([a-z0-9]+), (%[\w$.]+): ([a-z0-9]+)\):", region[0])
    if not bb:
        raise ImportError_(f"scatter region header not understood: {region[0]}")
    upd_arg, orig_arg = bb.group(1), bb.group(3)
    body = region[1:-1]
    yld = re.match(r"(?:tm_tensor|iree_linalg_ext)\.yield (%[\w$.#]+) : ", region[-1])
    if not yld:
        raise ImportError_(f"scatter region does not end in a yield: {region[-1]}")
    dmap = [int(d) for d in (m.group("dm1") or m.group("dm2")).replace(" ", "").split(",") if d]
    upd_shape, _ = _shape(m.group("updt"))
    idx_shape, idx_elt = _shape(m.group("idxt"))
    orig_shape, _ = _shape(m.group("origt"))
    if len(idx_shape) != 2 or idx_shape[1] != len(dmap):
        raise ImportError_(f"scatter: indices {m.group('idxt')} with dimension_map {dmap} are not "
                           "one index row per update")
    n = idx_shape[0]
    slice_dims = [d for d in range(len(orig_shape)) if d not in dmap]
    if upd_shape[:1] != [n] or len(upd_shape) != 1 + len(slice_dims) or \
            upd_shape[1:] != [orig_shape[d] for d in slice_dims]:
        raise ImportError_(f"scatter: updates {m.group('updt')} do not cover the slices of "
                           f"{m.group('origt')} left by dimension_map {dmap}")
    k = counter[0]
    counter[0] += 1
    p = f"%sc{k}_"
    out = []
    i1 = ind + "  "
    out.append(f"{ind}{p}c0 = arith.constant 0 : index")
    out.append(f"{ind}{p}c1 = arith.constant 1 : index")
    out.append(f"{ind}{p}n = arith.constant {n} : index")
    for j, d in enumerate(slice_dims):
        out.append(f"{ind}{p}s{j} = arith.constant {orig_shape[d]} : index")
    out.append(f"{ind}{m.group('res')} = scf.for {p}i = {p}c0 to {p}n step {p}c1 "
               f"iter_args({p}acc = {m.group('orig')}) -> ({m.group('origt')}) {{")
    # The destination index of each scattered dimension, read from the row.
    pos = {}
    for c, d in enumerate(dmap):
        out.append(f"{i1}{p}k{c} = arith.constant {c} : index")
        out.append(f"{i1}{p}r{c} = tensor.extract {m.group('idx')}[{p}i, {p}k{c}] : {m.group('idxt')}")
        out.append(f"{i1}{p}x{c} = arith.index_cast {p}r{c} : {idx_elt} to index")
        pos[d] = f"{p}x{c}"
    # Loops over the slice dimensions (none for a point scatter).
    cur = f"{p}acc"
    depth_ind = i1
    closers = []
    for j, d in enumerate(slice_dims):
        out.append(f"{depth_ind}{p}l{j} = scf.for {p}j{j} = {p}c0 to {p}s{j} step {p}c1 "
                   f"iter_args({p}a{j} = {cur}) -> ({m.group('origt')}) {{")
        closers.append((depth_ind, f"{p}l{j}"))
        cur = f"{p}a{j}"
        pos[d] = f"{p}j{j}"
        depth_ind += "  "
    upd_idx = ", ".join([f"{p}i"] + [f"{p}j{j}" for j in range(len(slice_dims))])
    dst_idx = ", ".join(pos[d] for d in range(len(orig_shape)))
    ren = {upd_arg: f"{p}u", orig_arg: f"{p}o"}
    out.append(f"{depth_ind}{p}u = tensor.extract {m.group('upd')}[{upd_idx}] : {m.group('updt')}")
    out.append(f"{depth_ind}{p}o = tensor.extract {cur}[{dst_idx}] : {m.group('origt')}")
    local = {}
    for l in body:
        mm = re.match(r"(%[\w$.]+)", l)
        if mm:
            local[mm.group(1)] = f"{p}b{len(local)}"
    ren.update(local)
    pat = re.compile("|".join(re.escape(x) + r"(?![\w$.])" for x in sorted(ren, key=len, reverse=True)))
    for l in body:
        out.append(depth_ind + pat.sub(lambda mm: ren[mm.group(0)], l))
    value = pat.sub(lambda mm: ren[mm.group(0)], yld.group(1))
    out.append(f"{depth_ind}{p}w = tensor.insert {value} into {cur}[{dst_idx}] : {m.group('origt')}")
    out.append(f"{depth_ind}scf.yield {p}w : {m.group('origt')}")
    for d_ind, name in reversed(closers):
        out.append(f"{d_ind}}}")
        out.append(f"{d_ind}scf.yield {name} : {m.group('origt')}")
    out.append(f"{ind}}}")
    return out, end + 1


def scatters_to_loops(text: str) -> tuple[str, int]:
    """Rewrites every ``tm_tensor.scatter``/``iree_linalg_ext.scatter``; returns the count."""
    lines = text.splitlines()
    out: list[str] = []
    counter = [0]
    i = 0
    while i < len(lines):
        if re.search(r"= (tm_tensor|iree_linalg_ext)\.scatter\b", lines[i]):
            new, i = _scatter_to_loops(lines, i, counter)
            out.extend(new)
        else:
            out.append(lines[i])
            i += 1
    text = "\n".join(out) + "\n"
    left = re.search(r"\b(tm_tensor|iree_linalg_ext|torch|torch_c|stablehlo|chlo)\.[a-z_][\w.]*", text)
    if left:
        raise ImportError_(f"the exported graph holds {left.group(0)}, which the importer cannot lower "
                           "to MLIR 22 (linalg/tensor/arith/math/scf)")
    return text, counter[0]


# ---------------------------------------------------------------------------
# Negative tensor.pad (PyTorch's pad backward) as a slice
# ---------------------------------------------------------------------------

_PAD_HEAD = re.compile(r"^(?P<ind>\s*)(?P<res>%[\w$.#]+) = tensor\.pad (?P<src>%[\w$.#]+) "
                       r"low\[(?P<low>[-\d, ]*)\] high\[(?P<high>[-\d, ]*)\] (?P<rest>.*)\{\s*$")


def negative_pads_to_slices(text: str) -> tuple[str, int]:
    """``tensor.pad`` with negative amounts (a crop, which MLIR rejects) as ``tensor.extract_slice``.

    Dimensions with a negative low/high amount are cropped by a slice; what
    is still positive is padded by a ``tensor.pad`` of the slice, with the
    original region.
    """
    lines = text.splitlines()
    out: list[str] = []
    count = 0
    i = 0
    while i < len(lines):
        m = _PAD_HEAD.match(lines[i])
        if not m or "-" not in m.group("low") + m.group("high"):
            out.append(lines[i])
            i += 1
            continue
        end = i + 1
        while not re.match(r"^\s*\} : tensor<", lines[end]):
            end += 1
        tm = re.match(r"^\s*\} : (tensor<[^>]*>) to (tensor<[^>]*>)\s*$", lines[end])
        if not tm:
            raise ImportError_(f"tensor.pad not understood: {lines[end].strip()[:200]}")
        src_shape, elt = _shape(tm.group(1))
        low = [int(v) for v in m.group("low").replace(" ", "").split(",")]
        high = [int(v) for v in m.group("high").replace(" ", "").split(",")]
        if len(low) != len(src_shape) or len(high) != len(src_shape):
            raise ImportError_(f"tensor.pad: low/high do not match {tm.group(1)}")
        off = [max(0, -l) for l in low]
        size = [d - max(0, -l) - max(0, -h) for d, l, h in zip(src_shape, low, high)]
        sliced_t = "tensor<" + "".join(f"{d}x" for d in size) + elt + ">"
        ind, res = m.group("ind"), m.group("res")
        positive = any(l > 0 for l in low) or any(h > 0 for h in high)
        sl = f"{res}_crop" if positive else res
        out.append(f"{ind}{sl} = tensor.extract_slice {m.group('src')}[{', '.join(map(str, off))}] "
                   f"[{', '.join(map(str, size))}] [{', '.join('1' for _ in size)}] : {tm.group(1)} to {sliced_t}")
        if positive:
            out.append(f"{ind}{res} = tensor.pad {sl} low[{', '.join(str(max(0, l)) for l in low)}] "
                       f"high[{', '.join(str(max(0, h)) for h in high)}] {m.group('rest')}{{")
            out.extend(lines[i + 1:end])
            out.append(f"{ind}}} : {sliced_t} to {tm.group(2)}")
        count += 1
        i = end + 1
    return "\n".join(out) + "\n", count


# ---------------------------------------------------------------------------
# One function of a module
# ---------------------------------------------------------------------------

@dataclass
class Function:
    """A function's pieces as text: the body lines between its header and closing brace."""
    name: str
    arg_names: list[str]
    arg_types: list[str]
    result_types: list[str]
    body: list[str]                 # without the return line
    returned: list[str]             # the returned SSA values
    aliases: list[str] = field(default_factory=list)  # the module's alias lines


def _split_top(s: str) -> list[str]:
    """Splits at top-level commas (outside <>, (), [], {})."""
    parts, depth, cur = [], 0, ""
    for c in s:
        if c in "<([{":
            depth += 1
        elif c in ">)]}":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _matching(s: str, i: int) -> int:
    """The index of the parenthesis closing the one at ``s[i]``."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "(":
            depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    raise ImportError_(f"unbalanced parentheses in: {s[:200]}")


def read_function(text: str, name: str | None = None) -> Function:
    """The one public function of a module (or the function ``name``)."""
    lines = text.splitlines()
    aliases = [l for l in lines if re.match(r"^#[\w$.]+ = ", l)]
    heads = [i for i, l in enumerate(lines) if re.match(r"^\s*func\.func ", l)]
    if name:
        heads = [i for i in heads if f"@{name}(" in lines[i]]
    else:
        heads = [i for i in heads if "private" not in lines[i]]
    if len(heads) != 1:
        raise ImportError_(f"expected one exported function{' @' + name if name else ''}, found {len(heads)} "
                           "(private functions are not supported: inline them before importing)")
    h = heads[0]
    head = lines[h].strip()
    m = re.match(r"func\.func (?:public )?@([\w$.]+)\(", head)
    if not m:
        raise ImportError_(f"function header not understood: {head[:200]}")
    close = _matching(head, m.end() - 1)
    rest = head[close + 1:].strip()
    rm_ = re.fullmatch(r"(?:-> (.*?))?\s*\{", rest)
    if not rm_:
        raise ImportError_(f"function header not understood: {head[:200]}")
    args = _split_top(head[m.end():close])
    arg_names, arg_types = [], []
    for a in args:
        am = re.match(r"(%[\w$.]+): (tensor<[^>]*>|[a-z0-9]+)", a)
        if not am:
            raise ImportError_(f"argument not understood: {a}")
        arg_names.append(am.group(1))
        arg_types.append(am.group(2))
    res = rm_.group(1) or ""
    if res.startswith("("):
        res = res[1:-1]
    result_types = [re.sub(r"\s*\{.*\}$", "", r) for r in _split_top(res)]
    # The body ends at the closing brace at the header's indentation.
    ind = len(lines[h]) - len(lines[h].lstrip())
    end = h + 1
    while not (lines[end].startswith(" " * ind + "}") and
               len(lines[end]) - len(lines[end].lstrip()) == ind):
        end += 1
    body = lines[h + 1:end]
    ret = body[-1].strip()
    rm = re.match(r"(?:func\.)?return(?: (.*?))?(?: : .*)?$", ret)
    if not rm:
        raise ImportError_(f"function @{m.group(1)} does not end in a return: {ret[:200]}")
    returned = _split_top(rm.group(1) or "")
    return Function(m.group(1), arg_names, arg_types, result_types, body[:-1], returned, aliases)


def definition_end(body: list[str], value: str) -> int:
    """The index of the line after the op that defines ``value`` (``%5`` or ``%5#1``)."""
    base = value.split("#")[0]
    pat = re.compile(r"^\s*" + re.escape(base) + r"(?::\d+)? = ")
    for i, l in enumerate(body):
        if pat.match(l):
            ind = len(l) - len(l.lstrip())
            j = i + 1
            while j < len(body) and (len(body[j]) - len(body[j].lstrip()) > ind or
                                     body[j].strip().startswith(("}", "^"))):
                j += 1
            return j
    raise ImportError_(f"the loss {value} is not defined by an op of the exported function")


def replace_value(lines: list[str], old: str, new: str) -> list[str]:
    pat = re.compile(re.escape(old) + r"(?![\w$.])")
    return [pat.sub(new, l) for l in lines]
