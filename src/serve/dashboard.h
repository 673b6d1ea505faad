// The read-only web dashboard over a state directory, as pages: the job list, each job's
// report (a running job's log so far, refreshing itself), its log and JSON, and the run and
// build logs. No HTTP here: server.cc puts these pages behind cpp-httplib.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "store/store.h"

namespace culprit::serve {

struct Page {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::filesystem::path file;  ///< when set, the body is this file's contents (streamed)
};

class Dashboard {
 public:
  /// `state` canonical; `store` opened read-only on it.
  Dashboard(std::filesystem::path state, store::Store& store)
      : state_(std::move(state)), store_(store) {}

  /// The page at `path` (URL path, already %-decoded): "/", "/jobs/N", "/jobs/N/log",
  /// "/jobs/N/json", "/files/REL" (a log or report under the state directory).
  Page Get(std::string_view path);

  /// Seconds after which a running job's page and the list reload themselves.
  static constexpr int kRefreshSeconds = 5;

 private:
  Page JobList();
  Page JobPage(int64_t id);
  Page JobLog(int64_t id);
  Page JobJson(int64_t id);
  Page File(std::string_view relative);

  std::filesystem::path state_;
  store::Store& store_;
};

}  // namespace culprit::serve
