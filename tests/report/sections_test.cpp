#include "report/sections.hpp"

#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "report/charts.hpp"
#include "fake_run.hpp"

namespace dnacnn::report {
namespace {

using test::FakeRun;
using test::ScratchDir;

std::vector<std::string> section_ids(const ReportData& data) {
  std::vector<std::string> ids;
  for (const Section& s : build_sections(data)) ids.push_back(s.id);
  return ids;
}

TEST(ReportSections, RunWithEverythingHasEverySectionButSpotChecks) {
  ScratchDir dir("sections-full");
  test::write_fake_run(dir.path() / "run");
  const ReportData data = load_report_data({dir.path() / "run"});
  EXPECT_EQ(section_ids(data), (std::vector<std::string>{"metrics", "loss", "predictions", "errors", "runs"}));
}

TEST(ReportSections, SectionsAppearOnlyWhenTheirDataExist) {
  ScratchDir dir("sections-bare");
  test::write_fake_run(dir.path() / "run", FakeRun{.history = false, .predictions = false});
  const ReportData data = load_report_data({dir.path() / "run"});
  EXPECT_EQ(section_ids(data), (std::vector<std::string>{"metrics", "runs"}));
}

// A profile model's run: metrics.json's profile scores become a table, profile_examples.tsv a chart.
TEST(ReportSections, ProfileRunsShowTheirScoresAndExampleLoci) {
  ScratchDir dir("sections-profile");
  test::write_fake_run(dir.path() / "run");
  nlohmann::json m = nlohmann::json::parse(test::slurp(dir.path() / "run" / "metrics.json"));
  m["models"]["cnn"]["profile"]["test"]["sig+"] = {{"n", 12}, {"pearson", 0.4567}, {"jsd", 0.5}, {"shuffled_pearson", 0.001},
                                                  {"shuffled_jsd", 0.75}};
  test::spit(dir.path() / "run" / "metrics.json", m.dump());
  std::string examples = "id\tsplit\ttarget\toffset\tobserved\tpredicted\n";
  for (int i = 0; i < 5; ++i) examples += "chr4:10-20\ttest\tsig+\t" + std::to_string(i) + "\t" + std::to_string(i) + "\t1.5\n";
  test::spit(dir.path() / "run" / "profile_examples.tsv", examples);
  const ReportData data = load_report_data({dir.path() / "run"});
  EXPECT_EQ(section_ids(data), (std::vector<std::string>{"metrics", "loss", "predictions", "profiles", "errors", "runs"}));
  const std::optional<Section> s = profile_section(data);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->blocks.size(), 3u) << "text, table, chart";
  const std::string& table = std::get<Html>(s->blocks[1]).markup;
  for (const char* cell : {"sig+", "0.457", "0.750", "12"}) EXPECT_NE(table.find(cell), std::string::npos) << cell << "\n" << table;
  const Chart& chart = std::get<ChartRow>(s->blocks[2]).charts.at(0);
  EXPECT_EQ(chart.spec["data"]["values"].size(), 10u) << "observed and predicted per base";
  EXPECT_EQ(chart.spec["data"]["values"][2]["reads"], 1.0);
  EXPECT_EQ(chart.spec["data"]["values"][3]["what"], "predicted");
}

TEST(ReportSections, DemoDirectoryIsDetectedWithItsSpotChecks) {
  ScratchDir dir("sections-demo");
  test::write_fake_run(dir.path() / "linear", FakeRun{.name = "linear"});
  test::write_fake_run(dir.path() / "cnn", FakeRun{.name = "cnn"});
  test::spit(dir.path() / "spot_checks.tsv", "group\tseq\tactual\tlinear\tcnn\n<b>poly</b>\tAAAA\t20\t19.5\t20.1\n");
  const ReportData data = load_report_data({dir.path()});
  ASSERT_EQ(data.models.size(), 2u);
  ASSERT_EQ(data.spot_checks.size(), 1u);
  EXPECT_EQ(section_ids(data),
            (std::vector<std::string>{"metrics", "loss", "spot-checks", "predictions", "errors", "runs"}));
  const auto spot = spot_check_section(data);
  const auto& html = std::get<Html>(spot->blocks.back()).markup;
  EXPECT_NE(html.find("&lt;b&gt;poly&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("19.500"), std::string::npos);
}

// A demo-like directory: runs, an experiment (a directory of runs with about.json) and a sweep.
TEST(ReportSections, ExperimentAndSweepDirectoriesBecomeSectionsOfTheirOwn) {
  ScratchDir dir("sections-sets");
  test::write_fake_run(dir.path() / "cnn");
  test::write_fake_run(dir.path() / "q1" / "linear", FakeRun{.name = "linear"});
  test::write_fake_run(dir.path() / "q1" / "cnn", FakeRun{.name = "cnn"});
  test::spit(dir.path() / "q1" / "about.json", R"({"title": "Q1 <i>positional</i>", "intro": "why"})");
  test::write_fake_run(dir.path() / "sweep" / "cnn_lr0.01", FakeRun{.name = "cnn_lr0.01"});
  test::write_fake_run(dir.path() / "sweep" / "cnn_lr10", FakeRun{.name = "cnn_lr10"});
  test::spit(dir.path() / "sweep" / "sweep.tsv",
             "run\tmodel\toptimizer\tlr\tbatch_size\tepochs\tstatus\tdiverged_epoch\ttest_r2\n"
             "cnn_lr0.01\tcnn\tsgd\t0.01\t128\t4\tok\tNA\t0.9\n"
             "cnn_lr10\tcnn\tsgd\t10\t128\t4\tdiverged\t2\tNA\n");
  const ReportData data = load_report_data({dir.path()});
  ASSERT_EQ(data.models.size(), 1u);
  ASSERT_EQ(data.sets.size(), 2u);
  EXPECT_EQ(data.sets[0].title, "Q1 <i>positional</i>");
  EXPECT_EQ(data.sets[0].models.size(), 2u);
  EXPECT_TRUE(data.sets[1].sweep.has_value());
  EXPECT_EQ(section_ids(data), (std::vector<std::string>{"metrics", "loss", "predictions", "errors", "set-q1",
                                                         "set-sweep", "runs"}));

  const std::vector<Section> sections = build_sections(data);
  const Section& sweep = sections[5];
  EXPECT_EQ(sweep.title, "Sweep: sweep");
  std::vector<std::string> charts;
  const Chart* loss = nullptr;
  for (const Block& b : sweep.blocks)
    if (const auto* row = std::get_if<ChartRow>(&b))
      for (const Chart& c : row->charts) {
        charts.push_back(c.name);
        if (c.name == "sweep_loss_cnn") loss = &c;
      }
  EXPECT_EQ(charts, (std::vector<std::string>{"sweep_loss_cnn", "sweep_r2_sweep"}));
  ASSERT_NE(loss, nullptr);
  // Curves are named by what varies (the learning rate), and a diverged run cuts the y axis.
  std::set<std::string> curves;
  for (const auto& v : loss->spec["data"]["values"]) curves.insert(v["model"].get<std::string>());
  EXPECT_EQ(curves, (std::set<std::string>{"lr 0.01", "lr 10"}));
  EXPECT_TRUE(loss->spec["encoding"]["y"]["scale"].contains("domainMax"));
}

TEST(ReportSections, SameModelNameInTwoRunsGetsDistinctLabels) {
  ScratchDir dir("sections-labels");
  test::write_fake_run(dir.path() / "a");
  test::write_fake_run(dir.path() / "b");
  const ReportData data = load_report_data({dir.path() / "a", dir.path() / "b"});
  EXPECT_EQ(data.models[0].label, "cnn (a)");
  EXPECT_EQ(data.models[1].label, "cnn (b)");
}

TEST(ReportSections, DirectoryWithoutRunsIsAnError) {
  ScratchDir dir("sections-empty");
  EXPECT_THROW(load_report_data({dir.path()}), Error);
  EXPECT_THROW(load_report_data({dir.path() / "missing"}), Error);
}

TEST(ReportCharts, ScatterHasR2InTheTitleAndTooltipsWithIdsWhenPresent) {
  ScratchDir dir("charts-scatter");
  test::write_fake_run(dir.path() / "run", FakeRun{.ids = true});
  const ReportData data = load_report_data({dir.path() / "run"});
  const Chart chart = predicted_vs_actual_chart(data.models[0], 0, shared_value_range(data.models));
  EXPECT_EQ(chart.name, "predicted_vs_actual_cnn");
  EXPECT_EQ(chart.spec["title"]["text"], "cnn: R\u00b2 = 0.875");
  const auto& points = chart.spec["layer"][1];
  EXPECT_EQ(points["data"]["values"].size(), 40u);
  EXPECT_EQ(points["data"]["values"][0]["id"], "<img src=x onerror=alert(1)> 0");
  EXPECT_EQ(points["mark"]["tooltip"]["content"], "data");  // the row as is: id first
  EXPECT_EQ(points["data"]["values"][0].begin().key(), "id");
  EXPECT_FALSE(chart.spec.contains("usermeta"));  // few points: SVG
}

TEST(ReportCharts, SampledScatterSaysSoOnTheChart) {
  ScratchDir dir("charts-sampled");
  test::write_fake_run(dir.path() / "run", FakeRun{.rows = 50'000});
  const ReportData data = load_report_data({dir.path() / "run"}, {.sample_from = 5'000, .sample_size = 4'000});
  const Chart chart = predicted_vs_actual_chart(data.models[0], 0, shared_value_range(data.models));
  EXPECT_EQ(chart.spec["layer"][1]["data"]["values"].size(), 4000u);
  EXPECT_NE(chart.spec["title"]["subtitle"][0].get<std::string>().find("sample of 4,000 of 10,000"),
            std::string::npos);
  EXPECT_EQ(chart.spec["usermeta"]["embedOptions"]["renderer"], "canvas");
}

TEST(ReportCharts, LossChartSkipsMissingValidationLosses) {
  ScratchDir dir("charts-loss");
  test::write_fake_run(dir.path() / "run", FakeRun{.epochs = 3});
  const ReportData data = load_report_data({dir.path() / "run"});
  const auto chart = loss_chart(data.models);
  ASSERT_TRUE(chart.has_value());
  EXPECT_TRUE(chart->log_scale_toggle);
  EXPECT_EQ(chart->spec["data"]["values"].size(), 5u);  // 3 train + 2 validation (epoch 2 is NA)
}

TEST(ReportCharts, LossesBeyondFloatRangeOfADivergingRunAreKept) {
  ScratchDir dir("charts-diverged");
  test::write_fake_run(dir.path() / "run", FakeRun{.history = false});
  test::spit(dir.path() / "run" / "history.tsv", "epoch\ttrain_loss\tval_loss\tseconds\n1\t5.1e+66\tNA\t0.1\n2\tNA\tNA\t0.1\n");
  const auto chart = loss_chart(load_report_data({dir.path() / "run"}).models);
  ASSERT_TRUE(chart.has_value());
  ASSERT_EQ(chart->spec["data"]["values"].size(), 1u);
  EXPECT_DOUBLE_EQ(chart->spec["data"]["values"][0]["loss"].get<double>(), 5.1e66);
}

TEST(ReportCharts, ValidationScoresAndAChangingRateAreCurvesBesideTheLoss) {
  ScratchDir dir("charts-per-epoch");
  test::write_fake_run(dir.path() / "run", FakeRun{.history = false});
  test::spit(dir.path() / "run" / "history.tsv",
             "epoch\ttrain_loss\tval_loss\tseconds\tlr\tval_r2\tval_pearson\n"
             "1\t2\t2.5\t0.1\t0.005\t0.5\t0.7\n2\t1\t1.5\t0.1\t0.01\tNA\t0.8\n");
  const ReportData data = load_report_data({dir.path() / "run"});
  const auto scores = validation_scores_chart(data.models);
  ASSERT_TRUE(scores.has_value());
  EXPECT_EQ(scores->name, "val_scores");
  EXPECT_EQ(scores->spec["data"]["values"].size(), 3u);  // R² of epoch 2 is NA
  EXPECT_EQ(scores->spec["data"]["values"][0]["series"], "val_r2");
  const auto rate = learning_rate_chart(data.models);
  ASSERT_TRUE(rate.has_value());
  EXPECT_EQ(rate->spec["data"]["values"][1]["value"], 0.01);
  std::vector<std::string> loss_section_charts;
  for (const Section& s : build_sections(data))
    if (s.id == "loss")
      for (const Block& b : s.blocks)
        if (const auto* row = std::get_if<ChartRow>(&b))
          for (const Chart& c : row->charts) loss_section_charts.push_back(c.name);
  EXPECT_EQ(loss_section_charts, (std::vector<std::string>{"loss", "val_scores", "learning_rate"}));

  // A constant rate draws no curve; runs from before these columns draw neither chart.
  test::spit(dir.path() / "run" / "history.tsv",
             "epoch\ttrain_loss\tval_loss\tseconds\tlr\n1\t2\t2.5\t0.1\t0.01\n2\t1\t1.5\t0.1\t0.01\n");
  const ReportData constant = load_report_data({dir.path() / "run"});
  EXPECT_FALSE(learning_rate_chart(constant.models).has_value());
  EXPECT_FALSE(validation_scores_chart(constant.models).has_value());
}

TEST(ReportCharts, RoundsToSignificantDigits) {
  EXPECT_DOUBLE_EQ(round_significant(12.345678, 4), 12.35);
  EXPECT_DOUBLE_EQ(round_significant(-0.000123456, 2), -0.00012);
  EXPECT_DOUBLE_EQ(round_significant(0, 3), 0);
}

}  // namespace
}  // namespace dnacnn::report
