"""dnacnn from Python: one-hot encoding, trained models' predictions and attributions as numpy
arrays, and training with the CLI's own options. See docs/python.md.

    import dnacnn
    x = dnacnn.one_hot(["ACGTN", "acgtn"])     # float32 (n, L, 4): A, C, G, T; N -> zeros
    m = dnacnn.load_model("runs/cnn/model")
    m.predict(["TATAAAAA"])                    # float32 (n, targets), as `dnacnn predict` writes
    metrics = dnacnn.train(data="data.tsv", model="cnn", out="runs/x", epochs=5)

Every failure raises dnacnn.Error with the CLI's one-line message. The C++ half (_dnacnn) releases
the GIL while it computes.
"""
import json
import os
import signal
import sys

# Python loads extensions with RTLD_NOW: libdnacnn.so (a dependency of _dnacnn) would then bind its
# calls into the core's CPU-dispatched kernels (GCC target_clones, IFUNC symbols defined in _dnacnn)
# before _dnacnn itself is relocated, which glibc warns about ("Relink ... for IFUNC symbol") and
# which is not safe. Lazily bound, those calls resolve on first use, once everything is relocated.
_dlopen_flags = sys.getdlopenflags()
sys.setdlopenflags(os.RTLD_LAZY | (_dlopen_flags & os.RTLD_GLOBAL))
try:
    from . import _dnacnn
finally:
    sys.setdlopenflags(_dlopen_flags)
from ._dnacnn import Error, one_hot, version as __version__

__all__ = ["Error", "Model", "one_hot", "load_model", "train", "run", "__version__"]


def _option(name, value):
    """One keyword as CLI arguments: dashes for underscores; True is a flag, False/None leave it
    out; a list or tuple repeats the option (--target-col a --target-col b)."""
    flag = "--" + name.replace("_", "-")
    if value is None or value is False:
        return []
    if value is True:
        return [flag]
    if isinstance(value, (list, tuple)):
        return [arg for item in value for arg in (flag, _text(item))]
    return [flag, _text(value)]


def _text(value):
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def run(command, **options):
    """Runs `dnacnn COMMAND --option value ...` in this process with the CLI's own parsing (every
    CLI option as a keyword, dashes -> underscores): e.g. run("simulate", k=6, out="data.tsv").
    Raises dnacnn.Error with the CLI's message; KeyboardInterrupt when Ctrl-C stopped it (train
    saves its checkpoint first: continue with train(resume=RUN))."""
    args = [command]
    for name, value in options.items():
        args += _option(name, value)
    code, message = _dnacnn.run_cli(args)
    if code == 128 + signal.SIGINT:
        raise KeyboardInterrupt(message)
    if code != 0:
        raise Error(message)


def train(data=None, model=None, out=None, epochs=None, **options):
    """Trains as `dnacnn train` does (same seeds, same model, same files in OUT) and returns
    OUT/metrics.json as a dict. Every `dnacnn train` option is a keyword: seed=1, lr=0.01,
    threads=2, target_col=["a", "b"], quiet=True, force=True, resume="runs/x", ..."""
    run("train", data=data, model=model, out=out, epochs=epochs, **options)
    run_dir = out if out is not None else options.get("resume")
    with open(os.path.join(_text(run_dir), "metrics.json")) as f:
        return json.load(f)


class Model:
    """A trained model (RUN/model, or RUN), loaded once, or an ensemble (a folds run from
    `train --folds`: its folds' mean). predict and attribute take a list of str/bytes sequences or a
    one-hot float array (n, L, 4) and release the GIL while they compute."""

    def __init__(self, dir, device="cpu", threads=1):
        self.dir = _text(dir)
        self._model = _dnacnn.Model(self.dir, device, threads)  # checks the model as the CLI does
        self.model_dirs = self._model.model_dirs  # the model directories averaged (one unless an ensemble)
        with open(os.path.join(self.model_dirs[0], "config.json")) as f:
            self.config = json.load(f)

    @property
    def length(self):
        """Input length in bases."""
        return self._model.length

    @property
    def targets(self):
        """Target names, in the order of predict's columns."""
        return self._model.targets

    def predict(self, seqs, batch_size=4096, rc_average=False, fit="exact", pad="both", step=0,
                aggregate="max", threads=None):
        """float32 (n, targets): what `dnacnn predict` writes (probabilities for binary models).
        fit='crop' or 'windows' (with pad, step, aggregate) take other lengths, as --fit does."""
        return self._model.predict(seqs, batch_size, rc_average, fit, pad, step, aggregate, threads or 0)

    def attribute(self, seqs, method="ism", target=None, fit="exact", pad="both", threads=None, n_shuffles=20,
                  seed=1, steps=50, hypothetical=False):
        """float32 (n, L, 4): the A, C, G, T columns of `dnacnn attribute`'s attributions.tsv.
        method: 'ism', 'saliency', 'gradxinput', 'deepshap' (n_shuffles, seed) or 'ig' (steps);
        hypothetical=True (deepshap, ig): what each base would contribute, as TF-MoDISco takes them;
        target: a target name (default: the first)."""
        return self._model.attribute(seqs, method, target or "", fit, pad, threads or 0, n_shuffles, seed, steps,
                                     hypothetical)

    def __repr__(self):
        return "dnacnn.Model({!r}: {} bp -> {})".format(self.dir, self.length, ", ".join(self.targets))


def load_model(dir, device="cpu", threads=1):
    """Loads RUN/model (config.json + weights.safetensors), checked as the CLI checks it.
    threads: CPU threads for predict/attribute (the CLI's --threads; 1 is its default)."""
    return Model(dir, device, threads)
