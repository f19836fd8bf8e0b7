#include <catch2/catch.hpp>

#include "compiler/cli/suggest.h"

using mote::cli::edit_distance;
using mote::cli::nearest;
using mote::cli::unknown_word_message;

TEST_CASE("edit distance counts inserts, deletes, substitutions and swaps", "[cli]") {
  CHECK(edit_distance("output", "output") == 0);
  CHECK(edit_distance("--outptu", "--output") == 1);  // two neighbours swapped
  CHECK(edit_distance("--ouput", "--output") == 1);
  CHECK(edit_distance("--targte", "--target") == 1);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("nearest suggests only what is close enough to be a typo", "[cli]") {
  const std::vector<std::string> flags = {"--output", "--target", "--quantize", "--calibrate", "--name"};
  CHECK(nearest("--outptu", flags) == "--output");
  CHECK(nearest("--quantise", flags) == "--quantize");
  CHECK(nearest("--calibration", flags) == "--calibrate");
  CHECK(nearest("--frobnicate", flags).empty());
  CHECK(nearest("x", flags).empty());
}

TEST_CASE("the first unknown command or flag is named with a suggestion", "[cli]") {
  const std::vector<std::string> subs = {"compile", "verify"};
  const std::vector<std::vector<std::string>> flags = {{"--output", "--target"}, {"--atol", "--data"}};
  CHECK(unknown_word_message({"compil", "m.onnx"}, subs, flags) == "unknown command 'compil'; did you mean 'compile'?");
  CHECK(unknown_word_message({"frobnicate"}, subs, flags) == "unknown command 'frobnicate'");
  CHECK(unknown_word_message({"compile", "m.onnx", "--outptu", "o"}, subs, flags) ==
        "unknown option '--outptu' for 'compile'; did you mean '--output'?");
  CHECK(unknown_word_message({"verify", "m.onnx", "--atl=1e-3"}, subs, flags) ==
        "unknown option '--atl' for 'verify'; did you mean '--atol'?");
  // A flag of another subcommand is unknown here, and values are not flags.
  CHECK(unknown_word_message({"verify", "m.onnx", "--output", "o"}, subs, flags).rfind("unknown option '--output'", 0) == 0);
  CHECK(unknown_word_message({"compile", "m.onnx", "--output", "o", "--target=cortex-m4"}, subs, flags).empty());
  CHECK(unknown_word_message({"--help"}, subs, flags).empty());
}
