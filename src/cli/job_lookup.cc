#include "cli/job_lookup.h"

#include <charconv>

#include "base/strings.h"

namespace culprit::cli {
namespace {

Result<int64_t> ParseJobId(const std::string& arg) {
  std::string_view digits = arg;
  if (StartsWith(digits, "job-")) digits.remove_prefix(4);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0)
    return Fail(ErrorKind::kBadInput,
                "'" + arg + "' is not a job number (culprit list shows them, e.g. 3)");
  return id;
}

}  // namespace

Result<OpenedJob> OpenJob(const std::string& state, const std::string& job_arg,
                          bool unfinished_only) {
  auto store = store::Store::Open(state, store::OpenMode::kExisting);
  if (!store) return tl::unexpected(store.error());
  const std::string list_hint = " (list them with: culprit list --state " + state + ")";
  Result<std::optional<store::JobRecord>> job = std::optional<store::JobRecord>();
  if (!job_arg.empty()) {
    auto id = ParseJobId(job_arg);
    if (!id) return tl::unexpected(id.error());
    job = (*store)->Job(*id);
    if (job && !*job)
      return Fail(ErrorKind::kNotFound,
                  "no job " + std::to_string(*id) + " in " + state + list_hint);
  } else if (unfinished_only) {
    job = (*store)->UnfinishedJob();
    if (job && !*job)
      return Fail(ErrorKind::kNotFound, "no unfinished job in " + state + list_hint);
  } else {
    job = (*store)->LatestJob();
    if (job && !*job)
      return Fail(ErrorKind::kNotFound, "no jobs in " + state +
                                            " yet (start one with: culprit bisect --state " +
                                            state + " ...)");
  }
  if (!job) return tl::unexpected(job.error());
  return OpenedJob{std::move(*store), std::move(**job)};
}

}  // namespace culprit::cli
