#include "report/escape.h"

#include <gtest/gtest.h>

namespace culprit::report {
namespace {

TEST(ValidUtf8, ReplacesEveryMalformedByte) {
  const std::string r = "\xef\xbf\xbd";
  struct {
    std::string in, out;
  } rows[] = {
      {"plain ascii", "plain ascii"},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9b", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9b"},
      {"caf\xe9", "caf" + r},               // Latin-1
      {"\xc0\xaf", r + r},                  // overlong '/'
      {"\xed\xa0\x80", r + r + r},          // a surrogate
      {"\xf4\x90\x80\x80", r + r + r + r},  // past U+10FFFF
      {"\xe2\x82", r + r},                  // truncated
      {"\xff\xfe", r + r},
      {std::string("a\0b", 3), std::string("a\0b", 3)},  // NUL is valid UTF-8
  };
  for (const auto& row : rows) EXPECT_EQ(ValidUtf8(row.in), row.out) << row.in;
}

TEST(HtmlEscape, EscapesMarkupAndControls) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("tab\tnl\n\x1b[0m\x7f"), "tab\tnl\n\xef\xbf\xbd[0m\xef\xbf\xbd");
}

TEST(UrlPath, EncodesAllButSafeBytes) {
  EXPECT_EQ(UrlPath("runs/a-b/run_0.log"), "runs/a-b/run_0.log");
  EXPECT_EQ(UrlPath("a b/\"x\"?#%"), "a%20b/%22x%22%3F%23%25");
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> rows[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, out] : rows) EXPECT_EQ(Base64(in), out);
}

}  // namespace
}  // namespace culprit::report
