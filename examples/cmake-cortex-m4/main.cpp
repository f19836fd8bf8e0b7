// Firmware that runs two models built by mote_add_model() on one input each and
// prints what they found: a float keyword spotter and an int8 digit classifier.
#include <stdio.h>

#include "digits.h"  // mote_add_model(digits ... QUANTIZE int8)
#include "kws.h"     // mote_add_model(kws ...)
#include "sample_inputs.h"

namespace {

template <int N>
int top_class(const float (&scores)[N]) {
  int best = 0;
  for (int i = 1; i < N; ++i)
    if (scores[i] > scores[best]) best = i;
  return best;
}

float g_kws_scores[KWS_OUTPUT0_COUNT];
float g_digit_scores[DIGITS_OUTPUT0_COUNT];

}  // namespace

int main() {
  static_assert(KWS_INPUT0_COUNT == sizeof kKws_input / sizeof kKws_input[0], "kws input size");
  static_assert(DIGITS_INPUT0_COUNT == sizeof kDigits_input / sizeof kDigits_input[0], "digits input size");
  if (kws_run(kKws_input, g_kws_scores) != 0 || digits_run(kDigits_input, g_digit_scores) != 0) {
    printf("a model refused its buffers\n");
    return 2;
  }
  const int keyword = top_class(g_kws_scores), digit = top_class(g_digit_scores);
  printf("kws: keyword class %d (onnxruntime: %d), arena %d bytes\n", keyword, kKws_expected_class, KWS_ARENA_BYTES);
  printf("digits: digit %d (onnxruntime: %d), arena %d bytes\n", digit, kDigits_expected_class, DIGITS_ARENA_BYTES);
  return keyword == kKws_expected_class && digit == kDigits_expected_class ? 0 : 1;
}
