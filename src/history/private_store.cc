// culprit's private object store: a bare repository (under the state directory) that receives
// every object culprit writes (edited trees and the commits naming them) and reads the user's
// objects as an alternate, so nothing is copied and nothing of the user's is written.
//
// libgit2 does not write into alternates, but before writing an object it "freshens" any copy
// that already exists, alternates included: it sets the mtime of the user's loose object file
// or pack (odb.c, git_odb__freshen). An edited tree is mostly made of blobs and subtrees the
// user already has, so the store's handle never loads the user's object directory itself: it
// reads it through a backend that wraps the user's own object database and answers only reads.
// Its objects/info/alternates file is written anyway, for git run by hand in the store.
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "history/git_internal.h"

namespace culprit::history {
namespace {

namespace fs = std::filesystem;

/// A read-only view of a whole object database as one backend. No write, no freshen: libgit2
/// then asks `exists` before writing an object, and skips the write when it says yes.
struct ReadOnlyBackend {
  git_odb_backend base;  // first: libgit2 hands &base back to the callbacks
  git_odb* inner;
};

git_odb* Inner(git_odb_backend* backend) {
  return reinterpret_cast<ReadOnlyBackend*>(backend)->inner;
}

/// Copies `object` into a buffer libgit2 frees (NUL-terminated, as its own backends do).
int CopyOut(git_odb_backend* backend, git_odb_object* object, void** data, size_t* size,
            git_object_t* type) {
  const size_t n = git_odb_object_size(object);
  char* buffer = static_cast<char*>(git_odb_backend_data_alloc(backend, n + 1));
  if (buffer != nullptr) {
    std::memcpy(buffer, git_odb_object_data(object), n);
    buffer[n] = '\0';
    *data = buffer;
    *size = n;
    *type = git_odb_object_type(object);
  }
  git_odb_object_free(object);
  return buffer != nullptr ? 0 : -1;
}

int Read(void** data, size_t* size, git_object_t* type, git_odb_backend* backend,
         const git_oid* id) {
  git_odb_object* object = nullptr;
  if (int rc = git_odb_read(&object, Inner(backend), id); rc < 0) return rc;
  return CopyOut(backend, object, data, size, type);
}

int ReadPrefix(git_oid* full, void** data, size_t* size, git_object_t* type,
               git_odb_backend* backend, const git_oid* prefix, size_t hex_length) {
  git_odb_object* object = nullptr;
  if (int rc = git_odb_read_prefix(&object, Inner(backend), prefix, hex_length); rc < 0) return rc;
  git_oid_cpy(full, git_odb_object_id(object));
  return CopyOut(backend, object, data, size, type);
}

int ReadHeader(size_t* size, git_object_t* type, git_odb_backend* backend, const git_oid* id) {
  return git_odb_read_header(size, type, Inner(backend), id);
}

int Exists(git_odb_backend* backend, const git_oid* id) {
  return git_odb_exists(Inner(backend), id);
}

int ExistsPrefix(git_oid* full, git_odb_backend* backend, const git_oid* prefix,
                 size_t hex_length) {
  return git_odb_exists_prefix(full, Inner(backend), prefix, hex_length);
}

int Refresh(git_odb_backend* backend) { return git_odb_refresh(Inner(backend)); }

int Foreach(git_odb_backend* backend, git_odb_foreach_cb callback, void* payload) {
  return git_odb_foreach(Inner(backend), callback, payload);
}

void Free(git_odb_backend* backend) {
  auto* self = reinterpret_cast<ReadOnlyBackend*>(backend);
  git_odb_free(self->inner);
  delete self;
}

/// Takes `inner`.
git_odb_backend* NewReadOnlyBackend(git_odb* inner) {
  auto* self = new ReadOnlyBackend{};
  git_odb_init_backend(&self->base, GIT_ODB_BACKEND_VERSION);
  self->inner = inner;
  self->base.read = Read;
  self->base.read_prefix = ReadPrefix;
  self->base.read_header = ReadHeader;
  self->base.exists = Exists;
  self->base.exists_prefix = ExistsPrefix;
  self->base.refresh = Refresh;
  self->base.foreach = Foreach;
  self->base.free = Free;
  return &self->base;
}

tl::unexpected<Error> StoreError(const fs::path& store, const std::string& what) {
  return Fail(ErrorKind::kIo,
              "private object store " + store.string() + ": " + what + ": " + GitErrorText());
}

/// Adds `backend` (made by `rc`'s call) to `odb`, freeing it if that fails.
Result<void> AddBackend(git_odb* odb, int rc, git_odb_backend* backend, int priority,
                        bool alternate, const fs::path& store) {
  if (rc < 0) return StoreError(store, "cannot open its objects");
  rc = alternate ? git_odb_add_alternate(odb, backend, priority)
                 : git_odb_add_backend(odb, backend, priority);
  if (rc < 0) {
    backend->free(backend);
    return StoreError(store, "cannot set up its object database");
  }
  return {};
}

/// The store's object database: the user's objects first (read most), through the read-only
/// wrapper, then the store's own loose objects (the only writable backend) and packs.
Result<OdbPtr> StoreOdb(const fs::path& user_objects, const fs::path& store) {
  git_odb* raw = nullptr;
  if (git_odb_new(&raw) < 0) return StoreError(store, "cannot create an object database");
  OdbPtr odb(raw);
  git_odb* raw_user = nullptr;
  if (git_odb_open(&raw_user, user_objects.c_str()) < 0)
    return StoreError(store, "cannot read the objects of " + user_objects.string());
  git_odb_backend* backend = NewReadOnlyBackend(raw_user);
  Result<void> added = AddBackend(odb.get(), 0, backend, 3, /*alternate=*/true, store);
  if (!added) return tl::unexpected(added.error());
  const fs::path objects = store / "objects";
  int rc = git_odb_backend_loose(&backend, objects.c_str(), -1, 0, 0, 0);
  added = AddBackend(odb.get(), rc, backend, 2, /*alternate=*/false, store);
  if (!added) return tl::unexpected(added.error());
  rc = git_odb_backend_pack(&backend, objects.c_str());
  added = AddBackend(odb.get(), rc, backend, 1, /*alternate=*/false, store);
  if (!added) return tl::unexpected(added.error());
  return odb;
}

/// Writes `contents` to `path` unless it already holds them, atomically (temp file + rename),
/// so that several processes or threads may do it at once.
Result<void> WriteIfChanged(const fs::path& path, const std::string& contents) {
  {
    std::ifstream in(path, std::ios::binary);
    std::stringstream now;
    now << in.rdbuf();
    if (in && now.str() == contents) return {};
  }
  fs::path tmp = path;
  tmp += ".tmp" + std::to_string(std::random_device{}());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << contents;
    if (!out.flush()) return Fail(ErrorKind::kIo, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Fail(ErrorKind::kIo, "cannot write " + path.string());
  }
  return {};
}

/// Creates the bare repository at `store` (gc off: its commits are referenced by no ref).
Result<void> CreateStore(const fs::path& store) {
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
  git_repository* raw = nullptr;
  if (git_repository_init_ext(&raw, store.c_str(), &opts) < 0)
    return StoreError(store, "cannot create it");
  git_repository_free(raw);
  git_config* raw_config = nullptr;
  if (git_config_open_ondisk(&raw_config, (store / "config").c_str()) < 0)
    return StoreError(store, "cannot open its config");
  ConfigPtr config(raw_config);
  if (git_config_set_int32(config.get(), "gc.auto", 0) < 0 ||
      git_config_set_string(config.get(), "gc.pruneExpire", "never") < 0) {
    return StoreError(store, "cannot write its config");
  }
  return {};
}

}  // namespace

Result<RepoPtr> OpenPrivateStore(git_repository* user, const fs::path& store) {
  Result<fs::path> user_objects = ObjectsDir(user);
  if (!user_objects) return tl::unexpected(user_objects.error());
  std::error_code ec;
  if (!fs::exists(store / "HEAD", ec) || !fs::is_directory(store / "objects", ec)) {
    Result<void> created = CreateStore(store);
    if (!created) return tl::unexpected(created.error());
  }
  Result<void> alternates =
      WriteIfChanged(store / "objects" / "info" / "alternates", user_objects->string() + "\n");
  if (!alternates) return tl::unexpected(alternates.error());
  git_repository* raw = nullptr;
  if (git_repository_open_bare(&raw, store.c_str()) < 0) return StoreError(store, "cannot open it");
  RepoPtr repo(raw);
  // Replaces the object database before anything loads the default one (which would read
  // the user's objects through the alternates file, freshening them on writes).
  Result<OdbPtr> odb = StoreOdb(*user_objects, store);
  if (!odb) return tl::unexpected(odb.error());
  if (git_repository_set_odb(repo.get(), odb->get()) < 0)
    return StoreError(store, "cannot use its object database");
  return repo;
}

Result<void> ReadPrivateStore(git_repository* user, const fs::path& store) {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, user) < 0)
    return StoreError(store, "cannot open the user's object database");
  OdbPtr owned(odb);
  // The store's own alternates name the user's object directory again; libgit2 skips a
  // directory it already has (same inode).
  if (git_odb_add_disk_alternate(odb, (store / "objects").c_str()) < 0)
    return StoreError(store, "cannot read its objects");
  return {};
}

}  // namespace culprit::history
