// libFuzzer's entry for programs that have a `main` of their own (compiler-rt's
// FuzzerInterface.h). SwiftPM links every executable target with `main` aliased to the
// module's `<Module>_main`, so each harness defines that and hands control to libFuzzer here.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
