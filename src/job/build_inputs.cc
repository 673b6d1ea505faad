#include "job/build_inputs.h"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>

namespace culprit::job {
namespace {

namespace fs = std::filesystem;

// Make's syntax: words separated by blanks, a backslash before a newline joins lines, a
// backslash before a blank escapes it (a path with a space).
std::vector<std::string> MakeWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      if (next == '\n') {
        flush();
        ++i;
        continue;
      }
      if (next == ' ' || next == '\\' || next == '#' || next == ':') {
        word += next;
        ++i;
        continue;
      }
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush();
      if (c == '\n') words.push_back("\n");
      continue;
    }
    word += c;
  }
  flush();
  return words;
}

constexpr size_t kMaxDepFileBytes = 4 << 20;

std::string ReadSmallFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data(kMaxDepFileBytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

}  // namespace

std::vector<std::string> ParseDepFile(std::string_view text) {
  std::vector<std::string> out;
  bool after_colon = false;
  for (std::string& w : MakeWords(text)) {
    if (w == "\n") {
      after_colon = false;
      continue;
    }
    if (!after_colon) {
      // "target:" or "target :" or "a.o b.o:" (several targets); a dep never precedes ':'.
      if (w == ":") {
        after_colon = true;
      } else if (w.back() == ':') {
        after_colon = true;
      }
      continue;
    }
    if (w == "|") continue;  // order-only prerequisites follow: still read by the build
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<std::string> ParseKbuildCmdFile(std::string_view text) {
  std::vector<std::string> out;
  // Lines "source_foo.o := path" and "deps_foo.o := \" then one path per continued line;
  // "cmd_foo.o := ..." (the command) is not an input list.
  std::vector<std::string> words = MakeWords(text);
  enum class State { kNone, kSource, kDeps } state = State::kNone;
  bool expect_assign = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "\n") {
      if (state == State::kSource) state = State::kNone;
      // A deps list continues across joined lines: MakeWords already joined them, so a real
      // newline ends it.
      if (state == State::kDeps) state = State::kNone;
      expect_assign = false;
      continue;
    }
    if (state == State::kNone) {
      if (w.rfind("source_", 0) == 0) {
        state = State::kSource;
        expect_assign = true;
      } else if (w.rfind("deps_", 0) == 0) {
        state = State::kDeps;
        expect_assign = true;
      }
      continue;
    }
    if (expect_assign) {
      expect_assign = false;
      if (w == ":=" || w == "=") continue;
    }
    if (w.rfind("$(wildcard", 0) == 0 || w.find("include/config/") != std::string::npos) {
      continue;
    }
    if (w.empty() || w[0] == '$' || w == ")" || w == ":=") continue;
    out.push_back(w);
  }
  return out;
}

std::optional<std::string> RepositoryPath(const std::string& path, const fs::path& base,
                                          const fs::path& root) {
  fs::path p(path);
  if (p.is_relative()) p = base / p;
  p = p.lexically_normal();
  fs::path rel = p.lexically_relative(root.lexically_normal());
  if (rel.empty()) return std::nullopt;
  const std::string s = rel.generic_string();
  if (s == "." || s.rfind("..", 0) == 0) return std::nullopt;
  return s;
}

size_t CollectInputs(const fs::path& dir, bool (*is_dep_file)(std::string_view name),
                     std::vector<std::string> (*parse)(std::string_view), const fs::path& base,
                     const fs::path& root, std::vector<std::string>* out, size_t max_files) {
  size_t files = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  const fs::recursive_directory_iterator end;
  for (; !ec && it != end && files < max_files; it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || !is_dep_file(it->path().filename().string())) continue;
    ++files;
    for (const std::string& dep : parse(ReadSmallFile(it->path()))) {
      if (auto rel = RepositoryPath(dep, base, root)) out->push_back(*rel);
    }
  }
  return files;
}

const std::vector<std::string>& BuildSystemPatterns() {
  static const std::vector<std::string> kPatterns = {"Makefile",
                                                     "*/Makefile",
                                                     "makefile",
                                                     "GNUmakefile",
                                                     "*.mk",
                                                     "Makefile.*",
                                                     "*/Makefile.*",
                                                     "CMakeLists.txt",
                                                     "*/CMakeLists.txt",
                                                     "*.cmake",
                                                     "meson.build",
                                                     "*/meson.build",
                                                     "meson_options.txt",
                                                     "configure",
                                                     "configure.ac",
                                                     "configure.in",
                                                     "*.m4",
                                                     "Kconfig",
                                                     "*/Kconfig",
                                                     "Kconfig.*",
                                                     "*/Kconfig.*",
                                                     "Kbuild",
                                                     "*/Kbuild",
                                                     "BUILD",
                                                     "*/BUILD",
                                                     "BUILD.bazel",
                                                     "*/BUILD.bazel",
                                                     "WORKSPACE",
                                                     "*.bzl",
                                                     "Cargo.toml",
                                                     "*/Cargo.toml",
                                                     "Cargo.lock",
                                                     "build.ninja",
                                                     "SConstruct",
                                                     "SConscript",
                                                     "*/SConscript",
                                                     "setup.py",
                                                     "pyproject.toml"};
  return kPatterns;
}

bool MatchesInput(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return false;
  if (pattern.back() == '/') return path.rfind(pattern, 0) == 0;
  if (pattern.find_first_of("*?[") == std::string_view::npos) return pattern == path;
  return fnmatch(std::string(pattern).c_str(), std::string(path).c_str(), 0) == 0;
}

InputSet::InputSet(std::vector<std::string> patterns) {
  for (std::string& p : patterns) {
    if (p.find_first_of("*?[") == std::string::npos && (p.empty() || p.back() != '/')) {
      exact_.push_back(std::move(p));
    } else {
      globs_.push_back(std::move(p));
    }
  }
  std::sort(exact_.begin(), exact_.end());
  exact_.erase(std::unique(exact_.begin(), exact_.end()), exact_.end());
  std::sort(globs_.begin(), globs_.end());
  globs_.erase(std::unique(globs_.begin(), globs_.end()), globs_.end());
}

bool InputSet::Touches(const std::vector<std::string>& changed) const {
  for (const std::string& path : changed) {
    if (std::binary_search(exact_.begin(), exact_.end(), path)) return true;
    for (const std::string& g : globs_) {
      if (MatchesInput(g, path)) return true;
    }
  }
  return false;
}

}  // namespace culprit::job
