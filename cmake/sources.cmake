# dnacnn's sources by library, listed once: the main build (CMakeLists.txt) and the fuzz build
# (tests/fuzz/CMakeLists.txt) both take them from here, so a file moved or added reaches both.
# Paths are relative to the project root.

# dnacnn_core: no LibTorch. File formats, data, metrics, motif tools, the report, the kernels of
# the fused engine. Its unit tests link no torch.
set(DNACNN_CORE_SOURCES
  src/core/error.cpp
  src/core/progress.cpp
  src/core/interrupt.cpp
  src/core/random.cpp
  src/io/atomic_file.cpp
  src/io/line_reader.cpp
  src/io/fasta.cpp
  src/io/sequence_reader.cpp
  src/io/table.cpp
  src/io/safetensors.cpp
  src/io/motif_formats.cpp
  src/io/genome.cpp
  src/io/twobit.cpp
  src/io/bed.cpp
  src/io/vcf.cpp
  src/data/sequence.cpp
  src/data/scoring_rule.cpp
  src/data/simulate.cpp
  src/data/encode.cpp
  src/data/dataset.cpp
  src/data/fit.cpp
  src/data/split.cpp
  src/data/intervals.cpp
  src/data/negatives.cpp
  src/data/shard.cpp
  src/data/options_json.cpp
  src/models/model_config.cpp
  src/models/shapes.cpp
  src/models/model_store.cpp
  src/models/model_spec.cpp
  src/models/spec_shapes.cpp
  src/models/zoo.cpp
  src/train/run.cpp
  src/train/job_input.cpp
  src/interpret/interpret.cpp
  src/train/options.cpp
  src/train/schedule.cpp
  src/train/epoch_policy.cpp
  src/train/run_config.cpp
  src/train/checkpoint.cpp
  src/train/dist/launch.cpp
  src/train/fused/cnn_kernels.cpp
  src/train/fused/adam_kernel.cpp
  src/infer/metrics.cpp
  src/interpret/motifs.cpp
  src/interpret/motif_match.cpp
  src/interpret/logos.cpp
)
# The report's builders (core too; they need the generated asset file, see src/report/embed_assets.cmake).
set(DNACNN_REPORT_SOURCES
  src/report/html.cpp
  src/report/sha256.cpp
  src/report/test_points.cpp
  src/report/run_data.cpp
  src/report/charts.cpp
  src/report/epoch_charts.cpp
  src/report/tables.cpp
  src/report/sections.cpp
  src/report/motif_section.cpp
  src/report/error_analysis.cpp
  src/report/error_charts.cpp
  src/report/experiment_sections.cpp
  src/report/compare.cpp
  src/report/page.cpp
  src/report/report.cpp
)
# dnacnn_onnx: `dnacnn export --onnx`, torch-free, on Debian's libonnx and libprotobuf.
set(DNACNN_ONNX_SOURCES
  src/onnx_export/onnx_graph.cpp
  src/onnx_export/onnx_layers.cpp
  src/onnx_export/onnx_export.cpp
)
# dnacnn: the networks (LibTorch), training, prediction, attribution, genome commands, and the
# workflows built on them. Every file gets LibTorch's precompiled header.
set(DNACNN_TORCH_SOURCES
  src/models/registry.cpp
  src/models/linear.cpp
  src/models/cnn.cpp
  src/models/deep_cnn.cpp
  src/models/spec_model.cpp
  src/models/spec_torchscript.cpp
  src/models/row_dropout.cpp
  src/models/tensors.cpp
  src/models/input_layer.cpp
  src/train/train.cpp
  src/train/train_state.cpp
  src/train/train_job.cpp
  src/train/sweep.cpp
  src/train/exercises.cpp
  src/train/demo.cpp
  src/train/fused/fused_trainer.cpp
  src/train/torch/torch_engine.cpp
  src/train/torch/thread_team.cpp
  src/train/dist/distributed.cpp
  src/infer/predict.cpp
  src/infer/export.cpp
  src/interpret/attribution.cpp
  src/interpret/attribute.cpp
  src/genome/scan.cpp
  src/genome/variants.cpp
)
