#include "symbolize/symbolizer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace culprit::symbolize {
namespace {

namespace fs = std::filesystem;

/// Answers from tables; Symbolize knows only the exact addresses it was given, so a lookup at the
/// wrong address (RIP minus 1, a return address not minus 1) shows as an unsymbolized line.
class FakeSymbolizer : public Symbolizer {
 public:
  std::map<std::string, std::vector<Symbol>, std::less<>> symbols;
  std::map<uint64_t, std::vector<Frame>> frames;

  std::vector<Frame> Symbolize(uint64_t address) override {
    auto it = frames.find(address);
    return it == frames.end() ? std::vector<Frame>{} : it->second;
  }
  std::vector<Symbol> FindSymbols(std::string_view name) override {
    auto it = symbols.find(name);
    return it == symbols.end() ? std::vector<Symbol>{} : it->second;
  }
};

Frame Inline(const char* function, const char* file, int line) {
  return {.function = function, .file = file, .line = line, .inlined = true};
}
Frame Func(const char* function, const char* file, int line) {
  return {.function = function, .file = file, .line = line};
}

/// The seed's kernel, as far as its report needs: symbols at made-up addresses, the frames
/// syzbot's symbolization printed for them.
FakeSymbolizer SeedKernel() {
  FakeSymbolizer s;
  s.symbols = {
      {"__io_queue_sqe", {{.address = 0x1000, .size = 0xcf0}}},
      {"io_req_task_submit", {{.address = 0x3000, .size = 0x110}}},
      {"tctx_task_work", {{.address = 0x4000, .size = 0x420}}},
      {"task_work_run", {{.address = 0x5000, .size = 0x160}}},
      {"exit_to_user_mode_prepare", {{.address = 0x6000, .size = 0x290}}},
      {"syscall_exit_to_user_mode", {{.address = 0x7000, .size = 0x60}}},
      {"do_syscall_64", {{.address = 0x8000, .size = 0xb0}}},
      {"entry_SYSCALL_64_after_hwframe", {{.address = 0x9000, .size = 0xae}}},
      // Two static functions of one name: the size picks the right one.
      {"io_poll_wake", {{.address = 0xa000, .size = 0x40}, {.address = 0xb000, .size = 0x80}}},
  };
  s.frames = {
      {0x11fb,  // the RIP: looked up at its own address
       {Inline("__io_req_set_refcount", "fs/io_uring.c", 1123),
        Inline("__io_prep_linked_timeout", "fs/io_uring.c", 1319),
        Inline("io_prep_linked_timeout", "fs/io_uring.c", 1327),
        Func("__io_queue_sqe", "fs/io_uring.c", 6512)}},
      {0x3092, {Func("io_req_task_submit", "fs/io_uring.c", 2110)}},  // return addresses: - 1
      {0x410f, {Func("tctx_task_work", "fs/io_uring.c", 2034)}},
      {0x50bf, {Func("task_work_run", "kernel/task_work.c", 164)}},
      {0x6255,
       {Inline("tracehook_notify_signal", "include/linux/tracehook.h", 212),
        Inline("handle_signal_work", "kernel/entry/common.c", 146),
        Inline("exit_to_user_mode_loop", "kernel/entry/common.c", 172),
        Func("exit_to_user_mode_prepare", "kernel/entry/common.c", 209)}},
      {0x7018,
       {Inline("__syscall_exit_to_user_mode_work", "kernel/entry/common.c", 291),
        Func("syscall_exit_to_user_mode", "kernel/entry/common.c", 302)}},
      {0x8041, {Func("do_syscall_64", "arch/x86/entry/common.c", 86)}},
      {0xb00f, {Func("io_poll_wake", "fs/io_uring.c", 5000)}},
      {0x5000, {Func("task_work_run", "kernel/task_work.c", 150)}},
  };
  return s;
}

struct Case {
  const char* name;
  const char* report;
  const char* want;
};

const Case kCases[] = {
    {.name = "seed_report",
     .report = "RIP: 0010:__io_queue_sqe+0x1fb/0xcf0\n"
               "Code: 89 ea 48 c1 ea 03 80 3c 02 00\n"
               "Call Trace:\n"
               " io_req_task_submit+0x93/0x110\n"
               " tctx_task_work+0x110/0x420\n"
               " task_work_run+0xc0/0x160\n"
               " exit_to_user_mode_prepare+0x256/0x290\n"
               " syscall_exit_to_user_mode+0x19/0x60\n"
               " do_syscall_64+0x42/0xb0\n"
               " entry_SYSCALL_64_after_hwframe+0x44/0xae\n"
               "RIP: 0033:0x4665e9\n",
     .want = "RIP: 0010:__io_req_set_refcount fs/io_uring.c:1123 [inline]\n"
             "RIP: 0010:__io_prep_linked_timeout fs/io_uring.c:1319 [inline]\n"
             "RIP: 0010:io_prep_linked_timeout fs/io_uring.c:1327 [inline]\n"
             "RIP: 0010:__io_queue_sqe+0x1fb/0xcf0 fs/io_uring.c:6512\n"
             "Code: 89 ea 48 c1 ea 03 80 3c 02 00\n"
             "Call Trace:\n"
             " io_req_task_submit+0x93/0x110 fs/io_uring.c:2110\n"
             " tctx_task_work+0x110/0x420 fs/io_uring.c:2034\n"
             " task_work_run+0xc0/0x160 kernel/task_work.c:164\n"
             " tracehook_notify_signal include/linux/tracehook.h:212 [inline]\n"
             " handle_signal_work kernel/entry/common.c:146 [inline]\n"
             " exit_to_user_mode_loop kernel/entry/common.c:172 [inline]\n"
             " exit_to_user_mode_prepare+0x256/0x290 kernel/entry/common.c:209\n"
             " __syscall_exit_to_user_mode_work kernel/entry/common.c:291 [inline]\n"
             " syscall_exit_to_user_mode+0x19/0x60 kernel/entry/common.c:302\n"
             " do_syscall_64+0x42/0xb0 arch/x86/entry/common.c:86\n"
             " entry_SYSCALL_64_after_hwframe+0x44/0xae\n"
             "RIP: 0033:0x4665e9\n"},
    {.name = "unreliable_frame_keeps_prefix",
     .report = " ? io_req_task_submit+0x93/0x110",
     .want = " ? io_req_task_submit+0x93/0x110 fs/io_uring.c:2110"},
    {.name = "console_prefix",
     .report = "[   61.120000][ T1234]  io_req_task_submit+0x93/0x110\n",
     .want = "[   61.120000][ T1234]  io_req_task_submit+0x93/0x110 fs/io_uring.c:2110\n"},
    {.name = "size_picks_among_same_name",
     .report = " io_poll_wake+0x10/0x80\n",
     .want = " io_poll_wake+0x10/0x80 fs/io_uring.c:5000\n"},
    {.name = "offset_zero_is_not_moved_back",
     .report = " task_work_run+0x0/0x160\n",
     .want = " task_work_run+0x0/0x160 kernel/task_work.c:150\n"},
    {.name = "size_of_another_build_is_kept",
     .report = " io_req_task_submit+0x93/0x120\n",
     .want = " io_req_task_submit+0x93/0x120\n"},
    {.name = "unknown_function_is_kept",
     .report = " nosuch+0x1/0x2\n",
     .want = " nosuch+0x1/0x2\n"},
    {.name = "module_frame_is_kept",
     .report = " io_req_task_submit+0x93/0x110 [io_uring]\n",
     .want = " io_req_task_submit+0x93/0x110 [io_uring]\n"},
    {.name = "symbolized_frame_is_kept",
     .report = " io_req_task_submit+0x93/0x110 fs/io_uring.c:2110\n",
     .want = " io_req_task_submit+0x93/0x110 fs/io_uring.c:2110\n"},
    {.name = "empty", .report = "", .want = ""},
};

class SymbolizeReportCase : public testing::TestWithParam<Case> {};

TEST_P(SymbolizeReportCase, RewritesLikeSyzbot) {
  FakeSymbolizer symbolizer = SeedKernel();
  EXPECT_EQ(SymbolizeReport(symbolizer, GetParam().report), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(All, SymbolizeReportCase, testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// A real binary: Inner and Middle are inlined into Outer; Caller calls Outer.
constexpr char kProgram[] = R"(volatile int sink;

static inline __attribute__((always_inline)) void Inner(int x) {
  sink = x * 3;
}

static inline __attribute__((always_inline)) void Middle(int x) {
  Inner(x + 1);
}

__attribute__((noinline)) void Outer(int x) {
  sink = 1;
  Middle(x);
  sink = 2;
}

__attribute__((noinline)) void Caller(void) {
  Outer(5);
  sink = 7;
}

int main(void) {
  Caller();
  return 0;
}
)";

class DwarfSymbolizerTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("culprit_symbolizer_" + std::to_string(getpid()));
    fs::create_directories(root_ / "linux" / "kernel");
    source_ = root_ / "linux" / "kernel" / "prog.c";
    std::ofstream(source_) << kProgram;
    binary_ = root_ / "vmlinux";
    std::string cmd = "gcc -g -O2 -fno-pie -no-pie -o " + binary_.string() + " " + source_.string();
    if (std::system("gcc --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "gcc not installed";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    Result<std::unique_ptr<Symbolizer>> s = OpenSymbolizer(binary_, (root_ / "linux").string());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    symbolizer_ = std::move(*s);
  }
  void TearDown() override { fs::remove_all(root_); }

  /// The report line for `function`+offset, as the kernel prints it.
  std::string FrameLine(const std::string& prefix, const char* function, uint64_t offset) {
    std::vector<Symbol> symbols = symbolizer_->FindSymbols(function);
    EXPECT_EQ(symbols.size(), 1u) << function;
    char buf[128];
    std::snprintf(buf, sizeof(buf), "%s+0x%llx/0x%llx", function,
                  static_cast<unsigned long long>(offset),
                  static_cast<unsigned long long>(symbols.empty() ? 0 : symbols[0].size));
    return prefix + buf;
  }

  /// Every offset of `function` symbolized as `prefix` frames.
  std::vector<std::string> AllOffsets(const std::string& prefix, const char* function) {
    std::vector<std::string> out;
    std::vector<Symbol> symbols = symbolizer_->FindSymbols(function);
    for (uint64_t off = 0; !symbols.empty() && off < symbols[0].size; ++off) {
      out.push_back(SymbolizeReport(*symbolizer_, FrameLine(prefix, function, off)));
    }
    return out;
  }

  fs::path root_, source_, binary_;
  std::unique_ptr<Symbolizer> symbolizer_;
};

TEST_F(DwarfSymbolizerTest, InlinedFramesOfTheRip) {
  std::vector<std::string> results = AllOffsets("RIP: 0010:", "Outer");
  bool found = false;
  for (size_t off = 0; off < results.size(); ++off) {
    std::string want =
        "RIP: 0010:Inner kernel/prog.c:4 [inline]\n"
        "RIP: 0010:Middle kernel/prog.c:8 [inline]\n" +
        FrameLine("RIP: 0010:", "Outer", off) + " kernel/prog.c:13";
    found = found || results[off] == want;
  }
  EXPECT_TRUE(found) << "no offset of Outer symbolizes to Inner/Middle/Outer; offset 0 gives:\n"
                     << results[0];
}

TEST_F(DwarfSymbolizerTest, FramesOfAFunctionWithoutInlines) {
  std::vector<std::string> results = AllOffsets(" ", "Caller");
  bool call_line = false;
  for (size_t off = 0; off < results.size(); ++off) {
    call_line = call_line || results[off] == FrameLine(" ", "Caller", off) + " kernel/prog.c:18";
    EXPECT_EQ(results[off].find("[inline]"), std::string::npos) << results[off];
  }
  EXPECT_TRUE(call_line);
}

TEST_F(DwarfSymbolizerTest, SymbolizeGivesInnermostFirst) {
  std::vector<Symbol> outer = symbolizer_->FindSymbols("Outer");
  ASSERT_EQ(outer.size(), 1u);
  bool found = false;
  for (uint64_t a = outer[0].address; a < outer[0].address + outer[0].size && !found; ++a) {
    std::vector<Frame> frames = symbolizer_->Symbolize(a);
    found = frames.size() == 3 && frames[0].function == "Inner" && frames[0].inlined &&
            frames[1].function == "Middle" && frames[1].inlined && frames[2].function == "Outer" &&
            !frames[2].inlined && frames[2].file == "kernel/prog.c";
  }
  EXPECT_TRUE(found);
}

TEST(OpenSymbolizer, Errors) {
  Result<std::unique_ptr<Symbolizer>> missing = OpenSymbolizer("/nonexistent/vmlinux", "");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);

  fs::path text = fs::temp_directory_path() / ("culprit_not_elf_" + std::to_string(getpid()));
  std::ofstream(text) << "not elf\n";
  Result<std::unique_ptr<Symbolizer>> not_elf = OpenSymbolizer(text, "");
  fs::remove(text);
  ASSERT_FALSE(not_elf.has_value());
  EXPECT_EQ(not_elf.error().kind, ErrorKind::kBadInput);
}

}  // namespace
}  // namespace culprit::symbolize
