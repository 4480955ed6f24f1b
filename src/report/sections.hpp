// The report's sections, in page order. Each builder returns nullopt when its data are missing,
// so a section appears only when there is something to show.
#pragma once
#include <optional>
#include <vector>

#include "report/run_data.hpp"
#include "report/section.hpp"

namespace dnacnn::report {

std::optional<Section> metrics_section(const ReportData& data);
std::optional<Section> loss_section(const ReportData& data);
std::optional<Section> spot_check_section(const ReportData& data);
std::optional<Section> predictions_section(const ReportData& data);
std::optional<Section> motifs_section(const ReportData& data);  // motif_section.cpp
std::optional<Section> run_details_section(const ReportData& data);

// Every section that has data, in page order. Later kinds of content (conv filter heatmaps,
// sequence logos, LR-sweep curves, model comparisons) are added to the list in sections.cpp.
std::vector<Section> build_sections(const ReportData& data);

}  // namespace dnacnn::report
