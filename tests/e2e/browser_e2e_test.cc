// The report and the dashboard as a browser shows them: `culprit demo`'s HTML page and
// `culprit serve` on its state directory, driven by headless Chromium (--dump-dom for the DOM,
// --screenshot for an artifact kept in the build directory). Skips when chromium is missing;
// CI installs it (scripts/install-deps.sh).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "cli_runner.h"
#include "process/subprocess.h"

extern char** environ;

namespace culprit::e2e {
namespace {

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
  return n;
}

std::string Chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

std::filesystem::path Artifacts() {
  std::filesystem::path dir = std::filesystem::path(CULPRIT_BINARY_DIR) / "artifacts";
  std::filesystem::create_directories(dir);
  return dir;
}

// Headless Chromium as root, isolated from the network and any profile; `mode` is
// "--dump-dom" or "--screenshot=FILE". Returns stdout (the DOM for --dump-dom).
std::string RunChromium(const std::string& mode, const std::string& url) {
  ScratchDir profile;
  std::string cmd = Chromium() +
                    " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                    "--disable-background-networking --disable-component-update --disable-sync "
                    "--user-data-dir='" +
                    profile.path().string() + "' --window-size=1280,1600 " + mode + " '" + url +
                    "' 2>/dev/null";
  auto out = profile.path() / "stdout";
  process::SubprocessOptions o{
      .command = cmd, .log_path = out, .timeout = std::chrono::seconds(120)};
  auto rec = process::RunSubprocess(o);
  EXPECT_TRUE(rec && rec->exit_code == 0) << "chromium failed: " << cmd;
  return Slurp(out);
}

// `culprit serve` in the background, stopped with SIGTERM at the end.
class Server {
 public:
  explicit Server(const std::filesystem::path& state) {
    std::string cmd = std::string("exec '") + CULPRIT_BINARY + "' serve --state '" +
                      state.string() + "' --listen 127.0.0.1:0 > '" +
                      (io_.path() / "out").string() + "' 2> '" + (io_.path() / "err").string() +
                      "'";
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
      pid_ = -1;
    // The first line says where it listens.
    std::regex re("at http://127\\.0\\.0\\.1:([0-9]+)/");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::smatch m;
      std::string out = Slurp(io_.path() / "out");
      if (std::regex_search(out, m, re)) port_ = std::stoi(m[1]);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~Server() { (void)Stop(); }
  /// SIGTERM, then the exit status (-1 if it did not exit by itself).
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string err() const { return Slurp(io_.path() / "err"); }

 private:
  ScratchDir io_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// One raw HTTP/1.0 exchange (browsers normalize `..` away; this does not). Returns the status.
int RawRequest(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  (void)!write(fd, request.data(), request.size());
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) reply.append(buf, static_cast<size_t>(n));
  close(fd);
  std::smatch m;
  if (!std::regex_search(reply, m, std::regex("^HTTP/1\\.[01] ([0-9]{3})"))) return -1;
  return std::stoi(m[1]);
}

// `culprit demo` once for the suite: a real bisection of the example repository.
class Browser : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (Chromium().empty()) return;
    dir_ = new ScratchDir;
    CliResult r = RunCulprit({"demo", "--dir", (dir_->path() / "demo").string()});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    *result_ = nlohmann::json::parse(Slurp(dir_->path() / "demo" / "result.json"));
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override {
    if (Chromium().empty())
      GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs chromium)";
    ASSERT_TRUE(result_->is_object()) << "the demo did not run";
  }
  static std::filesystem::path State() { return dir_->path() / "demo" / "state"; }

  // The picture holds one mark per tested commit, the culprit ringed.
  static void ExpectPicture(const std::string& dom) {
    const auto& tested = (*result_)["tested"];
    EXPECT_EQ(Count(dom, "<svg class=\"bisection\""), 1u);
    EXPECT_EQ(Count(dom, "<g class=\"mark tested"), tested.size()) << dom;
    for (const auto& t : tested) {
      EXPECT_NE(dom.find("data-commit=\"" + t["commit"].get<std::string>() + "\" data-verdict=\"" +
                         t["verdict"].get<std::string>() + "\""),
                std::string::npos)
          << t["commit"];
    }
    EXPECT_EQ(Count(dom, "<g class=\"mark culprit\""), 1u);
    EXPECT_NE(dom.find("<g class=\"mark culprit\" data-commit=\"" +
                       (*result_)["commit"].get<std::string>() + "\""),
              std::string::npos);
  }

  static inline ScratchDir* dir_ = nullptr;
  static inline nlohmann::json* result_ = new nlohmann::json;
};

TEST_F(Browser, DemoReportShowsThePicture) {
  const std::string page = "file://" + (State() / "reports" / "job-1.html").string();
  ExpectPicture(RunChromium("--dump-dom", page));
  const auto shot = Artifacts() / "demo-report.png";
  RunChromium("--screenshot=" + shot.string(), page);
  EXPECT_GT(std::filesystem::file_size(shot), 10000u) << "an empty screenshot";
}

TEST_F(Browser, ServeShowsJobsReportsAndLogs) {
  Server server(State());
  ASSERT_GT(server.port(), 0) << server.err();
  const std::string list = RunChromium("--dump-dom", server.url("/"));
  EXPECT_NE(list.find("<a class=\"job-link\" href=\"/jobs/1\">job 1</a>"), std::string::npos)
      << list;
  const std::string page = RunChromium("--dump-dom", server.url("/jobs/1"));
  ExpectPicture(page);
  EXPECT_NE(page.find("href=\"/jobs/1/log\""), std::string::npos);
  const std::string log = RunChromium("--dump-dom", server.url("/jobs/1/log"));
  EXPECT_NE(log.find("bisecting cause commit starting from"), std::string::npos);
  RunChromium("--screenshot=" + (Artifacts() / "serve-job.png").string(), server.url("/jobs/1"));
  // Read-only, and nothing outside the state directory's logs and reports.
  struct {
    const char* request;
    int status;
  } rows[] = {
      {"GET / HTTP/1.0\r\n\r\n", 200},
      {"HEAD /jobs/1 HTTP/1.0\r\n\r\n", 200},
      {"POST /jobs/1 HTTP/1.0\r\nContent-Length: 0\r\n\r\n", 405},
      {"DELETE /jobs/1 HTTP/1.0\r\n\r\n", 405},
      {"GET /files/../culprit.db HTTP/1.0\r\n\r\n", 404},
      {"GET /files/logs/../../../../etc/passwd HTTP/1.0\r\n\r\n", 404},
      {"GET /files/logs/%2e%2e/culprit.db HTTP/1.0\r\n\r\n", 404},
      {"GET /files/culprit.db HTTP/1.0\r\n\r\n", 404},
      {"GET /files/logs/job-1.log HTTP/1.0\r\n\r\n", 200},
  };
  for (const auto& row : rows)
    EXPECT_EQ(RawRequest(server.port(), row.request), row.status) << row.request;
  EXPECT_EQ(server.Stop(), 0) << "SIGTERM stops it cleanly: " << server.err();
}

}  // namespace
}  // namespace culprit::e2e
