#include "crash/pattern.h"

#include <utility>

namespace culprit::crash {

std::string ExpandPattern(std::string_view pattern) {
  static constexpr std::pair<std::string_view, std::string_view> kPieces[] = {
      {"{{PC}}", R"(\[<?(?:0x)?[0-9a-f]+>?\])"},
      {"{{FN}}", R"(([A-Za-z0-9_]+)[.+])"},
      {"{{SRC}}", R"(([A-Za-z0-9_./-]+\.[a-z]+:[0-9]+))"},
      {"{{TASK}}", R"((?s:.){0,100}?)"},
      {"{{NEXT}}", R"((?:.*\n)+?)"},
  };
  std::string out(pattern);
  for (const auto& [name, regex] : kPieces) {
    for (size_t at = out.find(name); at != std::string::npos;
         at = out.find(name, at + regex.size()))
      out.replace(at, name.size(), regex);
  }
  return out;
}

std::unique_ptr<RE2> CompilePattern(std::string_view pattern) {
  if (pattern.empty()) return nullptr;
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(32 << 20);
  // A console log is bytes, not UTF-8: "." must match any byte (Go matches an invalid byte
  // as U+FFFD, one character).
  options.set_encoding(RE2::Options::EncodingLatin1);
  return std::make_unique<RE2>(ExpandPattern(pattern), options);
}

std::unique_ptr<RE2> CompileNameList(const std::vector<std::string_view>& entries) {
  if (entries.empty()) return nullptr;
  std::string joined;
  for (std::string_view e : entries) {
    std::string alt;
    if (e.starts_with("re:")) {
      alt = std::string(e.substr(3));
    } else if (e.starts_with("=")) {
      alt = "^" + RE2::QuoteMeta(e.substr(1)) + "$";
    } else {
      bool leading = e.starts_with("*"), trailing = e.size() > 1 && e.ends_with("*");
      std::string_view word = e.substr(leading, e.size() - leading - trailing);
      alt = (leading ? "" : "^") + RE2::QuoteMeta(word) + (trailing ? "" : "$");
    }
    if (!joined.empty()) joined += '|';
    joined += "(?:" + alt + ")";
  }
  return CompilePattern(joined);
}

std::string LiteralPrefix(std::string_view pattern) {
  std::string expanded = ExpandPattern(pattern);
  constexpr std::string_view kMeta = ".[]()*+?{}|^$\\";
  std::string out;
  for (size_t i = 0; i < expanded.size(); ++i) {
    char c = expanded[i];
    char literal;
    size_t next = i + 1;
    if (c == '\\' && i + 1 < expanded.size() &&
        std::string_view(".[]()*+?{}|^$\\-/ ").find(expanded[i + 1]) != std::string_view::npos) {
      literal = expanded[i + 1];
      next = i + 2;
    } else if (kMeta.find(c) == std::string_view::npos) {
      literal = c;
    } else {
      break;
    }
    // A quantified or alternated byte is not certain: the prefix ends before it.
    if (next < expanded.size() &&
        std::string_view("*+?{|").find(expanded[next]) != std::string_view::npos)
      break;
    out.push_back(literal);
    i = next - 1;
  }
  return out;
}

namespace {

bool Match(const RE2& re, std::string_view text, size_t pos, RE2::Anchor anchor,
           std::vector<std::string_view>* groups, std::string_view* whole) {
  re2::StringPiece piece(text.data(), text.size());
  // Most tries fail early: the DFA alone says so, before RE2 is asked for groups.
  if (!re.Match(piece, pos, text.size(), anchor, nullptr, 0)) return false;
  int n = re.NumberOfCapturingGroups();
  re2::StringPiece sub[16];
  if (n + 1 > 16) return false;  // table patterns have a few groups; checked by a test
  if (!re.Match(piece, pos, text.size(), anchor, sub, n + 1)) return false;
  if (groups != nullptr) {
    groups->clear();
    for (int i = 1; i <= n; ++i) {
      groups->push_back(sub[i].data() == nullptr ? std::string_view()
                                                 : std::string_view(sub[i].data(), sub[i].size()));
    }
  }
  if (whole != nullptr) *whole = std::string_view(sub[0].data(), sub[0].size());
  return true;
}

}  // namespace

bool MatchAt(const RE2& re, std::string_view text, size_t pos,
             std::vector<std::string_view>* groups, std::string_view* whole) {
  return Match(re, text, pos, RE2::ANCHOR_START, groups, whole);
}

bool SearchIn(const RE2& re, std::string_view text, std::vector<std::string_view>* groups,
              std::string_view* whole) {
  return Match(re, text, 0, RE2::UNANCHORED, groups, whole);
}

}  // namespace culprit::crash
