"""Forward + backward time of three LSTM implementations, side by side in one process.

(a) a per-sample, per-gate loop in the style of common tutorials (column vectors, four separate
    weight matrices, one sample at a time);
(b) the fused, batched numpy LSTM of lstm_helpers (one matrix product per step for all gates and
    all samples);
(c) keras.layers.LSTM on the CPU, differentiated with tf.GradientTape.

Each is warmed up, then timed over several repeats; the table reports the median. (a) and (b) are
checked to give the same gradients first, so the comparison is between equal computations.
Run with `make bench`; this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import lstm_helpers
from machine import cpu_name  # benchmarks/machine.py, next to this script

lstm_helpers.setup(seed=0, style=False)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from lstm_helpers import lstm  # noqa: E402


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


def median_seconds(fn, repeats):
    fn()  # warm-up (and graph tracing for Keras)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores; numpy {np.__version__}, tensorflow {tf.__version__}; "
          f"float32, median of {args.repeats} repeats after a warm-up")
    print("(c) is the Keras layer under tf.function (a graph, as fit() runs it); (c') the same, eager\n")
    header = (f"{'batch':>5} {'T':>4} {'n':>4} {'H':>4} | {'(a) loop':>9} {'(b) fused':>9} {'(c) Keras':>9} "
              f"{'(c´) eager':>10} | {'a/b':>6} {'b/c':>5} {'b/c´':>5}")
    print(header)
    print("-" * len(header))
    for batch, steps, features, units in ((64, 100, 32, 128), (128, 100, 64, 256)):
        weights = lstm.init_lstm(features, units, rng)
        weights = lstm.LSTMWeights(*(w.astype(np.float32) for w in (weights.W_x, weights.W_h, weights.b)))
        x = rng.normal(size=(batch, steps, features)).astype(np.float32)
        dh = rng.normal(size=(batch, steps, units)).astype(np.float32)
        keras_run = make_keras(weights)
        for mine, loop, theirs in zip(fused_numpy(x, weights, dh), tutorial_style(x, weights, dh), keras_run(x, dh)):
            np.testing.assert_allclose(mine, loop, rtol=1e-3, atol=1e-3)  # the same computation
            np.testing.assert_allclose(mine, theirs, rtol=1e-3, atol=1e-3)
        repeats_loop = max(1, args.repeats // 2)  # the slow loop gets fewer repeats
        t_a = median_seconds(lambda: tutorial_style(x, weights, dh), repeats_loop)
        t_b = median_seconds(lambda: fused_numpy(x, weights, dh), args.repeats)
        t_c = median_seconds(lambda: keras_run(x, dh), args.repeats)
        t_e = median_seconds(lambda: keras_run(x, dh, graph=False), args.repeats)
        print(f"{batch:>5} {steps:>4} {features:>4} {units:>4} | {t_a:>8.3f}s {t_b:>8.3f}s {t_c:>8.3f}s "
              f"{t_e:>9.3f}s | {t_a / t_b:>5.1f}x {t_b / t_c:>4.2f}x {t_b / t_e:>4.2f}x")


if __name__ == "__main__":
    main()
