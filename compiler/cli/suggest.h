#pragma once
// "Did you mean" for the command line: CLI11 reports a mistyped flag as a missing
// required one or as an extra argument, which sends a new user looking in the
// wrong place. This names the unknown word and the nearest known one instead.
#include <string>
#include <vector>

namespace mote::cli {

// The number of single-character edits (insert, delete, substitute, swap of two
// neighbours) that turn `a` into `b`.
int edit_distance(const std::string& a, const std::string& b);

// The candidate nearest to `word`, if it is close enough to be a typo of it
// (at most a third of its length away, and at most 3 edits); else "".
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// For arguments `args` (argv without the program name): the first word that is
// not a known subcommand (when none was given) or, after the subcommand, the
// first "--flag" that is not one of `flags_of(subcommand)`, as one line such as
// "unknown option '--outptu' for 'compile'; did you mean '--output'?". Empty when
// every word is known.
std::string unknown_word_message(const std::vector<std::string>& args, const std::vector<std::string>& subcommands,
                                 const std::vector<std::vector<std::string>>& flags_per_subcommand);

}  // namespace mote::cli
