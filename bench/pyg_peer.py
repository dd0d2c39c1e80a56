#!/usr/bin/python3
"""PyTorch Geometric peer measurement for issue 4: the same GAT models on the very same benchmark files.

Measures PyTorch Geometric (PyG) side by side with gatkit on the graphs written by
`../shared/bench/gen_graph.py` (edges.txt + features.npy + labels.npy [+ graph_ptr.npy]), read as they
are, and writes one JSON object per measurement.

Getting PyG (never committed to this repository)
-----------------------------------------------
* Debian 12: `apt-get install -y python3-torch python3-numpy python3-fsspec python3-jinja2 python3-tqdm
  python3-aiohttp` (torch 1.13.0a0, numpy 1.24.2; requests/pyparsing/psutil come with the system) and run
  this script with `/usr/bin/python3`.
* PyG source: PyTorch Geometric 2.6.1, tag `2.6.1` = commit 7ca40d635c4757f53ec2a1260e4a9e6505f8ad49 of
  https://github.com/pyg-team/pytorch_geometric (in this workplace: the `fetch` tool with
  `github:pyg-team/pytorch_geometric`, then `git --git-dir=<mirror> archive 2.6.1 | tar -x -C /work/pyg-src`).
  Pure Python, no torch-scatter / torch-sparse / pyg-lib: PyG falls back to plain torch ops
  (torch.scatter_reduce, index_select). It imports and runs unpatched with torch 1.13.
* `PYTHONPATH=/work/pyg-src /usr/bin/python3 bench/pyg_peer.py ...` (bench/pyg_peer.sh does all runs).
* BLAS: Debian's torch calls libblas.so.3 for its float GEMMs (BLAS_INFO=generic). A plain install of
  python3-torch gets the reference (netlib) BLAS of libblas3, about 1-2 GFLOP/s, which makes the dense
  projections a large part of the step (measured here: about 5x slower steps on the 10k-node graphs and 6x
  fewer training graphs/s on the molecule set than with OpenBLAS). For a peer with an optimised GEMM without touching the
  system's BLAS alternative, unpack Debian's OpenBLAS beside it and put it first on LD_LIBRARY_PATH:
  `apt-get download libopenblas0-openmp && dpkg -x libopenblas0-openmp_*.deb /work/openblas/root`, then
  `LD_LIBRARY_PATH=/work/openblas/root/usr/lib/x86_64-linux-gnu/openblas-openmp` (the OpenMP build shares
  torch's libgomp and thread count). The JSON records which BLAS library was loaded ("blas").
* Shared machine: torch's OpenMP threads spin at each barrier (GOMP's default wait policy). With more runnable
  threads than cores (other work beside the run), every parallel op then waits for a descheduled thread and
  2-thread runs become several times slower than 1-thread runs. OMP_WAIT_POLICY=passive avoids most of that;
  the JSON records that variable ("env") and the CPU-over-wall ratio of each phase.

Models (the reference model of ../shared/bench/README.md)
---------------------------------------------------------
* --kind node: conv1 = GATConv(128, 8, heads=8, dropout=0.6) (concat, 64 wide), ELU,
  conv2 = GATConv(64, 16, heads=1, concat=False, dropout=0.6); dropout 0.6 on each layer's input;
  add_self_loops default (True); Adam lr 0.005, weight decay 5e-4; cross-entropy on a fixed training mask
  (20 nodes per class, seed 0). Full batch. Timed: training step (zero_grad + forward + loss + backward +
  Adam step), `--warmup` untimed steps first, then `--steps` timed ones; inference (model.eval(),
  torch.no_grad(), full forward), one untimed then `--steps` timed.
* --kind mol: 3 x GATConv (64 per head, 4 heads, concat: 256 wide), ELU after each, global_mean_pool,
  Linear(256, 2); dropout 0 (none is specified for the molecule set); Adam lr 0.005, weight decay 5e-4;
  cross-entropy per graph; batches of 128 graphs built from graph_ptr.npy (shuffled each epoch with a fixed
  seed for training, in order for inference). An epoch is all graphs; the epoch time includes building the
  batches (vectorised numpy, well under 1 %; reported separately as *_batch_build_s_median). Reported: graphs per
  second = graphs / epoch time, median over `--steps` epochs after `--warmup` untimed epochs.

Peak RSS is getrusage(RUSAGE_SELF).ru_maxrss of this process (one process per graph and thread count), so it
includes loading the files; the RSS after loading is reported too. The load average (/proc/loadavg) is written
at the start and end of each phase, and *_cpu_over_wall (process CPU seconds / wall seconds of the timed
phase; at most --threads) shows how much of the machine the run actually got: the figures are only comparable
when nothing else ran beside them.
"""

import argparse
import json
import os
import platform
import resource
import shlex
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

try:
    import torch_geometric
    from torch_geometric.nn import GATConv, global_mean_pool
except ImportError as err:
    sys.exit(f"pyg_peer.py: cannot import PyTorch Geometric ({err}); put its source on PYTHONPATH "
             "(see the header of this script)")


# ----------------------------------------------------------------------------------------------- utils
def loadavg():
    with open("/proc/loadavg") as f:
        return [float(v) for v in f.read().split()[:3]]


def rss_mb(kind="peak"):
    if kind == "peak":
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # ru_maxrss is in KiB on Linux
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def wait_for_load(max_load, max_wait_s, log):
    """Wait (up to max_wait_s) until the 1-minute load average is at most max_load; returns seconds waited."""
    if max_load is None:
        return 0.0
    t0 = time.time()
    while loadavg()[0] > max_load and time.time() - t0 < max_wait_s:
        time.sleep(10)
    waited = time.time() - t0
    if waited > 0:
        log(f"waited {waited:.0f} s for load <= {max_load}: now {loadavg()}")
    return waited


def read_edges(path):
    """edges.txt ("src dst" per line) -> int64 tensor 2 x E. np.fromfile with sep=' ' parses any whitespace."""
    e = np.fromfile(path, dtype=np.int64, sep=" ")
    if e.size % 2:
        raise ValueError(f"{path}: odd number of integers")
    return torch.from_numpy(e.reshape(-1, 2).T.copy())


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except OSError:
        mem_kb = 0
    return {"cpu": model, "cpus": os.cpu_count(), "mem_gb": round(mem_kb / 2**20, 1),
            "kernel": platform.release(), "python": platform.python_version()}


def blas_library():
    """The BLAS shared library torch's GEMM really uses (libblas.so.3 is Debian's alternative: reference BLAS
    from libblas3 unless OpenBLAS/BLIS/MKL is installed or put first on LD_LIBRARY_PATH)."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if any(k in os.path.basename(path) for k in ("blas", "blis", "mkl_")):
                libs.add(os.path.realpath(path))
    return sorted(libs)


ENV_KEYS = ("LD_LIBRARY_PATH", "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_NUM_THREADS")


def ms(seconds):
    return [round(s * 1e3, 3) for s in seconds]


# ----------------------------------------------------------------------------------------------- node
class NodeGAT(torch.nn.Module):
    def __init__(self, in_dim, num_classes, hidden=8, heads=8, p=0.6):
        super().__init__()
        self.p = p
        self.conv1 = GATConv(in_dim, hidden, heads=heads, dropout=p)
        self.conv2 = GATConv(hidden * heads, num_classes, heads=1, concat=False, dropout=p)

    def forward(self, x, edge_index):
        x = F.dropout(x, p=self.p, training=self.training)
        x = F.elu(self.conv1(x, edge_index))
        x = F.dropout(x, p=self.p, training=self.training)
        return self.conv2(x, edge_index)


def run_node(args, log):
    t0 = time.perf_counter()
    x = torch.from_numpy(np.load(os.path.join(args.graph, "features.npy")))
    y = torch.from_numpy(np.load(os.path.join(args.graph, "labels.npy")).astype(np.int64))
    edge_index = read_edges(os.path.join(args.graph, "edges.txt"))
    n, num_classes = x.shape[0], int(y.max()) + 1
    load_s = time.perf_counter() - t0
    log(f"loaded {n} nodes, {edge_index.shape[1]} edges, {x.shape[1]} features, {num_classes} classes "
        f"in {load_s:.1f} s; RSS {rss_mb('now'):.0f} MB")

    # fixed training mask: 20 nodes per class (seed 0)
    g = np.random.default_rng(0)
    yn = y.numpy()
    train_idx = np.concatenate([g.permutation(np.flatnonzero(yn == c))[:20] for c in range(num_classes)])
    train_idx = torch.from_numpy(np.sort(train_idx))

    torch.manual_seed(0)
    model = NodeGAT(x.shape[1], num_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.005, weight_decay=5e-4)

    def step():
        model.train()
        opt.zero_grad()
        out = model(x, edge_index)
        loss = F.cross_entropy(out[train_idx], y[train_idx])
        loss.backward()
        opt.step()
        return float(loss)

    res = {"nodes": n, "edges": int(edge_index.shape[1]), "load_s": round(load_s, 2),
           "rss_after_load_mb": round(rss_mb(), 1), "train_nodes": int(train_idx.numel())}
    res["wait_for_load_s"] = wait_for_load(args.max_load, args.max_wait, log)
    res["loadavg_train_start"] = loadavg()
    for i in range(args.warmup):
        t = time.perf_counter()
        loss = step()
        log(f"warm-up step {i}: {time.perf_counter() - t:.3f} s, loss {loss:.4f}")
    times, cpu = [], []
    for i in range(args.steps):
        t, c = time.perf_counter(), time.process_time()
        loss = step()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        log(f"step {i}: {times[-1]:.3f} s (CPU {cpu[-1]:.3f} s), loss {loss:.4f}, peak RSS {rss_mb():.0f} MB, "
            f"load {loadavg()[0]}")
    res["loadavg_train_end"] = loadavg()
    res["train_step_ms"] = ms(times)
    res["train_step_cpu_over_wall"] = round(sum(cpu) / sum(times), 3)
    res["train_step_ms_median"] = round(statistics.median(times) * 1e3, 3)
    res["final_loss"] = round(loss, 5)
    res["peak_rss_train_mb"] = round(rss_mb(), 1)

    model.eval()
    res["loadavg_inference_start"] = loadavg()
    times, cpu = [], []
    with torch.no_grad():
        for i in range(args.steps + 1):
            t, c = time.perf_counter(), time.process_time()
            out = model(x, edge_index)
            dt, dc = time.perf_counter() - t, time.process_time() - c
            if i > 0:  # the first one is a warm-up
                times.append(dt)
                cpu.append(dc)
            log(f"inference {i}{' (warm-up)' if i == 0 else ''}: {dt:.3f} s (CPU {dc:.3f} s)")
    res["loadavg_inference_end"] = loadavg()
    res["inference_ms"] = ms(times)
    res["inference_cpu_over_wall"] = round(sum(cpu) / sum(times), 3)
    res["inference_ms_median"] = round(statistics.median(times) * 1e3, 3)
    res["train_accuracy"] = round(float((out[train_idx].argmax(1) == y[train_idx]).float().mean()), 4)
    return res


# ----------------------------------------------------------------------------------------------- mol
class MolGAT(torch.nn.Module):
    def __init__(self, in_dim, num_classes, hidden=64, heads=4, layers=3):
        super().__init__()
        dims = [in_dim] + [hidden * heads] * layers
        self.convs = torch.nn.ModuleList(GATConv(dims[i], hidden, heads=heads) for i in range(layers))
        self.head = torch.nn.Linear(hidden * heads, num_classes)

    def forward(self, x, edge_index, batch, num_graphs):
        for conv in self.convs:
            x = F.elu(conv(x, edge_index))
        return self.head(global_mean_pool(x, batch, size=num_graphs))


class MolBatches:
    """Builds PyG-style disjoint-union batches (x, edge_index, batch vector) from graph_ptr offsets."""

    def __init__(self, graph_dir):
        self.x = np.load(os.path.join(graph_dir, "features.npy"))
        self.y = np.load(os.path.join(graph_dir, "labels.npy")).astype(np.int64)
        self.ptr = np.load(os.path.join(graph_dir, "graph_ptr.npy")).astype(np.int64)
        e = np.fromfile(os.path.join(graph_dir, "edges.txt"), dtype=np.int64, sep=" ").reshape(-1, 2)
        order = np.argsort(e[:, 0], kind="stable")  # already sorted by src; keep it robust
        self.e = e[order]
        self.eptr = np.searchsorted(self.e[:, 0], self.ptr)  # edge range of each graph (edges stay inside)
        self.num_graphs = len(self.ptr) - 1
        self.num_nodes = int(self.ptr[-1])
        gid = np.repeat(np.arange(self.num_graphs), np.diff(self.ptr))
        if not np.array_equal(gid[self.e[:, 0]], gid[self.e[:, 1]]):
            raise ValueError("an edge joins two graphs")

    @staticmethod
    def _ranges(starts, ends):
        lens = ends - starts
        offs = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
        return np.arange(lens.sum()) + offs, lens

    def batch(self, graphs):
        nodes, nlen = self._ranges(self.ptr[graphs], self.ptr[graphs + 1])
        edges, elen = self._ranges(self.eptr[graphs], self.eptr[graphs + 1])
        # relabel: global id -> position in this batch (graph-wise shift)
        new_start = np.concatenate(([0], np.cumsum(nlen)[:-1]))
        shift = np.repeat(new_start - self.ptr[graphs], elen)
        ei = (self.e[edges] + shift[:, None]).T
        b = np.repeat(np.arange(len(graphs)), nlen)
        return (torch.from_numpy(self.x[nodes]), torch.from_numpy(np.ascontiguousarray(ei)),
                torch.from_numpy(b), torch.from_numpy(self.y[graphs]), len(graphs))


def run_mol(args, log):
    t0 = time.perf_counter()
    data = MolBatches(args.graph)
    load_s = time.perf_counter() - t0
    G = data.num_graphs
    log(f"loaded {G} graphs, {data.num_nodes} nodes, {len(data.e)} edges in {load_s:.1f} s")
    torch.manual_seed(0)
    model = MolGAT(data.x.shape[1], int(data.y.max()) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.005, weight_decay=5e-4)
    rng = np.random.default_rng(0)
    bs = args.batch_size
    cpu = []  # process CPU seconds of each epoch (to compare with wall time: contention)

    def train_epoch():
        model.train()
        t, c = time.perf_counter(), time.process_time()
        build, total_loss = 0.0, 0.0
        perm = rng.permutation(G)
        for s in range(0, G, bs):
            tb = time.perf_counter()
            x, ei, b, y, ng = data.batch(perm[s:s + bs])
            build += time.perf_counter() - tb
            opt.zero_grad()
            loss = F.cross_entropy(model(x, ei, b, ng), y)
            loss.backward()
            opt.step()
            total_loss += float(loss) * ng
        cpu.append(time.process_time() - c)
        return time.perf_counter() - t, build, total_loss / G

    def infer_epoch():
        model.eval()
        t, c = time.perf_counter(), time.process_time()
        build, correct = 0.0, 0
        with torch.no_grad():
            for s in range(0, G, bs):
                tb = time.perf_counter()
                x, ei, b, y, ng = data.batch(np.arange(s, min(s + bs, G)))
                build += time.perf_counter() - tb
                correct += int((model(x, ei, b, ng).argmax(1) == y).sum())
        cpu.append(time.process_time() - c)
        return time.perf_counter() - t, build, correct / G

    res = {"num_graphs": G, "nodes": data.num_nodes, "edges": int(len(data.e)), "batch_size": bs,
           "dropout": 0.0, "load_s": round(load_s, 2), "rss_after_load_mb": round(rss_mb(), 1)}
    res["wait_for_load_s"] = wait_for_load(args.max_load, args.max_wait, log)
    res["loadavg_train_start"] = loadavg()
    for i in range(args.warmup):
        dt, _, l = train_epoch()
        log(f"warm-up epoch {i}: {dt:.2f} s, loss {l:.4f}")
    cpu.clear()
    times, builds = [], []
    for i in range(args.steps):
        dt, bt, l = train_epoch()
        times.append(dt)
        builds.append(bt)
        log(f"epoch {i}: {dt:.2f} s ({G / dt:.0f} graphs/s, batching {bt:.2f} s), loss {l:.4f}, "
            f"load {loadavg()[0]}")
    res["loadavg_train_end"] = loadavg()
    res["train_epoch_s"] = [round(t, 4) for t in times]
    res["train_epoch_s_median"] = round(statistics.median(times), 4)
    res["train_graphs_per_second"] = round(G / statistics.median(times), 1)
    res["train_cpu_over_wall"] = round(sum(cpu) / sum(times), 3)
    res["train_batch_build_s_median"] = round(statistics.median(builds), 4)
    res["final_loss"] = round(l, 5)

    res["loadavg_inference_start"] = loadavg()
    infer_epoch()  # warm-up
    cpu.clear()
    times, builds = [], []
    for i in range(args.steps):
        dt, bt, acc = infer_epoch()
        times.append(dt)
        builds.append(bt)
        log(f"inference pass {i}: {dt:.2f} s ({G / dt:.0f} graphs/s), accuracy {acc:.3f}")
    res["loadavg_inference_end"] = loadavg()
    res["inference_epoch_s"] = [round(t, 4) for t in times]
    res["inference_graphs_per_second"] = round(G / statistics.median(times), 1)
    res["inference_cpu_over_wall"] = round(sum(cpu) / sum(times), 3)
    res["inference_batch_build_s_median"] = round(statistics.median(builds), 4)
    res["graphs_per_second"] = {"train": res["train_graphs_per_second"],
                                "inference": res["inference_graphs_per_second"]}
    res["train_accuracy"] = round(acc, 4)
    return res


# ----------------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graph", required=True, help="graph folder (edges.txt, features.npy, labels.npy, ...)")
    ap.add_argument("--kind", choices=["node", "mol"], default="node")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--steps", type=int, default=None,
                    help="timed training steps and inferences (node, default 5) or epochs (mol, default 3)")
    ap.add_argument("--warmup", type=int, default=None, help="untimed steps/epochs first (node 2, mol 1)")
    ap.add_argument("--batch-size", type=int, default=128, help="graphs per batch (mol)")
    ap.add_argument("--max-load", type=float, default=None,
                    help="before timing, wait until the 1-minute load average is at most this")
    ap.add_argument("--max-wait", type=float, default=600, help="seconds to wait for --max-load at most")
    ap.add_argument("--pyg-commit", default=os.environ.get("PYG_COMMIT", ""),
                    help="PyG source commit, recorded in the JSON (default: $PYG_COMMIT)")
    ap.add_argument("--out", help="JSON file to write (default: print only)")
    args = ap.parse_args()
    if args.steps is None:
        args.steps = 5 if args.kind == "node" else 3
    if args.warmup is None:
        args.warmup = 2 if args.kind == "node" else 1

    torch.set_num_threads(args.threads)
    start = time.time()

    def log(msg):
        print(f"[{time.time() - start:7.1f} s] {msg}", file=sys.stderr, flush=True)

    log(f"torch {torch.__version__}, PyG {torch_geometric.__version__} ({torch_geometric.__file__}), "
        f"{torch.get_num_threads()} threads, graph {args.graph}, load {loadavg()}")
    res = {"graph": os.path.basename(os.path.normpath(args.graph)), "kind": args.kind,
           "threads": args.threads, "torch_version": torch.__version__,
           "pyg_version": torch_geometric.__version__, "pyg_commit": args.pyg_commit,
           "numpy_version": np.__version__, "steps": args.steps, "warmup": args.warmup,
           "model": ("GATConv(128,8,heads=8,dropout=0.6)-ELU-GATConv(64,16,heads=1,concat=False,dropout=0.6),"
                     " input dropout 0.6, Adam(lr=0.005, wd=5e-4)" if args.kind == "node" else
                     "3x GATConv(64,heads=4,concat)-ELU, global_mean_pool, Linear(256,2), dropout 0, "
                     "Adam(lr=0.005, wd=5e-4)"),
           "blas": blas_library(), "env": {k: os.environ[k] for k in ENV_KEYS if k in os.environ},
           "loadavg_start": loadavg(), "machine": machine(),
           "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    res.update(run_node(args, log) if args.kind == "node" else run_mol(args, log))
    res["peak_rss_mb"] = round(rss_mb(), 1)
    res["loadavg_end"] = loadavg()
    res["wall_s"] = round(time.time() - start, 1)
    env = [f"{k}={shlex.quote(os.environ[k])}" for k in ("PYTHONPATH",) + ENV_KEYS if k in os.environ]
    res["command"] = " ".join(env + [shlex.quote(a) for a in [sys.executable] + sys.argv])
    text = json.dumps(res, indent=2)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
