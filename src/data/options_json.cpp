// The JSON form of the options that say how data were read (checkpoints keep them so that a
// resumed run reads the same rows the same way).
#include <nlohmann/json.hpp>

#include "core/json_get.hpp"
#include "dnacnn/data/bam_tracks.hpp"
#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/intervals.hpp"

namespace dnacnn {

void to_json(nlohmann::json& j, const TableOptions& t) {
  j = {{"format", t.format},          {"seq_col", t.seq_col},        {"id_col", t.id_col},
       {"target_cols", t.target_cols}, {"labels", t.labels.string()}, {"split_col", t.split_col},
       {"length", t.length},          {"pad", std::string(pad_name(t.pad))}};
}

void from_json(const nlohmann::json& j, TableOptions& t) {
  t = TableOptions{};
  json_get::get_to(j.at("format"), t.format);
  json_get::get_to(j.at("seq_col"), t.seq_col);
  json_get::get_to(j.at("id_col"), t.id_col);
  json_get::get_to(j.at("target_cols"), t.target_cols);
  t.labels = j.at("labels").get<std::string>();
  json_get::get_to(j.at("split_col"), t.split_col);
  json_get::get_to(j.at("length"), t.length);
  t.pad = parse_pad(j.at("pad").get<std::string>());
}

void to_json(nlohmann::json& j, const IntervalDataOptions& o) {
  std::vector<std::string> beds;
  for (const auto& b : o.beds) beds.push_back(b.string());
  j = {{"beds", beds},
       {"genome", o.genome.string()},
       {"length", o.length},
       {"target_col", o.target_col},
       {"negatives", o.negatives},
       {"negative_ratio", o.negative_ratio},
       {"negative_seed", o.negative_seed},
       {"val_chroms", o.val_chroms},
       {"test_chroms", o.test_chroms},
       {"bigwigs", o.bigwigs},
       {"aggregate", o.aggregate},
       {"output_length", o.output_length}};
  if (o.profile) j["profile"] = true;  // only then: older run.json files stay as they were
  if (o.bams.empty()) return;  // runs without --bam keep the keys they always had
  j["bams"] = o.bams;
  j["coverage"] = counting_json(o.coverage);
  j["coverage_dir"] = o.coverage_dir.string();
}

void from_json(const nlohmann::json& j, IntervalDataOptions& o) {
  o = IntervalDataOptions{};
  for (const auto& b : j.at("beds").get<std::vector<std::string>>()) o.beds.emplace_back(b);
  o.genome = j.at("genome").get<std::string>();
  json_get::get_to(j.at("length"), o.length);
  json_get::get_to(j.at("target_col"), o.target_col);
  json_get::get_to(j.at("negatives"), o.negatives);
  json_get::get_to(j.at("negative_ratio"), o.negative_ratio);
  json_get::get_to(j.at("negative_seed"), o.negative_seed);
  json_get::get_to(j.at("val_chroms"), o.val_chroms);
  json_get::get_to(j.at("test_chroms"), o.test_chroms);
  // Runs recorded before bigWig targets existed have none.
  o.bigwigs = j.value("bigwigs", std::vector<std::string>{});
  o.aggregate = j.value("aggregate", std::string("sum"));
  o.output_length = j.value("output_length", std::int64_t{0});
  o.profile = j.value("profile", false);
  o.bams = j.value("bams", std::vector<std::string>{});
  if (j.contains("coverage")) counting_from_json(j.at("coverage"), o.coverage);
  o.coverage_dir = j.value("coverage_dir", std::string());
}

}  // namespace dnacnn
