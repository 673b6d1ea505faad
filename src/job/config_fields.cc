// The rows of the field tables. The key is the job file's (and the stored JSON's); the flag,
// when there is one, is `culprit bisect`'s; the help is shown by --help (flags, then the keys
// without a flag). Keep the order: it is the order of --help.
#include "job/config_fields.h"

namespace culprit::job {

namespace {

const Field<CompilerRule> kCompilerFields[] = {
    {.key = "since",
     .member = &CompilerRule::since,
     .help = "a release tag: commits that contain it (and no newer rule's) use `cc`",
     .question = true,
     .required = true},
    {.key = "cc",
     .member = &CompilerRule::cc,
     .help = "the compiler, e.g. gcc-12",
     .question = true,
     .required = true},
};

const Field<ConfigFixup> kFixupFields[] = {
    {.key = "before",
     .member = &ConfigFixup::before,
     .help = "a release tag: commits older than it get the options disabled",
     .question = true,
     .required = true},
    {.key = "disable",
     .member = &ConfigFixup::disable,
     .help = "config options to disable, e.g. [\"CONFIG_KCSAN\"]",
     .question = true,
     .required = true},
};

const Field<KernelSettings> kKernelFields[] = {
    {.key = "config",
     .member = &KernelSettings::config,
     .help = "the kernel .config, brought forward with make olddefconfig per commit",
     .question = true,
     .from_job_file_dir = true,
     .required = true},
    {.key = "reproducer",
     .member = &KernelSettings::reproducer,
     .help = "static binary or script, run as /repro in a busybox initramfs",
     .question = true,
     .from_job_file_dir = true,
     .required = true},
    {.key = "busybox",
     .member = &KernelSettings::busybox,
     .help = "the static busybox of the initramfs",
     .question = true},
    {.key = "compilers",
     .member = &KernelSettings::compilers,
     .help = "[{since, cc}]: the compiler by the newest release a commit contains",
     .question = true},
    {.key = "fixups",
     .member = &KernelSettings::fixups,
     .help = "[{before, disable}]: config options disabled for commits older than a release",
     .question = true},
    {.key = "vms",
     .member = &KernelSettings::vms,
     .help = "VMs at once when --jobs is not given; 0: as many as cores and memory allow",
     .range = {.min = 0}},
    {.key = "vm_memory_mb",
     .member = &KernelSettings::memory_mb,
     .help = "memory of each VM, in MiB",
     .range = {.min = 64},
     .question = true},
    {.key = "memory_mb",
     .retired = "'memory_mb' is no longer read in [kernel]: write 'vm_memory_mb' (the memory "
                "of each VM, in MiB)"},
    {.key = "cpus",
     .member = &KernelSettings::cpus,
     .help = "CPUs of each VM",
     .range = {.min = 1},
     .question = true},
    {.key = "cmdline",
     .member = &KernelSettings::cmdline,
     .help = "appended to console=ttyS0 oops=panic panic_on_warn=1 ...",
     .question = true},
    {.key = "boot_timeout",
     .member = &KernelSettings::boot_timeout_s,
     .help = "seconds for a VM to boot",
     .range = {.min = 0, .min_open = true},
     .question = true},
    {.key = "run_timeout",
     .member = &KernelSettings::run_timeout_s,
     .help = "seconds for the reproducer to run once booted",
     .range = {.min = 0, .min_open = true},
     .question = true},
};

const Field<SlurmSettings> kSlurmFields[] = {
    {.key = "partition",
     .member = &SlurmSettings::partition,
     .help = "the partition builds and runs go to",
     .shown_default = "the cluster's default"},
    {.key = "account", .member = &SlurmSettings::account, .help = "--account of every job"},
    {.key = "qos", .member = &SlurmSettings::qos, .help = "--qos of every job"},
    {.key = "build_time_limit_min",
     .member = &SlurmSettings::build_time_limit_min,
     .help = "Slurm's time limit of a build, in minutes; 0: build_timeout plus a margin",
     .range = {.min = 0}},
    {.key = "run_time_limit_min",
     .member = &SlurmSettings::run_time_limit_min,
     .help = "Slurm's time limit of a run, in minutes; 0: the run's timeouts plus a margin",
     .range = {.min = 0}},
    {.key = "build_cpus",
     .member = &SlurmSettings::build_cpus,
     .help = "CPUs of a build job",
     .range = {.min = 1}},
    {.key = "build_memory_mb",
     .member = &SlurmSettings::build_memory_mb,
     .help = "memory of a build job, in MiB; 0: the partition's default",
     .range = {.min = 0}},
    {.key = "run_memory_mb",
     .member = &SlurmSettings::run_memory_mb,
     .help = "memory of a run job, in MiB; 0: a VM's memory plus 256 for QEMU (kernels), "
             "run_memory_limit_mb plus 64 when set, else the partition's default",
     .range = {.min = 0}},
    {.key = "sbatch_options",
     .member = &SlurmSettings::sbatch_options,
     .help = "more sbatch options for every job, e.g. [\"--constraint=kvm\"]"},
    {.key = "builds",
     .member = &SlurmSettings::builds,
     .help = "builds in flight; 0: --builders when not 1, else one per node (at most 4)",
     .range = {.min = 0}},
    {.key = "runs",
     .member = &SlurmSettings::runs,
     .help = "runs in flight; 0: --jobs when set, else as many as the partition's CPUs (and "
             "memory) hold",
     .range = {.min = 0}},
    {.key = "start_timeout",
     .member = &SlurmSettings::start_timeout_s,
     .help = "seconds a job may stay pending before culprit cancels it and stops",
     .range = {.min = 0, .min_open = true}},
    {.key = "culprit",
     .member = &SlurmSettings::culprit,
     .help = "culprit's path on the nodes",
     .shown_default = "this culprit's path"},
};

const Field<JobConfig> kJobFields[] = {
    {.key = "repo",
     .member = &JobConfig::repo,
     .help = "the git repository",
     .flag = "--repo",
     .question = true,
     .from_job_file_dir = true,
     .shown_default = "the current directory"},
    {.key = "bad",
     .member = &JobConfig::bad,
     .help = "a commit where the crash happens (e.g. HEAD)",
     .flag = "--bad",
     .question = true},
    {.key = "good",
     .member = &JobConfig::good,
     .help = "a commit without the crash (repeatable; in a job file a string or an array); "
             "cause mode without it searches release tags for one; fix mode defaults it to HEAD",
     .flag = "--good",
     .question = true},
    {.key = "mode",
     .member = &JobConfig::mode,
     .help = "cause: the first bad commit; fix: the first fixed one",
     .flag = "--mode",
     .question = true},
    {.key = "build",
     .member = &JobConfig::build_command,
     .help = "shell command that builds the checkout; gets CULPRIT_COMMIT and CULPRIT_OUT "
             "(an empty directory for the artifacts); exit 0 = built",
     .flag = "--build",
     .question = true},
    {.key = "test",
     .member = &JobConfig::test_command,
     .help = "shell command that runs the reproducer once; gets CULPRIT_COMMIT, CULPRIT_OUT, "
             "CULPRIT_RUN; its output is the console log; exit 125 = untestable, 126 = "
             "infrastructure error",
     .flag = "--test",
     .question = true},
    {.key = "runs",
     .member = &JobConfig::runs,
     .help = "git: runs per tested commit; syzbot: runs per commit, twice as many on the bad "
             "commit and once the crash is seen flaky (as syzbot does); bayes: unused, it "
             "decides each commit's runs (bounded by --max-runs). Kernel jobs: VM boots",
     .flag = "--runs",
     .range = {.min = 1}},
    {.key = "jobs",
     .member = &JobConfig::jobs,
     .help = "runs at once (VMs for kernel jobs); 0: one run, or for kernel jobs [kernel] vms "
             "when set, else as many VMs as cores and memory allow",
     .flag = "--jobs",
     .range = {.min = 0},
     .shown_default = "automatic"},
    {.key = "builders",
     .member = &JobConfig::builders,
     .help = "builds at once, each in its own checkout (kernels: each with its object "
             "directory)",
     .flag = "--builders",
     .range = {.min = 1}},
    {.key = "infra_attempts",
     .member = &JobConfig::infra_attempts,
     .help = "a job stops for infrastructure errors only after this many runs in a row failed "
             "to start...",
     .flag = "--infra-attempts",
     .range = {.min = 1}},
    {.key = "infra_patience",
     .member = &JobConfig::infra_patience_s,
     .help = "...and they went on failing for this many seconds (whichever comes later)",
     .flag = "--infra-patience",
     .range = {.min = 0}},
    {.key = "build_inputs",
     .member = &JobConfig::build_inputs,
     .help = "files the build reads that its dependency files do not show (paths, globs, or "
             "directories ending in '/'): a commit that changes none of the build's inputs is "
             "given its parent's program without a build",
     .flag = "--build-inputs"},
    {.key = "paths",
     .member = &JobConfig::paths,
     .help = "as git bisect -- PATHS: only commits that touch these paths (or globs, or "
             "directories ending in '/') can be the culprit; the others are not built",
     .flag = "--paths",
     .question = true},
    {.key = "network",
     .member = &JobConfig::network,
     .help = "what a run's network holds: loopback (a private namespace where 127.0.0.1 "
             "works and nothing leaves the machine), none (not even loopback) or host",
     .flag = "--network"},
    {.key = "timeout",
     .member = &JobConfig::timeout_s,
     .help = "seconds before a run is killed",
     .flag = "--timeout",
     .range = {.min = 0, .min_open = true}},
    {.key = "build_timeout",
     .member = &JobConfig::build_timeout_s,
     .help = "seconds before a build is killed",
     .range = {.min = 0, .min_open = true}},
    {.key = "max_output_bytes",
     .member = &JobConfig::max_output_bytes,
     .help = "bytes of a run's output kept in its log (its start and its end, the middle cut "
             "with a marker); 0: no cap",
     .range = {.min = 0}},
    {.key = "max_job_output_bytes",
     .member = &JobConfig::max_job_output_bytes,
     .help = "bytes of run logs one job keeps on disk; past it, new runs keep 1 MiB each",
     .range = {.min = 0}},
    {.key = "run_memory_limit_mb",
     .member = &JobConfig::max_memory_bytes,
     .help = "address-space limit per run, in MiB; 0: none, as sanitizer builds need",
     .flag = "--memory",
     .range = {.min = 0},
     .unit = 1 << 20,
     .shown_default = "none"},
    {.key = "memory_mb",
     .retired = "'memory_mb' is no longer read: write 'run_memory_limit_mb' (the address-space "
                "limit per run, in MiB), or 'vm_memory_mb' under [kernel] (the memory of each "
                "VM)"},
    {.key = "state",
     .member = &JobConfig::state_dir,
     .help = "state directory: database, builds, run logs",
     .flag = "--state"},
    {.key = "json",
     .member = &JobConfig::json_out,
     .help = "also write the result as JSON to this file",
     .flag = "--json"},
    {.key = "strategy",
     .member = &JobConfig::strategy,
     .help = "how the next test is chosen",
     .flag = "--strategy",
     .question = true},
    {.key = "confidence",
     .member = &JobConfig::confidence,
     .help = "bayes: stop when the culprit is this likely",
     .flag = "--confidence",
     .range = {.min = 0.5, .max = 1, .min_open = true, .max_open = true}},
    {.key = "max_builds",
     .member = &JobConfig::max_builds,
     .help = "budget of builds; 0: none",
     .flag = "--max-builds",
     .range = {.min = 0}},
    {.key = "max_runs",
     .member = &JobConfig::max_runs,
     .help = "budget of runs; 0: none",
     .flag = "--max-runs",
     .range = {.min = 0}},
    {.key = "build_cost",
     .member = &JobConfig::build_cost,
     .help = "bayes: what a build costs, in runs",
     .range = {.min = 0}},
    {.key = "title",
     .member = &JobConfig::target_title,
     .help = "the crash to bisect",
     .flag = "--title",
     .question = true,
     .shown_default = "the one seen on the bad commit"},
    {.key = "max_commits",
     .member = &JobConfig::max_commits,
     .help = "the most commits a range may hold",
     .range = {.min = 1}},
    {.key = "seed",
     .member = &JobConfig::seed,
     .help = "seed of the strategy's random choices",
     .range = {.min = 0}},
    {.key = "kernel",
     .member = &JobConfig::kernel,
     .help = "a Linux kernel job: commits are built with the kernel builder and booted under QEMU "
             "(build and test are then unused)",
     .question = true},
    {.key = "executor",
     .member = &JobConfig::executor,
     .help = "where builds and runs go: local (this machine) or slurm (Slurm jobs, tuned by "
             "the [slurm] table)",
     .flag = "--executor"},
    {.key = "slurm",
     .member = &JobConfig::slurm,
     .help = "Slurm settings, used with executor = \"slurm\" (README: on a cluster)"},
};

}  // namespace

template <>
std::span<const Field<JobConfig>> FieldsOf<JobConfig>() {
  return kJobFields;
}
template <>
std::span<const Field<KernelSettings>> FieldsOf<KernelSettings>() {
  return kKernelFields;
}
template <>
std::span<const Field<CompilerRule>> FieldsOf<CompilerRule>() {
  return kCompilerFields;
}
template <>
std::span<const Field<ConfigFixup>> FieldsOf<ConfigFixup>() {
  return kFixupFields;
}
template <>
std::span<const Field<SlurmSettings>> FieldsOf<SlurmSettings>() {
  return kSlurmFields;
}

}  // namespace culprit::job
