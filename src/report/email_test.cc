#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "report/escape.h"
#include "report/render.h"
#include "report/testing/sample_result.h"

namespace culprit::report {
namespace {

struct Part {
  std::map<std::string, std::string> headers;
  std::string body;  // decoded, LF line ends
};

struct Message {
  std::map<std::string, std::string> headers;  // unfolded
  std::vector<Part> parts;
};

std::string DecodeQp(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;  // soft line break
    } else {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

std::string DecodeBase64(const std::string& text) {
  static const std::string kDigits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t chunk = 0;
  int bits = 0;
  for (char c : text) {
    size_t v = kDigits.find(c);
    if (v == std::string::npos) continue;  // newlines, padding
    chunk = (chunk << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((chunk >> bits) & 0xff);
    }
  }
  return out;
}

// Headers up to the first empty line, continuation lines unfolded; `text` has LF line ends.
std::map<std::string, std::string> ParseHeaders(const std::string& block) {
  std::map<std::string, std::string> headers;
  std::string last;
  std::istringstream in(block);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      headers[last] += line;
      continue;
    }
    size_t colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << "not a header: " << line;
    if (colon == std::string::npos) continue;
    last = line.substr(0, colon);
    EXPECT_EQ(headers.count(last), 0u) << "header twice: " << last;
    headers[last] = line.substr(colon + 2);
  }
  return headers;
}

Part ParsePart(const std::string& text) {
  size_t split = text.find("\n\n");
  Part p;
  p.headers = ParseHeaders(text.substr(0, split));
  std::string body = split == std::string::npos ? "" : text.substr(split + 2);
  const std::string& cte = p.headers["Content-Transfer-Encoding"];
  p.body = cte == "quoted-printable" ? DecodeQp(body) : cte == "base64" ? DecodeBase64(body) : body;
  return p;
}

Message Parse(std::string mail) {
  Message m;
  size_t split = mail.find("\n\n");
  m.headers = ParseHeaders(mail.substr(0, split));
  std::string body = mail.substr(split + 2);
  const std::string type = m.headers["Content-Type"];
  std::smatch match;
  if (!std::regex_search(type, match, std::regex("boundary=\"([^\"]+)\""))) {
    m.parts.push_back(ParsePart("Content-Type: " + type + "\nContent-Transfer-Encoding: " +
                                m.headers["Content-Transfer-Encoding"] + "\n\n" + body));
    return m;
  }
  const std::string delimiter = "\n--" + match[1].str();
  size_t at = body.find("--" + match[1].str() + "\n");
  EXPECT_NE(at, std::string::npos);
  size_t end = body.find(delimiter + "--\n");
  EXPECT_NE(end, std::string::npos) << "no closing delimiter";
  at = body.find('\n', at) + 1;
  while (at < end) {
    size_t next = body.find(delimiter, at);
    std::string part = body.substr(at, next - at);
    m.parts.push_back(ParsePart(part));
    at = body.find('\n', next + 1) + 1;
    if (next == end) break;
  }
  return m;
}

void ExpectWellFormed(const std::string& raw, bool crlf, const std::string& name) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (crlf && raw[i] == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << name << ": bare LF at " << i;
    }
    if (crlf && raw[i] == '\r') {
      ASSERT_TRUE(i + 1 < raw.size() && raw[i + 1] == '\n') << name << ": bare CR at " << i;
    }
    if (!crlf) {
      ASSERT_NE(raw[i], '\r') << name << ": CR in an LF message at " << i;
    }
  }
  std::istringstream in(raw);
  for (std::string line; std::getline(in, line);) {
    if (crlf && !line.empty()) line.pop_back();
    EXPECT_LE(line.size(), 998u) << name;
    for (char c : line) {
      EXPECT_LT(static_cast<unsigned char>(c), 0x80) << name << ": 8-bit byte in " << line;
    }
  }
}

std::string Unix(std::string raw) {
  std::string out;
  for (char c : raw)
    if (c != '\r') out += c;
  return out;
}

TEST(Email, Rfc5322MessageOnEveryOutcome) {
  const std::string long_line(2000, 'x');
  struct {
    const char* name;
    decide::ConclusionKind outcome;
    std::string log;
    const char* log_encoding;
    std::string default_to;
    std::string want_to;
  } rows[] = {
      {"found, ascii log", decide::ConclusionKind::kFound, "testing commit abc\nall runs: OK\n",
       "7bit", "", "asml.silence@gmail.com, axboe@kernel.dk"},
      {"inconclusive, long lines", decide::ConclusionKind::kInconclusive,
       "run #0: " + long_line + "\n", "quoted-printable", "",
       "asml.silence@gmail.com, axboe@kernel.dk"},
      {"horizon, latin-1 heavy log", decide::ConclusionKind::kHorizon,
       "\xe9\xe9\xe9\xe9 \xc3\xa9\n", "base64", "", "asml.silence@gmail.com, axboe@kernel.dk"},
      {"failed, to the reporter", decide::ConclusionKind::kError, "culprit: no crash\n", "7bit",
       "Dev <dev@host.example>", "dev@host.example"},
      {"failed, to the sender", decide::ConclusionKind::kError, "", "", "", "culprit@ci.example"},
  };
  for (bool crlf : {false, true}) {
    for (const auto& row : rows) {
      const std::string name = std::string(row.name) + (crlf ? " (CRLF)" : " (LF)");
      BisectionResult r = SampleResult();
      r.outcome = row.outcome;
      if (row.outcome == decide::ConclusionKind::kError) {
        r.recipients_to.clear();
        r.recipients_cc.clear();
        r.error = "the crash was not reproduced on the bad commit";
      }
      EmailOptions o{.from = "culprit <culprit@ci.example>",
                     .default_to = row.default_to,
                     .date = 1629020426,
                     .message_id = "culprit.job-3.1629020426@ci.example",
                     .log = row.log,
                     .crlf = crlf};
      std::ostringstream out;
      WriteEmail(r, o, out);
      const std::string raw = out.str();
      ExpectWellFormed(raw, crlf, name);
      Message m = Parse(Unix(raw));
      EXPECT_EQ(m.headers["From"], "culprit <culprit@ci.example>") << name;
      EXPECT_EQ(m.headers["To"], row.want_to) << name;
      EXPECT_EQ(m.headers["Date"], "Sun, 15 Aug 2021 09:40:26 +0000") << name;
      EXPECT_EQ(m.headers["Message-ID"], "<culprit.job-3.1629020426@ci.example>") << name;
      EXPECT_EQ(m.headers["MIME-Version"], "1.0") << name;
      EXPECT_EQ(m.headers["Subject"].rfind("[culprit] general protection fault", 0), 0u) << name;
      if (row.outcome == decide::ConclusionKind::kError) {
        EXPECT_EQ(m.headers.count("Cc"), 0u) << name;
      } else {
        EXPECT_EQ(m.headers["Cc"], "io-uring@vger.kernel.org") << name;
      }
      ASSERT_EQ(m.parts.size(), row.log.empty() ? 1u : 2u) << name;
      const std::string& body = m.parts[0].body;
      EXPECT_EQ(m.parts[0].headers["Content-Type"], "text/plain; charset=utf-8") << name;
      EXPECT_EQ(body.find("recipients (to): ["), std::string::npos) << "JSON-ish list: " << name;
      if (!row.log.empty()) {
        EXPECT_NE(body.find("bisection log:  attached (bisection.log)\n"), std::string::npos)
            << name;
        EXPECT_EQ(m.parts[1].headers["Content-Disposition"],
                  "attachment; filename=\"bisection.log\"")
            << name;
        EXPECT_EQ(m.parts[1].headers["Content-Transfer-Encoding"], row.log_encoding) << name;
        EXPECT_EQ(m.parts[1].body, ValidUtf8(row.log)) << name;
      }
      EXPECT_NE(body.find("start commit:   b9011c7e671d Add linux-next specific files\n"),
                std::string::npos)
          << name << body;
      EXPECT_NE(body.find("git tree:       /src/linux\n"), std::string::npos) << name;
    }
  }
}

TEST(Email, BodyReadsLikeSyzbots) {
  EmailOptions o{.date = 1629020426};
  std::ostringstream out;
  WriteEmail(SampleResult(), o, out);
  Message m = Parse(out.str());
  const std::string& body = m.parts[0].body;
  EXPECT_EQ(body.rfind("culprit has bisected this crash to:\n\n"
                       "commit 483fc4e30869f8bd1693aca9cffddb21fb303b32\n"
                       "Author: Pavel Begunkov <asml.silence@gmail.com>\n"
                       "Date:   Sun Aug 15 10:40:26 2021 +0100\n\n"
                       "    io_uring: optimise io_prep_linked_timeout()\n\n",
                       0),
            0u)
      << body;
  EXPECT_NE(body.find("Fixes: 483fc4e30869 (\"io_uring: optimise io_prep_linked_timeout()\")"),
            std::string::npos);
  EXPECT_NE(body.find("final oops:\ngeneral protection fault"), std::string::npos);
  EXPECT_EQ(m.headers["From"], "culprit <culprit@localhost>");
  EXPECT_TRUE(
      std::regex_match(m.headers["Message-ID"], std::regex("<culprit\\.[0-9a-f.]+@localhost>")))
      << m.headers["Message-ID"];
}

// A title that is not ASCII goes in RFC 2047 encoded words, split between UTF-8 sequences
// (the 45-byte word would end inside the 18th "ü") and folded onto continuation lines.
TEST(Email, EncodesNonAsciiSubject) {
  BisectionResult r = SampleResult();
  r.outcome = decide::ConclusionKind::kError;
  r.title.clear();
  for (int i = 0; i < 20; ++i) r.title += "\xc3\xbc";  // ü
  std::ostringstream out;
  WriteEmail(r, {.date = 1}, out);
  EXPECT_NE(
      out.str().find("Subject: "
                     "=?UTF-8?B?W2N1bHByaXRdIMO8w7zDvMO8w7zDvMO8w7zDvMO8w7zDvMO8w7zDvMO8w7w=?=\n"
                     " =?UTF-8?B?w7zDvMO8OiBiaXNlY3Rpb24gZmFpbGVk?=\n"),
      std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace culprit::report
