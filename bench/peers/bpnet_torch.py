"""The profile benchmark's peer in Python PyTorch: dnacnn's zoo `bpnet` with its profile and count
heads, written layer for layer as bpnet-lite writes BPNet, trained with its loss:

  trunk    Conv1d(4 -> 64, 25, same) + ReLU, then residual blocks h = h + ReLU(Conv1d(64 -> 64, 3,
           dilation 2^i, same)) for i = 1..n (n = floor(log2 L), at most 9, as the zoo spec)
  profile  Conv1d(64 -> tracks, 75, valid) over the trunk's central output_length + 74 positions:
           one logit per track and output base (bpnet-lite: padding 37, then cropped: the same)
  count    mean of the trunk over the central output_length positions -> Linear(64 -> tracks):
           log(1 + total) per track
  loss     multinomial NLL of the observed counts under softmax(profile logits) per track
           (bpnet-lite's MNLLLoss) + count_weight * MSE(count, log1p(observed total)); Adam

Trains on random one-hot sequences and random Poisson counts of the given shapes (made before the
clock starts) for at least --seconds, after --warmup steps, and then times forward passes alone
(what a window-by-window scan runs). Prints JSON: train_seq_per_s, predict_seq_per_s (wall clock),
train_seq_per_cpu_s (CPU time: the figure for 1 thread on a loaded machine) and the shapes.
Usage: python3 bpnet_torch.py --length 2114 --output-length 1000 [--tracks 2] [--threads 1] ..."""
import argparse
import json
import math
import time

import torch
from torch import nn
import torch.nn.functional as F


class BPNet(nn.Module):
    def __init__(self, length, output_length, tracks, filters=64, layers=None):
        super().__init__()
        self.output_length = output_length
        layers = layers if layers is not None else min(9, max(1, length.bit_length() - 1))
        self.iconv = nn.Conv1d(4, filters, min(25, length), padding="same")
        self.rconvs = nn.ModuleList(nn.Conv1d(filters, filters, 3, dilation=2 ** i, padding="same")
                                    for i in range(1, layers + 1))
        self.fconv = nn.Conv1d(filters, tracks, 75)
        self.linear = nn.Linear(filters, tracks)

    def forward(self, x):  # x (N, 4, L) -> profile logits (N, tracks, output_length), log counts (N, tracks)
        h = F.relu(self.iconv(x))
        for conv in self.rconvs:
            h = h + F.relu(conv(h))
        start = (h.shape[2] - self.output_length) // 2
        profile = self.fconv(h[:, :, start - 37:start + self.output_length + 37])
        counts = self.linear(h[:, :, start:start + self.output_length].mean(2))
        return profile, counts


def mnll(logits, y):  # multinomial NLL per (example, track), averaged: bpnet-lite's MNLLLoss
    logp = F.log_softmax(logits, dim=-1)
    total = y.sum(-1)
    return -(torch.lgamma(total + 1) - torch.lgamma(y + 1).sum(-1) + (y * logp).sum(-1)).mean()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--length", type=int, default=2114)
    p.add_argument("--output-length", type=int, default=1000)
    p.add_argument("--tracks", type=int, default=2, help="profiles (a stranded track is 2)")
    p.add_argument("--layers", type=int, default=None, help="dilated blocks (default: as the zoo spec)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=20, help="train at least this long")
    p.add_argument("--warmup", type=int, default=2, help="untimed training steps first")
    p.add_argument("--count-weight", type=float, default=1.0)
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--pool", type=int, default=8, help="distinct random batches cycled through")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.output_length + 74 > a.length:
        p.error("--output-length + 74 must fit in --length (the profile head's valid convolution)")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = BPNet(a.length, a.output_length, a.tracks, layers=a.layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    batches = []
    for _ in range(a.pool):
        x = F.one_hot(torch.randint(0, 4, (a.batch_size, a.length)), 4).permute(0, 2, 1).float().contiguous()
        y = torch.poisson(torch.full((a.batch_size, a.tracks, a.output_length), 0.05))
        batches.append((x, y))

    def step(x, y):
        profile, counts = model(x)
        loss = mnll(profile, y) + a.count_weight * F.mse_loss(counts, torch.log1p(y.sum(-1)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(loss)

    model.train()
    for i in range(a.warmup):
        step(*batches[i % a.pool])
    steps, t0, cpu0 = 0, time.perf_counter(), time.process_time()
    while True:
        loss = step(*batches[steps % a.pool])
        steps += 1
        if time.perf_counter() - t0 >= a.seconds:
            break
    train_s, train_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert math.isfinite(loss), "the loss is not finite"

    model.eval()
    with torch.inference_mode():
        model(batches[0][0])
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < max(1.0, a.seconds / 4):
            model(batches[n % a.pool][0])
            n += 1
        predict_s = time.perf_counter() - t0
    print(json.dumps({"train_seq_per_s": steps * a.batch_size / train_s, "predict_seq_per_s": n * a.batch_size / predict_s,
                      "train_steps": steps, "train_seconds": train_s,
                      "train_cpu_seconds": train_cpu, "train_seq_per_cpu_s": steps * a.batch_size / train_cpu, "final_loss": loss, "length": a.length,
                      "output_length": a.output_length, "tracks": a.tracks, "batch_size": a.batch_size,
                      "layers": len(model.rconvs), "parameters": sum(t.numel() for t in model.parameters()),
                      "threads": a.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
