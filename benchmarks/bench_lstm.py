"""Forward + backward time of three LSTM implementations, each as a ratio to the matrix-product bound.

(a) a per-sample, per-gate loop in the style of common tutorials (column vectors, four separate
    weight matrices, one sample at a time);
(b) the fused, batched numpy LSTM of lstm_helpers (``lstm_forward`` + ``lstm_backward``);
(c) keras.layers.LSTM on the CPU, differentiated with tf.GradientTape inside tf.function (a graph,
    as Keras's fit() runs it); (c') the same, eager.

The bound: the matrix products of one forward and backward pass, timed alone on the same shapes
and dtype, in the same process. Written as the equations group them, they are three products per
step t, with ``hx_t = [h_{t-1}, x_t]`` (B × (H + n)) and ``W = [W_h; W_x]`` ((H + n) × 4H):

    forward    a_t = hx_t W            (B × (H+n)) · ((H+n) × 4H)    h_{t-1} W_h and x_t W_x
    backward   hx_tᵀ δa_t              ((H+n) × B) · (B × 4H)        the terms of δW_h and δW_x
               δa_t Wᵀ                 (B × 4H) · (4H × (H+n))       δh_{t-1} from step t, and ∂L/∂x_t

For scale: 25–27 ms at B=64, T=100, n=32, H=128 and 160–190 ms at B=128, T=100, n=64, H=256 on
2 cores of an AMD EPYC server. Every implementation must do these multiply-adds, and nothing else in
an LSTM is a matrix product, so a ratio of 1 would mean that the gates, the cell update and Python
cost nothing. The numpy LSTM does the same multiply-adds arranged differently: ``X W_x``,
``Xᵀ δA``, ``H_prevᵀ δA`` and ``δA W_xᵀ`` as one product each over all T·B rows (they do not feed
the recursion), and only ``h_{t-1} W_h`` and ``δa_t W_hᵀ`` step by step. That arrangement is timed
too (column "batched"): when it is about as fast as the bound, the rest of the numpy LSTM's time is
elementwise work (numpy runs it on one core, ``exp`` being the costly part) and memory traffic.

Timing: the implementations take turns, round after round, and each reports its fastest round (as
``timeit`` advises: slower rounds are other processes interfering, not the code). (a) and (b) are
first checked to give Keras's gradients, so the comparison is between equal computations.
Run with `make bench`; this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import lstm_helpers
from machine import cpu_name  # benchmarks/machine.py, next to this script

lstm_helpers.setup(seed=0, style=False)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from lstm_helpers import lstm  # noqa: E402

SIZES = ((64, 100, 32, 128), (128, 100, 64, 256))  # batch B, steps T, features n, units H


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def tutorial_style(x, weights, dh):
    """(a): forward and backward one sample at a time, one gate at a time, column vectors."""
    batch, steps, _ = x.shape
    H = weights.units
    gates = {name: [m.T for m in weights.gate(name)[:2]] + [weights.gate(name)[2][:, None]] for name in lstm.GATES}
    grads = {name: [np.zeros_like(m) for m in gates[name]] for name in lstm.GATES}
    for s in range(batch):
        h, c = np.zeros((H, 1)), np.zeros((H, 1))
        cache = []
        for t in range(steps):
            xt = x[s, t][:, None]
            i = sigmoid(np.dot(gates["i"][0], xt) + np.dot(gates["i"][1], h) + gates["i"][2])
            f = sigmoid(np.dot(gates["f"][0], xt) + np.dot(gates["f"][1], h) + gates["f"][2])
            g = np.tanh(np.dot(gates["c_tilde"][0], xt) + np.dot(gates["c_tilde"][1], h) + gates["c_tilde"][2])
            o = sigmoid(np.dot(gates["o"][0], xt) + np.dot(gates["o"][1], h) + gates["o"][2])
            c_prev, h_prev = c, h
            c = f * c + i * g
            h = o * np.tanh(c)
            cache.append((xt, h_prev, c_prev, i, f, g, o, c))
        dh_next, dc_next = np.zeros((H, 1)), np.zeros((H, 1))
        for t in reversed(range(steps)):
            xt, h_prev, c_prev, i, f, g, o, c = cache[t]
            dh_t = dh[s, t][:, None] + dh_next
            tc = np.tanh(c)
            dc = dc_next + dh_t * o * (1 - tc**2)
            deltas = {"i": dc * g * i * (1 - i), "f": dc * c_prev * f * (1 - f),
                      "c_tilde": dc * i * (1 - g**2), "o": dh_t * tc * o * (1 - o)}
            dh_next = np.zeros((H, 1))
            for name, delta in deltas.items():
                grads[name][0] += np.dot(delta, xt.T)
                grads[name][1] += np.dot(delta, h_prev.T)
                grads[name][2] += delta
                dh_next += np.dot(gates[name][1].T, delta)
            dc_next = dc * f
    dW_x = np.concatenate([grads[name][0].T for name in lstm.GATES], axis=1)
    dW_h = np.concatenate([grads[name][1].T for name in lstm.GATES], axis=1)
    db = np.concatenate([grads[name][2][:, 0] for name in lstm.GATES])
    return dW_x, dW_h, db


def fused_numpy(x, weights, dh):
    """(b): lstm_helpers' batched forward and backward."""
    g = lstm.lstm_backward(x, weights, lstm.lstm_forward(x, weights), dh)
    return g.dW_x, g.dW_h, g.db


def make_keras(weights):
    layer = keras.layers.LSTM(weights.units, return_sequences=True)
    layer.build((None, None, weights.features))
    lstm.to_keras(weights, layer)

    def gradients(inputs, upstream):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(inputs) * upstream)
        return tape.gradient(loss, layer.trainable_variables)

    compiled = tf.function(gradients)  # a graph, as Keras's fit() runs it

    def run(x, dh, graph=True):
        grads = (compiled if graph else gradients)(tf.constant(x), tf.constant(dh))
        return [g.numpy() for g in grads]

    return run


def product_bound(x, weights):
    """The matrix products of one forward + backward pass, nothing else: three per step (see the top)."""
    batch, steps, features = x.shape  # B, T, n
    units = weights.units  # H
    rng = np.random.default_rng(1)
    W = weights.W  # (H + n, 4H): [W_h; W_x]
    hx = rng.normal(size=(batch, units + features)).astype(x.dtype)  # [h_{t-1}, x_t]
    da = rng.normal(size=(batch, 4 * units)).astype(x.dtype)  # δa_t

    def run():
        for _ in range(steps):
            hx @ W  # forward: a_t = [h_{t-1}, x_t] W (+ b)
            hx.T @ da  # backward: the step's terms of δW_h and δW_x
            da @ W.T  # backward: δh_{t-1} from step t, and ∂L/∂x_t
    return run


def batched_product_bound(x, weights):
    """The same multiply-adds arranged as lstm_forward/lstm_backward do them (input side over all T·B rows)."""
    batch, steps, features = x.shape  # B, T, n
    units = weights.units  # H
    rng = np.random.default_rng(1)
    x_rows = x.reshape(batch * steps, features)  # (T·B, n)
    h = rng.normal(size=(batch, units)).astype(x.dtype)  # h_{t-1}
    da = rng.normal(size=(batch, 4 * units)).astype(x.dtype)  # δa_t
    da_rows = rng.normal(size=(batch * steps, 4 * units)).astype(x.dtype)  # δA, every step
    h_rows = rng.normal(size=(batch * steps, units)).astype(x.dtype)  # H_prev, every step

    def run():
        x_rows @ weights.W_x  # forward: X W_x
        for _ in range(steps):
            h @ weights.W_h  # forward: h_{t-1} W_h
        for _ in range(steps):
            da @ weights.W_h.T  # backward: δa_t W_hᵀ
        x_rows.T @ da_rows  # δW_x
        h_rows.T @ da_rows  # δW_h
        da_rows @ weights.W_x.T  # ∂L/∂x_t for every step
    return run


def exponentials(x, weights):
    """The exponentials the numpy LSTM evaluates, alone: per step, one per gate unit and one for tanh(c_t)
    forward, and one for tanh(c_t) again backward (σ and tanh each cost one ``exp``, see lstm.sigmoid)."""
    batch, steps, _ = x.shape  # B, T
    units = weights.units  # H
    rng = np.random.default_rng(2)
    gates = rng.normal(size=(4, batch, units)).astype(x.dtype)  # a_t
    cell = rng.normal(size=(batch, units)).astype(x.dtype)  # c_t
    out_gates, out_cell = np.empty_like(gates), np.empty_like(cell)

    def run():
        for _ in range(steps):
            np.exp(gates, out=out_gates)  # forward: i, f, c̃, o
            np.exp(cell, out=out_cell)  # forward: tanh(c_t)
        for _ in range(steps):
            np.exp(cell, out=out_cell)  # backward: tanh(c_t)
    return run


def fastest_rounds(functions, rounds, once):
    """Run the functions in turn, ``rounds`` times after a warm-up; each one's fastest time in seconds.

    Functions named in ``once`` (the slow tutorial loop) run in the first round only.
    """
    best = {name: float("inf") for name in functions}
    for name, function in functions.items():
        if name not in once:
            function()  # warm-up (and graph tracing for Keras)
    for round_ in range(rounds):
        for name, function in functions.items():
            if name in once and round_ > 0:
                continue
            start = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds per implementation (default 7)")
    parser.add_argument("--skip-loop", action="store_true", help="leave out (a), the slow tutorial loop")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    blas_threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    tf_threads = tf.config.threading.get_intra_op_parallelism_threads() or "default"
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores; numpy {np.__version__}, tensorflow {tf.__version__}; "
          f"threads: OPENBLAS_NUM_THREADS={blas_threads}, TensorFlow intra-op {tf_threads}")
    print(f"float32; each time is the fastest of {args.rounds} rounds after a warm-up ((a): one round)")
    print("bound: the matrix products alone, three per step (see the script's docstring); "
          "ratios are time / bound\n")
    header = (f"{'B':>4} {'T':>4} {'n':>3} {'H':>4} | {'bound':>7} {'batched':>8} | {'(a) loop':>9} {'(b) numpy':>9} "
              f"{'(c) Keras':>9} {'(c´) eager':>10} | {'a/bound':>7} {'b/bound':>7} {'c/bound':>7} {'c´/bound':>8} | {'b/c':>5}")
    print(header)
    print("-" * len(header))
    floors = []
    for batch, steps, features, units in SIZES:
        weights = lstm.init_lstm(features, units, rng)
        weights = lstm.LSTMWeights(*(w.astype(np.float32) for w in (weights.W_x, weights.W_h, weights.b)))
        x = rng.normal(size=(batch, steps, features)).astype(np.float32)
        dh = rng.normal(size=(batch, steps, units)).astype(np.float32)
        keras_run = make_keras(weights)
        checked = [fused_numpy] if args.skip_loop else [fused_numpy, tutorial_style]
        for implementation in checked:  # the same computation as Keras's
            for mine, theirs in zip(implementation(x, weights, dh), keras_run(x, dh)):
                np.testing.assert_allclose(mine, theirs, rtol=1e-3, atol=1e-3)
        functions = {
            "bound": product_bound(x, weights),
            "batched": batched_product_bound(x, weights),
            "exp": exponentials(x, weights),
            "numpy": lambda: fused_numpy(x, weights, dh),
            "keras": lambda: keras_run(x, dh),
            "eager": lambda: keras_run(x, dh, graph=False),
        }
        if not args.skip_loop:
            functions["loop"] = lambda: tutorial_style(x, weights, dh)
        t = fastest_rounds(functions, args.rounds, once={"loop"})
        ratio = {name: seconds / t["bound"] for name, seconds in t.items()}
        loop_time, loop_ratio = (f"{t['loop']:>8.2f}s", f"{ratio['loop']:>6.1f}x") if "loop" in t else (f"{'-':>9}", f"{'-':>7}")
        print(f"{batch:>4} {steps:>4} {features:>3} {units:>4} | {t['bound'] * 1e3:>5.1f}ms {t['batched'] * 1e3:>6.1f}ms | "
              f"{loop_time} {t['numpy'] * 1e3:>7.1f}ms {t['keras'] * 1e3:>7.1f}ms {t['eager'] * 1e3:>8.1f}ms | "
              f"{loop_ratio} {ratio['numpy']:>6.2f}x {ratio['keras']:>6.2f}x {ratio['eager']:>7.2f}x | "
              f"{t['numpy'] / t['keras']:>4.2f}x")
        floors.append(f"{batch:>4} {steps:>4} {features:>3} {units:>4} | exps alone {t['exp'] * 1e3:>6.1f}ms | batched "
                      f"products + exps {(t['batched'] + t['exp']) * 1e3:>6.1f}ms = "
                      f"{(t['batched'] + t['exp']) / t['bound']:.2f}x the bound")
    print("\nA floor for any numpy LSTM of this design: its products as arranged, plus the exponentials alone")
    print("(every other elementwise operation and all Python overhead left out):")
    print("\n".join(floors))


if __name__ == "__main__":
    main()
