"""Bad input raises FrontendError naming the layer and the shapes, before any MLIR is written."""

import subprocess
import sys
from pathlib import Path

import pytest

from mpt import SGD, FrontendError, Model, sequential
from mpt.models import build, make_optimizer

PYDIR = Path(__file__).resolve().parents[1]


def model():
    m = Model(seed=0)
    return m, m.input("x", (4, 8, 8, 3)), m.input("y", (4,), "i32")


CASES = {
    "unknown_op": (lambda m, x, y: m.apply("conv3d", x), r"unknown op 'conv3d' \(known ops: dense, conv2d"),
    "unknown_op_in_spec": (lambda m, x, y: sequential(m, x, [{"op": "conv2d", "filters": 4, "kernel_size": 3},
                                                              {"op": "maxpool"}]),
                           r"layer spec #1: unknown op 'maxpool'"),
    "bad_kwarg_in_spec": (lambda m, x, y: sequential(m, x, [{"op": "dense", "unit": 3}]),
                          r"layer spec #0 \(dense\): .*unit.* \(input shape \(4, 8, 8, 3\)\)"),
    "unknown_activation": (lambda m, x, y: m.conv2d(x, 4, 3, activation="swish", name="c1"),
                           r"layer 'c1' \(conv2d\): unknown activation 'swish'"),
    "unknown_init": (lambda m, x, y: m.dense(x, 4, init="orthogonal", name="d"), r"layer 'd': unknown init"),
    "kernel_larger_than_padded_input": (
        lambda m, x, y: m.conv2d(x, 4, 11, padding=1, name="big"),
        r"layer 'big' \(conv2d\): kernel 11x11 \(dilation 1x1\) is larger than the padded input 10x10 "
        r"\(input shape \(4, 8, 8, 3\)"),
    "dilated_kernel_too_large": (
        lambda m, x, y: m.conv2d(x, 4, 3, dilation=4, name="dil"),
        r"layer 'dil' \(conv2d\): kernel 3x3 \(dilation 4x4\) is larger than the padded input 8x8"),
    "conv_needs_nhwc": (lambda m, x, y: m.conv2d(m.flatten(x), 4, 3, name="c"),
                        r"layer 'c' \(conv2d\): expects an NHWC input of rank 4, got shape \(4, 192\)"),
    "zero_stride": (lambda m, x, y: m.conv2d(x, 4, 3, stride=0, name="c"), r"layer 'c' \(conv2d\).*must be positive"),
    "pool_window_too_large": (lambda m, x, y: m.max_pool(m.max_pool(m.max_pool(m.max_pool(x))), 2, name="p"),
                              r"layer 'p' \(max_pool\): window 2x2 is larger than the padded input 1x1 "
                              r"\(input shape \(4, 1, 1, 3\)\)"),
    "pool_padding_too_large": (lambda m, x, y: m.avg_pool(x, 2, padding=2, name="p"),
                               r"layer 'p' \(avg_pool\): padding .* smaller than the window 2x2"),
    "residual_shape_mismatch": (lambda m, x, y: m.add(x, m.conv2d(x, 4, 3, padding=1), name="res"),
                                r"layer 'res' \(add\): operand shapes \(4, 8, 8, 3\) and \(4, 8, 8, 4\) differ"),
    "label_shape_mismatch": (lambda m, x, y: m.softmax_cross_entropy(m.dense(m.flatten(x), 10), m.input("z", (5,), "i32"),
                                                                     name="xe"),
                             r"layer 'xe' \(softmax_cross_entropy\): integer labels of shape \(5,\) do not match "
                             r"logits \(4, 10\)"),
    "onehot_shape_mismatch": (lambda m, x, y: m.softmax_cross_entropy(m.dense(m.flatten(x), 10), m.input("z", (4, 9)),
                                                                      name="xe"),
                              r"one-hot labels of shape \(4, 9\) do not match logits \(4, 10\)"),
    "mse_shape_mismatch": (lambda m, x, y: m.mse(m.flatten(x), m.input("t", (4, 10)), name="l2"),
                           r"layer 'l2' \(mse\): prediction shape \(4, 192\) does not match target shape \(4, 10\)"),
    "dense_on_vector": (lambda m, x, y: m.dense(m.input("v", (7,)), 3, name="d"),
                        r"layer 'd' \(dense\): expects an input of rank >= 2 .*got shape \(7,\)"),
    "dense_on_labels": (lambda m, x, y: m.dense(m.reshape(y, (4, 1)), 3, name="d"),
                        r"layer 'd' \(dense\): the input must be f32, got i32 tensor of shape \(4, 1\)"),
    "reshape_size_mismatch": (lambda m, x, y: m.reshape(x, (4, 100), name="r"),
                              r"layer 'r' \(reshape\): cannot reshape \(4, 8, 8, 3\) \(768 elements\) to \(4, 100\)"),
    "attention_mismatch": (lambda m, x, y: m.scaled_dot_product_attention(m.input("q", (2, 3, 4)), m.input("k", (2, 5, 4)),
                                                                          m.input("v", (2, 4, 4)), name="att"),
                           r"layer 'att' \(scaled_dot_product_attention\): incompatible query \(2, 3, 4\), key "
                           r"\(2, 5, 4\), value \(2, 4, 4\)"),
    "heads_do_not_divide": (lambda m, x, y: m.multi_head_attention(m.input("s", (2, 3, 10)), 3, name="mha"),
                            r"layer 'mha' \(multi_head_attention\): embedding size 10 is not divisible by heads=3"),
    "duplicate_layer_name": (lambda m, x, y: (m.dense(m.flatten(x), 3, name="d"), m.dense(m.flatten(x), 3, name="d")),
                             r"layer 'd' \(dense\): the name is already used"),
    "input_name_clash": (lambda m, x, y: m.input("x", (4, 2)), r"layer 'x' \(input\): the name is already used"),
    "batch_zero": (lambda m, x, y: m.input("b", (0, 8, 8, 1)),
                   r"input 'b': shape \(0, 8, 8, 1\) has a non-positive dimension"),
    "foreign_tensor": (lambda m, x, y: m.relu(Model().input("x", (2, 2)), name="r"),
                       r"layer 'r' \(relu\): operand .* belongs to another model"),
    "loss_not_scalar": (lambda m, x, y: m.compile(m.flatten(x), SGD()),
                        r"compile: the loss must be a scalar f32 tensor, got f32 \(4, 192\) from layer 'flatten0'"),
    "param_not_in_loss": (lambda m, x, y: (m.dense(m.flatten(x), 3, name="unused"),
                                           m.compile(m.mse(m.dense(m.flatten(x), 2, name="used"),
                                                           m.input("t", (4, 2))), SGD())),
                          r"parameters unused.weight, unused.bias do not affect the loss"),
    "unknown_optimizer": (lambda m, x, y: m.compile(m.mse(m.dense(m.flatten(x), 2), m.input("t", (4, 2))), "rmsprop"),
                          r"unknown optimizer 'rmsprop'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_model_raises_with_layer_and_shapes(case):
    fn, pattern = CASES[case]
    m, x, y = model()
    with pytest.raises(FrontendError, match=pattern):
        fn(m, x, y)


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(blocks=0), r"model 'resnet': blocks must be a positive int, got 0"),
    (dict(batch=0), r"model 'resnet': batch must be a positive int, got 0"),
    (dict(classes=1), r"model 'resnet': classes must be an int >= 2"),
    (dict(input_shape=(16,)), r"model 'resnet': needs NHWC image inputs"),
])
def test_bad_zoo_configurations(kwargs, pattern):
    with pytest.raises(FrontendError, match=pattern):
        build("resnet", **kwargs)


def test_bad_zoo_names():
    with pytest.raises(FrontendError, match="unknown model 'vgg'"):
        build("vgg")
    with pytest.raises(FrontendError, match="unknown optimizer 'lamb'"):
        make_optimizer("lamb")
    with pytest.raises(FrontendError, match="heads"):
        build("transformer", width=30, heads=4)


def test_cli_errors_write_nothing(tmp_path):
    out = tmp_path / "out.mlir"
    for args in (["resnet", "--blocks", "0"], ["cnn", "--batch", "0"], ["transformer", "--width", "10", "--heads", "3"],
                 ["mlp", "--classes", "1"], ["resnet", "--blocks", "2", "--input-shape", "2,2,1,1"]):
        r = subprocess.run([sys.executable, "-m", "mpt.models", *args, "-o", str(out)], cwd=PYDIR,
                           capture_output=True, text=True)
        assert r.returncode == 1, (args, r.stderr)
        assert r.stderr.startswith("error: ") and "Traceback" not in r.stderr
        assert not out.exists()
