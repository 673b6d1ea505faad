#include "job/executor.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "base/strings.h"
#include "slurm/cluster.h"
#include "slurm/remote.h"

namespace culprit::job {
namespace {

namespace fs = std::filesystem;

// Added to culprit's own time limits to make Slurm's: culprit's guard on the node stops the
// work first, so that Slurm's limit only catches what got stuck (a node that hung).
constexpr int kTimeMarginMin = 5;

class LocalExecutor final : public Executor {
 public:
  std::unique_ptr<build::Builder> Builder(std::unique_ptr<build::Builder> local) override {
    return local;
  }
  std::unique_ptr<run::Runner> Runner(std::unique_ptr<run::Runner> local) override { return local; }
  std::string Summary() const override { return ""; }
};

class SlurmExecutor final : public Executor {
 public:
  SlurmExecutor(std::unique_ptr<slurm::Cluster> cluster, slurm::RemoteOptions options,
                fs::path scratch)
      : cluster_(std::move(cluster)), options_(std::move(options)), scratch_(std::move(scratch)) {}
  ~SlurmExecutor() override {
    cluster_.reset();
    std::error_code ec;
    fs::remove_all(scratch_, ec);
  }

  std::unique_ptr<build::Builder> Builder(std::unique_ptr<build::Builder>) override {
    return slurm::MakeRemoteBuilder(*cluster_, options_);
  }
  std::unique_ptr<run::Runner> Runner(std::unique_ptr<run::Runner>) override {
    return slurm::MakeRemoteRunner(*cluster_, options_);
  }
  std::string Summary() const override {
    std::vector<std::string> ids = cluster_->Submitted();
    if (ids.empty()) return "slurm: no jobs submitted";
    auto by_number = [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    };
    auto [low, high] = std::minmax_element(ids.begin(), ids.end(), by_number);
    return "slurm: " + std::to_string(ids.size()) + " jobs (ids " + *low + " to " + *high +
           "); each job's end: " + cluster_->Ledger().string();
  }

 private:
  std::unique_ptr<slurm::Cluster> cluster_;
  slurm::RemoteOptions options_;
  fs::path scratch_;
};

int Minutes(double seconds) { return static_cast<int>(std::ceil(seconds / 60)) + kTimeMarginMin; }

// What Slurm is asked for per build and per run: its time limits over culprit's own, the
// memory of a VM (plus QEMU's) or the run's address-space limit, the CPUs of a VM.
void SetResources(const JobConfig& c, const SlurmSettings& s, slurm::RemoteOptions& o) {
  o.build = {.time_limit_min =
                 s.build_time_limit_min > 0 ? s.build_time_limit_min : Minutes(c.build_timeout_s),
             .cpus = s.build_cpus,
             .mem_mb = s.build_memory_mb};
  double run_s = c.timeout_s;
  int cpus = 1, mem = 0;
  if (c.kernel) {
    run_s = c.kernel->boot_timeout_s + c.kernel->run_timeout_s + 60;
    cpus = c.kernel->cpus;
    mem = c.kernel->memory_mb + 256;
  } else if (c.max_memory_bytes > 0) {
    mem = static_cast<int>(c.max_memory_bytes >> 20) + 64;
  }
  o.run = {.time_limit_min = s.run_time_limit_min > 0 ? s.run_time_limit_min : Minutes(run_s),
           .cpus = cpus,
           .mem_mb = s.run_memory_mb > 0 ? s.run_memory_mb : mem};
}

// The state directory's identity, kept in it: every Slurm job culprit submits for it is named
// after it, so that a later culprit finds what an earlier one left.
Result<std::string> StateId(const fs::path& dir) {
  const fs::path file = dir / "id";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail(ErrorKind::kIo, "cannot create " + dir.string() + ": " + ec.message());
  std::string id;
  if (std::ifstream in(file); in >> id && id.size() == 8) return id;
  id = slurm::RandomHex(8);
  if (auto ok = slurm::WriteFileAtomically(file, id + "\n"); !ok) return tl::unexpected(ok.error());
  return id;
}

std::string UserName() {
  if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return std::to_string(getuid());
}

std::string SelfPath() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "culprit" : self.string();
}

Result<std::unique_ptr<Executor>> OpenSlurm(JobConfig& config, const fs::path& state_dir,
                                            report::ProgressLog& log) {
  const SlurmSettings s = config.slurm.value_or(SlurmSettings{});
  std::error_code ec;
  const fs::path state = fs::absolute(state_dir, ec);
  auto id = StateId(state / "slurm");
  if (!id) return tl::unexpected(id.error());
  const std::string tag = "culprit-" + *id;
  const std::string session = tag + "-" + slurm::RandomHex(4);
  const fs::path scratch = fs::temp_directory_path(ec) / (session + "-commands");
  auto cluster =
      slurm::Cluster::Open({.submit = {.partition = s.partition,
                                       .account = s.account,
                                       .qos = s.qos,
                                       .extra = s.sbatch_options},
                            .dir = state / "slurm",
                            .tag = tag,
                            .session = session,
                            .user = UserName(),
                            .start_timeout = std::chrono::duration<double>(s.start_timeout_s)},
                           slurm::MakeCommandRunner(scratch, std::chrono::seconds(60)));
  if (!cluster) return tl::unexpected(cluster.error());
  auto nodes = (*cluster)->Nodes();
  if (!nodes) return tl::unexpected(nodes.error());
  auto left = (*cluster)->CancelLeftovers();
  if (!left) return tl::unexpected(left.error());
  if (!left->empty())
    log.Note("slurm: cancelled " + std::to_string(left->size()) +
             " jobs an earlier culprit left in the queue (" + Join(*left, " ") + ")");

  slurm::RemoteOptions options{
      .state_dir = state,
      .config_json = ToJson(config),
      .node_command = {s.culprit.empty() ? SelfPath() : s.culprit, "slurm-node"}};
  SetResources(config, s, options);
  const slurm::Capacity capacity = slurm::CapacityOf(*nodes, options.run);
  if (capacity.nodes == 0)
    return Fail(ErrorKind::kBadInput,
                "slurm: no node of partition " +
                    (s.partition.empty() ? std::string("(the default)") : s.partition) +
                    " is up (see: sinfo); start one, or set [slurm] partition");
  const InFlight in_flight = SlurmInFlight(config, capacity.runs, capacity.builds);
  config.jobs = in_flight.runs;
  config.builders = in_flight.builds;
  auto host = slurm::ProbeSharedState(**cluster, options);
  if (!host) return tl::unexpected(host.error());
  log.Note("slurm: partition " + (nodes->empty() ? "" : (*nodes)[0].partition) + ": " +
           std::to_string(capacity.nodes) + " nodes up, " + std::to_string(capacity.cpus) +
           " CPUs; " + std::to_string(config.jobs) + " runs and " +
           std::to_string(config.builders) + " builds in flight; " + *host +
           " reads and writes the state directory");
  return std::unique_ptr<Executor>(
      std::make_unique<SlurmExecutor>(std::move(*cluster), std::move(options), scratch));
}

}  // namespace

InFlight SlurmInFlight(const JobConfig& config, int runs, int builds) {
  const SlurmSettings s = config.slurm.value_or(SlurmSettings{});
  return {.runs = s.runs > 0        ? s.runs
                  : config.jobs > 0 ? config.jobs
                                    : std::max(1, runs),
          .builds = s.builds > 0           ? s.builds
                    : config.builders != 1 ? config.builders
                                           : std::max(1, builds)};
}

Result<std::unique_ptr<Executor>> OpenExecutor(JobConfig& config, const fs::path& state_dir,
                                               report::ProgressLog& log) {
  if (config.executor == "slurm") return OpenSlurm(config, state_dir, log);
  return std::unique_ptr<Executor>(std::make_unique<LocalExecutor>());
}

}  // namespace culprit::job
