// Generates the demo history as a `git fast-import` stream: deterministic, one process, about
// a second for a few hundred commits.
#include "demo/demo_repo.h"

#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "process/subprocess.h"

namespace culprit::demo {
namespace {

constexpr const char* kStoreGood = R"c(#include "store.h"

#include <stdlib.h>
#include <string.h>

struct node {
  char key[32];
  int value;
  struct node *next;
};

void store_init(struct store *s) {
  s->head = NULL;
  s->last_hit = NULL;
  s->size = 0;
}

int store_put(struct store *s, const char *key, int value) {
  struct node *n;
  for (n = s->head; n; n = n->next) {
    if (strcmp(n->key, key) == 0) {
      n->value = value;
      return 0;
    }
  }
  n = calloc(1, sizeof(*n));
  if (!n) return -1;
  strncpy(n->key, key, sizeof(n->key) - 1);
  n->value = value;
  n->next = s->head;
  s->head = n;
  s->size++;
  return 1;
}

int store_get(struct store *s, const char *key, int *value) {
  struct node *n;
  /* The last hit is cached: lookups come in bursts for the same key. */
  if (s->last_hit && strcmp(s->last_hit->key, key) == 0) {
    *value = s->last_hit->value;
    return 1;
  }
  for (n = s->head; n; n = n->next) {
    if (strcmp(n->key, key) == 0) {
      s->last_hit = n;
      *value = n->value;
      return 1;
    }
  }
  return 0;
}

int store_remove(struct store *s, const char *key) {
  struct node **link = &s->head;
  while (*link) {
    struct node *n = *link;
    if (strcmp(n->key, key) == 0) {
      *link = n->next;
      INVALIDATE_CACHE
      free(n);
      s->size--;
      return 1;
    }
    link = &n->next;
  }
  return 0;
}

void store_clear(struct store *s) {
  while (s->head) {
    struct node *n = s->head;
    s->head = n->next;
    free(n);
  }
  s->last_hit = NULL;
  s->size = 0;
}
)c";

constexpr const char* kStoreH = R"c(#ifndef STORE_H
#define STORE_H

struct node;

struct store {
  struct node *head;
  struct node *last_hit;
  int size;
};

void store_init(struct store *s);
int store_put(struct store *s, const char *key, int value);
int store_get(struct store *s, const char *key, int *value);
int store_remove(struct store *s, const char *key);
void store_clear(struct store *s);

#endif
)c";

constexpr const char* kMain = R"c(#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "store.h"

extern int tunables_sum(void);
extern int parse_pair(const char *line, char *key, int *value);

static unsigned random_seed(void) {
  unsigned seed = 0;
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd >= 0) {
    if (read(fd, &seed, sizeof(seed)) != sizeof(seed)) seed = (unsigned)getpid();
    close(fd);
  }
  return seed;
}

/* One of three workloads, picked at random, like a fuzzer's reproducer that only sometimes
   takes the path that matters. */
static int selftest(void) {
  struct store s;
  char key[32];
  int value = 0, total = 0;
  const char *lines[] = {"alpha=1", "beta=2", "gamma=3", "delta=4"};
  store_init(&s);
  for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
    if (parse_pair(lines[i], key, &value) == 0) store_put(&s, key, value);
  }
  switch (random_seed() % 3) {
    case 0:  /* read, delete, read again */
      store_get(&s, "beta", &value);
      store_remove(&s, "beta");
      if (store_get(&s, "beta", &value)) total += value;
      break;
    case 1:  /* read everything */
      for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (parse_pair(lines[i], key, &value) == 0 && store_get(&s, key, &value)) total += value;
      }
      break;
    default:  /* delete then insert */
      store_remove(&s, "alpha");
      store_put(&s, "epsilon", 5);
      total += s.size;
      break;
  }
  total += tunables_sum() % 7;
  store_clear(&s);
  printf("selftest: ok (%d)\n", total);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--selftest") == 0) return selftest();
  printf("usage: %s --selftest\n", argv[0]);
  return 2;
}
)c";

constexpr const char* kParseGood = R"c(#include <stdlib.h>
#include <string.h>

int parse_pair(const char *line, char *key, int *value) {
  const char *eq = strchr(line, '=');
  size_t len;
  if (!eq) return -1;
  len = (size_t)(eq - line);
  if (len == 0 || len > 31) return -1;
  memcpy(key, line, len);
  key[len] = '\0';
  *value = atoi(eq + 1);
  return 0;
}
)c";

// The same file with a new function that forgot a semicolon: the build-broken stretch.
constexpr const char* kParseBrokenTail = R"c(
int parse_strict(const char *line) {
  return strchr(line, '=') != NULL
}
)c";

constexpr const char* kParseFixedTail = R"c(
int parse_strict(const char *line) {
  return strchr(line, '=') != NULL;
}
)c";

struct Person {
  const char* name;
  const char* email;
};

const Person kPeople[] = {
    {"Ada Lovelace", "ada@example.org"},       {"Linus Pauling", "linus@example.org"},
    {"Grace Hopper", "grace@example.org"},     {"Ken Iverson", "ken@example.org"},
    {"Barbara Liskov", "barbara@example.org"}, {"Dennis Ritchie", "dmr@example.org"},
};

using Tree = std::map<std::string, std::string>;

class StreamWriter {
 public:
  // Adds a commit whose tree is `tree` on `branch`, with parents `from` (and `merge`).
  int Commit(const std::string& branch, int from, int merge, const std::string& message,
             const Tree& changes, const Person& who) {
    int mark = ++marks_;
    time_ += 3600 + (mark * 7919) % 5400;
    out_ << "commit refs/heads/" << branch << "\nmark :" << mark << "\n";
    out_ << "author " << who.name << " <" << who.email << "> " << time_ << " +0100\n";
    out_ << "committer " << who.name << " <" << who.email << "> " << time_ << " +0100\n";
    out_ << "data " << message.size() << "\n" << message << "\n";
    if (from) out_ << "from :" << from << "\n";
    if (merge) out_ << "merge :" << merge << "\n";
    for (const auto& [path, content] : changes) {
      out_ << "M 100644 inline " << path << "\ndata " << content.size() << "\n" << content << "\n";
    }
    out_ << "\n";
    return mark;
  }
  void Tag(const std::string& name, int mark) {
    out_ << "reset refs/tags/" << name << "\nfrom :" << mark << "\n\n";
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
  int marks_ = 0;
  long long time_ = 1700000000;
};

std::string Tunables(int n) {
  std::string s = "/* Tuning knobs; each release adds a few. */\n";
  for (int i = 0; i < n; i++)
    s += "int tunable_" + std::to_string(i) + " = " + std::to_string(i * 3 + 1) + ";\n";
  s += "\nint tunables_sum(void) {\n  return 0";
  for (int i = 0; i < n; i++) s += " + tunable_" + std::to_string(i);
  s += ";\n}\n";
  return s;
}

std::string Signoff(const Person& p) {
  return std::string("Signed-off-by: ") + p.name + " <" + p.email + ">\n";
}

Result<std::string> Git(const std::filesystem::path& dir, const std::string& command) {
  process::SubprocessOptions o{
      .command = command,
      .cwd = dir,
      .log_path = std::filesystem::temp_directory_path() /
                  ("culprit-demo-git-" + std::to_string(getpid()) + ".log"),
      .timeout = std::chrono::seconds(120)};
  auto r = process::RunSubprocess(o);
  if (!r) return tl::unexpected(r.error());
  std::ifstream in(o.log_path);
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::error_code ec;
  std::filesystem::remove(o.log_path, ec);
  if (r->exit_code != 0)
    return Fail(ErrorKind::kInfra, "demo: '" + command + "' failed: " + out +
                                       " (is git installed? scripts/install-deps.sh installs it)");
  return out;
}

}  // namespace

Result<DemoRepo> MakeDemoRepo(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir, ec))
    return Fail(ErrorKind::kBadInput, "demo directory " + dir.string() +
                                          " is not empty (pass --dir with a new directory)");
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(ErrorKind::kIo, "cannot create " + dir.string() + ": " + ec.message());
  if (auto r = Git(dir, "git init -q -b master ."); !r) return tl::unexpected(r.error());

  StreamWriter w;
  DemoRepo demo;
  int knobs = 4;
  std::string parse = kParseGood;
  std::string invalidate = "if (s->last_hit == n) s->last_hit = NULL;";
  auto store_c = [&] {
    std::string s = kStoreGood;
    s.replace(s.find("INVALIDATE_CACHE"), 16, invalidate);
    return s;
  };
  Tree base = {{"src/main.c", kMain},
               {"src/store.h", kStoreH},
               {"src/store.c", store_c()},
               {"src/parse.c", parse},
               {"src/tunables.c", Tunables(knobs)},
               {"README.md", "# kv\n\nA tiny key-value store with a self-test.\n"},
               {"docs/usage.md", "Run `kv --selftest`.\n"}};
  int head =
      w.Commit("master", 0, 0, "kv: initial import\n\n" + Signoff(kPeople[0]), base, kPeople[0]);
  int step = 1, docs = 0, topics = 0;
  int planted_mark = 0;
  std::vector<std::pair<std::string, int>> tags;
  const int kMainline = 250;
  for (int i = 1; i <= kMainline; i++) {
    const Person& who = kPeople[(i * 5) % 6];
    Tree change;
    std::string msg;
    if (i == 150) {
      // The planted bug: the cache of the last hit now outlives a removed node.
      invalidate = "/* the lookup cache is refreshed on the next get */";
      change["src/store.c"] = store_c();
      msg =
          "store: drop redundant cache invalidation in store_remove\n\n"
          "store_get() refreshes last_hit on the next successful lookup, so clearing it\n"
          "in store_remove() is a wasted branch on the hot path.\n\n" +
          Signoff(who) + "Reviewed-by: " + kPeople[2].name + " <" + kPeople[2].email + ">\n" +
          "Cc: Someone Else <someone@example.org>\n";
    } else if (i == 110) {
      parse = std::string(kParseGood) + kParseBrokenTail;
      change["src/parse.c"] = parse;
      msg = "parse: add strict mode\n\n" + Signoff(who);
    } else if (i == 114) {
      parse = std::string(kParseGood) + kParseFixedTail;
      change["src/parse.c"] = parse;
      msg = "parse: fix build of strict mode\n\n" + Signoff(who);
    } else if (i % 4 == 3) {
      change["docs/notes-" + std::to_string(++docs % 9) + ".md"] =
          "Note " + std::to_string(i) + ": documentation only.\n";
      msg = "docs: note " + std::to_string(i) + "\n\n" + Signoff(who);
    } else {
      change["src/tunables.c"] = Tunables(++knobs);
      msg = "tunables: add knob " + std::to_string(knobs) + "\n\n" + Signoff(who);
    }
    head = w.Commit("master", head, 0, msg, change, who);
    if (i == 150) planted_mark = head;
    if (i % 50 == 20) tags.push_back({"v1." + std::to_string(i / 50), head});
    if (i % 50 == 45) tags.push_back({"v1." + std::to_string(i / 50 + 1) + "-rc1", head});
    // Every so often a topic branch, forked a little earlier (once from an old release),
    // gets a few commits and is merged back.
    if (i % 23 == 0) {
      int fork = (topics == 2 && !tags.empty()) ? tags.front().second : head;
      std::string branch = "topic-" + std::to_string(++topics);
      int tip = fork;
      int n = 3 + (i % 5);
      Tree files;
      for (int k = 0; k < n; k++) {
        std::string file = "src/feature_" + std::to_string(topics) + ".c";
        files[file] += "int feature_" + std::to_string(topics) + "_" + std::to_string(k) +
                       "(void) { return " + std::to_string(k * topics) + "; }\n";
        const Person& dev = kPeople[(topics + k) % 6];
        tip = w.Commit(branch, tip, 0,
                       "feature " + std::to_string(topics) + ": step " + std::to_string(k) +
                           "\n\n" + Signoff(dev),
                       {{file, files[file]}}, dev);
        step++;
      }
      head = w.Commit("master", head, tip,
                      "Merge branch '" + branch + "'\n\n" + Signoff(kPeople[0]), files, kPeople[0]);
    }
  }
  for (const auto& [name, mark] : tags) w.Tag(name, mark);
  w.Tag("culprit-demo-planted", planted_mark);

  std::filesystem::path stream = dir / ".git" / "culprit-demo.fi";
  {
    std::ofstream out(stream, std::ios::binary);
    out << w.str();
    if (!out) return Fail(ErrorKind::kIo, "cannot write " + stream.string());
  }
  if (auto r =
          Git(dir, "git fast-import --quiet < .git/culprit-demo.fi && git checkout -q -f master");
      !r)
    return tl::unexpected(r.error());
  std::filesystem::remove(stream, ec);
  auto planted = Git(
      dir,
      "git rev-parse culprit-demo-planted^{commit} && git tag -d culprit-demo-planted >/dev/null");
  auto head_id = Git(dir, "git rev-parse HEAD");
  auto count = Git(dir, "git rev-list --count HEAD");
  if (!planted || !head_id || !count) return Fail(ErrorKind::kInfra, "demo: git rev-parse failed");
  demo.path = dir;
  demo.planted = planted->substr(0, 40);
  demo.head = head_id->substr(0, 40);
  demo.commits = std::stoi(*count);
  demo.planted_title = "store: drop redundant cache invalidation in store_remove";
  // The prefix map keeps the worktree's path out of the debug info, so a commit's signature is
  // the same whatever the state directory.
  // One object per source with its dependency file (-MMD), as most builds do: culprit reads
  // them to know which commits cannot change the program (documentation-only ones).
  demo.build_command =
      "rm -rf obj && mkdir obj && for f in src/*.c; do "
      "cc -c -MMD -g -O1 -fsanitize=address -fno-omit-frame-pointer -ffile-prefix-map=\"$PWD\"=. "
      "-Isrc -o \"obj/$(basename \"$f\" .c).o\" \"$f\" || exit 1; done && "
      "cc -fsanitize=address -o \"$CULPRIT_OUT/kv\" obj/*.o";
  demo.test_command = "\"$CULPRIT_OUT/kv\" --selftest";
  return demo;
}

}  // namespace culprit::demo
