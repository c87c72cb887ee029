/*===- linear.c - Test step: softmax regression on 8x8 digits -----------===*\
 *
 * train_step(W: f32[64, 10] param, b: f32[10] param,
 *            W.momentum: f32[64, 10] opt_state, b.momentum: f32[10] opt_state,
 *            x: f32[32, 8, 8, 1] input, y: i32[32] input)
 *     -> (W', b', W.momentum', b.momentum', loss: f32[])
 *   logits = flatten(x) W + b, loss = mean softmax cross-entropy,
 *   SGD with momentum 0.9 and learning rate 0.1 (PyTorch's formulas).
 * eval_step(W, b, x, y) -> (loss: f32[], logits: f32[32, 10] output)
 *
 * Like mpt-compile's code it reports the bytes of its temporaries through
 * mpt_memory_stats: train_step holds 2560 bytes (logits and their
 * gradient), eval_step 81920 (a [32, 64, 10] work area, only there to tell
 * the two peaks apart).
\*===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int64_t live_bytes, peak_bytes;

static void *scratch(size_t n) {
  live_bytes += (int64_t)n;
  if (live_bytes > peak_bytes)
    peak_bytes = live_bytes;
  return malloc(n);
}

static void unscratch(void *p, size_t n) {
  live_bytes -= (int64_t)n;
  free(p);
}

void mpt_memory_stats(int64_t *live, int64_t *peak, int reset) {
  if (live)
    *live = live_bytes;
  if (peak)
    *peak = peak_bytes;
  if (reset)
    peak_bytes = live_bytes;
}

enum { B = 32, D = 64, K = 10 };

static float forward(const float *W, const float *bias, const float *x,
                     const int32_t *y, float *logits, float *dlogits) {
  float loss = 0.0f;
  for (int n = 0; n < B; ++n) {
    float *z = logits + n * K;
    float mx = -INFINITY;
    for (int k = 0; k < K; ++k) {
      float s = bias[k];
      for (int d = 0; d < D; ++d)
        s += x[n * D + d] * W[d * K + k];
      z[k] = s;
      mx = fmaxf(mx, s);
    }
    float sum = 0.0f;
    for (int k = 0; k < K; ++k)
      sum += expf(z[k] - mx);
    int label = y[n];
    if (label < 0 || label >= K)
      return NAN;
    loss += logf(sum) + mx - z[label];
    if (dlogits)
      for (int k = 0; k < K; ++k)
        dlogits[n * K + k] =
            (expf(z[k] - mx) / sum - (k == label ? 1.0f : 0.0f)) / B;
  }
  return loss / B;
}

int32_t mpt_train_step(void *const *buf) {
  const float *W = buf[0], *bias = buf[1], *mW = buf[2], *mb = buf[3];
  const float *x = buf[4];
  const int32_t *y = buf[5];
  float *W2 = buf[6], *b2 = buf[7], *mW2 = buf[8], *mb2 = buf[9];
  float *loss = buf[10];
  float *logits = scratch(sizeof(float) * B * K);
  float *dlogits = scratch(sizeof(float) * B * K);
  if (!logits || !dlogits)
    return 1;
  *loss = forward(W, bias, x, y, logits, dlogits);
  for (int d = 0; d < D; ++d)
    for (int k = 0; k < K; ++k) {
      float g = 0.0f;
      for (int n = 0; n < B; ++n)
        g += x[n * D + d] * dlogits[n * K + k];
      float m = 0.9f * mW[d * K + k] + g;
      mW2[d * K + k] = m;
      W2[d * K + k] = W[d * K + k] - 0.1f * m;
    }
  for (int k = 0; k < K; ++k) {
    float g = 0.0f;
    for (int n = 0; n < B; ++n)
      g += dlogits[n * K + k];
    float m = 0.9f * mb[k] + g;
    mb2[k] = m;
    b2[k] = bias[k] - 0.1f * m;
  }
  unscratch(logits, sizeof(float) * B * K);
  unscratch(dlogits, sizeof(float) * B * K);
  return 0;
}

int32_t mpt_eval_step(void *const *buf) {
  const float *W = buf[0], *bias = buf[1], *x = buf[2];
  const int32_t *y = buf[3];
  float *loss = buf[4], *logits = buf[5];
  void *work = scratch(sizeof(float) * B * D * K);
  if (!work)
    return 1;
  memset(work, 0, sizeof(float) * B * D * K);
  *loss = forward(W, bias, x, y, logits, 0);
  unscratch(work, sizeof(float) * B * D * K);
  return 0;
}
