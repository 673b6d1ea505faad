// `culprit audit LOG [--repo PATH] [--json] [--title T] [--runs N]`: culprit's second opinion on
// a syzbot bisection log: how likely its answer is, which commits stay plausible, which of its
// verdicts are weakest. Without --repo the log's own walk is the history (audit/walk_model.cc);
// with it, the real graph between the log's ends, and a `culprit bisect` command that settles
// the doubt. Exit status: 0 the audit was made (whatever it concludes), 1 error.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "audit/audit.h"
#include "audit/audit_output.h"
#include "audit/syzbot_log.h"
#include "base/strings.h"
#include "cli/commands.h"
#include "history/history.h"

namespace culprit::cli {
namespace {

// A kernel range between two releases is ~15k commits; a release walk may span a few.
constexpr size_t kMaxAuditCommits = 400000;

struct AuditFlags {
  std::string log;
  std::string repo;
  std::string title;
  int runs = 0;
  bool json = false;
};

Result<std::string> ReadLog(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kNotFound, "cannot read log '" + path + "' (check the path)");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The range the log searched, in the real graph: from the start commit (cause) or HEAD (fix)
// down to the good end of the bisection (cause: the good release; fix: the start).
struct Ends {
  std::string tip, stop;
};

Ends LogEnds(const audit::SyzbotLog& log) {
  if (log.mode == audit::LogMode::kFix) {
    return {log.bisect_bad.empty() ? log.tested.back().id : log.bisect_bad, log.start};
  }
  return {log.start, log.bisect_good.empty() ? log.tested.back().id : log.bisect_good};
}

Result<decide::CommitDag> LoadDag(history::Repository& repo, const std::string& tip,
                                  const std::string& stop) {
  auto graph = repo.Graph({tip}, {stop}, kMaxAuditCommits);
  if (!graph) return tl::unexpected(graph.error());
  std::map<std::string, decide::CommitIndex> index;
  std::vector<decide::CommitNode> nodes;
  for (const history::GraphCommit& g : *graph) {
    decide::CommitNode n{.id = g.id, .release = g.release, .title = g.title};
    for (const std::string& p : g.parents) {
      auto it = index.find(p);
      if (it != index.end()) n.parents.push_back(it->second);
    }
    index[g.id] = static_cast<decide::CommitIndex>(nodes.size());
    nodes.push_back(std::move(n));
  }
  return decide::CommitDag::Make(std::move(nodes));
}

Result<audit::AuditHistory> HistoryFromRepo(const audit::SyzbotLog& log,
                                            history::Repository& repo) {
  std::map<std::string, std::string> full;
  auto resolve = [&](const std::string& id, int line) -> Result<void> {
    auto r = repo.Resolve(id);
    if (!r) return Wrap(r.error(), "commit " + id + " (log line " + std::to_string(line) + ")");
    full[id] = *r;
    return {};
  };
  for (const audit::TestedCommit& t : log.tested) {
    if (auto ok = resolve(t.id, t.line); !ok) return tl::unexpected(ok.error());
  }
  for (const std::string& c : log.culprits) {
    if (auto ok = resolve(c, log.ending_line); !ok) return tl::unexpected(ok.error());
  }
  for (const std::string& c : {log.bisect_bad, log.bisect_good}) {
    if (c.empty()) continue;
    if (auto ok = resolve(c, log.bisect_line); !ok) return tl::unexpected(ok.error());
  }
  const Ends ends = LogEnds(log);
  const std::string tip = full[ends.tip], stop = full[ends.stop];
  auto ordered = repo.IsAncestor(stop, tip);
  if (!ordered) return tl::unexpected(ordered.error());
  if (!*ordered) {
    return Fail(ErrorKind::kBadInput,
                "the log's old end " + ShortHash(stop) + " is not an ancestor of its new end " +
                    ShortHash(tip) + " in " + repo.path().string() + " (audit without --repo)");
  }
  auto dag = LoadDag(repo, tip, stop);
  if (!dag) return tl::unexpected(dag.error());
  audit::AuditHistory h;
  h.dag = std::move(*dag);
  h.exact = true;
  const auto stop_index = h.dag.IndexOf(stop);
  for (decide::CommitIndex c = 0; c < h.dag.size(); ++c) {
    if (stop_index && c == *stop_index) continue;
    h.hyps.push_back(c);
    h.weight.push_back(1);
  }
  h.outside_weight = static_cast<double>(h.hyps.size());
  for (const auto& [id, resolved] : full) {
    if (auto c = h.dag.IndexOf(resolved)) h.node_of[id] = *c;
  }
  if (log.ending == audit::LogEnding::kCulprit || log.ending == audit::LogEnding::kInconclusive) {
    for (const std::string& c : log.culprits) {
      if (auto i = h.dag.IndexOf(full[c])) h.answer.push_back({*i, 1.0});
    }
  }
  h.assumptions.push_back("the history is the repository's graph from " + ShortHash(stop) + " to " +
                          ShortHash(tip) + " (" + std::to_string(h.hyps.size()) +
                          " commits), each a priori as likely to be the culprit");
  h.assumptions.push_back(log.mode == audit::LogMode::kCause
                              ? "a crash older than the range is a priori as likely as a culprit "
                                "inside it"
                              : "a crash never fixed in the range is a priori as likely as a fix "
                                "inside it");
  return h;
}

std::string SettleCommand(const audit::SyzbotLog& log, const audit::AuditReport& r,
                          const std::string& repo) {
  std::string bad = r.settle_bad.empty() ? log.start : r.settle_bad;
  std::string cmd = "culprit bisect --repo " + ShellQuote(repo);
  if (log.mode == audit::LogMode::kFix) cmd += " --mode fix";
  cmd += " --bad " + bad;
  if (!r.settle_good.empty()) cmd += " --good " + r.settle_good;
  cmd += " --title " + ShellQuote(r.target_title) +
         " --build '<build command>' --test '<reproducer command>'";
  return cmd;
}

int RunAudit(const AuditFlags& f) {
  auto text = ReadLog(f.log);
  if (!text) return ReportError(text.error().message);
  auto log = audit::ParseSyzbotLog(*text, {.runs_per_test = f.runs});
  if (!log) return ReportError(f.log + ": " + log.error().message);
  Result<audit::AuditHistory> history = audit::HistoryFromWalk(*log);
  std::unique_ptr<history::Repository> repo;
  if (!f.repo.empty()) {
    auto opened = history::OpenRepository(f.repo);
    if (!opened) return ReportError(opened.error().message);
    repo = std::move(*opened);
    history = HistoryFromRepo(*log, *repo);
  }
  if (!history) return ReportError(f.log + ": " + history.error().message);
  auto report = audit::Audit(*log, *history, {.title = f.title});
  if (!report) return ReportError(f.log + ": " + report.error().message);
  const std::string settle = repo ? SettleCommand(*log, *report, repo->path().string()) : "";
  if (f.json) {
    std::cout << audit::AuditJson(*report, f.log, settle) << "\n";
  } else {
    audit::PrintAudit(*report, settle, std::cout);
  }
  return 0;
}

}  // namespace

void AddAuditCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<AuditFlags>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Weigh a syzbot bisection log with culprit's model: how likely its answer is, which "
      "commits stay plausible, which verdicts are weakest. Exit status: 0 audited, 1 error");
  cmd->add_option("log", flags->log, "a syzbot bisection log (cause or fix)")->required();
  cmd->add_option("--repo", flags->repo,
                  "the repository the log bisected: the real graph instead of the log's walk, "
                  "plausible commits by title, and a culprit bisect command that settles it");
  cmd->add_option("--title", flags->title,
                  "the target crash (default: the most frequent crash on the first commit)");
  cmd->add_option("--runs", flags->runs,
                  "runs behind one 'all runs:' line (default: as the log's 'run #i' lines, or "
                  "10)");
  cmd->add_flag("--json", flags->json, "print the audit as one JSON object (see README.md)");
  cmd->callback([flags, exit_code] { *exit_code = RunAudit(*flags); });
}

}  // namespace culprit::cli
