// Harness for generated code: reads each input from a raw little-endian file,
// runs the model once, writes each output to a raw file. `mote verify` builds it
// with the generated files and compares the outputs.
//
//   harness IN_0.bin ... IN_n.bin -- OUT_0.bin ... OUT_m.bin
//
// With MOTE_BARE_METAL (Cortex-M under QEMU) there are no arguments: files are
// in_N.bin and out_N.bin in the folder QEMU runs in, reached over semihosting, and
// the inference is timed (SysTick) and its peak stack measured (startup.c).
//
// Compiled with -DMOTE_MODEL_HEADER="<symbol>.h", -DMOTE_SYMBOL=<symbol> and
// -DMOTE_SYMBOL_UPPER=<SYMBOL>. Unlike the generated code it may use the heap:
// its buffers are sized exactly, so AddressSanitizer sees any overrun.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include MOTE_MODEL_HEADER

#define MOTE_CAT2(a, b) a##b
#define MOTE_CAT(a, b) MOTE_CAT2(a, b)
#define MOTE_MACRO(suffix) MOTE_CAT(MOTE_SYMBOL_UPPER, suffix)

static const long kInCounts[MOTE_MACRO(_NUM_INPUTS) + 1] = MOTE_MACRO(_INPUT_COUNTS);
static const long kInBytes[MOTE_MACRO(_NUM_INPUTS) + 1] = MOTE_MACRO(_INPUT_ELEMENT_BYTES);
static const long kOutCounts[MOTE_MACRO(_NUM_OUTPUTS) + 1] = MOTE_MACRO(_OUTPUT_COUNTS);
static const long kOutBytes[MOTE_MACRO(_NUM_OUTPUTS) + 1] = MOTE_MACRO(_OUTPUT_ELEMENT_BYTES);

#ifdef MOTE_BARE_METAL
extern "C" void mote_timer_start(void);
extern "C" unsigned long long mote_timer_ticks(void);
extern "C" unsigned int* mote_stack_paint(void);
extern "C" unsigned int mote_stack_used(const unsigned int* top);
#ifdef MOTE_PROFILE
extern "C" unsigned int mote_layer_overhead(void);
extern "C" int mote_layers_seen(void);
extern "C" unsigned int mote_layer_ticks(int index);
#endif
static char g_names[64][32];
#endif

static int fail(const char* what, const char* path) {
  fprintf(stderr, "harness: %s %s\n", what, path);
  return 2;
}

int main(int argc, char** argv) {
  const int n_in = MOTE_MACRO(_NUM_INPUTS), n_out = MOTE_MACRO(_NUM_OUTPUTS);
#ifdef MOTE_BARE_METAL
  static char* names[64 + 2];
  if (argc < 2 && n_in + n_out < 64) {
    names[0] = g_names[0];
    for (int i = 0; i < n_in; ++i) snprintf(names[1 + i] = g_names[1 + i], 32, "in_%d.bin", i);
    names[n_in + 1] = (char*)"--";
    for (int i = 0; i < n_out; ++i) snprintf(names[n_in + 2 + i] = g_names[n_in + 2 + i], 32, "out_%d.bin", i);
    argc = n_in + n_out + 2;
    argv = names;
  }
#endif
  if (argc != n_in + n_out + 2 || strcmp(argv[n_in + 1], "--") != 0) {
    fprintf(stderr, "usage: %s <%d input files> -- <%d output files>\n", argv[0], n_in, n_out);
    return 2;
  }
  void* inputs[MOTE_MACRO(_NUM_INPUTS) + 1] = {0};
  void* outputs[MOTE_MACRO(_NUM_OUTPUTS) + 1] = {0};
  for (int i = 0; i < n_in; ++i) {
    const long bytes = kInCounts[i] * kInBytes[i];
    inputs[i] = malloc(bytes > 0 ? (size_t)bytes : 1);
    FILE* f = fopen(argv[1 + i], "rb");
    if (!f) return fail("cannot open", argv[1 + i]);
    const size_t got = fread(inputs[i], 1, (size_t)bytes, f);
    fclose(f);
    if (got != (size_t)bytes) return fail("wrong size:", argv[1 + i]);
  }
  for (int i = 0; i < n_out; ++i) {
    const long bytes = kOutCounts[i] * kOutBytes[i];
    outputs[i] = malloc(bytes > 0 ? (size_t)bytes : 1);
  }
#ifdef MOTE_BARE_METAL
  mote_timer_start();
#ifdef MOTE_PROFILE
  const unsigned int overhead = mote_layer_overhead();
#endif
  const unsigned int* stack_top = mote_stack_paint();
  const unsigned long long t0 = mote_timer_ticks();
#endif
  const int rc = MOTE_CAT(MOTE_SYMBOL, _invoke)((const void* const*)inputs, outputs);
#ifdef MOTE_BARE_METAL
  const unsigned long long t1 = mote_timer_ticks();
  printf("mote-bench: ticks=%llu stack_bytes=%u\n", t1 - t0, mote_stack_used(stack_top));
#ifdef MOTE_PROFILE
  printf("mote-layer-overhead: ticks=%u\n", overhead);
  for (int i = 0; i < mote_layers_seen(); ++i) printf("mote-layer: %d ticks=%u\n", i, mote_layer_ticks(i));
#endif
#endif
  if (rc != 0) {
    fprintf(stderr, "harness: the model returned %d\n", rc);
    return 3;
  }
  for (int i = 0; i < n_out; ++i) {
    const long bytes = kOutCounts[i] * kOutBytes[i];
    FILE* f = fopen(argv[n_in + 2 + i], "wb");
    if (!f) return fail("cannot create", argv[n_in + 2 + i]);
    const size_t put = fwrite(outputs[i], 1, (size_t)bytes, f);
    fclose(f);
    if (put != (size_t)bytes) return fail("cannot write", argv[n_in + 2 + i]);
  }
  for (int i = 0; i < n_in; ++i) free(inputs[i]);
  for (int i = 0; i < n_out; ++i) free(outputs[i]);
  return 0;
}
