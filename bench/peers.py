#!/usr/bin/python3
"""The Monte-Carlo bench workloads in PyTorch and NumPy, for a side-by-side comparison with `npm run bench`.

Run: /usr/bin/python3 bench/peers.py   (Debian: apt-get install python3-torch python3-numpy)
Prints one JSON line per (peer, workload): trajectory-steps per second. Each peer runs the same update rule as
dropgrad-lab's engine (PyTorch semantics), batched over trajectories, with the per-step mean loss as its only
statistic (the engine also keeps per-step means and variances of the iterate, which costs it more).
Workloads:
  rosenbrock: masked SGD, momentum 0.9, lr 1e-3, p = 0.1, 2-D Rosenbrock from (-1.5, 2), 100,000 × 200
  quadratic:  d = 100 diagonal quadratic, eigenvalues log-spaced 1…100, from all-ones, 10,000 × 200, p = 0.1,
              SGD (lr 0.01, momentum 0.9), Adam (lr 0.01), Lion (lr 0.001); and every torch.optim rule of
              TORCH_OPTIMIZERS (their learning rates) in float64 ('quadratic100-optim-<name>')
"""
import json
import warnings
import sys
import time

QUICK = '--quick' in sys.argv
# Calls per workload; the median is reported (successive runs on the bench machine vary by ±20%).
REPEATS = 1 if QUICK else 3


def report(peer, workload, dtype, n, steps, run, threads=None):
    seconds = sorted(run() for _ in range(REPEATS))[REPEATS // 2]
    rec = {'peer': peer, 'workload': workload, 'dtype': dtype, 'trajectories': n, 'steps': steps, 'repeats': REPEATS,
           'seconds': round(seconds, 4), 'trajectorySteps_per_s': n * steps / seconds}
    if threads is not None:
        rec['threads'] = threads
    print(json.dumps(rec), flush=True)


def torch_rosenbrock(torch, dtype, n, steps):
    x = torch.empty((n, 2), dtype=dtype)
    x[:, 0] = -1.5
    x[:, 1] = 2.0
    buf = torch.zeros_like(x)
    p, q, lr, mu = 0.1, 0.9, 1e-3, 0.9
    t0 = time.perf_counter()
    for t in range(steps):
        r = x[:, 1] - x[:, 0] ** 2
        g = torch.stack((-400 * x[:, 0] * r - 2 * (1 - x[:, 0]), 200 * r), dim=1)
        g = g * (torch.rand_like(g) >= p) / q
        buf = g if t == 0 else buf.mul_(mu).add_(g)
        x.sub_(lr * buf)
        r = x[:, 1] - x[:, 0] ** 2
        (100 * r * r + (1 - x[:, 0]) ** 2).mean().item()
    return time.perf_counter() - t0


def torch_quadratic(torch, opt, n, steps):
    d = 100
    lam = torch.logspace(0, 2, d, dtype=torch.float64)
    x = torch.ones((n, d), dtype=torch.float64)
    m = torch.zeros_like(x)
    v = torch.zeros_like(x)
    p, q = 0.1, 0.9
    t0 = time.perf_counter()
    for t in range(1, steps + 1):
        g = lam * x
        g = g * (torch.rand_like(g) >= p) / q
        if opt == 'sgd':
            m = g if t == 1 else m.mul_(0.9).add_(g)
            x.sub_(0.01 * m)
        elif opt == 'adam':
            m.mul_(0.9).add_(g, alpha=0.1)
            v.mul_(0.999).addcmul_(g, g, value=0.001)
            x.sub_(0.01 / (1 - 0.9 ** t) * m / ((v / (1 - 0.999 ** t)).sqrt() + 1e-8))
        else:
            c = m * 0.9 + g * 0.1
            x.sub_(0.001 * torch.sign(c))
            m.mul_(0.99).add_(g, alpha=0.01)
        (0.5 * (lam * x * x).sum(dim=1)).mean().item()
    return time.perf_counter() - t0


TORCH_OPTIMIZERS = {
    'sgd': ('SGD', {'lr': 1e-3}),
    'sgd-momentum': ('SGD', {'lr': 1e-3, 'momentum': 0.9}),
    'nesterov': ('SGD', {'lr': 1e-3, 'momentum': 0.9, 'nesterov': True}),
    'adam': ('Adam', {'lr': 1e-3}),
    'adamw': ('AdamW', {'lr': 1e-3}),
    'amsgrad': ('Adam', {'lr': 1e-3, 'amsgrad': True}),
    'nadam': ('NAdam', {'lr': 1e-3}),
    'adagrad': ('Adagrad', {'lr': 1e-2}),
    'rmsprop': ('RMSprop', {'lr': 1e-3}),
    'rmsprop-centered-mom': ('RMSprop', {'lr': 1e-3, 'centered': True, 'momentum': 0.9}),
    'adadelta': ('Adadelta', {'lr': 1.0}),
}


def torch_optim_rosenbrock(torch, dtype, opt, n, steps):
    # torch.optim itself on an (n, 2) parameter (every rule is elementwise), masks from torch.bernoulli, the
    # gradient in closed form, the mean loss per step.
    x = torch.empty((n, 2), dtype=dtype)
    x[:, 0] = -1.5
    x[:, 1] = 2.0
    cls, kw = TORCH_OPTIMIZERS[opt]
    o = getattr(torch.optim, cls)([x], **kw)
    keep = torch.full((n, 2), 0.9, dtype=dtype)
    t0 = time.perf_counter()
    for t in range(steps):
        r = x[:, 1] - x[:, 0] ** 2
        g = torch.stack((-400 * x[:, 0] * r - 2 * (1 - x[:, 0]), 200 * r), dim=1)
        x.grad = g * torch.bernoulli(keep) / 0.9
        o.step()
        r = x[:, 1] - x[:, 0] ** 2
        (100 * r * r + (1 - x[:, 0]) ** 2).mean().item()
    return time.perf_counter() - t0


def torch_optim_quadratic(torch, opt, n, steps):
    # torch.optim in float64 on the d = 100 diagonal quadratic (n, 100) parameter, masks from torch.bernoulli.
    d = 100
    lam = torch.logspace(0, 2, d, dtype=torch.float64)
    x = torch.ones((n, d), dtype=torch.float64)
    cls, kw = TORCH_OPTIMIZERS[opt]
    o = getattr(torch.optim, cls)([x], **kw)
    keep = torch.full((n, d), 0.9, dtype=torch.float64)
    t0 = time.perf_counter()
    for t in range(steps):
        x.grad = lam * x * torch.bernoulli(keep) / 0.9
        o.step()
        (0.5 * (lam * x * x).sum(dim=1)).mean().item()
    return time.perf_counter() - t0


def numpy_rosenbrock(np, n, steps):
    rng = np.random.default_rng(1)
    x = np.empty((n, 2))
    x[:, 0] = -1.5
    x[:, 1] = 2.0
    buf = np.zeros_like(x)
    p, q, lr, mu = 0.1, 0.9, 1e-3, 0.9
    g = np.empty_like(x)
    t0 = time.perf_counter()
    for t in range(steps):
        r = x[:, 1] - x[:, 0] ** 2
        g[:, 0] = -400 * x[:, 0] * r - 2 * (1 - x[:, 0])
        g[:, 1] = 200 * r
        g *= (rng.random(g.shape) >= p) / q
        buf = g.copy() if t == 0 else buf * mu + g
        x -= lr * buf
        r = x[:, 1] - x[:, 0] ** 2
        (100 * r * r + (1 - x[:, 0]) ** 2).mean()
    return time.perf_counter() - t0


def numpy_quadratic(np, opt, n, steps):
    rng = np.random.default_rng(1)
    d = 100
    lam = np.logspace(0, 2, d)
    x = np.ones((n, d))
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    t0 = time.perf_counter()
    for t in range(1, steps + 1):
        g = lam * x * (rng.random(x.shape) >= 0.1) / 0.9
        if opt == 'sgd':
            m = g if t == 1 else m * 0.9 + g
            x -= 0.01 * m
        elif opt == 'adam':
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            x -= 0.01 / (1 - 0.9 ** t) * m / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        else:
            c = m * 0.9 + g * 0.1
            x -= 0.001 * np.sign(c)
            m = 0.99 * m + 0.01 * g
        (0.5 * (lam * x * x).sum(axis=1)).mean()
    return time.perf_counter() - t0


def main():
    warnings.filterwarnings('ignore')
    nr, nq, steps = (10_000, 1_000, 50) if QUICK else (100_000, 10_000, 200)
    try:
        import torch
        torch.set_num_threads(2)
        for dtype, name in ((torch.float64, 'float64'), (torch.float32, 'float32')):
            report('pytorch ' + torch.__version__, 'rosenbrock-sgd-momentum', name, nr, steps, lambda: torch_rosenbrock(torch, dtype, nr, steps), 2)
        for opt in TORCH_OPTIMIZERS:
            report('pytorch ' + torch.__version__ + ' torch.optim', 'rosenbrock-' + opt, 'float32', nr, steps,
                   lambda: torch_optim_rosenbrock(torch, torch.float32, opt, nr, steps), 2)
        for opt in ('sgd', 'adam', 'lion'):
            report('pytorch ' + torch.__version__, 'quadratic100-' + opt, 'float64', nq, steps, lambda: torch_quadratic(torch, opt, nq, steps), 2)
        for opt in TORCH_OPTIMIZERS:
            report('pytorch ' + torch.__version__ + ' torch.optim', 'quadratic100-optim-' + opt, 'float64', nq, steps,
                   lambda: torch_optim_quadratic(torch, opt, nq, steps), 2)
    except ImportError:
        print(json.dumps({'peer': 'pytorch', 'error': 'not installed (apt-get install python3-torch)'}))
    try:
        import numpy as np
        report('numpy ' + np.__version__, 'rosenbrock-sgd-momentum', 'float64', nr, steps, lambda: numpy_rosenbrock(np, nr, steps))
        for opt in ('sgd', 'adam', 'lion'):
            report('numpy ' + np.__version__, 'quadratic100-' + opt, 'float64', nq, steps, lambda: numpy_quadratic(np, opt, nq, steps))
    except ImportError:
        print(json.dumps({'peer': 'numpy', 'error': 'not installed (apt-get install python3-numpy)'}))


if __name__ == '__main__':
    main()
