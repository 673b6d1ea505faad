// Builds and runs as Slurm jobs: a Builder and a Runner that write the spec they are given to
// a request file in the shared state directory, submit a batch job that runs `culprit
// slurm-node REQUEST` on a node (which makes the job's own target there and builds or runs
// exactly as the local executor would, with culprit's guard and limits), wait for it, and
// read the node's result back. Slurm's own failures (a node that died, preemption, a time
// limit, a cancelled allocation) are errors of kind kInfra, never records: the loop retries
// runs, and a build is submitted again a few times. A job that never starts is kBadInput.
#pragma once

#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"
#include "build/builder.h"
#include "run/runner.h"
#include "slurm/cluster.h"
#include "slurm/wire.h"

namespace culprit::slurm {

struct RemoteOptions {
  std::filesystem::path state_dir;
  /// The job's settings as the job module stores them: the node makes the same target.
  std::string config_json;
  /// The command a node runs, the request's path appended: {"/usr/bin/culprit", "slurm-node"}.
  std::vector<std::string> node_command;
  Resources build;
  Resources run;
  /// Submissions of one build before an infrastructure error ends the job (resumably).
  int build_attempts = 3;
};

/// The job's directory of requests and results: <state>/slurm/jobs/<name>.
std::filesystem::path JobDir(const std::filesystem::path& state_dir, const std::string& name);

/// Sends `request` to a node as a job of `kind` ("build", "run", "probe") and returns the
/// node's result; nullopt if `stop` cancelled it first.
Result<std::optional<NodeResult>> Execute(Cluster& cluster, const RemoteOptions& options,
                                          NodeRequest request, const std::string& kind,
                                          const Resources& resources, std::stop_token stop);

std::unique_ptr<build::Builder> MakeRemoteBuilder(Cluster& cluster, RemoteOptions options);
std::unique_ptr<run::Runner> MakeRemoteRunner(Cluster& cluster, RemoteOptions options);

/// A probe job: a node reads a request from the state directory and writes its answer there.
/// Returns the node's host name; the error says what the node could not do.
Result<std::string> ProbeSharedState(Cluster& cluster, const RemoteOptions& options);

}  // namespace culprit::slurm
