/*===- mpt_runtime.h - C API of libmpt_runtime ------------------*- C -*-===*\
|*                                                                          *|
|* Load an mpt artifact, create a training session on a device, feed       *|
|* batches, run steps, evaluate, save and restore checkpoints. Every       *|
|* function that can fail returns 0 on success (or a non-NULL handle) and  *|
|* otherwise sets a message that mpt_last_error() returns (per thread).    *|
|*                                                                          *|
|*   mpt_artifact *a = mpt_artifact_load("model.mpt");                     *|
|*   mpt_session *s = a ? mpt_session_create(a, "cpu") : NULL;             *|
|*   if (!s) { fprintf(stderr, "%s\n", mpt_last_error()); return 1; }      *|
|*   mpt_session_set_input(s, "x", x, sizeof x);                           *|
|*   mpt_session_set_input(s, "y", y, sizeof y);                           *|
|*   mpt_step_result r;                                                    *|
|*   if (mpt_session_step(s, &r) != 0) ...                                 *|
|*   printf("step %llu loss %g\n", (unsigned long long)r.step, r.loss);    *|
|*   mpt_session_save_checkpoint(s, "run.ckpt");                           *|
|*   mpt_session_destroy(s);                                               *|
|*   mpt_artifact_free(a);                                                 *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef MPT_RUNTIME_MPT_RUNTIME_H
#define MPT_RUNTIME_MPT_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mpt_artifact mpt_artifact;
typedef struct mpt_session mpt_session;

/* Element types (the numbers match the checkpoint format). */
typedef enum mpt_dtype {
  MPT_F32 = 1,
  MPT_F16 = 2,
  MPT_BF16 = 3,
  MPT_F64 = 4,
  MPT_I1 = 5, /* one byte per element */
  MPT_I8 = 6,
  MPT_I32 = 7,
  MPT_I64 = 8
} mpt_dtype;

/* Describes one tensor; the pointers stay valid as long as the session. */
typedef struct mpt_tensor_info {
  const char *name;
  const char *role; /* "param", "working_copy", "opt_state", ... */
  mpt_dtype dtype;
  int32_t rank;
  const int64_t *shape;
  size_t bytes; /* dense row-major size */
} mpt_tensor_info;

typedef struct mpt_step_result {
  uint64_t step; /* steps completed, 1 after the first */
  double loss;   /* NaN when the step has no loss */
  int has_scale; /* 1 when the model has a loss scale */
  double scale;  /* the loss scale after this step */
  int skipped;   /* 1 when the step was skipped (found_inf) */
} mpt_step_result;

typedef struct mpt_eval_result {
  double loss;      /* NaN when eval_step has no loss */
  int has_accuracy; /* 1 when logits and integer labels were found */
  int64_t correct;
  int64_t count;
} mpt_eval_result;

/* The message of the last failed call on this thread ("" if none). */
const char *mpt_last_error(void);
/* "0.1.0 (artifact format 1, checkpoint format 1)". */
const char *mpt_runtime_version(void);

/* Artifacts. */
mpt_artifact *mpt_artifact_load(const char *path);
mpt_artifact *mpt_artifact_load_memory(const void *data, size_t size,
                                       const char *name);
void mpt_artifact_free(mpt_artifact *artifact);
/* The signature table as JSON text (owned by the artifact). */
const char *mpt_artifact_signature_json(const mpt_artifact *artifact);

/* Sessions. `device` is "cpu". State starts from the artifact's init. */
mpt_session *mpt_session_create(const mpt_artifact *artifact,
                                const char *device);
void mpt_session_destroy(mpt_session *session);

/* State tensors (parameters, working copies, optimizer and loss-scale
 * state), in train_step argument order. */
int32_t mpt_session_state_count(const mpt_session *session);
int mpt_session_state_info(const mpt_session *session, int32_t index,
                           mpt_tensor_info *info);
int mpt_session_read_state(const mpt_session *session, const char *name,
                           void *dst, size_t bytes);
int mpt_session_write_state(mpt_session *session, const char *name,
                            const void *src, size_t bytes);
uint64_t mpt_session_step_count(const mpt_session *session);

/* Training: bind inputs (they stay bound), then step. */
int32_t mpt_session_input_count(const mpt_session *session);
int mpt_session_input_info(const mpt_session *session, int32_t index,
                           mpt_tensor_info *info);
int mpt_session_set_input(mpt_session *session, const char *name,
                          const void *data, size_t bytes);
int mpt_session_step(mpt_session *session, mpt_step_result *result);
/* A result of the last step by name (e.g. "found_inf"), or "#<index>". */
int mpt_session_read_result(const mpt_session *session, const char *name,
                            void *dst, size_t bytes);

/* Evaluation with eval_step. */
int32_t mpt_session_eval_input_count(const mpt_session *session);
int mpt_session_eval_input_info(const mpt_session *session, int32_t index,
                                mpt_tensor_info *info);
int mpt_session_set_eval_input(mpt_session *session, const char *name,
                               const void *data, size_t bytes);
int mpt_session_eval(mpt_session *session, mpt_eval_result *result);

/* Checkpoints: atomic writes; a failed load leaves the session unchanged. */
int mpt_session_save_checkpoint(const mpt_session *session, const char *path);
int mpt_session_load_checkpoint(mpt_session *session, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* MPT_RUNTIME_MPT_RUNTIME_H */
