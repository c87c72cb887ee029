"""docs/frontend.md shows the two-layer MLP exactly as the emitter prints it."""

import re
from pathlib import Path

import mpt

DOC = Path(__file__).resolve().parents[2] / "docs" / "frontend.md"


def emitted():
    m = mpt.Model("mlp2", seed=0)
    x = m.input("x", (4, 3))
    y = m.input("y", (4,), "i32")
    h = m.dense(x, 5, activation="relu", name="dense0")
    logits = m.dense(h, 2, init="glorot", name="dense1")
    step = m.compile(m.softmax_cross_entropy(logits, y, name="xent"), mpt.SGD(lr=0.1), output=logits)
    return step.to_mlir(locations=False)


def test_doc_mlp_listing_matches_emitter():
    text = DOC.read_text()
    section = text[text.index("<!-- mlp-begin"):text.index("<!-- mlp-end -->")]
    blocks = re.findall(r"```mlir\n(.*?)```", section, re.S)
    assert len(blocks) >= 10
    out = emitted()
    lines = [l.strip() for l in out.split("\n")]
    pos = 0
    for block in blocks:
        doc_lines = [l.strip() for l in block.strip().split("\n")]
        if doc_lines[0].startswith("func.func @train_step("):
            header = next(l for l in lines if l.startswith("func.func @train_step("))
            assert re.sub(r"\s+", "", "".join(doc_lines)) == re.sub(r"\s+", "", header)
            continue
        n = len(doc_lines)
        while pos + n <= len(lines) and lines[pos:pos + n] != doc_lines:
            pos += 1
        assert pos + n <= len(lines), f"doc block not in the emitted module (in order):\n{block}"
        pos += n
