// Two models compiled twice each: with their own static arena, and with
// SYMBOL_EXTERNAL_ARENA, sharing one caller-owned buffer that starts as garbage.
// The shared-arena runs must give the static runs' outputs byte for byte.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "digits_ext.h"
#include "digits_static.h"
#include "kws_ext.h"
#include "kws_static.h"

namespace {

constexpr int kShared = DIGITS_EXT_ARENA_BYTES > KWS_EXT_ARENA_BYTES ? DIGITS_EXT_ARENA_BYTES : KWS_EXT_ARENA_BYTES;
alignas(DIGITS_EXT_ARENA_ALIGN > KWS_EXT_ARENA_ALIGN ? DIGITS_EXT_ARENA_ALIGN : KWS_EXT_ARENA_ALIGN) uint8_t g_shared[kShared];

void fill(float* x, int n, uint32_t seed) {
  for (int i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    x[i] = static_cast<float>(static_cast<int32_t>(seed >> 8) % 2000) / 1000.0f;
  }
}

int failures = 0;
void check(bool ok, const char* what) {
  printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

}  // namespace

int main() {
  static float digits_in[DIGITS_STATIC_INPUT0_COUNT], digits_ref[DIGITS_STATIC_OUTPUT0_COUNT],
      digits_out[DIGITS_EXT_OUTPUT0_COUNT];
  static float kws_in[KWS_STATIC_INPUT0_COUNT], kws_ref[KWS_STATIC_OUTPUT0_COUNT], kws_out[KWS_EXT_OUTPUT0_COUNT];
  fill(digits_in, DIGITS_STATIC_INPUT0_COUNT, 1);
  fill(kws_in, KWS_STATIC_INPUT0_COUNT, 2);
  check(digits_static_run(digits_in, digits_ref) == 0, "digits with its static arena");
  check(kws_static_run(kws_in, kws_ref) == 0, "kws with its static arena");

  memset(g_shared, 0xA5, sizeof g_shared);  // the caller's arena need not be initialised
  check(digits_ext_run_arena(g_shared, digits_in, digits_out) == 0, "digits in the shared arena");
  check(memcmp(digits_out, digits_ref, sizeof digits_ref) == 0, "digits: shared-arena output equals static-arena output");
  check(kws_ext_run_arena(g_shared, kws_in, kws_out) == 0, "kws in the same arena, after digits");
  check(memcmp(kws_out, kws_ref, sizeof kws_ref) == 0, "kws: shared-arena output equals static-arena output");
  const void* ins[] = {digits_in};
  void* outs[] = {digits_out};
  memset(digits_out, 0, sizeof digits_out);
  check(digits_ext_invoke_arena(g_shared, ins, outs) == 0 && memcmp(digits_out, digits_ref, sizeof digits_ref) == 0,
        "digits through invoke_arena, after kws");
  check(kws_ext_run_arena(nullptr, kws_in, kws_out) == -1, "a null arena is refused");
  check(kws_ext_run_arena(g_shared + 1, kws_in, kws_out) == -1, "a misaligned arena is refused");
  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
