"""Every op's generated backward graph, and whole models, against central finite differences (FP64)."""

import numpy as np
import pytest
from conftest import check_gradients, float64_params

from mpt import SGD, Model
from mpt import init as I
from mpt.models import cnn, mlp, resnet, transformer


def probe_loss(m: Model, t, name="probe"):
    """loss = sum(t * r) for a fixed random input r: every output element gets its own weight."""
    g = m.graph
    r = m.input(name, t.shape)
    with g.layer("probe_loss", "probe"):
        return g.reduce("sum", g.ew("mul", [t, r]), range(t.rank))


def leaf(m: Model, name, shape, scale=1.0):
    """A parameter standing in for a layer's input, so its gradient is checked too."""
    return m.param(name, shape, I.InitSpec("uniform", low=-scale, high=scale, seed=I.derive_seed(7, name)))


def run_case(build, seed=0, max_elements=64):
    m = Model(seed=seed)
    out = build(m)
    loss = out if out.shape == () else probe_loss(m, out)
    step = m.compile(loss, SGD(lr=0.1))
    rng = np.random.default_rng(seed + 11)
    batch = {}
    for x in step.inputs:
        if x.dtype == "i32":
            batch[x.attrs["name"]] = rng.integers(0, 5, size=x.shape)
        else:
            batch[x.attrs["name"]] = rng.standard_normal(x.shape)
    params = float64_params(step, seed)
    return check_gradients(step, params, batch, max_elements=max_elements)


CASES = {
    "dense": lambda m: m.dense(leaf(m, "x", (3, 4)), 5),
    "dense_relu_3d_input": lambda m: m.dense(leaf(m, "x", (2, 3, 4)), 5, activation="relu"),
    "dense_gelu": lambda m: m.dense(leaf(m, "x", (3, 4)), 5, activation="gelu"),
    "conv2d": lambda m: m.conv2d(leaf(m, "x", (2, 5, 5, 2)), 3, 3),
    "conv2d_same_relu": lambda m: m.conv2d(leaf(m, "x", (2, 5, 5, 2)), 3, 3, padding="same", activation="relu"),
    "conv2d_stride2_pad1": lambda m: m.conv2d(leaf(m, "x", (2, 6, 6, 2)), 3, 3, stride=2, padding=1),
    "conv2d_stride2_uneven": lambda m: m.conv2d(leaf(m, "x", (1, 7, 6, 2)), 2, (3, 2), stride=(2, 3)),
    "conv2d_dilation2": lambda m: m.conv2d(leaf(m, "x", (1, 7, 7, 2)), 2, 3, dilation=2, padding=1),
    "conv2d_dilated_strided_asym_pad": lambda m: m.conv2d(leaf(m, "x", (2, 7, 6, 1)), 2, 2, stride=2,
                                                          dilation=(2, 1), padding=((1, 0), (0, 2))),
    "conv2d_1x1_no_bias": lambda m: m.conv2d(leaf(m, "x", (2, 3, 3, 4)), 3, 1, use_bias=False),
    "bias_add": lambda m: m.bias_add(leaf(m, "x", (2, 3, 4))),
    "relu": lambda m: m.relu(leaf(m, "x", (4, 5))),
    "gelu": lambda m: m.gelu(leaf(m, "x", (4, 5), scale=3.0)),
    "max_pool": lambda m: m.max_pool(leaf(m, "x", (2, 4, 4, 2)), 2),
    "max_pool_overlapping": lambda m: m.max_pool(leaf(m, "x", (1, 5, 5, 2)), 3, stride=1),
    "max_pool_padded_strided": lambda m: m.max_pool(leaf(m, "x", (1, 5, 6, 2)), 3, stride=2, padding=1),
    "avg_pool": lambda m: m.avg_pool(leaf(m, "x", (2, 4, 4, 2)), 2),
    "avg_pool_padded_overlapping": lambda m: m.avg_pool(leaf(m, "x", (1, 5, 5, 2)), 3, stride=2, padding=1),
    "global_avg_pool": lambda m: m.global_avg_pool(leaf(m, "x", (2, 3, 3, 2))),
    "flatten": lambda m: m.flatten(leaf(m, "x", (2, 2, 3, 2))),
    "reshape_not_collapsible": lambda m: m.reshape(leaf(m, "x", (2, 6)), (3, 4)),
    "reshape_expand": lambda m: m.reshape(leaf(m, "x", (6, 4)), (2, 3, 2, 2)),
    "layer_norm": lambda m: m.layer_norm(leaf(m, "x", (3, 5))),
    "layer_norm_3d": lambda m: m.layer_norm(leaf(m, "x", (2, 3, 4))),
    "softmax": lambda m: m.softmax(leaf(m, "x", (3, 5), scale=2.0)),
    "softmax_xent_int_labels": lambda m: m.softmax_cross_entropy(leaf(m, "x", (4, 5), 2.0),
                                                                 m.input("y", (4,), "i32")),
    "softmax_xent_probabilities": lambda m: m.softmax_cross_entropy(
        leaf(m, "x", (4, 5), 2.0), m.softmax(leaf(m, "t", (4, 5)))),
    "softmax_xent_3d": lambda m: m.softmax_cross_entropy(leaf(m, "x", (2, 3, 5)), m.input("y", (2, 3), "i32")),
    "mse": lambda m: m.mse(leaf(m, "x", (3, 4)), leaf(m, "t", (3, 4))),
    "residual_add": lambda m: m.add(leaf(m, "a", (3, 4)), m.relu(leaf(m, "b", (3, 4)))),
    "mean": lambda m: m.mean(leaf(m, "x", (2, 3, 4)), (0, 2)),
    "sdpa_3d": lambda m: m.scaled_dot_product_attention(leaf(m, "q", (2, 3, 4)), leaf(m, "k", (2, 5, 4)),
                                                        leaf(m, "v", (2, 5, 3))),
    "sdpa_4d": lambda m: m.scaled_dot_product_attention(leaf(m, "q", (2, 2, 3, 4)), leaf(m, "k", (2, 2, 3, 4)),
                                                        leaf(m, "v", (2, 2, 3, 4))),
    "multi_head_attention": lambda m: m.multi_head_attention(leaf(m, "x", (2, 3, 4)), 2),
    "positional_embedding": lambda m: m.positional_embedding(leaf(m, "x", (2, 3, 4))),
    "shared_weight_used_twice": lambda m: (lambda x: m.add(m.dense(x, 3, name="shared"),
                                                           m.relu(x)))(leaf(m, "x", (2, 3))),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_op_gradient_matches_finite_differences(case):
    run_case(CASES[case])


def _model_case(builder, batch, seed=0, **kw):
    m, loss, logits = builder(batch=batch, seed=seed, **kw)
    step = m.compile(loss, SGD(lr=0.1), output=logits)
    rng = np.random.default_rng(seed)
    data = {"x": rng.uniform(0, 1, size=step.inputs[0].shape), "y": rng.integers(0, 10, size=(batch,))}
    return check_gradients(step, float64_params(step, seed), data, max_elements=12)


def test_mlp_gradients():
    _model_case(mlp, batch=4, blocks=2, width=6)


def test_cnn_gradients():
    _model_case(cnn, batch=2, blocks=2, width=3)


def test_resnet_gradients():
    _model_case(resnet, batch=2, blocks=2, width=3, input_shape=(4, 4, 1))


def test_transformer_gradients():
    _model_case(transformer, batch=2, blocks=1, width=8, heads=2, input_shape=(4, 3, 1))
