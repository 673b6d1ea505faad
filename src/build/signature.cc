
#include <algorithm>
#include <array>
#include <fstream>
#include <memory>
#include <system_error>
#include <vector>

#include "build/builder.h"
#include "build/sha256.h"

namespace culprit::build {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string relative;  // generic form, '/'-separated
  fs::path path;
  fs::file_type type;
};

Result<std::vector<Entry>> ListTree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Fail(ErrorKind::kNotFound, "output directory '" + dir.string() + "' does not exist");
  std::vector<Entry> entries;
  fs::recursive_directory_iterator it(dir, ec), end;  // does not follow symlinks
  for (; !ec && it != end; it.increment(ec)) {
    fs::file_type type = it->symlink_status(ec).type();
    if (ec) break;
    entries.push_back({it->path().lexically_relative(dir).generic_string(), it->path(), type});
  }
  if (ec) return Fail(ErrorKind::kIo, "cannot list '" + dir.string() + "': " + ec.message());
  // Byte order of the relative path (std::string compares like memcmp), never directory order.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.relative < b.relative; });
  return entries;
}

Result<void> HashContent(const fs::path& path, Sha256& sha) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 64 * 1024> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    sha.Update(std::string_view(buffer.data(), in.gcount()));
  }
  if (in.bad() || !in.eof()) return Fail(ErrorKind::kIo, "cannot read '" + path.string() + "'");
  return {};
}

// One record per entry: a type letter, the path and, for files and symlinks, the length and
// the bytes. Paths hold no NUL and lengths are explicit, so the stream parses one way only.
Result<void> HashEntry(const Entry& entry, Sha256& sha) {
  auto header = [&](char type) {
    sha.Update(std::string_view(&type, 1));
    sha.Update(std::string_view("\0", 1));
    sha.Update(entry.relative);
    sha.Update(std::string_view("\0", 1));
  };
  std::error_code ec;
  switch (entry.type) {
    case fs::file_type::directory:
      header('d');
      return {};
    case fs::file_type::symlink: {
      std::string target = fs::read_symlink(entry.path, ec).string();
      if (ec) return Fail(ErrorKind::kIo, "cannot read link '" + entry.path.string() + "'");
      header('l');
      sha.Update(std::to_string(target.size()) + '\0' + target);
      return {};
    }
    case fs::file_type::regular: {
      uintmax_t size = fs::file_size(entry.path, ec);
      if (ec) return Fail(ErrorKind::kIo, "cannot stat '" + entry.path.string() + "'");
      header('f');
      sha.Update(std::to_string(size) + '\0');
      return HashContent(entry.path, sha);
    }
    default:  // fifos, sockets, devices: their existence is all there is to say
      header('o');
      return {};
  }
}

}  // namespace

Result<std::string> Signature(const fs::path& dir) {
  Result<std::vector<Entry>> entries = ListTree(dir);
  if (!entries) return tl::unexpected(entries.error());
  Sha256 sha;
  for (const Entry& entry : *entries) {
    if (Result<void> hashed = HashEntry(entry, sha); !hashed) return tl::unexpected(hashed.error());
  }
  return sha.HexDigest();
}

std::string BuildKey(const std::string& tree_id, const std::string& recipe) {
  Sha256 sha;
  sha.Update(tree_id);
  sha.Update(std::string_view("\0", 1));
  sha.Update(recipe);
  return sha.HexDigest();
}

}  // namespace culprit::build
