"""Model zoo: MLP, small CNN, ResNet-style network and transformer encoder, each with a size knob.

Every builder takes the batch size, a size knob ``blocks``, a ``width``, the
input shape (NHWC images, default the 8x8x1 digits) and the number of classes,
and returns the forward graph as ``(model, loss, logits)``; :func:`build`
adds an optimizer and returns the :class:`mpt.TrainStep`. Inputs are always
``x`` (f32 ``[batch, *input_shape]``) and ``y`` (i32 class labels ``[batch]``),
matching the dataset directories :mod:`mpt.data` writes.

``python -m mpt.models resnet --blocks 16 --batch 8 -o out.mlir`` writes one.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

from ..errors import FrontendError
from ..ops import Model
from ..optim import SGD, Adam

DIGITS_SHAPE = (8, 8, 1)
DIGITS_CLASSES = 10


def _inputs(name: str, batch: int, input_shape: Sequence[int], classes: int, seed: int, blocks: int,
            max_blocks: int | None = None):
    if not isinstance(batch, int) or batch < 1:
        raise FrontendError(f"model '{name}': batch must be a positive int, got {batch!r}")
    if not isinstance(blocks, int) or blocks < 1:
        raise FrontendError(f"model '{name}': blocks must be a positive int, got {blocks!r}")
    if max_blocks is not None and blocks > max_blocks:
        raise FrontendError(f"model '{name}': blocks must be at most {max_blocks}, got {blocks}")
    if not isinstance(classes, int) or classes < 2:
        raise FrontendError(f"model '{name}': classes must be an int >= 2, got {classes!r}")
    m = Model(name, seed=seed)
    x = m.input("x", (batch, *input_shape))
    y = m.input("y", (batch,), "i32")
    return m, x, y


def mlp(batch: int = 32, blocks: int = 2, width: int = 64, input_shape: Sequence[int] = DIGITS_SHAPE,
        classes: int = DIGITS_CLASSES, seed: int = 0):
    """Flatten, ``blocks`` hidden dense+ReLU layers of ``width`` units, dense head."""
    m, x, y = _inputs("mlp", batch, input_shape, classes, seed, blocks)
    h = m.flatten(x) if x.rank > 2 else x
    for _ in range(blocks):
        h = m.dense(h, width, activation="relu")
    logits = m.dense(h, classes, init="glorot", name="head")
    return m, m.softmax_cross_entropy(logits, y, name="loss_xent"), logits


def cnn(batch: int = 32, blocks: int = 2, width: int = 8, input_shape: Sequence[int] = DIGITS_SHAPE,
        classes: int = DIGITS_CLASSES, seed: int = 0):
    """``blocks`` conv3x3-bias-ReLU blocks (channels ``width * 2**i``, at most ``8 * width``), each
    followed by 2x2 max pooling while the feature map is at least 2x2; flatten, dense head."""
    m, x, y = _inputs("cnn", batch, input_shape, classes, seed, blocks)
    if x.rank != 4:
        raise FrontendError(f"model 'cnn': needs NHWC image inputs, got input shape {tuple(input_shape)}")
    h = x
    for i in range(blocks):
        h = m.conv2d(h, width * min(2 ** i, 8), 3, padding=1, activation="relu")
        if h.shape[1] >= 2 and h.shape[2] >= 2:
            h = m.max_pool(h, 2)
    logits = m.dense(m.flatten(h), classes, init="glorot", name="head")
    return m, m.softmax_cross_entropy(logits, y, name="loss_xent"), logits


def resnet(batch: int = 8, blocks: int = 4, width: int = 8, input_shape: Sequence[int] = DIGITS_SHAPE,
           classes: int = DIGITS_CLASSES, seed: int = 0):
    """Stem conv3x3-ReLU, ``blocks`` basic residual blocks
    (conv-bias-ReLU, conv-bias, + identity, ReLU) at constant width and resolution
    (the second conv's init bound scaled by ``blocks**-0.5``, as in Fixup),
    2x2 average pooling and a dense head on the flattened features (global
    average pooling for inputs smaller than 4x4). ``blocks`` from 1 to 200."""
    m, x, y = _inputs("resnet", batch, input_shape, classes, seed, blocks, max_blocks=1000)
    if x.rank != 4:
        raise FrontendError(f"model 'resnet': needs NHWC image inputs, got input shape {tuple(input_shape)}")
    h = m.conv2d(x, width, 3, padding=1, activation="relu", name="stem")
    # Fixup-style: the last conv of each residual branch starts scaled by blocks^-1/2,
    # so the activations of deep stacks (no normalisation) stay bounded.
    for i in range(blocks):
        r = m.conv2d(h, width, 3, padding=1, activation="relu", name=f"block{i}.conv0")
        r = m.conv2d(r, width, 3, padding=1, name=f"block{i}.conv1", init_scale=blocks ** -0.5)
        h = m.relu(m.add(h, r, name=f"block{i}.add"), name=f"block{i}.relu")
    if h.shape[1] >= 4 and h.shape[2] >= 4:
        h = m.avg_pool(h, 2, name="pool")
        logits = m.dense(m.flatten(h), classes, init="glorot", name="head")
    else:
        logits = m.dense(m.global_avg_pool(h, name="pool"), classes, init="glorot", name="head")
    return m, m.softmax_cross_entropy(logits, y, name="loss_xent"), logits


def transformer(batch: int = 8, blocks: int = 1, width: int = 32, heads: int = 4,
                input_shape: Sequence[int] = DIGITS_SHAPE, classes: int = DIGITS_CLASSES, seed: int = 0):
    """Transformer encoder over the image rows as a sequence (``[B, H, W*C]`` tokens):
    token embedding + learned positions, ``blocks`` pre-LN encoder blocks
    (LN, multi-head self-attention, residual; LN, dense-GELU-dense MLP of
    ``4*width``, residual), final LN, mean over the sequence, dense head."""
    m, x, y = _inputs("transformer", batch, input_shape, classes, seed, blocks)
    if x.rank < 3:
        raise FrontendError(f"model 'transformer': needs [batch, sequence, ...] inputs, got input shape "
                            f"{tuple(input_shape)}")
    seq = x.shape[1]
    tokens = m.reshape(x, (batch, seq, math.prod(x.shape[2:])), name="tokens")
    h = m.dense(tokens, width, init="glorot", name="embed")
    h = m.positional_embedding(h, name="pos")
    for i in range(blocks):
        a = m.multi_head_attention(m.layer_norm(h, name=f"enc{i}.ln0"), heads, name=f"enc{i}.attn")
        h = m.add(h, a, name=f"enc{i}.add0")
        f = m.dense(m.layer_norm(h, name=f"enc{i}.ln1"), 4 * width, activation="gelu", init="glorot",
                    name=f"enc{i}.mlp0")
        f = m.dense(f, width, init="glorot", name=f"enc{i}.mlp1")
        h = m.add(h, f, name=f"enc{i}.add1")
    h = m.mean(m.layer_norm(h, name="ln_final"), (1,), name="pool")
    logits = m.dense(h, classes, init="glorot", name="head")
    return m, m.softmax_cross_entropy(logits, y, name="loss_xent"), logits


MODELS: dict[str, Callable] = {"mlp": mlp, "cnn": cnn, "resnet": resnet, "transformer": transformer}


def make_optimizer(name: str, lr: float | None = None, momentum: float = 0.0, weight_decay: float = 0.0,
                   nesterov: bool = False, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
    """``sgd`` (default lr 0.1) or ``adam`` (AdamW-style decay; default lr 1e-3)."""
    if name == "sgd":
        return SGD(lr=0.1 if lr is None else lr, momentum=momentum, weight_decay=weight_decay, nesterov=nesterov)
    if name == "adam":
        if momentum or nesterov:
            raise FrontendError("optimizer adam: --momentum/--nesterov apply to sgd only")
        return Adam(lr=1e-3 if lr is None else lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
    raise FrontendError(f"unknown optimizer '{name}' (use sgd or adam)")


def build(name: str, optimizer=None, **kwargs):
    """Build model ``name`` from :data:`MODELS` and compile it with ``optimizer`` (default SGD lr 0.1)."""
    if name not in MODELS:
        raise FrontendError(f"unknown model '{name}' (known: {', '.join(MODELS)})")
    m, loss, logits = MODELS[name](**kwargs)
    return m.compile(loss, optimizer if optimizer is not None else SGD(lr=0.1), output=logits)
