#include "compiler/driver/object_sizes.h"

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>

#include "compiler/support/error.h"

namespace mote::driver {

SectionSizes object_sizes(const std::string& path) {
  auto file = llvm::object::ObjectFile::createObjectFile(path);
  if (!file) {
    const std::string why = llvm::toString(file.takeError());
    throw support::InternalError("cannot read object " + path + ": " + why);
  }
  const auto* elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(file->getBinary());
  if (!elf) throw support::InternalError(path + " is not an ELF file");
  SectionSizes s;
  for (const llvm::object::ELFSectionRef section : elf->sections()) {
    const uint64_t flags = section.getFlags();
    if (!(flags & llvm::ELF::SHF_ALLOC)) continue;
    const auto size = static_cast<int64_t>(section.getSize());
    if (section.getType() == llvm::ELF::SHT_NOBITS) s.bss += size;
    else if (flags & llvm::ELF::SHF_EXECINSTR) s.code += size;
    else if (flags & llvm::ELF::SHF_WRITE) s.data += size;
    else s.rodata += size;
  }
  return s;
}

}  // namespace mote::driver
