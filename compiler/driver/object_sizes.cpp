#include "compiler/driver/object_sizes.h"

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>

#include "compiler/support/error.h"

namespace mote::driver {

namespace {

llvm::object::OwningBinary<llvm::object::ObjectFile> open_elf(const std::string& path) {
  auto file = llvm::object::ObjectFile::createObjectFile(path);
  if (!file) {
    const std::string why = llvm::toString(file.takeError());
    throw support::InternalError("cannot read object " + path + ": " + why);
  }
  if (!llvm::isa<llvm::object::ELFObjectFileBase>(file->getBinary()))
    throw support::InternalError(path + " is not an ELF file");
  return std::move(*file);
}

}  // namespace

int64_t section_bytes(const std::string& path, const std::string& name) {
  const auto file = open_elf(path);
  int64_t bytes = 0;
  for (const llvm::object::SectionRef section : file.getBinary()->sections()) {
    auto n = section.getName();
    if (!n) {
      llvm::consumeError(n.takeError());
      continue;
    }
    if (*n == name) bytes += static_cast<int64_t>(section.getSize());
  }
  return bytes;
}

SectionSizes object_sizes(const std::string& path) {
  const auto file = open_elf(path);
  const auto* elf = llvm::cast<llvm::object::ELFObjectFileBase>(file.getBinary());
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
