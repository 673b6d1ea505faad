// The settings of one bisection job, from flags or a TOML job file, and their stored form.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "decide/engine.h"
#include "run/runner.h"

namespace culprit::job {

/// The compiler for commits that contain release `since` (the rule with the newest such
/// release wins; commits older than every rule get the machine's gcc).
struct CompilerRule {
  std::string since;
  std::string cc;
};

/// Config options to disable for commits older than release `before`.
struct ConfigFixup {
  std::string before;
  std::vector<std::string> disable;
};

/// A fix-up commit (syzbot's backports): commits that contain `guilty` (it broke the build or
/// the boot) but not `fix` are built with `fix` cherry-picked onto them.
struct Backport {
  std::string guilty;
  std::string fix;
};

/// A Linux kernel job: commits are built with the kernel builder and booted under QEMU with
/// the reproducer in an initramfs (the [kernel] table of a job file).
struct KernelSettings {
  std::filesystem::path config;      ///< the .config, brought forward with olddefconfig
  std::filesystem::path reproducer;  ///< static binary or script run as /repro in the VM
  std::filesystem::path busybox = "/bin/busybox";
  std::vector<CompilerRule> compilers;
  std::vector<ConfigFixup> fixups;
  std::vector<Backport> backports;
  std::string arch = "x86_64";  ///< "x86_64" or "arm64" (cross-compiled, qemu-system-aarch64)
  /// A raw disk image with a root file system and sshd: the kernel boots from it (virtio disk)
  /// and the reproducer is copied in and run over ssh. Empty: the initramfs (the default).
  std::optional<std::filesystem::path> image;
  /// The private key that logs in as root on `image`; empty: `image` with ".key" appended.
  std::optional<std::filesystem::path> ssh_key;
  /// Before bisecting, reduce `config` toward `baseline_config` while the bad commit still
  /// shows the target crash, and bisect with the result (at most `minimize_builds` builds).
  bool minimize = false;
  std::optional<std::filesystem::path> baseline_config;
  int minimize_builds = 12;
  int vms = 0;          ///< VMs at once unless JobConfig::jobs is set; 0: automatic
  int memory_mb = 512;  ///< each VM's memory (job file key: vm_memory_mb)
  int cpus = 1;
  std::string cmdline;  ///< appended to the kernel command line
  double boot_timeout_s = 120;
  double run_timeout_s = 300;
};

/// Builds and runs as Slurm jobs (the [slurm] table; used when the executor is "slurm").
struct SlurmSettings {
  std::string partition;  ///< "": the cluster's default partition
  std::string account;
  std::string qos;
  int build_time_limit_min = 0;  ///< Slurm's --time for a build; 0: build_timeout plus a margin
  int run_time_limit_min = 0;    ///< ... for a run; 0: the run's own timeouts plus a margin
  int build_cpus = 1;            ///< --cpus-per-task of a build
  int build_memory_mb = 0;       ///< --mem of a build; 0: the partition's default
  int run_memory_mb = 0;         ///< --mem of a run; 0: a VM's memory plus QEMU's, else the default
  std::vector<std::string> sbatch_options;  ///< passed to sbatch as given
  int builds = 0;  ///< builds in flight; 0: --builders if set, else one per node (at most 4)
  int runs = 0;    ///< runs in flight; 0: --jobs if set, else as many as the CPUs hold
  double start_timeout_s = 1800;  ///< a job still pending this long is an error
  std::string culprit;            ///< culprit's path on the nodes; "": this culprit's path
};
/// What makes a run fail (`--verdict`). kCrash: a crash (a crash report in the output, death
/// by a signal, a hang). kExit: `git bisect run`'s contract on the test's exit status (0
/// passes, 1-127 but 125 fails, 125 cannot test); a crash is still a crash, titled.
enum class Predicate { kCrash, kExit };
/// "crash" | "exit".
std::string_view PredicateName(Predicate predicate);
std::optional<Predicate> ParsePredicateName(std::string_view name);

struct JobConfig {
  std::filesystem::path repo = ".";
  std::string bad;
  std::vector<std::string> good;
  decide::Mode mode = decide::Mode::kCause;
  /// Empty: no build; the test runs in a checkout of the commit, whose tree id is its signature.
  std::string build_command;
  std::string test_command;
  Predicate verdict = Predicate::kCrash;
  /// RE2; set: only a failure whose output matches it is the target (others are other failures).
  std::string expect;
  /// The test's exit status for "infrastructure error"; 0: 126 with kCrash, none with kExit.
  int infra_exit = 0;
  /// A human's verdicts, "REV=good|bad|skip" each, and ranges to skip, "A..B" each.
  std::vector<std::string> marks;
  std::vector<std::string> skip;
  int runs = 10;     ///< runs per commit (the strategy may ask for more or fewer)
  int jobs = 0;      ///< runs (or VMs) at once; 0 = automatic (see EffectiveJobs)
  int builders = 1;  ///< builds at once, each in its own checkout
  run::Network network = run::Network::kLoopback;  ///< what a run's network namespace holds
  /// Files (or globs, or directories ending in '/') the build reads, beyond what dependency
  /// files show; a commit changing none of the build's inputs is not built.
  std::vector<std::string> build_inputs;
  /// git bisect's pathspec: only commits that touch these paths can be the culprit; the
  /// others are not built (given their parent's program), by the user's word.
  std::vector<std::string> paths;
  /// A job stops for infrastructure only after this many runs in a row failed to start...
  int infra_attempts = 50;
  /// ... and the failures went on for this long (whichever comes later). Between attempts
  /// culprit waits, doubling the wait up to a tenth of this (at most a minute).
  double infra_patience_s = 600;
  double timeout_s = 300;  ///< per run
  double build_timeout_s = 3600;
  uint64_t max_output_bytes = 64ull << 20;
  /// Run logs of one job on disk, in all: past it, new runs keep 1 MiB of output each (their
  /// start and their end).
  uint64_t max_job_output_bytes = 4ull << 30;
  /// Address-space limit per run (job file key: run_memory_limit_mb); 0 = none (the default:
  /// sanitizers reserve terabytes of virtual memory, so an RLIMIT_AS would stop every
  /// ASan-built reproducer from starting).
  uint64_t max_memory_bytes = 0;
  std::filesystem::path state_dir = ".culprit";
  std::optional<std::filesystem::path> json_out;
  decide::StrategyKind strategy = decide::StrategyKind::kBayes;
  double confidence = 0.99;
  /// After a found culprit: revert it (fix mode: apply the fix) on the bad commit and run that.
  bool verify = true;
  int max_builds = 0;
  int max_runs = 0;
  double build_cost = 10;
  std::string target_title;  ///< empty: the crash seen on the bad commit
  size_t max_commits = 300000;
  std::optional<KernelSettings> kernel;  ///< set: a kernel job (build/test commands unused)
  std::string executor = "local";        ///< where builds and runs go: "local" or "slurm"
  std::optional<SlurmSettings> slurm;    ///< the [slurm] table
  uint64_t seed = 1;
};

/// Runs at once: `jobs` when set; else, for kernel jobs, `vms` when set, else as many VMs as
/// cores and available memory allow (each VM's memory plus 256 MiB for QEMU itself); else 1.
int EffectiveJobs(const JobConfig& config);

/// The exit status that means "infrastructure error" for `config`: infra_exit, or its default
/// (126 with --verdict crash, -1 = none with --verdict exit).
int InfraExit(const JobConfig& config);

/// A --mark text: the revision and the verdict ("good"/"new", "bad"/"old", "skip").
struct MarkText {
  std::string rev;
  std::string word;
};
Result<MarkText> ParseMark(const std::string& text);
/// A --skip text: "A..B" (B and its ancestors that are not A's).
Result<std::pair<std::string, std::string>> ParseSkipRange(const std::string& text);

/// Checks what flags alone can check (commands present, numbers in range). Names the option.
Result<void> Validate(const JobConfig& config);

/// Reads a TOML job file: the keys of the field table (config_fields.cc), a [kernel] table
/// for kernel jobs. Relative paths of repo and [kernel] config and reproducer are relative to
/// the file. An unknown key, a value of the wrong type or out of range is an error naming the
/// file, the line and the key ("job.toml:7: unknown key 'runz' (did you mean 'runs'?)").
Result<JobConfig> LoadJobFile(const std::filesystem::path& path);

/// The stored form of a job (every field), and back; FromJson names the field it rejects.
std::string ToJson(const JobConfig& config);
Result<JobConfig> FromJson(const std::string& json);

/// The job's settings as key and text, in the field table's order: every field of the
/// question and the others that differ from their default (for the reports).
std::vector<std::pair<std::string, std::string>> Settings(const JobConfig& config);

/// Identifies the question a job answers: same fingerprint = same job (resume it). Made of the
/// fields marked as part of the question, paths made canonical.
std::string Fingerprint(const JobConfig& config);

/// An option of `culprit bisect`, made from a row of the field table.
struct FlagSpec {
  std::string name;       ///< "--runs"
  std::string help;       ///< ends with the default, when there is one worth showing
  std::string type_name;  ///< "INT", "PATH", "cause|fix", ...
  bool repeatable = false;
  /// A flag without a value (a yes/no field): given, it sets the field to the opposite of its
  /// default (--no-verify: verify = false).
  bool is_switch = false;
};
std::vector<FlagSpec> JobFlags();

/// Sets the field behind `flag` from the texts given on the command line (one, or one per
/// occurrence for a repeatable flag), with the job file's checks; errors name the flag.
Result<void> ApplyFlag(JobConfig& config, const std::string& flag,
                       const std::vector<std::string>& texts);

/// For --help: the job file's keys, those without a flag and the [kernel] table explained.
std::string JobFileHelp();

Result<decide::StrategyKind> ParseStrategy(const std::string& name);
Result<decide::Mode> ParseMode(const std::string& name);

}  // namespace culprit::job
