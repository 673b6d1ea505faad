// `culprit kernel test JOB --commit H`: build and test one kernel commit without bisecting.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "job/run_job.h"
#include "run/disk_image.h"

namespace culprit::cli {
namespace {

struct KernelTestFlags {
  std::string job_file;
  std::string commit = "HEAD";
  std::string state;
  std::string runs;
};

int RunKernelTest(const KernelTestFlags& f, CLI::App* cmd) {
  auto config = job::LoadJobFile(f.job_file);
  if (!config) return ReportError(config.error().message);
  if (!config->kernel)
    return ReportError(f.job_file +
                       " has no [kernel] table (see culprit bisect --help for plain "
                       "jobs)");
  // The job file's checks, through bisect's options of the same names.
  for (const auto& [flag, text] : {std::pair{"--runs", f.runs}, std::pair{"--state", f.state}}) {
    if (cmd->count(flag) == 0) continue;
    if (auto ok = job::ApplyFlag(*config, flag, {text}); !ok)
      return ReportError(ok.error().message);
  }
  report::ProgressLog log = TerminalLog();
  auto status = job::TestOneCommit(*config, f.commit, log);
  log.ClearStatus();
  if (!status) return ReportError(status.error().message);
  return *status;
}

struct KernelImageFlags {
  std::string output;
  std::string busybox = "/bin/busybox";
  std::string dropbear = "/usr/sbin/dropbear";
  int size_mb = 64;
};

int RunKernelImage(const KernelImageFlags& f) {
  auto made = run::MakeDiskImage(
      {.output = f.output, .busybox = f.busybox, .dropbear = f.dropbear, .size_mb = f.size_mb});
  if (!made) return ReportError(made.error().message);
  std::cout << "image: " << f.output << "\nssh key: " << f.output << ".key\n";
  return 0;
}

}  // namespace

void AddKernelCommand(CLI::App& app, int* exit_code) {
  CLI::App* kernel =
      app.add_subcommand("kernel",
                         "Linux kernel jobs: a job file with a [kernel] table (config, reproducer, "
                         "compilers, fix-ups, QEMU settings)");
  kernel->require_subcommand(1);
  auto flags = std::make_shared<KernelTestFlags>();
  CLI::App* test = kernel->add_subcommand(
      "test",
      "Build one commit with the job's kernel config and boot it in QEMU VMs running the "
      "reproducer: the per-commit block of a bisection log, without bisecting");
  test->add_option("job_file", flags->job_file, "the TOML job file")
      ->required()
      ->check(CLI::ExistingFile);
  test->add_option("--commit", flags->commit, "the commit to test (default HEAD)");
  test->add_option("--runs", flags->runs, "VM runs (default: the job's runs)")->type_name("INT");
  test->add_option("--state", flags->state, "state directory (default: the job's)");
  test->callback([flags, test, exit_code] { *exit_code = RunKernelTest(*flags, test); });
  auto image_flags = std::make_shared<KernelImageFlags>();
  CLI::App* image = kernel->add_subcommand(
      "image",
      "Write a small disk image for [kernel] image: an ext4 file system (mke2fs -d, no root "
      "needed) with a static busybox, dropbear as sshd and an init that prints culprit's stage "
      "markers, and OUTPUT.key, the ssh key that logs in as root");
  image->add_option("output", image_flags->output, "the image to write")->required();
  image->add_option("--busybox", image_flags->busybox, "a static busybox (default /bin/busybox)");
  image->add_option("--dropbear", image_flags->dropbear, "the sshd (default /usr/sbin/dropbear)");
  image->add_option("--size-mb", image_flags->size_mb, "the image's size (default 64)");
  image->callback([image_flags, exit_code] { *exit_code = RunKernelImage(*image_flags); });
}

}  // namespace culprit::cli
