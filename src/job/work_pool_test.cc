#include "job/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

namespace culprit::job {
namespace {

using namespace std::chrono_literals;

TEST(WorkPool, HandsBackEveryTaskOnceWithItsEffects) {
  WorkPool pool;
  std::vector<int> out(20, 0);
  std::set<WorkPool::Ticket> tickets;
  for (int i = 0; i < 20; ++i)
    tickets.insert(pool.Start([&out, i](std::stop_token) { out[i] = i + 1; }));
  std::set<WorkPool::Ticket> seen;
  while (seen.size() < tickets.size()) {
    auto t = pool.WaitAny(1s);
    ASSERT_TRUE(t.has_value());
    EXPECT_TRUE(seen.insert(*t).second) << "handed back twice";
  }
  EXPECT_EQ(seen, tickets);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(out[i], i + 1);
  EXPECT_EQ(pool.pending(), 0u);
  EXPECT_FALSE(pool.WaitAny(10ms).has_value());
}

TEST(WorkPool, CancelStopsATaskThatWatchesItsToken) {
  WorkPool pool;
  std::atomic<bool> saw_stop{false};
  WorkPool::Ticket t = pool.Start([&](std::stop_token st) {
    while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    saw_stop = true;
  });
  EXPECT_FALSE(pool.WaitAny(20ms).has_value());
  pool.Cancel(t);
  auto done = pool.WaitAny(5s);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(*done, t);
  EXPECT_TRUE(saw_stop);
}

TEST(WorkPool, DestructorStopsAndJoins) {
  std::atomic<int> stopped{0};
  {
    WorkPool pool;
    for (int i = 0; i < 4; ++i) {
      pool.Start([&](std::stop_token st) {
        while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
        ++stopped;
      });
    }
  }
  EXPECT_EQ(stopped, 4);
}

}  // namespace
}  // namespace culprit::job
