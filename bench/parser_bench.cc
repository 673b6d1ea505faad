// Parser throughput on the dev corpus (shared/eval, outside the repo): ContainsCrash over logs
// with no crash (the fast path every run takes), Parse over logs with a crash, and the streaming
// Scanner on a large synthetic log.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crash/report.h"

namespace {

namespace fs = std::filesystem;

struct Corpus {
  std::vector<std::string> crash_logs;
  std::string clean;  // every crash-free log, concatenated and repeated to >= 16 MB
};

// The log part of a golden file: everything after the header block.
std::string LogOf(const std::string& content) {
  size_t blank = content.find("\n\n");
  return blank == std::string::npos ? "" : content.substr(blank + 2);
}

const Corpus& LoadCorpus() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    fs::path dir =
        fs::path(CULPRIT_SOURCE_DIR) / ".." / "shared" / "eval" / "syzkaller-linux-report";
    std::error_code ec;
    std::string clean;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().filename().string().find('.') != std::string::npos) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string log = LogOf(ss.str());
      if (culprit::crash::ContainsCrash(log)) {
        c->crash_logs.push_back(log);
      } else {
        clean += log;
      }
    }
    // Crash logs with their crash lines removed add realistic crash-free console text.
    for (const std::string& log : c->crash_logs) {
      std::string quiet = log.substr(0, log.find("\n[", log.size() / 4));
      if (!culprit::crash::ContainsCrash(quiet)) clean += quiet;
    }
    while (!clean.empty() && c->clean.size() < (16u << 20)) c->clean += clean;
    return c;
  }();
  return *corpus;
}

void BM_ContainsCrashNoCrash(benchmark::State& state) {
  const Corpus& c = LoadCorpus();
  if (c.clean.empty()) {
    state.SkipWithError("no corpus in shared/eval");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(culprit::crash::ContainsCrash(c.clean));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.clean.size()));
}
BENCHMARK(BM_ContainsCrashNoCrash);

void BM_ParseNoCrash(benchmark::State& state) {
  const Corpus& c = LoadCorpus();
  if (c.clean.empty()) {
    state.SkipWithError("no corpus in shared/eval");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(culprit::crash::Parse(c.clean));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.clean.size()));
}
BENCHMARK(BM_ParseNoCrash);

void BM_ParseWithCrash(benchmark::State& state) {
  const Corpus& c = LoadCorpus();
  if (c.crash_logs.empty()) {
    state.SkipWithError("no corpus in shared/eval");
    return;
  }
  size_t bytes = 0;
  for (const std::string& log : c.crash_logs) bytes += log.size();
  for (auto _ : state) {
    for (const std::string& log : c.crash_logs)
      benchmark::DoNotOptimize(culprit::crash::Parse(log));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ParseWithCrash);

void BM_ScannerStream(benchmark::State& state) {
  const Corpus& c = LoadCorpus();
  if (c.clean.empty()) {
    state.SkipWithError("no corpus in shared/eval");
    return;
  }
  constexpr size_t kChunk = 1 << 20;
  for (auto _ : state) {
    culprit::crash::Scanner scanner;
    for (size_t at = 0; at < c.clean.size(); at += kChunk)
      scanner.Feed(std::string_view(c.clean).substr(at, kChunk));
    benchmark::DoNotOptimize(scanner.Finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.clean.size()));
}
BENCHMARK(BM_ScannerStream);

}  // namespace
