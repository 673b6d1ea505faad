// A CommandRunner for tests: answers each Slurm client command from a script of outputs (or a
// handler), and records every call.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "slurm/command_runner.h"

namespace culprit::slurm {

class FakeCommandRunner : public CommandRunner {
 public:
  using Handler = std::function<CommandOutput(const std::vector<std::string>& argv)>;

  /// `command` (argv[0]) answers with these outputs in turn; the last one repeats.
  void Answer(const std::string& command, std::vector<CommandOutput> outputs) {
    std::lock_guard lock(mu_);
    answers_[command] = std::move(outputs);
  }
  /// `command` answers with what `handler` returns.
  void Handle(const std::string& command, Handler handler) {
    std::lock_guard lock(mu_);
    handlers_[command] = std::move(handler);
  }

  Result<CommandOutput> Run(const std::vector<std::string>& argv) override {
    Handler handler;
    {
      std::lock_guard lock(mu_);
      calls_.push_back(argv);
      if (auto h = handlers_.find(argv[0]); h != handlers_.end()) {
        handler = h->second;
      } else {
        auto it = answers_.find(argv[0]);
        if (it == answers_.end() || it->second.empty())
          return Fail(ErrorKind::kNotFound, argv[0] + " is not scripted");
        CommandOutput out = it->second.front();
        if (it->second.size() > 1) it->second.erase(it->second.begin());
        return out;
      }
    }
    return handler(argv);
  }

  /// The calls of `command` so far.
  std::vector<std::vector<std::string>> Calls(const std::string& command) const {
    std::lock_guard lock(mu_);
    std::vector<std::vector<std::string>> out;
    for (const auto& c : calls_)
      if (c[0] == command) out.push_back(c);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<CommandOutput>> answers_;
  std::map<std::string, Handler> handlers_;
  std::vector<std::vector<std::string>> calls_;
};

}  // namespace culprit::slurm
