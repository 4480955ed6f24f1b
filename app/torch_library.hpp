// The binary starts without LibTorch: loading it costs about 0.7 s (its operators register
// themselves at load time), which `simulate`, `report`, `compare`, `merge`, `models`, `motifs`,
// `--help` and every refused command line do not need. The LibTorch half of dnacnn is
// libdnacnn.so beside the binary; a command loads it before its first call into it (its
// symbols then bind lazily). See docs/architecture.md.
#pragma once

namespace dnacnn::app {

// Loads libdnacnn.so (and LibTorch) once; Error when it cannot.
void load_torch();

}  // namespace dnacnn::app
