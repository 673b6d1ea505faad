// The files culprit and a node exchange through the shared state directory: a request (what to
// build or run, with the job's settings) written by culprit before it submits the job, and a
// result written by `culprit slurm-node` on the node. A result is only read by culprit, checked
// field by field and against the request's nonce; it never reaches the store unread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "build/builder.h"
#include "run/runner.h"

namespace culprit::slurm {

/// What a node is asked to do.
struct NodeRequest {
  enum class Kind { kBuild, kRun, kProbe };
  Kind kind = Kind::kProbe;
  std::string nonce;        ///< echoed by the result: a stale result is never taken
  std::string config_json;  ///< the job's settings as the job module stores them (opaque here)
  std::filesystem::path state_dir;
  std::filesystem::path result;  ///< where the node writes its NodeResult
  build::BuildSpec build;        ///< kBuild (its stop token is the node's own)
  run::RunSpec run;              ///< kRun
};

/// What the node says.
struct NodeResult {
  std::string nonce;
  std::string host;            ///< the node's host name
  std::optional<Error> error;  ///< the builder or runner on the node failed (not the work)
  build::BuildRecord build;    ///< kBuild
  run::RunRecord run;          ///< kRun
};

std::string RequestToJson(const NodeRequest& request);
Result<NodeRequest> ParseRequest(std::string_view json);

std::string ResultToJson(const NodeResult& result, NodeRequest::Kind kind);
/// The result of `request`: an error unless it is well-formed, of the request's kind, and
/// carries its nonce.
Result<NodeResult> ParseResult(std::string_view json, const NodeRequest& request);

/// Writes `text` to `path` through a temporary file and a rename, so a reader sees all or
/// nothing of it.
Result<void> WriteFileAtomically(const std::filesystem::path& path, std::string_view text);

}  // namespace culprit::slurm
