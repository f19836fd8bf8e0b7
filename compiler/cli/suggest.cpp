#include "compiler/cli/suggest.h"

#include <algorithm>

#include <fmt/format.h>

namespace mote::cli {

int edit_distance(const std::string& a, const std::string& b) {
  // Optimal string alignment: transposed neighbours are the commonest typo.
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  int best_d = 0;
  for (const std::string& c : candidates) {
    const int d = edit_distance(word, c);
    if (best.empty() || d < best_d) best = c, best_d = d;
  }
  const int allowed = std::min(3, std::max(1, static_cast<int>(word.size()) / 3));
  return !best.empty() && best_d <= allowed ? best : std::string();
}

namespace {

std::string with_suggestion(const std::string& head, const std::string& suggestion) {
  return suggestion.empty() ? head : fmt::format("{}; did you mean '{}'?", head, suggestion);
}

}  // namespace

std::string unknown_word_message(const std::vector<std::string>& args, const std::vector<std::string>& subcommands,
                                 const std::vector<std::vector<std::string>>& flags_per_subcommand) {
  size_t i = 0;
  while (i < args.size() && args[i].rfind("-", 0) == 0) ++i;  // --help, --version before the subcommand
  if (i == args.size()) return "";
  const auto sub = std::find(subcommands.begin(), subcommands.end(), args[i]);
  if (sub == subcommands.end())
    return with_suggestion(fmt::format("unknown command '{}'", args[i]), nearest(args[i], subcommands));
  const std::vector<std::string>& flags = flags_per_subcommand[static_cast<size_t>(sub - subcommands.begin())];
  for (size_t k = i + 1; k < args.size(); ++k) {
    const std::string& a = args[k];
    if (a == "--") break;
    if (a.rfind("--", 0) != 0) continue;  // values, positionals and short flags are CLI11's to judge
    const std::string flag = a.substr(0, a.find('='));
    if (std::find(flags.begin(), flags.end(), flag) != flags.end()) continue;
    return with_suggestion(fmt::format("unknown option '{}' for '{}'", flag, *sub), nearest(flag, flags));
  }
  return "";
}

}  // namespace mote::cli
