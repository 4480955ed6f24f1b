#include "report/html.hpp"

#include <gtest/gtest.h>

namespace dnacnn::report {
namespace {

TEST(ReportHtml, EscapesEveryCharacterThatCouldStartMarkup) {
  EXPECT_EQ(escape_html("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(escape_html("a&b \"c\" 'd'"), "a&amp;b &quot;c&quot; &#39;d&#39;");
  EXPECT_EQ(escape_html("ACGT"), "ACGT");
}

TEST(ReportHtml, JsonForScriptCannotCloseTheScriptElement) {
  const nlohmann::json value = {{"id", "</script><script>alert(1)</script>"}, {"note", "<!-- x --> & y"}};
  const std::string text = json_for_script(value);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text), value);  // still the same JSON
}

TEST(ReportHtml, InvalidUtf8BecomesReplacementCharacterInsteadOfThrowing) {
  const nlohmann::json value = {{"id", std::string("bad \xff byte")}};
  EXPECT_NE(json_for_script(value).find("\xef\xbf\xbd"), std::string::npos);
}

TEST(ReportHtml, TableEscapesHeaderAndTextCells) {
  const std::string table = html_table({"<b>col</b>"}, {{text_cell("<i>x</i>")}, {number_cell(1.23456, 2)}});
  EXPECT_NE(table.find("&lt;b&gt;col&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(table.find("&lt;i&gt;x&lt;/i&gt;"), std::string::npos);
  EXPECT_NE(table.find("1.23"), std::string::npos);
  EXPECT_EQ(table.find("<b>"), std::string::npos);
  EXPECT_EQ(table.find("<i>"), std::string::npos);
}

TEST(ReportHtml, NumberCellsShowADashForMissingValues) {
  EXPECT_EQ(number_cell(nullptr, 3).html, "&ndash;");
  EXPECT_EQ(count_cell(1234567).html, "1,234,567");
}

TEST(ReportHtml, ThousandsSeparators) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1000), "1,000");
  EXPECT_EQ(with_thousands(-1234567), "-1,234,567");
}

TEST(ReportHtml, FileSlugKeepsOnlySafeCharacters) {
  EXPECT_EQ(file_slug("cnn (run 2)"), "cnn_run_2");
  EXPECT_EQ(file_slug("../../etc/passwd"), "etc_passwd");
  EXPECT_EQ(file_slug("<img src=x>"), "img_src_x");
  EXPECT_EQ(file_slug("***"), "chart");
}

}  // namespace
}  // namespace dnacnn::report
