#include "run/vm_ssh.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "process/subprocess.h"
#include "run/initramfs.h"

namespace culprit::run {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One ssh command; true when it exited 0. Its output goes to `log`.
bool Ssh(const VmRunSpec& spec, const std::string& remote, const std::string& input,
         std::chrono::duration<double> timeout, std::stop_token stop, const fs::path& log) {
  process::SubprocessOptions o{.log_path = log, .timeout = timeout, .stop = stop};
  if (input.empty()) {
    o.argv = SshArgv(spec, remote);
  } else {
    std::string command;
    for (const std::string& a : SshArgv(spec, remote)) command += "'" + a + "' ";
    o.command = command + "< '" + input + "'";
  }
  auto r = process::RunSubprocess(o);
  return r && r->exit_code == 0 && !r->cancelled;
}

}  // namespace

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool RunReproducerOverSsh(const VmRunSpec& spec, Clock::time_point deadline, std::stop_token stop,
                          std::string* error) {
  const fs::path log = spec.log_path.string() + ".ssh.log";
  bool up = false;
  while (!up && !stop.stop_requested() && Clock::now() < deadline) {
    up = Ssh(spec, "true", "", std::chrono::seconds(15), stop, log);
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (!up) {
    *error = "ssh to the VM never answered (see " + log.string() + ")";
    return false;
  }
  if (!Ssh(spec, "cat > /repro && chmod +x /repro", spec.reproducer.string(),
           std::chrono::seconds(60), stop, log)) {
    *error = "copying the reproducer into the VM failed (see " + log.string() + ")";
    return false;
  }
  const std::string run = "echo '" + std::string(kReproducerStartedMarker) +
                          "' > /dev/console; /repro > /dev/console 2>&1; echo \"" +
                          std::string(kReproducerFinishedMarker) +
                          ": exit status $?\" > /dev/console";
  Ssh(spec, run, "", spec.run_timeout + std::chrono::seconds(10), stop, log);
  return true;
}

}  // namespace culprit::run
