/* Drives the entry point mpt-compile generates (entry.c) with a stand-in for
 * the compiled step whose temporary cannot be allocated: the entry must
 * return kEntryOutOfMemory (1) instead of letting the step write through a
 * null pointer, and the next call must run normally. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int32_t mpt_train_step(void *const *buffers);
void mpt_memory_stats(int64_t *live, int64_t *peak, int reset);

static size_t request;

/* linear_mse_train_step: 4 arguments and 3 results. */
void _mlir_ciface_train_step(void *a, void *b, void *c, void *d, void *e,
                             void *f, void *g) {
  (void)a, (void)b, (void)c, (void)d, (void)e, (void)f, (void)g;
  volatile char *p = malloc(request);
  p[0] = 1; /* the compiled code does not check malloc's result either */
  p[request - 1] = 2;
  free((void *)p);
}

int main(void) {
  static char storage[7][16];
  void *buffers[7];
  for (int i = 0; i < 7; ++i)
    buffers[i] = storage[i];
  request = (size_t)1 << 62; /* no machine has 4 EiB */
  printf("huge: %d\n", (int)mpt_train_step(buffers));
  request = 4096;
  printf("small: %d\n", (int)mpt_train_step(buffers));
  int64_t live, peak;
  mpt_memory_stats(&live, &peak, 0);
  printf("live %lld peak %lld\n", (long long)live, (long long)peak);
  return 0;
}
