/*===- lossscale.c - Test step: dynamic loss scaling driven by the input -===*\
 *
 * train_step(w: f32[1] param, loss_scale.scale: f32[] loss_scale_state,
 *            loss_scale.growth_tracker: i32[] loss_scale_state,
 *            g: f32[1, 1] input)
 *     -> (w', scale', tracker' (each updating its argument), loss: f32[],
 *         found_inf: i1[] output)
 *
 * The gradient of w is the fed input g. Scaled by the loss scale it is
 * computed "in FP16": it overflows when |g * scale| rounds past 65504
 * (>= 65520). GradScaler semantics with growth factor 2, backoff 0.25,
 * growth interval 2: an overflow skips the update (w unchanged bit for bit),
 * multiplies the scale by 0.25 and resets the tracker; two clean steps in a
 * row double the scale.
\*===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdint.h>

int32_t mpt_train_step(void *const *buffers) {
  const float *w = buffers[0], *scale = buffers[1], *g = buffers[3];
  const int32_t *tracker = buffers[2];
  float *w2 = buffers[4], *scale2 = buffers[5], *loss = buffers[7];
  int32_t *tracker2 = buffers[6];
  uint8_t *foundInf = buffers[8];
  float scaled = g[0] * scale[0];
  int found = !(fabsf(scaled) < 65520.0f);
  *loss = w[0] * g[0];
  *foundInf = (uint8_t)found;
  if (found) {
    w2[0] = w[0];
    *scale2 = scale[0] * 0.25f;
    *tracker2 = 0;
    return 0;
  }
  w2[0] = w[0] - 0.01f * (scaled / scale[0]);
  int32_t t = tracker[0] + 1;
  *scale2 = scale[0];
  if (t == 2) {
    *scale2 = scale[0] * 2.0f;
    t = 0;
  }
  *tracker2 = t;
  return 0;
}
