#include "audit/audit_output.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "audit/probability.h"
#include "base/strings.h"

namespace culprit::audit {
namespace {

// Weakest verdicts shown in text (JSON has every verdict): the first three, then more while
// they are wrong with probability 1e-4 or more, at most six.
constexpr size_t kTextWeakest = 6;
constexpr size_t kTextWeakestAlways = 3;
constexpr double kTextWeakFloor = 1e-4;

std::string Answer(const AuditReport& r) {
  const bool fix = r.mode == LogMode::kFix;
  switch (r.ending) {
    case LogEnding::kCulprit:
      return ShortHash(r.named.front()) + (r.named_title.empty() ? "" : " " + r.named_title) +
             (fix ? " fixed the crash" : " is the first bad commit");
    case LogEnding::kInconclusive: {
      std::vector<std::string> shorts;
      for (const std::string& c : r.named) shorts.push_back(ShortHash(c));
      return "inconclusive, the first " + std::string(fix ? "good" : "bad") +
             " commit could be any of " + Join(shorts, ", ");
    }
    case LogEnding::kHorizon:
      return fix ? "the crash is never fixed (it still happens on HEAD)"
                 : "the crash is older than the oldest release tested";
    case LogEnding::kError:
      break;
  }
  return "none, it stopped with an error: " + r.ending_text;
}

std::string RangeText(const PlausibleRange& p) {
  std::string where =
      p.after.empty() ? ShortHash(p.upto) : ShortHash(p.after) + ".." + ShortHash(p.upto);
  char count[48];
  if (p.after.empty()) {
    count[0] = '\0';
  } else {
    std::snprintf(count, sizeof count, "%6.0f commit%s", p.commits, p.commits < 1.5 ? " " : "s");
  }
  // A title names a range only when the range is that one commit.
  const bool one = p.after.empty() || p.commits < 1.5;
  return where + "  " + count + (p.title.empty() || !one ? "" : "  " + p.title);
}

std::string ClaimName(Claim c) {
  return c == Claim::kCrash ? "crash" : c == Claim::kNoCrash ? "no-crash" : "none";
}

std::string VerdictLabel(const VerdictAudit& v) {
  if (!v.verdict.empty()) return v.verdict;
  if (!v.release.empty()) return v.release;
  return v.source;
}

void PrintList(const char* heading, const std::vector<std::string>& items, std::ostream& out) {
  if (items.empty()) return;
  out << heading << "\n";
  for (const std::string& s : items) out << "  - " << s << "\n";
}

}  // namespace

std::string Percent(double x) {
  char buf[32];
  if (x <= 0) return "0%";
  if (x >= 1) return "100%";
  if (x < 0.001) {
    std::snprintf(buf, sizeof buf, "%.0e", x);
    return buf;
  }
  const double doubt = 1 - x;
  if (doubt < 1e-8) return ">99.999999%";
  // Near certainty, as many decimals as it takes to show the doubt's first digit.
  int decimals = 1;
  while (decimals < 6 && doubt < 0.1 * std::pow(10.0, -decimals)) ++decimals;
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, 100 * x);
  return buf;
}

std::string ModeName(LogMode mode) { return mode == LogMode::kFix ? "fix" : "cause"; }

std::string EndingName(LogEnding ending) {
  switch (ending) {
    case LogEnding::kCulprit:
      return "culprit";
    case LogEnding::kInconclusive:
      return "inconclusive";
    case LogEnding::kHorizon:
      return "horizon";
    case LogEnding::kError:
      break;
  }
  return "error";
}

void PrintAudit(const AuditReport& r, const std::string& settle, std::ostream& out) {
  out << "syzbot " << ModeName(r.mode) << " bisection, " << r.revisions_tested
      << " commits tested\n";
  out << "target crash: " << r.target_title
      << (r.target_from == "--title"
              ? " (--title)"
              : " (the crash on " + ShortHash(r.target_from) + ", the first commit tested)")
      << "\n";
  out << "syzbot's answer: " << Answer(r) << "\n";
  if (r.confidence >= 0) {
    out << "probability it is right: " << Percent(r.confidence) << " (under the model below)\n";
  } else {
    out << "probability it is right: none (syzbot gave no answer)\n";
  }
  PrintList("why:", r.reasons, out);
  if (!r.plausible.empty()) {
    out << (r.exact ? "plausible culprits" : "plausible ranges (between tested commits)")
        << ", 99% of the mass:\n";
    for (const PlausibleRange& p : r.plausible) {
      char prob[16];
      std::snprintf(prob, sizeof prob, "%11s", Percent(p.probability).c_str());
      out << prob << "  " << RangeText(p) << "\n";
    }
  }
  if (!r.weakest.empty()) {
    out << "weakest verdicts (probability that syzbot's verdict is wrong):\n";
    for (size_t i = 0; i < r.weakest.size() && i < kTextWeakest; ++i) {
      const VerdictAudit& v = r.verdicts[r.weakest[i]];
      if (i >= kTextWeakestAlways && v.p_wrong < kTextWeakFloor) break;
      char prob[16];
      std::snprintf(prob, sizeof prob, "%11s", Percent(std::max(0.0, v.p_wrong)).c_str());
      out << prob << "  " << VerdictLabel(v) << " " << ShortHash(v.commit) << " (line " << v.line
          << "): " << v.reason << "\n";
    }
  }
  std::vector<std::string> skips;
  for (const VerdictAudit& v : r.verdicts) {
    if (v.claim == Claim::kNone) {
      skips.push_back(VerdictLabel(v) + " " + ShortHash(v.commit) + " (line " +
                      std::to_string(v.line) + "): " + v.reason);
    }
  }
  PrintList("no verdict taken:", skips, out);
  if (!settle.empty()) out << "to settle it:\n  " << settle << "\n";
  PrintList("model:", r.assumptions, out);
  PrintList("notes:", r.notes, out);
}

std::string AuditJson(const AuditReport& r, const std::string& log_path,
                      const std::string& settle) {
  using nlohmann::ordered_json;
  ordered_json verdicts = ordered_json::array();
  for (const VerdictAudit& v : r.verdicts) {
    ordered_json j = {{"commit", v.commit},
                      {"title", v.title},
                      {"line", v.line},
                      {"release", v.release},
                      {"source", v.source},
                      {"verdict", v.verdict},
                      {"claim", ClaimName(v.claim)},
                      {"runs",
                       {{"target", v.target},
                        {"other", v.other},
                        {"ok", v.ok},
                        {"untestable", v.untestable},
                        {"infra", v.infra}}},
                      {"other_titles", v.other_titles},
                      {"signature", v.signature},
                      {"reused", v.reused},
                      {"build_failed", v.build_failed}};
    j["p_crash"] = v.p_crash >= 0 ? ordered_json(v.p_crash) : ordered_json(nullptr);
    j["p_wrong"] = v.p_wrong >= 0 ? ordered_json(v.p_wrong) : ordered_json(nullptr);
    j["reason"] = v.reason;
    verdicts.push_back(std::move(j));
  }
  ordered_json plausible = ordered_json::array();
  for (const PlausibleRange& p : r.plausible) {
    plausible.push_back({{"after", p.after},
                         {"upto", p.upto},
                         {"title", p.title},
                         {"commits", p.commits},
                         {"probability", p.probability}});
  }
  ordered_json j = {{"log", log_path},
                    {"mode", ModeName(r.mode)},
                    {"model", r.exact ? "repository" : "log"},
                    {"target_title", r.target_title},
                    {"syzbot",
                     {{"outcome", EndingName(r.ending)},
                      {"commits", r.named},
                      {"title", r.named_title},
                      {"line", r.ending_text}}}};
  j["confidence"] = r.confidence >= 0 ? ordered_json(r.confidence) : ordered_json(nullptr);
  j["p"] = {{"mean", r.p_mean},
            {"low", r.p_low},
            {"high", r.p_high},
            {"target_runs", r.target_runs},
            {"target_commits", r.target_commits}};
  j["outside"] = r.outside;
  j["not_reproducible"] = r.not_reproducible;
  j["plausible"] = std::move(plausible);
  j["weakest"] = r.weakest;
  j["verdicts"] = std::move(verdicts);
  j["reasons"] = r.reasons;
  j["assumptions"] = r.assumptions;
  j["notes"] = r.notes;
  j["settle"] = settle;
  return j.dump(2);
}

}  // namespace culprit::audit
