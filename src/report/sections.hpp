// The report's sections, in page order. Each builder returns nullopt when its data are missing,
// so a section appears only when there is something to show.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "report/run_data.hpp"
#include "report/section.hpp"

namespace dnacnn::report {

std::optional<Section> metrics_section(const ReportData& data);
std::optional<Section> loss_section(const ReportData& data);
std::optional<Section> spot_check_section(const ReportData& data);
std::optional<Section> predictions_section(const ReportData& data);
std::optional<Section> motifs_section(const ReportData& data);  // motif_section.cpp
std::optional<Section> profile_section(const ReportData& data);  // profile_section.cpp
std::optional<Section> error_analysis_section(const ReportData& data);  // experiment_sections.cpp
std::vector<Section> run_set_sections(const ReportData& data);          // experiment_sections.cpp: sweeps, experiments
std::optional<Section> run_details_section(const ReportData& data);

// Shared by the builders: an intro paragraph, and one predicted-vs-actual panel per model with a test split.
Html paragraph(std::string_view text);
std::optional<ChartRow> predicted_vs_actual_row(const std::vector<ModelRun>& models);

// Every section that has data, in page order. Later kinds of content (conv filter heatmaps,
// sequence logos, LR-sweep curves, model comparisons) are added to the list in sections.cpp.
std::vector<Section> build_sections(const ReportData& data);

}  // namespace dnacnn::report
