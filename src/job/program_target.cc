// A plain project: the user's build command builds the checkout into $CULPRIT_OUT (or, without
// one, the test runs in a checkout of the commit), the test command runs the reproducer once as
// a sandboxed process, judged by the job's predicate; nothing is added after the end.
#include <sstream>

#include "job/build_inputs.h"
#include "job/run_classifier.h"
#include "job/target.h"

namespace culprit::job {
namespace {

class ProgramTarget final : public Target {
 public:
  // Validate checked --expect; a predicate that does not compile here falls back to crashes.
  explicit ProgramTarget(const JobConfig& config)
      : config_(config), predicate_(RunPredicate::Make(config).value_or(RunPredicate())) {}

  // Without a build command a "build" is a checkout: its recipe names it so, never the empty
  // command of another job.
  std::string BuildRecipe() const override {
    return BuildsCommits() ? config_.build_command : "checkout";
  }
  std::string TestRecipe() const override { return config_.test_command + predicate_.Recipe(); }
  std::string BuildCommand() const override { return config_.build_command; }
  std::string TestCommand() const override { return config_.test_command; }
  bool SandboxesRuns() const override { return true; }

  // Dependency files the compiler left (-MD: in the checkout or beside the artifacts), the
  // build system's files, the files the build command names, and --build-inputs.
  // Without a build command the test reads the checkout itself: no commit can stand for another.
  std::optional<std::vector<std::string>> BuildInputs(const store::BuildRow& build) override {
    if (!BuildsCommits() || build.source_dir.empty()) return std::nullopt;
    const std::filesystem::path root = build.source_dir;
    std::vector<std::string> inputs = config_.build_inputs;
    auto is_dep = [](std::string_view name) { return name.size() > 2 && name.ends_with(".d"); };
    size_t files = CollectInputs(root, is_dep, ParseDepFile, root, root, &inputs);
    if (!build.out_dir.empty())
      files += CollectInputs(build.out_dir, is_dep, ParseDepFile, root, root, &inputs);
    if (files == 0 && config_.build_inputs.empty()) return std::nullopt;
    for (const std::string& p : BuildSystemPatterns()) inputs.push_back(p);
    // "sh build.sh", "./tools/mk": a file of the tree that the command runs.
    std::istringstream words(config_.build_command);
    for (std::string w; words >> w;) {
      w.erase(0, w.find_first_not_of("'\"("));
      while (!w.empty() && std::string_view("'\");&|").find(w.back()) != std::string_view::npos)
        w.pop_back();
      if (w.rfind("./", 0) == 0) w.erase(0, 2);
      std::error_code ec;
      if (!w.empty() && w[0] != '-' && w[0] != '/' &&
          std::filesystem::is_regular_file(root / w, ec))
        inputs.push_back(w);
    }
    return inputs;
  }
  std::string_view SignatureLabel() const override {
    return BuildsCommits() ? "signature" : "tree";
  }
  bool BuildsCommits() const override {
    return config_.build_command.find_first_not_of(" \t\n") != std::string::npos;
  }

  ClassifiedRun Classify(const run::RunRecord& record, std::string_view log) const override {
    return ClassifyRun(record, log, predicate_);
  }

  std::string Symbolize(const store::BuildRow&, const std::string& report) override {
    return report;
  }

  void AddDetails(const store::RunRow&, const store::BuildRow&, history::Repository& repo,
                  report::BisectionResult& r) override {
    AddMaintainerRecipients(repo, r);
  }

  Result<std::unique_ptr<build::Builder>> MakeBuilder(history::Repository&) override {
    return build::MakeCommandBuilder();
  }
  Result<std::unique_ptr<run::Runner>> MakeRunner() override { return run::MakeProcessRunner(); }

 private:
  const JobConfig& config_;
  RunPredicate predicate_;
};

}  // namespace

std::unique_ptr<Target> MakeProgramTarget(const JobConfig& config) {
  return std::make_unique<ProgramTarget>(config);
}

}  // namespace culprit::job
