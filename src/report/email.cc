// The report as an RFC 5322 / MIME message in the style of syzbot's bisection e-mails: the
// headers a mail system needs (From, To on every outcome, Date, Message-ID), a plain-text body
// ("culprit has bisected this crash to: commit H ...") and the bisection log attached.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "base/strings.h"
#include "decide/names.h"
#include "report/escape.h"
#include "report/render.h"

namespace culprit::report {
namespace {

constexpr size_t kMaxLogBytes = 8u << 20;  // a longer log keeps its end, where the verdict is

std::string OneLine(std::string_view text) {
  std::string line;
  for (char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
  return line;
}

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
}

// A header value: printable ASCII as is; anything else (a commit title in UTF-8) as RFC 2047
// encoded words, each under 76 characters on its own folded line, never splitting a UTF-8
// sequence.
std::string HeaderValue(std::string_view text) {
  std::string line = ValidUtf8(OneLine(text));
  if (IsPrintableAscii(line)) return line;
  constexpr size_t kWordBytes = 45;  // 60 base64 characters + 12 of "=?UTF-8?B?" and "?="
  std::string out;
  for (size_t begin = 0; begin < line.size();) {
    size_t end = std::min(line.size(), begin + kWordBytes);
    while (end < line.size() && end > begin + 1 && (static_cast<uint8_t>(line[end]) & 0xc0) == 0x80)
      --end;
    out += (begin == 0 ? "" : "\n ") + std::string("=?UTF-8?B?") +
           Base64(std::string_view(line).substr(begin, end - begin)) + "?=";
    begin = end;
  }
  return out;
}

// The address of "Name <address>" or of a bare address; empty when it does not look like one
// a header can carry (ASCII, one @, no spaces or specials).
std::string AddressOf(std::string_view mailbox) {
  std::string_view a = Trim(mailbox);
  size_t lt = a.rfind('<'), gt = a.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt)
    a = a.substr(lt + 1, gt - lt - 1);
  a = Trim(a);
  size_t at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size() ||
      a.find('@', at + 1) != std::string_view::npos)
    return "";
  for (char c : a) {
    if (!IsPrintableAscii(std::string_view(&c, 1)) ||
        std::string_view(" <>,;:\"()[]\\").find(c) != std::string_view::npos)
      return "";
  }
  return std::string(a);
}

// "Name <address>" with the name quoted or encoded as needed; the address alone without one.
std::string MailboxHeader(std::string_view mailbox, const std::string& address) {
  std::string_view m = Trim(mailbox);
  size_t lt = m.rfind('<');
  std::string name(lt == std::string_view::npos ? "" : Trim(m.substr(0, lt)));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
    name = name.substr(1, name.size() - 2);
  if (name.empty()) return address;
  name = OneLine(name);
  if (!IsPrintableAscii(name)) return HeaderValue(name) + " <" + address + ">";
  bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view(" !#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
  });
  if (plain) return name + " <" + address + ">";
  std::string quoted = "\"";
  for (char c : name) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return quoted + "\" <" + address + ">";
}

// "To: a, b, ..." folded before a line would pass 78 characters.
std::string AddressHeader(const char* name, const std::vector<std::string>& addresses) {
  std::string out = std::string(name) + ":";
  size_t line = out.size();
  for (size_t i = 0; i < addresses.size(); ++i) {
    std::string item = " " + addresses[i] + (i + 1 < addresses.size() ? "," : "");
    if (line + item.size() > 78 && line > std::string(name).size() + 1) {
      out += "\n";
      line = 0;
    }
    out += item;
    line += item.size();
  }
  return out + "\n";
}

std::vector<std::string> Addresses(const std::vector<std::string>& list) {
  std::vector<std::string> out;
  for (const auto& item : list) {
    std::string a = AddressOf(item);
    if (!a.empty() && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  return out;
}

// RFC 5322's date-time, in UTC: "Sun, 15 Aug 2021 09:40:26 +0000".
std::string MailDate(int64_t when) {
  std::time_t t = static_cast<std::time_t>(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %d %s %d %02d:%02d:%02d +0000", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// FNV-1a: a stable tag for the Message-ID and the MIME boundary.
std::string Tag(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (char c : text) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string QuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::string_view line : SplitLines(text)) {
    std::string encoded;
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const auto b = static_cast<uint8_t>(line[i]);
      const bool last = i + 1 == line.size();
      std::string piece;
      if ((b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last)) {
        piece = std::string(1, static_cast<char>(b));
      } else {
        piece = {'=', kHex[b >> 4], kHex[b & 15]};
      }
      if (width + piece.size() > 75) {  // a soft break keeps each line at 76 characters
        encoded += "=\n";
        width = 0;
      }
      encoded += piece;
      width += piece.size();
    }
    out += encoded + "\n";
  }
  return out;
}

struct EncodedPart {
  const char* encoding;
  std::string body;  // LF line ends, ending with one
};

// 7bit when the text is short-lined ASCII, quoted-printable when it is mostly so, base64 else.
EncodedPart Encode(std::string_view raw) {
  std::string text = ValidUtf8(raw);
  if (!text.empty() && text.back() != '\n') text += '\n';
  size_t non_ascii = 0, longest = 0, line = 0;
  bool controls = false;
  for (char c : text) {
    const auto b = static_cast<uint8_t>(c);
    if (b >= 0x80) non_ascii++;
    if ((b < 0x20 && c != '\n' && c != '\t') || b == 0x7f) controls = true;
    line = c == '\n' ? 0 : line + 1;
    longest = std::max(longest, line);
  }
  if (non_ascii == 0 && !controls && longest <= 998) return {"7bit", text};
  if (non_ascii * 4 <= text.size()) return {"quoted-printable", QuotedPrintable(text)};
  std::string b64 = Base64(text), wrapped;
  for (size_t i = 0; i < b64.size(); i += 76) wrapped += b64.substr(i, 76) + "\n";
  return {"base64", wrapped};
}

void WriteCommitBlock(const BisectionResult& r, std::ostream& out) {
  const history::CommitInfo& c = r.culprit;
  out << "commit " << r.commit << "\n";
  if (!c.author.email.empty())
    out << "Author: " << c.author.name << " <" << c.author.email << ">\n"
        << "Date:   " << GitDate(c.author_time, c.author_offset_minutes) << "\n";
  out << "\n    " << c.title << "\n\n";
}

void WriteOpening(const BisectionResult& r, std::ostream& out) {
  const bool fix = r.mode == decide::Mode::kFix;
  switch (r.outcome) {
    case decide::ConclusionKind::kFound:
      out << (fix ? "culprit suspects this crash was fixed by commit:\n\n"
                  : "culprit has bisected this crash to:\n\n");
      WriteCommitBlock(r, out);
      return;
    case decide::ConclusionKind::kInconclusive:
      out << "culprit could not single out one commit for this crash";
      if (!r.stop_reason.empty()) out << " (" << r.stop_reason << ")";
      out << "; the " << decide::SoughtNoun(r.mode) << " is one of " << r.candidates.size()
          << " commits:\n\n";
      for (const auto& c : r.candidates) {
        char p[32];
        std::snprintf(p, sizeof p, "%6.2f%%", c.probability * 100);
        out << "  " << p << "  " << ShortHash(c.commit) << " " << c.title << "\n";
      }
      out << "\n";
      return;
    case decide::ConclusionKind::kHorizon: {
      std::string sentence = HorizonSentence(r);
      sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence[0])));
      out << sentence << ".\n\n";
      if (r.confidence > 0) {
        out << "Confidence: " << FormatConfidence(r.confidence);
        if (!r.stop_reason.empty()) out << " (" << r.stop_reason << ")";
        out << ".\n\n";
      }
      return;
    }
    case decide::ConclusionKind::kError:
      break;
  }
  out << "Bisection of this crash failed:\n\n    " << (r.error.empty() ? "unknown error" : r.error)
      << "\n\n";
}

std::string Body(const BisectionResult& r, bool log_attached) {
  std::ostringstream out;
  WriteOpening(r, out);
  auto field = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    std::string label = std::string(name) + ":";
    out << label << std::string(label.size() < 16 ? 16 - label.size() : 1, ' ') << value << "\n";
  };
  field("bisection log", log_attached ? "attached (bisection.log)" : "");
  field("start commit",
        r.start_commit.empty() ? "" : ShortHash(r.start_commit) + " " + r.start_title);
  field("git tree", r.repo);
  field("crash", r.title);
  if (r.outcome == decide::ConclusionKind::kFound) {
    field("confidence", FormatConfidence(r.confidence) +
                            (r.stop_reason.empty() ? "" : " (" + r.stop_reason + ")"));
  }
  field("tested", std::to_string(r.revisions_tested) + " revisions, " + std::to_string(r.builds) +
                      " builds, " + std::to_string(r.runs) + " runs in " +
                      FormatDuration(std::chrono::duration<double>(r.time.total_s)));
  field("final oops", r.crash_report.empty() ? "" : "below");
  if (r.noop)
    out << "\nwarning: the culprit's signature equals its parent's: it changed nothing that "
           "was built, so the result is suspect\n";
  if (r.refuted()) {
    out << "\nwarning: verification refuted the answer: " << r.verification->detail << "\n";
  } else if (r.verification) {
    out << "\nverification " << VerificationOutcomeName(r.verification->outcome) << ": "
        << r.verification->detail << "\n";
  }
  if (r.merge) out << "\nnote: the culprit is a merge commit\n";
  if (r.release) out << "\nnote: the culprit is the release " << r.release_tag << "\n";
  if (r.outcome == decide::ConclusionKind::kFound && r.mode == decide::Mode::kCause && !r.refuted())
    out << "\nFixes: " << ShortHash(r.commit) << " (\"" << r.culprit.title << "\")\n";
  if (!r.crash_report.empty()) {
    out << "\nfinal oops:\n" << r.crash_report;
    if (r.crash_report.back() != '\n') out << "\n";
    if (!r.disassembly.empty()) out << "----------------\n" << r.disassembly;
  }
  return out.str();
}

std::string BoundedLog(const std::string& log) {
  if (log.size() <= kMaxLogBytes) return log;
  size_t from = log.size() - kMaxLogBytes;
  from = log.find('\n', from) == std::string::npos ? from : log.find('\n', from) + 1;
  return "[" + std::to_string(from) + " bytes of the log's start not attached]\n" +
         log.substr(from);
}

std::string Boundary(const std::string& content) {
  std::string boundary = "culprit-" + Tag(content);
  while (content.find(boundary) != std::string::npos) boundary += "x";
  return boundary;
}

}  // namespace

void WriteEmail(const BisectionResult& r, const EmailOptions& o, std::ostream& out) {
  std::string from_address = AddressOf(o.from);
  if (from_address.empty()) from_address = "culprit@localhost";
  std::vector<std::string> to = Addresses(r.recipients_to);
  std::vector<std::string> cc = Addresses(r.recipients_cc);
  if (to.empty()) to = Addresses({o.default_to});
  if (to.empty()) to = {from_address};
  std::erase_if(
      cc, [&](const std::string& a) { return std::find(to.begin(), to.end(), a) != to.end(); });
  const int64_t date = o.date > 0 ? o.date : static_cast<int64_t>(std::time(nullptr));
  std::string id = o.message_id;
  if (id.empty()) {
    std::string domain = from_address.substr(from_address.find('@') + 1);
    id = "culprit." + std::to_string(date) + "." + Tag(ToJson(r)) + "@" + domain;
  }
  const std::string log = BoundedLog(o.log);
  EncodedPart body = Encode(Body(r, !log.empty()));
  EncodedPart attachment = Encode(log);
  std::string headers = "From: " + MailboxHeader(o.from, from_address) + "\n" +
                        AddressHeader("To", to) + (cc.empty() ? "" : AddressHeader("Cc", cc)) +
                        "Date: " + MailDate(date) + "\n" +
                        "Subject: " + HeaderValue("[culprit] " + Subject(r)) + "\n" +
                        "Message-ID: <" + OneLine(id) + ">\n" + "MIME-Version: 1.0\n";
  std::string message;
  if (log.empty()) {
    message = headers + "Content-Type: text/plain; charset=utf-8\n" +
              "Content-Transfer-Encoding: " + body.encoding + "\n\n" + body.body;
  } else {
    const std::string boundary = Boundary(body.body + attachment.body);
    message = headers + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n" +
              "This is a multi-part message in MIME format.\n\n--" + boundary + "\n" +
              "Content-Type: text/plain; charset=utf-8\n" +
              "Content-Transfer-Encoding: " + body.encoding + "\n\n" + body.body + "\n--" +
              boundary + "\n" +
              "Content-Type: text/plain; charset=utf-8; name=\"bisection.log\"\n" +
              "Content-Disposition: attachment; filename=\"bisection.log\"\n" +
              "Content-Transfer-Encoding: " + attachment.encoding + "\n\n" + attachment.body +
              "\n--" + boundary + "--\n";
  }
  if (!o.crlf) {
    out << message;
    return;
  }
  for (char c : message) {
    if (c == '\n') out << '\r';
    out << c;
  }
}

}  // namespace culprit::report
