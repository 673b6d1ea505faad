#include "slurm/commands.h"

#include <algorithm>
#include <charconv>

#include "base/strings.h"

namespace culprit::slurm {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t begin = 0;
  for (;;) {
    size_t end = line.find(sep, begin);
    out.push_back(line.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) return out;
    begin = end + 1;
  }
}

template <class T>
std::optional<T> Number(std::string_view s) {
  s = Trim(s);
  // sinfo prints "2+" for a range over several nodes; --Node lines have one value.
  while (!s.empty() && (s.back() == '+' || s.back() == 'M')) s.remove_suffix(1);
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

tl::unexpected<Error> BadLine(const char* tool, std::string_view line) {
  std::string shown(line.substr(0, 120));
  return Fail(ErrorKind::kInfra, std::string("cannot read ") + tool + " output line '" + shown +
                                     "' (is this a Slurm 20.11 or newer?)");
}

// Non-empty lines of a command's output.
std::vector<std::string_view> Lines(std::string_view out) {
  std::vector<std::string_view> lines;
  for (std::string_view line : SplitLines(out)) {
    if (!Trim(line).empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::vector<std::string> SbatchArgv(const SubmitSettings& settings, const JobSpec& job) {
  std::vector<std::string> argv = {
      "sbatch",
      "--parsable",
      "--job-name=" + job.name,
      "--chdir=" + job.dir.string(),
      "--output=" + (job.dir / "slurm.out").string(),
      "--nodes=1",
      "--ntasks=1",
      "--no-requeue",
      "--cpus-per-task=" + std::to_string(std::max(1, job.resources.cpus))};
  if (job.resources.mem_mb > 0) argv.push_back("--mem=" + std::to_string(job.resources.mem_mb));
  if (job.resources.time_limit_min > 0)
    argv.push_back("--time=" + std::to_string(job.resources.time_limit_min));
  if (!settings.partition.empty()) argv.push_back("--partition=" + settings.partition);
  if (!settings.account.empty()) argv.push_back("--account=" + settings.account);
  if (!settings.qos.empty()) argv.push_back("--qos=" + settings.qos);
  argv.insert(argv.end(), settings.extra.begin(), settings.extra.end());
  std::string script = "exec";
  for (const std::string& word : job.command) script += " " + ShellQuote(word);
  argv.push_back("--wrap=" + script);
  return argv;
}

Result<std::string> ParseSbatch(std::string_view out) {
  for (std::string_view line : Lines(out)) {
    std::string_view id = Trim(line.substr(0, line.find(';')));
    if (!id.empty() &&
        std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::string(id);
  }
  return Fail(ErrorKind::kInfra, "sbatch printed no job id: '" + std::string(Trim(out)) + "'");
}

JobState ParseJobState(std::string_view text) {
  text = Trim(text);
  // sacct writes "CANCELLED by 1000"; a trailing '+' marks more states in a job's steps.
  text = text.substr(0, text.find(' '));
  while (!text.empty() && text.back() == '+') text.remove_suffix(1);
  struct Name {
    std::string_view text;
    JobState state;
  };
  static constexpr Name kNames[] = {
      {"PENDING", JobState::kPending},
      {"PD", JobState::kPending},
      {"CONFIGURING", JobState::kConfiguring},
      {"CF", JobState::kConfiguring},
      {"RUNNING", JobState::kRunning},
      {"R", JobState::kRunning},
      {"COMPLETING", JobState::kCompleting},
      {"CG", JobState::kCompleting},
      {"SUSPENDED", JobState::kSuspended},
      {"S", JobState::kSuspended},
      {"STOPPED", JobState::kSuspended},
      {"RESV_DEL_HOLD", JobState::kPending},
      {"REQUEUED", JobState::kRequeued},
      {"REQUEUE_FED", JobState::kRequeued},
      {"REQUEUE_HOLD", JobState::kRequeued},
      {"RESIZING", JobState::kRunning},
      {"SIGNALING", JobState::kRunning},
      {"STAGE_OUT", JobState::kCompleting},
      {"COMPLETED", JobState::kCompleted},
      {"CD", JobState::kCompleted},
      {"FAILED", JobState::kFailed},
      {"F", JobState::kFailed},
      {"CANCELLED", JobState::kCancelled},
      {"CA", JobState::kCancelled},
      {"REVOKED", JobState::kCancelled},
      {"SPECIAL_EXIT", JobState::kFailed},
      {"TIMEOUT", JobState::kTimeout},
      {"TO", JobState::kTimeout},
      {"NODE_FAIL", JobState::kNodeFail},
      {"NF", JobState::kNodeFail},
      {"PREEMPTED", JobState::kPreempted},
      {"PR", JobState::kPreempted},
      {"BOOT_FAIL", JobState::kBootFail},
      {"BF", JobState::kBootFail},
      {"DEADLINE", JobState::kDeadline},
      {"DL", JobState::kDeadline},
      {"OUT_OF_MEMORY", JobState::kOutOfMemory},
      {"OOM", JobState::kOutOfMemory},
  };
  for (const Name& n : kNames) {
    if (n.text == text) return n.state;
  }
  return JobState::kUnknown;
}

Fate FateOf(JobState state) {
  switch (state) {
    case JobState::kPending:
    case JobState::kRequeued:
    case JobState::kSuspended:
      return Fate::kWaiting;
    case JobState::kConfiguring:
    case JobState::kRunning:
    case JobState::kCompleting:
    case JobState::kUnknown:
      return Fate::kRunning;
    case JobState::kCompleted:
      return Fate::kCompleted;
    case JobState::kFailed:
    case JobState::kCancelled:
    case JobState::kTimeout:
    case JobState::kNodeFail:
    case JobState::kPreempted:
    case JobState::kBootFail:
    case JobState::kDeadline:
    case JobState::kOutOfMemory:
      return Fate::kInfra;
  }
  return Fate::kRunning;
}

bool ReasonNeverResolves(std::string_view reason) {
  static constexpr std::string_view kNever[] = {
      "BadConstraints",
      "InvalidAccount",
      "InvalidQOS",
      "AccountNotAllowed",
      "QOSNotAllowed",
      "PartitionNodeLimit",
      "PartitionTimeLimit",
      "PartitionConfig",
      "MaxWallDurationPerJobLimit",
      "JobLaunchFailure",
      "DependencyNeverSatisfied",
  };
  reason = Trim(reason);
  for (std::string_view never : kNever) {
    // QOSMaxWallDurationPerJobLimit, AssocMaxWallDurationPerJobLimit, ...
    if (reason.size() >= never.size() && reason.substr(reason.size() - never.size()) == never)
      return true;
  }
  return false;
}

std::vector<std::string> SqueueArgv(const std::string& user) {
  return {"squeue", "--noheader", "--states=all", "--user=" + user, "--format=%i|%j|%T|%r|%N"};
}

Result<std::vector<JobInfo>> ParseSqueue(std::string_view out) {
  std::vector<JobInfo> jobs;
  for (std::string_view line : Lines(out)) {
    std::vector<std::string_view> f = SplitFields(line, '|');
    if (f.size() != 5 || Trim(f[0]).empty()) return BadLine("squeue", line);
    jobs.push_back({.id = std::string(Trim(f[0])),
                    .name = std::string(Trim(f[1])),
                    .state = ParseJobState(f[2]),
                    .state_text = std::string(Trim(f[2])),
                    .reason = std::string(Trim(f[3])),
                    .node = std::string(Trim(f[4]))});
  }
  return jobs;
}

std::vector<std::string> SacctArgv(const std::vector<std::string>& ids) {
  return {"sacct", "--noheader", "--parsable2", "--jobs=" + Join(ids, ","),
          "--format=JobID,JobName,State,ExitCode,NodeList"};
}

Result<std::vector<JobInfo>> ParseSacct(std::string_view out) {
  std::vector<JobInfo> jobs;
  for (std::string_view line : Lines(out)) {
    std::vector<std::string_view> f = SplitFields(line, '|');
    if (f.size() != 5 || Trim(f[0]).empty()) return BadLine("sacct", line);
    if (f[0].find('.') != std::string_view::npos) continue;  // a step: 12.batch, 12.0
    std::string node(Trim(f[4]));
    if (node == "None assigned") node.clear();
    jobs.push_back({.id = std::string(Trim(f[0])),
                    .name = std::string(Trim(f[1])),
                    .state = ParseJobState(f[2]),
                    .state_text = std::string(Trim(f[2])),
                    .reason = "None",
                    .node = node});
  }
  return jobs;
}

std::vector<std::string> ScancelArgv(const std::vector<std::string>& ids) {
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  return argv;
}

std::vector<std::string> SinfoArgv() {
  return {"sinfo", "--noheader", "--Node", "--format=%N|%P|%c|%m|%T"};
}

Result<std::vector<NodeInfo>> ParseSinfo(std::string_view out) {
  std::vector<NodeInfo> nodes;
  for (std::string_view line : Lines(out)) {
    std::vector<std::string_view> f = SplitFields(line, '|');
    if (f.size() != 5) return BadLine("sinfo", line);
    std::optional<int> cpus = Number<int>(f[2]);
    std::optional<int64_t> mem = Number<int64_t>(f[3]);
    if (!cpus || !mem) return BadLine("sinfo", line);
    NodeInfo n{.name = std::string(Trim(f[0])),
               .partition = std::string(Trim(f[1])),
               .cpus = *cpus,
               .mem_mb = *mem,
               .state = std::string(Trim(f[4]))};
    if (!n.partition.empty() && n.partition.back() == '*') {
      n.partition.pop_back();
      n.default_partition = true;
    }
    // A suffix marks trouble: '*' not responding, '~' powered off, '#' powering up, '!' ...
    std::string_view base = n.state;
    bool flagged =
        !base.empty() && std::string_view("*~#!%$@^-").find(base.back()) != std::string_view::npos;
    if (flagged) base.remove_suffix(1);
    n.up = !flagged && (base == "idle" || base == "mixed" || base == "allocated" ||
                        base == "completing" || base == "planned");
    nodes.push_back(std::move(n));
  }
  return nodes;
}

Result<std::vector<NodeInfo>> NodesOf(const std::vector<NodeInfo>& all,
                                      const std::string& partition) {
  std::vector<NodeInfo> out;
  std::vector<std::string> names;
  for (const NodeInfo& n : all) {
    std::string shown = n.partition + (n.default_partition ? " (default)" : "");
    if (std::find(names.begin(), names.end(), shown) == names.end()) names.push_back(shown);
    if (partition.empty() ? n.default_partition : n.partition == partition) out.push_back(n);
  }
  std::string listed = names.empty() ? "none" : Join(names, ", ");
  if (out.empty() && partition.empty())
    return Fail(ErrorKind::kBadInput,
                "slurm: the cluster has no default partition (partitions: " + listed +
                    "); set partition in the job file's [slurm] table");
  if (out.empty())
    return Fail(ErrorKind::kBadInput, "slurm: partition '" + partition +
                                          "' does not exist (partitions: " + listed +
                                          "); set partition in the job file's [slurm] table");
  return out;
}

Capacity CapacityOf(const std::vector<NodeInfo>& nodes, const Resources& run) {
  Capacity c;
  c.runs = 0;
  const int per_run = std::max(1, run.cpus);
  for (const NodeInfo& n : nodes) {
    if (!n.up) continue;
    c.nodes++;
    c.cpus += n.cpus;
    c.mem_mb += n.mem_mb;
    int fit = n.cpus / per_run;
    if (run.mem_mb > 0 && n.mem_mb > 0) fit = std::min<int64_t>(fit, n.mem_mb / run.mem_mb);
    c.runs += fit;
  }
  c.runs = std::max(1, c.runs);
  c.builds = std::clamp(c.nodes, 1, kMaxBuilds);
  return c;
}

}  // namespace culprit::slurm
