// Runs a reproducer (untrusted code) once against a built commit, isolated and bounded: its
// own process group, a timeout, an output cap, resource limits and no network where the machine
// allows. Returns what happened (exit status, signal, log, limits hit); knows nothing of crashes.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "base/outcome.h"
#include "base/result.h"

namespace culprit::run {

/// The network a run sees.
enum class Network {
  kNone,      ///< a private network namespace with nothing in it, not even loopback
  kLoopback,  ///< a private namespace with loopback up: 127.0.0.1 works, nothing leaves
  kHost,      ///< the machine's network
};
std::string_view NetworkName(Network network);  ///< "none" | "loopback" | "host"
std::optional<Network> ParseNetworkName(std::string_view name);

struct RunSpec {
  std::string command;                     ///< run with /bin/sh -c
  std::filesystem::path work_dir;          ///< created if missing; the run's cwd
  std::filesystem::path log_path;          ///< combined stdout+stderr, at most `max_output_bytes`
  std::map<std::string, std::string> env;  ///< CULPRIT_COMMIT, CULPRIT_OUT, CULPRIT_RUN, ...
  std::chrono::duration<double> timeout{300};
  uint64_t max_output_bytes = 64ull << 20;
  uint64_t max_memory_bytes = 8ull << 30;  ///< address-space limit; 0 = none
  Network network = Network::kLoopback;    ///< isolation where the machine permits it
  uint64_t max_file_bytes = 1ull << 30;    ///< largest file the run may write; 0 = none
  std::stop_token stop;  ///< a stop request kills the run (the record says `cancelled`)
};

struct RunRecord {
  int exit_code = -1;      ///< -1 when killed by a signal
  int signal = 0;          ///< the terminating signal, 0 if it exited
  bool timed_out = false;  ///< killed at the timeout
  bool output_truncated = false;
  bool output_flooded = false;    ///< killed for printing far more than the output cap
  bool network_isolated = false;  ///< ran in a private network namespace
  bool loopback_up = false;       ///< ... with loopback up
  bool cancelled = false;         ///< stopped on request: no evidence either way
  RunStage stage = RunStage::kNone;
  std::chrono::duration<double> duration{0};
};

class Runner {
 public:
  virtual ~Runner() = default;
  /// A reproducer that crashes, hangs or floods output still yields a RunRecord; an Error means
  /// culprit could not run it at all (spawn failed, log not writable).
  virtual Result<RunRecord> Run(const RunSpec& spec) = 0;
};

/// The real sandboxed process runner.
std::unique_ptr<Runner> MakeProcessRunner();

}  // namespace culprit::run
