/*===- mixed.c - Test step: every init form and narrow state types ------===*\
 *
 * State of every dtype and init the signature table can describe (uniform
 * f32/bf16 with seeds up to 2^64-1, constant f16/i32, zeros f64/i8/i1, and
 * an f16 working copy initialised as cast_of its f32 master), so the
 * runtime's initial values can be compared with the Python frontend's RNG.
 *
 * train_step(master f32[3, 5], wc f16[3, 5], e bf16[7], c f16[2],
 *            k i32[3], z f64[2], q i8[4], flag i1[2], big f32[1000],
 *            x f32[1, 1] input)
 *   -> master' = master + x, wc' = f16(master'), k' = k + 1, every other
 *      state unchanged, loss = x
\*===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

int32_t mpt_train_step(void *const *b) {
  const float *master = b[0], *x = b[9];
  float *master2 = b[10];
  _Float16 *wc2 = b[11];
  for (int i = 0; i < 15; ++i) {
    master2[i] = master[i] + x[0];
    wc2[i] = (_Float16)master2[i];
  }
  memcpy(b[12], b[2], 7 * 2);
  memcpy(b[13], b[3], 2 * 2);
  const int32_t *k = b[4];
  int32_t *k2 = b[14];
  for (int i = 0; i < 3; ++i)
    k2[i] = k[i] + 1;
  memcpy(b[15], b[5], 2 * 8);
  memcpy(b[16], b[6], 4);
  memcpy(b[17], b[7], 2);
  memcpy(b[18], b[8], 1000 * 4);
  *(float *)b[19] = x[0];
  return 0;
}
