"""bigWig target extraction in Python, as gReLU/CREsted-style loaders do it: per window,
np.nan_to_num(bw.values(chrom, start, end, numpy=True)).sum(). Prints JSON like dnacnn_signal_bench.
Usage: bigwig_extract.py TRACK.bw WINDOWS.bed"""
import json
import sys
import time

import numpy as np
import pyBigWig

bw = pyBigWig.open(sys.argv[1])
windows = [(f[0], int(f[1]), int(f[2])) for f in (line.split("\t") for line in open(sys.argv[2]))]
start = time.perf_counter()
values = np.empty(len(windows), dtype=np.float64)
for i, (chrom, s, e) in enumerate(windows):
    values[i] = np.nan_to_num(bw.values(chrom, s, e, numpy=True)).sum()
seconds = time.perf_counter() - start
print(json.dumps({"windows": len(windows), "seconds": round(seconds, 4),
                  "windows_per_s": round(len(windows) / seconds), "total": round(float(values.sum()), 1)}))
