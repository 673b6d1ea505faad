#include "slurm/wire.h"

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace culprit::slurm {
namespace {

using nlohmann::json;
constexpr int kVersion = 1;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

const char* KindName(NodeRequest::Kind kind) {
  switch (kind) {
    case NodeRequest::Kind::kBuild:
      return "build";
    case NodeRequest::Kind::kRun:
      return "run";
    case NodeRequest::Kind::kProbe:
      return "probe";
  }
  return "?";
}

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadInput:
      return "bad-input";
    case ErrorKind::kNotFound:
      return "not-found";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kCorrupt:
      return "corrupt";
    case ErrorKind::kInfra:
      return "infra";
    case ErrorKind::kInterrupted:
      return "interrupted";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

ErrorKind ErrorKindOf(const std::string& name) {
  for (ErrorKind k : {ErrorKind::kBadInput, ErrorKind::kNotFound, ErrorKind::kIo,
                      ErrorKind::kCorrupt, ErrorKind::kInfra, ErrorKind::kInterrupted}) {
    if (name == ErrorKindName(k)) return k;
  }
  return ErrorKind::kInternal;
}

// Reads fields of a JSON object with their types checked; the first failure is kept.
class Reader {
 public:
  Reader(const json& j, std::string what) : j_(j), what_(std::move(what)) {
    if (!j_.is_object()) Bad("", "an object");
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  void Str(const char* key, std::string& out) {
    if (const json* v = Get(key, &json::is_string, "a string")) out = v->get<std::string>();
  }
  void Path(const char* key, std::filesystem::path& out) {
    std::string s;
    Str(key, s);
    out = s;
  }
  void Bool(const char* key, bool& out) {
    if (const json* v = Get(key, &json::is_boolean, "a boolean")) out = v->get<bool>();
  }
  template <class Int>
  void Integer(const char* key, Int& out) {
    if (const json* v = Get(key, &json::is_number_integer, "an integer")) out = v->get<Int>();
  }
  void Number(const char* key, double& out) {
    if (const json* v = Get(key, &json::is_number, "a number")) out = v->get<double>();
  }
  void Env(const char* key, std::map<std::string, std::string>& out) {
    const json* v = Get(key, &json::is_object, "an object");
    if (!v) return;
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (!it.value().is_string()) return Bad(key, "an object of strings");
      out[it.key()] = it.value().get<std::string>();
    }
  }
  const json* Object(const char* key) { return Get(key, &json::is_object, "an object"); }

 private:
  const json* Get(const char* key, bool (json::*is)() const noexcept, const char* type) {
    if (!ok()) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end() || !((*it).*is)()) {
      Bad(key, type);
      return nullptr;
    }
    return &*it;
  }
  void Bad(const char* key, const char* type) {
    if (ok()) error_ = what_ + (*key ? std::string(": '") + key + "'" : "") + " must be " + type;
  }

  json j_;  // a copy: callers pass temporaries
  std::string what_;
  std::string error_;
};

json BuildSpecJson(const build::BuildSpec& s) {
  return {{"command", s.command},
          {"source_dir", s.source_dir.string()},
          {"out_dir", s.out_dir.string()},
          {"log_path", s.log_path.string()},
          {"scratch_dir", s.scratch_dir.string()},
          {"env", s.env},
          {"timeout_s", s.timeout.count()}};
}

json RunSpecJson(const run::RunSpec& s) {
  return {{"command", s.command},
          {"work_dir", s.work_dir.string()},
          {"log_path", s.log_path.string()},
          {"env", s.env},
          {"timeout_s", s.timeout.count()},
          {"max_output_bytes", s.max_output_bytes},
          {"max_memory_bytes", s.max_memory_bytes},
          {"network", std::string(run::NetworkName(s.network))},
          {"max_file_bytes", s.max_file_bytes}};
}

void ReadBuildSpec(Reader& r, build::BuildSpec& s) {
  r.Str("command", s.command);
  r.Path("source_dir", s.source_dir);
  r.Path("out_dir", s.out_dir);
  r.Path("log_path", s.log_path);
  r.Path("scratch_dir", s.scratch_dir);
  r.Env("env", s.env);
  int64_t timeout = 0;
  r.Integer("timeout_s", timeout);
  s.timeout = std::chrono::seconds(timeout);
}

void ReadRunSpec(Reader& r, run::RunSpec& s) {
  r.Str("command", s.command);
  r.Path("work_dir", s.work_dir);
  r.Path("log_path", s.log_path);
  r.Env("env", s.env);
  double timeout = 0;
  r.Number("timeout_s", timeout);
  s.timeout = std::chrono::duration<double>(timeout);
  r.Integer("max_output_bytes", s.max_output_bytes);
  r.Integer("max_memory_bytes", s.max_memory_bytes);
  std::string network = std::string(run::NetworkName(s.network));
  r.Str("network", network);
  if (auto n = run::ParseNetworkName(network)) s.network = *n;
  r.Integer("max_file_bytes", s.max_file_bytes);
}

}  // namespace

std::string RequestToJson(const NodeRequest& q) {
  json j = {{"version", kVersion},
            {"kind", KindName(q.kind)},
            {"nonce", q.nonce},
            {"config", q.config_json},
            {"state_dir", q.state_dir.string()},
            {"result", q.result.string()}};
  if (q.kind == NodeRequest::Kind::kBuild) j["build"] = BuildSpecJson(q.build);
  if (q.kind == NodeRequest::Kind::kRun) j["run"] = RunSpecJson(q.run);
  return Dump(j);
}

Result<NodeRequest> ParseRequest(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Fail(ErrorKind::kCorrupt, "request: not valid JSON");
  Reader r(j, "request");
  int version = 0;
  std::string kind;
  NodeRequest q;
  r.Integer("version", version);
  r.Str("kind", kind);
  r.Str("nonce", q.nonce);
  r.Str("config", q.config_json);
  r.Path("state_dir", q.state_dir);
  r.Path("result", q.result);
  if (!r.ok()) return Fail(ErrorKind::kCorrupt, r.error());
  if (version != kVersion)
    return Fail(ErrorKind::kCorrupt, "request of version " + std::to_string(version) +
                                         " (this culprit reads " + std::to_string(kVersion) +
                                         "): the nodes run another culprit than the submitter");
  if (kind == "build") {
    q.kind = NodeRequest::Kind::kBuild;
    if (const json* b = r.Object("build")) {
      Reader rb(*b, "request: build");
      ReadBuildSpec(rb, q.build);
      if (!rb.ok()) return Fail(ErrorKind::kCorrupt, rb.error());
    }
  } else if (kind == "run") {
    q.kind = NodeRequest::Kind::kRun;
    if (const json* b = r.Object("run")) {
      Reader rr(*b, "request: run");
      ReadRunSpec(rr, q.run);
      if (!rr.ok()) return Fail(ErrorKind::kCorrupt, rr.error());
    }
  } else if (kind == "probe") {
    q.kind = NodeRequest::Kind::kProbe;
  } else {
    return Fail(ErrorKind::kCorrupt, "request: unknown kind '" + kind + "'");
  }
  if (!r.ok()) return Fail(ErrorKind::kCorrupt, r.error());
  return q;
}

std::string ResultToJson(const NodeResult& res, NodeRequest::Kind kind) {
  json j = {
      {"version", kVersion}, {"kind", KindName(kind)}, {"nonce", res.nonce}, {"host", res.host}};
  if (res.error) {
    j["error"] = {{"kind", ErrorKindName(res.error->kind)}, {"message", res.error->message}};
  } else if (kind == NodeRequest::Kind::kBuild) {
    const build::BuildRecord& b = res.build;
    j["build"] = {{"ok", b.ok},
                  {"exit_code", b.exit_code},
                  {"timed_out", b.timed_out},
                  {"cancelled", b.cancelled},
                  {"signature", b.signature},
                  {"compiler", b.compiler},
                  {"duration_s", b.duration.count()}};
  } else if (kind == NodeRequest::Kind::kRun) {
    const run::RunRecord& r = res.run;
    j["run"] = {{"exit_code", r.exit_code},
                {"signal", r.signal},
                {"timed_out", r.timed_out},
                {"output_truncated", r.output_truncated},
                {"network_isolated", r.network_isolated},
                {"loopback_up", r.loopback_up},
                {"cancelled", r.cancelled},
                {"stage", RunStageName(r.stage)},
                {"duration_s", r.duration.count()}};
  }
  return Dump(j);
}

Result<NodeResult> ParseResult(std::string_view text, const NodeRequest& q) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Fail(ErrorKind::kInfra, "the node's result is not valid JSON");
  Reader r(j, "the node's result");
  NodeResult res;
  int version = 0;
  std::string kind;
  r.Integer("version", version);
  r.Str("kind", kind);
  r.Str("nonce", res.nonce);
  r.Str("host", res.host);
  if (!r.ok()) return Fail(ErrorKind::kInfra, r.error());
  if (version != kVersion || kind != KindName(q.kind))
    return Fail(ErrorKind::kInfra, "the node's result answers another request (version " +
                                       std::to_string(version) + ", kind '" + kind + "')");
  if (res.nonce != q.nonce)
    return Fail(ErrorKind::kInfra, "the node's result is stale (its nonce is not the request's)");
  if (j.contains("error")) {
    const json* e = r.Object("error");
    Reader re(e ? *e : json(), "the node's error");
    std::string ekind, message;
    re.Str("kind", ekind);
    re.Str("message", message);
    if (!re.ok()) return Fail(ErrorKind::kInfra, re.error());
    res.error = Error{ErrorKindOf(ekind), message};
    return res;
  }
  if (q.kind == NodeRequest::Kind::kBuild) {
    const json* b = r.Object("build");
    if (!b) return Fail(ErrorKind::kInfra, r.error());
    Reader rb(b ? *b : json(), "the node's build");
    double duration = 0;
    rb.Bool("ok", res.build.ok);
    rb.Integer("exit_code", res.build.exit_code);
    rb.Bool("timed_out", res.build.timed_out);
    rb.Bool("cancelled", res.build.cancelled);
    rb.Str("signature", res.build.signature);
    rb.Str("compiler", res.build.compiler);
    rb.Number("duration_s", duration);
    res.build.duration = std::chrono::duration<double>(duration);
    if (!rb.ok()) return Fail(ErrorKind::kInfra, rb.error());
    if (res.build.ok &&
        (res.build.signature.size() != 64 ||
         res.build.signature.find_first_not_of("0123456789abcdef") != std::string::npos))
      return Fail(ErrorKind::kInfra, "the node's build has no valid signature");
  } else if (q.kind == NodeRequest::Kind::kRun) {
    const json* b = r.Object("run");
    if (!b) return Fail(ErrorKind::kInfra, r.error());
    Reader rr(b ? *b : json(), "the node's run");
    double duration = 0;
    std::string stage;
    rr.Integer("exit_code", res.run.exit_code);
    rr.Integer("signal", res.run.signal);
    rr.Bool("timed_out", res.run.timed_out);
    rr.Bool("output_truncated", res.run.output_truncated);
    rr.Bool("network_isolated", res.run.network_isolated);
    rr.Bool("loopback_up", res.run.loopback_up);
    rr.Bool("cancelled", res.run.cancelled);
    rr.Str("stage", stage);
    rr.Number("duration_s", duration);
    res.run.duration = std::chrono::duration<double>(duration);
    res.run.stage = ParseRunStage(stage);
    if (!rr.ok()) return Fail(ErrorKind::kInfra, rr.error());
    if (!stage.empty() && res.run.stage == RunStage::kNone)
      return Fail(ErrorKind::kInfra, "the node's run has an unknown stage '" + stage + "'");
  }
  return res;
}

Result<void> WriteFileAtomically(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) return Fail(ErrorKind::kIo, "cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Fail(ErrorKind::kIo, "cannot write " + path.string() + ": " + ec.message());
  return {};
}

}  // namespace culprit::slurm
