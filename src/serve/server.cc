#include "serve/server.h"

#include <httplib.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <fstream>
#include <memory>

#include "serve/dashboard.h"
#include "store/store.h"

namespace culprit::serve {
namespace {

std::atomic<httplib::Server*> g_server{nullptr};

void StopOnSignal(int) {
  if (httplib::Server* s = g_server.load()) s->stop();
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Streams a file in chunks, so that a 64 MiB run log never sits in memory whole.
void SendFile(const std::filesystem::path& path, const std::string& type, httplib::Response& res) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (ec || !*in) {
    res.status = 404;
    res.set_content("not found\n", "text/plain; charset=utf-8");
    return;
  }
  res.set_content_provider(
      static_cast<size_t>(size), type, [in](size_t offset, size_t length, httplib::DataSink& sink) {
        char buf[65536];
        in->seekg(static_cast<std::streamoff>(offset));
        in->read(buf, static_cast<std::streamsize>(std::min(length, sizeof buf)));
        if (in->gcount() <= 0) return false;
        sink.write(buf, static_cast<size_t>(in->gcount()));
        return true;
      });
}

}  // namespace

Result<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  std::string host = "127.0.0.1", port_text = listen;
  if (!listen.empty() && listen.front() == '[') {
    size_t close = listen.find("]:");
    if (close == std::string::npos)
      return Fail(ErrorKind::kBadInput, "--listen " + listen + ": expected [ADDRESS]:PORT");
    host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else if (size_t colon = listen.rfind(':'); colon != std::string::npos) {
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
  }
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535)
    return Fail(ErrorKind::kBadInput,
                "--listen " + listen + ": expected HOST:PORT, e.g. 127.0.0.1:8080");
  return std::pair{host, port};
}

Result<void> Serve(const ServeOptions& o, std::ostream& out) {
  auto address = ParseListen(o.listen);
  if (!address) return tl::unexpected(address.error());
  auto store = store::Store::Open(o.state_dir, store::OpenMode::kReadOnly);
  if (!store) return tl::unexpected(store.error());
  std::error_code ec;
  const std::filesystem::path state = std::filesystem::canonical(o.state_dir, ec);
  if (ec)
    return Fail(ErrorKind::kIo, "cannot resolve " + o.state_dir.string() + ": " + ec.message());
  Dashboard dashboard(state, **store);

  httplib::Server server;
  // Read-only: anything but GET and HEAD is refused before routing.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD")
      return httplib::Server::HandlerResponse::Unhandled;
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("culprit serve is read-only: GET and HEAD only\n", "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_default_headers(
      {{"X-Content-Type-Options", "nosniff"},
       {"Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"},
       {"Cache-Control", "no-store"}});
  server.Get(".*", [&dashboard](const httplib::Request& req, httplib::Response& res) {
    Page page = dashboard.Get(req.path);
    res.status = page.status;
    if (!page.file.empty())
      SendFile(page.file, page.content_type, res);
    else
      res.set_content(page.body, page.content_type);
  });

  const auto& [host, port] = *address;
  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0)
    return Fail(ErrorKind::kIo, "cannot listen on " + o.listen +
                                    " (in use? pass --listen with another port, e.g. "
                                    "127.0.0.1:0 for any free one)");
  if (!IsLoopback(host))
    out << "warning: serving on " << host
        << ", not a loopback address: anyone who can reach it can read the logs\n";
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out << "serving " << state.string() << " at http://" << shown_host << ":" << bound << "/"
      << std::endl;
  g_server = &server;
  struct sigaction sa {};
  sa.sa_handler = StopOnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  const bool ok = server.listen_after_bind();
  g_server = nullptr;
  if (!ok) return Fail(ErrorKind::kIo, "serving on " + o.listen + " failed");
  return {};
}

}  // namespace culprit::serve
