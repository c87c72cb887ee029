/* A step that calls a function nothing defines: loading it must fail with
 * a message that names the artifact and the symbol. */
#include <stdint.h>

extern int32_t mpt_test_function_that_does_not_exist(void);

int32_t mpt_train_step(void *const *buffers) {
  (void)buffers;
  return mpt_test_function_that_does_not_exist();
}
