#include "slurm/remote.h"

#include <fstream>
#include <thread>

#include "base/strings.h"

namespace culprit::slurm {
namespace {

namespace fs = std::filesystem;

// A result is a few hundred bytes; anything near this is not one.
constexpr size_t kMaxResultBytes = 1 << 20;

std::optional<std::string> ReadHead(const fs::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(limit, '\0');
  in.read(data.data(), static_cast<std::streamsize>(limit));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

// The last lines Slurm wrote for the job (culprit's own messages on the node, or Slurm's).
std::string OutputTail(const fs::path& dir) {
  std::optional<std::string> text = ReadHead(dir / "slurm.out", 64 << 10);
  if (!text) return "";
  std::vector<std::string_view> lines = SplitLines(*text);
  std::string out;
  for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) {
    std::string_view line = Trim(lines[i]);
    if (line.empty()) continue;
    out += (out.empty() ? "" : " | ") + std::string(line);
  }
  return out;
}

std::string WithTail(std::string message, const fs::path& dir) {
  std::string tail = OutputTail(dir);
  if (!tail.empty()) message += " (its output: " + tail + ")";
  return message;
}

// The node runs in its job's directory: every path it is given must be absolute (the store's
// directory may be relative to culprit's).
fs::path Absolute(const fs::path& p) {
  std::error_code ec;
  fs::path a = p.empty() ? p : fs::absolute(p, ec);
  return ec ? p : a;
}

void MakeAbsolute(build::BuildSpec& s) {
  for (fs::path* p : {&s.source_dir, &s.out_dir, &s.log_path, &s.scratch_dir}) *p = Absolute(*p);
}

void MakeAbsolute(run::RunSpec& s) {
  for (fs::path* p : {&s.work_dir, &s.log_path}) *p = Absolute(*p);
  if (auto it = s.env.find("CULPRIT_OUT"); it != s.env.end())
    it->second = Absolute(it->second).string();
}

bool SleepUnlessStopped(std::chrono::seconds d, std::stop_token stop) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (stop.stop_requested()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return !stop.stop_requested();
}

class RemoteBuilder : public build::Builder {
 public:
  RemoteBuilder(Cluster& cluster, RemoteOptions options)
      : cluster_(cluster), options_(std::move(options)) {}

  Result<build::BuildRecord> Build(const build::BuildSpec& spec) override {
    NodeRequest request{.kind = NodeRequest::Kind::kBuild, .build = spec};
    request.build.stop = {};
    MakeAbsolute(request.build);
    for (int attempt = 1;; ++attempt) {
      auto done = Execute(cluster_, options_, request, "build", options_.build, spec.stop);
      if (done && !*done) return build::BuildRecord{.cancelled = true};
      if (done) {
        const NodeResult& r = **done;
        if (r.error) return tl::unexpected(*r.error);
        std::error_code ec;
        if (r.build.ok && !fs::is_directory(spec.out_dir, ec))
          return Fail(ErrorKind::kInfra, "the build on " + r.host + " reported success but " +
                                             spec.out_dir.string() + " is not there");
        return r.build;
      }
      // Slurm lost the build (a node died, a preemption): submit it again after a pause.
      if (done.error().kind != ErrorKind::kInfra || attempt >= options_.build_attempts)
        return tl::unexpected(done.error());
      if (!SleepUnlessStopped(std::chrono::seconds(1 << attempt), spec.stop))
        return build::BuildRecord{.cancelled = true};
    }
  }

 private:
  Cluster& cluster_;
  RemoteOptions options_;
};

class RemoteRunner : public run::Runner {
 public:
  RemoteRunner(Cluster& cluster, RemoteOptions options)
      : cluster_(cluster), options_(std::move(options)) {}

  Result<run::RunRecord> Run(const run::RunSpec& spec) override {
    NodeRequest request{.kind = NodeRequest::Kind::kRun, .run = spec};
    request.run.stop = {};
    MakeAbsolute(request.run);
    auto done = Execute(cluster_, options_, request, "run", options_.run, spec.stop);
    if (!done) return tl::unexpected(done.error());
    if (!*done) return run::RunRecord{.cancelled = true};
    if ((*done)->error) return tl::unexpected(*(*done)->error);
    return (*done)->run;
  }

 private:
  Cluster& cluster_;
  RemoteOptions options_;
};

}  // namespace

fs::path JobDir(const fs::path& state_dir, const std::string& name) {
  return state_dir / "slurm" / "jobs" / name;
}

Result<std::optional<NodeResult>> Execute(Cluster& cluster, const RemoteOptions& options,
                                          NodeRequest request, const std::string& kind,
                                          const Resources& resources, std::stop_token stop) {
  const std::string name = cluster.NewJobName(kind);
  const fs::path dir = JobDir(options.state_dir, name);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail(ErrorKind::kIo, "cannot create " + dir.string() + ": " + ec.message());
  request.nonce = RandomHex(16);
  request.config_json = options.config_json;
  request.state_dir = options.state_dir;
  request.result = dir / "result.json";
  const fs::path request_path = dir / "request.json";
  if (auto ok = WriteFileAtomically(request_path, RequestToJson(request)); !ok)
    return tl::unexpected(ok.error());
  if (stop.stop_requested()) return std::optional<NodeResult>();
  std::vector<std::string> command = options.node_command;
  command.push_back(request_path.string());
  auto id = cluster.Submit({.name = name, .dir = dir, .command = command, .resources = resources});
  if (!id) return tl::unexpected(id.error());
  const JobEnd end = cluster.Wait(*id, stop);
  if (end.cancelled) return std::optional<NodeResult>();
  if (end.never_started) {
    const auto bound =
        std::chrono::duration_cast<std::chrono::seconds>(cluster.options().start_timeout);
    return Fail(ErrorKind::kBadInput,
                "slurm: " + end.Describe() + "; cancelled it after waiting up to " +
                    std::to_string(bound.count()) +
                    " s (check [slurm] partition, account and qos against: sinfo; or raise "
                    "[slurm] start_timeout)");
  }
  if (end.fate != Fate::kCompleted) return Fail(ErrorKind::kInfra, WithTail(end.Describe(), dir));
  std::optional<std::string> text = ReadHead(request.result, kMaxResultBytes);
  if (!text)
    return Fail(ErrorKind::kInfra,
                WithTail(end.Describe() + " without a result in " + request.result.string(), dir));
  auto result = ParseResult(*text, request);
  if (!result) return Fail(ErrorKind::kInfra, end.Describe() + ": " + result.error().message);
  fs::remove_all(dir, ec);  // read: what is kept of it is the store's
  return std::optional<NodeResult>(std::move(*result));
}

std::unique_ptr<build::Builder> MakeRemoteBuilder(Cluster& cluster, RemoteOptions options) {
  return std::make_unique<RemoteBuilder>(cluster, std::move(options));
}

std::unique_ptr<run::Runner> MakeRemoteRunner(Cluster& cluster, RemoteOptions options) {
  return std::make_unique<RemoteRunner>(cluster, std::move(options));
}

Result<std::string> ProbeSharedState(Cluster& cluster, const RemoteOptions& options) {
  const std::string state = options.state_dir.string();
  const std::string fix = "the state directory " + state +
                          " must be on storage that the nodes share (pass --state on such a "
                          "file system), and the nodes must run culprit as: " +
                          Join(options.node_command, " ") +
                          " (set [slurm] culprit to its path on the nodes)";
  auto done = Execute(cluster, options, NodeRequest{.kind = NodeRequest::Kind::kProbe}, "probe",
                      {.time_limit_min = 5, .cpus = 1}, {});
  if (!done) {
    if (done.error().kind == ErrorKind::kBadInput) return tl::unexpected(done.error());
    return Fail(ErrorKind::kBadInput,
                "slurm: a node could not read and write the state directory: " +
                    done.error().message + "; " + fix);
  }
  if (!*done || (*done)->error)
    return Fail(ErrorKind::kBadInput, "slurm: the probe job failed on its node: " +
                                          ((*done) ? (*done)->error->message : "cancelled") + "; " +
                                          fix);
  return (*done)->host;
}

}  // namespace culprit::slurm
