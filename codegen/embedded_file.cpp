#include "codegen/embedded_file.h"

#include "compiler/support/error.h"

namespace mote::codegen {

const char* find_embedded(const std::vector<EmbeddedFile>& files, const std::string& name) {
  for (const EmbeddedFile& f : files)
    if (name == f.name) return f.text;
  throw support::InternalError("Mote was built without the file '" + name + "'");
}

}  // namespace mote::codegen
