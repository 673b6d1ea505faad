// A file descriptor closed when it goes out of scope. Private to process/.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <utility>

namespace culprit::process {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

/// Takes `fd`, moved to 3 or above if it is 0-2 (culprit started with a standard stream
/// closed), so the child's dup2 onto 0-2 cannot clobber it. Keeps O_CLOEXEC.
inline UniqueFd AboveStdio(int fd) {
  if (fd < 0 || fd > 2) return UniqueFd(fd);
  UniqueFd moved(fcntl(fd, F_DUPFD_CLOEXEC, 3));
  close(fd);
  return moved;
}

}  // namespace culprit::process
