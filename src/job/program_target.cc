// A plain project: the user's build command builds the checkout into $CULPRIT_OUT, the test
// command runs the reproducer once as a sandboxed process; nothing is added after the end.
#include "job/run_classifier.h"
#include "job/target.h"

namespace culprit::job {
namespace {

class ProgramTarget final : public Target {
 public:
  explicit ProgramTarget(const JobConfig& config) : config_(config) {}

  std::string BuildRecipe() const override { return config_.build_command; }
  std::string TestRecipe() const override { return config_.test_command; }
  std::string BuildCommand() const override { return config_.build_command; }
  std::string TestCommand() const override { return config_.test_command; }
  std::string_view SignatureLabel() const override { return "signature"; }

  ClassifiedRun Classify(const run::RunRecord& record, std::string_view log) const override {
    return ClassifyRun(record, log);
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
};

}  // namespace

std::unique_ptr<Target> MakeProgramTarget(const JobConfig& config) {
  return std::make_unique<ProgramTarget>(config);
}

}  // namespace culprit::job
