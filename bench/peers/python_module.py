"""The Python module's benchmark (make bench): dnacnn.one_hot against the fastest pure-numpy
encoder (a lookup table indexed by np.frombuffer bytes, as bench/peers/onehot_numpy.py) on a
chr1-sized random string, and m.predict's throughput on a table's sequences (the CLI's figure is
measured by bench/run.sh on the same model and table). Prints JSON.
Usage: PYTHONPATH=build/python python3 python_module.py [BASES] [MODEL_DIR TABLE THREADS]"""
import csv
import gc
import json
import sys
import time

import numpy as np

import dnacnn

n = int(sys.argv[1]) if len(sys.argv) > 1 else 248_956_422  # GRCh38 chr1
rng = np.random.default_rng(7)
chrom = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, n, dtype=np.uint8)].tobytes().decode("ascii")

LUT = np.zeros((256, 4), dtype=np.float32)
for i, b in enumerate(b"ACGT"):
    LUT[b, i] = LUT[b + 32, i] = 1
VALID = np.zeros(256, dtype=bool)
VALID[list(b"ACGTNacgtn")] = True
ROWS = LUT.view(np.complex128).ravel()  # one 16-byte item per row: np.take's fastest case


def numpy_one_hot(s):  # checks validity too, as dnacnn does
    codes = np.frombuffer(s.encode("ascii"), dtype=np.uint8)
    if not VALID.take(codes).all():
        raise ValueError("invalid base")
    return ROWS.take(codes).view(np.float32).reshape(-1, 4)


def numpy_one_hot_into(s, out):  # the same into an existing (n, 4) float32 array
    codes = np.frombuffer(s.encode("ascii"), dtype=np.uint8)
    if not VALID.take(codes).all():
        raise ValueError("invalid base")
    ROWS.take(codes, out=out.view(np.complex128).ravel())
    return out


def best_of(f, clock, reps=3):
    best = float("inf")
    for _ in range(reps):
        t = clock()
        x = f()
        best = min(best, clock() - t)
        x = None
        gc.collect()
    return best


assert np.array_equal(numpy_one_hot(chrom[:100_000]), dnacnn.one_hot(chrom[:100_000]))
result = {"bases": n}
# One thread: CPU time, as the C++ micro-benchmark counts it (fair on a busy machine).
result["numpy_seconds"] = best_of(lambda: numpy_one_hot(chrom), time.process_time)
result["dnacnn_seconds"] = best_of(lambda: dnacnn.one_hot(chrom), time.process_time)
result["dnacnn_2_threads_wall_seconds"] = best_of(lambda: dnacnn.one_hot(chrom, threads=2), time.perf_counter)
result["ratio"] = result["numpy_seconds"] / result["dnacnn_seconds"]
# Into one reused array (out=): no fresh memory for the kernel to fault in and zero, which bounds
# both encoders above (4 GB of float32 for chr1).
buffer = np.ones((n, 4), dtype=np.float32)
result["numpy_into_seconds"] = best_of(lambda: numpy_one_hot_into(chrom, buffer), time.process_time)
result["dnacnn_into_seconds"] = best_of(lambda: dnacnn.one_hot(chrom, out=buffer), time.process_time)
result["into_ratio"] = result["numpy_into_seconds"] / result["dnacnn_into_seconds"]
del buffer
del chrom

if len(sys.argv) > 4:
    model_dir, table, threads = sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(table) as f:
        seqs = [row["seq"] for row in csv.DictReader(f, delimiter="\t")]
    m = dnacnn.load_model(model_dir, threads=threads)
    seconds = best_of(lambda: m.predict(seqs), time.perf_counter, reps=1)
    result.update(predict_rows=len(seqs), predict_seq_per_s=len(seqs) / seconds, predict_threads=threads)
print(json.dumps(result))
