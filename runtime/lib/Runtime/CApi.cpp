//===- CApi.cpp - C API of libmpt_runtime ---------------------------------===//

#include "mpt-runtime/Session.h"
#include "mpt-runtime/mpt_runtime.h"

#include <exception>
#include <limits>
#include <new>
#include <string>

using namespace mpt::rt;

struct mpt_artifact {
  ArtifactRef artifact;
  std::string name;
  std::string json;
};

struct mpt_session {
  std::unique_ptr<Session> session;
};

static thread_local std::string lastError;
/// Set when even the message could not be stored.
static thread_local bool lastErrorLost = false;

static void setError(const std::string &message) noexcept {
  try {
    lastError = message;
    lastErrorLost = false;
  } catch (...) {
    lastError.clear();
    lastErrorLost = true;
  }
}

static int failWith(const std::string &message) {
  setError(message);
  return 1;
}

template <typename T> static T *failNull(const std::string &message) {
  setError(message);
  return nullptr;
}

/// Runs the body of C API function `fn`: nothing is thrown across the C
/// boundary. Running out of memory (std::bad_alloc from any allocation) is
/// an error return with "fn: out of memory" as the message.
template <typename R, typename F>
static R guarded(const char *fn, R onError, F &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    setError(std::string(fn) + ": out of memory");
  } catch (const std::exception &e) {
    setError(std::string(fn) + ": internal error: " + e.what());
  } catch (...) {
    setError(std::string(fn) + ": internal error");
  }
  return onError;
}

static int check(const Status &st) {
  if (st.failed())
    return failWith(st.message());
  return 0;
}

static void fillInfo(const TensorSpec &t, mpt_tensor_info *info) {
  info->name = t.name.c_str();
  info->role = roleName(t.role);
  info->dtype = static_cast<mpt_dtype>(t.dtype);
  info->rank = static_cast<int32_t>(t.shape.size());
  info->shape = t.shape.data();
  info->bytes = t.byteSize();
}

extern "C" {

const char *mpt_last_error(void) {
  return lastErrorLost ? "out of memory" : lastError.c_str();
}

const char *mpt_runtime_version(void) {
  static const std::string v =
      "0.1.0 (artifact format " + std::to_string(kArtifactFormatVersion) +
      ", checkpoint format " + std::to_string(kCheckpointFormatVersion) + ")";
  return v.c_str();
}

mpt_artifact *mpt_artifact_load(const char *path) {
  return guarded<mpt_artifact *>(
      "mpt_artifact_load", nullptr, [&]() -> mpt_artifact * {
        if (!path)
          return failNull<mpt_artifact>("mpt_artifact_load: path is NULL");
        Expected<ArtifactRef> a = loadArtifact(path);
        if (a.failed())
          return failNull<mpt_artifact>(a.message());
        auto out = std::make_unique<mpt_artifact>();
        out->artifact = a.take();
        out->name = path;
        out->json = out->artifact->manifest.toJsonText(2);
        return out.release();
      });
}

mpt_artifact *mpt_artifact_load_memory(const void *data, size_t size,
                                       const char *name) {
  return guarded<mpt_artifact *>(
      "mpt_artifact_load_memory", nullptr, [&]() -> mpt_artifact * {
        if (!data)
          return failNull<mpt_artifact>(
              "mpt_artifact_load_memory: data is NULL");
        std::string n = name ? name : "<memory>";
        Expected<ArtifactContents> a = parseArtifact(
            std::string_view(static_cast<const char *>(data), size), n);
        if (a.failed())
          return failNull<mpt_artifact>(a.message());
        auto out = std::make_unique<mpt_artifact>();
        out->artifact = std::make_shared<const ArtifactContents>(a.take());
        out->name = n;
        out->json = out->artifact->manifest.toJsonText(2);
        return out.release();
      });
}

void mpt_artifact_free(mpt_artifact *artifact) { delete artifact; }

const char *mpt_artifact_signature_json(const mpt_artifact *artifact) {
  return artifact ? artifact->json.c_str() : "";
}

mpt_session *mpt_session_create(const mpt_artifact *artifact,
                                const char *device) {
  return guarded<mpt_session *>(
      "mpt_session_create", nullptr, [&]() -> mpt_session * {
        if (!artifact)
          return failNull<mpt_session>("mpt_session_create: artifact is NULL");
        SessionOptions opts;
        opts.artifactName = artifact->name;
        Expected<std::unique_ptr<Session>> s =
            Session::create(artifact->artifact, device ? device : "cpu", opts);
        if (s.failed())
          return failNull<mpt_session>(s.message());
        auto out = std::make_unique<mpt_session>();
        out->session = s.take();
        return out.release();
      });
}

void mpt_session_destroy(mpt_session *session) { delete session; }

int32_t mpt_session_state_count(const mpt_session *session) {
  return session ? static_cast<int32_t>(session->session->stateSpecs().size())
                 : 0;
}

static int infoAt(const std::vector<const TensorSpec *> &specs, int32_t index,
                  mpt_tensor_info *info, const char *what) {
  if (!info || index < 0 || static_cast<size_t>(index) >= specs.size())
    return failWith(std::string(what) + ": index " + std::to_string(index) +
                    " out of range (" + std::to_string(specs.size()) + ")");
  fillInfo(*specs[index], info);
  return 0;
}

int mpt_session_state_info(const mpt_session *session, int32_t index,
                           mpt_tensor_info *info) {
  return guarded<int>("mpt_session_state_info", 1, [&]() -> int {
    if (!session)
      return failWith("mpt_session_state_info: session is NULL");
    return infoAt(session->session->stateSpecs(), index, info,
                  "mpt_session_state_info");
  });
}

int mpt_session_read_state(const mpt_session *session, const char *name,
                           void *dst, size_t bytes) {
  return guarded<int>("mpt_session_read_state", 1, [&]() -> int {
    if (!session || !name || (!dst && bytes))
      return failWith("mpt_session_read_state: NULL argument");
    return check(session->session->readState(name, dst, bytes));
  });
}

int mpt_session_write_state(mpt_session *session, const char *name,
                            const void *src, size_t bytes) {
  return guarded<int>("mpt_session_write_state", 1, [&]() -> int {
    if (!session || !name || (!src && bytes))
      return failWith("mpt_session_write_state: NULL argument");
    return check(session->session->writeState(name, src, bytes));
  });
}

uint64_t mpt_session_step_count(const mpt_session *session) {
  return session ? session->session->stepCount() : 0;
}

int32_t mpt_session_input_count(const mpt_session *session) {
  return guarded<int32_t>("mpt_session_input_count", 0, [&]() -> int32_t {
    return session ? static_cast<int32_t>(session->session->inputSpecs().size())
                   : 0;
  });
}

int mpt_session_input_info(const mpt_session *session, int32_t index,
                           mpt_tensor_info *info) {
  return guarded<int>("mpt_session_input_info", 1, [&]() -> int {
    if (!session)
      return failWith("mpt_session_input_info: session is NULL");
    return infoAt(session->session->inputSpecs(), index, info,
                  "mpt_session_input_info");
  });
}

int mpt_session_set_input(mpt_session *session, const char *name,
                          const void *data, size_t bytes) {
  return guarded<int>("mpt_session_set_input", 1, [&]() -> int {
    if (!session || !name || (!data && bytes))
      return failWith("mpt_session_set_input: NULL argument");
    return check(session->session->setInput(name, data, bytes));
  });
}

int mpt_session_step(mpt_session *session, mpt_step_result *result) {
  return guarded<int>("mpt_session_step", 1, [&]() -> int {
    if (!session)
      return failWith("mpt_session_step: session is NULL");
    Expected<StepResult> r = session->session->step();
    if (r.failed())
      return failWith(r.message());
    if (result) {
      result->step = r->step;
      result->loss = r->loss;
      result->has_scale = r->scale.has_value();
      result->scale =
          r->scale ? *r->scale : std::numeric_limits<double>::quiet_NaN();
      result->skipped = r->skipped;
    }
    return 0;
  });
}

int mpt_session_read_result(const mpt_session *session, const char *name,
                            void *dst, size_t bytes) {
  return guarded<int>("mpt_session_read_result", 1, [&]() -> int {
    if (!session || !name || (!dst && bytes))
      return failWith("mpt_session_read_result: NULL argument");
    return check(session->session->readResult(name, dst, bytes));
  });
}

int32_t mpt_session_eval_input_count(const mpt_session *session) {
  return guarded<int32_t>("mpt_session_eval_input_count", 0, [&]() -> int32_t {
    return session
               ? static_cast<int32_t>(session->session->evalInputSpecs().size())
               : 0;
  });
}

int mpt_session_eval_input_info(const mpt_session *session, int32_t index,
                                mpt_tensor_info *info) {
  return guarded<int>("mpt_session_eval_input_info", 1, [&]() -> int {
    if (!session)
      return failWith("mpt_session_eval_input_info: session is NULL");
    return infoAt(session->session->evalInputSpecs(), index, info,
                  "mpt_session_eval_input_info");
  });
}

int mpt_session_set_eval_input(mpt_session *session, const char *name,
                               const void *data, size_t bytes) {
  return guarded<int>("mpt_session_set_eval_input", 1, [&]() -> int {
    if (!session || !name || (!data && bytes))
      return failWith("mpt_session_set_eval_input: NULL argument");
    return check(session->session->setEvalInput(name, data, bytes));
  });
}

int mpt_session_eval(mpt_session *session, mpt_eval_result *result) {
  return guarded<int>("mpt_session_eval", 1, [&]() -> int {
    if (!session)
      return failWith("mpt_session_eval: session is NULL");
    Expected<EvalBatchResult> r = session->session->evalBatch();
    if (r.failed())
      return failWith(r.message());
    if (result) {
      result->loss = r->loss;
      result->has_accuracy = r->hasAccuracy;
      result->correct = r->correct;
      result->count = r->count;
    }
    return 0;
  });
}

int mpt_session_save_checkpoint(const mpt_session *session, const char *path) {
  return guarded<int>("mpt_session_save_checkpoint", 1, [&]() -> int {
    if (!session || !path)
      return failWith("mpt_session_save_checkpoint: NULL argument");
    return check(session->session->saveCheckpoint(path));
  });
}

int mpt_session_load_checkpoint(mpt_session *session, const char *path) {
  return guarded<int>("mpt_session_load_checkpoint", 1, [&]() -> int {
    if (!session || !path)
      return failWith("mpt_session_load_checkpoint: NULL argument");
    return check(session->session->loadCheckpoint(path));
  });
}

} // extern "C"
