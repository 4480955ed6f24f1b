// Motifs from trained CNNs: the notebook's planted TAT/GCG, and a PFM planted in random sequences
// recovered by a wide-kernel CNN and matched back to a motif database.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "dnacnn/interpret/interpret.hpp"
#include "dnacnn/io/motif_formats.hpp"
#include "dnacnn/models/model_store.hpp"
#include "dnacnn/core/random.hpp"
#include "dnacnn/train/run.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/train/train.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

// Trains with `options` and stores the model under dir/run/model.
std::filesystem::path train_into(const TempDir& dir, const SequenceData& data, const TrainOptions& options) {
  Progress quiet = Progress::silent();
  const TrainResult r = train_model(data, options, quiet);
  save_model(dir / "run" / "model", {r.config, r.weights});
  return dir / "run" / "model";
}

TEST(NotebookMotifs, TheCnnLearnsTatAndAvoidsGcg) {
  TempDir dir;
  const SequenceData data = simulate_kmers({});
  write_sequence_table(dir / "data.tsv", data);
  const auto model = train_into(dir, data, TrainOptions{});  // the notebook's settings

  Progress quiet = Progress::silent();
  const MotifsResult r = run_motifs({.model_dir = model, .data = dir / "data.tsv", .out = dir / "motifs"}, quiet);
  ASSERT_EQ(r.filters.size(), 32u);
  const bool tat = std::any_of(r.filters.begin(), r.filters.end(),
                               [](const FilterMotif& m) { return m.consensus.find("TAT") != std::string::npos; });
  EXPECT_TRUE(tat) << "no filter's consensus contains TAT";

  // Some filter scores GCG lowest of all 64 3-mers, strongly negative.
  const auto score = [&](std::int64_t f, const std::string& k) {
    double s = 0;
    for (int j = 0; j < 3; ++j) s += r.conv.w(f, static_cast<int>(std::string("ACGT").find(k[static_cast<std::size_t>(j)])), j);
    return s;
  };
  bool gcg = false;
  for (std::int64_t f = 0; f < r.conv.filters; ++f) {
    double lowest = 1e9;
    std::string lowest_kmer;
    for (const auto& k : all_kmers(3))
      if (score(f, k) < lowest) lowest = score(f, k), lowest_kmer = k;
    gcg |= lowest_kmer == "GCG" && lowest < -1.5;
  }
  EXPECT_TRUE(gcg) << "no filter has GCG as its most negative 3-mer";

  // The files a user (and the report) reads.
  for (const char* f : {"motifs.meme", "filters.tsv", "motifs.json", "weights/filter0.tsv", "heatmaps/filter0.svg"})
    EXPECT_TRUE(std::filesystem::exists(dir / "motifs" / f)) << f;
  const auto meme = io::read_motif_file(dir / "motifs" / "motifs.meme");
  EXPECT_GT(meme.size(), 0u);
  EXPECT_EQ(meme[0].width(), 3u);
  EXPECT_EQ(test::read_lines(dir / "motifs" / "filters.tsv").size(), 33u);
}

// A TGACTCAT-like PFM (AP-1 site) planted in half of 60 bp random sequences, which score 5 higher.
const std::vector<Column> kPlanted{{.05, .05, .05, .85}, {.05, .05, .85, .05}, {.85, .05, .05, .05},
                                   {.05, .85, .05, .05}, {.05, .05, .05, .85}, {.05, .85, .05, .05},
                                   {.85, .05, .05, .05}, {.1, .1, .1, .7}};

SequenceData planted_data(int rows, Rng& rng) {
  SequenceData d;
  d.source = "planted";
  for (int i = 0; i < rows; ++i) {
    std::string s(60, 'A');
    for (char& c : s) c = "ACGT"[rng.below(4)];
    const bool planted = rng.below(2) == 1;
    if (planted) {
      const auto pos = rng.below(60 - kPlanted.size());
      for (std::size_t j = 0; j < kPlanted.size(); ++j) {
        double u = rng.uniform(), acc = 0;
        int b = 3;
        for (int k = 0; k < 4; ++k)
          if (u < (acc += kPlanted[j][static_cast<std::size_t>(k)])) {
            b = k;
            break;
          }
        s[pos + j] = "ACGT"[b];
      }
    }
    d.seqs.push_back(s);
    d.targets.push_back(static_cast<float>((planted ? 5.0 : 0.0) + 0.5 * rng.normal()));
    d.lines.push_back(i + 2);
  }
  return d;
}

TEST(PlantedMotif, IsRecoveredByAWideKernelAndFoundInTheDatabase) {
  TempDir dir;
  Rng rng(3);
  const SequenceData data = planted_data(20000, rng);
  write_sequence_table(dir / "planted.tsv", data);
  TrainOptions options;
  options.hparams = {{"kernel_size", 12}, {"filters", 16}};
  options.optimizer = Optimizer::adam;
  options.lr = 0.001;
  options.epochs = 10;
  const auto model = train_into(dir, data, options);

  // A database with the planted motif among random decoys.
  std::vector<Motif> db;
  for (int k = 0; k < 30; ++k) {
    Motif m;
    m.id = "DECOY" + std::to_string(k);
    for (int j = 0, w = 6 + static_cast<int>(rng.below(7)); j < w; ++j) {
      Column c{};
      for (double& v : c) v = std::pow(rng.uniform(), 3) + 1e-3;
      const double t = c[0] + c[1] + c[2] + c[3];
      for (double& v : c) v /= t;
      m.probs.push_back(c);
    }
    db.push_back(m);
  }
  db.insert(db.begin() + 15, Motif{"PLANTED", "AP1_like", kPlanted, 20});
  io::write_meme(dir / "db.meme", db);

  Progress quiet = Progress::silent();
  MotifsRequest q{.model_dir = model, .data = dir / "planted.tsv", .database = dir / "db.meme", .out = dir / "motifs"};
  q.motif.relative_threshold = 0.5;
  const MotifsResult r = run_motifs(q, quiet);

  // The filter most like the planted PFM: column correlation >= 0.8, and PLANTED its top match.
  const Motif planted{"PLANTED", "", kPlanted, 20};
  double best = -1;
  std::size_t best_filter = 0;
  for (std::size_t f = 0; f < r.filters.size(); ++f) {
    const double s = best_alignment(r.filters[f].motif, planted, 5).similarity();
    if (s > best) best = s, best_filter = f;
  }
  EXPECT_GE(best, 0.8);
  ASSERT_FALSE(r.matches[best_filter].empty());
  EXPECT_EQ(r.matches[best_filter][0].target_id, "PLANTED");
  EXPECT_LT(r.matches[best_filter][0].p_value, 0.05);

  const auto json = nlohmann::json::parse(test::read_file(dir / "motifs" / "motifs.json"));
  EXPECT_EQ(json["filters"][best_filter]["matches"][0]["id"], "PLANTED");
  EXPECT_NE(test::read_file(dir / "motifs" / "filters.tsv").find("PLANTED\tAP1_like"), std::string::npos);
}

TEST(Motifs, ALinearModelHasNoFiltersToShow) {
  TempDir dir;
  const SequenceData data = simulate_kmers({.k = 5});
  write_sequence_table(dir / "d.tsv", data);
  TrainOptions options;
  options.arch = "linear";
  options.epochs = 1;
  const auto model = train_into(dir, data, options);
  Progress quiet = Progress::silent();
  EXPECT_THROW(run_motifs({.model_dir = model, .data = dir / "d.tsv", .out = dir / "m"}, quiet), Error);
}

}  // namespace
}  // namespace dnacnn
