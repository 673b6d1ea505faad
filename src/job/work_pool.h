// Work in flight: the builds and runs the loop has started, each on a thread of its own, handed
// back one at a time as they finish. Nothing here decides or stores: the loop does both, on its
// own thread, so the engine and the store see one result at a time. The start/wait interface is
// the same whatever runs the work (local processes, VMs, a cluster's jobs behind a Builder or
// a Runner).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

namespace culprit::job {

class WorkPool {
 public:
  using Ticket = uint64_t;

  WorkPool() = default;
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;
  /// Asks every task to stop and waits for them.
  ~WorkPool();

  /// Starts `task` on a thread of its own. The task must return soon after its stop token is
  /// requested (Cancel, CancelAll, the destructor). What it produces it writes where the caller
  /// told it to; the caller reads it once WaitAny has returned the ticket.
  Ticket Start(std::function<void(std::stop_token)> task);

  /// A finished task's ticket, waiting at most `timeout`; nullopt if none finished by then.
  /// Everything the task wrote happens-before this returns.
  std::optional<Ticket> WaitAny(std::chrono::milliseconds timeout);

  /// Requests a stop; the task is still returned by WaitAny when it has returned.
  void Cancel(Ticket ticket);
  void CancelAll();

  /// Tasks started and not yet handed back by WaitAny.
  size_t pending() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<Ticket, std::jthread> threads_;
  std::deque<Ticket> finished_;
  Ticket next_ = 1;
};

}  // namespace culprit::job
