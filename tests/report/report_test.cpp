#include "dnacnn/report/report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "fake_run.hpp"

namespace dnacnn {
namespace {

using report::test::FakeRun;
using report::test::ScratchDir;
using report::test::slurp;
namespace fs = std::filesystem;

TEST(ReportWrite, OneRunGoesToRunDirWithItsChartSpecs) {
  ScratchDir dir("write-one");
  report::test::write_fake_run(dir.path() / "run", FakeRun{.ids = true});
  const fs::path page = write_report(dir.path() / "run");
  EXPECT_EQ(page, dir.path() / "run" / "report.html");
  ASSERT_TRUE(fs::exists(page));
  for (const char* chart : {"loss", "predicted_vs_actual_cnn"}) {
    const fs::path file = dir.path() / "run" / "charts" / (std::string(chart) + ".vl.json");
    ASSERT_TRUE(fs::exists(file)) << file;
    const auto spec = nlohmann::json::parse(slurp(file));
    EXPECT_TRUE(spec.contains("$schema"));
  }
  const std::string html = slurp(page);
  EXPECT_NE(html.find("<title>dnacnn report: run</title>"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_NE(html.find("d &lt;b&gt;.tsv"), std::string::npos);  // the data file name, escaped
  EXPECT_NE(html.find("0123456789abcdef0123456789abcdef"), std::string::npos);
  // Nothing but the page and charts/ is left (no temporary files).
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path() / "run")) names.push_back(e.path().filename().string());
  for (const auto& n : names) EXPECT_EQ(n.find(".tmp-"), std::string::npos) << n;
}

TEST(ReportWrite, SeveralRunsNeedOut) {
  ScratchDir dir("write-several");
  report::test::write_fake_run(dir.path() / "a");
  report::test::write_fake_run(dir.path() / "b", FakeRun{.name = "linear"});
  ReportOptions options;
  options.runs = {dir.path() / "a", dir.path() / "b"};
  EXPECT_THROW(write_report(options), UsageError);
  options.out = dir.path() / "both.html";
  options.title = "Two <models>";
  EXPECT_EQ(write_report(options), dir.path() / "both.html");
  const std::string html = slurp(dir.path() / "both.html");
  EXPECT_NE(html.find("<h1>Two &lt;models&gt;</h1>"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir.path() / "charts" / "predicted_vs_actual_linear.vl.json"));
}

TEST(ReportWrite, NotARunIsAnErrorNamingTheDirectory) {
  ScratchDir dir("write-bad");
  ReportOptions options;
  options.runs = {dir.path()};
  try {
    write_report(options);
    FAIL() << "did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "report.html"));
}

TEST(ReportWrite, MalformedMetricsIsAnErrorNamingTheFile) {
  ScratchDir dir("write-malformed");
  report::test::write_fake_run(dir.path() / "run");
  report::test::spit(dir.path() / "run" / "metrics.json", "{\"models\": ");
  try {
    write_report(dir.path() / "run");
    FAIL() << "did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("metrics.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dnacnn
