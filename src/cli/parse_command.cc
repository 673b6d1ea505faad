// `culprit parse [--json] LOG...`: does each console log hold a crash, and which one (title,
// alternative titles, type, frame, guilty file, offsets). `culprit parse --eval DIR` scores the
// parser on a syzkaller-style golden corpus (DIR holds syzkaller-linux-report/ and
// syzkaller-linux-guilty/, or is a directory of report files itself).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "crash/corpus_eval.h"
#include "crash/report.h"

namespace culprit::cli {
namespace {

namespace fs = std::filesystem;

struct ParseFlags {
  std::vector<std::string> logs;
  bool json = false;
  std::string eval_dir;
  bool verbose = false;
};

// Streams the file through crash::Scanner, so memory stays bounded for any log size.
bool ScanFile(const std::string& path, crash::Report* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = "cannot read log '" + path + "' (check the path and permissions)";
    return false;
  }
  crash::Scanner scanner;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    scanner.Feed(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  *out = scanner.Finish();
  return true;
}

nlohmann::ordered_json ToJson(const std::string& file, const crash::Report& r) {
  nlohmann::ordered_json j = {{"file", file},
                              {"crashed", r.crashed},
                              {"title", r.title},
                              {"alt_titles", r.alt_titles},
                              {"type", r.crashed ? r.type : ""},
                              {"corrupted", r.corrupted},
                              {"frame", r.frame},
                              {"guilty_file", r.guilty_file},
                              {"panicked", r.panicked},
                              {"start", r.start},
                              {"end", r.end},
                              {"report", r.report}};
  return j;
}

void PrintHuman(const std::string& file, const crash::Report& r) {
  if (!r.crashed) {
    std::printf("%s: no crash%s\n", file.c_str(), r.panicked ? " (kernel panicked)" : "");
    return;
  }
  std::printf("%s: %s\n", file.c_str(), r.title.c_str());
  std::printf("  type %s%s%s, bytes %zu-%zu\n", r.type.c_str(), r.corrupted ? ", corrupted" : "",
              r.panicked ? ", panicked" : "", r.start, r.end);
  if (!r.frame.empty()) std::printf("  frame %s\n", r.frame.c_str());
  if (!r.guilty_file.empty()) std::printf("  guilty file %s\n", r.guilty_file.c_str());
  for (const std::string& alt : r.alt_titles) std::printf("  alt: %s\n", alt.c_str());
}

int RunParse(const ParseFlags& f) {
  int status = 0;
  for (const std::string& path : f.logs) {
    crash::Report r;
    std::string err;
    if (!ScanFile(path, &r, &err)) {
      status = ReportError(err);
      continue;
    }
    if (f.json) {
      std::cout << ToJson(path, r).dump() << "\n";
    } else {
      PrintHuman(path, r);
    }
  }
  return status;
}

std::vector<crash::CorpusFile> ReadCorpusDir(const fs::path& dir) {
  std::vector<crash::CorpusFile> files;
  std::error_code ec;
  // increment(ec), not ++: the range-for's operator++ throws on an unreadable entry.
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    // Golden files are named by number; manifests and notes have extensions.
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec) || name.find('.') != std::string::npos) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    files.push_back({name, ss.str()});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

int RunEval(const ParseFlags& f) {
  fs::path root(f.eval_dir);
  fs::path reports = root / "syzkaller-linux-report";
  fs::path guilty = root / "syzkaller-linux-guilty";
  std::error_code ec;
  if (!fs::is_directory(reports, ec)) {
    reports = root;
    guilty.clear();
  }
  if (!fs::is_directory(reports, ec))
    return ReportError("no corpus directory '" + f.eval_dir +
                       "' (pass the folder holding syzkaller-linux-report/)");
  std::vector<crash::CorpusFile> report_files = ReadCorpusDir(reports);
  std::vector<crash::CorpusFile> guilty_files;
  if (!guilty.empty() && fs::is_directory(guilty, ec)) guilty_files = ReadCorpusDir(guilty);
  if (report_files.empty()) return ReportError("no golden files in '" + reports.string() + "'");
  crash::CorpusScore s = crash::EvaluateCorpus(report_files, guilty_files);
  std::cout << s.Summary();
  std::map<std::string, int> by_field;
  for (const crash::Mismatch& m : s.mismatches) ++by_field[m.field];
  std::cout << "mismatches:";
  for (const auto& [field, n] : by_field) std::cout << " " << field << "=" << n;
  std::cout << "\n";
  if (f.verbose) {
    for (const crash::Mismatch& m : s.mismatches)
      std::cout << m.file << " " << m.field << "\n  want: " << m.want << "\n  got:  " << m.got
                << "\n";
  }
  return 0;
}

}  // namespace

void AddParseCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ParseFlags>();
  CLI::App* cmd = app.add_subcommand(
      "parse", "Find the first crash in console logs and name it as syzbot would");
  cmd->add_option("logs", flags->logs, "Console logs (combined stdout+stderr of a run)");
  cmd->add_flag("--json", flags->json, "One JSON object per log");
  cmd->add_option("--eval", flags->eval_dir,
                  "Score the parser on a golden corpus directory instead of parsing logs");
  cmd->add_flag("-v,--verbose", flags->verbose, "With --eval: list every mismatch");
  cmd->callback([flags, exit_code] {
    if (!flags->eval_dir.empty()) {
      *exit_code = RunEval(*flags);
      return;
    }
    if (flags->logs.empty()) {
      *exit_code = ReportError("parse needs at least one LOG (or --eval DIR)");
      return;
    }
    *exit_code = RunParse(*flags);
  });
}

}  // namespace culprit::cli
