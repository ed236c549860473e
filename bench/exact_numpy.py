"""The exact trainer's tabular gradient update in NumPy, timed, for bench/run.ts to compare with.

Reads one JSON object on stdin:
  {"C", "A", "steps", "repeats", "p": [C], "lref": [C*A], "R": [C*A], "beta", "eta"}
runs `steps` updates from theta = 0 `repeats` times (after one warm-up run of steps // 10) and
prints one JSON object: {"numpy": version, "seconds": [per repeat], "theta": [C*A] (final)}.

The update is MODEL.md's, written the way a careful NumPy user would: vectorized over the whole
table, with preallocated buffers (out=) so that the loop allocates nothing:
  Q = R - beta (log pi - log pi_ref),  A = Q - sum_b pi Q,  theta += eta p(c) pi A
"""

import json
import sys
import time

try:
    import numpy as np
except ImportError:
    print(json.dumps({"error": "numpy is missing: apt-get install python3-numpy"}))
    sys.exit(0)


def run(cfg, steps):
    C, A = cfg["C"], cfg["A"]
    lref = np.asarray(cfg["lref"], dtype=np.float64).reshape(C, A)
    R = np.asarray(cfg["R"], dtype=np.float64).reshape(C, A)
    p = np.asarray(cfg["p"], dtype=np.float64).reshape(C, 1)
    beta, eta = float(cfg["beta"]), float(cfg["eta"])
    eta_p = eta * p
    theta = np.zeros((C, A))
    z = np.empty((C, A))
    m = np.empty((C, 1))
    s = np.empty((C, 1))
    lse = np.empty((C, 1))
    q = np.empty((C, A))
    tmp = np.empty((C, A))
    mean_q = np.empty((C, 1))
    for _ in range(steps):
        # pi = softmax(lref + theta), row by row, shifted by the row max
        np.add(lref, theta, out=z)
        np.max(z, axis=1, keepdims=True, out=m)
        np.subtract(z, m, out=z)
        np.exp(z, out=z)
        np.sum(z, axis=1, keepdims=True, out=s)
        np.log(s, out=lse)
        np.add(lse, m, out=lse)
        np.divide(z, s, out=z)  # z is now pi
        # Q = R - beta (theta - lse);  A = Q - E_pi Q
        np.subtract(theta, lse, out=q)
        np.multiply(q, -beta, out=q)
        np.add(q, R, out=q)
        np.multiply(z, q, out=tmp)
        np.sum(tmp, axis=1, keepdims=True, out=mean_q)
        np.subtract(q, mean_q, out=q)
        # theta += eta p pi A
        np.multiply(q, z, out=q)
        np.multiply(q, eta_p, out=q)
        np.add(theta, q, out=theta)
    return theta


def main():
    cfg = json.load(sys.stdin)
    run(cfg, max(1, cfg["steps"] // 10))  # warm-up
    seconds = []
    theta = None
    for _ in range(cfg["repeats"]):
        t0 = time.perf_counter()
        theta = run(cfg, cfg["steps"])
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"numpy": np.__version__, "seconds": seconds, "theta": theta.ravel().tolist()}))


if __name__ == "__main__":
    main()
