// The JSON document of a result (--json, and what the store keeps) and its inverse. Reading
// is tolerant: documents stored by older culprits lack keys, and a missing or mistyped key
// takes its default, so a job can always be shown again.
#include <nlohmann/json.hpp>

#include "decide/names.h"
#include "report/render.h"

namespace culprit::report {
namespace {

using nlohmann::json;

json CommitJson(const history::CommitInfo& c) {
  json trailers = json::array();
  for (const auto& t : c.trailers) trailers.push_back({{"key", t.key}, {"value", t.value}});
  return {{"id", c.id},
          {"tree_id", c.tree_id},
          {"parents", c.parents},
          {"title", c.title},
          {"message", c.message},
          {"author", {{"name", c.author.name}, {"email", c.author.email}}},
          {"committer", {{"name", c.committer.name}, {"email", c.committer.email}}},
          {"author_time", c.author_time},
          {"author_offset_minutes", c.author_offset_minutes},
          {"commit_time", c.commit_time},
          {"commit_offset_minutes", c.commit_offset_minutes},
          {"trailers", trailers}};
}

json TestedJson(const TestedRevision& t, decide::Mode mode) {
  json runs = json::array();
  for (const auto& run : t.run_list)
    runs.push_back({{"index", run.index},
                    {"result", run.result},
                    {"target", run.target},
                    {"truncated", run.truncated},
                    {"log_path", run.log_path},
                    {"duration_s", run.duration_s}});
  return {{"commit", t.commit},
          {"title", t.title},
          {"release", t.release},
          {"verdict", decide::VerdictWord(t.verdict, mode)},
          {"built", t.built},
          {"signature", t.signature},
          {"build_log", t.build_log},
          {"target_crashes", t.target_crashes},
          {"runs", t.runs},
          {"build_s", t.build_s},
          {"test_s", t.test_s},
          {"position", t.position},
          {"avoided", t.avoided},
          {"run_list", runs},
          {"mark", t.mark == decide::CommitVerdict::kUndecided
                       ? json(nullptr)
                       : json(decide::VerdictWord(t.mark, mode))}};
}

json MarksJson(const BisectionResult& r) {
  json marks = json::array();
  for (const MarkInfo& m : r.marks) {
    marks.push_back({{"commit", m.commit},
                     {"title", m.title},
                     {"mark", decide::VerdictWord(m.mark, r.mode)},
                     {"range", m.range.empty() ? json(nullptr) : json(m.range)},
                     {"commits", m.commits},
                     {"verdict", decide::VerdictWord(m.verdict, r.mode)}});
  }
  return marks;
}

json VerificationJson(const BisectionResult& r) {
  if (!r.verification) return nullptr;
  const Verification& v = *r.verification;
  return {{"method", r.mode == decide::Mode::kFix ? "cherry-pick" : "revert"},
          {"outcome", VerificationOutcomeName(v.outcome)},
          {"runs", v.runs},
          {"crashes", v.crashes},
          {"detail", v.detail},
          {"commit", v.commit.empty() ? json(nullptr) : json(v.commit)},
          {"bayes_factor", v.bayes_factor},
          {"bisection_confidence", v.bisection_confidence}};
}

json MinimizedJson(const BisectionResult& r) {
  if (!r.minimized_config) return nullptr;
  const BisectionResult::MinimizedConfig& m = *r.minimized_config;
  return {{"builds", m.builds}, {"kept", m.kept},           {"dropped", m.dropped},
          {"path", m.path},     {"fell_back", m.fell_back}, {"note", m.note}};
}

// Readers that never throw: a missing key or one of another type gives the default.
const json& Member(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}
std::string Str(const json& j, const char* key) {
  const json& v = Member(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}
double Num(const json& j, const char* key, double fallback = 0) {
  const json& v = Member(j, key);
  return v.is_number() ? v.get<double>() : fallback;
}
int64_t Int(const json& j, const char* key, int64_t fallback = 0) {
  const json& v = Member(j, key);
  if (v.is_number_integer()) return v.get<int64_t>();
  return v.is_number() ? static_cast<int64_t>(v.get<double>()) : fallback;
}
bool Bool(const json& j, const char* key) {
  const json& v = Member(j, key);
  return v.is_boolean() && v.get<bool>();
}
const json& Arr(const json& j, const char* key) {
  static const json kEmpty = json::array();
  const json& v = Member(j, key);
  return v.is_array() ? v : kEmpty;
}
std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  for (const auto& e : Arr(j, key))
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

history::CommitInfo CommitFromJson(const json& j) {
  history::CommitInfo c;
  c.id = Str(j, "id");
  c.tree_id = Str(j, "tree_id");
  c.parents = Strings(j, "parents");
  c.title = Str(j, "title");
  c.message = Str(j, "message");
  c.author = {Str(Member(j, "author"), "name"), Str(Member(j, "author"), "email")};
  c.committer = {Str(Member(j, "committer"), "name"), Str(Member(j, "committer"), "email")};
  c.author_time = Int(j, "author_time");
  c.author_offset_minutes = static_cast<int>(Int(j, "author_offset_minutes"));
  c.commit_time = Int(j, "commit_time");
  c.commit_offset_minutes = static_cast<int>(Int(j, "commit_offset_minutes"));
  for (const auto& t : Arr(j, "trailers")) c.trailers.push_back({Str(t, "key"), Str(t, "value")});
  return c;
}

TestedRevision TestedFromJson(const json& j) {
  TestedRevision t;
  t.commit = Str(j, "commit");
  t.title = Str(j, "title");
  t.release = Str(j, "release");
  t.verdict =
      decide::ParseVerdictWord(Str(j, "verdict")).value_or(decide::CommitVerdict::kUndecided);
  t.built = Bool(j, "built");
  t.signature = Str(j, "signature");
  t.build_log = Str(j, "build_log");
  t.target_crashes = static_cast<int>(Int(j, "target_crashes"));
  t.runs = static_cast<int>(Int(j, "runs"));
  t.build_s = Num(j, "build_s");
  t.test_s = Num(j, "test_s");
  t.position = static_cast<int>(Int(j, "position", -1));
  t.avoided = Bool(j, "avoided");
  t.mark = decide::ParseVerdictWord(Str(j, "mark")).value_or(decide::CommitVerdict::kUndecided);
  for (const auto& r : Arr(j, "run_list"))
    t.run_list.push_back({.index = static_cast<int>(Int(r, "index")),
                          .result = Str(r, "result"),
                          .target = Bool(r, "target"),
                          .log_path = Str(r, "log_path"),
                          .duration_s = Num(r, "duration_s"),
                          .truncated = Bool(r, "truncated")});
  return t;
}

}  // namespace

std::string ToJson(const BisectionResult& r) {
  json candidates = json::array();
  json candidate_details = json::array();
  for (const auto& c : r.candidates) {
    candidates.push_back(c.commit);
    candidate_details.push_back({{"commit", c.commit},
                                 {"title", c.title},
                                 {"probability", c.probability},
                                 {"position", c.position}});
  }
  json stat = json::array();
  for (const auto& f : r.culprit_stat)
    stat.push_back({{"path", f.path},
                    {"binary", f.binary},
                    {"insertions", f.insertions},
                    {"deletions", f.deletions}});
  json settings = json::array();
  for (const auto& s : r.settings) settings.push_back({{"key", s.key}, {"value", s.value}});
  json tested = json::array();
  for (const auto& t : r.tested) tested.push_back(TestedJson(t, r.mode));
  json j = {
      {"mode", decide::ModeName(r.mode)},
      {"outcome", decide::OutcomeName(r.outcome)},
      {"commit", r.commit.empty() ? json(nullptr) : json(r.commit)},
      {"candidates", candidates},
      {"confidence", r.confidence},
      {"flags", {{"noop", r.noop}, {"merge", r.merge}, {"release", r.release}}},
      {"title", r.title},
      {"revisions_tested", r.revisions_tested},
      {"builds", r.builds},
      {"builds_avoided", r.builds_avoided},
      {"runs", r.runs},
      {"time",
       {{"total_s", r.time.total_s}, {"build_s", r.time.build_s}, {"test_s", r.time.test_s}}},
      {"error", r.error.empty() ? json(nullptr) : json(r.error)},
      {"strategy", r.strategy},
      {"stop_reason", r.stop_reason},
      {"short_of_target", r.short_of_target},
      {"candidate_details", candidate_details},
      {"commit_title", r.culprit.title},
      {"culprit_commit", CommitJson(r.culprit)},
      {"culprit_stat", stat},
      {"culprit_diff", r.culprit_diff},
      {"release_tag", r.release_tag},
      {"guilty_file", r.guilty_file},
      {"culprit_signature", r.culprit_signature},
      {"parent_signature", r.parent_signature},
      {"recipients", {{"to", r.recipients_to}, {"cc", r.recipients_cc}}},
      {"crash_report", r.crash_report},
      {"disassembly", r.disassembly},
      {"start_commit", r.start_commit},
      {"start_title", r.start_title},
      {"repo", r.repo},
      {"range_size", r.range_size},
      {"settings", settings},
      {"predicate",
       {{"verdict", r.verdict}, {"expect", r.expect.empty() ? json(nullptr) : json(r.expect)}}},
      {"marks", MarksJson(r)},
      {"verification", VerificationJson(r)},
      {"tested", tested},
      {"cross_tree", r.cross_tree},
      {"merge_base", r.merge_base.empty() ? json(nullptr) : json(r.merge_base)},
      {"minimized_config", MinimizedJson(r)},
  };
  // Titles and logs may hold bytes that are not UTF-8: replace them rather than throw.
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

Result<BisectionResult> ResultFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return Fail(ErrorKind::kCorrupt,
                "a stored result is not a JSON object (" + std::to_string(text.size()) + " bytes)");
  BisectionResult r;
  r.mode = decide::ParseModeName(Str(j, "mode")).value_or(decide::Mode::kCause);
  r.outcome = decide::ParseOutcomeName(Str(j, "outcome")).value_or(decide::ConclusionKind::kError);
  r.strategy = Str(j, "strategy");
  r.commit = Str(j, "commit");
  r.culprit = CommitFromJson(Member(j, "culprit_commit"));
  if (r.culprit.id.empty()) r.culprit.id = r.commit;
  if (r.culprit.title.empty()) r.culprit.title = Str(j, "commit_title");
  for (const auto& f : Arr(j, "culprit_stat"))
    r.culprit_stat.push_back({.path = Str(f, "path"),
                              .binary = Bool(f, "binary"),
                              .insertions = static_cast<int>(Int(f, "insertions")),
                              .deletions = static_cast<int>(Int(f, "deletions"))});
  r.culprit_diff = Str(j, "culprit_diff");
  r.culprit_signature = Str(j, "culprit_signature");
  r.parent_signature = Str(j, "parent_signature");
  const json& details = Arr(j, "candidate_details");
  if (!details.empty()) {
    for (const auto& c : details)
      r.candidates.push_back({Str(c, "commit"), Str(c, "title"), Num(c, "probability"),
                              static_cast<int>(Int(c, "position", -1))});
  } else {
    for (const auto& c : Strings(j, "candidates")) r.candidates.push_back({.commit = c});
  }
  r.confidence = Num(j, "confidence");
  const json& flags = Member(j, "flags");
  r.noop = Bool(flags, "noop");
  r.merge = Bool(flags, "merge");
  r.release = Bool(flags, "release");
  r.release_tag = Str(j, "release_tag");
  r.title = Str(j, "title");
  r.revisions_tested = static_cast<int>(Int(j, "revisions_tested"));
  r.builds = static_cast<int>(Int(j, "builds"));
  r.builds_avoided = static_cast<int>(Int(j, "builds_avoided"));
  r.runs = static_cast<int>(Int(j, "runs"));
  const json& time = Member(j, "time");
  r.time = {Num(time, "total_s"), Num(time, "build_s"), Num(time, "test_s")};
  r.recipients_to = Strings(Member(j, "recipients"), "to");
  r.recipients_cc = Strings(Member(j, "recipients"), "cc");
  r.crash_report = Str(j, "crash_report");
  r.guilty_file = Str(j, "guilty_file");
  r.disassembly = Str(j, "disassembly");
  for (const auto& t : Arr(j, "tested")) r.tested.push_back(TestedFromJson(t));
  r.stop_reason = Str(j, "stop_reason");
  r.short_of_target = Bool(j, "short_of_target");
  r.error = Str(j, "error");
  r.start_commit = Str(j, "start_commit");
  r.start_title = Str(j, "start_title");
  r.repo = Str(j, "repo");
  r.range_size = static_cast<int>(Int(j, "range_size"));
  for (const auto& s : Arr(j, "settings")) r.settings.push_back({Str(s, "key"), Str(s, "value")});
  r.cross_tree = Bool(j, "cross_tree");
  r.merge_base = Str(j, "merge_base");
  if (const json& m = Member(j, "minimized_config"); m.is_object()) {
    r.minimized_config =
        BisectionResult::MinimizedConfig{.builds = static_cast<int>(Int(m, "builds")),
                                         .kept = Strings(m, "kept"),
                                         .dropped = Strings(m, "dropped"),
                                         .path = Str(m, "path"),
                                         .fell_back = Bool(m, "fell_back"),
                                         .note = Str(m, "note")};
  }
  const json& predicate = Member(j, "predicate");
  if (const std::string verdict = Str(predicate, "verdict"); !verdict.empty()) r.verdict = verdict;
  r.expect = Str(predicate, "expect");
  for (const auto& m : Arr(j, "marks")) {
    r.marks.push_back(
        {.commit = Str(m, "commit"),
         .title = Str(m, "title"),
         .mark =
             decide::ParseVerdictWord(Str(m, "mark")).value_or(decide::CommitVerdict::kUndecided),
         .range = Str(m, "range"),
         .commits = static_cast<int>(Int(m, "commits", 1)),
         .verdict = decide::ParseVerdictWord(Str(m, "verdict"))
                        .value_or(decide::CommitVerdict::kUndecided)});
  }
  if (const json& v = Member(j, "verification"); v.is_object()) {
    Verification out;
    const std::string outcome = Str(v, "outcome");
    out.outcome = outcome == "confirmed" ? VerificationOutcome::kConfirmed
                  : outcome == "refuted" ? VerificationOutcome::kRefuted
                                         : VerificationOutcome::kNotApplicable;
    out.runs = static_cast<int>(Int(v, "runs"));
    out.crashes = static_cast<int>(Int(v, "crashes"));
    out.detail = Str(v, "detail");
    out.commit = Str(v, "commit");
    out.bayes_factor = Num(v, "bayes_factor", 1);
    out.bisection_confidence = Num(v, "bisection_confidence");
    r.verification = out;
  }
  return r;
}

}  // namespace culprit::report
