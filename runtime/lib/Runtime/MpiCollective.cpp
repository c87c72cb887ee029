//===- MpiCollective.cpp - Collectives over Open MPI, loaded with dlopen --===//
//
// Every call returns its error (MPI_ERRORS_RETURN on MPI_COMM_WORLD) as a
// Status naming the call and MPI's own description. A rank that waits in a
// collective longer than the timeout ($MPT_COLLECTIVE_TIMEOUT seconds,
// default 300) says so and ends the job: a rank that died or hangs never
// leaves the others waiting forever (when a rank dies, mpirun itself also
// stops the others).
//
//===----------------------------------------------------------------------===//

#include "MpiCollective.h"

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace mpt::rt;

namespace {

// Open MPI's handles are pointers to its predefined objects.
using MPI_Comm = void *;
using MPI_Datatype = void *;
using MPI_Errhandler = void *;
constexpr int kMpiSuccess = 0;
constexpr int kMpiThreadFunneled = 1;
constexpr int kMpiMaxErrorString = 256;
constexpr int kMpiMaxLibraryVersionString = 256;

/// The entry points mpt uses, as Open MPI's mpi.h declares them.
struct MpiApi {
  int (*Initialized)(int *);
  int (*Init_thread)(int *, char ***, int, int *);
  int (*Finalized)(int *);
  int (*Finalize)();
  int (*Comm_rank)(MPI_Comm, int *);
  int (*Comm_size)(MPI_Comm, int *);
  int (*Comm_set_errhandler)(MPI_Comm, MPI_Errhandler);
  int (*Alltoall)(const void *, int, MPI_Datatype, void *, int, MPI_Datatype,
                  MPI_Comm);
  int (*Allgather)(const void *, int, MPI_Datatype, void *, int, MPI_Datatype,
                   MPI_Comm);
  int (*Bcast)(void *, int, MPI_Datatype, int, MPI_Comm);
  int (*Barrier)(MPI_Comm);
  int (*Abort)(MPI_Comm, int);
  int (*Error_string)(int, char *, int *);
  int (*Get_library_version)(char *, int *);
  MPI_Comm commWorld;
  MPI_Datatype byte;
  MPI_Errhandler errorsReturn;
  std::string library;
};

/// Loads the library and every symbol; a library that loaded stays loaded
/// for the process (MPI cannot be initialised twice).
Expected<const MpiApi *> loadMpi() {
  static std::mutex mutex;
  static std::unique_ptr<MpiApi> api;
  std::string failure;
  std::lock_guard<std::mutex> lock(mutex);
  if (api)
    return static_cast<const MpiApi *>(api.get());
  const char *env = std::getenv("MPT_MPI_LIBRARY");
  std::string library = env && *env ? env : "libmpi.so.40";
  // RTLD_GLOBAL: Open MPI's components (dlopen'd by libmpi) resolve
  // libmpi's symbols globally.
  void *handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!handle) {
    const char *err = ::dlerror();
    failure = "collective mpi: cannot load the MPI library (" +
              std::string(err ? err : library) +
              "); install Open MPI (apt-get install openmpi-bin "
              "libopenmpi3), or set MPT_MPI_LIBRARY";
    return Status::error(failure);
  }
  auto result = std::make_unique<MpiApi>();
  result->library = library;
  std::string missing;
  auto get = [&](auto &fn, const char *name) {
    void *sym = ::dlsym(handle, name);
    if (!sym && missing.empty())
      missing = name;
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(sym);
  };
  get(result->Initialized, "MPI_Initialized");
  get(result->Init_thread, "MPI_Init_thread");
  get(result->Finalized, "MPI_Finalized");
  get(result->Finalize, "MPI_Finalize");
  get(result->Comm_rank, "MPI_Comm_rank");
  get(result->Comm_size, "MPI_Comm_size");
  get(result->Comm_set_errhandler, "MPI_Comm_set_errhandler");
  get(result->Alltoall, "MPI_Alltoall");
  get(result->Allgather, "MPI_Allgather");
  get(result->Bcast, "MPI_Bcast");
  get(result->Barrier, "MPI_Barrier");
  get(result->Abort, "MPI_Abort");
  get(result->Error_string, "MPI_Error_string");
  get(result->Get_library_version, "MPI_Get_library_version");
  result->commWorld = ::dlsym(handle, "ompi_mpi_comm_world");
  result->byte = ::dlsym(handle, "ompi_mpi_byte");
  result->errorsReturn = ::dlsym(handle, "ompi_mpi_errors_return");
  if (missing.empty() &&
      (!result->commWorld || !result->byte || !result->errorsReturn))
    missing = "ompi_mpi_comm_world";
  if (!missing.empty()) {
    ::dlclose(handle);
    failure = "collective mpi: " + library + " lacks " + missing +
              ": it is not Open MPI (mpt's MPI backend uses Open MPI's "
              "binary interface; MPICH is not supported)";
    return Status::error(failure);
  }
  api = std::move(result);
  return static_cast<const MpiApi *>(api.get());
}

class MpiCollective : public Collective {
public:
  MpiCollective(const MpiApi &api, int rank, int size, std::string version,
                double timeout)
      : api_(api), rank_(rank), size_(size), version_(std::move(version)),
        timeout_(timeout) {
    if (timeout_ > 0)
      watchdog_ = std::thread([this] { watch(); });
  }
  ~MpiCollective() override {
    stop_ = true;
    if (watchdog_.joinable())
      watchdog_.join();
    int finalized = 0;
    if (api_.Finalized(&finalized) == kMpiSuccess && !finalized)
      api_.Finalize();
  }

  std::string name() const override { return "mpi"; }
  std::string description() const override {
    return version_ + ", rank " + std::to_string(rank_) + " of " +
           std::to_string(size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  Status allToAll(const void *send, void *recv, size_t bytes) override {
    if (Status st = checkCount(bytes, "MPI_Alltoall"); st.failed())
      return st;
    Busy busy(*this);
    return check(api_.Alltoall(send, static_cast<int>(bytes), api_.byte, recv,
                               static_cast<int>(bytes), api_.byte,
                               api_.commWorld),
                 "MPI_Alltoall");
  }
  Status allGather(const void *send, void *recv, size_t bytes) override {
    if (Status st = checkCount(bytes, "MPI_Allgather"); st.failed())
      return st;
    Busy busy(*this);
    return check(api_.Allgather(send, static_cast<int>(bytes), api_.byte, recv,
                                static_cast<int>(bytes), api_.byte,
                                api_.commWorld),
                 "MPI_Allgather");
  }
  Status broadcast(void *data, size_t bytes, int root) override {
    Busy busy(*this);
    // In pieces below 2^31 bytes (MPI counts are int).
    char *p = static_cast<char *>(data);
    for (size_t done = 0; done < bytes || (bytes == 0 && done == 0);) {
      size_t n = std::min<size_t>(bytes - done, 1u << 30);
      if (Status st = check(api_.Bcast(p + done, static_cast<int>(n), api_.byte,
                                       root, api_.commWorld),
                            "MPI_Bcast");
          st.failed())
        return st;
      done += n;
      if (bytes == 0)
        break;
    }
    return Status::success();
  }
  Status barrier() override {
    Busy busy(*this);
    return check(api_.Barrier(api_.commWorld), "MPI_Barrier");
  }
  [[noreturn]] void abort(int code) override {
    api_.Abort(api_.commWorld, code);
    std::_Exit(code);
  }

private:
  /// Marks the time spent waiting in MPI for the watchdog.
  struct Busy {
    explicit Busy(MpiCollective &c) : c(c) { c.busySinceNs_ = nowNs(); }
    ~Busy() { c.busySinceNs_ = 0; }
    MpiCollective &c;
  };

  static int64_t nowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  /// Ends the process when one collective has waited past the timeout; the
  /// message is written with write(2), not through stdio, from this thread.
  void watch() {
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      int64_t since = busySinceNs_;
      if (!since || (nowNs() - since) < timeout_ * 1e9)
        continue;
      std::string message =
          "mpt-run: error: rank " + std::to_string(rank_) + " of " +
          std::to_string(size_) + ": a collective has waited " +
          std::to_string(static_cast<int64_t>(timeout_)) +
          " s for the other ranks (one died or hangs); stopping the run "
          "(checkpoints written so far are intact; MPT_COLLECTIVE_TIMEOUT "
          "sets the limit)\n";
      ssize_t ignored = ::write(2, message.data(), message.size());
      (void)ignored;
      std::_Exit(3);
    }
  }

  Status checkCount(size_t bytes, const char *call) const {
    if (bytes > static_cast<size_t>(INT_MAX))
      return Status::error("collective mpi: " + std::string(call) + " of " +
                           std::to_string(bytes) +
                           " bytes per rank is more than MPI's int count "
                           "(compile with a smaller --bucket-bytes)");
    return Status::success();
  }

  Status check(int rc, const char *call) const {
    if (rc == kMpiSuccess)
      return Status::success();
    char text[kMpiMaxErrorString + 1] = {};
    int len = 0;
    if (api_.Error_string(rc, text, &len) != kMpiSuccess)
      std::snprintf(text, sizeof text, "error %d", rc);
    return Status::error("collective mpi (rank " + std::to_string(rank_) +
                         " of " + std::to_string(size_) + "): " + call +
                         " failed: " + text + " (another rank may have died)");
  }

  const MpiApi &api_;
  int rank_, size_;
  std::string version_;
  double timeout_;
  std::atomic<int64_t> busySinceNs_{0};
  std::atomic<bool> stop_{false};
  std::thread watchdog_;
};

} // namespace

Expected<std::unique_ptr<Collective>> mpt::rt::createMpiCollective() {
  Expected<const MpiApi *> loaded = loadMpi();
  if (loaded.failed())
    return loaded.status();
  const MpiApi &api = **loaded;
  int initialized = 0;
  api.Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    int rc = api.Init_thread(nullptr, nullptr, kMpiThreadFunneled, &provided);
    if (rc != kMpiSuccess)
      return Status::error("collective mpi: MPI_Init_thread failed (error " +
                           std::to_string(rc) + ") in " + api.library);
  }
  api.Comm_set_errhandler(api.commWorld, api.errorsReturn);
  int rank = 0, size = 1;
  api.Comm_rank(api.commWorld, &rank);
  api.Comm_size(api.commWorld, &size);
  char version[kMpiMaxLibraryVersionString + 1] = {};
  int len = 0;
  std::string text = "MPI";
  if (api.Get_library_version(version, &len) == kMpiSuccess) {
    text = version;
    text = text.substr(0, text.find(','));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
      text.pop_back();
  }
  double timeout = 300;
  if (const char *env = std::getenv("MPT_COLLECTIVE_TIMEOUT"); env && *env) {
    char *end = nullptr;
    double v = std::strtod(env, &end);
    if (!end || *end || !(v >= 0))
      return Status::error("MPT_COLLECTIVE_TIMEOUT='" + std::string(env) +
                           "' is not a number of seconds (0: no limit)");
    timeout = v;
  }
  return std::unique_ptr<Collective>(
      new MpiCollective(api, rank, size, std::move(text), timeout));
}
