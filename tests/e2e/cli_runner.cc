#include "cli_runner.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "process/subprocess.h"

namespace culprit::e2e {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ScratchDir::ScratchDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "culprit-e2e-XXXXXX").string();
  path_ = mkdtemp(tmpl.data());
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

CliResult RunCulprit(const std::vector<std::string>& args, const std::filesystem::path& json,
                     double kill_after_s, const std::string& kill_signal) {
  ScratchDir io;
  std::string cmd = kill_after_s > 0
                        ? "exec timeout " +
                              std::string(kill_signal == "KILL" ? "" : "--preserve-status ") +
                              "-s " + kill_signal + " " + std::to_string(kill_after_s) + " "
                        : "exec ";
  cmd += Quote(CULPRIT_BINARY);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2> " + Quote((io.path() / "err").string());
  process::SubprocessOptions o{
      .command = cmd, .log_path = io.path() / "out", .timeout = std::chrono::seconds(300)};
  CliResult r;
  auto rec = process::RunSubprocess(o);
  if (!rec) {
    r.err = rec.error().message;
    return r;
  }
  r.exit_code = rec->exit_code;
  r.signal = rec->signal;
  r.out = Slurp(io.path() / "out");
  r.err = Slurp(io.path() / "err");
  // `timeout -s KILL` reports the kill as exit 137.
  if (kill_after_s > 0 && kill_signal == "KILL" && r.exit_code == 137) r.signal = 9;
  if (!json.empty() && std::filesystem::exists(json))
    r.json = nlohmann::json::parse(Slurp(json), nullptr, false);
  return r;
}

std::string BuildCommand(const std::filesystem::path& counter) {
  std::string cmd;
  if (!counter.empty()) cmd += "echo \"$CULPRIT_COMMIT\" >> " + Quote(counter.string()) + "; ";
  cmd += "test ! -f broken && cp bug code.txt \"$CULPRIT_OUT/\"";
  return cmd;
}

std::string TestCommand(int every, const std::filesystem::path& counter, double sleep_s) {
  std::string cmd;
  if (!counter.empty()) cmd += "echo \"$CULPRIT_RUN\" >> " + Quote(counter.string()) + "; ";
  if (sleep_s > 0) cmd += "sleep " + std::to_string(sleep_s) + "; ";
  cmd += "if [ \"$(cat \"$CULPRIT_OUT/bug\")\" = 1 ]";
  if (every > 1) cmd += " && [ $((CULPRIT_RUN % " + std::to_string(every) + ")) = 0 ]";
  cmd +=
      "; then printf '%s\\n' "
      "'==17==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
      "0x55d4c1a2b3c4 bp 0x7ffd5d0 sp 0x7ffd5c8' "
      "'READ of size 4 at 0x602000000010 thread T0' "
      "'    #0 0x55d4c1a2b3c4 in planted_bug /src/bug.c:12:5' "
      "'    #1 0x55d4c1a2b3c4 in main /src/main.c:30:3' "
      "'SUMMARY: AddressSanitizer: heap-use-after-free /src/bug.c:12:5 in planted_bug'; "
      "exit 1; fi; echo ok";
  return cmd;
}

std::string CodeCommit(history::TestRepo& repo, int n) {
  return repo.Commit(
      "code: change " + std::to_string(n) + "\n\nSigned-off-by: Dev One <dev1@example.org>\n",
      {{"code.txt", "version " + std::to_string(n) + "\n"}});
}

std::string DocCommit(history::TestRepo& repo, int n) {
  return repo.Commit("docs: note " + std::to_string(n) + "\n",
                     {{"docs.txt", "note " + std::to_string(n) + "\n"}});
}

std::string StackFileCommit(history::TestRepo& repo, int n) {
  return repo.Commit("bug.c: tidy " + std::to_string(n) + "\n",
                     {{"src/bug.c", "int tidy = " + std::to_string(n) + ";\n"}});
}

std::string BugCommit(history::TestRepo& repo, bool present) {
  if (present)
    return repo.Commit(
        "bug: plant the use-after-free\n\nSigned-off-by: Bug Author <Bug@Example.org>\n"
        "Reviewed-by: Rev Iewer <rev@example.org>\nCc: Not Me <cc@example.org>\n",
        {{"bug", "1\n"}});
  return repo.Commit("bug: fix the use-after-free\n\nSigned-off-by: Fixer <fix@example.org>\n",
                     {{"bug", "0\n"}});
}

int CountLines(const std::filesystem::path& file) {
  std::ifstream in(file);
  int n = 0;
  std::string line;
  while (std::getline(in, line)) n++;
  return n;
}

PlantedRepo::PlantedRepo() {
  good = repo.Commit("init\n", {{"bug", "0\n"}, {"code.txt", "0\n"}});
  for (int i = 1; i <= 12; ++i) {
    if (i == 7) {
      planted = BugCommit(repo, true);
    } else {
      CodeCommit(repo, i);
    }
  }
}

std::vector<std::string> BisectArgs(const PlantedRepo& r, const ScratchDir& dir,
                                    const std::string& build, const std::string& test) {
  return {"bisect",
          "--repo",
          r.repo.path().string(),
          "--bad",
          "HEAD",
          "--good",
          r.good,
          "--build",
          build,
          "--test",
          test,
          "--state",
          (dir.path() / "state").string(),
          "--json",
          (dir.path() / "result.json").string()};
}

}  // namespace culprit::e2e
