#include "job/marks.h"

#include <algorithm>

#include "base/strings.h"
#include "decide/names.h"

namespace culprit::job {
namespace {

bool IsEnd(const decide::Problem& problem, decide::CommitIndex c) {
  return c == problem.bad ||
         std::find(problem.good.begin(), problem.good.end(), c) != problem.good.end();
}

}  // namespace

Result<ResolvedMarks> ResolveMarks(const JobConfig& config, history::Repository& repo,
                                   const decide::CommitDag& dag, const decide::Problem& problem) {
  ResolvedMarks out;
  std::vector<uint8_t> taken(static_cast<size_t>(dag.size()), 0);
  for (const std::string& text : config.marks) {
    auto mark = ParseMark(text);
    if (!mark) return tl::unexpected(mark.error());
    auto id = repo.Resolve(mark->rev);
    if (!id) return Wrap(id.error(), "--mark " + text);
    auto c = dag.IndexOf(*id);
    if (!c)
      return Fail(ErrorKind::kBadInput,
                  "--mark " + text + ": " + ShortHash(*id) +
                      " is not in the searched range (between --good and --bad), where a mark "
                      "says nothing");
    if (IsEnd(problem, *c))
      return Fail(ErrorKind::kBadInput,
                  "--mark " + text + ": " + ShortHash(*id) +
                      " is --bad or --good, which culprit tests (drop the mark)");
    if (taken[static_cast<size_t>(*c)]++)
      return Fail(ErrorKind::kBadInput, "--mark " + text + ": " + ShortHash(*id) +
                                            " is marked twice (keep one --mark per commit)");
    const decide::CommitVerdict verdict = *decide::ParseVerdictWord(mark->word);
    out.marks.push_back({*c, verdict});
    out.shown.push_back({.commit = *id, .title = dag.node(*c).title, .mark = verdict});
    out.commits.push_back(*c);
  }
  for (const std::string& text : config.skip) {
    auto range = ParseSkipRange(text);
    if (!range) return tl::unexpected(range.error());
    auto from = repo.Resolve(range->first);
    if (!from) return Wrap(from.error(), "--skip " + text);
    auto to = repo.Resolve(range->second);
    if (!to) return Wrap(to.error(), "--skip " + text);
    // As git rev-list A..B: B and its ancestors that are not A's (A itself excluded).
    auto graph = repo.Graph({*to}, {*from}, config.max_commits);
    if (!graph) return Wrap(graph.error(), "--skip " + text);
    report::MarkInfo shown{.mark = decide::CommitVerdict::kUntestable, .range = text, .commits = 0};
    decide::CommitIndex first = decide::kNoCommit;
    for (const history::GraphCommit& g : *graph) {
      auto c = dag.IndexOf(g.id);
      if (g.id == *from || !c || IsEnd(problem, *c) || taken[static_cast<size_t>(*c)]) continue;
      taken[static_cast<size_t>(*c)] = 1;
      out.marks.push_back({*c, decide::CommitVerdict::kUntestable});
      if (first == decide::kNoCommit || *c < first) first = *c;
      ++shown.commits;
    }
    if (shown.commits == 0)
      return Fail(ErrorKind::kBadInput, "--skip " + text +
                                            " holds no commit of the searched range (between "
                                            "--good and --bad) that is not already marked");
    shown.commit = dag.node(first).id;
    shown.title = dag.node(first).title;
    out.shown.push_back(std::move(shown));
    out.commits.push_back(first);
  }
  return out;
}

}  // namespace culprit::job
