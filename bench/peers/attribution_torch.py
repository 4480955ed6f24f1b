"""The attribution bench's peers in Python PyTorch, written as the field writes them: dnacnn's
built-in cnn/deepcnn rebuilt layer for layer with the trained weights (read from
weights.safetensors with numpy), then
  ism:      naive in-silico mutagenesis, every single-base mutant of a sequence through the whole
            network in batches (as tangermeme's saturation_mutagenesis does);
  deepshap: DeepLIFT's rescale rule (ReLU; max-pooling by shap's DeepExplainer rule) against
            dinucleotide-shuffled references, inputs and references in one batch, as
            tangermeme's deep_lift_shap runs it.
Prints JSON: seq_per_s and, for ism with DNACNN_ATTR (a dnacnn attributions.safetensors of the
same sequences), the largest difference from dnacnn's scores.
Usage: python3 attribution_torch.py ism|deepshap MODEL_DIR FASTA THREADS [N_SHUFFLES] [DNACNN_ATTR]"""
import json, struct, sys, time
import numpy as np, torch
from torch import nn
import torch.nn.functional as F

mode, model_dir, fasta, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
n_shuffles = int(sys.argv[5]) if len(sys.argv) > 5 else 20
dnacnn_attr = sys.argv[6] if len(sys.argv) > 6 else None
torch.set_num_threads(threads)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=np.float32).reshape(v["shape"])
            for k, v in header.items() if k != "__metadata__"}


config = json.load(open(f"{model_dir}/config.json"))
weights = {k: torch.from_numpy(v.copy()) for k, v in read_safetensors(f"{model_dir}/weights.safetensors").items()}
hp = config.get("hparams", {})
seqs = [l.strip() for l in open(fasta) if l.strip() and not l.startswith(">")]
LUT = np.zeros((256, 4), dtype=np.float32)
for i, b in enumerate("ACGT"):
    LUT[ord(b), i] = 1
X = torch.from_numpy(LUT[np.frombuffer("".join(seqs).encode(), dtype=np.uint8).reshape(len(seqs), -1)]).permute(0, 2, 1).contiguous()


class Rescale(torch.autograd.Function):  # DeepLIFT rescale for ReLU on [inputs; references]
    @staticmethod
    def forward(ctx, u):
        y = torch.relu(u)
        ctx.save_for_backward(u, y)
        return y

    @staticmethod
    def backward(ctx, g):
        u, y = ctx.saved_tensors
        n = u.shape[0] // 2
        du, dy = u[:n] - u[n:], y[:n] - y[n:]
        m = torch.where(du.abs() < 1e-6, (u[:n] > 0).float(), dy / torch.where(du.abs() < 1e-6, torch.ones_like(du), du))
        gx = g[:n] * m
        return torch.cat([gx, gx])


class PairedMax(torch.autograd.Function):  # max over the last dim, shap's max-pool rule
    @staticmethod
    def forward(ctx, u):
        y, i = u.max(-1)
        ctx.save_for_backward(u, y, i)
        return y

    @staticmethod
    def backward(ctx, g):
        u, y, i = ctx.saved_tensors
        n = u.shape[0] // 2
        g, yx, yr = g[:n], y[:n], y[n:]
        m = torch.maximum(yx, yr)
        share = torch.zeros_like(u[:n])
        share.scatter_add_(-1, i[:n].unsqueeze(-1), (g * (m - yr)).unsqueeze(-1))
        share.scatter_add_(-1, i[n:].unsqueeze(-1), (g * (yx - m)).unsqueeze(-1))
        du = u[:n] - u[n:]
        near = du.abs() < 1e-7
        gx = torch.where(near, torch.zeros_like(du), share / torch.where(near, torch.ones_like(du), du))
        return torch.cat([gx, gx])


def relu(h, deeplift):
    return Rescale.apply(h) if deeplift else torch.relu(h)


def maxpool(h, size, deeplift):
    return PairedMax.apply(h.unfold(2, size, size).contiguous()) if deeplift else F.max_pool1d(h, size)


def gmax(h, deeplift):
    return PairedMax.apply(h.contiguous()) if deeplift else h.amax(2)


def model(x, deeplift=False):  # x (N, 4, L)
    if config["arch"] == "cnn":
        h = relu(F.conv1d(x, weights["conv.weight"], weights["conv.bias"]), deeplift)
        return F.linear(h.flatten(1), weights["linear.weight"], weights["linear.bias"])
    h = x
    for b in range(int(hp["blocks"])):
        if b > 0:
            h = maxpool(h, int(hp["pool"]), deeplift)
        h = relu(F.conv1d(h, weights[f"convs.{b}.weight"], weights[f"convs.{b}.bias"], padding="same"), deeplift)
    pooled = torch.cat([gmax(h, deeplift), h.mean(2)], 1)
    z = relu(F.linear(pooled, weights["hidden.weight"], weights["hidden.bias"]), deeplift)
    return F.linear(z, weights["out.weight"], weights["out.bias"])


def dinuc_shuffle(seq, rng):  # deeplift's / tangermeme's Euler-walk dinucleotide shuffle
    arr = np.frombuffer(seq.encode(), dtype=np.uint8)
    nexts = {}
    for t in np.unique(arr):
        nexts[t] = list(arr[1:][arr[:-1] == t])
    for t in nexts:
        if len(nexts[t]) > 1:
            head = nexts[t][:-1]
            rng.shuffle(head)
            nexts[t] = head + nexts[t][-1:]
    out, used = [arr[0]], {t: 0 for t in nexts}
    while len(out) < len(arr):
        t = out[-1]
        out.append(nexts[t][used[t]])
        used[t] += 1
    return bytes(out).decode()


if mode == "ism":
    L = X.shape[2]
    results = []
    t0 = time.perf_counter()
    with torch.inference_mode():
        for x in X:
            pos = torch.arange(L).repeat_interleave(4)
            base = torch.arange(4).repeat(L)
            keep = x[base, pos] == 0  # the 3 L mutants (4 at an N)
            pos, base = pos[keep], base[keep]
            mutants = x.unsqueeze(0).repeat(len(pos), 1, 1)
            mutants[torch.arange(len(pos)), :, pos] = 0
            mutants[torch.arange(len(pos)), base, pos] = 1
            ref = model(x.unsqueeze(0))[0, 0]
            out = torch.cat([model(mutants[i:i + 256]) for i in range(0, len(pos), 256)])[:, 0]
            scores = torch.zeros(L, 4)
            scores[pos, base] = out - ref
            results.append(scores)
    seconds = time.perf_counter() - t0
    report = {"seq_per_s": len(seqs) / seconds, "seconds": seconds, "sequences": len(seqs), "length": L}
    if dnacnn_attr:
        theirs = torch.from_numpy(read_safetensors(dnacnn_attr)["attributions"].copy())
        report["max_abs_diff_vs_dnacnn"] = float((torch.stack(results) - theirs).abs().max())
        report["max_abs_score"] = float(theirs.abs().max())
    print(json.dumps(report))
else:
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    worst = 0.0
    for s, x in zip(seqs, X):
        refs = [dinuc_shuffle(s, rng) for _ in range(n_shuffles)]
        r = torch.from_numpy(LUT[np.frombuffer("".join(refs).encode(), dtype=np.uint8).reshape(n_shuffles, -1)]).permute(0, 2, 1)
        xs = x.unsqueeze(0).repeat(n_shuffles, 1, 1)
        both = torch.cat([xs, r]).requires_grad_(True)
        y = model(both, deeplift=True)[:, 0]
        grad = torch.autograd.grad(y[:n_shuffles].sum(), both)[0][:n_shuffles]
        contrib = (grad * (xs - r)).mean(0)
        hyp = (grad - (grad * r).sum(1, keepdim=True)).mean(0)  # hypothetical, as MoDISco takes them
        delta = float(y[0] - y[n_shuffles:].mean())
        worst = max(worst, abs(float(contrib.sum()) - delta) / max(abs(delta), 1e-6))
    seconds = time.perf_counter() - t0
    print(json.dumps({"seq_per_s": len(seqs) / seconds, "seconds": seconds, "sequences": len(seqs),
                      "n_shuffles": n_shuffles, "completeness_max_rel_error": worst}))
