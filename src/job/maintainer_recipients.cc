#include <algorithm>

#include "history/maintainers.h"
#include "job/target.h"

namespace culprit::job {

void AddMaintainerRecipients(history::Repository& repo, report::BisectionResult& r) {
  if (r.commit.empty()) return;
  auto text = repo.ReadFile(r.commit, "MAINTAINERS");
  if (!text) return;
  auto maintainers = history::ParseMaintainers(*text);
  if (!maintainers) return;
  std::vector<std::string> files;
  for (const auto& f : r.culprit_stat) files.push_back(f.path);
  if (!r.guilty_file.empty()) files.push_back(r.guilty_file);
  history::Recipients extra = history::ForFiles(*maintainers, files);
  auto add = [](std::vector<std::string>& list, const std::string& who) {
    if (std::find(list.begin(), list.end(), who) == list.end()) list.push_back(who);
  };
  for (const auto& who : extra.to) add(r.recipients_to, who);
  for (const auto& who : extra.cc)
    if (std::find(r.recipients_to.begin(), r.recipients_to.end(), who) == r.recipients_to.end())
      add(r.recipients_cc, who);
}

}  // namespace culprit::job
