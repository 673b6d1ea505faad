#include "sim/world.h"

#include <algorithm>
#include <deque>
#include <variant>

namespace culprit::sim {

using decide::CommitIndex;

namespace {

std::vector<uint8_t> Descendants(const decide::CommitDag& dag, CommitIndex from) {
  std::vector<uint8_t> mark(static_cast<size_t>(dag.size()), 0);
  if (from < 0) return mark;
  mark[static_cast<size_t>(from)] = 1;
  for (CommitIndex c = from + 1; c < dag.size(); ++c) {
    for (CommitIndex p : dag.parents(c))
      mark[static_cast<size_t>(c)] |= mark[static_cast<size_t>(p)];
  }
  return mark;
}

}  // namespace

bool World::InAny(const std::vector<Range>& ranges, int i) {
  for (const Range& r : ranges) {
    if (r.Contains(i)) return true;
  }
  return false;
}

World::World(const decide::CommitDag& dag, const WorldSpec& spec)
    : dag_(dag), spec_(spec), rng_(spec.seed) {
  std::vector<uint8_t> after_culprit = Descendants(dag, spec.culprit);
  if (spec.mode == decide::Mode::kCause) {
    crashes_ = after_culprit;
  } else {
    crashes_ = Descendants(dag, spec.introduced);
    for (size_t c = 0; c < crashes_.size(); ++c) crashes_[c] = crashes_[c] && !after_culprit[c];
  }
  misses_left_.assign(static_cast<size_t>(dag.size()), 0);
  for (const WorldSpec::Streak& s : spec.missed_first) {
    misses_left_[static_cast<size_t>(s.commit)] = s.runs;
  }
  signature_.resize(static_cast<size_t>(dag.size()));
  for (CommitIndex c = 0; c < dag.size(); ++c) {
    const auto& parents = dag.parents(c);
    const bool same = InAny(spec.same_binary, c) || InAny(spec.no_input, c);
    signature_[static_cast<size_t>(c)] = !parents.empty() && same
                                             ? signature_[static_cast<size_t>(parents[0])]
                                             : "sig" + std::to_string(c);
  }
}

decide::BuildEvidence World::Build(CommitIndex c) {
  ++builds_;
  if (InAny(spec_.build_broken, c)) return {.ok = false, .signature = ""};
  return {.ok = true, .signature = Signature(c)};
}

decide::BuildEvidence World::Avoided(CommitIndex c) {
  ++avoided_;
  return {.ok = true, .signature = Signature(c), .avoided = true};
}

std::vector<uint8_t> World::Avoidable() const {
  std::vector<uint8_t> out(static_cast<size_t>(dag_.size()), 0);
  for (CommitIndex c = 1; c < dag_.size(); ++c)
    out[static_cast<size_t>(c)] = InAny(spec_.no_input, c);
  return out;
}

Outcome World::Run(CommitIndex c) {
  ++runs_;
  if (InAny(spec_.boot_broken, c)) return Outcome::kUntestable;
  if (InAny(spec_.infra_broken, c)) return Outcome::kInfraError;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (spec_.infra_rate > 0 && unit(rng_) < spec_.infra_rate) return Outcome::kInfraError;
  if (spec_.other_crash_rate > 0 && unit(rng_) < spec_.other_crash_rate) {
    return spec_.unrelated_look_like_target ? Outcome::kTargetCrash : Outcome::kOtherCrash;
  }
  if (Crashes(c) && misses_left_[static_cast<size_t>(c)] > 0) {
    --misses_left_[static_cast<size_t>(c)];
    return Outcome::kOk;
  }
  if (Crashes(c) && (spec_.crash_p >= 1.0 || unit(rng_) < spec_.crash_p)) {
    return Outcome::kTargetCrash;
  }
  return Outcome::kOk;
}

decide::Conclusion World::Drive(decide::Engine& engine, std::vector<decide::Action>* trace,
                                int max_actions) {
  for (int i = 0; i < max_actions; ++i) {
    decide::Decision d = engine.Next();
    if (auto* c = std::get_if<decide::Conclusion>(&d)) return *c;
    const auto& a = std::get<decide::Action>(d);
    if (trace != nullptr) trace->push_back(a);
    if (a.kind == decide::Action::Kind::kBuild) {
      engine.RecordBuild(a.commit, a.avoid ? Avoided(a.commit) : Build(a.commit));
      continue;
    }
    for (int r = 0; r < a.runs; ++r) engine.RecordRun(a.commit, Run(a.commit));
  }
  decide::Conclusion c;
  c.kind = decide::ConclusionKind::kError;
  c.error = "simulation: the engine did not conclude";
  return c;
}

decide::Conclusion World::DrivePlans(decide::Engine& engine, const decide::Capacity& slots,
                                     int max_steps) {
  struct Work {
    bool build = false;
    CommitIndex commit = decide::kNoCommit;
  };
  std::deque<Work> queue;  // in flight, oldest first
  auto busy = [&] {
    decide::InFlight f;
    for (const Work& w : queue) {
      if (w.build) {
        f.builds.push_back(w.commit);
      } else {
        f.runs.push_back({w.commit, 1});
      }
    }
    return f;
  };
  for (int step = 0; step < max_steps; ++step) {
    decide::InFlight f = busy();
    decide::Capacity free{.builds = slots.builds - static_cast<int>(f.builds.size()),
                          .runs = slots.runs - f.TotalRuns()};
    decide::Plan plan = engine.PlanRound(f, free);
    for (CommitIndex c : plan.cancel) {
      std::erase_if(queue, [&](const Work& w) { return w.build && w.commit == c; });
    }
    // A conclusion stands once the runs in flight are recorded (never dropped: see Plan).
    const bool runs_in_flight =
        std::any_of(queue.begin(), queue.end(), [](const Work& w) { return !w.build; });
    if (plan.conclusion && !runs_in_flight) return *plan.conclusion;
    if (plan.conclusion) plan = {};
    for (CommitIndex c : plan.avoided) engine.RecordBuild(c, Avoided(c));
    for (CommitIndex c : plan.builds) queue.push_back({true, c});
    for (const decide::Plan::Runs& r : plan.runs) {
      for (int i = 0; i < r.runs; ++i) queue.push_back({false, r.commit});
    }
    if (queue.empty() && plan.avoided.empty()) break;
    if (queue.empty()) continue;
    Work w = queue.front();
    queue.pop_front();
    if (w.build) {
      engine.RecordBuild(w.commit, Build(w.commit));
    } else {
      engine.RecordRun(w.commit, Run(w.commit));
    }
  }
  decide::Conclusion c;
  c.kind = decide::ConclusionKind::kError;
  c.error = "simulation: the engine neither concluded nor planned work";
  return c;
}

}  // namespace culprit::sim

namespace culprit::sim {

Timed World::DriveTimed(decide::Engine& engine, const TimeModel& time,
                        const std::function<void(double, const decide::Plan&)>& trace,
                        int max_plans) {
  struct Job {
    double end = 0;
    bool build = false;
    CommitIndex commit = decide::kNoCommit;
  };
  std::vector<Job> jobs;  // in flight, in the order started
  Timed out;
  double now = 0;
  for (int step = 0; step < max_plans; ++step) {
    decide::InFlight busy;
    for (const Job& j : jobs) {
      if (j.build) {
        busy.builds.push_back(j.commit);
      } else if (!busy.runs.empty() && busy.runs.back().commit == j.commit) {
        ++busy.runs.back().runs;
      } else {
        busy.runs.push_back({j.commit, 1});
      }
    }
    for (const Job& j : jobs) {
      if (!j.build && (busy.first_result_in < 0 || j.end - now < busy.first_result_in))
        busy.first_result_in = j.end - now;
    }
    busy.build_time = time.build_minutes;
    const decide::Capacity free{.builds = time.builders - static_cast<int>(busy.builds.size()),
                                .runs = time.vms - busy.TotalRuns()};
    decide::Plan plan = engine.PlanRound(busy, free);
    if (trace) trace(now, plan);
    if (plan.conclusion) {
      out.conclusion = *plan.conclusion;
      out.minutes = now;
      return out;
    }
    int new_runs = 0;
    for (const decide::Plan::Runs& r : plan.runs) new_runs += r.runs;
    if (static_cast<int>(plan.builds.size()) > free.builds || new_runs > free.runs) {
      out.conclusion.kind = decide::ConclusionKind::kError;
      out.conclusion.error = "simulation: the plan asks for more slots than are free";
      return out;
    }
    for (CommitIndex c : plan.cancel) {
      // Started, so counted, though never recorded.
      std::erase_if(jobs, [&](const Job& j) {
        if (j.commit != c) return false;
        ++(j.build ? builds_ : runs_);
        return true;
      });
    }
    for (CommitIndex c : plan.avoided) engine.RecordBuild(c, Avoided(c));
    for (CommitIndex c : plan.builds) jobs.push_back({now + time.build_minutes, true, c});
    if (new_runs > 0) ++out.rounds;
    for (const decide::Plan::Runs& r : plan.runs) {
      for (int i = 0; i < r.runs; ++i) jobs.push_back({now + time.run_minutes, false, r.commit});
    }
    if (jobs.empty()) {
      if (!plan.avoided.empty() || !plan.cancel.empty()) continue;
      out.conclusion.kind = decide::ConclusionKind::kError;
      out.conclusion.error = "simulation: the engine neither concluded nor planned work";
      return out;
    }
    double next = jobs.front().end;
    for (const Job& j : jobs) next = std::min(next, j.end);
    now = next;
    std::vector<Job> done;
    std::erase_if(jobs, [&](const Job& j) {
      if (j.end > now + 1e-9) return false;
      done.push_back(j);
      return true;
    });
    for (const Job& j : done) {
      if (j.build) {
        engine.RecordBuild(j.commit, Build(j.commit));
      } else {
        engine.RecordRun(j.commit, Run(j.commit));
      }
    }
  }
  out.conclusion.kind = decide::ConclusionKind::kError;
  out.conclusion.error = "simulation: the engine did not conclude";
  return out;
}

}  // namespace culprit::sim
