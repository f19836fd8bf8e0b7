#include "codegen/kernel_files.h"

#include <sstream>

#include "codegen/embedded_file.h"

namespace mote::codegen {

namespace {

// The words after `tag` on the file's lines that start with it.
std::vector<std::string> tagged(const std::string& file, const std::string& tag) {
  std::vector<std::string> out;
  std::istringstream text(find_embedded(kernel_files(), file));
  for (std::string line; std::getline(text, line);) {
    if (line.rfind(tag, 0) != 0) continue;
    std::istringstream words(line.substr(tag.size()));
    for (std::string w; words >> w;) out.push_back(w);
  }
  return out;
}

}  // namespace

std::vector<std::string> kernel_file_closure(const std::set<std::string>& wanted) {
  std::set<std::string> all{"common.h"};
  std::vector<std::string> todo(wanted.begin(), wanted.end());
  while (!todo.empty()) {
    const std::string f = todo.back();
    todo.pop_back();
    if (!all.insert(f).second) continue;
    for (const std::string& n : tagged(f, "// needs:")) todo.push_back(n);
  }
  std::vector<std::string> ordered;
  for (const EmbeddedFile& f : kernel_files())
    if (all.count(f.name)) ordered.push_back(f.name);
  return ordered;
}

std::vector<std::string> kernel_system_includes(const std::vector<std::string>& files) {
  std::set<std::string> inc;
  for (const std::string& f : files)
    for (const std::string& h : tagged(f, "// includes:")) inc.insert(h);
  return {inc.begin(), inc.end()};
}

}  // namespace mote::codegen
