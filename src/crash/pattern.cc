#include "crash/pattern.h"

#include <utility>
#include <vector>

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

namespace {

constexpr std::string_view kMeta = ".[]()*+?{}|^$\\";

// The literal byte at `i` of an expanded regex and the offset after it, if it is one.
bool LiteralAt(std::string_view re, size_t i, char* literal, size_t* next) {
  if (i >= re.size()) return false;
  if (re[i] == '\\') {
    if (i + 1 >= re.size() ||
        std::string_view(".[]()*+?{}|^$\\-/ ").find(re[i + 1]) == std::string_view::npos)
      return false;
    *literal = re[i + 1];
    *next = i + 2;
    return true;
  }
  if (kMeta.find(re[i]) != std::string_view::npos) return false;
  *literal = re[i];
  *next = i + 1;
  return true;
}

// The run of certain literal bytes at `i`; `i` moves past it.
std::string LiteralRun(std::string_view re, size_t* i) {
  std::string out;
  char literal;
  size_t next;
  while (LiteralAt(re, *i, &literal, &next)) {
    // A quantified byte is not certain: the run ends before it.
    if (next < re.size() && std::string_view("*+?{").find(re[next]) != std::string_view::npos)
      break;
    out.push_back(literal);
    *i = next;
  }
  return out;
}

// Offset of the ')' closing the group opened at `open`, or npos.
size_t GroupEnd(std::string_view re, size_t open) {
  int depth = 0;
  for (size_t i = open; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < re.size() && re[j] == '^') ++j;
      if (j < re.size() && re[j] == ']') ++j;
      while (j < re.size() && re[j] != ']') j += re[j] == '\\' ? 2 : 1;
      i = j;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// The top-level branches of an alternation.
std::vector<std::string_view> Branches(std::string_view re) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      ++i;
    } else if (c == '(' || c == '[') {
      if (c == '[') {
        size_t j = i + 1;
        if (j < re.size() && re[j] == '^') ++j;
        if (j < re.size() && re[j] == ']') ++j;
        while (j < re.size() && re[j] != ']') j += re[j] == '\\' ? 2 : 1;
        i = j;
      } else {
        size_t end = GroupEnd(re, i);
        if (end == std::string_view::npos) return {};
        i = end;
      }
    } else if (c == '|') {
      out.push_back(re.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(re.substr(start));
  return out;
}

std::vector<std::string> Required(std::string_view re, int depth) {
  if (depth > 8) return {};
  std::vector<std::string> out;
  for (std::string_view branch : Branches(re)) {
    if (branch.starts_with("^")) branch.remove_prefix(1);
    std::vector<std::string> lits;
    if (branch.starts_with("(")) {
      size_t end = GroupEnd(branch, 0);
      if (end == std::string_view::npos) return {};
      if (end + 1 < branch.size() &&
          std::string_view("?*{").find(branch[end + 1]) != std::string_view::npos)
        return {};  // an optional group says nothing
      std::string_view inner = branch.substr(1, end - 1);
      if (inner.starts_with("?:")) {
        inner.remove_prefix(2);
      } else if (inner.starts_with("?")) {
        return {};  // flags or a named group: not worth reading
      }
      lits = Required(inner, depth + 1);
    } else {
      size_t i = 0;
      std::string run = LiteralRun(branch, &i);
      if (!run.empty()) lits.push_back(std::move(run));
    }
    if (lits.empty()) return {};
    for (std::string& l : lits) out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

std::string LiteralPrefix(std::string_view pattern) {
  std::string expanded = ExpandPattern(pattern);
  if (Branches(expanded).size() != 1) return "";
  size_t i = 0;
  return LiteralRun(expanded, &i);
}

std::vector<std::string> RequiredLiterals(std::string_view pattern) {
  return Required(ExpandPattern(pattern), 0);
}

std::vector<std::string> LiteralsAfterPrefix(std::string_view pattern) {
  std::string expanded = ExpandPattern(pattern);
  std::string_view re = expanded;
  std::vector<std::string> out;
  if (Branches(re).size() != 1) return out;
  size_t i = 0;
  LiteralRun(re, &i);
  // ".*" or ".*?" stays on the line; the literal run after it must follow there.
  while (re.substr(i).starts_with(".*")) {
    i += re.substr(i).starts_with(".*?") ? 3 : 2;
    std::string run = LiteralRun(re, &i);
    if (run.empty()) break;
    out.push_back(std::move(run));
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
