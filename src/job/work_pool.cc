#include "job/work_pool.h"

namespace culprit::job {

WorkPool::~WorkPool() {
  CancelAll();
  std::map<Ticket, std::jthread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  threads.clear();  // jthread joins
}

WorkPool::Ticket WorkPool::Start(std::function<void(std::stop_token)> task) {
  std::lock_guard lock(mu_);
  const Ticket ticket = next_++;
  threads_.emplace(ticket, std::jthread([this, ticket, task = std::move(task)](std::stop_token st) {
                     task(st);
                     std::lock_guard done(mu_);
                     finished_.push_back(ticket);
                     cv_.notify_all();
                   }));
  return ticket;
}

std::optional<WorkPool::Ticket> WorkPool::WaitAny(std::chrono::milliseconds timeout) {
  std::jthread thread;
  Ticket ticket = 0;
  {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [this] { return !finished_.empty(); })) return std::nullopt;
    ticket = finished_.front();
    finished_.pop_front();
    auto it = threads_.find(ticket);
    if (it != threads_.end()) {
      thread = std::move(it->second);
      threads_.erase(it);
    }
  }
  if (thread.joinable()) thread.join();  // it has only the lock's release left to do
  return ticket;
}

void WorkPool::Cancel(Ticket ticket) {
  std::lock_guard lock(mu_);
  if (auto it = threads_.find(ticket); it != threads_.end()) it->second.request_stop();
}

void WorkPool::CancelAll() {
  std::lock_guard lock(mu_);
  for (auto& [ticket, thread] : threads_) thread.request_stop();
}

size_t WorkPool::pending() const {
  std::lock_guard lock(mu_);
  return threads_.size();
}

}  // namespace culprit::job
