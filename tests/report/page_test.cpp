#include "report/page.hpp"

#include <gtest/gtest.h>

#include "dnacnn/core/error.hpp"
#include "report/html.hpp"
#include "report/sha256.hpp"
#include "fake_run.hpp"

namespace dnacnn::report {
namespace {

using test::count_of;

const char* kXss = "<img src=x onerror=alert(1)>";

std::string sample_page() {
  nlohmann::json spec = {{"title", "</script><script>alert(2)</script><!--"}, {"data", {{"values", {{{"id", kXss}}}}}}};
  Section section{"s1", kXss, {Html{"<p>" + escape_html(kXss) + "</p>"}, ChartRow{{Chart{"c1", spec, true}}}}};
  return render_page({kXss, "sub " + std::string(kXss)}, {section});
}

TEST(ReportPage, UserTextNeverBecomesMarkup) {
  const std::string page = sample_page();
  EXPECT_EQ(page.find(kXss), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_EQ(page.find("alert(2)</script>"), std::string::npos);
  // The JSON script, the three libraries and page.js: no element was added by the data.
  EXPECT_EQ(count_of(page, "<script"), 5u);
  EXPECT_EQ(count_of(page, "</script>"), 5u);
}

TEST(ReportPage, ContentSecurityPolicyAllowsExactlyTheInlineScripts) {
  const std::string page = sample_page();
  const auto meta = page.find("http-equiv=\"Content-Security-Policy\"");
  ASSERT_NE(meta, std::string::npos);
  const std::size_t content = page.find("content=\"", meta) + 9;
  const std::string policy = page.substr(content, page.find('"', content) - content);
  EXPECT_NE(policy.find("default-src &#39;none&#39;"), std::string::npos);
  EXPECT_NE(policy.find("connect-src &#39;none&#39;"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(policy.find("http"), std::string::npos);
  EXPECT_EQ(count_of(policy, "sha256-"), 4u);
  // Every executable script's hash is in the policy.
  for (std::size_t at = page.find("<script>"); at != std::string::npos; at = page.find("<script>", at + 1)) {
    const std::size_t start = at + 8, end = page.find("</script>", start);
    std::string hash = csp_hash_source(std::string_view(page).substr(start, end - start));
    hash = escape_html(hash);
    EXPECT_NE(policy.find(hash), std::string::npos) << "no hash for the script at " << at;
  }
}

TEST(ReportPage, ChartContainersAndLogToggleAreThere) {
  const std::string page = sample_page();
  EXPECT_NE(page.find("data-chart=\"c1\""), std::string::npos);
  EXPECT_NE(page.find("data-log-scale-for=\"c1\""), std::string::npos);
  EXPECT_NE(page.find("<a href=\"#s1\">"), std::string::npos);
}

TEST(ReportPage, ScriptsThatWouldEndTheirElementAreRefused) {
  EXPECT_THROW(inline_script_text("var a = '</SCRIPT>';", "x.js"), Error);
  EXPECT_THROW(inline_script_text("var a = '<!--';", "x.js"), Error);
  EXPECT_EQ(inline_script_text("var a;\n//# sourceMappingURL=x.js.map", "x.js"), "var a;\n");
}

}  // namespace
}  // namespace dnacnn::report
