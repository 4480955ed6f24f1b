#include "torch_library.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <string>

#include "dnacnn/core/error.hpp"

namespace dnacnn::app {

void load_torch() {
  static bool loaded = false;
  if (loaded) return;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path library = (ec ? std::filesystem::path(".") : self.parent_path()) / "libdnacnn.so";
  // RTLD_GLOBAL: the binary's calls into the library resolve against it from now on.
  if (!dlopen(library.c_str(), RTLD_NOW | RTLD_GLOBAL))
    throw Error(std::string("cannot load dnacnn's LibTorch half: ") + dlerror(), {library.string()});
  loaded = true;
}

}  // namespace dnacnn::app
