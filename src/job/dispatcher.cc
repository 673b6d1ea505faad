#include "job/dispatcher.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "base/strings.h"

namespace culprit::job {
namespace {

namespace fs = std::filesystem;

std::string TestKeyOf(const JobConfig& config, const Target& target) {
  std::ostringstream recipe;
  recipe << "test\n"
         << target.TestRecipe() << "\ntimeout=" << config.timeout_s
         << "\nmemory=" << config.max_memory_bytes << "\noutput=" << config.max_output_bytes;
  return build::BuildKey("test", recipe.str());
}

Result<void> MakeDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Fail(ErrorKind::kIo,
                "cannot create " + dir.string() + ": " + ec.message() + " (is its disk full?)");
  }
  return {};
}

}  // namespace

std::string ReadBounded(const fs::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  std::string data;
  if (!in) return data;
  // In chunks: a buffer of `limit` bytes (64 MiB by default) per read would cost far more
  // than the usual log.
  constexpr size_t kChunk = 64 << 10;
  while (data.size() < limit && in) {
    const size_t at = data.size();
    const size_t want = std::min(kChunk, limit - at);
    data.resize(at + want);
    in.read(data.data() + at, static_cast<std::streamsize>(want));
    data.resize(at + static_cast<size_t>(in.gcount()));
  }
  return data;
}

struct Dispatcher::Pending {
  Finished::Kind kind = Finished::Kind::kBuild;
  decide::CommitIndex commit = decide::kNoCommit;
  std::string commit_id;
  std::string checkout;  // the commit checked out: commit_id, or it with fix-ups applied
  int slot = -1;
  // Builds.
  build::BuildSpec build_spec;
  store::BuildRow build_row;
  Result<build::BuildRecord> build_result = Fail(ErrorKind::kInternal, "build never ran");
  // Runs.
  run::RunSpec run_spec;
  store::RunRow run_row;
  Result<run::RunRecord> run_result = Fail(ErrorKind::kInternal, "run never ran");
  bool cancel_requested = false;
  /// The task's wall time: the build with its checkout, the run with its set-up and clean-up.
  double task_s = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

Dispatcher::Dispatcher(const JobConfig& config, int64_t job_id, Parts parts)
    : config_(config),
      job_id_(job_id),
      parts_(parts),
      build_recipe_(parts.target.BuildRecipe()),
      test_key_(TestKeyOf(config, parts.target)),
      slot_busy_(parts.worktrees.size(), false) {}

Dispatcher::~Dispatcher() { pool_.CancelAll(); }

Result<const BuildSource*> Dispatcher::SourceOf(const std::string& commit_id) {
  if (auto it = sources_.find(commit_id); it != sources_.end()) return &it->second;
  auto source = parts_.target.SourceOf(parts_.repo, commit_id);
  if (!source) return tl::unexpected(source.error());
  return &(sources_[commit_id] = std::move(*source));
}

Result<std::optional<store::BuildRow>> Dispatcher::CachedBuild(const std::string& commit_id) {
  auto source = SourceOf(commit_id);
  if (!source) return tl::unexpected(source.error());
  const std::string tree_id = (*source)->tree_id;
  const std::string key = build::BuildKey(tree_id, build_recipe_);
  auto cached = parts_.store.FindBuild(key);
  if (!cached) return tl::unexpected(cached.error());
  if (!parts_.target.BuildsCommits()) {
    // Nothing to build: the tree id is the signature, stored like a build before it is used.
    if (*cached) return *cached;
    store::BuildRow row{.key = key,
                        .tree_id = tree_id,
                        .commit = commit_id,
                        .ok = true,
                        .exit_code = 0,
                        .signature = tree_id};
    if (auto ok = parts_.store.PutBuild(row); !ok) return tl::unexpected(ok.error());
    return std::optional<store::BuildRow>(std::move(row));
  }
  std::error_code ec;
  if (*cached && (!(*cached)->ok || fs::exists((*cached)->out_dir, ec))) return *cached;
  return std::optional<store::BuildRow>();
}

Result<void> Dispatcher::StartBuild(decide::CommitIndex commit, const std::string& commit_id) {
  int slot = -1;
  for (size_t i = 0; i < slot_busy_.size() && slot < 0; ++i) {
    if (!slot_busy_[i]) slot = static_cast<int>(i);
  }
  if (slot < 0) return Fail(ErrorKind::kInternal, "no free build slot");
  auto found = SourceOf(commit_id);
  if (!found) return tl::unexpected(found.error());
  const BuildSource& source = **found;
  const std::string key = build::BuildKey(source.tree_id, build_recipe_);
  const fs::path dir = parts_.store.dir() / "builds" / key.substr(0, 24);
  if (auto ok = MakeDir(dir); !ok) return ok;
  history::Worktree& worktree = *parts_.worktrees[static_cast<size_t>(slot)];
  auto p = std::make_unique<Pending>();
  p->kind = Finished::Kind::kBuild;
  p->commit = commit;
  p->commit_id = commit_id;
  p->checkout = source.commit;
  p->slot = slot;
  p->build_spec = build::BuildSpec{
      .command = parts_.target.BuildCommand(),
      .source_dir = worktree.path(),
      .out_dir = dir / "out",
      .log_path = dir / "build.log",
      .scratch_dir = worktree.path().parent_path(),
      .env = {{"CULPRIT_COMMIT", commit_id}},
      .timeout = std::chrono::seconds(static_cast<int64_t>(config_.build_timeout_s)),
  };
  p->build_row = store::BuildRow{.key = key,
                                 .tree_id = source.tree_id,
                                 .commit = commit_id,
                                 .out_dir = p->build_spec.out_dir.string(),
                                 .log_path = p->build_spec.log_path.string(),
                                 .source_dir = worktree.path().string()};
  Pending* raw = p.get();
  build::Builder& builder = parts_.builder;
  slot_busy_[static_cast<size_t>(slot)] = true;
  WorkPool::Ticket t = pool_.Start([raw, &worktree, &builder](std::stop_token stop) {
    const auto start = std::chrono::steady_clock::now();
    if (auto ok = worktree.Checkout(raw->checkout); !ok) {
      raw->build_result = Wrap(ok.error(), "checking out " + ShortHash(raw->commit_id));
      return;
    }
    build::BuildSpec spec = raw->build_spec;
    spec.stop = stop;
    raw->build_result = builder.Build(spec);
    raw->task_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  pending_.emplace(t, std::move(p));
  return {};
}

Result<void> Dispatcher::StartRuns(decide::CommitIndex commit, const std::string& commit_id,
                                   const store::BuildRow& build, int runs) {
  const std::string& key = build.key;
  if (!next_run_index_.contains(key)) {
    auto stored = parts_.store.FindRuns(key, test_key_);
    if (!stored) return tl::unexpected(stored.error());
    next_run_index_[key] = stored->empty() ? 0 : stored->back().index + 1;
  }
  const fs::path dir =
      parts_.store.dir() / "runs" / (key.substr(0, 16) + "-" + test_key_.substr(0, 8));
  if (auto ok = MakeDir(dir); !ok) return ok;
  run::Runner& runner = parts_.runner;
  const bool in_checkout = !parts_.target.BuildsCommits();
  for (int i = 0; i < runs; ++i) {
    // Without a build, a run takes a slot's worktree for its whole life: the test runs in a
    // checkout of the commit, as git bisect run's script does, and no other run shares it
    // (tests write into their checkout). Slots are as many as runs at once (run_job.cc).
    history::Worktree* worktree = nullptr;
    int slot = -1;
    if (in_checkout) {
      for (size_t w = 0; w < slot_busy_.size() && slot < 0; ++w) {
        if (!slot_busy_[w]) slot = static_cast<int>(w);
      }
      if (slot < 0) return Fail(ErrorKind::kInternal, "no free worktree to run in");
      worktree = parts_.worktrees[static_cast<size_t>(slot)];
      slot_busy_[static_cast<size_t>(slot)] = true;
    }
    const int index = next_run_index_[key]++;
    auto p = std::make_unique<Pending>();
    p->kind = Finished::Kind::kRun;
    p->commit = commit;
    p->commit_id = commit_id;
    p->slot = slot;
    p->run_spec = run::RunSpec{
        .command = parts_.target.TestCommand(),
        .work_dir = in_checkout ? worktree->path() : dir / ("work-" + std::to_string(index)),
        .log_path = dir / ("run-" + std::to_string(index) + ".log"),
        .env = {{"CULPRIT_COMMIT", commit_id}, {"CULPRIT_RUN", std::to_string(index)}},
        .timeout = std::chrono::duration<double>(config_.timeout_s),
        .max_output_bytes = OutputCap(),
        .max_memory_bytes = config_.max_memory_bytes,
        .network = config_.network,
    };
    p->run_row = store::RunRow{.build_key = key,
                               .test_key = test_key_,
                               .index = index,
                               .log_path = p->run_spec.log_path.string(),
                               .job_id = job_id_};
    if (!in_checkout) p->run_spec.env["CULPRIT_OUT"] = build.out_dir;
    Pending* raw = p.get();
    WorkPool::Ticket t = pool_.Start([raw, &runner, worktree](std::stop_token stop) {
      const auto start = std::chrono::steady_clock::now();
      run::RunSpec spec = raw->run_spec;
      spec.stop = stop;
      if (worktree) {
        // A failed checkout is culprit's failure, not the commit's: an infrastructure error.
        if (auto ok = worktree->Checkout(raw->commit_id); !ok) {
          raw->run_result = Wrap(ok.error(), "checking out " + ShortHash(raw->commit_id));
          return;
        }
        raw->run_result = runner.Run(spec);
        raw->task_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return;
      }
      raw->run_result = runner.Run(spec);
      std::error_code ec;
      fs::remove_all(spec.work_dir, ec);
      raw->task_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    });
    pending_.emplace(t, std::move(p));
  }
  return {};
}

void Dispatcher::CancelBuild(decide::CommitIndex commit) {
  for (auto& [ticket, p] : pending_) {
    if (p->commit != commit || p->kind != Finished::Kind::kBuild) continue;
    p->cancel_requested = true;
    pool_.Cancel(ticket);
  }
}

void Dispatcher::CancelAll() {
  for (auto& [ticket, p] : pending_) p->cancel_requested = true;
  pool_.CancelAll();
}

Result<std::optional<Finished>> Dispatcher::Wait(std::chrono::milliseconds timeout) {
  std::optional<WorkPool::Ticket> ticket = pool_.WaitAny(timeout);
  if (!ticket) return std::optional<Finished>();
  auto it = pending_.find(*ticket);
  if (it == pending_.end()) return Fail(ErrorKind::kInternal, "unknown work finished");
  std::unique_ptr<Pending> p = std::move(it->second);
  pending_.erase(it);
  if (p->slot >= 0) slot_busy_[static_cast<size_t>(p->slot)] = false;
  auto done = Complete(*p);
  if (!done) return tl::unexpected(done.error());
  return std::optional<Finished>(std::move(*done));
}

// Classifies and stores a finished build or run. A cancelled one is dropped: it says nothing.
Result<Finished> Dispatcher::Complete(Pending& p) {
  Finished f{.kind = p.kind, .commit = p.commit, .commit_id = p.commit_id};
  if (p.kind == Finished::Kind::kBuild) {
    if (!p.build_result) {
      if (p.cancel_requested) {
        f.cancelled = true;
        return f;
      }
      return Wrap(p.build_result.error(), "building " + ShortHash(p.commit_id));
    }
    const build::BuildRecord& rec = *p.build_result;
    if (rec.cancelled) {
      f.cancelled = true;
      return f;
    }
    store::BuildRow row = p.build_row;
    row.ok = rec.ok;
    row.exit_code = rec.exit_code;
    row.signature = rec.signature;
    row.compiler = rec.compiler;
    row.duration_s = std::max(rec.duration.count(), p.task_s);
    build_s_.Add(row.duration_s);
    // A build that finished before its cancellation took effect is kept in the cache: if the
    // commit is wanted again, it is not built twice. The loop does not hear of it now.
    if (auto ok = parts_.store.PutBuild(row); !ok) return tl::unexpected(ok.error());
    if (p.cancel_requested) {
      f.cancelled = true;
      return f;
    }
    f.build = std::move(row);
    return f;
  }
  store::RunRow row = p.run_row;
  if (!p.run_result) {
    if (p.cancel_requested) {
      f.cancelled = true;
      return f;
    }
    // A runner that says the run can never start (a scheduler that will not run it) ends the
    // job, as a failed build command does; any other failure is the machine's, retried.
    if (p.run_result.error().kind == ErrorKind::kBadInput)
      return Wrap(p.run_result.error(), "running " + ShortHash(p.commit_id));
    // culprit could not run the reproducer at all: an infrastructure error, never evidence.
    row.status = store::RunStatus::kInfra;
    row.title = p.run_result.error().message;
  } else {
    const run::RunRecord& rec = *p.run_result;
    if (rec.cancelled || p.cancel_requested) {
      f.cancelled = true;
      return f;
    }
    ClassifiedRun cls =
        parts_.target.Classify(rec, ReadBounded(p.run_spec.log_path, config_.max_output_bytes));
    row.status = cls.status;
    row.title = cls.title;
    row.alt_titles = cls.alt_titles;
    row.stage = cls.stage;
    row.truncated = cls.truncated;
    row.expect_matched = cls.expect_matched;
    row.exit_code = rec.exit_code;
    row.signal = rec.signal;
    f.network_isolated = rec.network_isolated;
    row.duration_s = std::max(rec.duration.count(), p.task_s);
    run_s_.Add(row.duration_s);
  }
  std::error_code ec;
  const uintmax_t size = fs::file_size(p.run_spec.log_path, ec);
  if (!ec) output_bytes_ += size;
  if (auto ok = parts_.store.PutRun(row); !ok) return Wrap(ok.error(), "storing a run");
  f.run = std::move(row);
  return f;
}

uint64_t Dispatcher::OutputCap() const {
  constexpr uint64_t kSmallCap = 1 << 20;
  const uint64_t cap = config_.max_output_bytes;
  if (config_.max_job_output_bytes == 0 || output_bytes_ < config_.max_job_output_bytes) return cap;
  return cap == 0 ? kSmallCap : std::min(cap, kSmallCap);
}

decide::InFlight Dispatcher::InFlight() const {
  decide::InFlight f;
  f.build_time = build_s_.Get();
  const double run_s = run_s_.Get();
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [ticket, p] : pending_) {
    if (p->cancel_requested) continue;
    if (p->kind == Finished::Kind::kBuild) {
      f.builds.push_back(p->commit);
      continue;
    }
    const double left = run_s - std::chrono::duration<double>(now - p->started).count();
    if (run_s >= 0 && left >= 0 && (f.first_result_in < 0 || left < f.first_result_in)) {
      f.first_result_in = left;
    }
    auto it = std::find_if(f.runs.begin(), f.runs.end(),
                           [&](const decide::InFlight::Runs& r) { return r.commit == p->commit; });
    if (it == f.runs.end()) {
      f.runs.push_back({p->commit, 1});
    } else {
      ++it->runs;
    }
  }
  return f;
}

int Dispatcher::free_build_slots() const {
  // Without a build nothing is built in a slot: "builds" are tree ids from the store.
  if (!parts_.target.BuildsCommits()) return static_cast<int>(slot_busy_.size());
  int n = 0;
  for (bool busy : slot_busy_) n += busy ? 0 : 1;
  return n;
}

int Dispatcher::runs_in_flight() const {
  int n = 0;
  for (const auto& [ticket, p] : pending_) n += p->kind == Finished::Kind::kRun ? 1 : 0;
  return n;
}

}  // namespace culprit::job
