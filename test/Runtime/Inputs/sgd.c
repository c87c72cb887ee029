/*===- sgd.c - Test step: one parameter vector, plain SGD ----------------===*\
 *
 * train_step(w: f32[4] param, x: f32[2, 4] input)
 *     -> (w': f32[4] param updates w, loss: f32[] loss)
 *   loss = mean_b sum_i w_i x_bi,  grad_i = mean_b x_bi,  w' = w - 0.1 grad
 * eval_step(w: f32[4] param, x: f32[2, 4] input)
 *     -> (loss: f32[] loss, out: f32[2] output "logits"-less output)
 *
 * A batch whose first element is -12345 makes the step fail (returns 7), so
 * tests can check that a failed step leaves the state unchanged.
\*===----------------------------------------------------------------------===*/

#include <stdint.h>

int32_t mpt_train_step(void *const *buffers) {
  const float *w = buffers[0], *x = buffers[1];
  float *w2 = buffers[2], *loss = buffers[3];
  if (x[0] == -12345.0f)
    return 7;
  float l = 0.0f;
  for (int i = 0; i < 4; ++i) {
    float g = (x[i] + x[4 + i]) * 0.5f;
    l += w[i] * g;
    w2[i] = w[i] - 0.1f * g;
  }
  *loss = l;
  return 0;
}

int32_t mpt_eval_step(void *const *buffers) {
  const float *w = buffers[0], *x = buffers[1];
  float *loss = buffers[2], *out = buffers[3];
  float l = 0.0f;
  for (int b = 0; b < 2; ++b) {
    out[b] = 0.0f;
    for (int i = 0; i < 4; ++i)
      out[b] += w[i] * x[4 * b + i];
    l += out[b];
  }
  *loss = l * 0.5f;
  return 0;
}
