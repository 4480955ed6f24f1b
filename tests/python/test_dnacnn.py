"""`import dnacnn` against the binary: the same predictions, attributions and training as the CLI,
one_hot's layout and length fitting, and the errors. Run by CTest (python_module) with PYTHONPATH
set to build/python and DNACNN_BIN to the binary; plain unittest, tiny data (seconds)."""
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

import dnacnn

BIN = os.environ.get("DNACNN_BIN", "dnacnn")
WORK = None  # the module's scratch directory (setUpModule)


def cli(*args):
    """Runs the binary; its stdout (raises with its stderr on failure)."""
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"dnacnn {' '.join(map(str, args))}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def read_tsv(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_seqs(path, seqs):
    with open(path, "w") as f:
        f.write("id\tseq\n")
        for i, s in enumerate(seqs):
            f.write(f"s{i}\t{s}\n")


def setUpModule():
    global WORK, DATA, MODEL, SEQS
    base = os.environ.get("DNACNN_TEST_TMPDIR", tempfile.gettempdir())
    os.makedirs(base, exist_ok=True)
    WORK = tempfile.mkdtemp(prefix="python_module_", dir=base)
    DATA = os.path.join(WORK, "data.tsv")
    cli("simulate", "--k", 5, "--out", DATA)  # 1,024 5-mers
    cli("train", "--data", DATA, "--model", "cnn", "--out", os.path.join(WORK, "cli"), "--epochs", 3, "--seed", 3,
        "--quiet")
    MODEL = os.path.join(WORK, "cli", "model")
    rng = np.random.default_rng(1)
    SEQS = ["".join(rng.choice(list("ACGT"), 5)) for _ in range(300)] + ["ACGTN", "acgtn", "NNNNN"]


def tearDownModule():
    shutil.rmtree(WORK, ignore_errors=True)


class OneHot(unittest.TestCase):
    def test_layout_acgt_n_zeros_lowercase(self):
        x = dnacnn.one_hot(["ACGTN", "acgtn"])
        self.assertEqual(x.dtype, np.float32)
        self.assertEqual(x.shape, (2, 5, 4))
        expected = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]], np.float32)
        np.testing.assert_array_equal(x[0], expected)
        np.testing.assert_array_equal(x[1], expected)
        self.assertTrue(x.flags.c_contiguous)

    def test_str_bytes_and_single_sequence(self):
        np.testing.assert_array_equal(dnacnn.one_hot([b"ACG", "ACG"])[0], dnacnn.one_hot("ACG"))
        self.assertEqual(dnacnn.one_hot("ACGT").shape, (4, 4))
        self.assertEqual(dnacnn.one_hot(s for s in ["AC", "GT"]).shape, (2, 2, 4))
        self.assertEqual(dnacnn.one_hot([], length=7).shape, (0, 7, 4))

    def test_out_writes_into_the_given_array(self):
        buffer = np.full((2, 3, 4), 7, np.float32)
        self.assertIs(dnacnn.one_hot(["ACG", "tnN"], out=buffer), buffer)
        np.testing.assert_array_equal(buffer, dnacnn.one_hot(["ACG", "tnN"]))
        with self.assertRaisesRegex(dnacnn.Error, r"out= .*shape \(2, 3, 4\): its shape differs"):
            dnacnn.one_hot(["ACG", "TTT"], out=np.zeros((2, 4, 4), np.float32))
        with self.assertRaisesRegex(dnacnn.Error, "not a float32 array"):
            dnacnn.one_hot(["ACG", "TTT"], out=np.zeros((2, 3, 4)))

    def test_threads_give_the_same_array(self):
        seq = "".join(np.random.default_rng(2).choice(list("ACGTNacgtn"), 9_000_001))
        np.testing.assert_array_equal(dnacnn.one_hot(seq, threads=3), dnacnn.one_hot(seq))

    def test_length_centre_crops_and_n_pads_as_the_cli(self):
        def decode(x):
            return "".join("ACGT"[row.argmax()] if row.any() else "N" for row in x)
        cases = [("ACGTACG", 4, "both", "CGTA"),   # (7 - 4) // 2 = 1 base off the left, 2 off the right
                 ("ACGTACGT", 4, "both", "GTAC"),
                 ("AC", 5, "both", "NACNN"),       # the odd N on the right
                 ("AC", 5, "left", "NNNAC"),
                 ("AC", 5, "right", "ACNNN"),
                 ("ACGTA", 5, "both", "ACGTA")]
        for seq, length, pad, fitted in cases:
            with self.subTest(seq=seq, length=length, pad=pad):
                self.assertEqual(decode(dnacnn.one_hot([seq], length=length, pad=pad)[0]), fitted)
        # The CLI's --length does the same: a model trained with --length 6 fits its inputs so.
        run = os.path.join(WORK, "length6")
        cli("train", "--data", DATA, "--model", "linear", "--out", run, "--epochs", 1, "--length", 6, "--quiet")
        seqs = ["ACGTACGTA", "TTA", "GATTACA", "CCCCCC"]
        model = dnacnn.load_model(os.path.join(run, "model"))
        by_one_hot = model.predict(dnacnn.one_hot(seqs, length=6))
        np.testing.assert_array_equal(model.predict(seqs), by_one_hot)
        write_seqs(os.path.join(WORK, "mixed.tsv"), seqs)
        out = cli("predict", "--model", os.path.join(run, "model"), "--in", os.path.join(WORK, "mixed.tsv"))
        self.assertEqual([line.split("\t")[1] for line in out.splitlines()[1:]], ["%.7g" % v for v in by_one_hot[:, 0]])

    def test_invalid_base_names_the_sequence_and_column(self):
        with self.assertRaisesRegex(dnacnn.Error, r"seqs\[1\], column 3: invalid base 'X'"):
            dnacnn.one_hot(["ACGT", "ACXT"])
        with self.assertRaisesRegex(dnacnn.Error, r"seqs\[0\], column 2: invalid base 'U'"):
            dnacnn.one_hot(["AUGCAAAA"], length=4)  # refused even where it would be cropped away, as the CLI does
        with self.assertRaisesRegex(dnacnn.Error, r"seqs\[0\] has 4 bases, seqs\[1\] has 3: give length="):
            dnacnn.one_hot(["ACGT", "ACG"])
        with self.assertRaisesRegex(dnacnn.Error, r"seqs\[0\]: empty sequence"):
            dnacnn.one_hot([""])
        with self.assertRaises(TypeError):
            dnacnn.one_hot([1, 2])
        self.assertTrue(issubclass(dnacnn.Error, Exception))


class Predict(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = dnacnn.load_model(MODEL)

    def test_config_is_the_model_directorys(self):
        with open(os.path.join(MODEL, "config.json")) as f:
            self.assertEqual(self.model.config, json.load(f))
        self.assertEqual(self.model.length, 5)

    def test_same_values_as_dnacnn_predict(self):
        write_seqs(os.path.join(WORK, "seqs.tsv"), SEQS)
        out = cli("predict", "--model", MODEL, "--in", os.path.join(WORK, "seqs.tsv"))
        expected = [line.split("\t")[1] for line in out.splitlines()[1:]]
        y = self.model.predict(SEQS)
        self.assertEqual((y.dtype, y.shape), (np.float32, (len(SEQS), 1)))
        self.assertEqual(["%.7g" % v for v in y[:, 0]], expected)
        np.testing.assert_array_equal(self.model.predict(dnacnn.one_hot(SEQS)), y)  # from a one-hot array
        np.testing.assert_array_equal(self.model.predict(SEQS, threads=2), y)

    def test_fit_options_as_the_cli(self):
        seqs = ["ACGTACGTAC", "TTTTT", "GA"]
        write_seqs(os.path.join(WORK, "other.tsv"), seqs)
        for fit in ("crop", "windows"):
            with self.subTest(fit=fit):
                out = cli("predict", "--model", MODEL, "--in", os.path.join(WORK, "other.tsv"), "--fit", fit)
                expected = [line.split("\t")[1] for line in out.splitlines()[1:]]
                self.assertEqual(["%.7g" % v for v in self.model.predict(seqs, fit=fit)[:, 0]], expected)

    def test_errors(self):
        with self.assertRaisesRegex(dnacnn.Error, r"seqs\[2\], column 4: invalid base 'Z'"):
            self.model.predict(["ACGTA", "ACGTA", "ACGZA"])
        with self.assertRaisesRegex(dnacnn.Error, r"seqs\[1\] has 4 bases, the model expects 5"):
            self.model.predict(["ACGTA", "ACGT"])
        with self.assertRaisesRegex(dnacnn.Error, r"x\[0, 0\] is \(0.25, 0.25, 0.25, 0.25\): not one-hot"):
            self.model.predict(np.full((1, 5, 4), 0.25, np.float32))
        with self.assertRaisesRegex(dnacnn.Error, r"\(n, L, 4\)"):
            self.model.predict(np.zeros((2, 5), np.float32))
        missing = os.path.join(WORK, "no-such-run", "model")
        with self.assertRaisesRegex(dnacnn.Error, "no-such-run"):
            dnacnn.load_model(missing)
        with self.assertRaisesRegex(dnacnn.Error, "ism|saliency"):
            self.model.attribute(["ACGTA"], method="shap")


class Attribute(unittest.TestCase):
    def test_shape_and_agreement_with_dnacnn_attribute(self):
        model = dnacnn.load_model(MODEL)
        seqs = SEQS[:20] + ["ACGTN"]
        write_seqs(os.path.join(WORK, "attr.tsv"), seqs)
        for method in ("ism", "saliency"):
            with self.subTest(method=method):
                out = os.path.join(WORK, "attr-" + method)
                cli("attribute", "--model", MODEL, "--in", os.path.join(WORK, "attr.tsv"), "--out", out,
                    "--method", method, "--logos", 0, "--quiet")
                rows = read_tsv(os.path.join(out, "attributions.tsv"))
                expected = np.array([[float(r[b]) for b in "ACGT"] for r in rows], np.float32).reshape(len(seqs), 5, 4)
                a = model.attribute(seqs, method=method)
                self.assertEqual((a.dtype, a.shape), (np.float32, (len(seqs), 5, 4)))
                np.testing.assert_allclose(a, expected, rtol=1e-5, atol=1e-6)  # the TSV has 6 digits


class Train(unittest.TestCase):
    def test_same_run_as_dnacnn_train(self):
        out = os.path.join(WORK, "py")
        metrics = dnacnn.train(data=DATA, model="cnn", out=out, epochs=3, seed=3, quiet=True)
        with open(os.path.join(WORK, "cli", "metrics.json")) as f:
            expected = json.load(f)
        for key in ("test", "val", "train", "epochs", "params"):
            self.assertEqual(metrics["models"]["cnn"][key], expected["models"]["cnn"][key], key)
        losses = lambda run: [(r["train_loss"], r["val_loss"]) for r in read_tsv(os.path.join(run, "history.tsv"))]
        self.assertEqual(losses(out), losses(os.path.join(WORK, "cli")))
        with open(os.path.join(out, "model", "weights.safetensors"), "rb") as a, \
             open(os.path.join(MODEL, "weights.safetensors"), "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_cli_options_as_keywords_and_errors(self):
        out = os.path.join(WORK, "opts")
        metrics = dnacnn.train(data=DATA, model="linear", out=out, epochs=1, batch_size=64, val_frac=0.2,
                               rc_augment=True, threads=1, quiet=True)
        self.assertIn("linear", metrics["models"])
        with self.assertRaisesRegex(dnacnn.Error, r"^dnacnn train: .*--batch-sise"):
            dnacnn.train(data=DATA, model="cnn", out=os.path.join(WORK, "bad"), batch_sise=3)
        with self.assertRaisesRegex(dnacnn.Error, "no-such.tsv"):
            dnacnn.train(data=os.path.join(WORK, "no-such.tsv"), model="cnn", out=os.path.join(WORK, "bad"))
        with self.assertRaisesRegex(dnacnn.Error, "not empty|--force"):
            dnacnn.train(data=DATA, model="linear", out=out, epochs=1, quiet=True)
        dnacnn.run("simulate", k=3, out=os.path.join(WORK, "k3.tsv"))
        self.assertEqual(len(read_tsv(os.path.join(WORK, "k3.tsv"))), 64)

    def test_ctrl_c_saves_then_raises_keyboard_interrupt(self):
        out = os.path.join(WORK, "interrupted")
        child = subprocess.Popen(
            [sys.executable, "-c",
             "import dnacnn, sys\n"
             "try:\n"
             f"    dnacnn.train(data={DATA!r}, model='cnn', out={out!r}, epochs=100000, quiet=True)\n"
             "except KeyboardInterrupt as e:\n"
             "    print('KeyboardInterrupt:', e); sys.exit(0)\n"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            checkpoint = os.path.join(out, "checkpoint.safetensors")
            deadline = time.time() + 60
            while not os.path.exists(checkpoint) and time.time() < deadline and child.poll() is None:
                time.sleep(0.05)
            self.assertTrue(os.path.exists(checkpoint), child.stderr.read() if child.poll() is not None else "")
            child.send_signal(signal.SIGINT)
            stdout, stderr = child.communicate(timeout=60)
        finally:
            child.kill()
        self.assertEqual(child.returncode, 0, stderr)
        stopped = re.search(r"KeyboardInterrupt: dnacnn train: .*interrupted in epoch (\d+) .*--resume", stdout)
        self.assertTrue(stopped, stdout)
        epoch = int(stopped.group(1))  # ... and the run continues from its checkpoint
        metrics = dnacnn.train(resume=out, epochs=epoch, quiet=True)
        self.assertEqual(len(read_tsv(os.path.join(out, "history.tsv"))), epoch)
        self.assertEqual(metrics["models"]["cnn"]["status"], "ok")


def torch_or_none():
    try:
        import torch
        return torch
    except ImportError:
        return None


class WithPyTorch(unittest.TestCase):
    @unittest.skipUnless(torch_or_none(), "no PyTorch for this interpreter (Debian: python3-torch)")
    def test_from_numpy_shares_one_hot_and_both_libraries_load(self):
        torch = torch_or_none()
        x = dnacnn.one_hot(SEQS[:4])
        t = torch.from_numpy(x)
        self.assertEqual(t.data_ptr(), x.ctypes.data)  # no copy
        conv = torch.nn.Conv1d(4, 2, 3)
        self.assertEqual(tuple(conv(t.transpose(1, 2)).shape), (4, 2, 3))
        y = dnacnn.load_model(MODEL).predict(SEQS[:4])  # dnacnn's LibTorch still works beside PyTorch
        self.assertEqual(torch.from_numpy(y).shape, (4, 1))


class Version(unittest.TestCase):
    def test_version_is_the_binarys(self):
        self.assertEqual(dnacnn.__version__, cli("--version").strip())


if __name__ == "__main__":
    unittest.main()
