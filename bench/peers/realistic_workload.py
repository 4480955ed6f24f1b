"""The bench's realistic workload in Python PyTorch, the way users of the field write it:
a Dataset of one-hot tensors, a DataLoader, and dnacnn's `deepcnn` architecture rebuilt layer for
layer. Prints training and prediction throughput as JSON.
Usage: python3 realistic_workload.py DATA.tsv EPOCHS THREADS FILTERS KERNEL BLOCKS POOL HIDDEN"""
import json, sys, time
import numpy as np, pandas as pd, torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

path, epochs, threads, filters, kernel, blocks, pool, hidden = sys.argv[1], *map(int, sys.argv[2:9])
torch.set_num_threads(threads)
torch.manual_seed(17)

LUT = np.zeros((256, 4), dtype=np.float32)
for i, b in enumerate("ACGT"):
    LUT[ord(b), i] = LUT[ord(b.lower()), i] = 1

def one_hot(seqs):  # vectorised numpy encoder: (n, L, 4)
    codes = np.frombuffer("".join(seqs).encode(), dtype=np.uint8).reshape(len(seqs), -1)
    return LUT[codes]

class Seqs(Dataset):
    def __init__(self, x, y): self.x, self.y = x, y
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return self.x[i], self.y[i]

class DeepCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv1d(4, filters, kernel, padding="same")] +
                                   [nn.Conv1d(filters, filters, 3, padding="same") for _ in range(blocks - 1)])
        self.dropout = nn.Dropout(0.1)
        self.hidden = nn.Linear(2 * filters, hidden)
        self.out = nn.Linear(hidden, 1)
    def forward(self, x):
        h = x.permute(0, 2, 1)
        for i, conv in enumerate(self.convs):
            if i > 0: h = nn.functional.max_pool1d(h, pool)
            h = torch.relu(conv(h))
        pooled = torch.cat([h.max(2).values, h.mean(2)], 1)
        return self.out(torch.relu(self.hidden(self.dropout(pooled))))

df = pd.read_csv(path, sep="\t")
t0 = time.perf_counter()
x = torch.from_numpy(one_hot(list(df["seq"])))
y = torch.tensor(df["score"].values, dtype=torch.float32).unsqueeze(1)
encode_s = time.perf_counter() - t0
model = DeepCNN()
opt = torch.optim.Adam(model.parameters(), lr=0.001)
loader = DataLoader(Seqs(x, y), batch_size=128, shuffle=True)
t0 = time.perf_counter()
for _ in range(epochs):
    model.train()
    for xb, yb in loader:
        loss = nn.functional.mse_loss(model(xb), yb)
        opt.zero_grad(); loss.backward(); opt.step()
train_s = time.perf_counter() - t0
model.eval()
t0 = time.perf_counter()
with torch.inference_mode():
    for xb, _ in DataLoader(Seqs(x, y), batch_size=4096):
        model(xb)
predict_s = time.perf_counter() - t0
print(json.dumps({"train_seq_per_s": len(x) * epochs / train_s, "predict_seq_per_s": len(x) / predict_s,
                  "encode_s": encode_s, "torch": torch.__version__, "threads": threads}))
