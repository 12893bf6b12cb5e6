#!/usr/bin/env python3
"""The PyTorch peer of `npm run bench -- --torch`: a T5 of the engine's shapes (src/engine/model/t5.ts: RMS norm,
relative position buckets from the first block, no 1/sqrt(d) in attention, ReLU or gated-GELU FFN, tied embeddings
scaled by d^-0.5), trained one step at a time with AdamW and global-norm clipping at 1, as the engine's Trainer does.
Full fine-tuning, or LoRA (frozen base, rank-r adapters on q and v, alpha 16). Random weights, random tokens.

Prints one JSON line: the median step time (wall and CPU) at each thread count asked for, the best of them, and the
per-phase medians (forward, backward, optimizer) at the best thread count. Written for the comparison only; no HF download.
"""
import argparse
import ctypes
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def bucket(rel, bidirectional, num_buckets, max_distance):
    ret = torch.zeros_like(rel)
    n = num_buckets
    if bidirectional:
        n //= 2
        ret += (rel > 0).long() * n
        rel = rel.abs()
    else:
        rel = -torch.clamp(rel, max=0)
    max_exact = n // 2
    small = rel < max_exact
    large = max_exact + (torch.log(rel.float().clamp(min=1) / max_exact) / math.log(max_distance / max_exact) * (n - max_exact)).long()
    large = torch.clamp(large, max=n - 1)
    return ret + torch.where(small, rel, large)


class Lora(torch.nn.Module):
    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        self.a = torch.nn.Parameter(torch.empty(rank, base.in_features).uniform_(-1 / math.sqrt(base.in_features), 1 / math.sqrt(base.in_features)))
        self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale


class Norm(torch.nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.w * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


class Attention(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        inner = c["numHeads"] * c["dKv"]
        self.h, self.dk = c["numHeads"], c["dKv"]
        self.q = torch.nn.Linear(c["dModel"], inner, bias=False)
        self.k = torch.nn.Linear(c["dModel"], inner, bias=False)
        self.v = torch.nn.Linear(c["dModel"], inner, bias=False)
        self.o = torch.nn.Linear(inner, c["dModel"], bias=False)

    def split(self, x):
        b, l, _ = x.shape
        return x.view(b, l, self.h, self.dk).transpose(1, 2)

    def forward(self, x, kv, bias):
        q, k, v = self.split(self.q(x)), self.split(self.k(kv)), self.split(self.v(kv))
        p = torch.softmax(q @ k.transpose(-1, -2) + bias, -1)
        b, _, l, _ = q.shape
        return self.o((p @ v).transpose(1, 2).reshape(b, l, self.h * self.dk))


class Ffn(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gated = c["ffn"] != "relu"
        if self.gated:
            self.wi_0 = torch.nn.Linear(c["dModel"], c["dFf"], bias=False)
            self.wi_1 = torch.nn.Linear(c["dModel"], c["dFf"], bias=False)
        else:
            self.wi = torch.nn.Linear(c["dModel"], c["dFf"], bias=False)
        self.wo = torch.nn.Linear(c["dFf"], c["dModel"], bias=False)

    def forward(self, x):
        h = F.gelu(self.wi_0(x), approximate="tanh") * self.wi_1(x) if self.gated else F.relu(self.wi(x))
        return self.wo(h)


class Block(torch.nn.Module):
    def __init__(self, c, cross):
        super().__init__()
        eps = c["layerNormEps"]
        self.n1, self.sa = Norm(c["dModel"], eps), Attention(c)
        self.cross = cross
        if cross:
            self.n2, self.ca = Norm(c["dModel"], eps), Attention(c)
        self.n3, self.ff = Norm(c["dModel"], eps), Ffn(c)

    def forward(self, h, bias, enc=None, cbias=None):
        x = self.n1(h)
        h = h + self.sa(x, x, bias)
        if self.cross:
            h = h + self.ca(self.n2(h), enc, cbias)
        return h + self.ff(self.n3(h))


class T5(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.shared = torch.nn.Embedding(c["vocabSize"], c["dModel"])
        self.enc = torch.nn.ModuleList([Block(c, False) for _ in range(c["numLayers"])])
        self.dec = torch.nn.ModuleList([Block(c, True) for _ in range(c["numDecoderLayers"])])
        self.enc_bias = torch.nn.Embedding(c["relBuckets"], c["numHeads"])
        self.dec_bias = torch.nn.Embedding(c["relBuckets"], c["numHeads"])
        self.enc_norm, self.dec_norm = Norm(c["dModel"], c["layerNormEps"]), Norm(c["dModel"], c["layerNormEps"])
        self.lm_head = None if c["tieEmbeddings"] else torch.nn.Linear(c["dModel"], c["vocabSize"], bias=False)

    def pos_bias(self, table, q, k, bidirectional):
        rel = torch.arange(k)[None, :] - torch.arange(q)[:, None]
        ids = bucket(rel, bidirectional, self.c["relBuckets"], self.c["relMaxDistance"])
        return table(ids).permute(2, 0, 1)[None]

    def loss(self, ids, mask, dec_ids, labels):
        lin, lout = ids.shape[1], dec_ids.shape[1]
        pad = (1 - mask)[:, None, None, :] * -1e9
        ebias = self.pos_bias(self.enc_bias, lin, lin, True) + pad
        h = self.shared(ids)
        for b in self.enc:
            h = b(h, ebias)
        enc = self.enc_norm(h)
        causal = torch.triu(torch.full((lout, lout), -1e9), 1)[None, None]
        dbias = self.pos_bias(self.dec_bias, lout, lout, False) + causal
        h = self.shared(dec_ids)
        for b in self.dec:
            h = b(h, dbias, enc, pad)
        x = self.dec_norm(h)
        logits = self.lm_head(x) if self.lm_head is not None else (x * self.c["dModel"] ** -0.5) @ self.shared.weight.t()
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))


def add_lora(model, rank, alpha):
    for blocks in (model.enc, model.dec):
        for b in blocks:
            for att in [b.sa] + ([b.ca] if b.cross else []):
                att.q, att.v = Lora(att.q, rank, alpha), Lora(att.v, rank, alpha)


def mapped(needle):
    """Paths of the files this process mapped whose path holds `needle` (none where /proc cannot be read)."""
    try:
        with open("/proc/self/maps") as f:
            return sorted({line.split()[-1] for line in f if needle in line})
    except OSError:
        return []


def blas_loaded():
    """The BLAS library this process actually mapped (Debian's torch links libblas.so.3, an alternative)."""
    return ",".join(sorted({path.rsplit("/", 1)[-1] for path in mapped("blas")})) or "?"


def blas_threads():
    """The threads OpenBLAS's own pool runs, which Debian's pthread build keeps whatever torch.set_num_threads says
    (so at one torch thread its products still use every core). None where no mapped OpenBLAS tells."""
    for path in mapped("libopenblas"):
        try:
            return ctypes.CDLL(path).openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    return None


def median_ms(xs):
    return round(statistics.median(xs) * 1000, 2)


def run(args, c, threads):
    torch.set_num_threads(threads)
    blas = blas_threads()
    torch.manual_seed(0)
    model = T5(c)
    if args.mode == "lora":
        for p in model.parameters():
            p.requires_grad_(False)
        add_lora(model, args.lora_rank, 16)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(3, c["vocabSize"], (args.batch, args.in_len), generator=g)
    labels = torch.randint(3, c["vocabSize"], (args.batch, args.out_len), generator=g)
    dec_ids = torch.cat([torch.zeros(args.batch, 1, dtype=torch.long), labels[:, :-1]], 1)
    mask = torch.ones(args.batch, args.in_len)
    times = {"step": [], "forward": [], "backward": [], "optimizer": [], "cpu": []}
    for i in range(args.warmup + args.repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        loss = model.loss(ids, mask, dec_ids, labels)
        t1 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        t3 = time.perf_counter()
        c1 = time.process_time()
        if i >= args.warmup:
            for k, v in (("step", t3 - t0), ("forward", t1 - t0), ("backward", t2 - t1), ("optimizer", t3 - t2), ("cpu", c1 - c0)):
                times[k].append(v)
    return {**{k: median_ms(v) for k, v in times.items()}, "blasThreads": blas}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, help="the engine's T5Config as JSON")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--in-len", type=int, default=16)
    ap.add_argument("--out-len", type=int, default=16)
    ap.add_argument("--mode", choices=["full", "lora"], default="full")
    ap.add_argument("--lora-rank", type=int, default=8)
    ap.add_argument("--threads", default="1,2", help="thread counts to try; the best median wins")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    c = json.loads(args.config)
    by_threads = {}
    for t in [int(x) for x in args.threads.split(",")]:
        by_threads[t] = run(args, c, t)
    best = min(by_threads, key=lambda t: by_threads[t]["step"])
    out = {
        "torch": torch.__version__,
        "blas": "openblas" if "openblas" in blas_loaded() else blas_loaded(),
        "stepMsByThreads": {str(t): r["step"] for t, r in by_threads.items()},
        "bestThreads": best,
        "stepMs": by_threads[best]["step"],
        # OpenBLAS's own pool at the best count (null: no OpenBLAS told).
        "blasThreads": by_threads[best]["blasThreads"],
        # CPU time of the process per step (all its threads): on a loaded machine the fairer figure at 1 thread.
        "stepCpuMsByThreads": {str(t): r["cpu"] for t, r in by_threads.items()},
        "phasesMs": {k: by_threads[best][k] for k in ("forward", "backward", "optimizer")},
    }
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
