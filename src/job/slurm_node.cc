// The node's side of the Slurm executor: `culprit slurm-node REQUEST` reads the request that
// culprit wrote into the shared state directory, makes the job's own target from the settings
// it carries, builds or runs with the target's real builder or runner (culprit's guard, its
// timeouts, output cap, memory limit and network isolation, as on a workstation), and writes
// the result beside the request. It never touches the store: culprit reads the result, checks
// it and stores it itself.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "job/executor.h"
#include "job/target.h"
#include "slurm/wire.h"

namespace culprit::job {
namespace {

namespace fs = std::filesystem;

std::string NodeName() {
  if (const char* name = getenv("SLURMD_NODENAME"); name && *name) return name;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) return host;
  return "unknown";
}

Result<build::BuildRecord> Build(const JobConfig& config, const slurm::NodeRequest& q) {
  auto repo = history::OpenRepository(config.repo, q.state_dir / "objects");
  if (!repo) return tl::unexpected(repo.error());
  std::unique_ptr<Target> target = MakeTarget(config, q.state_dir);
  auto builder = target->MakeBuilder(**repo);
  if (!builder) return tl::unexpected(builder.error());
  return (*builder)->Build(q.build);
}

Result<run::RunRecord> Run(const JobConfig& config, const slurm::NodeRequest& q) {
  std::unique_ptr<Target> target = MakeTarget(config, q.state_dir);
  auto runner = target->MakeRunner();
  if (!runner) return tl::unexpected(runner.error());
  return (*runner)->Run(q.run);
}

}  // namespace

Result<void> RunNodeRequest(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Fail(ErrorKind::kIo, "cannot read " + path.string() +
                                    " on this node (is the state directory on storage the "
                                    "nodes share?)");
  std::stringstream text;
  text << in.rdbuf();
  auto q = slurm::ParseRequest(text.str());
  if (!q) return Wrap(q.error(), path.string());
  slurm::NodeResult result{.nonce = q->nonce, .host = NodeName()};
  if (q->kind != slurm::NodeRequest::Kind::kProbe) {
    auto config = FromJson(q->config_json);
    if (!config) return Wrap(config.error(), path.string());
    if (q->kind == slurm::NodeRequest::Kind::kBuild) {
      auto built = Build(*config, *q);
      if (built)
        result.build = *built;
      else
        result.error = built.error();
    } else {
      auto ran = Run(*config, *q);
      if (ran)
        result.run = *ran;
      else
        result.error = ran.error();
    }
  }
  return slurm::WriteFileAtomically(q->result, slurm::ResultToJson(result, q->kind));
}

}  // namespace culprit::job
