#include "dnacnn/report/report.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "report/html.hpp"
#include "report/page.hpp"
#include "report/run_data.hpp"
#include "report/sections.hpp"

namespace dnacnn {

namespace fs = std::filesystem;

namespace {

std::string directory_name(const fs::path& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

std::string default_title(const std::vector<fs::path>& dirs) {
  if (dirs.size() == 1) return "dnacnn report: " + directory_name(dirs.front());
  return fmt::format("dnacnn report: {} runs", dirs.size());
}

std::string subtitle(const report::ReportData& data, const std::vector<fs::path>& dirs) {
  std::string where;
  for (const fs::path& d : dirs) where += (where.empty() ? "" : ", ") + d.string();
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return fmt::format("{} model{} from {} \u00b7 written {:%Y-%m-%d %H:%M} UTC", data.models.size(),
                     data.models.size() == 1 ? "" : "s", where, fmt::gmtime(now));
}

// Chart names become file names: two labels may map to the same slug ("a b" and "a_b").
void make_chart_names_unique(std::vector<report::Section>& sections) {
  std::set<std::string> used;
  for (report::Section& s : sections)
    for (report::Block& b : s.blocks)
      if (auto* row = std::get_if<report::ChartRow>(&b))
        for (report::Chart& c : row->charts) {
          std::string name = c.name;
          for (int i = 2; used.count(name); ++i) name = c.name + "_" + std::to_string(i);
          c.name = name;
          used.insert(name);
        }
}

fs::path output_path(const ReportOptions& options) {
  if (options.runs.empty()) throw UsageError("no run directory given");
  if (options.out.empty()) {
    if (options.runs.size() > 1) throw UsageError("with several run directories, say where the report goes: --out FILE");
    return options.runs.front() / "report.html";
  }
  if (fs::is_directory(options.out)) return options.out / "report.html";
  return options.out;
}

}  // namespace

fs::path write_report(const ReportOptions& options) {
  const fs::path out = output_path(options);
  std::vector<report::Section> sections;
  std::string page;
  try {
    const report::ReportData data = report::load_report_data(options.runs);
    sections = report::build_sections(data);
    make_chart_names_unique(sections);
    page = report::render_page(
        {options.title.empty() ? default_title(options.runs) : options.title, subtitle(data, options.runs)}, sections);
  } catch (const nlohmann::json::exception& e) {
    // A hand-edited or foreign metrics.json/run.json with a key of the wrong type.
    std::string where;
    for (const fs::path& d : options.runs) where += (where.empty() ? "" : ", ") + d.string();
    throw Error(std::string("a run file has unexpected content (") + e.what() + ")", {where});
  }

  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  io::ensure_directory(dir);
  bool has_charts_dir = false;
  for (const report::Section& s : sections)
    for (const report::Block& b : s.blocks)
      if (const auto* row = std::get_if<report::ChartRow>(&b))
        for (const report::Chart& c : row->charts) {
          if (!has_charts_dir) io::ensure_directory(dir / "charts");
          has_charts_dir = true;
          io::write_file_atomically(dir / "charts" / (c.name + ".vl.json"), c.spec.dump(1, ' ', false,
                                    nlohmann::json::error_handler_t::replace) + "\n");
        }
  io::write_file_atomically(out, page);
  return out;
}

fs::path write_report(const fs::path& dir) {
  ReportOptions options;
  options.runs = {dir};
  return write_report(options);
}

}  // namespace dnacnn
