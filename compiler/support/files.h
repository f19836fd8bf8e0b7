#pragma once
#include <string>
#include <vector>

namespace mote::support {

std::string read_text(const std::string& path);
// Writes bytes; throws support::Error (refused) naming the path on failure.
void write_file(const std::string& path, const std::string& bytes);

// A temporary directory removed when this object dies (unless kept).
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace mote::support
